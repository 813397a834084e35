/**
 * `fabricEvents`: one GraphQL object type per fabric event type (events/fabric-events.ts), each
 * implementing the `FabricEvent` interface (`type`, `fabricId`, `at`), with typed fields: clients
 * select what they need with inline fragments (`... on CommittedEvent { commit }`). Lower-case
 * values of the gateway (statuses, actions, drift) go out through the same enums as everywhere
 * else in the schema, in upper case. docs/events.md documents every event.
 */
import type { LiveChangeSummary } from '../../cluster/live-state-store.ts';
import { filterEvents } from '../../events/event-iterators.ts';
import { topics } from '../../events/event-bus.ts';
import {
  FABRIC_EVENT_TYPES,
  type ChangeUpdated,
  type Committed,
  type ConflictDetected,
  type ConflictResolved,
  type DesiredStateChanged,
  type DraftChanged,
  type DriftChanged,
  type DriftSummaryChanged,
  type FabricEvent,
  type FabricEventType,
  type GitopsDirectoryInitialized,
  type GitopsIngested,
  type LiveChanged,
  type OperationUpdated,
  type SwitchHealthChanged,
  type WatchStatusChanged,
} from '../../events/fabric-events.ts';
import type { RESOLUTION_STRATEGIES } from '../../sync/conflict-resolution.ts';
import { builder } from '../builder.ts';
import { describedEnumValues } from '../enums.ts';
import { ChangeRef, ChangeStageEnum } from './change.ts';
import { WatchStateEnum } from './cluster.ts';
import { DriftCountsRef } from './fabric.ts';
import { ConflictStrategyEnum, DriftStatusEnum } from './resource.ts';
import { OperationPhaseEnum, OperationStatusEnum, OperationTypeEnum } from './sync-operation.ts';

type Stamped = { fabricId: string; at: string };
type EventOf<T> = T & Stamped;

export const FabricEventTypeEnum = builder.enumType('FabricEventType', {
  description: 'The kinds of fabric event; each has its own object type (`DRAFT_CHANGED` is `DraftChangedEvent`).',
  values: Object.fromEntries(
    Object.entries(FABRIC_EVENT_TYPES).map(([type, description]) => [type, { value: type, description }]),
  ) as Record<FabricEventType, { value: FabricEventType; description: string }>,
});

/** The object type of each event type: `DRAFT_CHANGED` → `DraftChangedEvent`. */
const typeNameOf = (type: FabricEventType) =>
  `${type
    .toLowerCase()
    .split('_')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('')}Event`;

export const FabricEventRef = builder.interfaceRef<FabricEvent>('FabricEvent').implement({
  description:
    'Something happened in a fabric. Each event type is its own object type with typed fields (see FabricEventType and docs/events.md); `type` names it for clients that switch on a string.',
  resolveType: (event) => typeNameOf(event.type),
  fields: (t) => ({
    type: t.field({
      type: FabricEventTypeEnum,
      description: 'Which event this is (the same as `__typename` without the `Event` suffix, in upper case).',
      resolve: (event) => event.type,
    }),
    fabricId: t.id({ description: 'The fabric the event belongs to.', resolve: (event) => event.fabricId }),
    at: t.field({ type: 'DateTime', description: 'When it was published.', resolve: (event) => new Date(event.at) }),
  }),
});

const DraftChangeActionEnum = builder.enumType('DraftChangeAction', {
  description: 'What happened to a draft.',
  values: {
    UPSERT: { value: 'upsert', description: 'Created or changed (an object to create or update in Git).' },
    DELETE: { value: 'delete', description: 'Marked for deletion from Git.' },
    DISCARD: { value: 'discard', description: 'Discarded: the resource is back to its desired state.' },
  } as const,
});

const LiveChangeActionEnum = builder.enumType('LiveChangeAction', {
  description: 'How the live state of a resource changed.',
  values: describedEnumValues(['upsert', 'delete'] as const, {
    upsert: 'The cluster has the object: new, or changed.',
    delete: 'The cluster no longer has the object.',
  }),
});

function eventType<T extends FabricEvent>(type: FabricEventType, description: string) {
  return builder.objectRef<T>(typeNameOf(type)).implement({
    description,
    // Generic over the event type, which Pothos cannot relate to the interface's: checked by resolveType.
    interfaces: [FabricEventRef] as never,
  });
}

builder.objectFields(eventType<EventOf<DraftChanged>>('DRAFT_CHANGED', FABRIC_EVENT_TYPES.DRAFT_CHANGED), (t) => ({
  resourceId: t.exposeID('resourceId', { description: 'The resource whose draft changed.' }),
  kind: t.exposeString('kind', { description: 'Its kind.' }),
  name: t.exposeString('name', { description: 'Its name.' }),
  action: t.field({ type: DraftChangeActionEnum, description: 'What happened.', resolve: (event) => event.action }),
  actor: t.exposeString('actor', { description: 'Who made the change (token name, or "system").' }),
  adopted: t.boolean({
    description: 'True when a live-only object was copied into a draft (adoptResources).',
    resolve: (event) => event.adopted === true,
  }),
}));

builder.objectFields(
  eventType<EventOf<OperationUpdated>>('OPERATION_UPDATED', FABRIC_EVENT_TYPES.OPERATION_UPDATED),
  (t) => ({
    operationId: t.exposeID('operationId', { description: 'The operation (syncOperation(id) has all of it).' }),
    operationType: t.field({
      type: OperationTypeEnum,
      description: 'Its type.',
      resolve: (event) => event.operationType,
    }),
    status: t.field({ type: OperationStatusEnum, description: 'Its status.', resolve: (event) => event.status }),
    phase: t.field({ type: OperationPhaseEnum, description: 'Its phase.', resolve: (event) => event.phase }),
    progressDone: t.exposeInt('progressDone', { description: 'Units done (as SyncOperation.progressDone).' }),
    progressTotal: t.exposeInt('progressTotal', { description: 'Units in all (as SyncOperation.progressTotal).' }),
    estimatedSecondsLeft: t.int({
      nullable: true,
      description: 'Seconds left at the pace so far when the event was published (as SyncOperation).',
      resolve: (event) => event.estimatedSecondsLeft,
    }),
  }),
);

builder.objectFields(eventType<EventOf<Committed>>('COMMITTED', FABRIC_EVENT_TYPES.COMMITTED), (t) => ({
  commit: t.exposeString('commit', { description: 'The commit that landed.' }),
  branch: t.exposeString('branch', { description: 'The branch it landed on.' }),
  files: t.exposeInt('files', { description: 'Files the commit created, changed or deleted.' }),
  operationId: t.exposeID('operationId', { description: 'The operation that made it.' }),
  pullRequestUrl: t.exposeString('pullRequestUrl', {
    nullable: true,
    description: 'The pull request proposing the commit (pull-request mode); null when pushed to the branch directly.',
  }),
}));

builder.objectFields(
  eventType<EventOf<DesiredStateChanged>>('DESIRED_STATE_CHANGED', FABRIC_EVENT_TYPES.DESIRED_STATE_CHANGED),
  (t) => ({
    commit: t.exposeString('commit', { description: 'The Git head the pull recorded.' }),
    resourceIds: t.exposeIDList('resourceIds', {
      description: 'Resources whose desired state changed (removed ones are not listed).',
    }),
    created: t.exposeInt('created', { description: 'Files created in Git since the last pull.' }),
    updated: t.exposeInt('updated', { description: 'Files changed.' }),
    deleted: t.exposeInt('deleted', { description: 'Files deleted.' }),
  }),
);

builder.objectFields(
  eventType<EventOf<ConflictDetected>>('CONFLICT_DETECTED', FABRIC_EVENT_TYPES.CONFLICT_DETECTED),
  (t) => ({
    resourceId: t.exposeID('resourceId', { description: 'The resource now in conflict (conflictStatus DETECTED).' }),
    kind: t.exposeString('kind', { description: 'Its kind.' }),
    namespace: t.exposeString('namespace', { description: 'Its namespace.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    paths: t.exposeStringList('paths', { description: 'The fields both the draft and Git changed.' }),
    commit: t.exposeString('commit', { description: 'The Git commit whose version conflicts with the draft.' }),
  }),
);

builder.objectFields(
  eventType<EventOf<ConflictResolved>>('CONFLICT_RESOLVED', FABRIC_EVENT_TYPES.CONFLICT_RESOLVED),
  (t) => ({
    resourceId: t.exposeID('resourceId', { description: 'The resource whose conflict was resolved.' }),
    strategy: t.field({
      type: ConflictStrategyEnum,
      description: 'How it was resolved.',
      resolve: (event) => event.strategy as (typeof RESOLUTION_STRATEGIES)[number],
    }),
    kind: t.exposeString('kind', { description: 'Its kind.' }),
    namespace: t.exposeString('namespace', { description: 'Its namespace.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    paths: t.exposeStringList('paths', { description: 'The fields that were in conflict.' }),
  }),
);

builder.objectFields(
  eventType<EventOf<GitopsDirectoryInitialized>>(
    'GITOPS_DIRECTORY_INITIALIZED',
    FABRIC_EVENT_TYPES.GITOPS_DIRECTORY_INITIALIZED,
  ),
  (t) => ({
    commit: t.exposeString('commit', { description: 'The initialisation commit.' }),
    operationId: t.exposeID('operationId', { description: 'The directory_init operation.' }),
    files: t.exposeInt('files', { description: 'Files the commit added.' }),
  }),
);

builder.objectFields(
  eventType<EventOf<GitopsIngested>>('GITOPS_INGESTED', FABRIC_EVENT_TYPES.GITOPS_INGESTED),
  (t) => ({
    commit: t.exposeString('commit', { description: 'The ingestion commit (the last one, when split).' }),
    operationId: t.exposeID('operationId', { description: 'The operation that ingested.' }),
    created: t.exposeInt('created', { description: 'Objects written to new managed files.' }),
    updated: t.exposeInt('updated', { description: 'Managed files changed.' }),
    rawFiles: t.exposeInt('rawFiles', { description: 'Raw files read from raw/.' }),
    unmanaged: t.exposeInt('unmanaged', { description: 'Files moved to unmanaged/ (not Hedgehog objects).' }),
    conflicts: t.exposeInt('conflicts', {
      description: 'Objects not ingested because their managed file holds a different version.',
    }),
  }),
);

const LiveResourceChangeRef = builder.objectRef<LiveChangeSummary['live'][number]>('LiveResourceChange').implement({
  description: 'A resource whose live state changed.',
  fields: (t) => ({
    resourceId: t.exposeID('resourceId', { description: 'The resource.' }),
    kind: t.exposeString('kind', { description: 'Its kind.' }),
    namespace: t.exposeString('namespace', { description: 'Its namespace.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    action: t.field({
      type: LiveChangeActionEnum,
      description: 'UPSERT: the cluster has it (new or changed); DELETE: the cluster no longer has it.',
      resolve: (change) => change.action,
    }),
  }),
});

builder.objectFields(eventType<EventOf<LiveChanged>>('LIVE_CHANGED', FABRIC_EVENT_TYPES.LIVE_CHANGED), (t) => ({
  count: t.exposeInt('count', { description: 'Resources whose live state changed, in all.' }),
  removed: t.int({
    description: 'Live-only resources deleted because the cluster no longer has them.',
    resolve: (event) => ('removed' in event ? event.removed : 0),
  }),
  resources: t.field({
    type: [LiveResourceChangeRef],
    description: 'Up to 100 of them, named; `count` says how many there are in all.',
    resolve: (event) => event.resources,
  }),
  clearedKind: t.string({
    nullable: true,
    description: 'Set when the live state of a whole kind was cleared (the cluster stopped serving it).',
    resolve: (event) => ('cleared' in event ? event.kind : null),
  }),
}));

const DriftStatusChangeRef = builder.objectRef<LiveChangeSummary['drift'][number]>('DriftStatusChange').implement({
  description: 'A resource whose drift status changed.',
  fields: (t) => ({
    resourceId: t.exposeID('resourceId', { description: 'The resource.' }),
    kind: t.exposeString('kind', { description: 'Its kind.' }),
    namespace: t.exposeString('namespace', { description: 'Its namespace.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    from: t.field({ type: DriftStatusEnum, description: 'The status before.', resolve: (change) => change.from }),
    to: t.field({ type: DriftStatusEnum, description: 'The status now.', resolve: (change) => change.to }),
  }),
});

builder.objectFields(eventType<EventOf<DriftChanged>>('DRIFT_CHANGED', FABRIC_EVENT_TYPES.DRIFT_CHANGED), (t) => ({
  count: t.exposeInt('count', { description: 'Resources whose drift status changed, in all.' }),
  changes: t.field({
    type: [DriftStatusChangeRef],
    description: 'Up to 100 of them, named; `count` says how many there are in all.',
    resolve: (event) => event.changes,
  }),
}));

builder.objectFields(
  eventType<EventOf<DriftSummaryChanged>>('DRIFT_SUMMARY_CHANGED', FABRIC_EVENT_TYPES.DRIFT_SUMMARY_CHANGED),
  (t) => ({
    driftCounts: t.field({
      type: DriftCountsRef,
      description: "The fabric's resources by drift status, now.",
      resolve: (event) => event.driftCounts,
    }),
    driftCount: t.exposeInt('driftCount', {
      description: 'Resources that drift (any status but IN_SYNC and UNKNOWN).',
    }),
  }),
);

builder.objectFields(
  eventType<EventOf<WatchStatusChanged>>('WATCH_STATUS_CHANGED', FABRIC_EVENT_TYPES.WATCH_STATUS_CHANGED),
  (t) => ({
    watchedKind: t.string({
      nullable: true,
      description: "The kind whose watch changed; null for the fabric's watch as a whole.",
      resolve: (event) => ('kind' in event ? event.kind : null),
    }),
    state: t.field({ type: WatchStateEnum, description: 'The state now.', resolve: (event) => event.state }),
    error: t.string({
      nullable: true,
      description: 'Why it is in ERROR (or the last error of the kind), if it is.',
      resolve: (event) => ('error' in event ? event.error : 'lastError' in event ? (event.lastError ?? null) : null),
    }),
    servedKinds: t.stringList({
      nullable: true,
      description: 'When the fabric watch starts WATCHING: the kinds the cluster serves.',
      resolve: (event) => ('servedKinds' in event ? event.servedKinds : null),
    }),
    missingKinds: t.stringList({
      nullable: true,
      description: 'When the fabric watch starts WATCHING: the kinds the cluster does not serve.',
      resolve: (event) => ('missingKinds' in event ? event.missingKinds : null),
    }),
  }),
);

builder.objectFields(
  eventType<EventOf<SwitchHealthChanged>>('SWITCH_HEALTH_CHANGED', FABRIC_EVENT_TYPES.SWITCH_HEALTH_CHANGED),
  (t) => ({
    agentCount: t.int({
      nullable: true,
      description: 'Set when every Agent was listed: how many there are.',
      resolve: (event) => ('count' in event ? event.count : null),
    }),
    switchNamespace: t.string({
      nullable: true,
      description: 'Set when one Agent changed: its namespace.',
      resolve: (event) => ('namespace' in event ? event.namespace : null),
    }),
    switchName: t.string({
      nullable: true,
      description: 'Set when one Agent changed: its name, the name of its switch.',
      resolve: (event) => ('name' in event ? event.name : null),
    }),
  }),
);

builder.objectFields(eventType<EventOf<ChangeUpdated>>('CHANGE_UPDATED', FABRIC_EVENT_TYPES.CHANGE_UPDATED), (t) => ({
  changeId: t.exposeID('changeId', { description: 'The change (a `Change` node id).' }),
  change: t.field({
    type: ChangeRef,
    nullable: true,
    description: 'The change as it is when the event is delivered (read then); null when it is gone.',
    resolve: (event, _args, context) => context.loaders.changeById.load(event.changeId),
  }),
  commit: t.exposeString('commit', { description: "The change's commit SHA." }),
  stage: t.field({ type: ChangeStageEnum, description: 'The stage it is in now.', resolve: (event) => event.stage }),
  previousStage: t.field({
    type: ChangeStageEnum,
    nullable: true,
    description: 'The stage it left; null when the change was just recorded.',
    resolve: (event) => event.previousStage,
  }),
  objectsBehind: t.exposeStringList('objectsBehind', {
    description: 'Objects not yet applied ("kind namespace/name"), the first 100.',
  }),
  objectsBehindCount: t.exposeInt('objectsBehindCount', { description: 'Objects not yet applied, all of them.' }),
  switchesBehind: t.exposeStringList('switchesBehind', {
    description: 'Affected switches not yet converged ("namespace/name"), the first 100.',
  }),
  switchesBehindCount: t.exposeInt('switchesBehindCount', {
    description: 'Affected switches not yet converged, all of them.',
  }),
}));

builder.subscriptionFields((t) => ({
  fabricEvents: t.field({
    type: FabricEventRef,
    description:
      'Every event of one fabric, as it happens, each typed (select fields with `... on CommittedEvent { commit }`). docs/events.md lists them.',
    args: {
      fabricId: t.arg.id({ required: true, description: 'The fabric.' }),
      types: t.arg({
        type: [FabricEventTypeEnum],
        required: false,
        description: 'Only these event types (filtered by the server); all when omitted.',
      }),
    },
    subscribe: async (_root, args, context) => {
      // Fails with NOT_FOUND for an unknown fabric instead of waiting forever.
      await context.services.fabrics.get(String(args.fabricId));
      const events = context.eventBus.subscribe<FabricEvent>(topics.fabric(String(args.fabricId)));
      if (!args.types) return events;
      const types = new Set<FabricEventType>(args.types);
      return filterEvents(events, (event) => types.has(event.type));
    },
    resolve: (event) => event,
  }),
}));
