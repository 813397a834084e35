/**
 * The durable OperationRunner: graphile-worker jobs in the gateway's own database. One named
 * queue per fabric (`fabric:<id>`) runs one operation at a time per fabric even across gateway
 * processes; a job key collapses queued duplicates. A job only carries the operation's id, so
 * everything else stays in `sync_operation`.
 *
 * Jobs get one attempt: an operation is not idempotent halfway (a commit may have landed), so a
 * failure is recorded on the operation and a new operation is launched by whoever wants a retry.
 */
import { EventEmitter, once } from 'node:events';
import { hostname } from 'node:os';
import pg from 'pg';
import { makeWorkerUtils, run, type Logger as WorkerLogger, type Runner, type WorkerEvents, type WorkerUtils } from 'graphile-worker';
import { Logger as GraphileLogger } from 'graphile-worker';
import type { Logger } from '../logger.ts';
import type { ExecuteOperation, OperationJob, OperationRunner } from './operation-runner.ts';

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

export class GraphileOperationRunner implements OperationRunner {
  private pool: pg.Pool | null = null;
  private runner: Runner | null = null;
  private utils: WorkerUtils | null = null;
  private readonly controller = new AbortController();
  private readonly finished = new EventEmitter();
  private closed = false;
  private stopped = false;

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
    // Small pool: on PGlite every connection shares one session, so more connections buy nothing.
    this.pool = new pg.Pool({
      connectionString: this.options.databaseUrl,
      max: 4,
      application_name: `${GraphileOperationRunner.applicationNamePrefix}${this.options.instanceId}`,
    });
    // Idle connections can fail (database restart); log the message only, never the client.
    this.pool.on('error', (error) => this.options.logger.warn({ err: error.message }, 'graphile-worker pool connection failed'));
    this.pool.on('connect', (client) => client.on('error', (error) => this.options.logger.warn({ err: error.message }, 'graphile-worker connection failed')));
    const logger = graphileLogger(this.options.logger);
    const common = { pgPool: this.pool, noPreparedStatements: true, logger };
    this.utils = await makeWorkerUtils(common);
    await this.utils.migrate();
    const events = new EventEmitter() as WorkerEvents;
    events.on('job:complete', () => this.finished.emit('done'));
    this.runner = await run({
      ...common,
      concurrency: this.options.concurrency ?? 4,
      pollInterval: this.options.pollIntervalMs ?? 2_000,
      noHandleSignals: true,
      events,
      taskList: {
        [OPERATION_TASK]: async (payload, helpers) => {
          const { operationId } = payload as { operationId: string };
          const signal = AbortSignal.any([this.controller.signal, helpers.abortSignal ?? new AbortController().signal]);
          await this.options.execute(operationId, {
            signal,
            runner: { instanceId: this.options.instanceId, workerId: helpers.job.locked_by, jobId: helpers.job.id },
          });
        },
      },
    });
    this.watch(this.runner);
  }

  private watch(runner: Runner): void {
    runner.promise.then(
      () => {
        if (!this.closed) this.options.logger.error('graphile-worker stopped on its own; operations are no longer executed here');
        this.stopped = true;
      },
      (error: unknown) => {
        this.options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'graphile-worker failed');
        this.stopped = true;
      },
    );
  }

  async enqueue(job: OperationJob): Promise<void> {
    if (this.closed || !this.utils) throw new Error('the operation runner is not running');
    await this.utils.addJob(OPERATION_TASK, { operationId: job.operationId }, {
      queueName: queueNameOf(job.fabricId),
      maxAttempts: 1,
      ...(job.jobKey ? { jobKey: job.jobKey, jobKeyMode: 'preserve_run_at' as const } : {}),
    });
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

  /** Releases the job locks a dead process left behind, so its fabric's queue moves on. */
  async releaseWorkers(workerIds: readonly string[], jobIds: readonly string[]): Promise<void> {
    if (!this.utils) return;
    if (workerIds.length > 0) await this.utils.forceUnlockWorkers([...workerIds]);
    if (jobIds.length > 0) await this.utils.completeJobs([...jobIds]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.controller.abort();
    if (this.runner && !this.stopped) await this.runner.stop();
    await this.utils?.release();
    await this.pool?.end();
  }
}

export function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
}

function graphileLogger(logger: Logger): WorkerLogger {
  return new GraphileLogger(() => (level, message, meta) => {
    const fields = { component: 'graphile-worker', ...(meta && typeof meta === 'object' ? { meta: JSON.stringify(meta).slice(0, 500) } : {}) };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}
