/** Rules for gateway.githedgehog.com kinds (reference §6): Gateway and GatewayPeering. */
import {
  isIpv6Prefix,
  normalizeMac,
  parseIpv4,
  parseIpv4Prefix,
  prefixContains,
  prefixesOverlap,
  prefixWithin,
  type Ipv4Prefix,
} from '../ip.ts';
import type { ExternalObject, GatewayObject, GatewayPeeringObject, VPCObject } from '../schemas.ts';
import { hydrationSeverity, type ObjectRecord, type RuleContext } from '../rule-context.ts';
import { checkHostAddress } from './wiring-rules.ts';

/** gateway_types.go `linuxIfaceNameRegex`. */
const LINUX_IFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9]$/;

/** Not multicast (224.0.0.0/4) and not unspecified (0.0.0.0): netip's IsMulticast / IsUnspecified. */
function isUnicast(address: number): boolean {
  return address !== 0 && address >>> 28 !== 14;
}

/** strconv.ParseInt(text, 16, 64) within 0..max: an optional sign, then hex digits. */
function hexField(text: string, max: number): boolean {
  if (!/^[+-]?[0-9a-fA-F]+$/.test(text)) return false;
  const value = Number.parseInt(text, 16);
  return value >= 0 && value <= max;
}

/** Gateway.Validate's PCI address check: 12 characters, `domain:bus:device.function` in hex. */
function pciProblem(pci: string): string | undefined {
  if (pci.length !== 12) return 'must be 12 characters';
  const dot = pci.split('.');
  if (dot.length !== 2) return 'must be domain:bus:device.function';
  if (!hexField(dot[1]!, 7)) return 'has a function outside 0-7';
  const parts = dot[0]!.split(':');
  if (parts.length !== 3) return 'must be domain:bus:device.function';
  if (!hexField(parts[0]!, 0xffff)) return 'has a domain outside 0-FFFF';
  if (!hexField(parts[1]!, 0xff)) return 'has a bus outside 0-FF';
  if (!hexField(parts[2]!, 0x1f)) return 'has a device outside 0-1F';
  return undefined;
}

export function checkGateway(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as GatewayObject).spec ?? {};
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  const invalid = (message: string, path: (string | number)[]) => report({ code: 'GATEWAY_INVALID', message, path });

  const interfaces = Object.entries(spec.interfaces ?? {});
  if (interfaces.length === 0) invalid('at least one interface is required', ['spec', 'interfaces']);
  let missingIPs = 0;
  for (const [name, iface] of interfaces) {
    const at = ['spec', 'interfaces', name];
    // Gateway.Validate: linuxIfaceNameRegex, for the interface name and for its kernel name.
    if (!LINUX_IFACE_NAME.test(name))
      invalid(
        `interface name ${name} must be a Linux interface name: 2 to 10 letters, digits, _ . -, starting with a letter and not ending in _ . -`,
        at,
      );
    if (iface?.pci && iface.kernel)
      invalid(`interface ${name} cannot have both a PCI address and a kernel name`, [...at, 'kernel']);
    if (iface?.pci) {
      const problem = pciProblem(iface.pci);
      if (problem)
        invalid(`interface ${name} PCI address ${iface.pci} ${problem} (written like 0000:02:00.0)`, [...at, 'pci']);
    }
    if (iface?.kernel) {
      if (!LINUX_IFACE_NAME.test(iface.kernel))
        invalid(`interface ${name} kernel name ${iface.kernel} must be a Linux interface name (2 to 10 characters)`, [
          ...at,
          'kernel',
        ]);
      else if (iface.kernel === name)
        invalid(`interface ${name} cannot use its own name as kernel name`, [...at, 'kernel']);
    }
    const ips = iface?.ips ?? [];
    if (ips.length === 0) missingIPs++;
    ips.forEach((ip, index) => {
      if (!parseIpv4Prefix(ip))
        invalid(`interface ${name} IP ${ip} must be an IPv4 CIDR`, ['spec', 'interfaces', name, 'ips', index]);
    });
  }

  // Addresses, ASN and neighbors are filled by hhfab's hydration; check them when present.
  const missing = [
    spec.protocolIP ? undefined : 'protocolIP',
    spec.vtepIP ? undefined : 'vtepIP',
    spec.vtepMAC ? undefined : 'vtepMAC',
    spec.asn ? undefined : 'asn',
    (spec.neighbors ?? []).length > 0 ? undefined : 'neighbors',
    interfaces.length > 0 && missingIPs > 0 ? 'interfaces.*.ips' : undefined,
  ].filter((field): field is string => field !== undefined);
  if (missing.length > 0) {
    report({
      severity: hydrationSeverity(ctx),
      code: 'GATEWAY_NOT_HYDRATED',
      message: `gateway is not hydrated: ${missing.join(', ')} missing (hhfab fills them)`,
      path: ['spec'],
    });
  }
  checkHostAddress(ctx, record, {
    value: spec.protocolIP,
    field: 'protocolIP',
    label: 'protocol IP',
    subnet: ctx.config.protocolSubnet,
    subnetName: 'protocol',
    code: 'GATEWAY_INVALID',
  });
  if (spec.vtepIP) {
    const vtep = parseIpv4Prefix(spec.vtepIP);
    if (vtep?.length !== 32) invalid(`VTEP IP ${spec.vtepIP} must be a /32`, ['spec', 'vtepIP']);
    // Gateway.Validate: not multicast, loopback (127.0.0.0/8) or unspecified.
    else if (!isUnicast(vtep.address) || vtep.address >>> 24 === 127)
      invalid(`VTEP IP ${spec.vtepIP} must be a unicast address, not loopback`, ['spec', 'vtepIP']);
    // hhfab getHydration: "gateway %s vtep IP %s is not in the vtep subnet %s".
    else if (
      parseIpv4Prefix(ctx.config.vtepSubnet) &&
      !prefixContains(parseIpv4Prefix(ctx.config.vtepSubnet)!, vtep.address)
    )
      invalid(`VTEP IP ${spec.vtepIP} is not in the VTEP subnet ${ctx.config.vtepSubnet}`, ['spec', 'vtepIP']);
  }
  if (spec.vtepMAC) {
    const mac = normalizeMac(spec.vtepMAC);
    const firstOctet = mac ? Number.parseInt(mac.slice(0, 2), 16) : 0;
    if (!mac || mac === '00:00:00:00:00:00' || (firstOctet & 1) === 1)
      invalid(`VTEP MAC ${spec.vtepMAC} must be a non-zero unicast MAC`, ['spec', 'vtepMAC']);
  }
  if (spec.asn && spec.asn !== ctx.config.gatewayASN)
    invalid(`ASN ${spec.asn} must be the fabric gateway ASN ${ctx.config.gatewayASN}`, ['spec', 'asn']);
  if (spec.workers !== undefined && spec.workers !== null && (spec.workers < 1 || spec.workers > 64))
    invalid('workers must be between 1 and 64', ['spec', 'workers']);
  (spec.neighbors ?? []).forEach((neighbor, index) => {
    // Gateway.Validate: netip.ParseAddr (no prefix length), IPv4, not multicast or unspecified.
    const ip = neighbor.ip ? parseIpv4(neighbor.ip) : undefined;
    if (ip === undefined)
      invalid(
        `neighbor ${index} ip ${neighbor.ip ?? ''} is not an IPv4 address${neighbor.ip?.includes('/') ? ' (write it without a prefix length)' : ''}`,
        ['spec', 'neighbors', index, 'ip'],
      );
    else if (ip >>> 28 === 14)
      invalid(`neighbor ${index} ip ${neighbor.ip} is a multicast address`, ['spec', 'neighbors', index, 'ip']);
    else if (ip === 0)
      invalid(`neighbor ${index} ip ${neighbor.ip} is the unspecified address`, ['spec', 'neighbors', index, 'ip']);
    if (!neighbor.asn) invalid(`neighbor ${index} asn is required`, ['spec', 'neighbors', index, 'asn']);
  });
  const rawGroups = (record.raw as { spec?: { groups?: unknown } }).spec?.groups;
  // Gateway.Validate: "group %s is duplicate". Default sorts the groups, so point at the second one written.
  if (Array.isArray(rawGroups)) {
    const seen = new Set<string>();
    rawGroups.forEach((group: unknown, index) => {
      const name = group !== null && typeof group === 'object' ? (group as { name?: unknown }).name : undefined;
      if (typeof name !== 'string') return;
      if (seen.has(name)) invalid(`gateway group ${name} is listed twice`, ['spec', 'groups', index, 'name']);
      seen.add(name);
    });
  }
  (spec.groups ?? []).forEach((group, index) => {
    if (!group.name) {
      invalid('group name is required', ['spec', 'groups', index, 'name']);
      return;
    }
    if (!ctx.lookup('GatewayGroup', record.namespace, group.name)) {
      report({
        code: 'REFERENCE_NOT_FOUND',
        message: `gateway group ${group.name} does not exist${Array.isArray(rawGroups) ? '' : ' (gateways join group "default" unless groups is set)'}`,
        path: Array.isArray(rawGroups) ? ['spec', 'groups', index, 'name'] : ['spec'],
      });
      return;
    }
    // Gateway.Validate: a group has at most as many members as the fabric has gateway communities
    // ("gateway group %s already has too many members"), counting the other gateways.
    const cap = Object.keys(ctx.config.gatewayCommunities).length;
    const others = ctx
      .all('Gateway')
      .filter(
        (other) =>
          other !== record &&
          other.name !== record.name &&
          ((other.object as GatewayObject).spec?.groups ?? []).some((member) => member.name === group.name),
      ).length;
    if (cap > 0 && others >= cap) {
      const rawIndex = Array.isArray(rawGroups)
        ? rawGroups.findIndex(
            (item: unknown) =>
              item !== null && typeof item === 'object' && (item as { name?: unknown }).name === group.name,
          )
        : -1;
      invalid(
        `gateway group ${group.name} already has too many members (${others}), max is ${cap} (the fabric's gateway communities)`,
        rawIndex >= 0 ? ['spec', 'groups', rawIndex, 'name'] : ['spec'],
      );
    }
  });
}

export function checkGatewayPeering(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as GatewayPeeringObject).spec;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  const entries = Object.entries(spec.peering ?? {});
  checkExposeOverlaps(ctx, record);
  const members = entries.map(([name]) => name);
  if (entries.length !== 2)
    report({
      code: 'PEERING_INVALID',
      message: `a GatewayPeering must have exactly 2 peering entries, found ${entries.length}`,
      path: ['spec', 'peering'],
    });
  if (spec.gatewayGroup && !ctx.lookup('GatewayGroup', record.namespace, spec.gatewayGroup)) {
    report({
      code: 'REFERENCE_NOT_FOUND',
      message: `gateway group ${spec.gatewayGroup} does not exist`,
      path: (record.raw as { spec?: { gatewayGroup?: unknown } }).spec?.gatewayGroup
        ? ['spec', 'gatewayGroup']
        : ['spec'],
    });
  }
  /** The VPCs of the peering that exist, by entry name (externals and missing VPCs are absent). */
  const vpcs = new Map<string, VPCObject>();
  const statefulSides: string[] = [];
  const staticSides: string[] = [];
  for (const [name, entry] of entries) {
    const base = ['spec', 'peering', name];
    const external = name.startsWith('ext.');
    let subnets: Ipv4Prefix[] | undefined;
    let vpc: VPCObject | undefined;
    if (external) {
      const found = ctx.lookup('External', record.namespace, name.slice(4))?.object as ExternalObject | undefined;
      if (!found)
        report({ code: 'REFERENCE_NOT_FOUND', message: `external ${name.slice(4)} does not exist`, path: base });
    } else {
      vpc = ctx.lookup('VPC', record.namespace, name)?.object as VPCObject | undefined;
      if (!vpc) report({ code: 'REFERENCE_NOT_FOUND', message: `VPC ${name} does not exist`, path: base });
      else {
        vpcs.set(name, vpc);
        subnets = Object.values(vpc.spec.subnets ?? {})
          .map((subnet) => parseIpv4Prefix(subnet?.subnet ?? ''))
          .filter((prefix): prefix is Ipv4Prefix => prefix !== undefined);
      }
    }
    (entry?.expose ?? []).forEach((expose, index) => {
      const path = [...base, 'expose', index];
      const at = (...rest: (string | number)[]) => [...path, ...rest];
      const fail = (message: string, where: (string | number)[]) =>
        report({ code: 'GATEWAY_NAT_INVALID', message: `${name} expose ${index}: ${message}`, path: where });
      const invalid = (message: string, field?: string) => fail(message, field ? at(field) : path);
      const ips = expose.ips ?? [];
      if (expose.default && (ips.length > 0 || (expose.as ?? []).length > 0 || expose.nat))
        invalid('default: true must stand alone (no ips, as or nat)', 'default');
      // GatewayPeering.Validate: "at least one IP block must be specified" unless default.
      if (ips.length === 0 && !expose.default)
        invalid('at least one ips entry is required unless default is true', expose.ips ? 'ips' : undefined);
      const hasAs = (expose.as ?? []).length > 0;
      if (hasAs !== Boolean(expose.nat)) invalid('as and nat must be used together', hasAs ? 'nat' : 'as');
      if (expose.nat) {
        const modes = (['masquerade', 'portForward', 'static'] as const).filter(
          (mode) => expose.nat![mode] !== undefined && expose.nat![mode] !== null,
        );
        if (modes.length !== 1) invalid(`exactly one NAT type must be set, found ${modes.length}`, 'nat');
        if (modes.includes('masquerade') || modes.includes('portForward')) statefulSides.push(name);
        if (modes.includes('static')) staticSides.push(name);
        const portForward = expose.nat.portForward;
        if (portForward) {
          const rules = portForward.ports ?? [];
          if (rules.length === 0)
            fail(
              'port forwarding needs at least one rule in ports',
              at('nat', 'portForward', ...(portForward.ports ? ['ports'] : [])),
            );
          rules.forEach((rule, position) => {
            for (const field of ['port', 'as'] as const) {
              const problem = portProblem(rule[field] ?? '');
              if (problem)
                fail(
                  `port forwarding rule ${position} ${field} ${JSON.stringify(rule[field] ?? '')} ${problem}`,
                  at('nat', 'portForward', 'ports', position, ...(rule[field] === undefined ? [] : [field])),
                );
            }
          });
        }
      }
      ips.forEach((ip, position) => {
        const where = at('ips', position);
        const set = (['cidr', 'not', 'vpcSubnet'] as const).filter((field) => Boolean(ip[field]));
        if (set.length !== 1)
          fail(`ips entry ${position} must set exactly one of cidr, not or vpcSubnet, found ${set.length}`, where);
        for (const field of ['cidr', 'not'] as const) {
          if (ip[field] && !goPrefix(ip[field])) fail(`ips ${field} ${ip[field]} is not a CIDR`, [...where, field]);
        }
        if (ip.vpcSubnet) {
          if (external) fail(`external ${name.slice(4)} cannot expose a vpcSubnet`, [...where, 'vpcSubnet']);
          else if (vpc && !Object.hasOwn(vpc.spec.subnets ?? {}, ip.vpcSubnet))
            report({
              code: 'REFERENCE_NOT_FOUND',
              message: `subnet ${ip.vpcSubnet} does not exist in VPC ${name}`,
              path: [...where, 'vpcSubnet'],
            });
        }
        if (!ip.cidr || !subnets || expose.default) return;
        // The webhook: the CIDR must be a subset of one of the VPC's (IPv4) subnets, so an IPv6 one never is.
        const prefix = parseIpv4Prefix(ip.cidr);
        if (goPrefix(ip.cidr) && !(prefix && subnets.some((subnet) => prefixWithin(prefix, subnet))))
          fail(`${ip.cidr} is not inside any subnet of VPC ${name}`, [...where, 'cidr']);
      });
      (expose.as ?? []).forEach((as, position) => {
        const where = at('as', position);
        const set = (['cidr', 'not'] as const).filter((field) => Boolean(as[field]));
        if (set.length !== 1)
          fail(`as entry ${position} must set exactly one of cidr or not, found ${set.length}`, where);
        for (const field of ['cidr', 'not'] as const) {
          if (as[field] && !goPrefix(as[field])) fail(`as ${field} ${as[field]} is not a CIDR`, [...where, field]);
        }
      });
    });
  }
  if (new Set(statefulSides).size > 1)
    report({
      code: 'GATEWAY_NAT_INVALID',
      message: 'only one side of a peering may use stateful NAT (masquerade or port forwarding)',
      path: ['spec', 'peering'],
    });
  // GatewayPeering.Validate refuses static NAT on one side with stateful NAT on the other; one side using both is accepted.
  if (staticSides.some((side) => statefulSides.some((other) => other !== side))) {
    report({
      code: 'GATEWAY_NAT_INVALID',
      message: 'static NAT on one side cannot be paired with stateful NAT on the other',
      path: ['spec', 'peering'],
    });
  }
  checkPeeringACL(ctx, record, members, vpcs);
}

/** GatewayPeering.Validate, the `acl` part (rules), and the webhook part that resolves vpcSubnet. */
function checkPeeringACL(
  ctx: RuleContext,
  record: ObjectRecord,
  members: string[],
  vpcs: Map<string, VPCObject>,
): void {
  const rules = (record.object as GatewayPeeringObject).spec.acl?.rules ?? [];
  rules.forEach((rule, index) => {
    const path = ['spec', 'acl', 'rules', index];
    const label = `ACL rule ${index}${rule.name ? ` (${rule.name})` : ''}`;
    const invalid = (message: string, where: (string | number)[]) =>
      ctx.report(record, { code: 'GATEWAY_ACL_INVALID', message: `${label}: ${message}`, path: where });
    if (rule.name && !ACL_RULE_NAME.test(rule.name))
      invalid('the name must be lower-case RFC 1123 labels (a-z, 0-9, -, separated by dots)', [...path, 'name']);
    if (!rule.from && !rule.to) invalid('at least one of from and to is required', path);
    for (const side of ['from', 'to'] as const) {
      const value = rule[side];
      if (value && !members.includes(value))
        invalid(`${side} ${value} must be one of the peering's entries (${members.join(', ')})`, [...path, side]);
    }
    if (members.length !== 2) return;
    const other = (name: string) => (members[0] === name ? members[1]! : members[0]!);
    const from = rule.from || (rule.to ? other(rule.to) : undefined);
    const to = rule.to || (rule.from ? other(rule.from) : undefined);
    for (const [key, side, owner] of [
      ['src', 'source', from],
      ['dst', 'destination', to],
    ] as const) {
      (rule.match?.[key] ?? []).forEach((endpoint, position) => {
        const where = [...path, 'match', key, position];
        if (endpoint.cidr && endpoint.vpcSubnet)
          invalid(`${side} match ${position} sets both cidr and vpcSubnet`, where);
        if (endpoint.cidr && !goPrefix(endpoint.cidr))
          invalid(`${side} CIDR ${endpoint.cidr} is not a CIDR`, [...where, 'cidr']);
        (endpoint.ports ?? []).forEach((port, portIndex) => {
          const problem = portProblem(port);
          if (problem) invalid(`${side} port ${JSON.stringify(port)} ${problem}`, [...where, 'ports', portIndex]);
        });
        if (!endpoint.vpcSubnet || !owner || !members.includes(owner)) return;
        const vpc = vpcs.get(owner);
        if (owner.startsWith('ext.'))
          invalid(`${side} vpcSubnet ${endpoint.vpcSubnet} needs a VPC, but ${owner} is an external`, [
            ...where,
            'vpcSubnet',
          ]);
        else if (vpc && !Object.hasOwn(vpc.spec.subnets ?? {}, endpoint.vpcSubnet)) {
          ctx.report(record, {
            code: 'REFERENCE_NOT_FOUND',
            message: `${label}: ${side} subnet ${endpoint.vpcSubnet} does not exist in VPC ${owner}`,
            path: [...where, 'vpcSubnet'],
          });
        }
      });
    }
  });
}

/** GatewayPeering ACL rule names: gatewaypeering_types.go `nameChecker` (dot-separated RFC 1123 labels). */
const ACL_RULE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Go's `strconv.Atoi` for the small numbers ports are: optional sign, decimal digits. */
function goAtoi(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Number.MAX_SAFE_INTEGER;
}

/**
 * gatewaypeering_types.go `validatePort`: a single port or one `start-end` range, each 1–65535,
 * no surrounding whitespace and no commas. Returns why it fails, or undefined.
 */
export function portProblem(text: string): string | undefined {
  if (text.trim() !== text) return 'must not have leading or trailing whitespace';
  if (text.includes(',')) return 'must be a single port or range';
  if (text === '') return 'must not be empty';
  const inRange = (value: number | undefined) => value !== undefined && value >= 1 && value <= 65535;
  if (!text.includes('-')) {
    const port = goAtoi(text);
    if (port === undefined) return 'is not a number';
    return inRange(port) ? undefined : 'must be between 1 and 65535';
  }
  const parts = text.split('-');
  if (parts.length !== 2) return 'must be a range written start-end';
  const [start, end] = parts.map((part) => part.trim()) as [string, string];
  if (start === '' || end === '') return 'range needs both a start and an end';
  const from = goAtoi(start);
  const to = goAtoi(end);
  if (from === undefined || !inRange(from)) return 'range start must be a port between 1 and 65535';
  if (to === undefined || !inRange(to)) return 'range end must be a port between 1 and 65535';
  return from > to ? 'range start is greater than its end' : undefined;
}

/** netip.ParsePrefix: an IPv4 or IPv6 prefix; host bits are allowed. */
function goPrefix(text: string): boolean {
  return parseIpv4Prefix(text) !== undefined || isIpv6Prefix(text);
}

type ExposedCIDR = { cidr: string; path: (string | number)[] };

/** collectExposedCIDRs: what an entry exposes (its `as` CIDRs when NATed, else its `ips` CIDRs; not `default`). */
function exposedCIDRs(
  entry: NonNullable<GatewayPeeringObject['spec']['peering']>[string] | undefined,
  base: (string | number)[],
): ExposedCIDR[] {
  const found: ExposedCIDR[] = [];
  (entry?.expose ?? []).forEach((expose, index) => {
    if (expose.default) return;
    const field = (expose.as ?? []).length === 0 ? 'ips' : 'as';
    ((field === 'ips' ? expose.ips : expose.as) ?? []).forEach((item, position) => {
      if (item?.cidr) found.push({ cidr: item.cidr, path: [...base, 'expose', index, field, position, 'cidr'] });
    });
  });
  return found;
}

/**
 * GatewayPeering.Validate (fabric v0.129): what one side exposes towards the other VPC must not
 * overlap what other peerings with that VPC expose towards it ("overlap between existing exposed
 * CIDR %s and new exposed CIDR %s"). IPv4 only; `not` and `vpcSubnet` entries carry no CIDR here.
 */
function checkExposeOverlaps(ctx: RuleContext, record: ObjectRecord): void {
  const peering = (record.object as GatewayPeeringObject).spec.peering ?? {};
  const names = Object.keys(peering);
  if (names.length !== 2) return;
  for (const origin of names) {
    const target = names.find((name) => name !== origin)!;
    const ours = exposedCIDRs(peering[origin], ['spec', 'peering', origin]);
    if (ours.length === 0) continue;
    const theirs: { cidr: string; owner: string }[] = [];
    for (const other of ctx.all('GatewayPeering')) {
      if (other === record || other.name === record.name) continue;
      const otherPeering = (other.object as GatewayPeeringObject).spec?.peering ?? {};
      if (!(target in otherPeering)) continue;
      for (const [otherOrigin, otherEntry] of Object.entries(otherPeering)) {
        if (otherOrigin === target) continue;
        for (const exposed of exposedCIDRs(otherEntry, [])) theirs.push({ cidr: exposed.cidr, owner: other.name });
      }
    }
    for (const mine of ours) {
      const prefix = parseIpv4Prefix(mine.cidr);
      if (!prefix) continue;
      const clash = theirs.find((other) => {
        const otherPrefix = parseIpv4Prefix(other.cidr);
        return otherPrefix !== undefined && prefixesOverlap(prefix, otherPrefix);
      });
      if (clash) {
        ctx.report(record, {
          code: 'SUBNET_OVERLAP',
          message: `${origin} exposes ${mine.cidr} towards ${target}, which overlaps ${clash.cidr} exposed towards ${target} by GatewayPeering ${clash.owner}`,
          path: mine.path,
        });
      }
    }
  }
}
