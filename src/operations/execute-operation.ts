/**
 * Executing an operation: claimed by one conditional update, run through the handler registered
 * for its type in a unit of work of its own, and its end recorded whatever happens. The runners
 * call `executeOperation` with nothing but the operation's id.
 */
import type { Logger } from '../logger.ts';
import { OperationCancelledError } from './cancellation.ts';
import type { OperationHandlers } from './operation-handler.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { stoppedByShutdown, type RunnerInfo } from './operation-runner.ts';
import type { SyncOperation } from './sync-operation.entity.ts';
import type { OperationChange, OperationEventInput, SyncOperationService } from './sync-operation.service.ts';

/** What the engine itself needs of a unit of work; the caller's `Services` has it. */
export interface OperationUnitOfWork {
  operations: SyncOperationService;
}

/** Given by the composition root: the handler table and how to open a unit of work. */
export interface OperationEngine<S extends OperationUnitOfWork> {
  handlers: OperationHandlers<S>;
  openUnitOfWork: () => S;
  logger?: Logger;
  /** Told how each operation this process ran ended, and how long it took from its claim (metrics). */
  onEnded?: (type: string, status: string, seconds: number) => void;
}

/**
 * Runs one operation by id in a unit of work of its own, through the handler for its type. The
 * runners call this; it is all a durable queue needs to store.
 */
export async function executeOperation<S extends OperationUnitOfWork>(
  engine: OperationEngine<S>,
  operationId: string,
  options: { signal: AbortSignal; runner?: RunnerInfo },
): Promise<void> {
  const services = engine.openUnitOfWork();
  const { operations } = services;
  const operation = await operations.get(operationId);
  if (operation.status !== 'pending') return; // already run (a retried or duplicate job)
  // The gateway is stopping: never start now. It stays pending, and the next start queues it again.
  if (options.signal.aborted) return;
  // Claimed with one conditional update: a cancel (or another runner) that came first wins.
  if (
    !(await operations.transition(operation, 'pending', {
      status: 'in_progress',
      startedAt: new Date(),
      phase: 'starting',
    }))
  )
    return;
  // Flushed with the in_progress mark: start-up recovery reads it.
  if (options.runner) operation.details = { ...operation.details, runner: options.runner };
  const steps = engine.handlers[operation.operationType];
  const { signal } = options;
  const claimed = performance.now();
  // Counter moves are throttled here, for every handler alike (see progress-reporter.ts).
  const reporter = new ProgressReporter({
    write: (change, events) => operations.update(operation, change, events),
    preview: (change) => operations.publishPreview(operation, change),
  });
  const status = await runOperation(
    { operations, operation, signal, logger: engine.logger, held: () => reporter.close() },
    async () => {
      if (!steps) throw new Error(`no handler is registered for ${operation.operationType} operations`);
      return steps({ operation, signal, services, progress: reporter.report });
    },
  );
  engine.onEnded?.(operation.operationType, status, (performance.now() - claimed) / 1000);
}

interface RunContext {
  operations: SyncOperationService;
  operation: SyncOperation;
  /** Aborted when the gateway stops (or the handler's work was cancelled). */
  signal: AbortSignal;
  logger?: Logger | undefined;
  /** Progress the reporter held back when the steps ended: written with the end. */
  held?: () => { change: OperationChange; events: OperationEventInput[] };
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
  context: RunContext,
  steps: () => Promise<Partial<SyncOperation> | void>,
): Promise<NonNullable<OperationChange['status']>> {
  const { operations, operation } = context;
  await operations.update(operation, { status: 'in_progress', startedAt: new Date(), phase: 'starting' });
  let change: OperationChange;
  let events: OperationEventInput[];
  try {
    const result = (await steps()) ?? {};
    change = { ...result, status: 'completed', phase: 'done', completedAt: new Date() } as OperationChange;
    events = [{ message: 'completed' }];
  } catch (error) {
    ({ change, events } = failureOf(operation, error, context.signal));
  }
  const held = context.held?.();
  if (held) {
    change = { ...held.change, ...change };
    events = [...held.events, ...events];
  }
  await recordEnd(context, change, events);
  return change.status ?? 'failed';
}

function failureOf(
  operation: SyncOperation,
  error: unknown,
  signal: AbortSignal,
): { change: OperationChange; events: OperationEventInput[] } {
  const message = error instanceof Error ? error.message : String(error);
  // Set in memory as soon as a commit lands, even when recording it is what failed.
  const landed = operation.commitSha ? `; commit ${operation.commitSha} landed, and the next pull records it` : '';
  if (stoppedByShutdown(signal)) {
    const reason = `interrupted by shutdown during "${operation.phase}"${landed || '; the next operation on this fabric starts from the last recorded commit'}`;
    const events: OperationEventInput[] = [{ level: 'error', message: reason }];
    // What the step was doing when it stopped, if it stopped with an error of its own.
    if (!(error instanceof OperationCancelledError))
      events.unshift({ level: 'warning', message: `while stopping: ${message}` });
    return {
      change: { status: 'failed', completedAt: new Date(), errorMessage: reason, commitSha: operation.commitSha },
      events,
    };
  }
  if (error instanceof OperationCancelledError || signal.aborted) {
    return {
      change: {
        status: 'cancelled',
        completedAt: new Date(),
        errorMessage: 'cancelled',
        commitSha: operation.commitSha,
      },
      events: [{ level: 'warning', message: 'cancelled' }],
    };
  }
  const reason = `${message}${landed}`;
  return {
    change: { status: 'failed', completedAt: new Date(), errorMessage: reason, commitSha: operation.commitSha },
    events: [{ level: 'error', message: reason }],
  };
}

/** Delays between attempts to record an operation's end while the database is unreachable. */
const RECORD_RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

async function recordEnd(context: RunContext, change: OperationChange, events: OperationEventInput[]): Promise<void> {
  const { operations, operation } = context;
  try {
    await operations.update(operation, change, events);
    return;
  } catch (error) {
    context.logger?.warn(
      { operationId: operation.id, err: error instanceof Error ? error.message : String(error) },
      'could not record the end of an operation; retrying until the database answers',
    );
  }
  for (let attempt = 0; ; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)]));
    try {
      // The unit of work that failed may hold a half-done flush: this one only writes the end.
      await operations.settle(operation.id, change, events);
      context.logger?.info(
        { operationId: operation.id, status: change.status },
        'recorded the end of an operation after the database came back',
      );
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (await operations.databaseAnswers()) {
        // The database is back (or never left): once more, then, if it refuses this end itself, a plain failure.
        const refusal = await operations.settle(operation.id, change, events).then(
          () => null,
          (again: unknown) => (again instanceof Error ? again.message : String(again)),
        );
        if (refusal === null) return;
        // settle() stores the reason escaped where it quotes text the database cannot hold.
        const refused = `the end of this operation could not be recorded: ${refusal}`;
        await operations
          .settle(
            operation.id,
            { status: 'failed', completedAt: new Date(), errorMessage: refused, commitSha: operation.commitSha },
            [{ level: 'error', message: refused }],
          )
          .catch((again: unknown) =>
            context.logger?.error(
              { operationId: operation.id, err: again instanceof Error ? again.message : String(again) },
              'could not record the end of an operation',
            ),
          );
        return;
      }
      // A stopping gateway gives up after a few tries: start-up recovery marks the row interrupted.
      if (context.signal.aborted && attempt >= 3) {
        context.logger?.error(
          { operationId: operation.id, err: reason },
          'gave up recording the end of an operation; the next start marks it interrupted',
        );
        return;
      }
    }
  }
}
