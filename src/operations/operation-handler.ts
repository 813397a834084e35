/**
 * What the work of one operation type sees: its operation, a progress reporter bound to it, the
 * signal to stop at (shutdown, cancel), and the services of the unit of work it runs in. The
 * services type is the caller's (`S`): the engine knows nothing above `operations/`. Each handler
 * factory closes over its own collaborators when it is registered, as a graphile-worker task gets
 * `(payload, helpers)` and nothing of the worker pool.
 */
import type { SyncOperation } from './sync-operation.entity.ts';
import type { OperationChange, OperationEventInput } from './sync-operation.service.ts';

/** Applies a change to the running operation, appends its log lines, and tells subscribers. */
export type ReportProgress = (change: OperationChange, events?: OperationEventInput[]) => Promise<void>;

export interface OperationContext<S> {
  operation: SyncOperation;
  progress: ReportProgress;
  /** Aborted when the gateway stops (and, where a handler listens, when the operation is cancelled). */
  signal: AbortSignal;
  /** The unit of work the operation runs in (its own; never a request's). */
  services: S;
}

/** The work of one operation type; what it returns is written on the operation as it completes. */
export type OperationSteps<S> = (context: OperationContext<S>) => Promise<Partial<SyncOperation> | void>;

/** The work of each operation type, registered by the composition root. */
export type OperationHandlers<S> = Partial<Record<SyncOperation['operationType'], OperationSteps<S>>>;
