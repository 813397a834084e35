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
import { builder } from '../builder.ts';
import { enumValues } from '../enums.ts';
import { connectionWithTotalCount, resolveKeysetConnection } from '../pagination.ts';
import { FabricRef } from './fabric.ts';

export const OperationTypeEnum = builder.enumType('SyncOperationType', { values: enumValues(OPERATION_TYPES) });
export const OperationStatusEnum = builder.enumType('SyncOperationStatus', { values: enumValues(OPERATION_STATUSES) });
export const OperationTriggerEnum = builder.enumType('SyncOperationTrigger', {
  values: enumValues(OPERATION_TRIGGERS),
});
export const EventLevelEnum = builder.enumType('SyncEventLevel', { values: enumValues(EVENT_LEVELS) });

const SyncEventRef = builder.objectRef<SyncEvent>('SyncEvent').implement({
  description: "One line of an operation's log.",
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime' }),
    level: t.expose('level', { type: EventLevelEnum }),
    message: t.exposeString('message'),
    path: t.exposeString('path', { nullable: true }),
  }),
});

/** Backed by the entity in queries and by a snapshot in subscriptions; both have the same fields. */
/** Linear estimate from the progress so far; pure, so queries and subscription snapshots agree. */
export function estimateSecondsLeft(
  operation: Pick<SyncOperation, 'status' | 'startedAt' | 'progressDone' | 'progressTotal'>,
  now: Date,
): number | null {
  const { startedAt, progressDone: done, progressTotal: total } = operation;
  if (operation.status !== 'in_progress' || !startedAt || done <= 0 || total <= done) return null;
  const elapsedSeconds = (now.getTime() - new Date(startedAt).getTime()) / 1000;
  return Math.max(0, Math.round((elapsedSeconds / done) * (total - done)));
}

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
    phase: t.exposeString('phase'),
    progressDone: t.exposeInt('progressDone'),
    progressTotal: t.exposeInt('progressTotal'),
    estimatedSecondsLeft: t.int({
      nullable: true,
      description:
        'Time left at the pace so far (elapsed / done × remaining); null until a step is done or once finished.',
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
    description: "The operation's whole state: first as it is now, then after every change.",
    args: { id: t.arg.id({ required: true }) },
    subscribe: async function* (_root, args, context) {
      const id = String(args.id);
      // Subscribe before reading, so no change between the read and the subscription is lost.
      const updates = context.eventBus.subscribe<OperationUpdate>(topics.syncOperation(id));
      try {
        yield await context.services.operations.getFresh(id);
        for await (const update of updates) yield update.snapshot;
      } finally {
        await updates.return?.();
      }
    },
    resolve: (snapshot) => snapshot as OperationSnapshot,
  }),
}));
