/** Rules for gateway.githedgehog.com kinds (reference §6): Gateway and GatewayPeering. */
import { normalizeMac, parseIpv4, parseIpv4Prefix, prefixWithin, type Ipv4Prefix } from '../ip.ts';
import type { ExternalObject, GatewayObject, GatewayPeeringObject, VPCObject } from '../schemas.ts';
import { hydrationSeverity, type ObjectRecord, type RuleContext } from '../rule-context.ts';
import { checkHostAddress } from './wiring-rules.ts';

export function checkGateway(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as GatewayObject).spec ?? {};
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  const invalid = (message: string, path: (string | number)[]) => report({ code: 'GATEWAY_INVALID', message, path });

  const interfaces = Object.entries(spec.interfaces ?? {});
  if (interfaces.length === 0) invalid('at least one interface is required', ['spec', 'interfaces']);
  let missingIPs = 0;
  for (const [name, iface] of interfaces) {
    if (name.length < 2 || name.length > 10) invalid(`interface name ${name} must be 2 to 10 characters`, ['spec', 'interfaces', name]);
    const ips = iface?.ips ?? [];
    if (ips.length === 0) missingIPs++;
    ips.forEach((ip, index) => {
      if (!parseIpv4Prefix(ip)) invalid(`interface ${name} IP ${ip} must be an IPv4 CIDR`, ['spec', 'interfaces', name, 'ips', index]);
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
    report({ severity: hydrationSeverity(ctx.config), code: 'GATEWAY_NOT_HYDRATED', message: `gateway is not hydrated: ${missing.join(', ')} missing (hhfab fills them)`, path: ['spec'] });
  }
  checkHostAddress(ctx, record, { value: spec.protocolIP, field: 'protocolIP', label: 'protocol IP', subnet: ctx.config.protocolSubnet, subnetName: 'protocol', code: 'GATEWAY_INVALID' });
  if (spec.vtepIP) {
    const vtep = parseIpv4Prefix(spec.vtepIP);
    if (!vtep || vtep.length !== 32) invalid(`VTEP IP ${spec.vtepIP} must be a /32`, ['spec', 'vtepIP']);
  }
  if (spec.vtepMAC) {
    const mac = normalizeMac(spec.vtepMAC);
    const firstOctet = mac ? Number.parseInt(mac.slice(0, 2), 16) : 0;
    if (!mac || mac === '00:00:00:00:00:00' || (firstOctet & 1) === 1) invalid(`VTEP MAC ${spec.vtepMAC} must be a non-zero unicast MAC`, ['spec', 'vtepMAC']);
  }
  if (spec.asn && spec.asn !== ctx.config.gatewayASN) invalid(`ASN ${spec.asn} must be the fabric gateway ASN ${ctx.config.gatewayASN}`, ['spec', 'asn']);
  if (spec.workers !== undefined && spec.workers !== null && (spec.workers < 1 || spec.workers > 64)) invalid('workers must be between 1 and 64', ['spec', 'workers']);
  (spec.neighbors ?? []).forEach((neighbor, index) => {
    if (!neighbor.ip || parseIpv4(neighbor.ip.split('/')[0] ?? '') === undefined) invalid(`neighbor ${index} ip ${neighbor.ip ?? ''} is not an IPv4 address`, ['spec', 'neighbors', index, 'ip']);
    if (!neighbor.asn) invalid(`neighbor ${index} asn is required`, ['spec', 'neighbors', index, 'asn']);
  });
  const rawGroups = (record.raw as { spec?: { groups?: unknown } }).spec?.groups;
  (spec.groups ?? []).forEach((group, index) => {
    if (!group.name) return invalid('group name is required', ['spec', 'groups', index, 'name']);
    if (!ctx.lookup('GatewayGroup', record.namespace, group.name)) {
      report({
        code: 'REFERENCE_NOT_FOUND',
        message: `gateway group ${group.name} does not exist${Array.isArray(rawGroups) ? '' : ' (gateways join group "default" unless groups is set)'}`,
        path: Array.isArray(rawGroups) ? ['spec', 'groups', index, 'name'] : ['spec'],
      });
    }
  });
}

export function checkGatewayPeering(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as GatewayPeeringObject).spec;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  const entries = Object.entries(spec.peering ?? {});
  if (entries.length !== 2) report({ code: 'PEERING_INVALID', message: `a GatewayPeering must have exactly 2 peering entries, found ${entries.length}`, path: ['spec', 'peering'] });
  if (spec.gatewayGroup && !ctx.lookup('GatewayGroup', record.namespace, spec.gatewayGroup)) {
    report({ code: 'REFERENCE_NOT_FOUND', message: `gateway group ${spec.gatewayGroup} does not exist`, path: (record.raw as { spec?: { gatewayGroup?: unknown } }).spec?.gatewayGroup ? ['spec', 'gatewayGroup'] : ['spec'] });
  }
  const statefulSides: string[] = [];
  const staticSides: string[] = [];
  for (const [name, entry] of entries) {
    const base = ['spec', 'peering', name];
    let subnets: Ipv4Prefix[] | undefined;
    if (name.startsWith('ext.')) {
      const external = ctx.lookup('External', record.namespace, name.slice(4))?.object as ExternalObject | undefined;
      if (!external) report({ code: 'REFERENCE_NOT_FOUND', message: `external ${name.slice(4)} does not exist`, path: base });
    } else {
      const vpc = ctx.lookup('VPC', record.namespace, name)?.object as VPCObject | undefined;
      if (!vpc) report({ code: 'REFERENCE_NOT_FOUND', message: `VPC ${name} does not exist`, path: base });
      else subnets = Object.values(vpc.spec.subnets ?? {}).map((subnet) => parseIpv4Prefix(subnet?.subnet ?? '')).filter((prefix): prefix is Ipv4Prefix => prefix !== undefined);
    }
    (entry?.expose ?? []).forEach((expose, index) => {
      const path = [...base, 'expose', index];
      const invalid = (message: string, field?: string) => report({ code: 'GATEWAY_NAT_INVALID', message: `${name} expose ${index}: ${message}`, path: field ? [...path, field] : path });
      if (expose.default && ((expose.ips ?? []).length > 0 || (expose.as ?? []).length > 0 || expose.nat)) invalid('default: true must stand alone (no ips, as or nat)', 'default');
      const hasAs = (expose.as ?? []).length > 0;
      if (hasAs !== Boolean(expose.nat)) invalid('as and nat must be used together', hasAs ? 'nat' : 'as');
      if (expose.nat) {
        const modes = (['masquerade', 'portForward', 'static'] as const).filter((mode) => expose.nat![mode] !== undefined && expose.nat![mode] !== null);
        if (modes.length !== 1) invalid(`exactly one NAT type must be set, found ${modes.length}`, 'nat');
        if (modes.includes('masquerade') || modes.includes('portForward')) statefulSides.push(name);
        if (modes.includes('static')) staticSides.push(name);
      }
      (expose.ips ?? []).forEach((ip, position) => {
        if (!ip.cidr || !subnets) return;
        const prefix = parseIpv4Prefix(ip.cidr);
        if (!prefix) invalid(`ips ${ip.cidr} is not an IPv4 CIDR`, 'ips');
        else if (!subnets.some((subnet) => prefixWithin(prefix, subnet))) report({ code: 'GATEWAY_NAT_INVALID', message: `${name} expose ${index}: ${ip.cidr} is not inside any subnet of VPC ${name}`, path: [...path, 'ips', position, 'cidr'] });
      });
    });
  }
  if (new Set(statefulSides).size > 1) report({ code: 'GATEWAY_NAT_INVALID', message: 'only one side of a peering may use stateful NAT (masquerade or port forwarding)', path: ['spec', 'peering'] });
  if (statefulSides.length > 0 && staticSides.length > 0) {
    report({ code: 'GATEWAY_NAT_INVALID', message: 'static NAT cannot be paired with stateful NAT', path: ['spec', 'peering'] });
  }
}
