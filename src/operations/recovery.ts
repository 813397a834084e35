/**
 * Start-up recovery: an operation left `in_progress` by a process that no longer runs is marked
 * failed with the reason (Git and the database are consistent again after the next pull, which
 * starts from the recorded `lastPulledCommit`; a commit that landed is found there and its drafts
 * cleared, never committed twice). Operations still pending are handed to the runner again when
 * the runner is not durable (their in-memory queue died with the process).
 *
 * With the durable runner, job and queue locks held by worker pools that no longer run are
 * released (issue 11, item 9: a killed or stopped gateway left `fabric:<id>` locked and every later
 * operation of that fabric pending). A lock is live when its job runs an operation that is still
 * in progress (after the step above, only live processes' are), when this process holds it, or
 * when it was taken moments ago for an operation about to start while another replica is
 * connected. Every other lock is stale: its job runs again if its operation never started, and is
 * removed if its operation has ended. A pending operation left with no job at all is queued again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import type { HeldLock } from './graphile-runner.ts';
import type { OperationRunner, RunnerInfo } from './operation-runner.ts';
import { SyncOperationSchema } from './sync-operation.entity.ts';
import { SyncOperationService } from './sync-operation.service.ts';

export interface RecoveryOptions {
  em: EntityManager;
  eventBus: EventBus;
  logger: Logger;
  runner: OperationRunner;
  /** Instances whose operations must be left alone (this one and any other live process). */
  liveInstances: ReadonlySet<string>;
  /** True when queued jobs survive a restart (graphile-worker); false for the in-process runner. */
  durableQueue: boolean;
  /** The durable runner's locks (absent for the in-process runner). */
  locks?: QueueLocks;
  /** This process's instance id (its own locks are never released). */
  instanceId?: string;
}

/** What recovery needs of the durable runner (GraphileOperationRunner implements it). */
export interface QueueLocks {
  readonly ownLockHolder: string | null;
  heldLocks(): Promise<HeldLock[]>;
  queuedOperationIds(): Promise<Set<string>>;
  releaseLocks(
    holders: readonly string[],
    jobs: { rerun: readonly string[]; complete: readonly string[] },
  ): Promise<void>;
}

export interface RecoveryResult {
  failed: string[];
  requeued: string[];
  /** Lock holders (worker pools of stopped processes) whose locks were released. */
  released: string[];
}

/** A lock younger than this on an operation about to start may be a live replica's, in the moment between locking and starting. */
const STARTING_LOCK_MS = 60_000;

export async function recoverInterruptedOperations(options: RecoveryOptions): Promise<RecoveryResult> {
  const em = options.em.fork();
  const operations = new SyncOperationService({ em, eventBus: options.eventBus });
  const result: RecoveryResult = { failed: [], requeued: [], released: [] };
  for (const operation of await em.find(
    SyncOperationSchema,
    { status: 'in_progress' },
    { orderBy: { createdAt: 'asc' } },
  )) {
    const runner = (operation.details.runner ?? {}) as RunnerInfo;
    if (runner.instanceId && isLive(runner.instanceId, options.liveInstances)) continue;
    const reason = `interrupted: the gateway process running it stopped during "${operation.phase}"; the next pull repairs from the last recorded commit`;
    await operations.update(operation, { status: 'failed', completedAt: new Date(), errorMessage: reason }, [
      { level: 'error', message: reason },
    ]);
    result.failed.push(operation.id);
  }
  if (options.locks) {
    result.released = await releaseStaleLocks(em, options.locks, otherInstancesLive(options));
    // A pending operation whose job was failed or lost (a forceful shutdown) would wait forever.
    const queued = await options.locks.queuedOperationIds();
    for (const operation of await em.find(
      SyncOperationSchema,
      { status: 'pending' },
      { orderBy: { createdAt: 'asc' } },
    )) {
      if (queued.has(operation.id)) continue;
      const jobKey = typeof operation.details.jobKey === 'string' ? operation.details.jobKey : undefined;
      await options.runner.enqueue({ operationId: operation.id, fabricId: operation.fabric.id, jobKey });
      result.requeued.push(operation.id);
    }
  }
  if (!options.durableQueue) {
    for (const operation of await em.find(
      SyncOperationSchema,
      { status: 'pending' },
      { orderBy: { createdAt: 'asc' } },
    )) {
      const jobKey = typeof operation.details.jobKey === 'string' ? operation.details.jobKey : undefined;
      await options.runner.enqueue({ operationId: operation.id, fabricId: operation.fabric.id, jobKey });
      result.requeued.push(operation.id);
    }
  }
  if (result.failed.length > 0 || result.requeued.length > 0 || result.released.length > 0) {
    options.logger.warn(result, 'recovered operations of a stopped gateway process');
  }
  return result;
}

function otherInstancesLive(options: RecoveryOptions): boolean {
  return [...options.liveInstances].some(
    (id) => id !== options.instanceId && !(options.instanceId ?? '').startsWith(id),
  );
}

async function releaseStaleLocks(em: EntityManager, locks: QueueLocks, otherInstancesLive: boolean): Promise<string[]> {
  const held = await locks.heldLocks();
  if (held.length === 0) return [];
  const ids = [...new Set(held.map((lock) => lock.operationId).filter((id): id is string => id !== null))];
  const statuses = new Map(
    (await em.find(SyncOperationSchema, { id: { $in: ids } }, { fields: ['id', 'status'] })).map((row) => [
      row.id,
      row.status,
    ]),
  );
  const live = new Set<string>(locks.ownLockHolder ? [locks.ownLockHolder] : []);
  const now = Date.now();
  for (const lock of held) {
    const status = lock.operationId ? statuses.get(lock.operationId) : undefined;
    if (status === 'in_progress') live.add(lock.holder);
    if (status === 'pending' && otherInstancesLive && now - lock.lockedAt.getTime() < STARTING_LOCK_MS)
      live.add(lock.holder);
  }
  const stale = held.filter((lock) => !live.has(lock.holder));
  if (stale.length === 0) return [];
  const rerun: string[] = [];
  const complete: string[] = [];
  for (const lock of stale) {
    if (!lock.jobId) continue;
    if (lock.operationId && statuses.get(lock.operationId) === 'pending') rerun.push(lock.jobId);
    else complete.push(lock.jobId);
  }
  const holders = [...new Set(stale.map((lock) => lock.holder))];
  await locks.releaseLocks(holders, { rerun, complete });
  return holders;
}

/** PostgreSQL keeps 63 bytes of an application name: a long instance id is seen cut short. */
function isLive(instanceId: string, live: ReadonlySet<string>): boolean {
  if (live.has(instanceId)) return true;
  for (const seen of live) if (seen.length >= 24 && instanceId.startsWith(seen)) return true;
  return false;
}

/** Gateway instances with an open connection to the database (the durable runner and the event bus name theirs). */
export async function liveGatewayInstances(em: EntityManager, prefixes: readonly string[]): Promise<Set<string>> {
  const live = new Set<string>();
  for (const prefix of prefixes) {
    const rows = await em
      .getConnection()
      .execute<{ application_name: string }[]>(
        `select distinct application_name from pg_stat_activity where application_name like ?`,
        [`${prefix}%`],
      );
    for (const row of rows) live.add(row.application_name.slice(prefix.length));
  }
  return live;
}
