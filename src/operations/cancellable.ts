/**
 * Cancellation for any operation type: the handler's `signal` aborts when the gateway stops (the
 * runner's signal) or when a cancel of its operation is requested through any replica
 * (cancelSyncOperation; see cancellation.ts). The handler stops at its next step boundary
 * (`checkCancelled(signal)`), and the operation ends CANCELLED as a sync does.
 */
import type { EventBus } from '../events/event-bus.ts';
import { listenForCancel, OperationCancelledError } from './cancellation.ts';
import type { OperationSteps } from './operation-handler.ts';
import type { SyncOperationService } from './sync-operation.service.ts';

/** `steps`, given a signal that also aborts on a cancel request for its operation. */
export function cancellable<S extends { operations: Pick<SyncOperationService, 'cancelRequested'> }>(
  eventBus: EventBus,
  steps: OperationSteps<S>,
): OperationSteps<S> {
  return async (context) => {
    const { operation, services } = context;
    // A request recorded before the subscription (from another replica, say) is not missed.
    const cancel = await listenForCancel(eventBus, operation.id, context.signal, () =>
      services.operations.cancelRequested(operation.id),
    );
    try {
      return await steps({ ...context, signal: cancel.signal });
    } catch (error) {
      // A step that stopped on the cancel with an error of its own (an aborted wait) is cancelled
      // all the same; a shutdown stays the runner's to report.
      if (cancel.signal.aborted && !context.signal.aborted && !(error instanceof OperationCancelledError))
        throw new OperationCancelledError();
      throw error;
    } finally {
      await cancel.close();
    }
  };
}
