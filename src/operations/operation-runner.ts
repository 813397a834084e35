import type { Logger } from '../logger.ts';

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
export type ExecuteOperation = (
  operationId: string,
  options: { signal: AbortSignal; runner?: RunnerInfo },
) => Promise<void>;

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
        this.options.logger.error(
          { err: error, operationId: job.operationId },
          'operation failed outside its own error handling',
        );
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
