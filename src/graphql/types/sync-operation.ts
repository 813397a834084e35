import { topics } from '../../events/event-bus.ts';
import {
  EVENT_LEVELS,
  OPERATION_STATUSES,
  OPERATION_TRIGGERS,
  OPERATION_TYPES,
  type SyncEvent,
  type SyncOperation,
} from '../../operations/sync-operation.entity.ts';
import type { OperationSnapshot, OperationUpdate } from '../../operations/sync-operation.service.ts';
import { estimateSecondsLeft } from '../../operations/progress-estimate.ts';
import {
  describePhasesByType,
  isOperationPhase,
  OPERATION_PHASE_DESCRIPTIONS,
  OPERATION_PHASES,
  type OperationPhase,
} from '../../operations/operation-phases.ts';
import { builder } from '../builder.ts';
import { enumValues } from '../enums.ts';
import { connectionWithTotalCount, resolvePagedConnection } from '../pagination.ts';
import { FabricRef } from './fabric.ts';

export const OperationTypeEnum = builder.enumType('SyncOperationType', { values: enumValues(OPERATION_TYPES) });
export const OperationStatusEnum = builder.enumType('SyncOperationStatus', { values: enumValues(OPERATION_STATUSES) });
export const OperationTriggerEnum = builder.enumType('SyncOperationTrigger', {
  values: enumValues(OPERATION_TRIGGERS),
});
export const EventLevelEnum = builder.enumType('SyncEventLevel', { values: enumValues(EVENT_LEVELS) });

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

const SyncEventRef = builder.objectRef<SyncEvent>('SyncEvent').implement({
  description: "One line of an operation's log.",
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime' }),
    level: t.expose('level', { type: EventLevelEnum }),
    message: t.exposeString('message'),
    path: t.exposeString('path', { nullable: true }),
  }),
});

export { estimateSecondsLeft };

/** Backed by the entity in queries and by a snapshot in subscriptions; both have the same fields. */
export const SyncOperationRef = builder.objectRef<SyncOperation | OperationSnapshot>('SyncOperation');

SyncOperationRef.implement({
  description:
    'A durable run of directory initialisation, ingestion, pull, push, conflict resolution or cluster refresh.',
  fields: (t) => ({
    id: t.exposeID('id'),
    fabric: t.field({
      type: FabricRef,
      resolve: (operation, _args, context) => context.loaders.fabricById.load(operation.fabric.id),
    }),
    operationType: t.expose('operationType', { type: OperationTypeEnum }),
    status: t.expose('status', { type: OperationStatusEnum }),
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
    trigger: t.expose('trigger', { type: OperationTriggerEnum }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    details: t.expose('details', { type: 'JSON' }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    filesProcessed: t.exposeInt('filesProcessed'),
    filesCreated: t.exposeInt('filesCreated'),
    filesUpdated: t.exposeInt('filesUpdated'),
    filesDeleted: t.exposeInt('filesDeleted'),
    commitSha: t.exposeString('commitSha', { nullable: true }),
    pullRequestUrl: t.exposeString('pullRequestUrl', { nullable: true }),
    initiatedBy: t.exposeString('initiatedBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    events: t.field({
      type: [SyncEventRef],
      description: "The operation's log, oldest first.",
      resolve: (operation, _args, context) => context.loaders.operationEvents.load(operation.id),
    }),
  }),
});

builder.queryFields((t) => ({
  syncOperations: t.connection(
    {
      type: SyncOperationRef,
      description: 'Newest first.',
      args: {
        fabricId: t.arg.id(),
        status: t.arg({ type: OperationStatusEnum }),
        type: t.arg({ type: OperationTypeEnum }),
      },
      resolve: (_root, args, context) =>
        resolvePagedConnection(args, context, (page) =>
          context.services.operations.list(
            { fabricId: args.fabricId == null ? null : String(args.fabricId), status: args.status, type: args.type },
            page,
          ),
        ),
    },
    connectionWithTotalCount as never,
  ),
  syncOperation: t.field({
    type: SyncOperationRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.operations.get(String(args.id)),
  }),
}));

builder.subscriptionFields((t) => ({
  syncOperationUpdated: t.field({
    type: SyncOperationRef,
    description:
      "The operation's whole state: first as it is now, then after every change (progress at most every 100 ms). Completes after sending a final state (COMPLETED, FAILED or CANCELLED).",
    args: { id: t.arg.id({ required: true }) },
    subscribe: async function* (_root, args, context) {
      const id = String(args.id);
      // Subscribe before reading, so no change between the read and the subscription is lost.
      const updates = context.eventBus.subscribe<OperationUpdate>(topics.syncOperation(id));
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
    },
    resolve: (snapshot) => snapshot as OperationSnapshot,
  }),
}));
