/**
 * `waitForOperation`: follow a sync operation until it ends, reporting every update. It subscribes
 * to `syncOperationUpdated` (which sends the whole state first, then every change) and returns on
 * the first final state, whether or not the server then completes the subscription.
 */
import type { GatewayClient } from './gateway-client.ts';
import { graphql } from './generated/index.ts';
import type { OperationProgressFragment, SyncOperationStatus } from './generated/graphql.ts';

/** The fields every update carries. */
export type OperationProgress = OperationProgressFragment;

export const OperationProgressFields = graphql(`
  fragment OperationProgress on SyncOperation {
    id
    operationType
    status
    phase
    progressDone
    progressTotal
    estimatedSecondsLeft
    errorMessage
    commitSha
    pullRequestUrl
    filesCreated
    filesUpdated
    filesDeleted
    startedAt
    completedAt
  }
`);

const OperationUpdates = graphql(`
  subscription OperationUpdates($id: ID!) {
    syncOperationUpdated(id: $id) {
      ...OperationProgress
    }
  }
`);

const OperationNow = graphql(`
  query OperationNow($id: ID!) {
    syncOperation(id: $id) {
      ...OperationProgress
    }
  }
`);

/** Statuses after which an operation never changes again. */
export const FINAL_OPERATION_STATUSES = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const satisfies readonly SyncOperationStatus[];

export function isFinalStatus(status: SyncOperationStatus): boolean {
  return (FINAL_OPERATION_STATUSES as readonly SyncOperationStatus[]).includes(status);
}

export interface WaitForOperationOptions {
  /** Called with every state received, the first (current) one and the final one included. */
  onProgress?: (operation: OperationProgress) => void;
}

/**
 * Resolves with the operation's final state (COMPLETED, FAILED or CANCELLED: check `status`).
 * Rejects with a `GatewayError` when the operation cannot be read (NOT_FOUND, FORBIDDEN, ...) or
 * the WebSocket fails.
 */
export async function waitForOperation(
  client: GatewayClient,
  operationId: string,
  options: WaitForOperationOptions = {},
): Promise<OperationProgress> {
  for await (const { syncOperationUpdated: operation } of client.subscribe(OperationUpdates, { id: operationId })) {
    options.onProgress?.(operation);
    if (isFinalStatus(operation.status)) return operation;
  }
  // The server ended the subscription without a final state (a gateway shutting down, say): the
  // operation may have ended in between, so ask once before giving up.
  const { syncOperation } = await client.request(OperationNow, { id: operationId });
  if (isFinalStatus(syncOperation.status)) {
    options.onProgress?.(syncOperation);
    return syncOperation;
  }
  throw new Error(`the subscription to operation ${operationId} ended while it was ${syncOperation.status}`);
}

/** One line for a terminal: `PUSH IN_PROGRESS committing 3/10 (about 4 s left)`. */
export function formatProgress(operation: OperationProgress): string {
  const counts = operation.progressTotal > 0 ? ` ${operation.progressDone}/${operation.progressTotal}` : '';
  const eta =
    operation.estimatedSecondsLeft === null || operation.estimatedSecondsLeft === undefined
      ? ''
      : ` (about ${operation.estimatedSecondsLeft} s left)`;
  const error = operation.errorMessage ? `: ${operation.errorMessage}` : '';
  return `${operation.operationType} ${operation.status} ${operation.phase}${counts}${eta}${error}`;
}
