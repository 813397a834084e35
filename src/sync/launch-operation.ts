import { createServices, type ServiceDependencies, type Services } from '../services.ts';
import { runOperation, type OperationContext, type RunnerInfo } from './operation-runner.ts';
import type { OperationType, SyncOperation } from './sync-operation.entity.ts';

export interface LaunchRequest {
  fabricId: string;
  type: OperationType;
  trigger?: SyncOperation['trigger'];
  initiatedBy: string;
  /** Everything the handler needs besides the fabric (e.g. a commit message); stored with the operation. */
  details?: Record<string, unknown>;
  /** Collapses queued duplicates (e.g. `pull:<fabricId>`). */
  jobKey?: string;
}

export type OperationStepsContext = OperationContext & { services: Services; dependencies: ServiceDependencies };

/** The work of one operation type; registered in `ServiceDependencies.operationHandlers`. */
export type OperationSteps = (context: OperationStepsContext) => Promise<Partial<SyncOperation> | void>;

export type OperationHandlers = Partial<Record<OperationType, OperationSteps>>;

/** Records a pending operation and enqueues it; returns at once. */
export async function launchOperation(deps: ServiceDependencies, requestServices: Services, request: LaunchRequest): Promise<SyncOperation> {
  if (!deps.operationHandlers[request.type]) throw new Error(`no handler is registered for ${request.type} operations`);
  let operation: SyncOperation;
  if (request.jobKey) {
    // A queued operation with the same key stands for this request too (its job is the one kept).
    const recorded = await requestServices.operations.createUnlessQueued({ ...request, jobKey: request.jobKey });
    if (!recorded.created) return recorded.operation;
    operation = recorded.operation;
  } else {
    operation = await requestServices.operations.create(request);
  }
  try {
    await deps.runner.enqueue({ operationId: operation.id, fabricId: request.fabricId, jobKey: request.jobKey });
  } catch (error) {
    // Never left pending with no job behind it: a durable queue would not find it again.
    const reason = `could not be queued: ${error instanceof Error ? error.message : String(error)}`;
    await requestServices.operations.transition(operation, 'pending', { status: 'failed', completedAt: new Date(), errorMessage: reason }, [{ level: 'error', message: reason }]);
    throw error;
  }
  return operation;
}

/**
 * Runs one operation by id in a unit of work of its own, through the handler for its type. The
 * runners call this; it is all a durable queue needs to store.
 */
export async function executeOperation(
  deps: ServiceDependencies,
  operationId: string,
  options: { signal: AbortSignal; runner?: RunnerInfo },
): Promise<void> {
  const services = createServices(deps);
  const operation = await services.operations.get(operationId);
  if (operation.status !== 'pending') return; // already run (a retried or duplicate job)
  // The gateway is stopping: never start now. It stays pending, and the next start queues it again.
  if (options.signal.aborted) return;
  // Claimed with one conditional update: a cancel (or another runner) that came first wins.
  if (!(await services.operations.transition(operation, 'pending', { status: 'in_progress', startedAt: new Date(), phase: 'starting' }))) return;
  // Flushed with the in_progress mark: start-up recovery reads it.
  if (options.runner) operation.details = { ...operation.details, runner: options.runner };
  const steps = deps.operationHandlers[operation.operationType];
  await runOperation({ operations: services.operations, operation, signal: options.signal, logger: deps.logger }, async (context) => {
    if (!steps) throw new Error(`no handler is registered for ${operation.operationType} operations`);
    return steps({ ...context, services, dependencies: deps });
  });
}
