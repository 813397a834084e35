import { ClusterService } from '../../cluster/cluster.service.ts';
import type { ConnectionTestResult } from '../../cluster/cluster-client.ts';
import type { FabricClusterStatus, KindWatchStatus } from '../../cluster/fabric-watch.ts';
import type { FabricWatchers } from '../../cluster/fabric-watchers.ts';
import { driftSummary, type DriftCountsByStatus, type StoredDriftDifference, type StoredDriftSummary } from '../../cluster/live-state-store.ts';
import { SWITCH_HEALTH_STATES, switchHealth, type SwitchHealth } from '../../cluster/switch-health.ts';
import { DomainError } from '../../errors.ts';
import type { Fabric } from '../../fabric/fabric.entity.ts';
import type { Resource } from '../../resource/resource.entity.ts';
import { launchOperation } from '../../sync/launch-operation.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { enumValues } from '../enums.ts';
import { FabricRef } from './fabric.ts';
import { ResourceRef } from './resource.ts';
import { SyncOperationRef } from './sync-operation.ts';

function watchersOf(context: GraphQLContext): FabricWatchers {
  const watchers = context.dependencies.clusterWatchers;
  if (!watchers) throw new Error('cluster watchers are not running in this process');
  return watchers;
}

function clusterService(context: GraphQLContext): ClusterService {
  return new ClusterService({
    em: context.services.em, fabrics: context.services.fabrics, eventBus: context.eventBus, watchers: watchersOf(context),
    createClient: context.dependencies.createClusterClient,
  });
}

const WatchStateEnum = builder.enumType('ClusterWatchState', {
  description: 'STARTING, LISTING (full list), WATCHING (stream open), BACKOFF (retrying a broken stream), ERROR (refused: 401/403/404), STOPPED, MISSING (the cluster does not serve the kind).',
  values: enumValues(['starting', 'listing', 'watching', 'backoff', 'stopped', 'error', 'missing'] as const),
});
const FabricClusterStateEnum = builder.enumType('FabricClusterState', {
  description: 'NOT_CONFIGURED (no cluster connection), CONNECTING, WATCHING, ERROR (see error), STOPPED.',
  values: enumValues(['not_configured', 'connecting', 'watching', 'error', 'stopped'] as const),
});

const KindWatchStatusRef = builder.objectRef<KindWatchStatus>('KindWatchStatus').implement({
  description: 'The watch of one Hedgehog kind in one fabric\'s cluster.',
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
  description: 'How this gateway process watches the fabric\'s cluster.',
  fields: (t) => ({
    state: t.field({ type: FabricClusterStateEnum, resolve: (status) => status.state }),
    error: t.string({ nullable: true, resolve: (status) => status.error ?? null }),
    kinds: t.field({ type: [KindWatchStatusRef], resolve: (status) => status.kinds }),
    missingKinds: t.stringList({ description: 'Kinds whose CRD the cluster does not serve (drift UNKNOWN, never "zero objects").', resolve: (status) => status.missingKinds }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (status) => status.startedAt ?? null }),
  }),
});

const ClusterConnectionTestRef = builder.objectRef<ConnectionTestResult>('ClusterConnectionTest').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    serverVersion: t.string({ nullable: true, resolve: (result) => (result.ok ? result.serverVersion : null) }),
    error: t.string({ nullable: true, description: 'What went wrong, without credentials.', resolve: (result) => (result.ok ? null : result.error) }),
  }),
});

const DriftDifferenceRef = builder.objectRef<StoredDriftDifference>('DriftDifference').implement({
  description: 'One field that differs between Git and the cluster; a side without the field is null.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'JSONPath from the object root, e.g. $.spec.subnets["subnet-1"].vlan.' }),
    desired: t.field({ type: 'JSON', nullable: true, resolve: (difference) => difference.desired ?? null }),
    live: t.field({ type: 'JSON', nullable: true, resolve: (difference) => difference.live ?? null }),
  }),
});

const DriftCountsRef = builder.objectRef<DriftCountsByStatus>('DriftCounts').implement({
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

const SwitchHealthStateEnum = builder.enumType('SwitchHealthState', { values: enumValues(SWITCH_HEALTH_STATES.map((s) => s.toLowerCase())) });

const SwitchHealthRef = builder.objectRef<SwitchHealth>('SwitchHealth').implement({
  description: 'From the switch\'s Agent object (agent.githedgehog.com).',
  fields: (t) => ({
    state: t.field({ type: SwitchHealthStateEnum, resolve: (health) => health.state.toLowerCase() }),
    currentGeneration: t.int({ nullable: true, resolve: (health) => health.currentGeneration ?? null }),
    appliedGeneration: t.int({ nullable: true, resolve: (health) => health.appliedGeneration ?? null }),
    attemptedGeneration: t.int({ nullable: true, resolve: (health) => health.attemptedGeneration ?? null }),
    upToDate: t.exposeBoolean('upToDate'),
    lastHeartbeat: t.field({ type: 'DateTime', nullable: true, resolve: (health) => health.lastHeartbeat ?? null }),
    heartbeatAgeSeconds: t.float({ nullable: true, resolve: (health) => (health.heartbeatAgeMs === undefined ? null : health.heartbeatAgeMs / 1000) }),
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
    resolve: (fabric: Fabric, _args, context) => {
      const status = watchersOf(context).status(fabric.id);
      // Saved a moment ago, its watch not started yet: say so rather than "not configured".
      return status.state === 'not_configured' && fabric.kubernetesServer ? { ...status, state: 'connecting' as const } : status;
    },
  }),
  driftSummary: t.field({
    type: DriftSummaryRef,
    resolve: (fabric: Fabric, _args, context) => driftSummary(context.services.em, fabric.id),
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
    resolve: (resource: Resource, _args, context) => {
      if (resource.kind !== 'Switch') return null;
      const agent = context.dependencies.clusterWatchers?.agent(resource.fabric.id, resource.namespace, resource.name);
      return agent ? switchHealth(agent, new Date()) : null;
    },
  }),
}));

builder.mutationFields((t) => ({
  testClusterConnection: t.field({
    type: ClusterConnectionTestRef,
    description: 'Contacts the fabric\'s Kubernetes API server with its stored connection.',
    args: { fabricId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => clusterService(context).testConnection(String(args.fabricId)),
  }),
  refreshCluster: t.field({
    type: SyncOperationRef,
    description: 'Starts a cluster_refresh operation: full relist of every served kind, then drift recomputed, with progress per kind.',
    args: { fabricId: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const fabric = await context.services.fabrics.get(String(args.fabricId));
      if (!fabric.kubernetesServer) throw new DomainError('INVALID_INPUT', 'The fabric has no cluster connection', { fabricId: fabric.id });
      return launchOperation(context.dependencies, context.services, {
        fabricId: fabric.id, type: 'cluster_refresh', initiatedBy: context.actor.name, jobKey: `cluster_refresh:${fabric.id}`,
      });
    },
  }),
  adoptLiveResources: t.field({
    type: [ResourceRef],
    description: 'Copies live-only objects (in the cluster, not in Git) into drafts, so the next commit puts them in Git.',
    args: { fabricId: t.arg.id({ required: true }), ids: t.arg.idList({ required: true }) },
    resolve: (_root, args, context) => clusterService(context).adopt(String(args.fabricId), args.ids.map(String), context.actor),
  }),
}));
