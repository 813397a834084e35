/**
 * Rules for vpc.githedgehog.com kinds (reference §5): IPv4Namespace, VPC, VPCAttachment,
 * VPCPeering, External, ExternalAttachment, ExternalPeering.
 */
// netip.ParseAddr reads IPv6 with a zone (`fe80::1%eth0`); node's isIPv6 does too.
import { isIPv6 } from 'node:net';
import { connectionEndpoints, connectionTypesOf, switchesOf } from '../connection.ts';
import {
  findOverlaps,
  formatPrefix,
  isCanonicalPrefix,
  isIpv6Address,
  isIpv6Prefix,
  normalizeMac,
  parseIpv4,
  parseIpv4Prefix,
  prefixContains,
  prefixesOverlap,
  prefixWithin,
  type Ipv4Prefix,
} from '../ip.ts';
import { DHCP_OPTION_DEFAULTS } from '../defaults.ts';
import { reservedSubnets, type FabricConfig } from '../fabric-config.ts';
import { findSwitchProfile } from '../switch-profiles.ts';
import type {
  ConnectionObject,
  ExternalAttachmentObject,
  ExternalObject,
  ExternalPeeringObject,
  IPv4NamespaceObject,
  SwitchObject,
  VLANNamespaceObject,
  VPCAttachmentObject,
  VPCObject,
  VPCPeeringObject,
} from '../schemas.ts';
import { rawListIndex, type ObjectRecord, type RuleContext } from '../rule-context.ts';

type Path = (string | number)[];

/**
 * Go parses these fields with net.ParseCIDR / net.ParseIP / netip, which read IPv6 too. The
 * gateway's further checks are IPv4-only, so an IPv6 value is a warning that says so, not an error.
 */
function ipv6Accepted(
  ctx: RuleContext,
  record: ObjectRecord,
  code: 'EXTERNAL_INVALID' | 'EXTERNAL_ATTACHMENT_INVALID' | 'ACL_INVALID',
  what: string,
  value: string,
  path: Path,
): void {
  ctx.report(record, {
    severity: 'warning',
    code,
    message: `${what} ${value} is IPv6: Hedgehog accepts it; the gateway checks only IPv4 values further`,
    path,
  });
}

function reservedOverlaps(config: FabricConfig, prefix: Ipv4Prefix): { name: string; cidr: string }[] {
  return reservedSubnets(config).filter((reserved) => {
    const parsed = parseIpv4Prefix(reserved.cidr);
    return parsed !== undefined && prefixesOverlap(parsed, prefix);
  });
}

export function checkIpv4Namespace(ctx: RuleContext, record: ObjectRecord): void {
  const subnets = (record.object as IPv4NamespaceObject).spec.subnets;
  const rawIndex = (subnet: string, index: number) => {
    const raw = (record.raw as { spec?: { subnets?: unknown[] } }).spec?.subnets;
    const found = Array.isArray(raw) ? raw.indexOf(subnet) : -1;
    return found < 0 ? index : found;
  };
  if (subnets.length > 10) {
    ctx.report(record, {
      code: 'SCHEMA_RANGE',
      message: `too many subnets defined (${subnets.length}), maximum is 10`,
      path: ['spec', 'subnets'],
    });
  }
  const parsed: { prefix: Ipv4Prefix; item: number }[] = [];
  subnets.forEach((subnet, index) => {
    const path = ['spec', 'subnets', rawIndex(subnet, index)];
    const prefix = parseIpv4Prefix(subnet);
    if (!prefix) {
      ctx.report(record, { code: 'SUBNET_INVALID', message: `subnet ${subnet} is not an IPv4 CIDR`, path });
      return;
    }
    for (const reserved of reservedOverlaps(ctx.config, prefix)) {
      ctx.report(record, {
        code: 'SUBNET_RESERVED_OVERLAP',
        message: `subnet ${subnet} overlaps the reserved ${reserved.name} subnet ${reserved.cidr}`,
        path,
      });
    }
    parsed.push({ prefix, item: index });
  });
  for (const { item, other } of findOverlaps(parsed)) {
    ctx.report(record, {
      code: 'SUBNET_OVERLAP',
      message: `subnet ${subnets[item]} overlaps ${subnets[other]}`,
      path: ['spec', 'subnets', rawIndex(subnets[item]!, item)],
    });
  }
}

/** Per-VPC rules. Cross-VPC overlap and VLAN uniqueness are in uniqueness-rules.ts. */
export function checkVpc(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as VPCObject).spec;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  if (spec.mode === 'l3flat')
    report({ code: 'VPC_MODE_UNSUPPORTED', message: 'VPC mode l3flat is not supported yet', path: ['spec', 'mode'] });

  const ipv4Namespace = ctx.lookup('IPv4Namespace', record.namespace, spec.ipv4Namespace ?? 'default');
  if (!ipv4Namespace)
    report({
      code: 'REFERENCE_NOT_FOUND',
      message: `IPv4Namespace ${spec.ipv4Namespace} does not exist`,
      path: ['spec', 'ipv4Namespace'],
    });
  const vlanNamespace = ctx.lookup('VLANNamespace', record.namespace, spec.vlanNamespace ?? 'default');
  if (!vlanNamespace)
    report({
      code: 'REFERENCE_NOT_FOUND',
      message: `VLANNamespace ${spec.vlanNamespace} does not exist`,
      path: ['spec', 'vlanNamespace'],
    });
  const namespacePrefixes = ((ipv4Namespace?.object as IPv4NamespaceObject | undefined)?.spec.subnets ?? [])
    .map(parseIpv4Prefix)
    .filter((prefix): prefix is Ipv4Prefix => prefix !== undefined);
  const vlanRanges = (vlanNamespace?.object as VLANNamespaceObject | undefined)?.spec.ranges ?? [];

  const subnets = Object.entries(spec.subnets ?? {});
  if (subnets.length < 1 || subnets.length > 20) {
    report({
      code: 'SCHEMA_RANGE',
      message: `a VPC needs 1 to 20 subnets, found ${subnets.length}`,
      path: ['spec', 'subnets'],
    });
  }
  const parsedSubnets: { prefix: Ipv4Prefix; item: { label: string; path: Path } }[] = [];
  const vlans = new Map<number, string>();
  for (const [name, subnet] of subnets) {
    const base: Path = ['spec', 'subnets', name];
    if (!subnet?.subnet) {
      report({
        code: 'VPC_SUBNET_INVALID',
        message: `subnet ${name}: subnet (CIDR) is required`,
        path: [...base, 'subnet'],
      });
      continue;
    }
    const prefix = parseIpv4Prefix(subnet.subnet);
    if (!prefix) {
      report({
        code: 'VPC_SUBNET_INVALID',
        message: `subnet ${name}: ${subnet.subnet} is not an IPv4 CIDR`,
        path: [...base, 'subnet'],
      });
      continue;
    }
    if (prefix.length > 30)
      report({
        code: 'VPC_SUBNET_INVALID',
        message: `subnet ${name}: prefix length must be at most 30`,
        path: [...base, 'subnet'],
      });
    // VPC.Validate accepts host bits (iputil.ParseCIDR keeps the network); almost always a typo, so a warning.
    if (!isCanonicalPrefix(prefix))
      report({
        severity: 'warning',
        code: 'VPC_SUBNET_INVALID',
        message: `subnet ${name}: ${subnet.subnet} has host bits set; Hedgehog uses ${formatPrefix(prefix)} (did you mean it?)`,
        path: [...base, 'subnet'],
      });
    for (const reserved of reservedOverlaps(ctx.config, prefix)) {
      report({
        code: 'SUBNET_RESERVED_OVERLAP',
        message: `subnet ${name}: ${subnet.subnet} overlaps the reserved ${reserved.name} subnet ${reserved.cidr}`,
        path: [...base, 'subnet'],
      });
    }
    if (ipv4Namespace && !namespacePrefixes.some((outer) => prefixWithin(prefix, outer))) {
      report({
        code: 'VPC_SUBNET_INVALID',
        message: `subnet ${name}: ${subnet.subnet} is not inside any subnet of IPv4Namespace ${ipv4Namespace.name}`,
        path: [...base, 'subnet'],
      });
    }
    parsedSubnets.push({ prefix, item: { label: `subnet ${name}`, path: [...base, 'subnet'] } });
    checkHostBGPPrefixes(
      ctx,
      record,
      name,
      subnet,
      prefix,
      base,
      ipv4Namespace?.name,
      ipv4Namespace ? namespacePrefixes : undefined,
      parsedSubnets,
    );

    const gateway = subnet.gateway ? parseIpv4(subnet.gateway) : undefined;
    if (subnet.gateway && (gateway === undefined || !prefixContains(prefix, gateway))) {
      report({
        code: 'VPC_SUBNET_INVALID',
        message: `subnet ${name}: gateway ${subnet.gateway} is not inside ${subnet.subnet}`,
        path: [...base, 'gateway'],
      });
    }

    if (!subnet.hostBGP) {
      if (!subnet.vlan) {
        report({ code: 'VPC_SUBNET_INVALID', message: `subnet ${name}: vlan is required`, path: [...base, 'vlan'] });
      } else {
        if (
          vlanNamespace &&
          !vlanRanges.some(
            (range) => subnet.vlan! >= (range.from ?? 0) && subnet.vlan! <= (range.to ?? range.from ?? 0),
          )
        ) {
          report({
            code: 'VPC_SUBNET_INVALID',
            message: `subnet ${name}: VLAN ${subnet.vlan} is not in VLANNamespace ${vlanNamespace.name}`,
            path: [...base, 'vlan'],
          });
        }
        const other = vlans.get(subnet.vlan);
        if (other)
          report({
            code: 'DUPLICATE_VLAN',
            message: `subnet ${name}: VLAN ${subnet.vlan} is already used by subnet ${other}`,
            path: [...base, 'vlan'],
          });
        else vlans.set(subnet.vlan, name);
      }
    }
    checkDhcp(ctx, record, name, subnet, prefix, gateway, base);
  }
  for (const { item, other } of findOverlaps(parsedSubnets)) {
    report({
      code: 'SUBNET_OVERLAP',
      message: `${item.label} overlaps ${other.label} of the same VPC`,
      path: item.path,
    });
  }

  (spec.permit ?? []).forEach((list, index) => {
    const path: Path = ['spec', 'permit', index];
    if (list.length < 2)
      report({ code: 'VPC_PERMIT_INVALID', message: 'each permit list needs at least 2 subnets', path });
    if (new Set(list).size !== list.length)
      report({ code: 'VPC_PERMIT_INVALID', message: 'permit list has duplicate subnets', path });
    list.forEach((subnet, position) => {
      if (!spec.subnets?.[subnet])
        report({
          code: 'VPC_PERMIT_INVALID',
          message: `permit subnet ${subnet} does not exist in this VPC`,
          path: [...path, position],
        });
    });
  });
  (spec.staticRoutes ?? []).forEach((route, index) => {
    const path: Path = ['spec', 'staticRoutes', index];
    const prefix = route.prefix ? parseIpv4Prefix(route.prefix) : undefined;
    if (!prefix || !isCanonicalPrefix(prefix))
      report({
        code: 'VPC_STATIC_ROUTE_INVALID',
        message: `static route prefix ${route.prefix ?? '(missing)'} must be a canonical CIDR`,
        path: [...path, 'prefix'],
      });
    if (!route.nextHops || route.nextHops.length === 0)
      report({
        code: 'VPC_STATIC_ROUTE_INVALID',
        message: 'static route needs at least one next hop',
        path: [...path, 'nextHops'],
      });
  });
}

type VpcSubnet = NonNullable<NonNullable<VPCObject['spec']['subnets']>[string]>;

/** vpc_types.go `MaxHostBGPExtraPrefixes` and `DefaultHostBGPPrefixLen`. */
const MAX_HOST_BGP_EXTRA_PREFIXES = 100;
const DEFAULT_HOST_BGP_PREFIX_LEN = 32;

/**
 * VPC.Validate on the 26.03 hostBGP fields (fabric v0.129): prefix lengths (`HostBGPPrefixLens`,
 * `HostBGPExtraPrefixLens`, `validateHostBGPPrefixLens`) and the extra prefixes, which join the
 * VPC's subnets for the overlap checks. Ordinary subnets may set none of them.
 */
function checkHostBGPPrefixes(
  ctx: RuleContext,
  record: ObjectRecord,
  name: string,
  subnet: VpcSubnet,
  prefix: Ipv4Prefix,
  base: Path,
  namespaceName: string | undefined,
  namespacePrefixes: Ipv4Prefix[] | undefined,
  parsed: { prefix: Ipv4Prefix; item: { label: string; path: Path } }[],
): void {
  const report = (
    message: string,
    path: Path,
    code: 'VPC_SUBNET_INVALID' | 'SUBNET_RESERVED_OVERLAP' = 'VPC_SUBNET_INVALID',
  ) => ctx.report(record, { code, message: `subnet ${name}: ${message}`, path });
  const extras = Object.entries(subnet.hostBGPExtraPrefixes ?? {});
  if (!subnet.hostBGP) {
    if (extras.length > 0)
      report('hostBGPExtraPrefixes can be set only on a hostBGP subnet', [...base, 'hostBGPExtraPrefixes']);
    for (const field of ['hostBGPMinPrefixLen', 'hostBGPMaxPrefixLen'] as const) {
      if (subnet[field]) report(`${field} can be set only on a hostBGP subnet`, [...base, field]);
    }
    return;
  }
  const minLen = subnet.hostBGPMinPrefixLen || DEFAULT_HOST_BGP_PREFIX_LEN;
  const maxLen = subnet.hostBGPMaxPrefixLen || DEFAULT_HOST_BGP_PREFIX_LEN;
  /** validateHostBGPPrefixLens, each problem at the field that holds the value (or the one inherited from). */
  const checkLens = (
    what: string,
    of: Ipv4Prefix,
    min: number,
    max: number,
    minPath: Path,
    maxPath: Path,
    minSet: boolean,
  ) => {
    if (min > max)
      report(`${what} min prefix length ${min} is greater than max prefix length ${max}`, minSet ? minPath : maxPath);
    else if (max > DEFAULT_HOST_BGP_PREFIX_LEN)
      report(`${what} max prefix length ${max} is greater than ${DEFAULT_HOST_BGP_PREFIX_LEN}`, maxPath);
    else if (min < of.length)
      report(
        `${what} min prefix length ${min} is shorter than the prefix length of ${formatPrefix(of)} (/${of.length})`,
        minPath,
      );
  };
  const fieldPath = (field: 'hostBGPMinPrefixLen' | 'hostBGPMaxPrefixLen'): Path =>
    subnet[field] ? [...base, field] : [...base, 'hostBGP'];
  checkLens(
    'hostBGP',
    prefix,
    minLen,
    maxLen,
    fieldPath('hostBGPMinPrefixLen'),
    fieldPath('hostBGPMaxPrefixLen'),
    Boolean(subnet.hostBGPMinPrefixLen),
  );
  if (extras.length > MAX_HOST_BGP_EXTRA_PREFIXES)
    report(`too many hostBGP extra prefixes (${extras.length}), maximum is ${MAX_HOST_BGP_EXTRA_PREFIXES}`, [
      ...base,
      'hostBGPExtraPrefixes',
    ]);
  for (const [key, lens] of extras) {
    const at: Path = [...base, 'hostBGPExtraPrefixes', key];
    const extra = parseIpv4Prefix(key);
    if (!extra) {
      report(`hostBGP extra prefix ${key} is not an IPv4 prefix`, at);
      continue;
    }
    if (!isCanonicalPrefix(extra)) {
      report(`hostBGP extra prefix ${key} is not in canonical form (${formatPrefix(extra)})`, at);
      continue;
    }
    checkLens(
      `hostBGP extra prefix ${key}`,
      extra,
      lens?.minPrefixLen || minLen,
      lens?.maxPrefixLen || maxLen,
      lens?.minPrefixLen ? [...at, 'minPrefixLen'] : at,
      lens?.maxPrefixLen ? [...at, 'maxPrefixLen'] : at,
      Boolean(lens?.minPrefixLen),
    );
    for (const reserved of reservedOverlaps(ctx.config, extra)) {
      report(
        `hostBGP extra prefix ${key} overlaps the reserved ${reserved.name} subnet ${reserved.cidr}`,
        at,
        'SUBNET_RESERVED_OVERLAP',
      );
    }
    if (namespacePrefixes && !namespacePrefixes.some((outer) => prefixWithin(extra, outer))) {
      report(`hostBGP extra prefix ${key} is not inside any subnet of IPv4Namespace ${namespaceName}`, at);
    }
    parsed.push({ prefix: extra, item: { label: `hostBGP extra prefix ${key} of subnet ${name}`, path: at } });
  }
}

function checkDhcp(
  ctx: RuleContext,
  record: ObjectRecord,
  name: string,
  subnet: NonNullable<NonNullable<VPCObject['spec']['subnets']>[string]>,
  prefix: Ipv4Prefix,
  gateway: number | undefined,
  base: Path,
): void {
  const dhcp = subnet.dhcp;
  if (!dhcp) return;
  const path: Path = [...base, 'dhcp'];
  const report = (message: string, at: Path) =>
    ctx.report(record, { code: 'VPC_DHCP_INVALID', message: `subnet ${name}: ${message}`, path: at });
  if (subnet.hostBGP && dhcp.enable) report('hostBGP subnets cannot use DHCP', [...path, 'enable']);
  // VPC.Validate refuses only the DHCP server on hostBGP subnets; a relay there has no server-facing VLAN to listen on.
  else if (subnet.hostBGP && dhcp.relay)
    ctx.report(record, {
      severity: 'warning',
      code: 'VPC_DHCP_INVALID',
      message: `subnet ${name}: a DHCP relay on a hostBGP subnet has no effect (Hedgehog accepts it)`,
      path: [...path, 'relay'],
    });
  if (dhcp.relay && dhcp.enable) report('DHCP relay and DHCP enable are mutually exclusive', [...path, 'relay']);
  if (dhcp.relay && !parseIpv4Prefix(dhcp.relay))
    report(`DHCP relay ${dhcp.relay} must be an IPv4 CIDR`, [...path, 'relay']);
  if (dhcp.relayVPC) {
    if (!dhcp.relay) report('relayVPC requires relay', [...path, 'relayVPC']);
    if (!ctx.lookup('VPC', record.namespace, dhcp.relayVPC))
      ctx.report(record, {
        code: 'REFERENCE_NOT_FOUND',
        message: `subnet ${name}: relay VPC ${dhcp.relayVPC} does not exist`,
        path: [...path, 'relayVPC'],
      });
  }
  if (!dhcp.enable) {
    // The webhook's defaulting already cleared range and options; only static leases are left to refuse.
    if (dhcp.static && Object.keys(dhcp.static).length > 0)
      report('static leases need DHCP enabled', [...path, 'static']);
    return;
  }
  const start = dhcp.range?.start ? parseIpv4(dhcp.range.start) : undefined;
  const end = dhcp.range?.end ? parseIpv4(dhcp.range.end) : undefined;
  for (const [label, value, text] of [
    ['start', start, dhcp.range?.start],
    ['end', end, dhcp.range?.end],
  ] as const) {
    if (value === undefined)
      report(`DHCP range ${label} ${text ?? ''} is not an IPv4 address`, [...path, 'range', label]);
    else if (!prefixContains(prefix, value))
      report(`DHCP range ${label} ${text} is not inside ${subnet.subnet}`, [...path, 'range', label]);
    else if (value === prefix.network)
      report(`DHCP range ${label} ${text} is the network address`, [...path, 'range', label]);
    else if (value === gateway) report(`DHCP range ${label} ${text} is the gateway`, [...path, 'range', label]);
  }
  if (start !== undefined && end !== undefined && start >= end)
    report(`DHCP range start ${dhcp.range?.start} must be below end ${dhcp.range?.end}`, [...path, 'range', 'start']);
  if (dhcp.options) {
    // VPC.Validate: each DNS and time server must be what netip.ParseAddr reads (IPv4 or IPv6).
    for (const [field, label] of [
      ['dnsServers', 'DNS server'],
      ['timeServers', 'time server'],
    ] as const) {
      (dhcp.options[field] ?? []).forEach((server, index) => {
        if (parseIpv4(server) !== undefined || isIPv6(server)) return;
        const listPath: Path = [...path, 'options', field];
        report(`${label} ${server} is not an IP address`, [
          ...listPath,
          rawListIndex(record, listPath, (item) => item === server, index),
        ]);
      });
    }
    if ((dhcp.options.leaseTimeSeconds ?? DHCP_OPTION_DEFAULTS.leaseTimeSeconds) < 1)
      report('DHCP leaseTimeSeconds must be at least 1', [...path, 'options', 'leaseTimeSeconds']);
    (dhcp.options.advertisedRoutes ?? []).forEach((route, index) => {
      if (!route.destination || !parseIpv4Prefix(route.destination))
        report(`advertised route destination ${route.destination ?? ''} must be a CIDR`, [
          ...path,
          'options',
          'advertisedRoutes',
          index,
          'destination',
        ]);
      const via = route.gateway ? parseIpv4(route.gateway) : undefined;
      if (via === undefined || !prefixContains(prefix, via))
        report(`advertised route gateway ${route.gateway ?? ''} must be inside ${subnet.subnet}`, [
          ...path,
          'options',
          'advertisedRoutes',
          index,
          'gateway',
        ]);
    });
  }
  const usedIPs = new Map<number, string>();
  for (const [mac, lease] of Object.entries(dhcp.static ?? {})) {
    const at: Path = [...path, 'static', mac];
    if (!normalizeMac(mac)) report(`static lease MAC ${mac} is not a valid MAC address`, at);
    const ip = parseIpv4(lease.ip);
    if (ip === undefined || !prefixContains(prefix, ip))
      report(`static lease IP ${lease.ip} is not inside ${subnet.subnet}`, [...at, 'ip']);
    else if (ip === prefix.network || ip === prefix.broadcast || ip === gateway)
      report(`static lease IP ${lease.ip} is the network, broadcast or gateway address`, [...at, 'ip']);
    else if (usedIPs.has(ip)) report(`static lease IP ${lease.ip} is also leased to ${usedIPs.get(ip)}`, [...at, 'ip']);
    else usedIPs.set(ip, mac);
  }
}

/** vpc/v1beta1 `AnnotationVPCAttachmentP2PLink`. */
const P2P_LINK_ANNOTATION = 'fabric.githedgehog.com/p2p-link';

export function checkVpcAttachment(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as VPCAttachmentObject).spec;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  const [vpcName = '', subnetName = ''] = (spec.subnet ?? '').split('/', 2);
  // VPCAttachment.Validate: the p2p-link annotation, when present, is an IPv4 /31 prefix.
  const annotations = (record.raw as { metadata?: { annotations?: unknown } }).metadata?.annotations;
  if (annotations !== null && typeof annotations === 'object' && Object.hasOwn(annotations, P2P_LINK_ANNOTATION)) {
    const value = (annotations as Record<string, unknown>)[P2P_LINK_ANNOTATION];
    const text = typeof value === 'string' ? value : '';
    const p2p = parseIpv4Prefix(text);
    if (p2p?.length !== 31) {
      report({
        code: 'VPC_ATTACHMENT_INVALID',
        message:
          text === ''
            ? `annotation ${P2P_LINK_ANNOTATION} is empty; it must be an IPv4 /31 prefix`
            : `annotation ${P2P_LINK_ANNOTATION} ${text} must be an IPv4 /31 prefix`,
        path: ['metadata', 'annotations', P2P_LINK_ANNOTATION],
      });
    }
  }
  let vpc: VPCObject | undefined;
  if (!vpcName) {
    report({
      code: 'SCHEMA_REQUIRED',
      message: 'subnet is required, written <vpc>/<subnet>',
      path: ['spec', 'subnet'],
    });
  } else {
    vpc = ctx.lookup('VPC', record.namespace, vpcName)?.object as VPCObject | undefined;
    if (!vpc)
      report({ code: 'REFERENCE_NOT_FOUND', message: `VPC ${vpcName} does not exist`, path: ['spec', 'subnet'] });
    else if (!vpc.spec.subnets?.[subnetName])
      report({
        code: 'REFERENCE_NOT_FOUND',
        message: `VPC ${vpcName} has no subnet ${subnetName}`,
        path: ['spec', 'subnet'],
      });
  }
  if (!spec.connection) {
    report({ code: 'SCHEMA_REQUIRED', message: 'connection is required', path: ['spec', 'connection'] });
    return;
  }
  const connection = ctx.lookup('Connection', record.namespace, spec.connection)?.object as
    | ConnectionObject
    | undefined;
  if (!connection) {
    report({
      code: 'REFERENCE_NOT_FOUND',
      message: `connection ${spec.connection} does not exist`,
      path: ['spec', 'connection'],
    });
    return;
  }
  const [type] = connectionTypesOf(connection.spec);
  if (type !== 'unbundled' && type !== 'bundled' && type !== 'eslag') {
    report({
      code: 'REFERENCE_WRONG_TYPE',
      message: `vpc can be attached only to unbundled, bundled or eslag connections; ${spec.connection} is ${type ?? 'untyped'}`,
      path: ['spec', 'connection'],
    });
    return;
  }
  if (!vpc) return;
  const mode = vpc.spec.mode ?? '';
  if (type === 'eslag' && mode !== '')
    report({
      code: 'REFERENCE_WRONG_TYPE',
      message: `eslag connections can attach only L2VNI VPCs; ${vpcName} is ${mode}`,
      path: ['spec', 'connection'],
    });
  if (vpc.spec.subnets?.[subnetName]?.hostBGP && type !== 'unbundled')
    report({
      code: 'REFERENCE_WRONG_TYPE',
      message: `hostBGP subnet ${spec.subnet} can be attached only to unbundled connections`,
      path: ['spec', 'connection'],
    });
  // VPCAttachment.Validate (fabric v0.129): "native VLAN is not supported for hostBGP subnets".
  if (vpc.spec.subnets?.[subnetName]?.hostBGP && spec.nativeVLAN)
    report({
      code: 'VPC_ATTACHMENT_INVALID',
      message: `hostBGP subnet ${spec.subnet} cannot be attached with nativeVLAN (hostBGP subnets carry no VLAN)`,
      path: ['spec', 'nativeVLAN'],
    });
  const vlanNamespace = vpc.spec.vlanNamespace ?? 'default';
  for (const switchName of switchesOf(connectionEndpoints(connection.spec, type))) {
    const sw = (ctx.lookup('Switch', record.namespace, switchName)?.object as SwitchObject | undefined)?.spec;
    if (!sw) continue;
    if (!(sw.vlanNamespaces ?? ['default']).includes(vlanNamespace)) {
      report({
        code: 'NAMESPACE_MISMATCH',
        message: `switch ${switchName} does not use VLANNamespace ${vlanNamespace} of VPC ${vpcName}`,
        path: ['spec', 'connection'],
      });
    }
    const features = findSwitchProfile(sw.profile ?? '', ctx.config)?.features;
    if (features && ((mode === '' && !(features.l2vni && features.l3vni)) || (mode === 'l3vni' && !features.l3vni))) {
      report({
        code: 'SWITCH_PROFILE_FEATURE',
        message: `switch ${switchName} (profile ${sw.profile}) does not support ${mode === '' ? 'L2VNI' : 'L3VNI'} VPCs`,
        path: ['spec', 'connection'],
      });
    }
  }
}

export function checkVpcPeering(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as VPCPeeringObject).spec;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  if (spec.remote)
    report({
      code: 'LEGACY_API',
      message:
        'VPCPeering remote was removed in fabric 26.03; peer a VPC with an external through ExternalPeering, or use a GatewayPeering',
      path: ['spec', 'remote'],
    });
  if (ctx.config.vpcPeeringDisabled)
    report({ code: 'PEERING_DISABLED', message: 'VPC peering is disabled in the fabric config', path: ['spec'] });
  const vpcs = new Set<string>();
  (spec.permit ?? []).forEach((entry, index) => {
    const names = Object.keys(entry);
    if (names.length !== 2)
      report({
        code: 'PEERING_INVALID',
        message: `each permit entry must name exactly 2 VPCs, found ${names.length}`,
        path: ['spec', 'permit', index],
      });
    for (const name of names) {
      vpcs.add(name);
      const vpc = ctx.lookup('VPC', record.namespace, name)?.object as VPCObject | undefined;
      if (!vpc) {
        report({
          code: 'REFERENCE_NOT_FOUND',
          message: `VPC ${name} does not exist`,
          path: ['spec', 'permit', index, name],
        });
        continue;
      }
      (entry[name]?.subnets ?? []).forEach((subnet, position) => {
        if (!vpc.spec.subnets?.[subnet])
          report({
            code: 'REFERENCE_NOT_FOUND',
            message: `VPC ${name} has no subnet ${subnet}`,
            path: ['spec', 'permit', index, name, 'subnets', position],
          });
      });
    }
  });
  if (vpcs.size !== 2) {
    report({
      code: 'PEERING_INVALID',
      message: `a VPCPeering must peer exactly 2 VPCs, found ${vpcs.size}`,
      path: ['spec', 'permit'],
    });
    return;
  }
  const [first, second] = [...vpcs].map(
    (name) => ctx.lookup('VPC', record.namespace, name)?.object as VPCObject | undefined,
  );
  if (first && second) {
    if ((first.spec.ipv4Namespace ?? 'default') !== (second.spec.ipv4Namespace ?? 'default')) {
      report({
        code: 'NAMESPACE_MISMATCH',
        message: `VPCs ${first.metadata.name} and ${second.metadata.name} are in different IPv4Namespaces`,
        path: ['spec', 'permit'],
      });
    }
    if ((first.spec.vlanNamespace ?? 'default') !== (second.spec.vlanNamespace ?? 'default')) {
      report({
        code: 'NAMESPACE_MISMATCH',
        message: `VPCs ${first.metadata.name} and ${second.metadata.name} are in different VLANNamespaces`,
        path: ['spec', 'permit'],
      });
    }
  }
}

const COMMUNITY_PART_MAX = 65535;

export function checkExternal(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as ExternalObject).spec ?? {};
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  if (!ctx.lookup('IPv4Namespace', record.namespace, spec.ipv4Namespace ?? 'default')) {
    report({
      code: 'REFERENCE_NOT_FOUND',
      message: `IPv4Namespace ${spec.ipv4Namespace ?? 'default'} does not exist`,
      path: (record.raw as { spec?: { ipv4Namespace?: unknown } }).spec?.ipv4Namespace
        ? ['spec', 'ipv4Namespace']
        : ['spec'],
    });
  }
  for (const field of ['inboundCommunity', 'outboundCommunity'] as const) {
    const value = spec[field];
    if (!value) continue;
    if (spec.static)
      report({ code: 'EXTERNAL_INVALID', message: `static externals must not set ${field}`, path: ['spec', field] });
    // External.Validate `communityCheck`: each half 0-65535, written without leading zeros (`65102:0500` is refused).
    if (value.split(':').some((part) => Number(part) > COMMUNITY_PART_MAX || !/^(0|[1-9][0-9]*)$/.test(part)))
      report({
        code: 'EXTERNAL_INVALID',
        message: `${field} ${value} must be <0-65535>:<0-65535>, without leading zeros`,
        path: ['spec', field],
      });
  }
  if (spec.static) {
    const prefixes = spec.static.prefixes ?? [];
    if (prefixes.length === 0)
      report({
        code: 'EXTERNAL_INVALID',
        message: 'static externals need at least one prefix',
        path: ['spec', 'static', 'prefixes'],
      });
    const parsed: { prefix: Ipv4Prefix; item: number }[] = [];
    prefixes.forEach((text, index) => {
      const prefix = parseIpv4Prefix(text);
      if (!prefix) {
        if (isIpv6Prefix(text))
          ipv6Accepted(ctx, record, 'EXTERNAL_INVALID', 'prefix', text, ['spec', 'static', 'prefixes', index]);
        else
          report({
            code: 'EXTERNAL_INVALID',
            message: `prefix ${text} must be an IPv4 CIDR`,
            path: ['spec', 'static', 'prefixes', index],
          });
        return;
      }
      // External.Validate parses with netip.ParsePrefix, which keeps host bits; a warning, as for VPC subnets.
      if (!isCanonicalPrefix(prefix))
        report({
          severity: 'warning',
          code: 'EXTERNAL_INVALID',
          message: `prefix ${text} has host bits set; Hedgehog uses ${formatPrefix(prefix)} (did you mean it?)`,
          path: ['spec', 'static', 'prefixes', index],
        });
      parsed.push({ prefix, item: index });
    });
    for (const { item, other } of findOverlaps(parsed)) {
      report({
        code: 'EXTERNAL_INVALID',
        message: `prefix ${prefixes[item]} overlaps ${prefixes[other]}`,
        path: ['spec', 'static', 'prefixes', item],
      });
    }
  }
}

export function checkExternalAttachment(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as ExternalAttachmentObject).spec;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  const invalid = (message: string, path: Path) => report({ code: 'EXTERNAL_ATTACHMENT_INVALID', message, path });
  const external = spec.external
    ? (ctx.lookup('External', record.namespace, spec.external)?.object as ExternalObject | undefined)
    : undefined;
  if (!spec.external) report({ code: 'SCHEMA_REQUIRED', message: 'external is required', path: ['spec', 'external'] });
  else if (!external)
    report({
      code: 'REFERENCE_NOT_FOUND',
      message: `external ${spec.external} does not exist`,
      path: ['spec', 'external'],
    });
  if (!spec.connection) {
    report({ code: 'SCHEMA_REQUIRED', message: 'connection is required', path: ['spec', 'connection'] });
  } else {
    const connection = ctx.lookup('Connection', record.namespace, spec.connection)?.object as
      | ConnectionObject
      | undefined;
    if (!connection)
      report({
        code: 'REFERENCE_NOT_FOUND',
        message: `connection ${spec.connection} does not exist`,
        path: ['spec', 'connection'],
      });
    else if (connectionTypesOf(connection.spec)[0] !== 'external')
      report({
        code: 'REFERENCE_WRONG_TYPE',
        message: `external attachments need an external connection; ${spec.connection} is ${connectionTypesOf(connection.spec)[0] ?? 'untyped'}`,
        path: ['spec', 'connection'],
      });
  }

  const isStatic = spec.static !== undefined && spec.static !== null;
  if (external && Boolean(external.spec?.static) !== isStatic) {
    report({
      code: 'REFERENCE_WRONG_TYPE',
      message: isStatic
        ? `external ${spec.external} is a BGP external but the attachment is static`
        : `external ${spec.external} is static but the attachment is BGP (add static:)`,
      path: isStatic ? ['spec', 'static'] : ['spec', 'external'],
    });
  }
  if (isStatic) {
    const fixed = spec.static!;
    if (spec.switch?.ip || spec.switch?.vlan) invalid('static attachments must leave switch empty', ['spec', 'switch']);
    if (spec.neighbor?.ip || spec.neighbor?.asn)
      invalid('static attachments must leave neighbor empty', ['spec', 'neighbor']);
    if (parseIpv4(fixed.remoteIP) === undefined) {
      if (isIpv6Address(fixed.remoteIP))
        ipv6Accepted(ctx, record, 'EXTERNAL_ATTACHMENT_INVALID', 'static remoteIP', fixed.remoteIP, [
          'spec',
          'static',
          'remoteIP',
        ]);
      else invalid(`static remoteIP ${fixed.remoteIP} is not an IPv4 address`, ['spec', 'static', 'remoteIP']);
    }
    if (Boolean(fixed.ip) === Boolean(fixed.proxy))
      invalid('static attachments need exactly one of ip or proxy', ['spec', 'static', fixed.ip ? 'proxy' : 'ip']);
    if (fixed.ip && !parseIpv4Prefix(fixed.ip)) {
      if (isIpv6Prefix(fixed.ip))
        ipv6Accepted(ctx, record, 'EXTERNAL_ATTACHMENT_INVALID', 'static ip', fixed.ip, ['spec', 'static', 'ip']);
      else invalid(`static ip ${fixed.ip} must be an IPv4 CIDR`, ['spec', 'static', 'ip']);
    }
  } else {
    if (!spec.switch?.ip) invalid('switch ip (CIDR) is required for BGP attachments', ['spec', 'switch', 'ip']);
    else if (!parseIpv4Prefix(spec.switch.ip)) {
      if (isIpv6Prefix(spec.switch.ip))
        ipv6Accepted(ctx, record, 'EXTERNAL_ATTACHMENT_INVALID', 'switch ip', spec.switch.ip, ['spec', 'switch', 'ip']);
      else invalid(`switch ip ${spec.switch.ip} must be an IPv4 CIDR`, ['spec', 'switch', 'ip']);
    }
    if (!spec.neighbor?.asn) invalid('neighbor asn is required for BGP attachments', ['spec', 'neighbor', 'asn']);
    if (!spec.neighbor?.ip) invalid('neighbor ip is required for BGP attachments', ['spec', 'neighbor', 'ip']);
    else if (parseIpv4(spec.neighbor.ip) === undefined) {
      if (isIpv6Address(spec.neighbor.ip))
        ipv6Accepted(ctx, record, 'EXTERNAL_ATTACHMENT_INVALID', 'neighbor ip', spec.neighbor.ip, [
          'spec',
          'neighbor',
          'ip',
        ]);
      else invalid(`neighbor ip ${spec.neighbor.ip} is not an IPv4 address`, ['spec', 'neighbor', 'ip']);
    }
  }
  checkAcl(ctx, record, spec.inboundACL?.statements ?? []);
}

const TCP_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'] as const;

function checkAcl(
  ctx: RuleContext,
  record: ObjectRecord,
  statements: NonNullable<NonNullable<ExternalAttachmentObject['spec']['inboundACL']>['statements']>,
): void {
  const seen = new Set<number>();
  statements.forEach((statement, index) => {
    const base: Path = ['spec', 'inboundACL', 'statements', index];
    const invalid = (message: string, field: string) =>
      ctx.report(record, {
        code: 'ACL_INVALID',
        message: `statement ${statement.seq}: ${message}`,
        path: [...base, field],
      });
    if (statement.seq < 10) invalid('seq must be at least 10', 'seq');
    if (seen.has(statement.seq)) invalid('seq is used twice', 'seq');
    seen.add(statement.seq);
    for (const field of ['srcPrefix', 'dstPrefix'] as const) {
      if (statement[field] === 'any' || parseIpv4Prefix(statement[field])) continue;
      if (isIpv6Prefix(statement[field]))
        ipv6Accepted(ctx, record, 'ACL_INVALID', `statement ${statement.seq}: ${field}`, statement[field], [
          ...base,
          field,
        ]);
      else invalid(`${field} ${statement[field]} must be a CIDR or "any"`, field);
    }
    const ports = statement.portRangeBegin || statement.portRangeEnd;
    if (ports) {
      if (statement.protocol !== 'tcp' && statement.protocol !== 'udp')
        invalid('port ranges are allowed only for tcp and udp', 'portRangeBegin');
      else if (
        !statement.portRangeBegin ||
        statement.portRangeBegin < 1 ||
        (statement.portRangeEnd ?? 0) < statement.portRangeBegin
      )
        invalid(
          'port range needs 1 <= begin <= end (a begin without an end is refused: the end is then 0)',
          'portRangeBegin',
        );
    }
    const filters = statement.tcpFilters;
    // ExternalAttachment.Validate: any tcpFilters block (`TCPFilters != nil`, even `{}`) needs tcp.
    if (filters) {
      if (statement.protocol !== 'tcp')
        invalid('tcpFilters are allowed only for tcp (even an empty block)', 'tcpFilters');
      const flagsSet = TCP_FLAGS.some(
        (flag) => filters[flag] || filters[`not${flag[0]!.toUpperCase()}${flag.slice(1)}`],
      );
      if (filters.established && flagsSet) invalid('established cannot be combined with other TCP flags', 'tcpFilters');
      for (const flag of TCP_FLAGS) {
        if (filters[flag] && filters[`not${flag[0]!.toUpperCase()}${flag.slice(1)}`])
          invalid(`${flag} and its negation cannot both be set`, 'tcpFilters');
      }
    }
    if (
      (statement.icmpType !== undefined && statement.icmpType !== null) ||
      (statement.icmpCode !== undefined && statement.icmpCode !== null)
    ) {
      if (statement.protocol !== 'icmp')
        invalid(
          'icmpType and icmpCode are allowed only for icmp',
          statement.icmpType !== undefined ? 'icmpType' : 'icmpCode',
        );
    }
  });
}

export function checkExternalPeering(ctx: RuleContext, record: ObjectRecord): void {
  const permit = (record.object as ExternalPeeringObject).spec.permit;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  const vpcName = permit?.vpc?.name;
  const externalName = permit?.external?.name;
  let vpc: VPCObject | undefined;
  let external: ExternalObject | undefined;
  if (!vpcName)
    report({
      code: 'SCHEMA_REQUIRED',
      message: 'permit.vpc.name is required',
      path: ['spec', 'permit', 'vpc', 'name'],
    });
  else {
    vpc = ctx.lookup('VPC', record.namespace, vpcName)?.object as VPCObject | undefined;
    if (!vpc)
      report({
        code: 'REFERENCE_NOT_FOUND',
        message: `VPC ${vpcName} does not exist`,
        path: ['spec', 'permit', 'vpc', 'name'],
      });
  }
  if (!externalName)
    report({
      code: 'SCHEMA_REQUIRED',
      message: 'permit.external.name is required',
      path: ['spec', 'permit', 'external', 'name'],
    });
  else {
    external = ctx.lookup('External', record.namespace, externalName)?.object as ExternalObject | undefined;
    if (!external)
      report({
        code: 'REFERENCE_NOT_FOUND',
        message: `external ${externalName} does not exist`,
        path: ['spec', 'permit', 'external', 'name'],
      });
  }
  (permit?.external?.prefixes ?? []).forEach((prefix, index) => {
    if (!prefix.prefix)
      report({
        code: 'PEERING_INVALID',
        message: 'external prefix must not be empty',
        path: ['spec', 'permit', 'external', 'prefixes', index, 'prefix'],
      });
  });
  if (vpc) {
    (permit?.vpc?.subnets ?? []).forEach((subnet, index) => {
      if (!vpc!.spec.subnets?.[subnet])
        report({
          code: 'REFERENCE_NOT_FOUND',
          message: `VPC ${vpcName} has no subnet ${subnet}`,
          path: ['spec', 'permit', 'vpc', 'subnets', index],
        });
    });
  }
  if (vpc && external && (vpc.spec.ipv4Namespace ?? 'default') !== (external.spec?.ipv4Namespace ?? 'default')) {
    report({
      code: 'NAMESPACE_MISMATCH',
      message: `VPC ${vpcName} and external ${externalName} are in different IPv4Namespaces`,
      path: ['spec', 'permit'],
    });
  }
}
