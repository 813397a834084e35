/**
 * Issue 12, Hedgehog fidelity: defaults first, real YAML Hedgehog accepts is never refused, and a
 * schema finding does not hide the rules. Each case names the Go function (fabric v0.129.1, as
 * vendored by fabricator fee55670) it was read from, and asserts code, line, column and path.
 */
import { describe, expect, it } from 'vitest';
import { at, check, codesOf, expectFinding, yaml } from './support.ts';

interface FidelityCase {
  /** The Go function the expectation was read from. */
  go: string;
  what: string;
  /** Input that Hedgehog accepts: no error (warnings allowed unless `noWarnings`). */
  valid: string;
  /** Input Hedgehog refuses (or, with severity warning, accepts and the gateway warns about). */
  invalid: string;
  code: string;
  needle: string;
  after?: string;
  path: string;
  severity?: 'error' | 'warning';
}

const vpc = (subnet: string, name = 'vpc-new') => yaml`
  apiVersion: vpc.githedgehog.com/v1beta1
  kind: VPC
  metadata:
    name: ${name}
  spec:
    subnets:
      default:
${subnet
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
`;
const DHCP_ON = 'subnet: 10.50.0.0/24\nvlan: 2500\ndhcp:\n  enable: true';
const DHCP_OFF = 'subnet: 10.50.0.0/24\nvlan: 2500\ndhcp:\n  enable: false';

const GROUP = yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: GatewayGroup
  metadata:
    name: default
  ---
`;
const peering = (acl: string) =>
  `${GROUP}${yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: GatewayPeering
  metadata:
    name: vpc-0001--vpc-0002
  spec:
    peering:
      vpc-0001:
        expose:
          - ips:
              - cidr: 10.1.0.0/24
      vpc-0002:
        expose:
          - ips:
              - cidr: 10.1.2.0/24
    acl:
${acl
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`}`;
const RULE = 'rules:\n  - name: allow-icmp\n    from: vpc-0001\n    to: vpc-0002\n    action: allow';
const gateway = (extra: string) =>
  `${GROUP}${yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: Gateway
  metadata:
    name: gw-new
  spec:
    asn: 65534
    protocolIP: 172.30.8.250/32
    vtepIP: 172.30.12.250/32
    interfaces:
      enp2s1: {}
${extra
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`}`;
const leafSwitch = (name: string, last: number, extra = '') => yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Switch
  metadata:
    name: ${name}
  spec:
    role: server-leaf
    profile: celestica-ds3000
    asn: ${65100 + last}
    ip: 172.30.0.${last}/21
    protocolIP: 172.30.8.${last}/32
    vtepIP: 172.30.12.${last}/32
${extra
  .split('\n')
  .filter(Boolean)
  .map((line) => `    ${line}`)
  .join('\n')}
`;
const spineSwitch = yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Switch
  metadata:
    name: spine-09
  spec:
    role: spine
    profile: celestica-ds4000
    asn: 65100
    ip: 172.30.0.99/21
    protocolIP: 172.30.8.99/32
`;
const fabricLink = (spineSide: string, leafSide: string) =>
  `${leafSwitch('leaf-09', 91)}---\n${spineSwitch}---\n${yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Connection
  metadata:
    name: spine-09--fabric--leaf-09
  spec:
    fabric:
      links:
        - spine:
            port: ${spineSide}
            ip: 172.30.250.0/31
          leaf:
            port: ${leafSide}
            ip: 172.30.250.1/31
`}`;
const eslagPair = (secondExtra: string) =>
  `${leafSwitch('leaf-08', 81, 'redundancy:\n  group: eslag-9\n  type: eslag')}---\n${leafSwitch('leaf-09', 91, secondExtra)}---\n${yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: SwitchGroup
  metadata:
    name: eslag-9
  ---
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Server
  metadata:
    name: server-99
  ---
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Connection
  metadata:
    name: server-99--eslag--leaf-08--leaf-09
  spec:
    eslag:
      links:
        - server:
            port: server-99/enp2s1
          switch:
            port: leaf-08/E1/1/1
        - server:
            port: server-99/enp2s2
          switch:
            port: leaf-09/E1/1/1
`}`;

const attachment = (neighbor: string, prefix: string) => yaml`
  apiVersion: vpc.githedgehog.com/v1beta1
  kind: ExternalAttachment
  metadata:
    name: leaf-01--uplink
  spec:
    external: uplink
    connection: leaf-01--external
    switch:
      vlan: 100
      ip: 100.64.0.2/24
    neighbor:
      asn: 64102
      ip: "${neighbor}"
    inboundACL:
      statements:
        - seq: 10
          action: permit
          protocol: ip
          srcPrefix: "${prefix}"
          dstPrefix: any
`;

const CASES: FidelityCase[] = [
  // Deliver 1: Default() before validation.
  {
    go: 'vpc_types.go VPC.Default (InterfaceMTU 9036, LeaseTimeSeconds 3600)',
    what: 'DHCP options without interfaceMTU and leaseTimeSeconds are filled, not required',
    valid: vpc(`${DHCP_ON}\n  options:\n    dnsServers: [10.50.0.53]`),
    invalid: vpc(`${DHCP_ON}\n  options:\n    interfaceMTU: 20000`),
    code: 'SCHEMA_RANGE',
    needle: '20000',
    path: '$.spec.subnets.default.dhcp.options.interfaceMTU',
  },
  {
    go: 'vpc_types.go VPC.Default (DHCP off: Range = nil, Options = nil)',
    what: 'options of a subnet with DHCP off are dropped before any range check',
    valid: vpc(`${DHCP_OFF}\n  options:\n    interfaceMTU: 20000\n    leaseTimeSeconds: 0`),
    // hhfab decodes strictly before Default: an unknown key in the dropped options is still an error.
    invalid: vpc(`${DHCP_OFF}\n  options:\n    interfaceMTU: 20000\n    mtu: 1500`),
    code: 'SCHEMA_UNKNOWN_FIELD',
    needle: 'mtu: »1500',
    path: '$.spec.subnets.default.dhcp.options.mtu',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Default (acl.Default = deny-unless-exposed)',
    what: 'acl.default is filled, not required',
    valid: peering(RULE),
    invalid: peering(`default: allow\n${RULE}`),
    code: 'SCHEMA_ENUM',
    needle: 'allow',
    after: 'default:',
    path: '$.spec.acl.default',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Default (rule Scope = flow)',
    what: 'an ACL rule without scope is filled with flow',
    valid: peering(`default: deny\n${RULE}`),
    invalid: peering(`default: deny\n${RULE}\n    scope: everywhere`),
    code: 'SCHEMA_ENUM',
    needle: 'everywhere',
    path: '$.spec.acl.rules[0].scope',
  },
  {
    go: 'gateway_types.go Gateway.Default (Workers = 4 when 0) and Gateway.Validate (1..64)',
    what: 'workers: 0 means the default 4',
    valid: gateway('workers: 0'),
    invalid: gateway('workers: 65'),
    code: 'GATEWAY_INVALID',
    needle: 'workers: »65',
    path: '$.spec.workers',
  },
  // Deliver 2: the over-strict table.
  {
    go: 'vpc_types.go VPCSubnet.HostBGPExtraPrefixes map[string]VPCSubnetHostBGPPrefix (docs user-guide/vpcs.md example)',
    what: 'hostBGPExtraPrefixes is a map keyed by prefix',
    valid: vpc('subnet: 10.50.0.0/24\nhostBGP: true\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {minPrefixLen: 26}'),
    invalid: vpc('subnet: 10.50.0.0/24\nhostBGP: true\nhostBGPExtraPrefixes:\n  - prefix: 10.10.55.0/24'),
    code: 'SCHEMA_TYPE',
    needle: 'hostBGPExtraPrefixes:',
    path: '$.spec.subnets.default.hostBGPExtraPrefixes',
  },
  {
    go: 'vpc_types.go VPC.Validate (net.ParseMAC) and VPC.Default (MAC normalised)',
    what: 'a dotted static-lease MAC is accepted',
    valid: vpc(
      `${DHCP_ON}\n  static:\n    0c20.12fe.0a01: {ip: 10.50.0.20}\n    0C-20-12-FE-0A-02: {ip: 10.50.0.21}\n    02:00:5e:10:00:00:00:01: {ip: 10.50.0.22}`,
    ),
    invalid: vpc(`${DHCP_ON}\n  static:\n    0c20.12fe.0a0: {ip: 10.50.0.20}`),
    code: 'VPC_DHCP_INVALID',
    needle: '0c20.12fe.0a0:',
    path: '$.spec.subnets.default.dhcp.static["0c20.12fe.0a0"]',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (ACLMatchProtocols or strconv.Atoi)',
    what: 'a numeric ACL protocol is accepted',
    valid: peering(`${RULE}\n    match:\n      proto: "1"`),
    invalid: peering(`${RULE}\n    match:\n      proto: icmp`),
    code: 'SCHEMA_FORMAT',
    needle: 'proto: »icmp',
    path: '$.spec.acl.rules[0].match.proto',
  },
  // Deliver 4: stricter than Go, kept as warnings.
  {
    go: 'vpc_types.go VPC.Validate (iputil.ParseCIDR accepts host bits)',
    what: 'a VPC subnet with host bits is a warning',
    valid: vpc('subnet: 10.50.0.0/24\nvlan: 2500'),
    invalid: vpc('subnet: 10.50.0.1/24\nvlan: 2500'),
    code: 'VPC_SUBNET_INVALID',
    needle: '10.50.0.1/24',
    path: '$.spec.subnets.default.subnet',
    severity: 'warning',
  },
  {
    go: 'external_types.go External.Validate (netip.ParsePrefix keeps host bits)',
    what: 'a static External prefix with host bits is a warning',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata:\n  name: st\nspec:\n  static:\n    prefixes: [198.51.100.0/24]\n',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata:\n  name: st\nspec:\n  static:\n    prefixes: [198.51.100.7/24]\n',
    code: 'EXTERNAL_INVALID',
    needle: '198.51.100.7/24',
    path: '$.spec.static.prefixes[0]',
    severity: 'warning',
  },
  {
    go: 'vpc_types.go VPC.Validate (hostBGP refuses dhcp.enable only)',
    what: 'a DHCP relay on a hostBGP subnet is a warning',
    valid: vpc('subnet: 10.50.0.0/24\nhostBGP: true'),
    invalid: vpc('subnet: 10.50.0.0/24\nhostBGP: true\ndhcp:\n  relay: 10.99.0.1/32'),
    code: 'VPC_DHCP_INVALID',
    needle: '10.99.0.1/32',
    path: '$.spec.subnets.default.dhcp.relay',
    severity: 'warning',
  },
  {
    go: 'connection_types.go Connection.Validate (no role checks)',
    what: 'a fabric link with spine and leaf swapped is a warning',
    valid: fabricLink('spine-09/E1/1', 'leaf-09/E1/30'),
    invalid: fabricLink('leaf-09/E1/30', 'spine-09/E1/1'),
    code: 'REFERENCE_WRONG_TYPE',
    needle: 'leaf-09/E1/30',
    after: 'spine:',
    path: '$.spec.fabric.links[0].spine.port',
    severity: 'warning',
  },
  {
    go: 'connection_types.go Connection.Validate (ESLAG: switches without a redundancy group are skipped)',
    what: 'an ESLAG switch without a group is a warning',
    valid: eslagPair('redundancy:\n  group: eslag-9\n  type: eslag'),
    invalid: eslagPair(''),
    code: 'REDUNDANCY_GROUP_MISMATCH',
    needle: 'links:',
    after: 'eslag:',
    path: '$.spec.eslag.links',
    severity: 'warning',
  },
  {
    go: 'connection_types.go Connection.Validate (MCLAG: warning "deprecated and no longer supported")',
    what: 'an mclag connection is a LEGACY_API warning',
    valid: eslagPair('redundancy:\n  group: eslag-9\n  type: eslag'),
    invalid: eslagPair('redundancy:\n  group: eslag-9\n  type: eslag').replace(
      '  eslag:\n    links:',
      '  mclag:\n    links:',
    ),
    code: 'LEGACY_API',
    needle: 'mclag:',
    after: 'kind: Connection',
    path: '$.spec.mclag',
    severity: 'warning',
  },
  {
    go: 'external_types.go External.Validate (netip.ParsePrefix reads IPv6)',
    what: 'an IPv6 static External prefix is a warning',
    valid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata:\n  name: st\nspec:\n  static:\n    prefixes: [198.51.100.0/24]\n',
    invalid:
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata:\n  name: st\nspec:\n  static:\n    prefixes: [198.51.100.0/24, "2001:db8::/32"]\n',
    code: 'EXTERNAL_INVALID',
    needle: '"2001:db8::/32"',
    path: '$.spec.static.prefixes[1]',
    severity: 'warning',
  },
  {
    go: 'externalattachment_types.go ExternalAttachment.Validate (net.ParseIP, net.ParseCIDR read IPv6)',
    what: 'an IPv6 BGP neighbor and ACL prefix are warnings',
    valid: attachment('100.64.0.1', '10.0.0.0/8'),
    invalid: attachment('2001:db8::1', '2001:db8::/32'),
    code: 'EXTERNAL_ATTACHMENT_INVALID',
    needle: '"2001:db8::1"',
    path: '$.spec.neighbor.ip',
    severity: 'warning',
  },
];

describe('fidelity: a valid and an invalid case per default and rule, read from the Go function', () => {
  for (const rule of CASES) {
    it(`${rule.go}: ${rule.what}`, () => {
      const valid = check(rule.valid);
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      expect(codesOf(valid)).not.toContain(rule.code);

      const invalid = check(rule.invalid);
      const severity = rule.severity ?? 'error';
      expectFinding(invalid, rule.code, { ...at(rule.invalid, rule.needle, rule.after), path: rule.path, severity });
      if (severity === 'warning')
        expect(invalid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      else expect(invalid.valid).toBe(false);
    });
  }
});

describe('fidelity: what validation sees is the defaulted object', () => {
  it('VPC.Default fills DHCP options and normalises a dotted MAC in the canonical form', () => {
    const result = check(
      vpc(`${DHCP_ON}\n  options:\n    dnsServers: [10.50.0.53]\n  static:\n    0c20.12fe.0a01: {ip: 10.50.0.20}`),
    );
    const subnet = (
      result.objects[0]!.object.spec as {
        subnets: Record<string, { dhcp: { options: Record<string, unknown>; static: Record<string, unknown> } }>;
      }
    ).subnets.default!;
    expect(subnet.dhcp.options).toMatchObject({
      interfaceMTU: 9036,
      leaseTimeSeconds: 3600,
      dnsServers: ['10.50.0.53'],
    });
    expect(Object.keys(subnet.dhcp.static)).toEqual(['0c:20:12:fe:0a:01']);
  });

  it('GatewayPeering.Default: acl.default and rule scope in the canonical form', () => {
    const result = check(peering(`${RULE}\n    match:\n      proto: "6"`));
    expect(result.errors).toEqual([]);
    const acl = (
      result.objects.find((object) => object.kind === 'GatewayPeering')!.object.spec as {
        acl: { default: string; rules: { scope: string }[] };
      }
    ).acl;
    expect(acl.default).toBe('deny-unless-exposed');
    expect(acl.rules[0]!.scope).toBe('flow');
  });

  it('ACL protocol: strconv.Atoi reads signs and leading zeros, and nothing beyond 64 bits', () => {
    for (const proto of ['+6', '-1', '0017', '9223372036854775807'])
      expect(check(peering(`${RULE}\n    match:\n      proto: "${proto}"`)).errors).toEqual([]);
    for (const proto of ['9223372036854775808', '1.5', '6 ', 'tcp6'])
      expect(codesOf(check(peering(`${RULE}\n    match:\n      proto: "${proto}"`)))).toContain('SCHEMA_FORMAT');
  });

  it('an IPv6 ACL prefix is a warning too; text that is neither IPv4 nor IPv6 stays an error', () => {
    const text = attachment('2001:db8::1', '2001:db8::/32');
    expectFinding(check(text), 'ACL_INVALID', {
      ...at(text, '"2001:db8::/32"'),
      path: '$.spec.inboundACL.statements[0].srcPrefix',
      severity: 'warning',
    });
    const bad = attachment('2001:db8::1', '2001:db8::/129');
    expectFinding(check(bad), 'ACL_INVALID', {
      ...at(bad, '"2001:db8::/129"'),
      path: '$.spec.inboundACL.statements[0].srcPrefix',
      severity: 'error',
    });
  });

  it('net.ParseMAC forms: mixed separators and odd group sizes are refused', () => {
    for (const mac of ['0c:20-12:fe:0a:01', '0c:20:12:fe:0a', '0c2.012fe.0a01', '0c20.12fe.0a01.0a02.0a03']) {
      expect(codesOf(check(vpc(`${DHCP_ON}\n  static:\n    "${mac}": {ip: 10.50.0.20}`))), mac).toContain(
        'VPC_DHCP_INVALID',
      );
    }
  });
});

describe('fidelity: every finding at once (deliver 5)', () => {
  it('an unknown field does not hide the rule checks of a readable object', () => {
    const text = leafSwitch('leaf-09', 91, 'location:\n  rack: "1"').replace('asn: 65191', 'asn: 64000');
    const result = check(text);
    expectFinding(result, 'SCHEMA_UNKNOWN_FIELD', { ...at(text, 'location:'), path: '$.spec.location' });
    expectFinding(result, 'SWITCH_ASN_INVALID', { ...at(text, '64000'), path: '$.spec.asn' });
    expect(result.objects[0]!.valid).toBe(false);
  });

  it('a value out of range does not hide the rules either', () => {
    const text = vpc(`${DHCP_ON}\n  options:\n    interfaceMTU: 20000`).replace('10.50.0.0/24', '11.50.0.0/24');
    const result = check(text);
    expectFinding(result, 'SCHEMA_RANGE', {
      ...at(text, '20000'),
      path: '$.spec.subnets.default.dhcp.options.interfaceMTU',
    });
    expectFinding(result, 'VPC_SUBNET_INVALID', { ...at(text, '11.50.0.0/24'), path: '$.spec.subnets.default.subnet' });
  });

  it('an object whose shape cannot be read (a wrong type) gets its schema findings only, and never throws', () => {
    const text = vpc('subnet: 11.50.0.0/24\nvlan: many');
    const result = check(text);
    expectFinding(result, 'SCHEMA_TYPE', { ...at(text, 'many'), path: '$.spec.subnets.default.vlan' });
    expect(codesOf(result)).not.toContain('VPC_SUBNET_INVALID');
  });
});
