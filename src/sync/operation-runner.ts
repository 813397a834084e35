import type { Logger } from '../logger.ts';
import type { SyncOperation } from './sync-operation.entity.ts';
import type { OperationChange, OperationEventInput, SyncOperationService } from './sync-operation.service.ts';

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
  /**
   * Stops taking work, tells running operations the gateway is stopping (their signal aborts with
   * a GatewayShutdown reason), and waits for them to stop at their next step boundary: at most
   * `timeoutMs` for the durable runner, which then releases their jobs (see graphile-runner.ts).
   * Resolves with the operations still running when it stopped waiting.
   */
  close(options?: { timeoutMs?: number }): Promise<string[]>;
}

/** The abort reason of an operation's signal when the gateway process stops (Ctrl-C, SIGTERM). */
export class GatewayShutdown extends Error {
  constructor() {
    super('interrupted by shutdown');
    this.name = 'GatewayShutdown';
  }
}

export const stoppedByShutdown = (signal: AbortSignal) => signal.aborted && signal.reason instanceof GatewayShutdown;

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
  logger?: Logger;
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

  async close(): Promise<string[]> {
    this.closed = true;
    this.controller.abort(new GatewayShutdown());
    // Nothing to release: the queue lives in this process. Operations stop at their next step.
    await this.idle();
    return [];
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
 * an operation "in progress": when the end cannot be recorded because the database went away,
 * it is recorded on a unit of work of its own as soon as the database answers again (issue 11,
 * item 8). An operation stopped because the gateway stops fails "interrupted by shutdown"; one a
 * user cancelled is cancelled. A commit that landed stays on the row (`commitSha`) either way.
 */
export async function runOperation(
  context: OperationContext,
  steps: (context: OperationContext) => Promise<Partial<SyncOperation> | void>,
): Promise<void> {
  const { operations, operation } = context;
  await operations.update(operation, { status: 'in_progress', startedAt: new Date(), phase: 'starting' });
  let change: OperationChange;
  let events: OperationEventInput[];
  try {
    const result = (await steps(context)) ?? {};
    change = { ...result, status: 'completed', phase: 'done', completedAt: new Date() } as OperationChange;
    events = [{ message: 'completed' }];
  } catch (error) {
    ({ change, events } = failureOf(operation, error, context.signal));
  }
  await recordEnd(context, change, events);
}


function failureOf(operation: SyncOperation, error: unknown, signal: AbortSignal): { change: OperationChange; events: OperationEventInput[] } {
  const message = error instanceof Error ? error.message : String(error);
  // Set in memory as soon as a commit lands, even when recording it is what failed.
  const landed = operation.commitSha ? `; commit ${operation.commitSha} landed, and the next pull records it` : '';
  if (stoppedByShutdown(signal)) {
    const reason = `interrupted by shutdown during "${operation.phase}"${landed || '; the next operation on this fabric starts from the last recorded commit'}`;
    const events: OperationEventInput[] = [{ level: 'error', message: reason }];
    // What the step was doing when it stopped, if it stopped with an error of its own.
    if (!(error instanceof OperationCancelledError)) events.unshift({ level: 'warning', message: `while stopping: ${message}` });
    return { change: { status: 'failed', completedAt: new Date(), errorMessage: reason, commitSha: operation.commitSha }, events };
  }
  if (error instanceof OperationCancelledError || signal.aborted) {
    return { change: { status: 'cancelled', completedAt: new Date(), errorMessage: 'cancelled', commitSha: operation.commitSha }, events: [{ level: 'warning', message: 'cancelled' }] };
  }
  const reason = `${message}${landed}`;
  return { change: { status: 'failed', completedAt: new Date(), errorMessage: reason, commitSha: operation.commitSha }, events: [{ level: 'error', message: reason }] };
}

/** Delays between attempts to record an operation's end while the database is unreachable. */
const RECORD_RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

async function recordEnd(context: OperationContext, change: OperationChange, events: OperationEventInput[]): Promise<void> {
  const { operations, operation } = context;
  try {
    await operations.update(operation, change, events);
    return;
  } catch (error) {
    context.logger?.warn({ operationId: operation.id, err: error instanceof Error ? error.message : String(error) }, 'could not record the end of an operation; retrying until the database answers');
  }
  for (let attempt = 0; ; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)]));
    try {
      // The unit of work that failed may hold a half-done flush: this one only writes the end.
      await operations.settle(operation.id, change, events);
      context.logger?.info({ operationId: operation.id, status: change.status }, 'recorded the end of an operation after the database came back');
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (await operations.databaseAnswers()) {
        // The database is back (or never left): once more, then, if it refuses this end itself, a plain failure.
        const refusal = await operations.settle(operation.id, change, events).then(() => null, (again: unknown) => (again instanceof Error ? again.message : String(again)));
        if (refusal === null) return;
        // settle() stores the reason escaped where it quotes text the database cannot hold.
        const refused = `the end of this operation could not be recorded: ${refusal}`;
        await operations.settle(operation.id, { status: 'failed', completedAt: new Date(), errorMessage: refused, commitSha: operation.commitSha }, [{ level: 'error', message: refused }])
          .catch((again: unknown) => context.logger?.error({ operationId: operation.id, err: again instanceof Error ? again.message : String(again) }, 'could not record the end of an operation'));
        return;
      }
      // A stopping gateway gives up after a few tries: start-up recovery marks the row interrupted.
      if (context.signal.aborted && attempt >= 3) {
        context.logger?.error({ operationId: operation.id, err: reason }, 'gave up recording the end of an operation; the next start marks it interrupted');
        return;
      }
    }
  }
}
