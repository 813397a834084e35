/**
 * The durable OperationRunner: graphile-worker jobs in the gateway's own database. One named
 * queue per fabric (`fabric:<id>`) runs one operation at a time per fabric even across gateway
 * processes; a job key collapses queued duplicates. A job only carries the operation's id, so
 * everything else stays in `sync_operation`.
 *
 * Jobs get one attempt: an operation is not idempotent halfway (a commit may have landed), so a
 * failure is recorded on the operation and a new operation is launched by whoever wants a retry.
 *
 * Shutdown (issue 11, item 9): `close` aborts every running operation's signal with a
 * GatewayShutdown reason, so each stops at its next step boundary and records "interrupted by
 * shutdown"; graphile-worker then completes its jobs and unlocks their queues. Whatever is still
 * running after `timeoutMs` is failed by graphile's forceful shutdown (which unlocks the queues
 * too) and its ids are handed back for the caller to mark. Locks a killed process left behind are
 * released at the next start by recovery.ts through `heldLocks` / `releaseLocks`.
 */
import { EventEmitter, once } from 'node:events';
import { hostname } from 'node:os';
import pg from 'pg';
import {
  makeWorkerUtils,
  run,
  type Logger as WorkerLogger,
  type Runner,
  type WorkerEvents,
  type WorkerUtils,
} from 'graphile-worker';
import { Logger as GraphileLogger } from 'graphile-worker';
import type { Logger } from '../logger.ts';
import { GatewayShutdown, type ExecuteOperation, type OperationJob, type OperationRunner } from './operation-runner.ts';

export const OPERATION_TASK = 'hedgehog_sync_operation';

export interface GraphileRunnerOptions {
  databaseUrl: string;
  logger: Logger;
  execute: ExecuteOperation;
  /** Fabrics served at once by this process (each fabric's queue is still serial). */
  concurrency?: number;
  /** Fallback poll when a notification is missed (ms). */
  pollIntervalMs?: number;
  /** Shown in `pg_stat_activity.application_name`: how other processes tell this one is alive. */
  instanceId: string;
}

export const queueNameOf = (fabricId: string) => `fabric:${fabricId}`;

/** A job or queue lock in graphile-worker's tables; `holder` is the locking worker pool's id. */
export interface HeldLock {
  holder: string;
  lockedAt: Date;
  /** Null for a queue lock. */
  jobId: string | null;
  operationId: string | null;
}

export class GraphileOperationRunner implements OperationRunner {
  private pool: pg.Pool | null = null;
  private runner: Runner | null = null;
  private utils: WorkerUtils | null = null;
  private readonly controller = new AbortController();
  private readonly finished = new EventEmitter();
  private closed = false;
  private stopped = false;
  /** This process's worker pool: the `locked_by` of the jobs it runs. */
  private poolId: string | null = null;
  /** Operations whose job runs in this process now. */
  private readonly running = new Set<string>();
  /** Set when shutdown stops waiting for running operations. */
  private abandoning = false;

  private readonly schema: string;

  constructor(private readonly options: GraphileRunnerOptions) {
    this.finished.setMaxListeners(0);
    // The default schema: graphile's migration notifications are not per schema (a second schema's
    // migration makes the other workers shut down as if their own schema had changed).
    this.schema = 'graphile_worker';
  }

  /** The pool's application name; `<prefix><instanceId>`. */
  static readonly applicationNamePrefix = 'hedgehog-gateway:';

  async start(): Promise<void> {
    // Small pool: graphile's own queries are few and short.
    this.pool = new pg.Pool({
      connectionString: this.options.databaseUrl,
      max: 4,
      application_name: `${GraphileOperationRunner.applicationNamePrefix}${this.options.instanceId}`,
    });
    // Idle connections can fail (database restart); log the message only, never the client.
    this.pool.on('error', (error) =>
      this.options.logger.warn({ err: error.message }, 'graphile-worker pool connection failed'),
    );
    this.pool.on('connect', (client) =>
      client.on('error', (error) =>
        this.options.logger.warn({ err: error.message }, 'graphile-worker connection failed'),
      ),
    );
    const logger = graphileLogger(this.options.logger);
    const common = { pgPool: this.pool, noPreparedStatements: true, logger };
    this.utils = await makeWorkerUtils(common);
    await this.utils.migrate();
    const events = new EventEmitter() as WorkerEvents;
    events.on('job:complete', () => this.finished.emit('done'));
    events.on('pool:create', ({ workerPool }) => {
      this.poolId = workerPool.id;
    });
    this.runner = await run({
      ...common,
      concurrency: this.options.concurrency ?? 4,
      pollInterval: this.options.pollIntervalMs ?? 2_000,
      noHandleSignals: true,
      events,
      taskList: {
        [OPERATION_TASK]: async (payload, helpers) => {
          const { operationId } = payload as { operationId: string };
          // Our controller aborts first on shutdown (close), so the reason is GatewayShutdown.
          const signal = AbortSignal.any([this.controller.signal, helpers.abortSignal ?? new AbortController().signal]);
          const run = this.options.execute(operationId, {
            signal,
            runner: { instanceId: this.options.instanceId, workerId: helpers.job.locked_by, jobId: helpers.job.id },
          });
          this.running.add(operationId);
          let failure: unknown = null;
          try {
            await run;
          } catch (error) {
            failure = error;
          } finally {
            this.running.delete(operationId);
          }
          // Given up on by a forceful shutdown, which already failed its job: graphile-worker must
          // not also complete or fail it now, on a pool that is gone.
          if (this.abandoning) return new Promise<never>(() => {});
          if (failure) throw failure;
        },
      },
    });
    this.watch(this.runner);
  }

  private watch(runner: Runner): void {
    runner.promise.then(
      () => {
        if (!this.closed)
          this.options.logger.error('graphile-worker stopped on its own; operations are no longer executed here');
        this.stopped = true;
      },
      (error: unknown) => {
        this.options.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          'graphile-worker failed',
        );
        this.stopped = true;
      },
    );
  }

  async enqueue(job: OperationJob): Promise<void> {
    if (this.closed || !this.utils) throw new Error('the operation runner is not running');
    await this.utils.addJob(
      OPERATION_TASK,
      { operationId: job.operationId },
      {
        queueName: queueNameOf(job.fabricId),
        maxAttempts: 1,
        ...(job.jobKey ? { jobKey: job.jobKey, jobKeyMode: 'preserve_run_at' as const } : {}),
      },
    );
  }

  /** Jobs still waiting or running, in any process. */
  async outstandingJobs(): Promise<number> {
    if (!this.pool) return 0;
    const result = await this.pool.query<{ count: string }>(
      `select count(*)::text as count from "${this.schema}".jobs where attempts < max_attempts or locked_at is not null`,
    );
    return Number(result.rows[0]?.count ?? 0);
  }

  async idle(): Promise<void> {
    while (!this.closed && (await this.outstandingJobs()) > 0) {
      // Woken by our own workers; graphile removes a finished job a moment after saying so, and
      // the timeout also covers jobs another process completes.
      await Promise.race([once(this.finished, 'done'), new Promise((resolve) => setTimeout(resolve, 50).unref())]);
    }
  }

  /** The id this process's jobs are locked with (null before the pool exists). */
  get ownLockHolder(): string | null {
    return this.poolId;
  }

  /**
   * Every job and queue lock in the database, with the operation of each locked job. Reads
   * graphile-worker's private tables (0.18): its public `jobs` view carries neither the payload
   * nor queue locks.
   */
  async heldLocks(): Promise<HeldLock[]> {
    if (!this.pool) return [];
    const { rows } = await this.pool.query<{
      holder: string;
      locked_at: Date;
      job_id: string | null;
      operation_id: string | null;
    }>(`
      select locked_by as holder, locked_at, id::text as job_id, payload->>'operationId' as operation_id
        from "${this.schema}"._private_jobs where locked_by is not null
      union all
      select locked_by, locked_at, null, null from "${this.schema}"._private_job_queues where locked_by is not null`);
    return rows.map((row) => ({
      holder: row.holder,
      lockedAt: row.locked_at,
      jobId: row.job_id,
      operationId: row.operation_id,
    }));
  }

  /** Operations with a job that is waiting or being run (a failed job's operation has none). */
  async queuedOperationIds(): Promise<Set<string>> {
    if (!this.pool) return new Set();
    const { rows } = await this.pool.query<{ operation_id: string }>(
      `select distinct payload->>'operationId' as operation_id from "${this.schema}"._private_jobs where attempts < max_attempts or locked_by is not null`,
    );
    return new Set(rows.map((row) => row.operation_id).filter(Boolean));
  }

  /**
   * Releases the locks of worker pools that no longer run (their fabric's queue moves on): the
   * jobs in `rerun` are run again (their operation never started), those in `complete` removed
   * (their operation has ended; the job has nothing left to do).
   */
  async releaseLocks(
    holders: readonly string[],
    jobs: { rerun: readonly string[]; complete: readonly string[] },
  ): Promise<void> {
    if (!this.utils) return;
    if (holders.length > 0) await this.utils.forceUnlockWorkers([...holders]);
    if (jobs.complete.length > 0) await this.utils.completeJobs([...jobs.complete]);
    // Locking a job counted its one attempt: give it back, or the unlocked job would never run.
    if (jobs.rerun.length > 0) await this.utils.rescheduleJobs([...jobs.rerun], { runAt: new Date(), attempts: 0 });
  }

  /**
   * Stops the runner: running operations are told the gateway stops and get `timeoutMs` to stop
   * at a step boundary. Returns the operations still running after that; their jobs were failed
   * (queues unlocked) by graphile-worker's forceful shutdown.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<string[]> {
    if (this.closed) return [];
    this.closed = true;
    // Synchronous, first: an operation between two steps must see it at its very next check.
    this.controller.abort(new GatewayShutdown());
    let leftRunning: string[] = [];
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (this.runner && !this.stopped) {
      const runner = this.runner;
      let timer: NodeJS.Timeout | undefined;
      const graceful = runner.stop('the gateway is stopping').then(
        () => true,
        (error: unknown) => {
          this.options.logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'graphile-worker did not stop cleanly',
          );
          return true;
        },
      );
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const stoppedInTime = await Promise.race([graceful, timedOut]);
      clearTimeout(timer);
      if (!stoppedInTime) {
        leftRunning = [...this.running];
        this.abandoning = true;
        this.options.logger.warn({ operations: leftRunning }, 'operations did not stop in time; failing their jobs');
        await settledWithin(
          timeoutMs,
          runner.kill('the gateway is stopping; the operation did not stop in time'),
          (error) => {
            this.options.logger.warn({ err: error }, 'graphile-worker did not stop cleanly');
          },
        );
      }
    }
    // Bounded too: a connection stuck on a database that went away must not hold the process.
    await settledWithin(
      timeoutMs,
      (async () => {
        await this.utils?.release();
        await this.pool?.end();
      })(),
      (error) => this.options.logger.warn({ err: error }, 'graphile-worker connections did not close cleanly'),
    );
    return leftRunning;
  }
}

/** Waits for `promise` at most `ms`; reports a rejection or the timeout to `onProblem`, never throws. */
async function settledWithin(ms: number, promise: Promise<unknown>, onProblem: (error: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onProblem(`still waiting after ${ms} ms; going on`);
      resolve();
    }, ms);
  });
  await Promise.race([
    promise.then(
      () => {},
      (error: unknown) => onProblem(error instanceof Error ? error.message : String(error)),
    ),
    timedOut,
  ]);
  clearTimeout(timer);
}

export function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
}

function graphileLogger(logger: Logger): WorkerLogger {
  return new GraphileLogger(() => (level, message, meta) => {
    const fields = {
      component: 'graphile-worker',
      ...(meta && typeof meta === 'object' ? { meta: JSON.stringify(meta).slice(0, 500) } : {}),
    };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}
