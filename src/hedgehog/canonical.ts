/**
 * Canonical form: what the fabric's mutating webhooks would make of an object (defaults filled,
 * lists sorted where they sort, fabric-owned labels dropped, namespace defaulted), printed as
 * deterministic YAML. This is what the gateway writes to Git, hashes, and compares for drift.
 */
import { createHash } from 'node:crypto';
import { findKindByName } from './catalog.ts';
import { printYamlDocument } from './canonical-yaml.ts';
import { formatIpv4, normalizeMac, parseIpv4Prefix } from './ip.ts';

export interface HedgehogObjectMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface HedgehogObject {
  apiVersion: string;
  kind: string;
  metadata: HedgehogObjectMetadata;
  spec?: unknown;
  status?: unknown;
}

export const DEFAULT_NAMESPACE = 'default';

/** Label keys containing this are owned by the fabric and recomputed by every webhook. */
const FABRIC_LABEL_MARKER = 'fabric.githedgehog.com/';
/** Written by `kubectl apply`; never part of the desired state. */
const DROPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Sets a member even when the key is `__proto__` (plain assignment would replace the prototype). */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * An object's keys in sorted order. Objects the gateway wrote or stored have their keys sorted
 * already: those are checked in one pass and not sorted again (a sort copies its array first,
 * and validating a draft canonicalizes every object of the fabric: docs/performance.md, "Less
 * garbage per request").
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i += 1) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}

/**
 * Deep copy with object keys sorted. With `dropNulls`, null members are removed (Go decodes null
 * as "absent"); defaulting runs before that, because a null map entry can mean something
 * (`vpc-01:` in a VPCPeering permit is "all subnets").
 */
function sortedCopy(value: unknown, options: { dropNulls: boolean }): Json {
  if (Array.isArray(value)) return value.map((item) => sortedCopy(item, options));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of sortedKeys(value)) {
      const member = value[key];
      if (member === undefined || (member === null && options.dropNulls)) continue;
      setMember(out, key, sortedCopy(member, options));
    }
    return out;
  }
  if (value === 0) return 0; // -0 has no YAML or JSON form
  return value as Json;
}

function sortKeys(value: JsonObject): JsonObject {
  return sortedCopy(value, { dropNulls: false }) as JsonObject;
}

function stringMap(value: unknown, keep: (key: string) => boolean): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const key of sortedKeys(value)) {
    const member = value[key];
    if (member === null || member === undefined || !keep(key)) continue;
    setMember(out, key, String(member));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Returns the canonical copy of an object. Never throws and never mutates its input; fields of
 * unexpected shape are copied as they are (validation reports them). Idempotent.
 */
export function canonicalize(object: HedgehogObject): HedgehogObject {
  const metadata = isObject(object.metadata) ? object.metadata : ({} as JsonObject);
  const labels = stringMap(metadata.labels, (key) => !key.includes(FABRIC_LABEL_MARKER));
  const annotations = stringMap(metadata.annotations, (key) => !DROPPED_ANNOTATIONS.has(key));
  const namespace =
    typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : DEFAULT_NAMESPACE;

  const result: HedgehogObject = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: String(metadata.name ?? ''),
      namespace,
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
  };
  if (object.spec !== undefined && object.spec !== null) {
    const spec = sortedCopy(object.spec, { dropNulls: false });
    const defaulted = isObject(spec) && findKindByName(object.kind) ? applyDefaults(object.kind, spec) : spec;
    result.spec = sortedCopy(defaulted, { dropNulls: true });
  }
  return result;
}

function applyDefaults(kind: string, spec: JsonObject): JsonObject {
  switch (kind) {
    case 'Switch':
      return defaultSwitch(spec);
    case 'VLANNamespace':
      return defaultVlanNamespace(spec);
    case 'IPv4Namespace':
      if (Array.isArray(spec.subnets)) spec.subnets = [...spec.subnets].sort();
      return spec;
    case 'VPC':
      return defaultVpc(spec);
    case 'VPCAttachment':
      if (typeof spec.subnet === 'string' && spec.subnet !== '' && !spec.subnet.includes('/'))
        spec.subnet = `${spec.subnet}/default`;
      return spec;
    case 'VPCPeering':
      // `vpc-01:` (null) means "all subnets"; Go decodes it to an empty struct.
      if (Array.isArray(spec.permit)) {
        spec.permit = spec.permit.map((entry) =>
          isObject(entry) ? Object.fromEntries(Object.entries(entry).map(([vpc, peer]) => [vpc, peer ?? {}])) : entry,
        );
      }
      return spec;
    case 'External':
      if (!spec.ipv4Namespace) spec.ipv4Namespace = 'default';
      return spec;
    case 'ExternalPeering':
      return defaultExternalPeering(spec);
    case 'Gateway':
      return defaultGateway(spec);
    case 'GatewayPeering':
      return defaultGatewayPeering(spec);
    default:
      return spec;
  }
}

function sortedStrings(values: Json[]): Json[] {
  return [...values].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

function defaultSwitch(spec: JsonObject): JsonObject {
  for (const field of ['portGroupSpeeds', 'portSpeeds']) {
    const speeds = spec[field];
    if (isObject(speeds)) {
      for (const [port, speed] of Object.entries(speeds)) {
        if (typeof speed === 'string' && speed.startsWith('SPEED_')) speeds[port] = speed.slice('SPEED_'.length);
      }
    }
  }
  if (!Array.isArray(spec.vlanNamespaces) || spec.vlanNamespaces.length === 0) spec.vlanNamespaces = ['default'];
  const groups = Array.isArray(spec.groups) ? [...spec.groups] : [];
  const redundancy = spec.redundancy;
  if (
    isObject(redundancy) &&
    typeof redundancy.group === 'string' &&
    redundancy.group !== '' &&
    !groups.includes(redundancy.group)
  ) {
    groups.push(redundancy.group);
  }
  if (groups.length > 0 || Array.isArray(spec.groups)) spec.groups = sortedStrings(groups);
  spec.vlanNamespaces = sortedStrings(spec.vlanNamespaces);
  const linkFlap = spec.linkFlapErrDisable;
  if (isObject(linkFlap)) {
    spec.linkFlapErrDisable = sortKeys({ flapThreshold: 3, samplingInterval: 30, recoveryInterval: 300, ...linkFlap });
  }
  return spec;
}

function defaultVlanNamespace(spec: JsonObject): JsonObject {
  if (!Array.isArray(spec.ranges)) return spec;
  // Only the `to` fill and the sort survive the webhook (its merge result is discarded).
  spec.ranges = spec.ranges
    .map((range) =>
      isObject(range) && typeof range.from === 'number' && !range.to ? sortKeys({ ...range, to: range.from }) : range,
    )
    .sort((a, b) =>
      isObject(a) && isObject(b)
        ? Number(a.from ?? 0) - Number(b.from ?? 0) || Number(a.to ?? 0) - Number(b.to ?? 0)
        : 0,
    );
  return spec;
}

function defaultVpc(spec: JsonObject): JsonObject {
  if (!spec.ipv4Namespace) spec.ipv4Namespace = 'default';
  if (!spec.vlanNamespace) spec.vlanNamespace = 'default';
  if (!isObject(spec.subnets)) return spec;
  for (const subnet of Object.values(spec.subnets)) {
    if (!isObject(subnet) || typeof subnet.subnet !== 'string') continue;
    const cidr = parseIpv4Prefix(subnet.subnet);
    if (!cidr) continue;
    if (!subnet.gateway && subnet.hostBGP !== true) subnet.gateway = formatIpv4(cidr.network + 1);
    if (cidr.length > 30) continue;
    const dhcp = isObject(subnet.dhcp) ? subnet.dhcp : undefined;
    if (!dhcp) continue;
    if (dhcp.enable !== true) {
      delete dhcp.range;
      delete dhcp.options;
    } else {
      const range = isObject(dhcp.range) ? dhcp.range : {};
      if (!range.start) range.start = formatIpv4(cidr.network + 2);
      if (!range.end) range.end = formatIpv4(cidr.broadcast);
      dhcp.range = sortKeys(range);
      const options = dhcp.options;
      if (isObject(options)) {
        const empty =
          !options.pxeURL &&
          options.dnsServers === undefined &&
          options.timeServers === undefined &&
          !options.interfaceMTU &&
          !options.leaseTimeSeconds &&
          !options.disableDefaultRoute &&
          options.advertisedRoutes === undefined;
        if (empty) {
          delete dhcp.options;
        } else {
          if (!options.interfaceMTU) options.interfaceMTU = 9036;
          if (!options.leaseTimeSeconds) options.leaseTimeSeconds = 3600;
          options.dnsServers = Array.isArray(options.dnsServers) ? sortedStrings(options.dnsServers) : [];
          options.timeServers = Array.isArray(options.timeServers) ? sortedStrings(options.timeServers) : [];
          options.advertisedRoutes = Array.isArray(options.advertisedRoutes)
            ? [...options.advertisedRoutes].sort((a, b) => compareRoute(a, b))
            : [];
          dhcp.options = sortKeys(options);
        }
      }
    }
    if (isObject(dhcp.static)) {
      const normalized: JsonObject = {};
      for (const [mac, lease] of Object.entries(dhcp.static)) normalized[normalizeMac(mac) ?? mac] = lease;
      dhcp.static = sortKeys(normalized);
    }
    subnet.dhcp = sortKeys(dhcp);
  }
  spec.subnets = sortKeys(spec.subnets);
  return sortKeys(spec);
}

function compareRoute(a: Json, b: Json): number {
  const key = (route: Json) =>
    isObject(route) ? [String(route.destination ?? ''), String(route.gateway ?? '')] : ['', ''];
  const [ad, ag] = key(a);
  const [bd, bg] = key(b);
  return ad! < bd! ? -1 : ad! > bd! ? 1 : ag! < bg! ? -1 : ag! > bg! ? 1 : 0;
}

function defaultExternalPeering(spec: JsonObject): JsonObject {
  const permit = spec.permit;
  if (!isObject(permit)) return spec;
  if (isObject(permit.vpc) && Array.isArray(permit.vpc.subnets)) permit.vpc.subnets = sortedStrings(permit.vpc.subnets);
  if (isObject(permit.external) && Array.isArray(permit.external.prefixes)) {
    permit.external.prefixes = [...permit.external.prefixes].sort((a, b) => {
      const pa = isObject(a) ? String(a.prefix ?? '') : '';
      const pb = isObject(b) ? String(b.prefix ?? '') : '';
      return pa < pb ? -1 : pa > pb ? 1 : 0;
    });
  }
  return spec;
}

function defaultGateway(spec: JsonObject): JsonObject {
  const logs = isObject(spec.logs) ? spec.logs : {};
  if (!logs.default) logs.default = 'info';
  if (!isObject(logs.tags) || Object.keys(logs.tags).length === 0) logs.tags = { all: 'info' };
  if (isObject(logs.rateLimit)) {
    if (!logs.rateLimit.burst) logs.rateLimit.burst = 50;
    if (!logs.rateLimit.replenishPerSecond) logs.rateLimit.replenishPerSecond = 5;
  }
  spec.logs = sortKeys(logs);
  if (!spec.workers) spec.workers = 4;
  if (isObject(spec.interfaces)) {
    for (const [name, value] of Object.entries(spec.interfaces)) if (value === null) spec.interfaces[name] = {};
  }
  const groups = Array.isArray(spec.groups) ? [...spec.groups] : [];
  spec.groups =
    groups.length === 0
      ? [{ name: 'default', priority: 0 }]
      : groups.sort((a, b) => {
          const na = isObject(a) ? String(a.name ?? '') : '';
          const nb = isObject(b) ? String(b.name ?? '') : '';
          return na < nb ? -1 : na > nb ? 1 : 0;
        });
  return sortKeys(spec);
}

function defaultGatewayPeering(spec: JsonObject): JsonObject {
  if (!spec.gatewayGroup) spec.gatewayGroup = 'default';
  if (isObject(spec.peering)) {
    for (const entry of Object.values(spec.peering)) {
      if (!isObject(entry) || !Array.isArray(entry.expose)) continue;
      for (const expose of entry.expose) {
        if (!isObject(expose) || !isObject(expose.nat)) continue;
        for (const mode of ['masquerade', 'portForward']) {
          const nat = expose.nat[mode];
          if (isObject(nat)) nat.idleTimeout = normalizeDuration(nat.idleTimeout) ?? '2m0s';
        }
      }
    }
  }
  if (isObject(spec.acl)) {
    if (!spec.acl.default) spec.acl.default = 'deny-unless-exposed';
    if (Array.isArray(spec.acl.rules)) {
      for (const rule of spec.acl.rules) if (isObject(rule) && !rule.scope) rule.scope = 'flow';
    }
  }
  return sortKeys(spec);
}

const DURATION_UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's metav1.Duration round trip: `2m` → `2m0s`. Zero or unparsable → undefined (defaulted). */
export function normalizeDuration(value: Json | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = [...value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value) return undefined;
  const total = Math.round(parts.reduce((sum, part) => sum + Number(part[1]) * DURATION_UNITS_NS[part[2]!]!, 0));
  if (total === 0) return undefined;
  if (total < 1e9) {
    if (total < 1e3) return `${total}ns`;
    if (total < 1e6) return `${total / 1e3}µs`;
    return `${total / 1e6}ms`;
  }
  const hours = Math.floor(total / 3600e9);
  const minutes = Math.floor((total % 3600e9) / 60e9);
  const seconds = (total % 60e9) / 1e9;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/**
 * One YAML document: apiVersion, kind, metadata {name, namespace, labels, annotations}, spec.
 * Keys inside are sorted; strings a YAML 1.1 or 1.2 reader could misread (`yes`, `on`, `017`)
 * are quoted so Kubernetes tooling reads the file the same way (see canonical-yaml.ts).
 */
export function renderCanonicalYaml(object: HedgehogObject): string {
  return renderCanonicalObjectYaml(canonicalize(object));
}

/** Renders an object that is already canonical (skips the second canonicalisation). */
export function renderCanonicalObjectYaml(canonical: HedgehogObject): string {
  const ordered: Record<string, unknown> = {
    apiVersion: canonical.apiVersion,
    kind: canonical.kind,
    metadata: canonical.metadata,
  };
  if (canonical.spec !== undefined) ordered.spec = canonical.spec;
  return printYamlDocument(ordered);
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The object id git gives a file with these bytes (`git hash-object`). */
export function gitBlobOid(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** `managed/<directory>/<name>.yaml`, or `<namespace>-<name>.yaml` outside `default`. */
export function managedFilePath(object: Pick<HedgehogObject, 'kind' | 'metadata'>): string {
  const directory = findKindByName(object.kind)?.directory ?? `${object.kind.toLowerCase()}s`;
  const namespace = object.metadata.namespace || DEFAULT_NAMESPACE;
  const base = namespace === DEFAULT_NAMESPACE ? object.metadata.name : `${namespace}-${object.metadata.name}`;
  return `managed/${directory}/${base}.yaml`;
}

/**
 * The shape compared between desired (Git/DB) and live (cluster) objects: canonical form, then
 * server-set metadata, status, fabric labels and Go zero values (empty strings, false, 0, empty
 * lists and maps, which Go's `omitempty` drops on the way back) removed. Spec is compared to spec.
 */
export function normalizeForDrift(object: HedgehogObject): HedgehogObject {
  const canonical = canonicalize(object);
  const result: HedgehogObject = {
    apiVersion: canonical.apiVersion,
    kind: canonical.kind,
    metadata: canonical.metadata,
  };
  const spec = pruneZeroValues(canonical.spec as Json);
  if (spec !== undefined) result.spec = spec;
  return result;
}

function pruneZeroValues(value: Json | undefined): Json | undefined {
  if (value === null || value === undefined || value === '' || value === false || value === 0) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => pruneZeroValues(item) ?? {});
    return items.length > 0 ? items : undefined;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      const pruned = pruneZeroValues(member);
      if (pruned !== undefined) setMember(out, key, pruned);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}
