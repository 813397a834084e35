import type { ConnectionTestResult } from '../../cluster/cluster-client.ts';
import type { FabricClusterStatus, KindWatchStatus } from '../../cluster/fabric-watch.ts';
import type { DriftCountsByStatus, StoredDriftDifference, StoredDriftSummary } from '../../cluster/live-state-store.ts';
import { SWITCH_HEALTH_STATES, type SwitchHealth } from '../../cluster/switch-health.ts';
import type { Fabric } from '../../fabric/fabric.entity.ts';
import type { Resource } from '../../resource/resource.entity.ts';
import { builder } from '../builder.ts';
import { enumValues } from '../enums.ts';
import { FabricRef } from './fabric.ts';
import { ResourceRef } from './resource.ts';
import { SyncOperationRef } from './sync-operation.ts';

export const WatchStateEnum = builder.enumType('ClusterWatchState', {
  description:
    'STARTING, LISTING (full list), WATCHING (stream open), BACKOFF (retrying a broken stream), ERROR (refused: 401/403/404), STOPPED, MISSING (the cluster does not serve the kind).',
  values: enumValues(['starting', 'listing', 'watching', 'backoff', 'stopped', 'error', 'missing'] as const),
});
const FabricClusterStateEnum = builder.enumType('FabricClusterState', {
  description: 'NOT_CONFIGURED (no cluster connection), CONNECTING, WATCHING, ERROR (see error), STOPPED.',
  values: enumValues(['not_configured', 'connecting', 'watching', 'error', 'stopped'] as const),
});

const KindWatchStatusRef = builder.objectRef<KindWatchStatus>('KindWatchStatus').implement({
  description: "The watch of one Hedgehog kind in one fabric's cluster.",
  fields: (t) => ({
    kind: t.exposeString('kind'),
    group: t.exposeString('group'),
    version: t.exposeString('version'),
    state: t.field({ type: WatchStateEnum, resolve: (status) => status.state }),
    synced: t.exposeBoolean('synced', { description: 'A full list was received: drift of this kind is known.' }),
    eventCount: t.exposeInt('eventCount'),
    lastEventAt: t.field({ type: 'DateTime', nullable: true, resolve: (status) => status.lastEventAt ?? null }),
    lastError: t.string({ nullable: true, resolve: (status) => status.lastError ?? null }),
    resourceVersion: t.string({ nullable: true, resolve: (status) => status.resourceVersion ?? null }),
  }),
});

const FabricClusterStatusRef = builder.objectRef<FabricClusterStatus>('FabricClusterStatus').implement({
  description: "How this gateway process watches the fabric's cluster.",
  fields: (t) => ({
    state: t.field({ type: FabricClusterStateEnum, resolve: (status) => status.state }),
    error: t.string({ nullable: true, resolve: (status) => status.error ?? null }),
    kinds: t.field({ type: [KindWatchStatusRef], resolve: (status) => status.kinds }),
    missingKinds: t.stringList({
      description: 'Kinds whose CRD the cluster does not serve (drift UNKNOWN, never "zero objects").',
      resolve: (status) => status.missingKinds,
    }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (status) => status.startedAt ?? null }),
  }),
});

const ClusterConnectionTestRef = builder.objectRef<ConnectionTestResult>('ClusterConnectionTest').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    serverVersion: t.string({ nullable: true, resolve: (result) => (result.ok ? result.serverVersion : null) }),
    error: t.string({
      nullable: true,
      description: 'What went wrong, without credentials.',
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
    desired: t.field({ type: 'JSON', nullable: true, resolve: (difference) => difference.desired ?? null }),
    live: t.field({ type: 'JSON', nullable: true, resolve: (difference) => difference.live ?? null }),
  }),
});

export const DriftCountsRef = builder.objectRef<DriftCountsByStatus>('DriftCounts').implement({
  fields: (t) => ({
    inSync: t.int({ resolve: (counts) => counts.in_sync }),
    specDrift: t.int({ resolve: (counts) => counts.spec_drift }),
    desiredOnly: t.int({ resolve: (counts) => counts.desired_only }),
    liveOnly: t.int({ resolve: (counts) => counts.live_only }),
    unknown: t.int({ resolve: (counts) => counts.unknown }),
  }),
});

const KindDriftCountsRef = builder.objectRef<StoredDriftSummary['byKind'][number]>('KindDriftCounts').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    counts: t.field({ type: DriftCountsRef, resolve: (entry) => entry.counts }),
  }),
});

const DriftSummaryRef = builder.objectRef<StoredDriftSummary>('DriftSummary').implement({
  description: 'Resources of a fabric by drift status and by kind.',
  fields: (t) => ({
    total: t.exposeInt('total'),
    byStatus: t.field({ type: DriftCountsRef, resolve: (summary) => summary.byStatus }),
    byKind: t.field({ type: [KindDriftCountsRef], resolve: (summary) => summary.byKind }),
  }),
});

const SwitchHealthStateEnum = builder.enumType('SwitchHealthState', {
  values: enumValues(SWITCH_HEALTH_STATES.map((s) => s.toLowerCase())),
});

const SwitchHealthRef = builder.objectRef<SwitchHealth>('SwitchHealth').implement({
  description: "From the switch's Agent object (agent.githedgehog.com).",
  fields: (t) => ({
    state: t.field({ type: SwitchHealthStateEnum, resolve: (health) => health.state.toLowerCase() }),
    currentGeneration: t.int({ nullable: true, resolve: (health) => health.currentGeneration ?? null }),
    appliedGeneration: t.int({ nullable: true, resolve: (health) => health.appliedGeneration ?? null }),
    attemptedGeneration: t.int({ nullable: true, resolve: (health) => health.attemptedGeneration ?? null }),
    upToDate: t.exposeBoolean('upToDate'),
    lastHeartbeat: t.field({ type: 'DateTime', nullable: true, resolve: (health) => health.lastHeartbeat ?? null }),
    heartbeatAgeSeconds: t.float({
      nullable: true,
      resolve: (health) => (health.heartbeatAgeMs === undefined ? null : health.heartbeatAgeMs / 1000),
    }),
    lastAppliedTime: t.field({ type: 'DateTime', nullable: true, resolve: (health) => health.lastAppliedTime ?? null }),
    ready: t.boolean({ nullable: true, resolve: (health) => health.ready ?? null }),
    rebootRequired: t.boolean({ nullable: true, resolve: (health) => health.rebootRequired ?? null }),
    agentVersion: t.string({ nullable: true, resolve: (health) => health.agentVersion ?? null }),
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
    description: "Contacts the fabric's Kubernetes API server with its stored connection.",
    args: { fabricId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.cluster.testConnection(String(args.fabricId)),
  }),
  refreshCluster: t.field({
    type: SyncOperationRef,
    description:
      'Starts a cluster_refresh operation: full relist of every served kind, then drift recomputed, with progress per kind.',
    args: { fabricId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.cluster.startRefresh(String(args.fabricId), context.actor.name),
  }),
  adoptLiveResources: t.field({
    type: [ResourceRef],
    description:
      'Copies live-only objects (in the cluster, not in Git) into drafts, so the next commit puts them in Git.',
    args: { fabricId: t.arg.id({ required: true }), ids: t.arg.idList({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.cluster.adopt(String(args.fabricId), args.ids.map(String), context.actor),
  }),
}));
