/**
 * Each kind's `Default()`, as the fabric's mutating webhooks apply it before anything validates
 * the object (fabric v0.129.1, `api/**\/*_types.go`). Validation checks the defaulted object, so
 * a key a webhook fills (DHCP `interfaceMTU`, GatewayPeering `acl.default`, ...) is never missing.
 *
 * Only the value changes are here: fills, and the DHCP fields Go drops when DHCP is off. What
 * Default also does to order and spelling (sorted lists, MAC keys rewritten) and to labels is the
 * canonical form's job (canonical.ts), so that every path into a defaulted object still points at
 * what the user wrote. Pure: never throws, never mutates its input; a field of unexpected shape
 * is left as it is for the schema to report. Idempotent.
 */
import { formatIpv4, parseIpv4Prefix } from './ip.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** fabric `DefaultLinkFlap*` (switch_types.go). */
export const LINK_FLAP_DEFAULTS = { flapThreshold: 3, samplingInterval: 30, recoveryInterval: 300 } as const;
/** VPC.Default: `InterfaceMTU = 9036`, `LeaseTimeSeconds = 3600`. */
export const DHCP_OPTION_DEFAULTS = { interfaceMTU: 9036, leaseTimeSeconds: 3600 } as const;
/** gateway_types.go `DefaultGatewayLogRateLimit*`. */
export const GATEWAY_LOG_RATE_LIMIT_DEFAULTS = { burst: 50, replenishPerSecond: 5 } as const;
/** gatewaypeering_types.go `DefaultMasqueradeIdleTimeout` / `DefaultPortForwardIdleTimeout` (2 minutes). */
export const NAT_IDLE_TIMEOUT_DEFAULT = '2m0s';

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Go's zero-value test for the scalar fields Default fills (`== ""`, `== 0`, nil). */
function isZero(value: unknown): boolean {
  return !value;
}

/** A zero Go duration (`0`, `0s`, `0m0s`): Default replaces it, as it does a missing one. */
const ZERO_DURATION = /^(0|(0+(\.0+)?(ns|us|µs|ms|s|m|h))+)$/;

function copy(value: unknown): Json {
  if (Array.isArray(value)) return value.map(copy);
  if (isObject(value)) {
    const out: JsonObject = {};
    // Keys, not entries: no [key, value] pair per member (a draft's validation copies every
    // object of the fabric).
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: copy(member), enumerable: true, writable: true, configurable: true });
      else out[key] = copy(member);
    }
    return out;
  }
  return value as Json;
}

/** A map member, creating an empty map when Go would have a zero struct there. */
function child(parent: JsonObject, key: string): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    const created: JsonObject = {};
    parent[key] = created;
    return created;
  }
  return isObject(value) ? value : undefined;
}

/** Switch.Default (portLocators' expiry normalisation is left out: it reads the clock). */
export function defaultSwitch(spec: JsonObject): void {
  for (const field of ['portGroupSpeeds', 'portSpeeds']) {
    const speeds = spec[field];
    if (!isObject(speeds)) continue;
    for (const [port, speed] of Object.entries(speeds)) {
      if (typeof speed === 'string' && speed.startsWith('SPEED_')) speeds[port] = speed.slice('SPEED_'.length);
    }
  }
  if (isZero(spec.vlanNamespaces) || (Array.isArray(spec.vlanNamespaces) && spec.vlanNamespaces.length === 0))
    spec.vlanNamespaces = ['default'];
  const group = isObject(spec.redundancy) ? spec.redundancy.group : undefined;
  if (typeof group === 'string' && group !== '') {
    if (isZero(spec.groups)) spec.groups = [group];
    else if (Array.isArray(spec.groups) && !spec.groups.includes(group)) spec.groups.push(group);
  }
  const linkFlap = spec.linkFlapErrDisable;
  if (isObject(linkFlap)) {
    // Go fills nil pointers; an explicit `null` is left for the canonical form, which drops it.
    for (const [key, value] of Object.entries(LINK_FLAP_DEFAULTS))
      if (linkFlap[key] === undefined) linkFlap[key] = value;
  }
}

/** VLANNamespace.Default: meta.NormalizedVLANRanges fills `to: 0` with `from` in place. */
export function defaultVlanNamespace(spec: JsonObject): void {
  if (!Array.isArray(spec.ranges)) return;
  for (const range of spec.ranges) {
    if (isObject(range) && typeof range.from === 'number' && isZero(range.to)) range.to = range.from;
  }
}

/** VPC.Default: namespaces, gateways, and per DHCP-enabled subnet the range and option defaults. */
export function defaultVpc(spec: JsonObject): void {
  if (isZero(spec.ipv4Namespace)) spec.ipv4Namespace = 'default';
  if (isZero(spec.vlanNamespace)) spec.vlanNamespace = 'default';
  if (!isObject(spec.subnets)) return;
  for (const subnet of Object.values(spec.subnets)) {
    if (!isObject(subnet) || typeof subnet.subnet !== 'string') continue;
    const cidr = parseIpv4Prefix(subnet.subnet);
    if (!cidr) continue;
    if (isZero(subnet.gateway) && subnet.hostBGP !== true) subnet.gateway = formatIpv4(cidr.network + 1);
    if (cidr.length > 30) continue;
    const dhcp = subnet.dhcp === undefined || subnet.dhcp === null ? undefined : subnet.dhcp;
    if (dhcp !== undefined && !isObject(dhcp)) continue;
    if (dhcp?.enable !== true) {
      // Go: `Range = nil; Options = nil` for every subnet with DHCP off.
      if (dhcp) {
        delete dhcp.range;
        delete dhcp.options;
      }
      continue;
    }
    const range = child(dhcp, 'range');
    if (range) {
      if (isZero(range.start)) range.start = formatIpv4(cidr.network + 2);
      if (isZero(range.end)) range.end = formatIpv4(cidr.broadcast);
    }
    const options = dhcp.options;
    if (!isObject(options)) continue;
    // Go compares the lists with nil; a written `null` is kept as a list here, as the canonical form does.
    const empty =
      isZero(options.pxeURL) &&
      options.dnsServers === undefined &&
      options.timeServers === undefined &&
      isZero(options.interfaceMTU) &&
      isZero(options.leaseTimeSeconds) &&
      isZero(options.disableDefaultRoute) &&
      options.advertisedRoutes === undefined;
    if (empty) {
      delete dhcp.options;
      continue;
    }
    for (const [key, value] of Object.entries(DHCP_OPTION_DEFAULTS)) if (isZero(options[key])) options[key] = value;
    for (const key of ['dnsServers', 'timeServers', 'advertisedRoutes']) if (isZero(options[key])) options[key] = [];
  }
}

/** VPCAttachment.Default: a subnet written without `/<subnet>` means `<vpc>/default`. */
export function defaultVpcAttachment(spec: JsonObject): void {
  if (typeof spec.subnet === 'string' && spec.subnet !== '' && !spec.subnet.includes('/'))
    spec.subnet = `${spec.subnet}/default`;
}

/** External.Default. */
export function defaultExternal(spec: JsonObject): void {
  if (isZero(spec.ipv4Namespace)) spec.ipv4Namespace = 'default';
}

/** Gateway.Default: log level and tags, rate-limit fill, 4 workers, group `default`. */
export function defaultGateway(spec: JsonObject): void {
  const logs = child(spec, 'logs');
  if (logs) {
    if (isZero(logs.default)) logs.default = 'info';
    if (isZero(logs.tags) || (isObject(logs.tags) && Object.keys(logs.tags).length === 0)) logs.tags = { all: 'info' };
    const rateLimit = logs.rateLimit;
    if (isObject(rateLimit)) {
      for (const [key, value] of Object.entries(GATEWAY_LOG_RATE_LIMIT_DEFAULTS))
        if (isZero(rateLimit[key])) rateLimit[key] = value;
    }
  }
  if (isZero(spec.workers)) spec.workers = 4;
  if (isZero(spec.groups) || (Array.isArray(spec.groups) && spec.groups.length === 0))
    spec.groups = [{ name: 'default', priority: 0 }];
}

/**
 * GatewayPeering.Default: NAT idle timeouts, group `default`, ACL `default: deny-unless-exposed`
 * and rule `scope: flow`. Go returns early unless there are exactly 2 peering entries; the
 * gateway fills them anyway (Validate refuses such a peering whatever its ACL says), so these
 * keys are never reported missing.
 */
export function defaultGatewayPeering(spec: JsonObject): void {
  if (isObject(spec.peering)) {
    for (const entry of Object.values(spec.peering)) {
      if (!isObject(entry) || !Array.isArray(entry.expose)) continue;
      for (const expose of entry.expose) {
        if (!isObject(expose) || !isObject(expose.nat)) continue;
        for (const mode of ['masquerade', 'portForward']) {
          const nat = expose.nat[mode];
          if (
            isObject(nat) &&
            (isZero(nat.idleTimeout) || (typeof nat.idleTimeout === 'string' && ZERO_DURATION.test(nat.idleTimeout)))
          )
            nat.idleTimeout = NAT_IDLE_TIMEOUT_DEFAULT;
        }
      }
    }
  }
  if (isZero(spec.gatewayGroup)) spec.gatewayGroup = 'default';
  const acl = spec.acl;
  if (isObject(acl)) {
    if (isZero(acl.default)) acl.default = 'deny-unless-exposed';
    if (Array.isArray(acl.rules))
      for (const rule of acl.rules) if (isObject(rule) && isZero(rule.scope)) rule.scope = 'flow';
  }
}

const SPEC_DEFAULTS: Readonly<Record<string, (spec: JsonObject) => void>> = {
  Switch: defaultSwitch,
  VLANNamespace: defaultVlanNamespace,
  VPC: defaultVpc,
  VPCAttachment: defaultVpcAttachment,
  External: defaultExternal,
  Gateway: defaultGateway,
  GatewayPeering: defaultGatewayPeering,
};

/**
 * The object as its kind's Default() leaves it (plus `metadata.namespace: default`, which every
 * Default sets). Objects of other kinds, or that are not mappings, come back as copies. A
 * document without `spec` keeps none (Go would default a zero spec; the canonical form writes
 * none, and the rules read a missing spec as the zero one).
 */
export function defaultObject<T>(object: T): T {
  const out = copy(object);
  if (!isObject(out) || typeof out.kind !== 'string') return out as T;
  if (isObject(out.metadata) && isZero(out.metadata.namespace)) out.metadata.namespace = 'default';
  const fill = SPEC_DEFAULTS[out.kind];
  if (!fill) return out as T;
  if (isObject(out.spec)) fill(out.spec);
  return out as T;
}
