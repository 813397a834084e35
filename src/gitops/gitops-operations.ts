/**
 * The directory_init and ingestion operation handlers: run by id by the operation runner, they
 * hand the GitOps service a progress reporter bound to the operation's row and log.
 */
import type { OperationContext, OperationHandlers } from '../operations/operation-handler.ts';
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
export function registerGitopsOperations<S extends { gitops: GitopsService }>(handlers: OperationHandlers<S>): void {
  handlers.directory_init = (context) =>
    context.services.gitops.initializeDirectory(context.operation.fabric.id, progressOf(context));
  handlers.ingestion = (context) => context.services.gitops.ingest(context.operation.fabric.id, progressOf(context));
}
