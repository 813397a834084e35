import type { Logger } from '../logger.ts';
import type { SyncOperation } from './sync-operation.entity.ts';
import type { SyncOperationService } from './sync-operation.service.ts';

/**
 * Runs sync operations outside the GraphQL request that asked for them, one at a time per fabric.
 * A mutation records the operation (pending), enqueues it here by id and returns at once; the
 * runner later executes it through the handler registered for its type, and progress reaches
 * subscribers through the operation's updates.
 *
 * The in-process runner serves one gateway process. A durable runner (graphile-worker queues per
 * fabric) implements the same port: everything it needs is the operation's id.
 */
export interface OperationRunner {
  enqueue(job: OperationJob): Promise<void>;
  /** Resolves once nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops taking work and waits for what is running. */
  close(): Promise<void>;
}

export interface OperationJob {
  operationId: string;
  fabricId: string;
  /** Jobs with the same key that are still queued collapse into one (a burst of pull triggers). */
  jobKey?: string;
}

/** Who runs an operation; stored with it so that start-up can tell a dead process's work from a live one's. */
export interface RunnerInfo {
  /** This gateway process (`pg_stat_activity.application_name` carries it for the durable runner). */
  instanceId?: string;
  /** graphile-worker's worker and job ids, to release the locks a killed process left. */
  workerId?: string | null;
  jobId?: string;
}

/** Executes one operation by id; given to the runner by the composition root. */
export type ExecuteOperation = (operationId: string, options: { signal: AbortSignal; runner?: RunnerInfo }) => Promise<void>;

export interface OperationContext {
  operations: SyncOperationService;
  operation: SyncOperation;
  /** Aborted when the operation is cancelled or the gateway stops; check it between steps. */
  signal: AbortSignal;
}

export class InProcessOperationRunner implements OperationRunner {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private readonly queuedKeys = new Set<string>();
  private readonly controller = new AbortController();
  private closed = false;

  constructor(private readonly options: { logger: Logger; execute: ExecuteOperation }) {}

  async enqueue(job: OperationJob): Promise<void> {
    if (this.closed) throw new Error('the operation runner is closed');
    if (job.jobKey) {
      if (this.queuedKeys.has(job.jobKey)) return;
      this.queuedKeys.add(job.jobKey);
    }
    const previous = this.tails.get(job.fabricId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (job.jobKey) this.queuedKeys.delete(job.jobKey);
      try {
        await this.options.execute(job.operationId, { signal: this.controller.signal });
      } catch (error) {
        // The operation records its own failures; this only catches what escaped that.
        this.options.logger.error({ err: error, operationId: job.operationId }, 'operation failed outside its own error handling');
      }
    });
    this.tails.set(job.fabricId, next);
    this.running.add(next);
    void next.finally(() => {
      this.running.delete(next);
      if (this.tails.get(job.fabricId) === next) this.tails.delete(job.fabricId);
    });
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.controller.abort();
    await this.idle();
  }
}

export class OperationCancelledError extends Error {
  constructor() {
    super('the operation was cancelled');
    this.name = 'OperationCancelledError';
  }
}

/**
 * The life cycle every operation shares: in_progress with a start time, the steps, then completed,
 * or failed with the reason in `error_message` and the event log. Work that throws never leaves
 * an operation "in progress".
 */
export async function runOperation(
  context: OperationContext,
  steps: (context: OperationContext) => Promise<Partial<SyncOperation> | void>,
): Promise<void> {
  const { operations, operation } = context;
  await operations.update(operation, { status: 'in_progress', startedAt: new Date(), phase: 'starting' });
  try {
    const result = (await steps(context)) ?? {};
    await operations.update(operation, { ...result, status: 'completed', phase: 'done', completedAt: new Date() } as never, [
      { message: 'completed' },
    ]);
  } catch (error) {
    const cancelled = error instanceof OperationCancelledError || context.signal.aborted;
    const message = error instanceof Error ? error.message : String(error);
    await operations.update(
      operation,
      { status: cancelled ? 'cancelled' : 'failed', completedAt: new Date(), errorMessage: cancelled ? 'cancelled' : message },
      [{ level: cancelled ? 'warning' : 'error', message: cancelled ? 'cancelled' : message }],
    );
  }
}
