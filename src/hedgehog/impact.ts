/**
 * Impact: which switches a change affects, and why. Pure: plain objects in, plain data out.
 *
 * "Affects" means: the switch's Agent object (agent.githedgehog.com/v1beta1, one per Switch, same
 * name) gets a different spec, so its `metadata.generation` goes up and the switch has to apply it.
 * That is what Hedgehog's Agent controller decides in githedgehog/fabric `pkg/ctrl/agent_ctrl.go`
 * (read at 78827deb): `SetupAgentReconsilerWith` lists which kinds re-enqueue which switches, and
 * `AgentReconciler.Reconcile` lists which objects each switch's Agent spec is built from. This module
 * follows `Reconcile` (what lands in the Agent spec), narrower than the enqueueing: the controller
 * re-enqueues every switch for any VPC, VPCAttachment, VPCPeering, External, ExternalAttachment,
 * ExternalPeering or IPv4Namespace event (`enqueueAllSwitches`), but `CreateOrUpdate` only bumps the
 * generation of the Agents whose spec really changed.
 *
 * Per kind (docs/changes.md "Impact" has the same table with the Go line each row comes from):
 * - Switch: itself (`Agent.Spec.Switch`); its neighbours, the switches sharing a Connection with it,
 *   when its spec changed (`Agent.Spec.Switches` copies their specs); its redundancy-group peers when
 *   it joins, leaves or changes group (`Agent.Spec.RedundancyGroupPeers`). Neighbours and peers are
 *   not re-enqueued by the controller (only `For(&Switch{})`), so those reasons are `immediate: false`.
 * - Connection: every switch among its endpoints, for every type (`enqueueBySwitchListLabelsAndSpines`
 *   via the `fabric.githedgehog.com/switch.<name>` labels that `ConnectionSpec.Endpoints()` yields); a
 *   staticExternal connection without `withinVPC` also reaches every spine.
 * - VPCAttachment / ExternalAttachment: the switches of the connection it names (`attaches`,
 *   `externalAttaches` are filtered by the switch's connections). An mclag/eslag connection lists both
 *   switches of the redundancy group, so the group needs no separate step.
 * - VPC: every switch that carries it in `Agent.Spec.VPCs`: switches with an attachment to one of its
 *   subnets, with a staticExternal connection `withinVPC` it, with an attached subnet whose DHCP
 *   `relayVPC` is it, with a VPC it is peered with (VPCPeering), or with an External attachment whose
 *   External it is peered with (ExternalPeering).
 * - VPCPeering: the switches that carry either VPC (attachment, staticExternal withinVPC, DHCP relay).
 * - External: every switch (`Agent.Spec.Externals` holds all Externals), and, as a second reason, its
 *   attachments' (border) switches, which are the ones whose configuration changes.
 * - ExternalPeering: the switches its External is attached on.
 * - IPv4Namespace: every switch (`Agent.Spec.IPv4Namespaces` holds all of them).
 * - VLANNamespace: switches that list it in `spec.vlanNamespaces`. The controller does not watch the
 *   kind, so the Agent changes at the switch's next reconcile: `immediate: false`.
 * - SwitchProfile (read-only catalog): switches using it (`enqueueBySwitchProfileLabel`).
 * - Server, ServerProfile, SwitchGroup, Gateway, GatewayGroup, GatewayPeering: no switch Agent holds
 *   them (gateways have their own GatewayAgent, `gateway_ctrl.go`); reported in `noSwitchImpact`.
 *   A Server's connections are Connections: changing those is a Connection change.
 *
 * Simplified, on purpose:
 * - The per-switch catalogs (VNI, port-channel, ESLAG ids, loopback-workaround and subnet
 *   allocations, `librarian`) are not modelled: an allocation shifting on a switch that does not
 *   otherwise carry the changed object is not predicted.
 * - vpcLoopback connections count as a change of their switch whatever `loopbackWorkaround` says
 *   (without it, the Agent skips them; the fabric config is not an input here).
 * - `VPCPeering.spec.remote` is refused by the fabric since remote peering was removed; it is ignored.
 * - Fabric-owned labels and annotations (which the Agent copies from the Switch) are not part of the
 *   desired state, so a Switch whose metadata alone changed counts as affecting itself only.
 *
 * For each changed object both its old relations (before the change) and its new ones (after) are
 * followed, so an attachment moved from one connection to another affects the switches of both. The
 * relations of the other objects are looked up in the fabric's desired state, overlaid with the
 * change itself: an index built once per desired state, then each change costs the objects it
 * reaches (its attachments, connections, peers) and the size of its answer, not the fabric's size
 * (figures: bench/impact.ts). References to objects that do not exist are reported in
 * `unresolved`, never thrown.
 */
import { DEFAULT_NAMESPACE, type HedgehogObject } from './canonical.ts';
import { connectionEndpoints, connectionTypesOf, splitDevicePort } from './connection.ts';
import type { ConnectionSpec } from './schemas.ts';

export type ChangeAction = 'create' | 'update' | 'delete';

/** One changed object: `before` for update/delete, `after` for create/update. */
export interface ObjectChange {
  action: ChangeAction;
  /**
   * The object before the change. For update/delete it may be omitted; it is then taken from the
   * indexed desired state (right when the index was built from the state before the change).
   */
  before?: HedgehogObject | null;
  /** The object after the change (required for create/update; ignored for delete). */
  after?: HedgehogObject | null;
}

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Which relation carried the change to the switch, and what it means (docs/changes.md lists the same). */
export const IMPACT_RELATIONS = {
  switch: 'The changed object is the Switch itself.',
  'switch-neighbor': 'A Switch whose spec changed shares a Connection with this switch (Agent.Spec.Switches).',
  'redundancy-peer':
    "A Switch joined, left or changed this switch's redundancy group (Agent.Spec.RedundancyGroupPeers).",
  'connection-endpoint': 'The switch is an endpoint of the changed Connection.',
  'static-external-spine': 'A staticExternal Connection without withinVPC is configured on every spine.',
  'attachment-connection': 'A VPCAttachment on a Connection of this switch.',
  'external-attachment-connection': 'An ExternalAttachment on a Connection of this switch.',
  'vpc-attachment': 'A VPC with an attachment on this switch.',
  'vpc-static-external': 'A VPC that a staticExternal Connection of this switch is within.',
  'vpc-dhcp-relay': 'A VPC that an attached subnet on this switch relays DHCP to.',
  'vpc-peering': 'A VPC peered (VPCPeering) with a VPC this switch carries.',
  'vpc-external-peering': 'A VPC peered (ExternalPeering) with an External attached on this switch.',
  'peering-vpc': 'A VPCPeering of a VPC this switch carries.',
  'external-peering-attachment': 'An ExternalPeering of an External attached on this switch.',
  'external-attachment': 'An External attached on this switch (its border switches).',
  'all-switches': "Every switch's Agent holds every object of this kind (External, IPv4Namespace).",
  'vlan-namespace': 'A VLANNamespace the switch lists in spec.vlanNamespaces.',
  'switch-profile': 'A SwitchProfile the switch uses.',
} as const;

export type ImpactRelation = keyof typeof IMPACT_RELATIONS;

export interface ImpactReason {
  /** The changed object. */
  object: ObjectRef;
  action: ChangeAction;
  relation: ImpactRelation;
  /**
   * Objects between the changed one and the switch, nearest first (e.g. an attachment, then its
   * connection): the first path found; a switch reached by several paths of one relation (a VPC
   * with many attachments on it) keeps one reason per changed object and relation.
   */
  via: ObjectRef[];
  /** Whether the relation holds before the change, after it, or both. */
  side: 'before' | 'after' | 'both';
  /**
   * True when the fabric's Agent controller re-enqueues this switch for the change; false when the
   * Agent spec changes only at the switch's next reconcile (the controller does not watch the link).
   */
  immediate: boolean;
}

export interface AffectedSwitch {
  namespace: string;
  name: string;
  /** The switch does not exist after the change (deleted, or only its old relations reach it): no Agent will converge. */
  removed: boolean;
  reasons: ImpactReason[];
}

export interface UnresolvedReference {
  /** The changed object whose relation could not be followed. */
  object: ObjectRef;
  side: 'before' | 'after';
  /** The object that names the missing one (the changed object itself or one on the way). */
  from: ObjectRef;
  /** The missing object. */
  missing: ObjectRef;
  /** The field that names it, e.g. `spec.connection`. */
  field: string;
}

export interface NoSwitchImpact {
  object: ObjectRef;
  action: ChangeAction;
  why: string;
}

export interface ImpactResult {
  /** Sorted by namespace, then name. */
  switches: AffectedSwitch[];
  unresolved: UnresolvedReference[];
  /** Changed objects that reach no switch Agent by their kind, with the reason. */
  noSwitchImpact: NoSwitchImpact[];
}

// --- plain-data accessors (input may be malformed: never throw) ---

type Rec = Record<string, unknown>;
const isRec = (value: unknown): value is Rec => value !== null && typeof value === 'object' && !Array.isArray(value);
const rec = (value: unknown): Rec => (isRec(value) ? value : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const specOf = (object: HedgehogObject): Rec => rec(object.spec);
const nsOf = (object: HedgehogObject): string => str(object.metadata?.namespace) || DEFAULT_NAMESPACE;
const nameOf = (object: HedgehogObject): string => str(object.metadata?.name);
const refOf = (object: HedgehogObject): ObjectRef => ({
  kind: str(object.kind),
  namespace: nsOf(object),
  name: nameOf(object),
});
/**
 * Key of a namespaced name. NUL cannot appear in a Kubernetes name, so the pair is unambiguous for
 * any object the fabric accepts (hostile names with NUL may collide with each other, never crash).
 */
const nk = (namespace: string, name: string): string => `${namespace}\u0000${name}`;
const ok = (kind: string, namespace: string, name: string): string => `${kind}\u0000${namespace}\u0000${name}`;

const switchNamesCache = new WeakMap<HedgehogObject, string[]>();

/** Switch names among a connection's endpoints, for every type present (fabric's `Endpoints()`). */
function connectionSwitchNames(connection: HedgehogObject): string[] {
  // Objects are treated as immutable values (see buildImpactIndex): endpoints are read once per object.
  let names = switchNamesCache.get(connection);
  if (!names) {
    names = readConnectionSwitchNames(connection);
    switchNamesCache.set(connection, names);
  }
  return names;
}

function readConnectionSwitchNames(connection: HedgehogObject): string[] {
  const spec = specOf(connection) as ConnectionSpec;
  const names: string[] = [];
  for (const type of connectionTypesOf(spec)) {
    let endpoints: ReturnType<typeof connectionEndpoints>;
    try {
      endpoints = connectionEndpoints(spec, type);
    } catch {
      continue; // malformed shape (a list where an object belongs): no endpoints
    }
    for (const endpoint of endpoints) {
      if (endpoint.side !== 'switch' || typeof endpoint.port !== 'string') continue;
      const device = splitDevicePort(endpoint.port)?.device;
      if (device && !names.includes(device)) names.push(device);
    }
  }
  return names;
}

/** A staticExternal connection that is not within a VPC is configured on every spine too. */
function isSpineStaticExternal(connection: HedgehogObject): boolean {
  const staticExternal = specOf(connection).staticExternal;
  return isRec(staticExternal) && !str(staticExternal.withinVPC);
}

/** `vpc/subnet` split into its VPC and subnet names (VPCAttachmentSpec.VPCName()). */
function splitSubnet(text: string): { vpc: string; subnet: string } | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0) return undefined;
  return { vpc: text.slice(0, slash), subnet: text.slice(slash + 1) };
}

/** The VPC names a VPCPeering joins (VPCPeeringSpec.VPCs(): the keys of every permit entry). */
function peeringVpcs(peering: HedgehogObject): string[] {
  const names: string[] = [];
  for (const entry of arr(specOf(peering).permit)) {
    for (const name of Object.keys(rec(entry))) if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

function relayTargetsOf(vpc: HedgehogObject): { subnet: string; relayVPC: string }[] {
  const out: { subnet: string; relayVPC: string }[] = [];
  for (const [subnet, value] of Object.entries(rec(specOf(vpc).subnets))) {
    const relayVPC = str(rec(rec(value).dhcp).relayVPC);
    if (relayVPC) out.push({ subnet, relayVPC });
  }
  return out;
}

// --- the index ---

class MultiMap {
  readonly map = new Map<string, Set<string>>();
  add(key: string, value: string): void {
    let set = this.map.get(key);
    if (!set) {
      set = new Set();
      this.map.set(key, set);
    }
    set.add(value);
  }
  get(key: string): ReadonlySet<string> {
    return this.map.get(key) ?? EMPTY;
  }
}
const EMPTY: ReadonlySet<string> = new Set();

/** Reverse relations, keyed by namespaced name; values are names of objects of the `kind` noted. */
interface Reverse {
  /** switch -> Connection names with it among their endpoints. */
  connectionsBySwitch: MultiMap;
  /** namespace -> Switch names. */
  switchesByNamespace: MultiMap;
  /** namespace -> spine Switch names. */
  spinesByNamespace: MultiMap;
  /** redundancy group -> Switch names. */
  switchesByRedundancyGroup: MultiMap;
  /** VLANNamespace -> Switch names. */
  switchesByVlanNamespace: MultiMap;
  /** SwitchProfile -> Switch names. */
  switchesByProfile: MultiMap;
  /** VPC -> VPCAttachment names with a subnet of it. */
  attachmentsByVpc: MultiMap;
  /** VPC -> staticExternal Connection names within it. */
  staticExternalsByVpc: MultiMap;
  /** relay VPC -> `vpc\0subnet` of the subnets that relay DHCP to it. */
  relaySubnetsByVpc: MultiMap;
  /** VPC -> VPCPeering names. */
  peeringsByVpc: MultiMap;
  /** VPC -> ExternalPeering names. */
  externalPeeringsByVpc: MultiMap;
  /** External -> ExternalAttachment names. */
  externalAttachmentsByExternal: MultiMap;
}

/** Which kind the values of each reverse map name (for masking changed objects). */
const REVERSE_VALUE_KIND: Record<keyof Reverse, string> = {
  connectionsBySwitch: 'Connection',
  switchesByNamespace: 'Switch',
  spinesByNamespace: 'Switch',
  switchesByRedundancyGroup: 'Switch',
  switchesByVlanNamespace: 'Switch',
  switchesByProfile: 'Switch',
  attachmentsByVpc: 'VPCAttachment',
  staticExternalsByVpc: 'Connection',
  relaySubnetsByVpc: 'VPC',
  peeringsByVpc: 'VPCPeering',
  externalPeeringsByVpc: 'ExternalPeering',
  externalAttachmentsByExternal: 'ExternalAttachment',
};

/** The fabric's desired state, indexed for impact questions. Build once per desired state. */
export interface ImpactIndex {
  readonly size: number;
  /** @internal */
  readonly objects: ReadonlyMap<string, HedgehogObject>;
  /** @internal */
  readonly reverse: Reverse;
}

function emptyReverse(): Reverse {
  return {
    connectionsBySwitch: new MultiMap(),
    switchesByNamespace: new MultiMap(),
    spinesByNamespace: new MultiMap(),
    switchesByRedundancyGroup: new MultiMap(),
    switchesByVlanNamespace: new MultiMap(),
    switchesByProfile: new MultiMap(),
    attachmentsByVpc: new MultiMap(),
    staticExternalsByVpc: new MultiMap(),
    relaySubnetsByVpc: new MultiMap(),
    peeringsByVpc: new MultiMap(),
    externalPeeringsByVpc: new MultiMap(),
    externalAttachmentsByExternal: new MultiMap(),
  };
}

function indexObject(reverse: Reverse, object: HedgehogObject): void {
  const namespace = nsOf(object);
  const name = nameOf(object);
  const spec = specOf(object);
  switch (object.kind) {
    case 'Switch': {
      reverse.switchesByNamespace.add(namespace, name);
      if (spec.role === 'spine') reverse.spinesByNamespace.add(namespace, name);
      const group = str(rec(spec.redundancy).group);
      if (group) reverse.switchesByRedundancyGroup.add(nk(namespace, group), name);
      // Switch.Default: no VLAN namespaces means `default` (canonical objects already say so).
      const vlanNamespaces = arr(spec.vlanNamespaces).filter((item) => typeof item === 'string');
      for (const vlanNamespace of vlanNamespaces.length > 0 ? vlanNamespaces : ['default'])
        reverse.switchesByVlanNamespace.add(nk(namespace, vlanNamespace as string), name);
      const profile = str(spec.profile);
      if (profile) reverse.switchesByProfile.add(nk(namespace, profile), name);
      break;
    }
    case 'Connection': {
      for (const switchName of connectionSwitchNames(object))
        reverse.connectionsBySwitch.add(nk(namespace, switchName), name);
      const withinVPC = str(rec(spec.staticExternal).withinVPC);
      if (withinVPC) reverse.staticExternalsByVpc.add(nk(namespace, withinVPC), name);
      break;
    }
    case 'VPCAttachment': {
      const subnet = splitSubnet(str(spec.subnet));
      if (subnet) reverse.attachmentsByVpc.add(nk(namespace, subnet.vpc), name);
      break;
    }
    case 'VPC':
      for (const { subnet, relayVPC } of relayTargetsOf(object))
        reverse.relaySubnetsByVpc.add(nk(namespace, relayVPC), nk(name, subnet));
      break;
    case 'VPCPeering':
      for (const vpc of peeringVpcs(object)) reverse.peeringsByVpc.add(nk(namespace, vpc), name);
      break;
    case 'ExternalAttachment': {
      const external = str(spec.external);
      if (external) reverse.externalAttachmentsByExternal.add(nk(namespace, external), name);
      break;
    }
    case 'ExternalPeering': {
      const permit = rec(spec.permit);
      const vpc = str(rec(permit.vpc).name);
      if (vpc) reverse.externalPeeringsByVpc.add(nk(namespace, vpc), name);
      break;
    }
  }
}

/**
 * Indexes a fabric's desired objects (canonical form, any kinds; unknown kinds are kept but relate
 * to nothing). Linear in the number of objects. A later object with the same kind/namespace/name
 * replaces an earlier one. Objects are read as immutable values: build a new index for a new state
 * rather than mutating objects already indexed or passed in a change.
 */
export function buildImpactIndex(objects: Iterable<HedgehogObject>): ImpactIndex {
  const byKey = new Map<string, HedgehogObject>();
  for (const object of objects) {
    if (!isRec(object) || typeof object.kind !== 'string' || !nameOf(object)) continue;
    byKey.set(ok(object.kind, nsOf(object), nameOf(object)), object);
  }
  const reverse = emptyReverse();
  for (const object of byKey.values()) indexObject(reverse, object);
  return { size: byKey.size, objects: byKey, reverse };
}

/**
 * The desired state on one side of a change: the index with the changed objects masked and
 * replaced by their version on that side (absent when created/deleted).
 */
class StateView {
  private readonly overlay: ImpactIndex;
  constructor(
    private readonly base: ImpactIndex,
    private readonly masked: ReadonlySet<string>,
    versions: readonly HedgehogObject[],
  ) {
    this.overlay = buildImpactIndex(versions);
  }

  get(kind: string, namespace: string, name: string): HedgehogObject | undefined {
    const key = ok(kind, namespace, name);
    return this.masked.has(key) ? this.overlay.objects.get(key) : this.base.objects.get(key);
  }

  /** Names from a reverse map, with changed objects taken from this side only. */
  related(map: keyof Reverse, key: string, namespace: string): string[] {
    const kind = REVERSE_VALUE_KIND[map];
    const out: string[] = [];
    for (const value of this.base.reverse[map].get(key)) {
      // relaySubnetsByVpc holds `vpc\0subnet`; the object is the VPC.
      const objectName = map === 'relaySubnetsByVpc' ? value.slice(0, value.indexOf('\u0000')) : value;
      if (!this.masked.has(ok(kind, namespace, objectName))) out.push(value);
    }
    for (const value of this.overlay.reverse[map].get(key)) out.push(value);
    return out;
  }
}

// --- the walk ---

interface Collector {
  add(switchRef: { namespace: string; name: string }, reason: Omit<ImpactReason, 'side' | 'object' | 'action'>): void;
  missing(from: ObjectRef, missing: ObjectRef, field: string): void;
}

const ref = (kind: string, namespace: string, name: string): ObjectRef => ({ kind, namespace, name });

/** Walks the relations of one version of a changed object in one side's state. */
class Walker {
  constructor(
    private readonly view: StateView,
    private readonly out: Collector,
  ) {}

  private addSwitch(namespace: string, name: string, relation: ImpactRelation, via: ObjectRef[], immediate = true) {
    this.out.add({ namespace, name }, { relation, via, immediate });
  }

  /** Switches of a connection; missing switches are reported. */
  connectionSwitches(connection: HedgehogObject, relation: ImpactRelation, via: ObjectRef[]): void {
    const namespace = nsOf(connection);
    const connectionRef = refOf(connection);
    for (const switchName of connectionSwitchNames(connection)) {
      if (this.view.get('Switch', namespace, switchName)) this.addSwitch(namespace, switchName, relation, via);
      else this.out.missing(connectionRef, ref('Switch', namespace, switchName), 'spec (endpoint port)');
    }
    if (isSpineStaticExternal(connection)) {
      const spineRelation = relation === 'connection-endpoint' ? 'static-external-spine' : relation;
      for (const spine of this.view.related('spinesByNamespace', namespace, namespace))
        this.addSwitch(namespace, spine, spineRelation, via);
    }
  }

  /** The connection named by an attachment (VPC or External), and its switches. */
  attachmentSwitches(attachment: HedgehogObject, relation: ImpactRelation, via: ObjectRef[]): void {
    const namespace = nsOf(attachment);
    const connectionName = str(specOf(attachment).connection);
    const attachmentRef = refOf(attachment);
    if (!connectionName) return;
    const connection = this.view.get('Connection', namespace, connectionName);
    if (!connection) {
      this.out.missing(attachmentRef, ref('Connection', namespace, connectionName), 'spec.connection');
      return;
    }
    this.connectionSwitches(connection, relation, [...via, refOf(connection)]);
  }

  /**
   * Switches that carry a VPC from their own connections (first pass of `Reconcile`): attachments
   * to its subnets, staticExternal connections within it, attached subnets relaying DHCP to it.
   */
  vpcHosts(namespace: string, vpc: string, relations: { attachment: ImpactRelation }, via: ObjectRef[]): void {
    const key = nk(namespace, vpc);
    for (const attachmentName of this.view.related('attachmentsByVpc', key, namespace)) {
      const attachment = this.view.get('VPCAttachment', namespace, attachmentName);
      if (attachment) this.attachmentSwitches(attachment, relations.attachment, [...via, refOf(attachment)]);
    }
    for (const connectionName of this.view.related('staticExternalsByVpc', key, namespace)) {
      const connection = this.view.get('Connection', namespace, connectionName);
      if (connection) {
        const relation = relations.attachment === 'vpc-attachment' ? 'vpc-static-external' : relations.attachment;
        this.connectionSwitches(connection, relation, [...via, refOf(connection)]);
      }
    }
    for (const value of this.view.related('relaySubnetsByVpc', key, namespace)) {
      const split = value.indexOf('\u0000');
      const relayingVpc = value.slice(0, split);
      const subnet = value.slice(split + 1);
      const relayingRef = ref('VPC', namespace, relayingVpc);
      for (const attachmentName of this.view.related('attachmentsByVpc', nk(namespace, relayingVpc), namespace)) {
        const attachment = this.view.get('VPCAttachment', namespace, attachmentName);
        if (!attachment || splitSubnet(str(specOf(attachment).subnet))?.subnet !== subnet) continue;
        const relation = relations.attachment === 'vpc-attachment' ? 'vpc-dhcp-relay' : relations.attachment;
        this.attachmentSwitches(attachment, relation, [...via, relayingRef, refOf(attachment)]);
      }
    }
  }

  /** Switches an External is attached on (its border switches). */
  externalBorder(namespace: string, external: string, relation: ImpactRelation, via: ObjectRef[]): void {
    for (const name of this.view.related('externalAttachmentsByExternal', nk(namespace, external), namespace)) {
      const attachment = this.view.get('ExternalAttachment', namespace, name);
      if (attachment) this.attachmentSwitches(attachment, relation, [...via, refOf(attachment)]);
    }
  }

  allSwitches(namespace: string): void {
    for (const name of this.view.related('switchesByNamespace', namespace, namespace))
      this.addSwitch(namespace, name, 'all-switches', []);
  }

  /** Follows every relation of `object` (one version of a changed object) in this side's state. */
  walk(object: HedgehogObject, other: HedgehogObject | undefined): void {
    const namespace = nsOf(object);
    const name = nameOf(object);
    const self = refOf(object);
    const spec = specOf(object);
    switch (object.kind) {
      case 'Switch': {
        this.addSwitch(namespace, name, 'switch', []);
        // Neighbours hold a copy of the spec; peers hold the member list of the group.
        const specChanged = !other || JSON.stringify(other.spec ?? null) !== JSON.stringify(object.spec ?? null);
        if (specChanged) {
          for (const connectionName of this.view.related('connectionsBySwitch', nk(namespace, name), namespace)) {
            const connection = this.view.get('Connection', namespace, connectionName);
            if (!connection) continue;
            for (const neighbor of connectionSwitchNames(connection)) {
              if (neighbor !== name && this.view.get('Switch', namespace, neighbor))
                this.addSwitch(namespace, neighbor, 'switch-neighbor', [refOf(connection)], false);
            }
          }
        }
        const group = str(rec(spec.redundancy).group);
        const otherGroup = other ? str(rec(specOf(other).redundancy).group) : '';
        if (group && group !== otherGroup) {
          for (const peer of this.view.related('switchesByRedundancyGroup', nk(namespace, group), namespace))
            if (peer !== name) this.addSwitch(namespace, peer, 'redundancy-peer', [], false);
        }
        break;
      }
      case 'Connection':
        this.connectionSwitches(object, 'connection-endpoint', []);
        break;
      case 'VPCAttachment': {
        this.attachmentSwitches(object, 'attachment-connection', []);
        const subnet = splitSubnet(str(spec.subnet));
        if (subnet && !this.view.get('VPC', namespace, subnet.vpc))
          this.out.missing(self, ref('VPC', namespace, subnet.vpc), 'spec.subnet');
        break;
      }
      case 'ExternalAttachment': {
        this.attachmentSwitches(object, 'external-attachment-connection', []);
        const external = str(spec.external);
        if (external && !this.view.get('External', namespace, external))
          this.out.missing(self, ref('External', namespace, external), 'spec.external');
        break;
      }
      case 'VPC': {
        this.vpcHosts(namespace, name, { attachment: 'vpc-attachment' }, []);
        for (const peeringName of this.view.related('peeringsByVpc', nk(namespace, name), namespace)) {
          const peering = this.view.get('VPCPeering', namespace, peeringName);
          if (!peering) continue;
          for (const peer of peeringVpcs(peering)) {
            if (peer === name) continue;
            this.vpcHosts(namespace, peer, { attachment: 'vpc-peering' }, [
              refOf(peering),
              ref('VPC', namespace, peer),
            ]);
          }
        }
        for (const peeringName of this.view.related('externalPeeringsByVpc', nk(namespace, name), namespace)) {
          const peering = this.view.get('ExternalPeering', namespace, peeringName);
          const external = peering ? str(rec(rec(specOf(peering).permit).external).name) : '';
          if (peering && external)
            this.externalBorder(namespace, external, 'vpc-external-peering', [
              refOf(peering),
              ref('External', namespace, external),
            ]);
        }
        break;
      }
      case 'VPCPeering':
        for (const vpc of peeringVpcs(object)) {
          if (!this.view.get('VPC', namespace, vpc)) {
            this.out.missing(self, ref('VPC', namespace, vpc), 'spec.permit');
            continue;
          }
          this.vpcHosts(namespace, vpc, { attachment: 'peering-vpc' }, [ref('VPC', namespace, vpc)]);
        }
        break;
      case 'ExternalPeering': {
        const permit = rec(spec.permit);
        const external = str(rec(permit.external).name);
        const vpc = str(rec(permit.vpc).name);
        if (vpc && !this.view.get('VPC', namespace, vpc))
          this.out.missing(self, ref('VPC', namespace, vpc), 'spec.permit.vpc.name');
        if (!external) break;
        if (!this.view.get('External', namespace, external))
          this.out.missing(self, ref('External', namespace, external), 'spec.permit.external.name');
        this.externalBorder(namespace, external, 'external-peering-attachment', [ref('External', namespace, external)]);
        break;
      }
      case 'External':
        this.allSwitches(namespace);
        this.externalBorder(namespace, name, 'external-attachment', []);
        break;
      case 'IPv4Namespace':
        this.allSwitches(namespace);
        break;
      case 'VLANNamespace':
        for (const switchName of this.view.related('switchesByVlanNamespace', nk(namespace, name), namespace))
          this.addSwitch(namespace, switchName, 'vlan-namespace', [], false);
        break;
      case 'SwitchProfile':
        for (const switchName of this.view.related('switchesByProfile', nk(namespace, name), namespace))
          this.addSwitch(namespace, switchName, 'switch-profile', []);
        break;
    }
  }
}

const NO_SWITCH_IMPACT: Record<string, string> = {
  Server: 'no switch Agent holds Servers; their Connections are separate objects',
  ServerProfile: 'no switch Agent holds ServerProfiles',
  SwitchGroup: 'no switch Agent holds SwitchGroups (a Switch lists its groups in its own spec)',
  Gateway: 'gateways are configured through GatewayAgents, not switch Agents',
  GatewayGroup: 'gateways are configured through GatewayAgents, not switch Agents',
  GatewayPeering: 'gateway peerings are configured through GatewayAgents, not switch Agents',
};

/** False for the kinds no switch Agent holds (Server, Gateway, ...): a change of them affects no switch. */
export function affectsSwitches(kind: string): boolean {
  return !Object.hasOwn(NO_SWITCH_IMPACT, kind);
}

/**
 * The switches a set of changes affects, each with its reasons, over a fabric's desired state.
 * `index` may be built from the state before or after the changes: the changed objects' own
 * versions are overlaid on it for each side. Cost: proportional to the changes and to the
 * relations they reach, not to the fabric (except kinds held by every switch, which list every switch).
 */
export function computeImpact(index: ImpactIndex, changes: readonly ObjectChange[]): ImpactResult {
  // Resolve each change's two versions.
  interface Resolved {
    ref: ObjectRef;
    action: ChangeAction;
    before?: HedgehogObject;
    after?: HedgehogObject;
  }
  const resolved: Resolved[] = [];
  const masked = new Set<string>();
  for (const change of changes) {
    const candidate = change.after ?? change.before;
    if (!isRec(candidate) || typeof candidate.kind !== 'string' || !nameOf(candidate)) continue;
    const objectRef = refOf(candidate);
    const key = ok(objectRef.kind, objectRef.namespace, objectRef.name);
    const before =
      change.action === 'create'
        ? undefined
        : isRec(change.before)
          ? change.before
          : (index.objects.get(key) ?? undefined);
    const after = change.action === 'delete' ? undefined : isRec(change.after) ? change.after : undefined;
    masked.add(key);
    resolved.push({
      ref: objectRef,
      action: change.action,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    });
  }

  const beforeView = new StateView(
    index,
    masked,
    resolved.flatMap((item) => (item.before ? [item.before] : [])),
  );
  const afterView = new StateView(
    index,
    masked,
    resolved.flatMap((item) => (item.after ? [item.after] : [])),
  );

  const switches = new Map<string, AffectedSwitch>();
  const reasonIndex = new Map<string, Map<string, ImpactReason>>();
  const unresolved: UnresolvedReference[] = [];
  const unresolvedSeen = new Set<string>();
  const noSwitchImpact: NoSwitchImpact[] = [];

  for (const [position, item] of resolved.entries()) {
    const why = NO_SWITCH_IMPACT[item.ref.kind];
    if (why) {
      noSwitchImpact.push({ object: item.ref, action: item.action, why });
      continue;
    }
    for (const side of ['before', 'after'] as const) {
      const version = side === 'before' ? item.before : item.after;
      if (!version) continue;
      const view = side === 'before' ? beforeView : afterView;
      const other = side === 'before' ? item.after : item.before;
      const collector: Collector = {
        add(switchRef, partial) {
          const switchKey = nk(switchRef.namespace, switchRef.name);
          let entry = switches.get(switchKey);
          if (!entry) {
            entry = { namespace: switchRef.namespace, name: switchRef.name, removed: false, reasons: [] };
            switches.set(switchKey, entry);
            reasonIndex.set(switchKey, new Map());
          }
          // One reason per changed object and relation; the first path found is kept.
          const key = `${position}\u0002${partial.relation}`;
          const known = reasonIndex.get(switchKey)!;
          const existing = known.get(key);
          if (existing) {
            if (existing.side !== side) existing.side = 'both';
            existing.immediate ||= partial.immediate;
            return;
          }
          const full: ImpactReason = { object: item.ref, action: item.action, ...partial, side };
          known.set(key, full);
          entry.reasons.push(full);
        },
        missing(from, missing, field) {
          const key = [side, ok(item.ref.kind, item.ref.namespace, item.ref.name), field].join('\u0002');
          const full = `${key}\u0002${ok(from.kind, from.namespace, from.name)}\u0002${ok(missing.kind, missing.namespace, missing.name)}`;
          if (unresolvedSeen.has(full)) return;
          unresolvedSeen.add(full);
          unresolved.push({ object: item.ref, side, from, missing, field });
        },
      };
      new Walker(view, collector).walk(version, other);
    }
  }

  const list = [...switches.values()];
  for (const entry of list) entry.removed = !afterView.get('Switch', entry.namespace, entry.name);
  list.sort(compareSwitches);
  return { switches: list, unresolved, noSwitchImpact };
}

/** The order of an impact's switches: by namespace, then name (code units, not locale). */
export function compareSwitches(
  a: { namespace: string; name: string },
  b: { namespace: string; name: string },
): number {
  return a.namespace === b.namespace ? compare(a.name, b.name) : compare(a.namespace, b.namespace);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "affects 3 switches: leaf-01, leaf-02, spine-01" (at most `limit` names, then "and N more"). */
export function describeImpact(result: ImpactResult, limit = 5): string {
  const names = result.switches.filter((item) => !item.removed).map((item) => item.name);
  if (names.length === 0) return 'affects no switches';
  const shown = names.slice(0, limit).join(', ');
  const more = names.length > limit ? ` and ${names.length - limit} more` : '';
  return `affects ${names.length} switch${names.length === 1 ? '' : 'es'}: ${shown}${more}`;
}
