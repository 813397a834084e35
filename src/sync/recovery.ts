/**
 * Start-up recovery: an operation left `in_progress` by a process that no longer runs is marked
 * failed with the reason (Git and the database are consistent again after the next pull, which
 * starts from the recorded `lastPulledCommit`; a commit that landed is found there and its drafts
 * cleared, never committed twice). Operations still pending are handed to the runner again when
 * the runner is not durable (their in-memory queue died with the process).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
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
  /** Releases job locks of dead graphile workers so their fabric's queue moves on. */
  releaseWorkers?: (workerIds: string[], jobIds: string[]) => Promise<void>;
}

export interface RecoveryResult {
  failed: string[];
  requeued: string[];
}

export async function recoverInterruptedOperations(options: RecoveryOptions): Promise<RecoveryResult> {
  const em = options.em.fork();
  const operations = new SyncOperationService({ em, eventBus: options.eventBus });
  const result: RecoveryResult = { failed: [], requeued: [] };
  const workerIds: string[] = [];
  const jobIds: string[] = [];
  for (const operation of await em.find(SyncOperationSchema, { status: 'in_progress' }, { orderBy: { createdAt: 'asc' } })) {
    const runner = (operation.details.runner ?? {}) as RunnerInfo;
    if (runner.instanceId && isLive(runner.instanceId, options.liveInstances)) continue;
    const reason = `interrupted: the gateway process running it stopped during "${operation.phase}"; the next pull repairs from the last recorded commit`;
    await operations.update(operation, { status: 'failed', completedAt: new Date(), errorMessage: reason }, [{ level: 'error', message: reason }]);
    if (runner.workerId) workerIds.push(runner.workerId);
    if (runner.jobId) jobIds.push(runner.jobId);
    result.failed.push(operation.id);
  }
  if (options.releaseWorkers && (workerIds.length > 0 || jobIds.length > 0)) await options.releaseWorkers(workerIds, jobIds);
  if (!options.durableQueue) {
    for (const operation of await em.find(SyncOperationSchema, { status: 'pending' }, { orderBy: { createdAt: 'asc' } })) {
      const jobKey = typeof operation.details.jobKey === 'string' ? operation.details.jobKey : undefined;
      await options.runner.enqueue({ operationId: operation.id, fabricId: operation.fabric.id, jobKey });
      result.requeued.push(operation.id);
    }
  }
  if (result.failed.length > 0 || result.requeued.length > 0) options.logger.warn(result, 'recovered operations of a stopped gateway process');
  return result;
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
    const rows = await em.getConnection().execute<{ application_name: string }[]>(
      `select distinct application_name from pg_stat_activity where application_name like ?`,
      [`${prefix}%`],
    );
    for (const row of rows) live.add(row.application_name.slice(prefix.length));
  }
  return live;
}
