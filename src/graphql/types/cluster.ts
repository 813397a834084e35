import type { ConnectionTestResult } from '../../cluster/cluster-client.ts';
import type { FabricClusterStatus, KindWatchStatus } from '../../cluster/fabric-watch.ts';
import type { GitopsEngineStatus } from '../../cluster/gitops-engines.ts';
import type { StoredDriftDifference, StoredDriftSummary } from '../../cluster/live-state-store.ts';
import { SWITCH_HEALTH_STATES, type SwitchHealth } from '../../cluster/switch-health.ts';
import type { Fabric } from '../../fabric/fabric.entity.ts';
import type { Resource } from '../../resource/resource.entity.ts';
import { builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { describedEnumValues } from '../enums.ts';
import { DriftCountsRef, FabricRef } from './fabric.ts';
import { ResourceRef } from './resource.ts';
import { SyncOperationRef } from './sync-operation.ts';

export const WatchStateEnum = builder.enumType('ClusterWatchState', {
  description: "The watch of one kind in a fabric's cluster.",
  values: describedEnumValues(['starting', 'listing', 'watching', 'backoff', 'stopped', 'error', 'missing'] as const, {
    starting: 'Being set up.',
    listing: 'Receiving the full list of the kind.',
    watching: 'The watch stream is open; changes arrive as they happen.',
    backoff: 'The stream broke; retrying after a growing delay.',
    stopped: 'Stopped (the fabric lost its connection, or the gateway is stopping).',
    error: 'Refused by the cluster (401, 403 or 404); lastError says why.',
    missing: 'The cluster does not serve the kind (its CRD is not installed).',
  }),
});
const FabricClusterStateEnum = builder.enumType('FabricClusterState', {
  description: "How this gateway process watches a fabric's cluster.",
  values: describedEnumValues(['not_configured', 'connecting', 'watching', 'error', 'stopped'] as const, {
    not_configured: 'The fabric has no cluster connection.',
    connecting: 'Finding the served kinds and starting the watches.',
    watching: 'Every served kind is watched.',
    error: 'The cluster could not be reached or refused; error says why.',
    stopped: 'Watching stopped.',
  }),
});

const KindWatchStatusRef = builder.objectRef<KindWatchStatus>('KindWatchStatus').implement({
  description: "The watch of one Hedgehog kind in one fabric's cluster.",
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'The kind, e.g. "VPC".' }),
    group: t.exposeString('group', { description: 'Its API group, e.g. "vpc.githedgehog.com".' }),
    version: t.exposeString('version', { description: 'The API version watched, e.g. "v1beta1".' }),
    state: t.field({ type: WatchStateEnum, description: 'State of the watch.', resolve: (status) => status.state }),
    synced: t.exposeBoolean('synced', { description: 'A full list was received: drift of this kind is known.' }),
    eventCount: t.exposeInt('eventCount', { description: 'Watch events received since the watch started.' }),
    lastEventAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the last watch event arrived; null before the first.',
      resolve: (status) => status.lastEventAt ?? null,
    }),
    lastError: t.string({
      nullable: true,
      description: 'The last error of the watch, without credentials; null when none.',
      resolve: (status) => status.lastError ?? null,
    }),
    resourceVersion: t.string({
      nullable: true,
      description: 'The Kubernetes resourceVersion the watch has reached; null before the first list.',
      resolve: (status) => status.resourceVersion ?? null,
    }),
  }),
});

const GitopsEngineRef = builder.objectRef<GitopsEngineStatus>('GitopsEngine').implement({
  description:
    "An Argo CD Application or Flux Kustomization that deploys the fabric's repository and directory, and what it last reported.",
  fields: (t) => ({
    kind: t.exposeString('kind', { description: '`Application` (Argo CD) or `Kustomization` (Flux).' }),
    namespace: t.exposeString('namespace', { description: "The engine object's namespace." }),
    name: t.exposeString('name', { description: "The engine object's name." }),
    revision: t.exposeString('revision', {
      nullable: true,
      description: 'The commit it last applied (Argo `status.sync.revision`, Flux `status.lastAppliedRevision`).',
    }),
    phase: t.exposeString('phase', {
      nullable: true,
      description: 'Argo `status.operationState.phase` (else the sync status); Flux: the Ready condition reason.',
    }),
    syncStatus: t.exposeString('syncStatus', {
      nullable: true,
      description: 'Argo `status.sync.status` (Synced, OutOfSync); Flux: the Ready condition status (True, False).',
    }),
    message: t.exposeString('message', { nullable: true, description: 'What the engine said last, as it said it.' }),
  }),
});

const FabricClusterStatusRef = builder.objectRef<FabricClusterStatus>('FabricClusterStatus').implement({
  description: "How this gateway process watches the fabric's cluster.",
  fields: (t) => ({
    state: t.field({
      type: FabricClusterStateEnum,
      description: 'State of the connection as a whole.',
      resolve: (status) => status.state,
    }),
    error: t.string({
      nullable: true,
      description: 'Why the state is ERROR, without credentials; null otherwise.',
      resolve: (status) => status.error ?? null,
    }),
    kinds: t.field({
      type: [KindWatchStatusRef],
      description: 'One entry per watched kind (served or missing).',
      resolve: (status) => status.kinds,
    }),
    missingKinds: t.stringList({
      description: 'Kinds whose CRD the cluster does not serve (drift UNKNOWN, never "zero objects").',
      resolve: (status) => status.missingKinds,
    }),
    startedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When watching started in this process; null when it has not.',
      resolve: (status) => status.startedAt ?? null,
    }),
    gitopsEngines: t.field({
      type: [GitopsEngineRef],
      description:
        "The GitOps engines (Argo CD Applications, Flux Kustomizations) whose source covers the fabric's repository and directory; empty when the cluster has none (their CRDs are optional).",
      resolve: (status, _args, context) => context.services.cluster.gitopsEngines(status.fabricId),
    }),
  }),
});

const ClusterConnectionTestRef = builder.objectRef<ConnectionTestResult>('ClusterConnectionTest').implement({
  description: "The outcome of contacting a fabric's Kubernetes API server.",
  fields: (t) => ({
    ok: t.exposeBoolean('ok', { description: 'The server answered and accepted the credentials.' }),
    serverVersion: t.string({
      nullable: true,
      description: 'The server\'s Kubernetes version (e.g. "v1.31.2") when ok; null otherwise.',
      resolve: (result) => (result.ok ? result.serverVersion : null),
    }),
    error: t.string({
      nullable: true,
      description: 'What went wrong, without credentials; null when ok.',
      resolve: (result) => (result.ok ? null : result.error),
    }),
  }),
});

const DriftDifferenceRef = builder.objectRef<StoredDriftDifference>('DriftDifference').implement({
  description: 'One field that differs between Git and the cluster; a side without the field is null.',
  fields: (t) => ({
    path: t.exposeString('path', {
      description: 'JSONPath from the object root, e.g. $.spec.subnets["subnet-1"].vlan.',
    }),
    desired: t.field({
      type: 'JSON',
      nullable: true,
      description: "The field's value in Git; null when Git lacks the field.",
      resolve: (difference) => difference.desired ?? null,
    }),
    live: t.field({
      type: 'JSON',
      nullable: true,
      description: "The field's value in the cluster; null when the cluster lacks the field.",
      resolve: (difference) => difference.live ?? null,
    }),
  }),
});

const KindDriftCountsRef = builder.objectRef<StoredDriftSummary['byKind'][number]>('KindDriftCounts').implement({
  description: 'Resources of one kind by drift status.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'The kind, e.g. "Switch".' }),
    counts: t.field({ type: DriftCountsRef, description: 'Its resources per drift status.', resolve: (e) => e.counts }),
  }),
});

const DriftSummaryRef = builder.objectRef<StoredDriftSummary>('DriftSummary').implement({
  description: 'Resources of a fabric by drift status and by kind.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Resources of the fabric.' }),
    byStatus: t.field({
      type: DriftCountsRef,
      description: 'All resources per drift status.',
      resolve: (summary) => summary.byStatus,
    }),
    byKind: t.field({
      type: [KindDriftCountsRef],
      description: 'Per kind that has resources, by kind name.',
      resolve: (summary) => summary.byKind,
    }),
  }),
});

const SwitchHealthStateEnum = builder.enumType('SwitchHealthState', {
  description: "A switch's health from its Agent object's heartbeat and generations.",
  values: describedEnumValues(
    SWITCH_HEALTH_STATES.map((state) => state.toLowerCase()) as Lowercase<(typeof SWITCH_HEALTH_STATES)[number]>[],
    {
      healthy: 'Heartbeat fresh and the current generation applied.',
      applying: 'Heartbeat fresh; the agent has not applied the current generation yet.',
      heartbeat_stale: 'The last heartbeat is older than the threshold (2 minutes by default).',
      no_heartbeat: 'The agent never reported a heartbeat.',
    },
  ),
});

const SwitchHealthRef = builder.objectRef<SwitchHealth>('SwitchHealth').implement({
  description: "From the switch's Agent object (agent.githedgehog.com).",
  fields: (t) => ({
    state: t.field({
      type: SwitchHealthStateEnum,
      description: 'Health summed up from the fields below.',
      resolve: (health) => health.state.toLowerCase() as Lowercase<SwitchHealth['state']>,
    }),
    currentGeneration: t.int({
      nullable: true,
      description: "The Agent's metadata.generation: what the controller asks the switch to apply; null when absent.",
      resolve: (health) => health.currentGeneration ?? null,
    }),
    appliedGeneration: t.int({
      nullable: true,
      description: 'status.lastAppliedGen: the generation the switch last applied; null when absent.',
      resolve: (health) => health.appliedGeneration ?? null,
    }),
    attemptedGeneration: t.int({
      nullable: true,
      description: 'status.lastAttemptGen: the generation the switch last tried; null when absent.',
      resolve: (health) => health.attemptedGeneration ?? null,
    }),
    upToDate: t.exposeBoolean('upToDate', { description: 'appliedGeneration equals currentGeneration.' }),
    lastHeartbeat: t.field({
      type: 'DateTime',
      nullable: true,
      description: "The agent's last heartbeat; null when it never sent one.",
      resolve: (health) => health.lastHeartbeat ?? null,
    }),
    heartbeatAgeSeconds: t.float({
      nullable: true,
      description: 'Seconds since the last heartbeat, when asked; null without a heartbeat.',
      resolve: (health) => (health.heartbeatAgeMs === undefined ? null : health.heartbeatAgeMs / 1000),
    }),
    lastAppliedTime: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the switch last applied a generation; null when unknown.',
      resolve: (health) => health.lastAppliedTime ?? null,
    }),
    ready: t.boolean({
      nullable: true,
      description: "The Agent's Ready condition; null when it reports none.",
      resolve: (health) => health.ready ?? null,
    }),
    rebootRequired: t.boolean({
      nullable: true,
      description: 'The switch asks for a reboot; null when not reported.',
      resolve: (health) => health.rebootRequired ?? null,
    }),
    agentVersion: t.string({
      nullable: true,
      description: 'Version of the agent software; null when not reported.',
      resolve: (health) => health.agentVersion ?? null,
    }),
  }),
});

builder.objectFields(FabricRef, (t) => ({
  clusterStatus: t.field({
    type: FabricClusterStatusRef,
    description: 'Watch state per kind in this gateway process.',
    resolve: (fabric: Fabric, _args, context) => context.services.cluster.status(fabric),
  }),
  driftSummary: t.field({
    type: DriftSummaryRef,
    description: "The fabric's resources by drift status and kind, counted now.",
    resolve: (fabric: Fabric, _args, context) => context.services.cluster.driftSummary(fabric.id),
  }),
}));

builder.objectFields(ResourceRef, (t) => ({
  drift: t.field({
    type: [DriftDifferenceRef],
    description: 'Fields that differ between Git (desired) and the cluster (live), after normalisation.',
    resolve: (resource: Resource) => (resource.driftDetails ?? []) as StoredDriftDifference[],
  }),
  switchHealth: t.field({
    type: SwitchHealthRef,
    nullable: true,
    description: 'For a Switch whose Agent object the cluster has; null otherwise.',
    resolve: (resource: Resource, _args, context) => context.services.cluster.switchHealth(resource),
  }),
}));

builder.mutationFields((t) => ({
  testClusterConnection: t.field({
    type: ClusterConnectionTestRef,
    description: mutationDescription(
      'testClusterConnection',
      "Contacts the fabric's Kubernetes API server with its stored connection; a failure to connect is reported in the result, not as an error. INVALID_INPUT when the fabric has no cluster connection.",
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: { fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }) },
    resolve: (_root, args, context) => context.services.cluster.testConnection(String(args.fabricId)),
  }),
  refreshCluster: t.field({
    type: SyncOperationRef,
    description: mutationDescription(
      'refreshCluster',
      'Starts a CLUSTER_REFRESH operation: full relist of every served kind, then drift recomputed, with progress per kind; returns the operation at once. INVALID_INPUT when the fabric has no cluster connection.',
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: { fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }) },
    resolve: (_root, args, context) => context.services.cluster.startRefresh(String(args.fabricId), context.actor.name),
  }),
  adoptLiveResources: t.field({
    type: [ResourceRef],
    description: mutationDescription(
      'adoptLiveResources',
      'Copies live-only objects (in the cluster, not in Git) into drafts, so the next commit puts them in Git. All or nothing: INVALID_INPUT (each refused id named) when an id is not a LIVE_ONLY resource of the fabric.',
      ['NOT_FOUND', 'INVALID_INPUT', 'CONFLICT'],
    ),
    args: {
      fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }),
      ids: t.arg.idList({ required: true, description: 'UUIDs of LIVE_ONLY resources of the fabric; at least one.' }),
    },
    resolve: (_root, args, context) =>
      context.services.cluster.adopt(String(args.fabricId), args.ids.map(String), context.actor),
  }),
}));
