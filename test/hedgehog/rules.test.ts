/**
 * One invalid and one valid case per rule, each asserting the finding's code AND position. Input
 * is checked together with a small generated fabric (BASE_FABRIC), as a draft is checked against
 * a fabric's current objects.
 */
import { describe, expect, it } from 'vitest';
import type { FabricConfig } from '../../src/hedgehog/fabric-config.ts';
import { at, check, codesOf, expectFinding, yaml } from './support.ts';

interface RuleCase {
  code: string;
  /** Input that must produce the finding. */
  invalid: string;
  /** Where the finding must point: the first occurrence of `needle` (after `after`). */
  needle: string;
  after?: string;
  path: string;
  severity?: 'error' | 'warning';
  /** Input that must not produce the finding (and is valid unless `validHasOtherFindings`). */
  valid: string;
  fabricConfig?: Partial<FabricConfig>;
}

const leaf = (spec: string, name = 'leaf-09') => yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Switch
  metadata:
    name: ${name}
  spec:
${spec
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;
const HYDRATED_LEAF =
  'role: server-leaf\nprofile: celestica-ds3000\nasn: 65120\nip: 172.30.0.90/21\nprotocolIP: 172.30.8.90/32\nvtepIP: 172.30.12.90/32';
const unbundled = (serverPort: string, switchPort: string, extra = '') => yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Server
  metadata:
    name: server-x
  ---
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Connection
  metadata:
    name: server-x--unbundled--leaf-01
  spec:
    unbundled:
      link:
        server:
          port: ${serverPort}
        switch:
          port: ${switchPort}${extra}
`;
const vpc = (subnets: string, extra = '', name = 'vpc-new') => yaml`
  apiVersion: vpc.githedgehog.com/v1beta1
  kind: VPC
  metadata:
    name: ${name}
  spec:
${
  extra
    ? `${extra
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')}\n`
    : ''
}    subnets:
${subnets
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;

const CASES: RuleCase[] = [
  {
    code: 'YAML_SYNTAX',
    path: '$',
    needle: 'b',
    after: 'a: [1',
    invalid: 'a: [1, 2\nb: 3\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\n',
  },
  {
    code: 'NOT_HEDGEHOG_OBJECT',
    severity: 'warning',
    path: '$.kind',
    needle: 'ConfigMap',
    invalid: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\n',
  },
  {
    code: 'UNKNOWN_KIND',
    path: '$.kind',
    needle: 'Rack',
    invalid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Rack\nmetadata:\n  name: r\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: r\n',
  },
  {
    code: 'MISSING_TYPE',
    path: '$.kind',
    needle: 'apiVersion',
    invalid: 'apiVersion: wiring.githedgehog.com/v1beta1\nmetadata:\n  name: r\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: r\n',
  },
  {
    code: 'NOT_AN_OBJECT',
    path: '$',
    needle: '- a',
    invalid: '- a\n- b\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: r\n',
  },
  {
    code: 'INTERNAL_KIND',
    severity: 'warning',
    path: '$.kind',
    needle: 'Agent',
    invalid: 'apiVersion: agent.githedgehog.com/v1beta1\nkind: Agent\nmetadata:\n  name: leaf-01\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: r\n',
  },
  {
    code: 'READ_ONLY_KIND',
    severity: 'warning',
    path: '$.kind',
    needle: 'SwitchProfile',
    invalid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchProfile\nmetadata:\n  name: custom\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: r\n',
  },
  {
    code: 'DUPLICATE_OBJECT',
    path: '$.metadata.name',
    needle: 'name: »g',
    after: '---',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\n---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\n---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: h\n',
  },
  {
    code: 'LEGACY_API',
    path: '$.apiVersion',
    needle: 'wiring.githedgehog.com/v1alpha2',
    invalid: 'apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Server\nmetadata:\n  name: s\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s\n',
  },
  {
    // Switch.Validate: "MCLAG is deprecated and no longer supported" is a warning there too.
    code: 'LEGACY_API',
    severity: 'warning',
    path: '$.spec.redundancy.type',
    needle: 'mclag',
    after: 'type:',
    invalid: leaf(`${HYDRATED_LEAF}\nredundancy:\n  group: eslag-1\n  type: mclag`),
    valid: leaf(`${HYDRATED_LEAF}\nredundancy:\n  group: eslag-1\n  type: eslag`),
  },
  {
    code: 'LEGACY_API',
    path: '$.spec.remote',
    needle: 'somewhere',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: p\nspec:\n  remote: somewhere\n  permit:\n    - vpc-0001: {}\n      vpc-0002: {}\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: p\nspec:\n  permit:\n    - vpc-0001: {}\n      vpc-0003: {}\n',
  },
  {
    code: 'SCHEMA_UNKNOWN_FIELD',
    path: '$.spec.location',
    needle: 'location:',
    invalid: leaf(`${HYDRATED_LEAF}\nlocation:\n  rack: "1"`),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SCHEMA_REQUIRED',
    path: '$.spec.role',
    needle: 'spec:',
    invalid: leaf('profile: celestica-ds3000\nasn: 65120'),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SCHEMA_ENUM',
    path: '$.spec.role',
    needle: 'superspine',
    invalid: leaf(HYDRATED_LEAF.replace('server-leaf', 'superspine')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SCHEMA_TYPE',
    path: '$.spec.asn',
    needle: 'lots',
    invalid: leaf(HYDRATED_LEAF.replace('65120', 'lots')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SCHEMA_RANGE',
    path: '$.spec.linkFlapErrDisable.flapThreshold',
    needle: '99',
    invalid: leaf(`${HYDRATED_LEAF}\nlinkFlapErrDisable:\n  flapThreshold: 99`),
    valid: leaf(`${HYDRATED_LEAF}\nlinkFlapErrDisable:\n  flapThreshold: 9`),
  },
  {
    code: 'SCHEMA_FORMAT',
    path: '$.spec.fabric.links[0].spine.ip',
    needle: '172.30.200.0',
    invalid: yaml`
      apiVersion: wiring.githedgehog.com/v1beta1
      kind: Connection
      metadata:
        name: spine-01--fabric--leaf-01
      spec:
        fabric:
          links:
            - spine: {port: spine-01/E1/1/1, ip: 172.30.200.0}
              leaf: {port: leaf-01/E1/25, ip: 172.30.200.1/31}
    `,
    valid: yaml`
      apiVersion: wiring.githedgehog.com/v1beta1
      kind: Connection
      metadata:
        name: spine-01--fabric--leaf-01
      spec:
        fabric:
          links:
            - spine: {port: spine-01/E1/1/1, ip: 172.30.200.0/31}
              leaf: {port: leaf-01/E1/25, ip: 172.30.200.1/31}
    `,
  },
  {
    code: 'NAME_INVALID',
    path: '$.metadata.name',
    needle: 'Group_1',
    invalid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: Group_1\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: group-1\n',
  },
  {
    code: 'NAMESPACE_NOT_DEFAULT',
    path: '$.metadata.namespace',
    needle: 'fab',
    invalid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\n  namespace: fab\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\n  namespace: default\n',
  },
  {
    code: 'VPC_NAME_INVALID',
    path: '$.metadata.name',
    needle: 'averylongvpc',
    invalid: vpc('s1:\n  subnet: 10.9.0.0/24\n  vlan: 2500', '', 'averylongvpc'),
    valid: vpc('s1:\n  subnet: 10.9.0.0/24\n  vlan: 2500', '', 'shortvpc'),
  },
  {
    code: 'SWITCH_ROLE_UNSUPPORTED',
    path: '$.spec.role',
    needle: 'virtual-edge',
    invalid: leaf(HYDRATED_LEAF.replace('server-leaf', 'virtual-edge')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SWITCH_PROFILE_UNKNOWN',
    path: '$.spec.profile',
    needle: 'acme-9000',
    invalid: leaf(HYDRATED_LEAF.replace('celestica-ds3000', 'acme-9000')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SWITCH_PROFILE_FEATURE',
    path: '$.spec.roce',
    needle: 'true',
    invalid: leaf(`${HYDRATED_LEAF.replace('celestica-ds3000', 'celestica-ds2000')}\nroce: true`),
    valid: leaf(`${HYDRATED_LEAF}\nroce: true`),
  },
  {
    code: 'SWITCH_PORT_SETTING_INVALID',
    path: '$.spec.portBreakouts["E1/1"]',
    needle: '2x40G',
    invalid: leaf(`${HYDRATED_LEAF}\nportBreakouts:\n  E1/1: 2x40G`),
    valid: leaf(`${HYDRATED_LEAF}\nportBreakouts:\n  E1/1: 2x50G`),
  },
  {
    code: 'SWITCH_MAX_PORTS',
    path: '$.spec.portBreakouts',
    needle: 'portBreakouts:',
    invalid: leaf(
      `role: spine\nprofile: celestica-ds4000\nasn: 65100\nip: 172.30.0.91/21\nprotocolIP: 172.30.8.91/32\nportBreakouts:\n${Array.from({ length: 32 }, (_, index) => `  E1/${index + 1}: 8x50G`).join('\n')}`,
      'spine-09',
    ),
    valid: leaf(
      `role: spine\nprofile: celestica-ds4000\nasn: 65100\nip: 172.30.0.91/21\nprotocolIP: 172.30.8.91/32\nportBreakouts:\n${Array.from({ length: 32 }, (_, index) => `  E1/${index + 1}: 4x100G`).join('\n')}`,
      'spine-09',
    ),
  },
  {
    code: 'SWITCH_REDUNDANCY_INVALID',
    path: '$.spec.redundancy.type',
    needle: 'redundancy:',
    invalid: leaf(`${HYDRATED_LEAF}\nredundancy:\n  group: eslag-1`),
    valid: leaf(`${HYDRATED_LEAF}\nredundancy:\n  group: eslag-1\n  type: eslag`),
  },
  {
    // hydration mode override: hhfab hydrates whatever is missing, so a gap is only a warning.
    code: 'SWITCH_NOT_HYDRATED',
    severity: 'warning',
    path: '$.spec.asn',
    needle: 'spec:',
    fabricConfig: { hydrationMode: 'override' },
    invalid: leaf('role: server-leaf\nprofile: celestica-ds3000'),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    // hhfab's default mode if-not-present, against the hydrated base fabric: the wiring is then partly hydrated.
    code: 'SWITCH_NOT_HYDRATED',
    severity: 'error',
    path: '$.spec.asn',
    needle: 'spec:',
    invalid: leaf('role: server-leaf\nprofile: celestica-ds3000'),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    // hydrate.go ensureHydrated: "wiring is already partially hydrated", once, on the first input object with a gap.
    code: 'HYDRATION_STATUS',
    severity: 'error',
    path: '$.spec.ip',
    needle: 'spec:',
    invalid: leaf('role: server-leaf\nprofile: celestica-ds3000'),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SWITCH_NOT_HYDRATED',
    severity: 'error',
    path: '$.spec.asn',
    needle: 'spec:',
    fabricConfig: { requireHydration: true },
    invalid: leaf('role: server-leaf\nprofile: celestica-ds3000'),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SWITCH_ASN_INVALID',
    path: '$.spec.asn',
    needle: '64999',
    invalid: leaf(HYDRATED_LEAF.replace('65120', '64999')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SWITCH_IP_INVALID',
    path: '$.spec.ip',
    needle: '172.30.5.1/21',
    invalid: leaf(HYDRATED_LEAF.replace('172.30.0.90/21', '172.30.5.1/21')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'SWITCH_VTEP_FORBIDDEN',
    path: '$.spec.vtepIP',
    needle: '172.30.12.91/32',
    invalid: leaf(
      'role: spine\nprofile: celestica-ds4000\nasn: 65100\nip: 172.30.0.91/21\nprotocolIP: 172.30.8.91/32\nvtepIP: 172.30.12.91/32',
      'spine-09',
    ),
    valid: leaf(
      'role: spine\nprofile: celestica-ds4000\nasn: 65100\nip: 172.30.0.91/21\nprotocolIP: 172.30.8.91/32',
      'spine-09',
    ),
  },
  {
    code: 'VLAN_RANGE_INVALID',
    path: '$.spec.ranges[0]',
    needle: '- »from',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: extra\nspec:\n  ranges:\n    - from: 3500\n      to: 3600\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: extra\nspec:\n  ranges:\n    - from: 500\n      to: 600\n',
  },
  {
    code: 'VLAN_RANGES_OVERLAP',
    path: '$.spec.ranges[1]',
    needle: '- »from: 550',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: extra\nspec:\n  ranges:\n    - from: 500\n      to: 600\n    - from: 550\n      to: 700\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: extra\nspec:\n  ranges:\n    - from: 500\n      to: 600\n    - from: 650\n      to: 700\n',
  },
  {
    code: 'SUBNET_INVALID',
    path: '$.spec.subnets[0]',
    needle: 'banana',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: other\nspec:\n  subnets:\n    - banana\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: other\nspec:\n  subnets:\n    - 192.168.0.0/16\n',
  },
  {
    code: 'SUBNET_RESERVED_OVERLAP',
    path: '$.spec.subnets[0]',
    needle: '172.30.0.0/16',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: other\nspec:\n  subnets:\n    - 172.30.0.0/16\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: other\nspec:\n  subnets:\n    - 172.31.0.0/16\n',
  },
  {
    code: 'SUBNET_OVERLAP',
    path: '$.spec.subnets.s1.subnet',
    needle: '10.1.0.128/25',
    invalid: vpc('s1:\n  subnet: 10.1.0.128/25\n  vlan: 2500'),
    valid: vpc('s1:\n  subnet: 10.9.0.0/25\n  vlan: 2500'),
  },
  {
    code: 'CONNECTION_TYPE_COUNT',
    path: '$.spec.bundled',
    needle: 'bundled:',
    after: 'port: leaf-01',
    invalid: `${unbundled('server-x/eth0', 'leaf-01/E1/20/1')}  bundled:\n    links:\n      - {server: {port: server-x/eth1}, switch: {port: leaf-01/E1/20/2}}\n`,
    valid: unbundled('server-x/eth0', 'leaf-01/E1/20/1'),
  },
  {
    code: 'CONNECTION_PORT_FORMAT',
    path: '$.spec.unbundled.link.server.port',
    needle: 'eth0',
    invalid: unbundled('eth0', 'leaf-01/E1/20/1'),
    valid: unbundled('server-x/eth0', 'leaf-01/E1/20/1'),
  },
  {
    code: 'CONNECTION_ENDPOINTS',
    path: '$.spec.bundled',
    needle: 'bundled:',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: server-0001--bundled--x\nspec:\n  bundled:\n    links:\n      - {server: {port: server-0001/eth8}, switch: {port: leaf-01/E1/20/1}}\n      - {server: {port: server-0001/eth9}, switch: {port: leaf-03/E1/20/1}}\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: server-0001--bundled--x\nspec:\n  bundled:\n    links:\n      - {server: {port: server-0001/eth8}, switch: {port: leaf-01/E1/20/1}}\n      - {server: {port: server-0001/eth9}, switch: {port: leaf-01/E1/20/2}}\n',
  },
  {
    code: 'CONNECTION_MTU',
    path: '$.spec.unbundled.mtu',
    needle: '9100',
    invalid: `${unbundled('server-x/eth0', 'leaf-01/E1/20/1')}    mtu: 9100\n`,
    valid: `${unbundled('server-x/eth0', 'leaf-01/E1/20/1')}    mtu: 9036\n`,
  },
  {
    code: 'CONNECTION_LINK_IP',
    path: '$.spec.fabric.links[0].leaf.ip',
    needle: '172.30.200.3/31',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: spine-01--fabric--leaf-01\nspec:\n  fabric:\n    links:\n      - spine: {port: spine-01/E1/1/1, ip: 172.30.200.0/31}\n        leaf: {port: leaf-01/E1/25, ip: 172.30.200.3/31}\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: spine-01--fabric--leaf-01\nspec:\n  fabric:\n    links:\n      - spine: {port: spine-01/E1/1/1, ip: 172.30.200.0/31}\n        leaf: {port: leaf-01/E1/25, ip: 172.30.200.1/31}\n',
  },
  {
    code: 'CONNECTION_NOT_HYDRATED',
    severity: 'warning',
    path: '$.spec.fabric.links[0]',
    needle: '- »spine',
    fabricConfig: { hydrationMode: 'override' },
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: spine-01--fabric--leaf-01\nspec:\n  fabric:\n    links:\n      - spine: {port: spine-01/E1/1/1}\n        leaf: {port: leaf-01/E1/25}\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: spine-01--fabric--leaf-01\nspec:\n  fabric:\n    links:\n      - spine: {port: spine-01/E1/1/1, ip: 172.30.200.0/31}\n        leaf: {port: leaf-01/E1/25, ip: 172.30.200.1/31}\n',
  },
  {
    code: 'CONNECTION_STATIC_EXTERNAL',
    path: '$.spec.staticExternal.link.switch.nextHop',
    needle: '10.99.0.1',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: leaf-01--static-external\nspec:\n  staticExternal:\n    link:\n      switch: {port: leaf-01/E1/20/1, ip: 10.98.0.2/24, nextHop: 10.99.0.1, subnets: [10.200.0.0/16]}\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: leaf-01--static-external\nspec:\n  staticExternal:\n    link:\n      switch: {port: leaf-01/E1/20/1, ip: 10.98.0.2/24, nextHop: 10.98.0.1, subnets: [10.200.0.0/16]}\n',
  },
  {
    code: 'CONNECTION_DEPRECATED',
    severity: 'warning',
    path: '$.spec.staticExternal',
    needle: 'staticExternal:',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: leaf-01--static-external\nspec:\n  staticExternal:\n    link:\n      switch: {port: leaf-01/E1/20/1, ip: 10.98.0.2/24, nextHop: 10.98.0.1, subnets: [10.200.0.0/16]}\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: leaf-01--external-2\nspec:\n  external:\n    link:\n      switch: {port: leaf-01/E1/20/1}\n',
  },
  {
    code: 'YAML_LIMIT',
    path: '$',
    needle: 'a: &a',
    invalid: `${['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, index) => `${name}: &${name} [${Array(10).fill(`*${'abcdefgh'[index]}`).join(', ')}]`)].join('\n')}\n`,
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: aliases\n  annotations: &notes {team: net}\nspec: {}\n',
  },
  {
    code: 'VPC_MODE_UNSUPPORTED',
    path: '$.spec.mode',
    needle: 'l3flat',
    invalid: vpc('s1:\n  subnet: 10.9.0.0/24\n  vlan: 2500', 'mode: l3flat'),
    valid: vpc('s1:\n  subnet: 10.9.0.0/24\n  vlan: 2500', 'mode: l3vni'),
  },
  {
    code: 'VPC_SUBNET_INVALID',
    path: '$.spec.subnets.s1.gateway',
    needle: '10.8.0.1',
    invalid: vpc('s1:\n  subnet: 10.9.0.0/24\n  gateway: 10.8.0.1\n  vlan: 2500'),
    valid: vpc('s1:\n  subnet: 10.9.0.0/24\n  gateway: 10.9.0.1\n  vlan: 2500'),
  },
  {
    code: 'VPC_DHCP_INVALID',
    path: '$.spec.subnets.s1.dhcp.range.start',
    needle: '10.9.0.0',
    after: 'start:',
    invalid: vpc(
      's1:\n  subnet: 10.9.0.0/24\n  vlan: 2500\n  dhcp:\n    enable: true\n    range:\n      start: 10.9.0.0',
    ),
    valid: vpc(
      's1:\n  subnet: 10.9.0.0/24\n  vlan: 2500\n  dhcp:\n    enable: true\n    range:\n      start: 10.9.0.10',
    ),
  },
  {
    code: 'VPC_PERMIT_INVALID',
    path: '$.spec.permit[0]',
    needle: '- »[s1]',
    invalid: vpc(
      's1:\n  subnet: 10.9.0.0/24\n  vlan: 2500\ns2:\n  subnet: 10.9.1.0/24\n  vlan: 2501',
      'permit:\n  - [s1]',
    ),
    valid: vpc(
      's1:\n  subnet: 10.9.0.0/24\n  vlan: 2500\ns2:\n  subnet: 10.9.1.0/24\n  vlan: 2501',
      'permit:\n  - [s1, s2]',
    ),
  },
  {
    code: 'VPC_STATIC_ROUTE_INVALID',
    path: '$.spec.staticRoutes[0].prefix',
    needle: '10.50.0.1/16',
    invalid: vpc(
      's1:\n  subnet: 10.9.0.0/24\n  vlan: 2500',
      'staticRoutes:\n  - prefix: 10.50.0.1/16\n    nextHops: [10.9.0.5]',
    ),
    valid: vpc(
      's1:\n  subnet: 10.9.0.0/24\n  vlan: 2500',
      'staticRoutes:\n  - prefix: 10.50.0.0/16\n    nextHops: [10.9.0.5]',
    ),
  },
  {
    code: 'EXTERNAL_INVALID',
    path: '$.spec.inboundCommunity',
    needle: '65102:1',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata:\n  name: st\nspec:\n  inboundCommunity: 65102:1\n  static:\n    prefixes: [0.0.0.0/0]\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata:\n  name: st\nspec:\n  static:\n    prefixes: [0.0.0.0/0]\n',
  },
  {
    code: 'EXTERNAL_ATTACHMENT_INVALID',
    path: '$.spec.neighbor.ip',
    needle: 'neighbor:',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata:\n  name: leaf-01--uplink\nspec:\n  external: uplink\n  connection: leaf-01--external\n  switch: {vlan: 100, ip: 100.64.0.2/24}\n  neighbor: {asn: 64102}\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata:\n  name: leaf-01--uplink\nspec:\n  external: uplink\n  connection: leaf-01--external\n  switch: {vlan: 100, ip: 100.64.0.2/24}\n  neighbor: {asn: 64102, ip: 100.64.0.1}\n',
  },
  {
    code: 'ACL_INVALID',
    path: '$.spec.inboundACL.statements[0].seq',
    needle: '5',
    after: 'seq:',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata:\n  name: leaf-01--uplink\nspec:\n  external: uplink\n  connection: leaf-01--external\n  switch: {vlan: 100, ip: 100.64.0.2/24}\n  neighbor: {asn: 64102, ip: 100.64.0.1}\n  inboundACL:\n    statements:\n      - seq: 5\n        action: permit\n        protocol: ip\n        srcPrefix: any\n        dstPrefix: any\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata:\n  name: leaf-01--uplink\nspec:\n  external: uplink\n  connection: leaf-01--external\n  switch: {vlan: 100, ip: 100.64.0.2/24}\n  neighbor: {asn: 64102, ip: 100.64.0.1}\n  inboundACL:\n    statements:\n      - seq: 10\n        action: permit\n        protocol: ip\n        srcPrefix: any\n        dstPrefix: any\n',
  },
  {
    code: 'PEERING_INVALID',
    path: '$.spec.permit[0]',
    needle: '- »vpc-0001',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: p\nspec:\n  permit:\n    - vpc-0001: {}\n      vpc-0002: {}\n      vpc-0003: {}\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: p\nspec:\n  permit:\n    - vpc-0001: {}\n      vpc-0003: {}\n',
  },
  {
    code: 'PEERING_DISABLED',
    path: '$.spec',
    needle: 'spec:',
    fabricConfig: { vpcPeeringDisabled: true },
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: p\nspec:\n  permit:\n    - vpc-0001: {}\n      vpc-0003: {}\n',
    valid: 'apiVersion: vpc.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: p\n'.replace(
      'vpc.githedgehog.com',
      'wiring.githedgehog.com',
    ),
  },
  {
    code: 'GATEWAY_INVALID',
    path: '$.spec.interfaces.x',
    needle: 'x:',
    fabricConfig: { hydrationMode: 'override' },
    invalid:
      'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: default\n---\napiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  interfaces:\n    x:\n      ips: [172.30.200.1/31]\n',
    valid:
      'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: default\n---\napiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  interfaces:\n    enp2s1:\n      ips: [172.30.200.1/31]\n',
  },
  {
    code: 'GATEWAY_NOT_HYDRATED',
    severity: 'warning',
    path: '$.spec',
    needle: 'spec:',
    fabricConfig: { hydrationMode: 'override' },
    invalid:
      'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: default\n---\napiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  interfaces:\n    enp2s1: {}\n',
    valid:
      'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: default\n---\napiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  protocolIP: 172.30.8.200/32\n  vtepIP: 172.30.12.200/32\n  vtepMAC: 02:00:00:00:00:01\n  asn: 65534\n  neighbors: [{source: enp2s1, ip: 172.30.200.0, asn: 65100}]\n  interfaces:\n    enp2s1:\n      ips: [172.30.200.1/31]\n',
  },
  {
    code: 'GATEWAY_NAT_INVALID',
    path: '$.spec.peering["vpc-0001"].expose[0].nat',
    needle: '- »ips',
    invalid:
      'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: default\n---\napiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayPeering\nmetadata:\n  name: vpc-0001--vpc-0002\nspec:\n  peering:\n    vpc-0001:\n      expose:\n        - ips: [{cidr: 10.1.0.0/24}]\n          as: [{cidr: 192.168.0.0/24}]\n    vpc-0002:\n      expose:\n        - ips: [{cidr: 10.1.2.0/24}]\n',
    valid:
      'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: default\n---\napiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayPeering\nmetadata:\n  name: vpc-0001--vpc-0002\nspec:\n  peering:\n    vpc-0001:\n      expose:\n        - ips: [{cidr: 10.1.0.0/24}]\n          as: [{cidr: 192.168.0.0/24}]\n          nat: {static: {}}\n    vpc-0002:\n      expose:\n        - ips: [{cidr: 10.1.2.0/24}]\n',
  },
  {
    code: 'GATEWAY_DISABLED',
    path: '$.kind',
    needle: 'GatewayGroup',
    fabricConfig: { gatewayEnabled: false },
    invalid: 'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: default\n',
    valid: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: default\n',
  },
  {
    code: 'REFERENCE_NOT_FOUND',
    path: '$.spec.unbundled.link.switch.port',
    needle: 'leaf-77/E1/20/1',
    invalid: unbundled('server-x/eth0', 'leaf-77/E1/20/1'),
    valid: unbundled('server-x/eth0', 'leaf-01/E1/20/1'),
  },
  {
    code: 'REFERENCE_WRONG_TYPE',
    path: '$.spec.connection',
    needle: 'spine-01--fabric--leaf-01',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: a\nspec:\n  connection: spine-01--fabric--leaf-01\n  subnet: vpc-0001/subnet-1\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: a\nspec:\n  connection: server-0004--unbundled--leaf-02\n  subnet: vpc-0004/subnet-1\n',
  },
  {
    code: 'REDUNDANCY_GROUP_MISMATCH',
    path: '$.spec.eslag.links',
    needle: 'links:',
    invalid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: server-0001--eslag--x\nspec:\n  eslag:\n    links:\n      - {server: {port: server-0001/eth8}, switch: {port: leaf-01/E1/20/1}}\n      - {server: {port: server-0001/eth9}, switch: {port: leaf-03/E1/20/1}}\n',
    valid:
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: server-0001--eslag--x\nspec:\n  eslag:\n    links:\n      - {server: {port: server-0001/eth8}, switch: {port: leaf-01/E1/20/1}}\n      - {server: {port: server-0001/eth9}, switch: {port: leaf-02/E1/20/1}}\n',
  },
  {
    code: 'PORT_NOT_ALLOWED',
    path: '$.spec.unbundled.link.switch.port',
    needle: 'leaf-01/E1/99',
    invalid: unbundled('server-x/eth0', 'leaf-01/E1/99'),
    valid: unbundled('server-x/eth0', 'leaf-01/E1/20/4'),
  },
  {
    // E1/25 is an uplink of leaf-01 (1x100G); E1/25/1 is the same physical port.
    code: 'PORT_IN_USE',
    path: '$.spec.unbundled.link.switch.port',
    needle: 'leaf-01/E1/25/1',
    invalid: unbundled('server-x/eth0', 'leaf-01/E1/25/1'),
    valid: unbundled('server-x/eth0', 'leaf-01/E1/20/1'),
  },
  {
    code: 'DUPLICATE_ASN',
    path: '$.spec.asn',
    needle: '65101',
    invalid: leaf(HYDRATED_LEAF.replace('65120', '65101')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'DUPLICATE_IP',
    path: '$.spec.protocolIP',
    needle: '172.30.8.2/32',
    invalid: leaf(HYDRATED_LEAF.replace('172.30.8.90/32', '172.30.8.2/32')),
    valid: leaf(HYDRATED_LEAF),
  },
  {
    code: 'DUPLICATE_VLAN',
    path: '$.spec.subnets.s1.vlan',
    needle: '1000',
    invalid: vpc('s1:\n  subnet: 10.9.0.0/24\n  vlan: 1000'),
    valid: vpc('s1:\n  subnet: 10.9.0.0/24\n  vlan: 2500'),
  },
  {
    code: 'NAMESPACE_MISMATCH',
    path: '$.spec.permit',
    needle: 'permit:',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: other\nspec:\n  subnets: [192.168.0.0/16]\n---\n' +
      vpc('s1:\n  subnet: 192.168.1.0/24\n  vlan: 2500', 'ipv4Namespace: other') +
      '---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: p\nspec:\n  permit:\n    - vpc-0001: {}\n      vpc-new: {}\n',
    valid: `${vpc('s1:\n  subnet: 10.9.0.0/24\n  vlan: 2500')}---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: p\nspec:\n  permit:\n    - vpc-0001: {}\n      vpc-new: {}\n`,
  },
  {
    code: 'ATTACHMENT_CONFLICT',
    path: '$.spec.subnet',
    needle: 'vpc-0001/subnet-1',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: again\nspec:\n  connection: server-0001--eslag--leaf-01--leaf-02\n  subnet: vpc-0001/subnet-1\n',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: again\nspec:\n  connection: server-0001--eslag--leaf-01--leaf-02\n  subnet: vpc-0004/subnet-2\n',
  },
];

describe('rules: one invalid and one valid case each, with code and position', () => {
  for (const rule of CASES) {
    it(`${rule.code}${rule.fabricConfig ? ` (${JSON.stringify(rule.fabricConfig)})` : ''} at ${rule.path}`, () => {
      const options = rule.fabricConfig ? { fabricConfig: rule.fabricConfig } : {};
      const invalid = check(rule.invalid, options);
      expectFinding(invalid, rule.code, {
        ...at(rule.invalid, rule.needle, rule.after),
        path: rule.path,
        severity: rule.severity ?? 'error',
      });
      if ((rule.severity ?? 'error') === 'error') expect(invalid.valid).toBe(false);

      const valid = check(rule.valid, options);
      expect(codesOf(valid)).not.toContain(rule.code);
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
    });
  }
});
