import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { FabricSchema } from '../fabric/fabric.entity.ts';

export const OPERATION_TYPES = [
  'directory_init',
  'ingestion',
  'pull',
  'push',
  'bidirectional',
  'conflict_resolution',
  'cluster_refresh',
] as const;
export const OPERATION_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export const OPERATION_TRIGGERS = ['api', 'webhook', 'schedule'] as const;
export const EVENT_LEVELS = ['debug', 'info', 'warning', 'error'] as const;

export type OperationType = (typeof OPERATION_TYPES)[number];
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export const SyncOperationSchema = defineEntity({
  name: 'SyncOperation',
  tableName: 'sync_operation',
  indexes: [
    // The API lists operations newest first, paged by (createdAt, id): one fabric's, or every fabric's.
    { properties: ['fabric', 'createdAt', 'id'], name: 'sync_operation_fabric_created_id_idx' },
    { properties: ['createdAt', 'id'], name: 'sync_operation_created_id_idx' },
    { properties: ['status'], name: 'sync_operation_status_idx' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    fabric: () => p.manyToOne(FabricSchema).deleteRule('cascade').ref(),
    operationType: p.enum(OPERATION_TYPES),
    status: p.enum(OPERATION_STATUSES).default('pending'),
    phase: p.string().length(64).default('queued'),
    progressDone: p.integer().default(0),
    progressTotal: p.integer().default(0),
    trigger: p.enum(OPERATION_TRIGGERS).default('api'),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    details: p
      .json<Record<string, unknown>>()
      .defaultRaw(`'{}'`)
      .onCreate(() => ({})),
    errorMessage: p.text().nullable(),
    filesProcessed: p.integer().default(0),
    filesCreated: p.integer().default(0),
    filesUpdated: p.integer().default(0),
    filesDeleted: p.integer().default(0),
    commitSha: p.string().length(64).nullable(),
    pullRequestUrl: p.text().nullable(),
    initiatedBy: p.string().length(255).default('system'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type SyncOperation = InferEntity<typeof SyncOperationSchema>;

export const SyncEventSchema = defineEntity({
  name: 'SyncEvent',
  tableName: 'sync_event',
  indexes: [{ properties: ['operation', 'time'], name: 'sync_event_operation_time_idx' }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    operation: () => p.manyToOne(SyncOperationSchema).deleteRule('cascade').ref(),
    time: p.datetime().onCreate(() => new Date()),
    level: p.enum(EVENT_LEVELS).default('info'),
    message: p.text(),
    path: p.text().nullable(),
  },
});

export type SyncEvent = InferEntity<typeof SyncEventSchema>;
