import type { ServiceDependencies, Services } from '../services.ts';
import { createServices } from '../services.ts';
import { runOperation, type OperationContext } from './operation-runner.ts';
import type { OperationType, SyncOperation } from './sync-operation.entity.ts';

export interface LaunchRequest {
  fabricId: string;
  type: OperationType;
  trigger?: SyncOperation['trigger'];
  initiatedBy: string;
  details?: Record<string, unknown>;
}

export type OperationSteps = (context: OperationContext & { services: Services }) => Promise<Partial<SyncOperation> | void>;

/**
 * Records a pending operation and queues its steps on the runner; returns at once. The steps get
 * services of their own unit of work, so nothing is shared with the request that asked.
 */
export async function launchOperation(
  deps: ServiceDependencies,
  requestServices: Services,
  request: LaunchRequest,
  steps: OperationSteps,
): Promise<SyncOperation> {
  const operation = await requestServices.operations.create(request);
  deps.runner.enqueue({
    operationId: operation.id,
    fabricId: request.fabricId,
    run: async ({ signal }) => {
      const services = createServices(deps);
      const fresh = await services.operations.get(operation.id);
      await runOperation({ operations: services.operations, operation: fresh, signal }, (context) => steps({ ...context, services }));
    },
  });
  return operation;
}
