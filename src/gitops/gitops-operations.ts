/**
 * The directory_init and ingestion operation handlers: run by id by the operation runner, they
 * hand the GitOps service a progress reporter bound to the operation's row and log, and a signal
 * that aborts on shutdown or on a cancel request (cancellable), checked between steps.
 */
import type { EventBus } from '../events/event-bus.ts';
import { cancellable } from '../operations/cancellable.ts';
import type { OperationContext, OperationHandlers } from '../operations/operation-handler.ts';
import type { SyncOperationService } from '../operations/sync-operation.service.ts';
import type { GitopsService, OperationProgress } from './gitops.service.ts';

function progressOf({ operation, progress, signal }: OperationContext<unknown>): OperationProgress {
  return {
    operationId: operation.id,
    actor: operation.initiatedBy,
    signal,
    // Details are merged: the runner keeps its own keys (job key, instance) there.
    report: (change, events = []) =>
      progress(change.details ? { ...change, details: { ...operation.details, ...change.details } } : change, events),
  };
}

/** Registers the handlers on the composition root's table. */
export function registerGitopsOperations<S extends { gitops: GitopsService; operations: SyncOperationService }>(
  handlers: OperationHandlers<S>,
  deps: { eventBus: EventBus },
): void {
  handlers.directory_init = cancellable(deps.eventBus, (context) =>
    context.services.gitops.initializeDirectory(context.operation.fabric.id, progressOf(context)),
  );
  handlers.ingestion = cancellable(deps.eventBus, (context) =>
    context.services.gitops.ingest(context.operation.fabric.id, progressOf(context)),
  );
}
