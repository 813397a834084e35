/**
 * Cancelling an operation. A queued one is cancelled at once (SyncOperationService.cancel); a
 * running one is asked to stop: the request is recorded on its row and published on its cancel
 * topic, which the replica running it listens to (`listenForCancel`). Steps stop at their next
 * boundary by calling `checkCancelled(signal)`.
 */
import type { EventBus } from '../events/event-bus.ts';

export class OperationCancelledError extends Error {
  constructor() {
    super('the operation was cancelled');
    this.name = 'OperationCancelledError';
  }
}

/** A step boundary: throws OperationCancelledError once `signal` (when there is one) has aborted. */
export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OperationCancelledError();
}

/** Cancel requests reach the running handler here, on whichever replica runs it. */
export const cancelTopic = (operationId: string) => `sync-cancel:${operationId}`;

/**
 * A signal that aborts with `signal` (shutdown) or when a cancel of the operation is requested
 * through any replica (the event bus); `alreadyRequested` catches a request recorded before the
 * subscription. `close()` ends the subscription.
 */
export async function listenForCancel(
  eventBus: EventBus,
  operationId: string,
  signal: AbortSignal,
  alreadyRequested: () => Promise<boolean>,
): Promise<{ signal: AbortSignal; close(): Promise<void> }> {
  const cancel = new AbortController();
  const requests = eventBus.subscribe(cancelTopic(operationId), { signal: cancel.signal });
  void (async () => {
    for await (const _request of requests) {
      cancel.abort();
      break;
    }
  })().catch(() => {});
  if (await alreadyRequested()) cancel.abort();
  return {
    signal: AbortSignal.any([signal, cancel.signal]),
    close: async () => {
      await requests.return?.();
    },
  };
}
