/**
 * Issue 12 deliver 2: the rules the audit found missing, each read from the Go function it names
 * (fabric v0.129.1, as vendored by fabricator fee55670). A valid and an invalid case per rule,
 * asserting code, line, column and JSON path.
 */
import { describe, expect, it } from 'vitest';
import { at, check, codesOf, expectFinding, yaml } from './support.ts';

interface RuleCase {
  go: string;
  what: string;
  valid: string;
  invalid: string;
  code: string;
  needle: string;
  after?: string;
  path: string;
}

const indent = (text: string, by: number) =>
  text
    .split('\n')
    .map((line) => `${' '.repeat(by)}${line}`)
    .join('\n');

const GROUP = yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: GatewayGroup
  metadata:
    name: default
  ---
`;
/** A GatewayPeering between vpc-0001 (10.1.0.0/24, 10.1.1.0/24) and `other`, with the given exposes. */
const peering = (first: string, second = '- ips:\n    - cidr: 10.1.2.0/24', other = 'vpc-0002', acl = '') =>
  `${GROUP}${yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: GatewayPeering
  metadata:
    name: vpc-0001--peer
  spec:
    peering:
      vpc-0001:
        expose:
${indent(first, 10)}
      ${other}:
        expose:
${indent(second, 10)}
`}${acl ? `  acl:\n${indent(acl, 4)}\n` : ''}`;
const OWN = '- ips:\n    - cidr: 10.1.0.0/24';
const portForward = (port: string, as = '8080') =>
  `- ips:\n    - cidr: 10.1.0.10/32\n  as:\n    - cidr: 192.0.2.10/32\n  nat:\n    portForward:\n      ports:\n        - proto: tcp\n          port: "${port}"\n          as: "${as}"`;
const aclRule = (rule: string) => peering(OWN, undefined, undefined, `rules:\n${indent(rule, 2)}`);

const CASES: RuleCase[] = [
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("at least one IP block must be specified")',
    what: 'an expose needs ips unless it is default',
    valid: peering(OWN, '- default: true', 'ext.uplink'),
    invalid: peering('- as:\n    - cidr: 192.0.2.0/24\n  nat:\n    static: {}'),
    code: 'GATEWAY_NAT_INVALID',
    needle: '- »as:',
    path: '$.spec.peering["vpc-0001"].expose[0]',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("exactly one of cidr, not or vpcSubnet")',
    what: 'an ips entry sets exactly one of cidr, not, vpcSubnet',
    valid: peering('- ips:\n    - cidr: 10.1.0.0/24\n    - not: 10.1.0.128/25\n    - vpcSubnet: subnet-2'),
    invalid: peering('- ips:\n    - cidr: 10.1.0.0/24\n      vpcSubnet: subnet-2'),
    code: 'GATEWAY_NAT_INVALID',
    needle: '- »cidr: 10.1.0.0/24',
    path: '$.spec.peering["vpc-0001"].expose[0].ips[0]',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (kube: "CIDR %s is not part of VPC", iputil.IsSubset)',
    what: 'an IPv6 cidr on the VPC side is not part of the VPC; on the ext. side it is accepted',
    valid: peering(OWN, '- ips:\n    - cidr: "2001:db8::/32"', 'ext.uplink'),
    invalid: peering('- ips:\n    - cidr: "2001:db8::/32"'),
    code: 'GATEWAY_NAT_INVALID',
    needle: '"2001:db8::/32"',
    path: '$.spec.peering["vpc-0001"].expose[0].ips[0].cidr',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (netip.ParsePrefix of ips.not)',
    what: 'an ips not is a CIDR',
    valid: peering('- ips:\n    - cidr: 10.1.0.0/24\n    - not: 10.1.0.7/25'),
    invalid: peering('- ips:\n    - cidr: 10.1.0.0/24\n    - not: 10.1.0.300/25'),
    code: 'GATEWAY_NAT_INVALID',
    needle: '10.1.0.300/25',
    path: '$.spec.peering["vpc-0001"].expose[0].ips[1].not',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("exactly one of cidr or not must be set in peering expose AS")',
    what: 'an as entry sets exactly one of cidr or not',
    valid: peering(
      '- ips:\n    - cidr: 10.1.0.0/24\n  as:\n    - cidr: 192.0.2.0/24\n    - not: 192.0.2.128/25\n  nat:\n    static: {}',
    ),
    invalid: peering(
      '- ips:\n    - cidr: 10.1.0.0/24\n  as:\n    - cidr: 192.0.2.0/24\n      not: 192.0.2.128/25\n  nat:\n    static: {}',
    ),
    code: 'GATEWAY_NAT_INVALID',
    needle: '- »cidr: 192.0.2.0/24',
    path: '$.spec.peering["vpc-0001"].expose[0].as[0]',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (netip.ParsePrefix of as.cidr)',
    what: 'an as cidr is a CIDR',
    valid: peering('- ips:\n    - cidr: 10.1.0.0/24\n  as:\n    - cidr: 192.0.2.0/24\n  nat:\n    static: {}'),
    invalid: peering('- ips:\n    - cidr: 10.1.0.0/24\n  as:\n    - cidr: 192.0.2.0\n  nat:\n    static: {}'),
    code: 'GATEWAY_NAT_INVALID',
    needle: '192.0.2.0',
    path: '$.spec.peering["vpc-0001"].expose[0].as[0].cidr',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("external %s cannot have an IP block with VPC Subnets")',
    what: 'the ext. side cannot expose a vpcSubnet',
    valid: peering(OWN, '- ips:\n    - cidr: 0.0.0.0/0', 'ext.uplink'),
    invalid: peering(OWN, '- ips:\n    - vpcSubnet: subnet-1', 'ext.uplink'),
    code: 'GATEWAY_NAT_INVALID',
    needle: 'vpcSubnet: »subnet-1',
    path: '$.spec.peering["ext.uplink"].expose[0].ips[0].vpcSubnet',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (kube: "VPC subnet %s referenced in peering expose does not exist")',
    what: 'an exposed vpcSubnet exists in that VPC',
    valid: peering('- ips:\n    - vpcSubnet: subnet-1'),
    invalid: peering('- ips:\n    - vpcSubnet: subnet-9'),
    code: 'REFERENCE_NOT_FOUND',
    needle: 'subnet-9',
    path: '$.spec.peering["vpc-0001"].expose[0].ips[0].vpcSubnet',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("one side of a peering using static NAT cannot peer with a side using stateful NAT")',
    what: 'static and stateful NAT on one side is accepted; across the sides refused',
    valid: peering(
      `${portForward('22')}\n- ips:\n    - cidr: 10.1.1.0/24\n  as:\n    - cidr: 192.0.2.128/25\n  nat:\n    static: {}`,
    ),
    invalid: peering(
      portForward('22'),
      '- ips:\n    - cidr: 10.1.2.0/24\n  as:\n    - cidr: 198.51.100.0/24\n  nat:\n    static: {}',
    ),
    code: 'GATEWAY_NAT_INVALID',
    needle: 'peering:',
    after: 'kind: GatewayPeering',
    path: '$.spec.peering',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("at least one port forwarding rule must be set")',
    what: 'portForward needs at least one rule',
    valid: peering(portForward('22')),
    invalid: peering(
      '- ips:\n    - cidr: 10.1.0.10/32\n  as:\n    - cidr: 192.0.2.10/32\n  nat:\n    portForward:\n      idleTimeout: 1m',
    ),
    code: 'GATEWAY_NAT_INVALID',
    needle: 'portForward:',
    path: '$.spec.peering["vpc-0001"].expose[0].nat.portForward',
  },
  {
    go: 'gatewaypeering_types.go validatePort (single port 1..65535)',
    what: 'a port-forward port is between 1 and 65535',
    valid: peering(portForward('65535', '1')),
    invalid: peering(portForward('65536')),
    code: 'GATEWAY_NAT_INVALID',
    needle: '"65536"',
    path: '$.spec.peering["vpc-0001"].expose[0].nat.portForward.ports[0].port',
  },
  {
    go: 'gatewaypeering_types.go validatePort (range start-end, start <= end)',
    what: 'a port-forward range is start-end with start <= end',
    valid: peering(portForward('8000 - 8010', '9000-9010')),
    invalid: peering(portForward('8000-8010', '9010-9000')),
    code: 'GATEWAY_NAT_INVALID',
    needle: '"9010-9000"',
    path: '$.spec.peering["vpc-0001"].expose[0].nat.portForward.ports[0].as',
  },
  {
    go: 'gatewaypeering_types.go validatePort (no commas, no surrounding whitespace)',
    what: 'a port is a single port or range, unpadded',
    valid: peering(portForward('+443', '0443')),
    invalid: peering(portForward('80,443')),
    code: 'GATEWAY_NAT_INVALID',
    needle: '"80,443"',
    path: '$.spec.peering["vpc-0001"].expose[0].nat.portForward.ports[0].port',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (ACL rule name: nameChecker)',
    what: 'an ACL rule name is lower-case RFC 1123 labels',
    valid: aclRule('- name: allow.web-1\n  from: vpc-0001\n  action: allow'),
    invalid: aclRule('- name: Allow_Web\n  from: vpc-0001\n  action: allow'),
    code: 'GATEWAY_ACL_INVALID',
    needle: 'Allow_Web',
    path: '$.spec.acl.rules[0].name',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("at least one of from and to must be specified")',
    what: 'an ACL rule sets from or to',
    valid: aclRule('- to: vpc-0002\n  action: deny'),
    invalid: aclRule('- name: nothing\n  action: deny'),
    code: 'GATEWAY_ACL_INVALID',
    needle: '- »name: nothing',
    path: '$.spec.acl.rules[0]',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("it has to match one of the two VPCs of the peering")',
    what: 'ACL from and to are entries of the peering',
    valid: aclRule('- from: vpc-0001\n  to: vpc-0002\n  action: allow'),
    invalid: aclRule('- from: vpc-0001\n  to: vpc-0003\n  action: allow'),
    code: 'GATEWAY_ACL_INVALID',
    needle: 'vpc-0003',
    path: '$.spec.acl.rules[0].to',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate ("at most one of cidr and vpcSubnet")',
    what: 'an ACL match endpoint sets cidr or vpcSubnet, not both',
    valid: aclRule(
      '- from: vpc-0001\n  action: allow\n  match:\n    src:\n      - vpcSubnet: subnet-1\n    dst:\n      - cidr: 10.1.2.0/25',
    ),
    invalid: aclRule(
      '- from: vpc-0001\n  action: allow\n  match:\n    src:\n      - vpcSubnet: subnet-1\n        cidr: 10.1.0.0/24',
    ),
    code: 'GATEWAY_ACL_INVALID',
    needle: '- »vpcSubnet: subnet-1',
    path: '$.spec.acl.rules[0].match.src[0]',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (netip.ParsePrefix of a destination CIDR)',
    what: 'an ACL match cidr is a CIDR',
    valid: aclRule('- from: vpc-0001\n  action: allow\n  match:\n    dst:\n      - cidr: 10.1.2.0/25'),
    invalid: aclRule('- from: vpc-0001\n  action: allow\n  match:\n    dst:\n      - cidr: 10.1.2.0/33'),
    code: 'GATEWAY_ACL_INVALID',
    needle: '10.1.2.0/33',
    path: '$.spec.acl.rules[0].match.dst[0].cidr',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (validatePort of ACL ports)',
    what: 'ACL ports are single ports or ranges',
    valid: aclRule(
      '- from: vpc-0001\n  action: allow\n  match:\n    proto: tcp\n    dst:\n      - ports: ["443", "8000-8080"]',
    ),
    invalid: aclRule(
      '- from: vpc-0001\n  action: allow\n  match:\n    proto: tcp\n    dst:\n      - ports: ["443", "-8080"]',
    ),
    code: 'GATEWAY_ACL_INVALID',
    needle: '"-8080"',
    path: '$.spec.acl.rules[0].match.dst[0].ports[1]',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (kube: "source VPC subnet %s ... does not exist in VPC")',
    what: 'an ACL source vpcSubnet exists in the from VPC (implicit from "to")',
    valid: aclRule('- to: vpc-0002\n  action: allow\n  match:\n    src:\n      - vpcSubnet: subnet-2'),
    invalid: aclRule('- to: vpc-0002\n  action: allow\n  match:\n    src:\n      - vpcSubnet: subnet-7'),
    code: 'REFERENCE_NOT_FOUND',
    needle: 'subnet-7',
    path: '$.spec.acl.rules[0].match.src[0].vpcSubnet',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (kube: "the corresponding peering entry %q is not a VPC")',
    what: 'an ACL vpcSubnet needs its side to be a VPC',
    valid: peering(
      OWN,
      '- default: true',
      'ext.uplink',
      'rules:\n  - from: vpc-0001\n    action: allow\n    match:\n      src:\n        - vpcSubnet: subnet-1',
    ),
    invalid: peering(
      OWN,
      '- default: true',
      'ext.uplink',
      'rules:\n  - from: vpc-0001\n    action: allow\n    match:\n      dst:\n        - vpcSubnet: subnet-1',
    ),
    code: 'GATEWAY_ACL_INVALID',
    needle: 'vpcSubnet: »subnet-1',
    path: '$.spec.acl.rules[0].match.dst[0].vpcSubnet',
  },
];

describe('fidelity rules: a valid and an invalid case per rule, read from the Go function', () => {
  for (const rule of CASES) {
    it(`${rule.go}: ${rule.what}`, () => {
      const valid = check(rule.valid);
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      expect(codesOf(valid)).not.toContain(rule.code);
      const invalid = check(rule.invalid);
      expectFinding(invalid, rule.code, {
        ...at(rule.invalid, rule.needle, rule.after),
        path: rule.path,
        severity: 'error',
      });
      expect(invalid.valid).toBe(false);
    });
  }
});

const vpc = (options: string) => yaml`
  apiVersion: vpc.githedgehog.com/v1beta1
  kind: VPC
  metadata:
    name: vpc-new
  spec:
    subnets:
      default:
        subnet: 10.50.0.0/24
        vlan: 2500
        dhcp:
          enable: true
          options:
${indent(options, 12)}
`;

const VPC_CASES: RuleCase[] = [
  {
    go: 'vpc_types.go VPC.Validate (netip.ParseAddr of each DNSServers entry)',
    what: 'DHCP DNS servers are IP addresses',
    valid: vpc('dnsServers: [10.50.0.53, "2001:db8::53"]'),
    invalid: vpc('dnsServers: [10.50.0.53, dns.example.com]'),
    code: 'VPC_DHCP_INVALID',
    needle: 'dns.example.com',
    path: '$.spec.subnets.default.dhcp.options.dnsServers[1]',
  },
  {
    go: 'vpc_types.go VPC.Validate (netip.ParseAddr of each TimeServers entry)',
    what: 'DHCP time servers are IP addresses',
    valid: vpc('timeServers: [10.50.0.123]'),
    // listed out of order: the canonical form sorts the list, the finding still names the line written
    invalid: vpc('timeServers:\n  - 10.50.0.123\n  - 10.50.0.1/32'),
    code: 'VPC_DHCP_INVALID',
    needle: '10.50.0.1/32',
    path: '$.spec.subnets.default.dhcp.options.timeServers[1]',
  },
];

describe('fidelity rules: VPC', () => {
  for (const rule of VPC_CASES) {
    it(`${rule.go}: ${rule.what}`, () => {
      const valid = check(rule.valid);
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      expect(codesOf(valid)).not.toContain(rule.code);
      const invalid = check(rule.invalid);
      expectFinding(invalid, rule.code, {
        ...at(rule.invalid, rule.needle, rule.after),
        path: rule.path,
        severity: 'error',
      });
      expect(invalid.valid).toBe(false);
    });
  }
});

/** A hydrated Gateway (as hhfab writes it), with `iface` as the body of interface enp2s1 and `extra` spec lines. */
const gateway = (iface = 'ips: [172.30.200.1/31]', extra = '', name = 'enp2s1') =>
  `${GROUP}${yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: Gateway
  metadata:
    name: gw-new
  spec:
    protocolIP: 172.30.8.200/32
    vtepIP: 172.30.12.200/32
    vtepMAC: 02:00:00:00:00:01
    asn: 65534
    interfaces:
      ${name}:
${indent(iface, 8)}
`}${extra ? `${indent(extra, 2)}\n` : ''}`;
const NEIGHBOR = 'neighbors:\n  - source: enp2s1\n    ip: 172.30.200.0\n    asn: 65100';
const withNeighbor = (ip: string) => `neighbors:\n  - source: enp2s1\n    ip: ${ip}\n    asn: 65100`;

const GATEWAY_CASES: RuleCase[] = [
  {
    go: 'gateway_types.go Gateway.Validate (linuxIfaceNameRegex on the interface name)',
    what: 'an interface name is a Linux interface name',
    valid: gateway(undefined, NEIGHBOR, 'eth0.100'),
    invalid: gateway(undefined, NEIGHBOR, 'eth0.'),
    code: 'GATEWAY_INVALID',
    needle: 'eth0.:',
    path: '$.spec.interfaces["eth0."]',
  },
  {
    go: 'gateway_types.go Gateway.Validate ("cannot have both PCI address and kernel names")',
    what: 'pci and kernel are exclusive',
    valid: gateway('pci: "0000:02:00.0"\nips: [172.30.200.1/31]', NEIGHBOR),
    invalid: gateway('pci: "0000:02:00.0"\nkernel: ens3\nips: [172.30.200.1/31]', NEIGHBOR),
    code: 'GATEWAY_INVALID',
    needle: 'ens3',
    path: '$.spec.interfaces.enp2s1.kernel',
  },
  {
    go: 'gateway_types.go Gateway.Validate (PCI address: 12 characters, domain:bus:device.function)',
    what: 'a PCI address is dddd:bb:dd.f',
    valid: gateway('pci: "ffff:ff:1f.7"\nips: [172.30.200.1/31]', NEIGHBOR),
    invalid: gateway('pci: "0000:02:00:0"\nips: [172.30.200.1/31]', NEIGHBOR),
    code: 'GATEWAY_INVALID',
    needle: '"0000:02:00:0"',
    path: '$.spec.interfaces.enp2s1.pci',
  },
  {
    go: 'gateway_types.go Gateway.Validate (PCI device 0-1F)',
    what: 'a PCI device is at most 1F',
    valid: gateway('pci: "0000:02:1f.0"\nips: [172.30.200.1/31]', NEIGHBOR),
    invalid: gateway('pci: "0000:02:20.0"\nips: [172.30.200.1/31]', NEIGHBOR),
    code: 'GATEWAY_INVALID',
    needle: '"0000:02:20.0"',
    path: '$.spec.interfaces.enp2s1.pci',
  },
  {
    go: 'gateway_types.go Gateway.Validate (PCI function 0-7)',
    what: 'a PCI function is at most 7',
    valid: gateway('pci: "0000:02:00.7"\nips: [172.30.200.1/31]', NEIGHBOR),
    invalid: gateway('pci: "0000:02:00.8"\nips: [172.30.200.1/31]', NEIGHBOR),
    code: 'GATEWAY_INVALID',
    needle: '"0000:02:00.8"',
    path: '$.spec.interfaces.enp2s1.pci',
  },
  {
    go: 'gateway_types.go Gateway.Validate (kernel name: linuxIfaceNameRegex, not the interface name)',
    what: 'a kernel name is a Linux name other than the interface name',
    valid: gateway('kernel: ens3\nips: [172.30.200.1/31]', NEIGHBOR),
    invalid: gateway('kernel: enp2s1\nips: [172.30.200.1/31]', NEIGHBOR),
    code: 'GATEWAY_INVALID',
    needle: 'kernel: »enp2s1',
    path: '$.spec.interfaces.enp2s1.kernel',
  },
  {
    go: 'gateway_types.go Gateway.Validate (kernel name: linuxIfaceNameRegex)',
    what: 'a kernel name is at most 10 characters',
    valid: gateway('kernel: enp10s0f1np1\nips: [172.30.200.1/31]'.replace('enp10s0f1np1', 'ens10f1np1'), NEIGHBOR),
    invalid: gateway('kernel: enp10s0f1np1\nips: [172.30.200.1/31]', NEIGHBOR),
    code: 'GATEWAY_INVALID',
    needle: 'enp10s0f1np1',
    path: '$.spec.interfaces.enp2s1.kernel',
  },
  {
    go: 'gateway_types.go Gateway.Validate ("group %s is duplicate")',
    what: 'a gateway lists a group once',
    valid: gateway(undefined, `${NEIGHBOR}\ngroups:\n  - name: default\n    priority: 1`),
    invalid: gateway(undefined, `${NEIGHBOR}\ngroups:\n  - name: default\n  - name: default\n    priority: 1`),
    code: 'GATEWAY_INVALID',
    needle: 'name: »default\n      priority',
    path: '$.spec.groups[1].name',
  },
  {
    go: 'gateway_types.go Gateway.Validate (VTEPIP IsMulticast/IsLoopback/IsUnspecified, 127.0.0.0/8)',
    what: 'the VTEP IP is unicast and not loopback',
    valid: gateway(undefined, NEIGHBOR),
    invalid: gateway(undefined, NEIGHBOR).replace('vtepIP: 172.30.12.200/32', 'vtepIP: 127.0.0.2/32'),
    code: 'GATEWAY_INVALID',
    needle: '127.0.0.2/32',
    path: '$.spec.vtepIP',
  },
  {
    go: 'gateway_types.go Gateway.Validate (VTEPIP IsMulticast)',
    what: 'the VTEP IP is not multicast',
    valid: gateway(undefined, NEIGHBOR),
    invalid: gateway(undefined, NEIGHBOR).replace('vtepIP: 172.30.12.200/32', 'vtepIP: 239.1.1.1/32'),
    code: 'GATEWAY_INVALID',
    needle: '239.1.1.1/32',
    path: '$.spec.vtepIP',
  },
  {
    go: 'gateway_types.go Gateway.Validate (neighbor IP: netip.ParseAddr)',
    what: 'a neighbor IP is an address, without a prefix length',
    valid: gateway(undefined, withNeighbor('172.30.200.0')),
    invalid: gateway(undefined, withNeighbor('172.30.200.0/31')),
    code: 'GATEWAY_INVALID',
    needle: '172.30.200.0/31',
    path: '$.spec.neighbors[0].ip',
  },
  {
    go: 'gateway_types.go Gateway.Validate (neighbor IP IsMulticast/IsUnspecified)',
    what: 'a neighbor IP is unicast',
    valid: gateway(undefined, withNeighbor('172.30.200.0')),
    invalid: gateway(undefined, withNeighbor('224.0.0.5')),
    code: 'GATEWAY_INVALID',
    needle: '224.0.0.5',
    path: '$.spec.neighbors[0].ip',
  },
];

describe('fidelity rules: Gateway', () => {
  for (const rule of GATEWAY_CASES) {
    it(`${rule.go}: ${rule.what}`, () => {
      const valid = check(rule.valid);
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      expect(codesOf(valid).filter((code) => code === rule.code)).toEqual([]);
      const invalid = check(rule.invalid);
      expectFinding(invalid, rule.code, {
        ...at(rule.invalid, rule.needle, rule.after),
        path: rule.path,
        severity: 'error',
      });
      expect(invalid.valid).toBe(false);
    });
  }
});

/** A VPC whose subnet `default` is written by `body` (indented under the subnet). */
const hostVpc = (body: string) => yaml`
  apiVersion: vpc.githedgehog.com/v1beta1
  kind: VPC
  metadata:
    name: vpc-new
  spec:
    subnets:
      default:
${indent(body, 8)}
`;
const HOST_BGP = 'subnet: 10.50.0.0/24\nhostBGP: true';
const hostAttachment = (extra: string, annotations = '') =>
  `${hostVpc(HOST_BGP)}---\n${yaml`
  apiVersion: vpc.githedgehog.com/v1beta1
  kind: VPCAttachment
  metadata:
    name: server-0004--vpc-new
${annotations ? indent(annotations, 4) : ''}
  spec:
    connection: server-0004--unbundled--leaf-02
    subnet: vpc-new/default
${indent(extra, 4)}
`}`;

const HOST_BGP_CASES: RuleCase[] = [
  {
    go: 'vpc_types.go validateHostBGPPrefixLens (min <= max)',
    what: 'hostBGPMinPrefixLen is at most hostBGPMaxPrefixLen',
    valid: hostVpc(`${HOST_BGP}\nhostBGPMinPrefixLen: 28\nhostBGPMaxPrefixLen: 30`),
    invalid: hostVpc(`${HOST_BGP}\nhostBGPMinPrefixLen: 31\nhostBGPMaxPrefixLen: 30`),
    code: 'VPC_SUBNET_INVALID',
    needle: 'hostBGPMinPrefixLen: »31',
    path: '$.spec.subnets.default.hostBGPMinPrefixLen',
  },
  {
    go: 'vpc_types.go validateHostBGPPrefixLens (min not shorter than the subnet)',
    what: 'hostBGPMinPrefixLen is not shorter than the subnet prefix',
    valid: hostVpc(`${HOST_BGP}\nhostBGPMinPrefixLen: 24`),
    invalid: hostVpc(`${HOST_BGP}\nhostBGPMinPrefixLen: 23`),
    code: 'VPC_SUBNET_INVALID',
    needle: '23',
    path: '$.spec.subnets.default.hostBGPMinPrefixLen',
  },
  {
    go: 'vpc_types.go VPC.Validate ("cannot specify hostBGP prefix lengths on non-hostBGP subnet")',
    what: 'prefix lengths only on hostBGP subnets',
    valid: hostVpc(`${HOST_BGP}\nhostBGPMaxPrefixLen: 32`),
    invalid: hostVpc('subnet: 10.50.0.0/24\nvlan: 2500\nhostBGPMaxPrefixLen: 32'),
    code: 'VPC_SUBNET_INVALID',
    needle: 'hostBGPMaxPrefixLen: »32',
    path: '$.spec.subnets.default.hostBGPMaxPrefixLen',
  },
  {
    go: 'vpc_types.go VPC.Validate ("cannot specify hostBGP extra prefixes on non-hostBGP subnet")',
    what: 'extra prefixes only on hostBGP subnets',
    valid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {minPrefixLen: 26}`),
    invalid: hostVpc('subnet: 10.50.0.0/24\nvlan: 2500\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {minPrefixLen: 26}'),
    code: 'VPC_SUBNET_INVALID',
    needle: 'hostBGPExtraPrefixes:',
    path: '$.spec.subnets.default.hostBGPExtraPrefixes',
  },
  {
    go: 'vpc_types.go VPC.Validate (hostBGP extra prefix "is not in canonical form")',
    what: 'an extra prefix key is a canonical IPv4 prefix',
    valid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {}`),
    invalid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.10.55.1/24": {}`),
    code: 'VPC_SUBNET_INVALID',
    needle: '"10.10.55.1/24"',
    path: '$.spec.subnets.default.hostBGPExtraPrefixes["10.10.55.1/24"]',
  },
  {
    go: 'vpc_types.go VPC.Validate (HostBGPExtraPrefixLens, validateHostBGPPrefixLens)',
    what: 'an extra prefix min length is not shorter than the prefix',
    valid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {minPrefixLen: 24, maxPrefixLen: 28}`),
    invalid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {minPrefixLen: 20, maxPrefixLen: 28}`),
    code: 'VPC_SUBNET_INVALID',
    needle: '20',
    path: '$.spec.subnets.default.hostBGPExtraPrefixes["10.10.55.0/24"].minPrefixLen',
  },
  {
    go: 'vpc_types.go VPC.Validate (kube: "hostBGP extra prefix %s ... doesn\'t belong to IPv4Namespace")',
    what: 'an extra prefix is inside the IPv4Namespace',
    valid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {}`),
    invalid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "192.168.55.0/24": {}`),
    code: 'VPC_SUBNET_INVALID',
    needle: '"192.168.55.0/24"',
    path: '$.spec.subnets.default.hostBGPExtraPrefixes["192.168.55.0/24"]',
  },
  {
    go: 'vpc_types.go VPC.Validate (extra prefixes join iputil.VerifyNoOverlapNetip)',
    what: 'an extra prefix does not overlap the VPC subnets',
    valid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.50.1.0/24": {}`),
    invalid: hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.50.0.128/25": {}`),
    code: 'SUBNET_OVERLAP',
    needle: '"10.50.0.128/25"',
    path: '$.spec.subnets.default.hostBGPExtraPrefixes["10.50.0.128/25"]',
  },
  {
    go: 'vpcattachment_types.go VPCAttachment.Validate ("native VLAN is not supported for hostBGP subnets")',
    what: 'a hostBGP subnet is not attached with nativeVLAN',
    valid: hostAttachment('nativeVLAN: false'),
    invalid: hostAttachment('nativeVLAN: true'),
    code: 'VPC_ATTACHMENT_INVALID',
    needle: 'nativeVLAN: »true',
    path: '$.spec.nativeVLAN',
  },
  {
    go: 'vpcattachment_types.go VPCAttachment.Validate (AnnotationVPCAttachmentP2PLink: an IPv4 /31)',
    what: 'the p2p-link annotation is a /31',
    valid: hostAttachment('', 'annotations:\n  fabric.githedgehog.com/p2p-link: 10.50.0.0/31'),
    invalid: hostAttachment('', 'annotations:\n  fabric.githedgehog.com/p2p-link: 10.50.0.0/30'),
    code: 'VPC_ATTACHMENT_INVALID',
    needle: '10.50.0.0/30',
    path: '$.metadata.annotations["fabric.githedgehog.com/p2p-link"]',
  },
];

describe('fidelity rules: hostBGP (26.03) and VPCAttachment', () => {
  for (const rule of HOST_BGP_CASES) {
    it(`${rule.go}: ${rule.what}`, () => {
      const valid = check(rule.valid);
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      expect(codesOf(valid).filter((code) => code === rule.code)).toEqual([]);
      const invalid = check(rule.invalid);
      expectFinding(invalid, rule.code, {
        ...at(rule.invalid, rule.needle, rule.after),
        path: rule.path,
        severity: 'error',
      });
      expect(invalid.valid).toBe(false);
    });
  }
});

describe('fidelity rules: hostBGP prefix lengths inherited from the default', () => {
  it('vpc_types.go HostBGPPrefixLens (0 means 32): a max below the default min points at the max written', () => {
    const text = hostVpc(`${HOST_BGP}\nhostBGPMaxPrefixLen: 28`);
    expectFinding(check(text), 'VPC_SUBNET_INVALID', {
      ...at(text, '28'),
      path: '$.spec.subnets.default.hostBGPMaxPrefixLen',
      severity: 'error',
    });
    const extra = hostVpc(
      `${HOST_BGP}\nhostBGPMinPrefixLen: 26\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {maxPrefixLen: 25}`,
    );
    expectFinding(check(extra), 'VPC_SUBNET_INVALID', {
      ...at(extra, '25}'),
      path: '$.spec.subnets.default.hostBGPExtraPrefixes["10.10.55.0/24"].maxPrefixLen',
      severity: 'error',
    });
  });
});

describe('fidelity rules: hostBGP extra prefixes across VPCs', () => {
  it('vpc_types.go VPC.Validate (kube: "subnet %s overlaps with hostBGP extra prefix %s of VPC"): an extra prefix does not overlap another VPC', () => {
    const valid = hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.10.55.0/24": {}`);
    expect(check(valid).errors).toEqual([]);
    const invalid = hostVpc(`${HOST_BGP}\nhostBGPExtraPrefixes:\n  "10.1.0.0/23": {}`);
    expectFinding(check(invalid), 'SUBNET_OVERLAP', {
      ...at(invalid, '"10.1.0.0/23"'),
      path: '$.spec.subnets.default.hostBGPExtraPrefixes["10.1.0.0/23"]',
      severity: 'error',
    });
  });
});

const external = (community: string) => yaml`
  apiVersion: vpc.githedgehog.com/v1beta1
  kind: External
  metadata:
    name: bgp-new
  spec:
    inboundCommunity: "${community}"
    outboundCommunity: "500:65102"
`;
const aclStatement = (ports: string) => yaml`
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
      ip: 100.64.0.1
    inboundACL:
      statements:
        - seq: 10
          action: permit
          protocol: tcp
          srcPrefix: any
          dstPrefix: any
${indent(ports, 10)}
`;

const SMALL_CASES: RuleCase[] = [
  {
    go: 'external_types.go External.Validate (communityCheck: no leading zeros)',
    what: 'a BGP community half has no leading zero',
    valid: external('65102:500'),
    invalid: external('65102:0500'),
    code: 'EXTERNAL_INVALID',
    needle: '"65102:0500"',
    path: '$.spec.inboundCommunity',
  },
  {
    go: 'externalattachment_types.go ExternalAttachment.Validate ("portRangeBegin must be <= portRangeEnd"; an omitted end is 0)',
    what: 'an ACL portRangeBegin needs an end',
    valid: aclStatement('portRangeBegin: 443\nportRangeEnd: 443'),
    invalid: aclStatement('portRangeBegin: 443'),
    code: 'ACL_INVALID',
    needle: '443',
    path: '$.spec.inboundACL.statements[0].portRangeBegin',
  },
  {
    go: 'externalattachment_types.go ExternalAttachment.Validate ("tcpFilters can only be used with tcp": TCPFilters != nil)',
    what: 'an empty tcpFilters block needs tcp',
    valid: aclStatement('tcpFilters: {}'),
    invalid: aclStatement('tcpFilters: {}').replace('protocol: tcp', 'protocol: udp'),
    code: 'ACL_INVALID',
    needle: 'tcpFilters:',
    path: '$.spec.inboundACL.statements[0].tcpFilters',
  },
];

describe('fidelity rules: the smaller ones', () => {
  for (const rule of SMALL_CASES) {
    it(`${rule.go}: ${rule.what}`, () => {
      const valid = check(rule.valid);
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      expect(codesOf(valid).filter((code) => code === rule.code)).toEqual([]);
      const invalid = check(rule.invalid);
      expectFinding(invalid, rule.code, {
        ...at(rule.invalid, rule.needle, rule.after),
        path: rule.path,
        severity: 'error',
      });
      expect(invalid.valid).toBe(false);
    });
  }
});
