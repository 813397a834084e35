import { topics } from '../../events/event-bus.ts';
import { endingWith } from '../../events/event-iterators.ts';
import {
  EVENT_LEVELS,
  OPERATION_STATUSES,
  OPERATION_TRIGGERS,
  OPERATION_TYPES,
  type SyncOperation,
} from '../../operations/sync-operation.entity.ts';
import type { EventRow } from '../../operations/operation.repository.ts';
import type { OperationSnapshot, OperationUpdate } from '../../operations/sync-operation.service.ts';
import { estimateSecondsLeft } from '../../operations/progress-estimate.ts';
import {
  describePhasesByType,
  isOperationPhase,
  OPERATION_PHASE_DESCRIPTIONS,
  OPERATION_PHASES,
  type OperationPhase,
} from '../../operations/operation-phases.ts';
import { NodeInterface, builder } from '../builder.ts';
import { describedEnumValues } from '../enums.ts';
import { connectionWithTotalCount, resolveKeysetConnection, resolveOffsetPagedConnection } from '../pagination.ts';
import { FabricRef } from './fabric.ts';
import { OperationDetailsInterface } from './operation-details.ts';

export const OperationTypeEnum = builder.enumType('SyncOperationType', {
  description: 'What an operation does; its operationDetails type follows from it.',
  values: describedEnumValues(OPERATION_TYPES, {
    directory_init: 'Creates the GitOps directory layout (initializeGitopsDirectory).',
    ingestion: 'Moves the YAML files of raw/ into managed/ and unmanaged/ (ingestRaw).',
    pull: 'Reads Git into the database (syncFabric PULL, webhook, head check).',
    push: 'Commits the drafts to Git (commitChanges, syncFabric PUSH, auto-commit).',
    bidirectional: 'Pull then push (syncFabric BIDIRECTIONAL).',
    conflict_resolution: 'Applies a conflict resolution (resolveConflict).',
    cluster_refresh: "Relists the fabric's cluster and recomputes drift (refreshCluster).",
  }),
});
export const OperationStatusEnum = builder.enumType('SyncOperationStatus', {
  description: 'Where an operation is in its life; COMPLETED, FAILED and CANCELLED are final.',
  values: describedEnumValues(OPERATION_STATUSES, {
    pending: 'Queued; not started.',
    in_progress: 'Running.',
    completed: 'Finished successfully (final).',
    failed: 'Stopped by an error; errorMessage says why (final).',
    cancelled: 'Cancelled before or while running (final).',
  }),
});
export const OperationTriggerEnum = builder.enumType('SyncOperationTrigger', {
  description: 'What started an operation.',
  values: describedEnumValues(OPERATION_TRIGGERS, {
    api: 'A GraphQL mutation.',
    webhook: 'A push webhook from the Git host.',
    schedule: 'The gateway itself: the head check or auto-commit.',
  }),
});
export const EventLevelEnum = builder.enumType('SyncEventLevel', {
  description: "Severity of a line of an operation's log.",
  values: describedEnumValues(EVENT_LEVELS, {
    debug: 'Detail for troubleshooting.',
    info: 'A step taken.',
    warning: 'Something was skipped or held back; the operation went on.',
    error: 'What made the operation fail.',
  }),
});
const EventOrderEnum = builder.enumType('SyncEventOrder', {
  description: "The order of an operation's log in SyncOperation.events.",
  values: {
    OLDEST_FIRST: { value: 'oldest' as const, description: 'As written (the default).' },
    NEWEST_FIRST: { value: 'newest' as const, description: 'The latest line first.' },
  },
});

export const OperationPhaseEnum = builder.enumType('SyncOperationPhase', {
  description: `What an operation is doing. The phases of each operation type, in order (some are skipped when there is nothing to do):\n${describePhasesByType()}`,
  values: Object.fromEntries(
    OPERATION_PHASES.map((phase) => [
      phase.toUpperCase(),
      { value: phase, description: OPERATION_PHASE_DESCRIPTIONS[phase] },
    ]),
  ) as Record<string, { value: OperationPhase; description: string }>,
});

/** A phase stored before the enum existed (or by a newer gateway) reads as STARTING rather than failing the query. */
const phaseOf = (phase: string): OperationPhase => (isOperationPhase(phase) ? phase : 'starting');

/** Operations end in one of these; `syncOperationUpdated` completes after sending one. */
const FINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);

const SyncEventRef = builder.objectRef<EventRow>('SyncEvent').implement({
  description: "One line of an operation's log.",
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime', description: 'When it was written.' }),
    level: t.expose('level', { type: EventLevelEnum, description: 'Its severity.' }),
    message: t.exposeString('message', { description: 'What happened, without secrets.' }),
    path: t.exposeString('path', {
      nullable: true,
      description: 'The file or object it is about (e.g. "managed/vpcs/vpc-1.yaml"); null when none.',
    }),
  }),
});

export { estimateSecondsLeft };

/** Backed by the entity in queries and by a snapshot in subscriptions; both have the same fields. */
export const SyncOperationRef = builder.objectRef<SyncOperation | OperationSnapshot>('SyncOperation');

SyncOperationRef.implement({
  interfaces: [NodeInterface],
  description:
    'A durable run of directory initialisation, ingestion, pull, push, conflict resolution or cluster refresh.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The UUID of the operation.' }),
    fabric: t.field({
      type: FabricRef,
      description: 'The fabric it works on.',
      resolve: (operation, _args, context) => context.loaders.fabricById.load(operation.fabric.id),
    }),
    operationType: t.expose('operationType', { type: OperationTypeEnum, description: 'What it does.' }),
    status: t.expose('status', { type: OperationStatusEnum, description: 'Where it is in its life.' }),
    phase: t.field({
      type: OperationPhaseEnum,
      description: 'What the operation is doing now (see SyncOperationPhase for the phases of each operation type).',
      resolve: (operation) => phaseOf(operation.phase),
    }),
    progressDone: t.exposeInt('progressDone', {
      description:
        "Units done in the operation's slowest phase (files for pull, push and ingestion, kinds for cluster refresh); moves during the phase, published at most every 100 ms.",
    }),
    progressTotal: t.exposeInt('progressTotal', {
      description: 'Units of the phase being counted; 0 until known.',
    }),
    estimatedSecondsLeft: t.int({
      nullable: true,
      description:
        'Seconds left at the pace so far (elapsed since the start / units done × units left); null until a unit is done, and once finished.',
      resolve: (operation) => estimateSecondsLeft(operation, new Date()),
    }),
    trigger: t.expose('trigger', { type: OperationTriggerEnum, description: 'What started it.' }),
    startedAt: t.expose('startedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it started running; null while PENDING.',
    }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it reached a final status; null before.',
    }),
    details: t.expose('details', {
      type: 'JSON',
      description: 'Everything the operation records beside its counters, untyped.',
      deprecationReason: 'Use `operationDetails`, the same typed per operation type.',
    }),
    operationDetails: t.field({
      type: OperationDetailsInterface,
      description: 'What the operation records beside its counters, typed per operation type.',
      resolve: (operation) => ({ type: operation.operationType, details: operation.details ?? {} }),
    }),
    errorMessage: t.exposeString('errorMessage', {
      nullable: true,
      description: 'Why it FAILED (or that it was cancelled), without secrets; null otherwise.',
    }),
    filesProcessed: t.exposeInt('filesProcessed', {
      description: 'Files (or, for CLUSTER_REFRESH, objects) it went through.',
    }),
    filesCreated: t.exposeInt('filesCreated', {
      description: 'Files it created (in Git or, for a pull, in the database).',
    }),
    filesUpdated: t.exposeInt('filesUpdated', { description: 'Files it changed.' }),
    filesDeleted: t.exposeInt('filesDeleted', { description: 'Files it deleted.' }),
    commitSha: t.exposeString('commitSha', {
      nullable: true,
      description: 'SHA of the commit it made (the last one when several); null when it made none.',
    }),
    pullRequestUrl: t.exposeString('pullRequestUrl', {
      nullable: true,
      description: 'The pull request it opened or updated, when pushes go through pull requests; null otherwise.',
    }),
    initiatedBy: t.exposeString('initiatedBy', {
      description: 'Name of the token that started it, or "head-check", "auto-commit", "webhook".',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was queued.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    events: t.connection(
      {
        type: SyncEventRef,
        description:
          "The operation's log, a page at a time: oldest first unless `order` says NEWEST_FIRST. Pages are at most the maximum page size (MAX_PAGE_SIZE; INVALID_INPUT above). Operations listed together read their pages in one statement.",
        args: {
          order: t.arg({
            type: EventOrderEnum,
            required: true,
            defaultValue: 'oldest',
            description: 'Oldest or newest line first.',
          }),
        },
        resolve: (operation, args, context) =>
          resolveOffsetPagedConnection(args, context, (page) =>
            context.loaders.operationEvents.load({
              operationId: operation.id,
              offset: page.offset,
              limit: page.limit,
              newestFirst: args.order === 'newest',
            }),
          ),
      },
      {
        name: 'SyncEventConnection',
        description: "A page of an operation's log.",
        ...connectionWithTotalCount,
      } as never,
      { name: 'SyncEventEdge', description: 'A line of the log with its cursor.' } as never,
    ),
  }),
});

builder.queryFields((t) => ({
  syncOperations: t.connection(
    {
      type: SyncOperationRef,
      description:
        'Operations, newest first, of one fabric or of every fabric the token may see. Errors: NOT_FOUND (fabric), INVALID_INPUT (page size).',
      args: {
        fabricId: t.arg.id({ description: 'Only this fabric (UUID); omit for every fabric the token may see.' }),
        status: t.arg({ type: OperationStatusEnum, description: 'Only this status.' }),
        type: t.arg({ type: OperationTypeEnum, description: 'Only this type.' }),
      },
      resolve: (_root, args, context) =>
        resolveKeysetConnection(
          args,
          context,
          context.services.operations.pages({
            fabricId: args.fabricId == null ? null : String(args.fabricId),
            status: args.status,
            type: args.type,
          }),
        ),
    },
    { name: 'SyncOperationConnection', description: 'A page of operations.', ...connectionWithTotalCount } as never,
    { name: 'SyncOperationEdge', description: 'An operation with its cursor.' } as never,
  ),
  syncOperation: t.field({
    type: SyncOperationRef,
    description: 'An operation by id. Errors: NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The UUID of the operation.' }) },
    resolve: (_root, args, context) => context.services.operations.get(String(args.id)),
  }),
}));

builder.subscriptionFields((t) => ({
  syncOperationUpdated: t.field({
    type: SyncOperationRef,
    description:
      "The operation's whole state: first as it is now, then after every change (progress at most every 100 ms). Completes after sending a final state (COMPLETED, FAILED or CANCELLED).",
    args: { id: t.arg.id({ required: true, description: 'The UUID of the operation.' }) },
    subscribe: (_root, args, context) => {
      const id = String(args.id);
      // Subscribe before reading, so no change between the read and the subscription is lost.
      const updates = context.eventBus.subscribe<OperationUpdate>(topics.syncOperation(id));
      async function* states() {
        try {
          const current = await context.services.operations.getFresh(id);
          yield current;
          if (FINAL_STATUSES.has(current.status)) return;
          for await (const update of updates) {
            yield update.snapshot;
            if (FINAL_STATUSES.has(update.snapshot.status)) return;
          }
        } finally {
          await updates.return?.();
        }
      }
      // A client leaving ends the bus subscription at once, not at the operation's next change.
      return endingWith(states(), updates);
    },
    resolve: (snapshot) => snapshot as OperationSnapshot,
  }),
}));
