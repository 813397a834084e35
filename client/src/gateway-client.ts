/**
 * A small typed client for the gateway: queries and mutations over HTTP, subscriptions over
 * graphql-ws, typed by documents written with `graphql(...)` from `./generated/index.ts`
 * (GraphQL Code Generator's client preset; `npm run codegen` regenerates it).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';

export interface GatewayClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. Subscriptions use the same path over ws(s)://. */
  url: string;
  /** An API token (`hgw_...`), sent as `Authorization: Bearer <token>` and in the WebSocket `connection_init`. */
  token: string;
  /** Extra HTTP headers for every request (e.g. `x-request-id`). */
  headers?: Record<string, string>;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** A WebSocket implementation (e.g. the `ws` package). @default globalThis.WebSocket (Node 22 and newer) */
  webSocketImpl?: unknown;
}

/** Variables are optional when the operation declares none or only optional ones. */
export type VariablesOf<TVariables> =
  Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface GatewayClient {
  /** Sends a query or mutation over HTTP; resolves its `data`, or rejects with a `GatewayError`. */
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: VariablesOf<TVariables>
  ): Promise<TResult>;
  /**
   * Runs a subscription over WebSocket: every event's `data`, in order. Leaving the loop
   * (`break`, `return`, a throw) ends the subscription; an error from the server rejects with a
   * `GatewayError`.
   */
  subscribe<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: VariablesOf<TVariables>
  ): AsyncGenerator<TResult, void, undefined>;
  /** Closes the WebSocket (opened on the first subscription, kept for the next ones). */
  close(): Promise<void>;
}

/** The gateway refused or failed a request: its GraphQL errors, and the first one's `extensions.code`. */
export class GatewayError extends Error {
  /** `extensions.code` of the first error (`INVALID_INPUT`, `NOT_FOUND`, `FORBIDDEN`, ...), or `HTTP_<status>`. */
  readonly code: string;
  readonly errors: readonly GraphQLFormattedError[];
  /** Whatever data came with the errors (a partial result), or null. */
  readonly data: unknown;

  constructor(errors: readonly GraphQLFormattedError[], data: unknown = null, code?: string) {
    const first = errors[0];
    super(first ? errors.map((error) => error.message).join('; ') : 'GraphQL request failed');
    this.name = 'GatewayError';
    this.errors = errors;
    this.data = data;
    this.code = code ?? (typeof first?.extensions?.code === 'string' ? first.extensions.code : 'UNKNOWN');
  }
}

interface GraphQLResponseBody {
  data?: unknown;
  errors?: GraphQLFormattedError[];
}

/** Creates a client; nothing is contacted until the first request or subscription. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = `Bearer ${options.token}`;
  const printed = new WeakMap<DocumentNode, string>();
  const source = (document: DocumentNode) => {
    let text = printed.get(document);
    if (text === undefined) {
      text = print(document);
      printed.set(document, text);
    }
    return text;
  };
  let ws: WsClient | null = null;
  const webSocket = () => {
    ws ??= createClient({
      url: options.url.replace(/^http/, 'ws'),
      connectionParams: { authorization },
      ...(options.webSocketImpl === undefined ? {} : { webSocketImpl: options.webSocketImpl }),
      // A refused token or a bad request should reach the caller, not be retried behind its back.
      retryAttempts: 0,
    });
    return ws;
  };

  return {
    async request<TResult, TVariables>(
      document: TypedDocumentNode<TResult, TVariables>,
      ...[variables]: VariablesOf<TVariables>
    ): Promise<TResult> {
      const response = await fetchImpl(options.url, {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization,
        },
        body: JSON.stringify({ query: source(document), variables: variables ?? {} }),
      });
      const text = await response.text();
      let body: GraphQLResponseBody;
      try {
        body = JSON.parse(text) as GraphQLResponseBody;
      } catch {
        throw new GatewayError(
          [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }],
          null,
          `HTTP_${response.status}`,
        );
      }
      if (body.errors?.length) throw new GatewayError(body.errors, body.data ?? null);
      if (body.data === undefined || body.data === null) {
        throw new GatewayError([{ message: `HTTP ${response.status} without data` }], null, `HTTP_${response.status}`);
      }
      return body.data as TResult;
    },

    async *subscribe<TResult, TVariables>(
      document: TypedDocumentNode<TResult, TVariables>,
      ...[variables]: VariablesOf<TVariables>
    ): AsyncGenerator<TResult, void, undefined> {
      const results = webSocket().iterate<TResult>({
        query: source(document),
        variables: (variables ?? {}) as Record<string, unknown>,
      });
      try {
        for await (const result of results) {
          if (result.errors?.length) throw new GatewayError(result.errors, result.data ?? null);
          yield result.data as TResult;
        }
      } catch (error) {
        throw asGatewayError(error);
      } finally {
        // Ends the subscription on the server when the caller leaves the loop early.
        await results.return?.();
      }
    },

    async close() {
      const client = ws;
      ws = null;
      await client?.dispose();
    },
  };
}

/** graphql-ws rejects with the server's error list, a CloseEvent or an Error. */
function asGatewayError(error: unknown): unknown {
  if (error instanceof GatewayError) return error;
  if (Array.isArray(error)) return new GatewayError(error as GraphQLFormattedError[]);
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) {
    const { code, reason } = error as { code: number; reason: string };
    return new GatewayError([{ message: `WebSocket closed: ${code} ${reason}` }], null, `WEBSOCKET_${code}`);
  }
  return error;
}
