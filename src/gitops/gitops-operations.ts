/**
 * The directory_init and ingestion operation handlers: run by id by the operation runner, they
 * hand the GitOps service a progress reporter bound to the operation's row and log.
 */
import type { OperationHandlers, OperationStepsContext } from '../sync/launch-operation.ts';
import type { OperationProgress } from './gitops.service.ts';

function progressOf(context: OperationStepsContext): OperationProgress {
  const { operations, operation, signal } = context;
  return {
    operationId: operation.id,
    actor: operation.initiatedBy,
    signal,
    // Details are merged: the runner keeps its own keys (job key, instance) there.
    report: (change, events = []) =>
      operations.update(operation, change.details ? { ...change, details: { ...operation.details, ...change.details } } : change, events),
  };
}

/** Registers the handlers on the composition root's table. */
export function registerGitopsOperations(handlers: OperationHandlers): void {
  handlers.directory_init = (context) => context.services.gitops.initializeDirectory(context.operation.fabric.id, progressOf(context));
  handlers.ingestion = (context) => context.services.gitops.ingest(context.operation.fabric.id, progressOf(context));
}
