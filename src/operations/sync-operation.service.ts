import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { FabricScope } from '../auth/fabric-scope.ts';
import type { KeysetList, SortKey } from '../db/keyset-page.ts';
import { DomainError, isUuid, requireId } from '../errors.ts';
import { topics, type EventBus } from '../events/event-bus.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import { storableText } from '../hedgehog/storable-text.ts';
import type { Page } from '../db/page.ts';
import {
  SyncEventSchema,
  SyncOperationSchema,
  type OperationStatus,
  type OperationType,
  type SyncEvent,
  type SyncOperation,
} from './sync-operation.entity.ts';
import { cancelTopic } from './cancellation.ts';
import type { OperationPhase } from './operation-phases.ts';
import { estimateSecondsLeft } from './progress-estimate.ts';
import {
  cancelRequested,
  countOperations,
  eventPages,
  lockJobKey,
  operationPage,
  recordCancelRequest,
  type EventRow,
} from './operation.repository.ts';
import type { OperationJob } from './operation-runner.ts';

/** What a step may change on an operation. */
export type OperationChange = Partial<
  Pick<
    SyncOperation,
    | 'status'
    | 'progressDone'
    | 'progressTotal'
    | 'startedAt'
    | 'completedAt'
    | 'details'
    | 'errorMessage'
    | 'filesProcessed'
    | 'filesCreated'
    | 'filesUpdated'
    | 'filesDeleted'
    | 'commitSha'
    | 'pullRequestUrl'
  >
> & { phase?: OperationPhase };

/** What `finish` writes: everything a step can change. */
const OPERATION_FIELDS = [
  'status',
  'phase',
  'progressDone',
  'progressTotal',
  'startedAt',
  'completedAt',
  'details',
  'errorMessage',
  'filesProcessed',
  'filesCreated',
  'filesUpdated',
  'filesDeleted',
  'commitSha',
  'pullRequestUrl',
] as const satisfies readonly (keyof SyncOperation)[];

/** One log line of an operation. */
export interface OperationEventInput {
  level?: SyncEvent['level'];
  message: string;
  path?: string | null;
}

/** Log lines and error messages quote input (a name, a finding, a database error): kept storable. */
function storableEvent(event: OperationEventInput) {
  return {
    level: event.level ?? 'info',
    message: storableText(event.message),
    path: event.path == null ? null : storableText(event.path),
  };
}

function storableChange(change: OperationChange): OperationChange {
  return typeof change.errorMessage === 'string'
    ? { ...change, errorMessage: storableText(change.errorMessage) }
    : change;
}

/** A cursor's creation time: what operationPage's keys hold. */
const ISO_MICROSECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export interface OperationFilter {
  fabricId?: string | null;
  status?: OperationStatus | null;
  type?: OperationType | null;
}

/**
 * The operation's state at one moment, as plain data. Subscribers receive one per change, so a
 * dashboard sees every step in order even when steps follow each other faster than it reads.
 */
export type OperationSnapshot = Omit<SyncOperation, 'fabric'> & { fabric: { id: string } };

export function snapshotOf(operation: SyncOperation): OperationSnapshot {
  const { fabric, ...fields } = Object.fromEntries(
    Object.keys(operation)
      .filter((key) => typeof key === 'string')
      .map((key) => [key, (operation as Record<string, unknown>)[key]]),
  ) as unknown as SyncOperation;
  return {
    ...(fields as Omit<SyncOperation, 'fabric'>),
    details: structuredClone(operation.details),
    fabric: { id: fabric.id },
  };
}

export interface OperationUpdate {
  operationId: string;
  fabricId: string;
  snapshot: OperationSnapshot;
}

export interface NewOperation {
  fabricId: string;
  type: OperationType;
  trigger?: SyncOperation['trigger'];
  initiatedBy: string;
  details?: Record<string, unknown>;
}

export interface LaunchRequest extends NewOperation {
  /** Everything the handler needs besides the fabric (e.g. a commit message); stored with the operation. */
  details?: Record<string, unknown>;
  /** Collapses queued duplicates (e.g. `pull:<fabricId>`). */
  jobKey?: string;
}

/**
 * Where launched operations go: the runner's queue, and which types have a handler. Given by
 * the composition root, which holds both.
 */
export interface OperationQueue {
  accepts(type: OperationType): boolean;
  enqueue(job: OperationJob): Promise<void>;
}

/** A pending operation, persisted by the unit of work's next flush. */
function newOperation(em: EntityManager, input: NewOperation): SyncOperation {
  return em.create(SyncOperationSchema, {
    fabric: requireId('Fabric', input.fabricId),
    operationType: input.type,
    trigger: input.trigger ?? 'api',
    initiatedBy: input.initiatedBy,
    details: input.details ?? {},
  } as never);
}

export class SyncOperationService {
  readonly #scope: FabricScope;

  constructor(
    private readonly deps: { em: EntityManager; eventBus: EventBus; scope?: FabricScope; queue?: OperationQueue },
  ) {
    this.#scope = deps.scope ?? FabricScope.unlimited;
  }

  /** Newest first; without a fabricId, the operations of every fabric in scope. */
  async list(filter: OperationFilter, page: Page): Promise<{ items: SyncOperation[]; totalCount: number }> {
    const where: FilterQuery<SyncOperation> = {};
    const inScope = this.#scope.fabricIds;
    if (inScope) where.fabric = { $in: inScope };
    if (filter.fabricId) where.fabric = this.#scope.requireFabricId(filter.fabricId);
    if (filter.status) where.status = filter.status;
    if (filter.type) where.operationType = filter.type;
    const [items, totalCount] = await this.deps.em.findAndCount(SyncOperationSchema, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: page.limit,
      offset: page.offset,
    });
    return { items, totalCount };
  }

  /**
   * Operations newest first, paged by key ((createdAt, id) descending): the API's
   * `syncOperations`. Without a fabricId, those of every fabric in scope.
   */
  pages(filter: OperationFilter): KeysetList<SyncOperation> {
    const fabricId = filter.fabricId ? this.#scope.requireFabricId(filter.fabricId) : null;
    const where = { fabricId, fabricIds: this.#scope.fabricIds, status: filter.status, type: filter.type };
    const keys = new WeakMap<SyncOperation, SortKey>();
    return {
      name: 'syncOperations',
      scope: fabricId ?? '',
      keyCheck: [(createdAt) => ISO_MICROSECONDS.test(createdAt), isUuid],
      keyOf: (operation) => keys.get(operation) ?? [],
      read: async (page) => {
        const rows = await operationPage(this.deps.em, where, page);
        for (const row of rows) keys.set(row.operation, row.key);
        return rows.map((row) => row.operation);
      },
      count: () => countOperations(this.deps.em, where),
    };
  }

  async get(id: string): Promise<SyncOperation> {
    const operation = await this.deps.em.findOne(SyncOperationSchema, {
      id: this.#scope.requireId('Sync operation', id),
    });
    return this.#scope.require('Sync operation', id, operation, (row) => row.fabric.id);
  }

  /** A fresh read, bypassing this unit of work's identity map (subscriptions outlive requests). */
  async getFresh(id: string): Promise<OperationSnapshot> {
    const operation = await this.deps.em
      .fork()
      .findOne(SyncOperationSchema, { id: this.#scope.requireId('Sync operation', id) });
    return snapshotOf(this.#scope.require('Sync operation', id, operation, (row) => row.fabric.id));
  }

  async create(input: NewOperation): Promise<SyncOperation> {
    const operation = newOperation(this.deps.em, input);
    await this.deps.em.flush();
    this.publish(operation);
    return operation;
  }

  /** Records a pending operation and enqueues it; returns at once. */
  async launch(request: LaunchRequest): Promise<SyncOperation> {
    const queue = this.deps.queue;
    if (!queue) throw new Error('operations cannot be launched from this unit of work');
    if (!queue.accepts(request.type)) throw new Error(`no handler is registered for ${request.type} operations`);
    let operation: SyncOperation;
    if (request.jobKey) {
      // A queued operation with the same key stands for this request too (its job is the one kept).
      const recorded = await this.createUnlessQueued({ ...request, jobKey: request.jobKey });
      if (!recorded.created) return recorded.operation;
      operation = recorded.operation;
    } else {
      operation = await this.create(request);
    }
    try {
      await queue.enqueue({ operationId: operation.id, fabricId: request.fabricId, jobKey: request.jobKey });
    } catch (error) {
      // Never left pending with no job behind it: a durable queue would not find it again.
      const reason = `could not be queued: ${error instanceof Error ? error.message : String(error)}`;
      await this.transition(operation, 'pending', { status: 'failed', completedAt: new Date(), errorMessage: reason }, [
        { level: 'error', message: reason },
      ]);
      throw error;
    }
    return operation;
  }

  /**
   * A queued operation is cancelled at once; a running one stops at its next step boundary (its
   * writes happen in one flush after the last boundary, so nothing is half-written).
   */
  async cancel(input: { operationId: string; actor: string }): Promise<SyncOperation> {
    const operation = await this.get(input.operationId);
    if (operation.status === 'pending') {
      const cancelled = await this.transition(
        operation,
        'pending',
        { status: 'cancelled', completedAt: new Date(), errorMessage: 'cancelled' },
        [{ level: 'warning', message: `cancelled by ${input.actor} before it started` }],
      );
      if (cancelled) return operation;
      // It started meanwhile (here or on another replica): cancel it as a running one.
    }
    if (operation.status === 'in_progress' && (await this.requestCancel(operation, input.actor))) {
      // The replica running it (this one or another, through the event bus) stops at its next step boundary.
      this.deps.eventBus.publish(cancelTopic(operation.id), { by: input.actor });
      return operation;
    }
    throw new DomainError(
      'INVALID_INPUT',
      `The operation has already ${operation.status === 'completed' ? 'completed' : 'ended'} (${operation.status})`,
    );
  }

  /**
   * The pending operation of this type and job key, or a new one: decided under a transaction
   * lock on the key, so two launches at once (a webhook and a head check, two replicas) make
   * one operation, never two whose second job would replace the first's and strand it pending.
   */
  async createUnlessQueued(
    input: NewOperation & { jobKey: string },
  ): Promise<{ operation: SyncOperation; created: boolean }> {
    const { id, created } = await this.deps.em.transactional(async (em) => {
      await lockJobKey(em, input.jobKey);
      const queued = await em.findOne(SyncOperationSchema, {
        fabric: input.fabricId,
        status: 'pending',
        operationType: input.type,
        details: { jobKey: input.jobKey },
      } as never);
      if (queued) return { id: queued.id, created: false };
      const operation = newOperation(em, { ...input, details: { ...input.details, jobKey: input.jobKey } });
      return { id: operation.id, created: true };
    });
    const operation = await this.get(id);
    if (created) this.publish(operation);
    return { operation, created };
  }

  /**
   * Applies a change to the operation, appends log events, and tells subscribers. An operation
   * that fails or is cancelled is written on a unit of work of its own (see `finish`).
   */
  async update(operation: SyncOperation, change: OperationChange, events: OperationEventInput[] = []): Promise<void> {
    if (change.status === 'failed' || change.status === 'cancelled') return this.finish(operation, change, events);
    this.deps.em.assign(operation, storableChange(change) as never);
    const created = events.map((event) =>
      this.deps.em.create(SyncEventSchema, { operation, ...storableEvent(event) } as never),
    );
    await this.deps.em.flush();
    // Written once and never changed: kept in the unit of work, every later flush of a long
    // operation (a pull of 50,000 files reports 250 batches) would compare them all again.
    const unitOfWork = this.deps.em.getUnitOfWork();
    for (const event of created) unitOfWork.unsetIdentity(event);
    this.publish(operation);
  }

  /**
   * Records the end of an operation that did not complete, apart from the shared unit of work:
   * the step that failed may have left it unflushable (a row the database refused), and what it
   * left there must neither keep the operation in progress nor be written half done. Every field
   * of the operation as it stands in memory is written (a commit it made included, even when the
   * update that reported it could not be flushed).
   */
  private async finish(
    operation: SyncOperation,
    change: OperationChange,
    events: OperationEventInput[],
  ): Promise<void> {
    this.deps.em.assign(operation, storableChange(change) as never);
    const fields: Record<string, unknown> = { updatedAt: new Date() };
    for (const key of OPERATION_FIELDS) fields[key] = operation[key];
    await this.deps.em.fork().transactional(async (em) => {
      await em.nativeUpdate(SyncOperationSchema, { id: operation.id }, fields);
      const reference = em.getReference(SyncOperationSchema, operation.id);
      for (const event of events)
        em.create(SyncEventSchema, { operation: reference, ...storableEvent(event) } as never);
    });
    this.publish(operation);
  }

  /**
   * Records an operation's end on a unit of work of its own, for when the caller's failed (the
   * database went away mid-flush and may have left it half done). Applies only while the row is
   * still in progress, so it never overwrites an end recorded meanwhile.
   */
  async settle(operationId: string, change: OperationChange, events: OperationEventInput[] = []): Promise<void> {
    const em = this.deps.em.fork();
    await em.transactional(async (tx) => {
      const applied = await tx.nativeUpdate(SyncOperationSchema, { id: operationId, status: 'in_progress' }, {
        ...storableChange(change),
        updatedAt: new Date(),
      } as never);
      if (applied === 0) return;
      for (const event of events)
        tx.create(SyncEventSchema, {
          operation: requireId('Sync operation', operationId),
          ...storableEvent(event),
        } as never);
    });
    const operation = await em.findOne(SyncOperationSchema, { id: operationId }, { disableIdentityMap: true });
    if (operation) this.publish(operation);
  }

  /** True when the database answers a trivial query on a connection of its own. */
  async databaseAnswers(): Promise<boolean> {
    try {
      await this.deps.em.fork().getConnection().execute('select 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Applies `change` only while the operation still has status `from` (one conditional UPDATE), so
   * two replicas can never both start it, nor cancel it while another starts it. True when it
   * applied; the entity is re-read either way.
   */
  async transition(
    operation: SyncOperation,
    from: OperationStatus,
    change: Partial<Pick<SyncOperation, 'status' | 'phase' | 'startedAt' | 'completedAt' | 'errorMessage'>>,
    events: { level?: SyncEvent['level']; message: string; path?: string | null }[] = [],
  ): Promise<boolean> {
    const applied = await this.deps.em.nativeUpdate(
      SyncOperationSchema,
      { id: operation.id, status: from },
      { ...change, updatedAt: new Date() },
    );
    await this.deps.em.refresh(operation);
    if (applied === 0) return false;
    await this.update(operation, {}, events);
    return true;
  }

  /**
   * Records a cancel request on a running operation without overwriting what the replica running
   * it writes to `details` meanwhile (a JSON merge in SQL). False when it is no longer running.
   */
  async requestCancel(operation: SyncOperation, actor: string): Promise<boolean> {
    const applied = await recordCancelRequest(this.deps.em, operation.id, actor);
    await this.deps.em.refresh(operation);
    if (!applied) return false;
    await this.update(operation, {}, [{ level: 'warning', message: `cancel requested by ${actor}` }]);
    return true;
  }

  /** True when a cancel of the operation was recorded (read from the database: another replica may have written it). */
  cancelRequested(operationId: string): Promise<boolean> {
    return cancelRequested(this.deps.em, operationId);
  }

  /** Events of many operations in one statement (the GraphQL layer batches per request). */
  async eventsOf(operationIds: readonly string[]): Promise<Map<string, SyncEvent[]>> {
    const events = await this.deps.em.find(
      SyncEventSchema,
      { operation: { $in: [...operationIds] } },
      // Not from the identity map: a long-lived subscription must see events written since.
      { orderBy: { time: 'asc', id: 'asc' }, disableIdentityMap: true },
    );
    const byOperation = new Map<string, SyncEvent[]>(operationIds.map((id) => [id, []]));
    for (const event of events) byOperation.get(event.operation.id)?.push(event);
    return byOperation;
  }

  /**
   * The same page of the log of each operation (operations already loaded through this service),
   * with each log's length; one statement, or two when some page is past its log's end.
   */
  async eventPagesOf(
    operationIds: readonly string[],
    page: { offset: number; limit: number; newestFirst: boolean },
  ): Promise<Map<string, { items: EventRow[]; totalCount: number }>> {
    return eventPages(this.deps.em, operationIds, page);
  }

  /**
   * Publishes the operation as it would be with `change` applied, without writing it (the
   * progress reporter's timer: a move held back from the row still reaches subscribers).
   */
  publishPreview(operation: SyncOperation, change: OperationChange): void {
    const snapshot = { ...snapshotOf(operation), ...change, updatedAt: new Date() } as OperationSnapshot;
    this.publishSnapshot(snapshot);
  }

  private publish(operation: SyncOperation): void {
    this.publishSnapshot(snapshotOf(operation));
  }

  private publishSnapshot(snapshot: OperationSnapshot): void {
    const update: OperationUpdate = { operationId: snapshot.id, fabricId: snapshot.fabric.id, snapshot };
    this.deps.eventBus.publish(topics.syncOperation(snapshot.id), update);
    publishFabricEvent(this.deps.eventBus, snapshot.fabric.id, {
      type: 'OPERATION_UPDATED',
      operationId: snapshot.id,
      operationType: snapshot.operationType,
      status: snapshot.status,
      phase: snapshot.phase as OperationPhase,
      progressDone: snapshot.progressDone,
      progressTotal: snapshot.progressTotal,
      estimatedSecondsLeft: estimateSecondsLeft(snapshot, new Date()),
    });
  }
}
