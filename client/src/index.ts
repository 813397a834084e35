/**
 * The gateway's typed TypeScript client. Write documents with `graphql(...)`, run
 * `npm run codegen`, and `request`/`subscribe` are typed by them. See docs/client.md.
 */
export { createGatewayClient, GatewayError } from './gateway-client.ts';
export type { GatewayClient, GatewayClientOptions, VariablesOf } from './gateway-client.ts';
export { graphql } from './generated/index.ts';
export type * from './generated/graphql.ts';
export {
  FINAL_OPERATION_STATUSES,
  formatProgress,
  isFinalStatus,
  OperationProgressFields,
  waitForOperation,
} from './wait-for-operation.ts';
export type { OperationProgress, WaitForOperationOptions } from './wait-for-operation.ts';
