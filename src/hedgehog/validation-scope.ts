/**
 * Which of a fabric's existing objects a small change must be validated against, so that a
 * one-file pull of a 50,000-object fabric reads a few hundred rows instead of all of them, with
 * the same findings as a validation against the whole fabric (validate.ts).
 *
 * Findings are reported for the input objects, and for existing objects that a change newly
 * breaks (validate.ts, step 3b). Each comes from a rule that reads other objects in one of three
 * ways, and the scope holds every object each way can reach:
 *
 * - **whole kinds**: the kinds a fabric holds few of (switches, gateways, namespaces, groups,
 *   externals, profiles, gateway peerings) are read whole, so every rule that iterates one of them
 *   (device addresses, gateway groups, gateway peerings, hydration) sees all of it;
 * - **by name**: what a rule looks up (`ctx.lookup`) is named in the object's spec; each string
 *   of the spec (and its part before a `/`, and each key) is taken as a name, and what the found
 *   objects name is read too, until nothing new is named;
 * - **fabric-wide rules over the many**: the ports of a changed connection are compared with the
 *   connections on the same devices, its link IPs with every link (fabric, mesh, gateway)
 *   connection, a changed VPC's subnets and VLANs with every VPC, a changed attachment with the
 *   attachments of the same connection. Link connections are also what the wiring's hydration
 *   status counts, read whenever a rule that depends on it can run.
 *
 * Existing objects a change can newly break are those whose rules read the changed object's
 * content (not only that it exists): `CONTENT_READERS` lists, per kind, the kinds (of the many)
 * whose rules do; those that mention a changed object's name are read. A Server, for instance, is
 * only ever checked for existence, so a changed server breaks nothing else.
 *
 * The reading is a port (`read`): the repository turns a query into one SQL statement, tests into
 * a filter over objects in memory. A query may return more than it asks for (SQL's text search
 * is wider); `queryMatcher` keeps what it asks for, so both give the same objects.
 */
import type { HedgehogObject } from './canonical.ts';
import { MANAGED_KINDS } from './catalog.ts';
import { connectionEndpoints, connectionTypesOf, splitDevicePort } from './connection.ts';
import type { ConnectionSpec } from './schemas.ts';

/** Kinds a fabric can hold thousands of: read only as far as the change reaches. */
export const NARROW_KINDS: readonly string[] = [
  'Server',
  'Connection',
  'VPC',
  'VPCAttachment',
  'VPCPeering',
  'ExternalAttachment',
  'ExternalPeering',
];
const NARROW = new Set(NARROW_KINDS);
/** Every other managed kind: read whole. */
export const WHOLE_KINDS: readonly string[] = MANAGED_KINDS.map((info) => info.kind).filter(
  (kind) => !NARROW.has(kind),
);
/** The narrow kinds rules look up by name (ctx.lookup). */
const LOOKED_UP_KINDS: readonly string[] = ['Server', 'Connection', 'VPC'];
/** Connection types whose links carry IPs, and that the hydration status counts. */
export const LINK_TYPES: readonly string[] = ['fabric', 'mesh', 'gateway'];

/**
 * Per kind, the narrow kinds whose per-object rules read an object of that kind beyond its
 * existence (found by ctx.lookup, then its spec read). A kind missing here is taken as read by
 * all of them.
 */
const CONTENT_READERS: Readonly<Record<string, readonly string[]>> = {
  Switch: ['Connection'], // ports of the switch's profile and breakouts
  Gateway: ['Connection'], // the gateway's interfaces
  Connection: ['VPCAttachment', 'ExternalAttachment'],
  VPC: ['VPCAttachment', 'VPCPeering', 'ExternalPeering'],
  External: ['ExternalAttachment', 'ExternalPeering'],
  IPv4Namespace: ['VPC'],
  VLANNamespace: ['VPC'],
  // Only ever checked for existence, or never looked up at all.
  Server: [],
  SwitchGroup: [],
  GatewayGroup: [],
  ServerProfile: [],
  VPCAttachment: [],
  VPCPeering: [],
  ExternalAttachment: [],
  ExternalPeering: [],
  GatewayPeering: [],
};
/**
 * Kinds whose change can reach no rule that reads the hydration status (Switch, Connection and
 * Gateway rules, and their readers'): the link connections are not read for them.
 */
const HYDRATION_FREE = new Set([
  'Server',
  'ServerProfile',
  'VPC',
  'VPCAttachment',
  'VPCPeering',
  'ExternalAttachment',
  'ExternalPeering',
  'IPv4Namespace',
  'External',
]);
/** Beyond this many input objects, or names in one query, the whole fabric is read instead. */
export const MAX_SCOPED_INPUTS = 200;
const MAX_NAMES = 10_000;
/** Names searched for in specs (three text patterns each). */
const MAX_MENTIONED = 1_000;
/** Rounds of "read what the objects read so far name". */
const MAX_ROUNDS = 6;

export interface ExistingQuery {
  /** Every object of these kinds. */
  wholeKinds: readonly string[];
  /** Objects of these kinds with one of these names (any namespace). */
  named: { kinds: readonly string[]; names: readonly string[] } | null;
  /** Objects of these kinds whose spec mentions one of these names (see `mentionsAny`). */
  mentioning: { kinds: readonly string[]; names: readonly string[] } | null;
  /** Objects of these kinds whose `spec.connection` is one of these names. */
  byConnection: { kinds: readonly string[]; names: readonly string[] } | null;
  /** Connections of a link type (LINK_TYPES). */
  linkConnections: boolean;
}

/** A test of whether an object is one the query asks for. */
export function queryMatcher(query: ExistingQuery): (object: HedgehogObject) => boolean {
  const whole = new Set(query.wholeKinds);
  const part = (of: { kinds: readonly string[]; names: readonly string[] } | null) =>
    of ? { kinds: new Set(of.kinds), names: new Set(of.names) } : null;
  const named = part(query.named);
  const mentioning = part(query.mentioning);
  const byConnection = part(query.byConnection);
  return (object) => {
    const { kind } = object;
    const spec = object.spec as Record<string, unknown> | null | undefined;
    return (
      whole.has(kind) ||
      (named?.kinds.has(kind) && named.names.has(object.metadata?.name)) ||
      (mentioning?.kinds.has(kind) && mentionsAny(spec, mentioning.names)) ||
      (byConnection?.kinds.has(kind) &&
        typeof spec?.connection === 'string' &&
        byConnection.names.has(spec.connection)) ||
      (query.linkConnections && kind === 'Connection' && isLinkConnection(spec))
    );
  };
}

/** True when any string (or map key) in `value` is one of `names`, or `<name>/...` (ports, subnets). */
export function mentionsAny(value: unknown, names: ReadonlySet<string>): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (names.has(current) || names.has(current.split('/', 1)[0]!)) return true;
    } else if (Array.isArray(current)) {
      stack.push(...current);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, member] of Object.entries(current)) {
        if (names.has(key) || (key.startsWith('ext.') && names.has(key.slice(4)))) return true;
        stack.push(member);
      }
    }
  }
  return false;
}

/** Every name `value` could refer to: its strings, their part before a `/`, its keys (less `ext.`). */
export function namesIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      into.add(current);
      const slash = current.indexOf('/');
      if (slash > 0) into.add(current.slice(0, slash));
    } else if (Array.isArray(current)) {
      stack.push(...current);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, member] of Object.entries(current)) {
        into.add(key.startsWith('ext.') ? key.slice(4) : key);
        stack.push(member);
      }
    }
  }
  return into;
}

function isLinkConnection(spec: unknown): boolean {
  if (spec === null || typeof spec !== 'object') return false;
  return LINK_TYPES.some((type) => (spec as Record<string, unknown>)[type] != null);
}

/** Devices a connection's ports are on (every string's part before a `/` when it is malformed). */
function devicesOf(spec: unknown): Set<string> {
  try {
    const devices = new Set<string>();
    for (const type of connectionTypesOf(spec as ConnectionSpec))
      for (const endpoint of connectionEndpoints(spec as ConnectionSpec, type)) {
        const parts = splitDevicePort(endpoint.port);
        if (parts) devices.add(parts.device);
      }
    return devices;
  } catch {
    const devices = new Set<string>();
    for (const name of namesIn(spec)) if (!name.includes('/')) devices.add(name);
    return devices;
  }
}

type Input = { kind: string; name: string; spec: unknown };

const MANAGED = new Set(MANAGED_KINDS.map((info) => info.kind));

/** A document validation can make a record of (a managed kind), else null. */
function inputOf(value: unknown): Input | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { kind, metadata, spec } = value as { kind?: unknown; metadata?: { name?: unknown }; spec?: unknown };
  if (typeof kind !== 'string' || !MANAGED.has(kind)) return null;
  return { kind, name: typeof metadata?.name === 'string' ? metadata.name : '', spec };
}

/** The first query for `inputs` (parsed documents, as written), or null when the whole fabric should be read. */
export function firstQuery(inputs: readonly unknown[]): ExistingQuery | null {
  const objects = inputs.map(inputOf).filter((input): input is Input => input !== null);
  if (objects.length > MAX_SCOPED_INPUTS) return null;
  const kinds = new Set(objects.map((object) => object.kind));
  const named = new Set<string>();
  const mentioned = new Set<string>();
  const mentioningKinds = new Set<string>();
  const connections = new Set<string>();
  for (const object of objects) {
    named.add(object.name);
    namesIn(object.spec, named);
    const readers = CONTENT_READERS[object.kind] ?? NARROW_KINDS; // a kind not listed: read by any
    if (readers.length > 0 && object.name) {
      mentioned.add(object.name);
      for (const reader of readers) mentioningKinds.add(reader);
    }
    if (object.kind === 'Connection') {
      // Port uniqueness: the other connections on the same devices.
      for (const device of devicesOf(object.spec)) mentioned.add(device);
      mentioningKinds.add('Connection');
    }
    const connection = (object.spec as { connection?: unknown } | null | undefined)?.connection;
    if ((object.kind === 'VPCAttachment' || object.kind === 'ExternalAttachment') && typeof connection === 'string')
      connections.add(connection);
  }
  named.delete('');
  if (named.size > MAX_NAMES || mentioned.size > MAX_MENTIONED) return null;
  const wholeKinds = [...WHOLE_KINDS];
  if (kinds.has('VPC')) wholeKinds.push('VPC'); // subnets and VLANs across VPCs
  return {
    wholeKinds,
    named: named.size > 0 ? { kinds: [...new Set([...LOOKED_UP_KINDS, ...kinds])], names: [...named] } : null,
    mentioning: mentioned.size > 0 ? { kinds: [...mentioningKinds], names: [...mentioned] } : null,
    byConnection:
      connections.size > 0 ? { kinds: ['VPCAttachment', 'ExternalAttachment'], names: [...connections] } : null,
    linkConnections: [...kinds].some((kind) => !HYDRATION_FREE.has(kind)),
  };
}

/**
 * The existing objects `inputs` must be validated against: `read` answers the first query, then
 * the lookups by name of what the objects read so far name, until nothing new is named. Null
 * when the change is too large to scope (read the whole fabric then).
 */
export async function readExistingInScope(
  inputs: readonly unknown[],
  read: (query: ExistingQuery) => Promise<HedgehogObject[]>,
): Promise<HedgehogObject[] | null> {
  if (!inputs.some((input) => inputOf(input) !== null)) return []; // nothing the rules run on
  const query = firstQuery(inputs);
  if (!query) return null;
  const found = new Map<string, HedgehogObject>();
  const asked = new Set(query.named?.names ?? []);
  const inputNames = new Set(
    inputs
      .map(inputOf)
      .map((input) => input?.name ?? '')
      .filter((name) => name !== ''),
  );
  let next: ExistingQuery | null = query;
  for (let round = 0; next && round < MAX_ROUNDS; round++) {
    const fresh: HedgehogObject[] = [];
    const matches = queryMatcher(next);
    for (const object of await read(next)) {
      if (!matches(object)) continue;
      const key = `${object.kind}|${object.metadata?.namespace ?? ''}|${object.metadata?.name}`;
      if (found.has(key)) continue;
      found.set(key, object);
      fresh.push(object);
    }
    // What the new objects name, if their rules can run or be read: objects of the many, and
    // objects of the few that mention a changed one (they are checked again, step 3b).
    const names = new Set<string>();
    for (const object of fresh)
      if (NARROW.has(object.kind) || mentionsAny(object.spec, inputNames)) namesIn(object.spec, names);
    for (const name of asked) names.delete(name);
    if (names.size > MAX_NAMES) return null;
    for (const name of names) asked.add(name);
    next =
      names.size > 0
        ? {
            wholeKinds: [],
            named: { kinds: LOOKED_UP_KINDS, names: [...names] },
            mentioning: null,
            byConnection: null,
            linkConnections: false,
          }
        : null;
  }
  if (next) return null; // still naming new objects: read the whole fabric
  return [...found.values()];
}
