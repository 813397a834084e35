/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's `/graphql`, through the same envelop
 * pipeline and context factory as HTTP and SSE. The token is checked when the socket opens and
 * again for every operation sent over it; a socket whose token stops working is closed with
 * TOKEN_CLOSE_CODE and the reason.
 */
import type { IncomingMessage, Server } from 'node:http';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { createGraphQLError, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeReason, TOKEN_CLOSE_CODE, type createAuthentication, type LiveConnections } from './authentication.ts';
import type { GraphQLContext } from './context.ts';
import { SharedSubscriptions, type SubscriptionOutcome } from './shared-subscriptions.ts';

/** What graphql-ws's `extra` holds for one socket: the ws socket and request, and the token it opened with. */
interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
  token?: string;
}

export interface WebSocketOptions {
  /** Open sockets, ended when their token stops working (see authentication.ts). */
  connections: LiveConnections;
  /** A message larger than this is refused unread: the socket is closed with 1009. */
  maxPayload: number;
}

/** What `onSubscribe` hands graphql-ws's `execute`/`subscribe` as the root value. */
interface OperationRoot {
  execute: (args: ExecutionArgs) => PromiseOrValue<ExecutionResult>;
  subscribe: (args: ExecutionArgs) => PromiseOrValue<SubscriptionOutcome>;
  contextFactory: () => PromiseOrValue<unknown>;
  /** Operations with the same key (token, role, fabrics, document, variables) share one execution; null: not shared. */
  shareKey: string | null;
}

type PromiseOrValue<T> = T | Promise<T>;

/**
 * Subscription fields whose events do not depend on when a subscriber joined, so a late one may
 * join a running execution. Not `syncOperationUpdated`: it starts with the operation as it is now.
 */
const SHAREABLE_FIELDS: ReadonlySet<string> = new Set(['fabricEvents']);

/** Whether the operation is a subscription that selects only shareable root fields. */
function isShareable(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'subscription') return false;
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && SHAREABLE_FIELDS.has(selection.name.value),
  );
}

/** Takes the server's upgrades on yoga's endpoint; `dispose()` closes every socket (on stop). */
export function attachWebSocket(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>,
  authentication: ReturnType<typeof createAuthentication>,
  { connections, maxPayload }: WebSocketOptions,
): { dispose(): Promise<void>; shared: SharedSubscriptions } {
  const shared = new SharedSubscriptions();
  // The WebSocket server takes the HTTP server's upgrades but not its 'error' events (with
  // `server:` it re-emits them, and graphql-ws prints a port in use as "Internal error emitted on
  // the WebSocket server"): start() reports listen failures itself.
  const webSockets = new WebSocketServer({ noServer: true, path: yoga.graphqlEndpoint, maxPayload });
  server.on('upgrade', (request, socket, head) => {
    if (!webSockets.shouldHandle(request)) {
      socket.destroy();
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => webSockets.emit('connection', webSocket, request));
  });
  const webSocketServer = useServer(
    {
      execute: async (args) => {
        const root = args.rootValue as OperationRoot;
        return root.execute({ ...args, contextValue: await root.contextFactory() });
      },
      // Subscribers with the same authority, document and variables share one execution; the
      // context is built only for the one that starts it (idle subscribers hold none).
      subscribe: (args) => {
        const root = args.rootValue as OperationRoot;
        return shared.subscribe(root.shareKey, async () =>
          root.subscribe({ ...args, contextValue: await root.contextFactory() }),
        );
      },
      onConnect: async (context) => {
        const extra = context.extra as SocketExtra;
        const authenticated = await authentication.authenticateConnection(context.connectionParams);
        if ('reason' in authenticated) {
          // Closed here with the reason; graphql-ws's own close (4403 "Forbidden") then does nothing.
          extra.socket.close(TOKEN_CLOSE_CODE, closeReason(authenticated.reason));
          return false;
        }
        extra.token = authenticated.token;
        const release = connections.open(authenticated.actor, (reason) =>
          extra.socket.close(TOKEN_CLOSE_CODE, closeReason(reason)),
        );
        extra.socket.once('close', release);
        return true;
      },
      onSubscribe: async (context, _id, payload) => {
        // Every operation sent over the socket is authenticated again: a token revoked or expired
        // since the socket opened runs nothing, and the socket is closed.
        const extra = context.extra as SocketExtra;
        const authenticated = await authentication.authenticateAgain(extra.token);
        if ('reason' in authenticated) {
          extra.socket.close(TOKEN_CLOSE_CODE, closeReason(authenticated.reason));
          return [createGraphQLError(authenticated.reason, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        // The same envelop pipeline and context factory as HTTP and SSE.
        const enveloped = yoga.getEnveloped({
          ...context,
          actor: authenticated.actor,
          req: context.extra.request,
          socket: context.extra.socket,
          params: payload,
        });
        // A syntax error is the client's: answered as an error of this operation (like over HTTP),
        // not thrown, which would close the socket and print the error on stderr.
        let document: ReturnType<typeof enveloped.parse>;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const { actor } = authenticated;
        const rootValue: OperationRoot = {
          execute: enveloped.execute,
          subscribe: enveloped.subscribe,
          contextFactory: enveloped.contextFactory,
          shareKey: !isShareable(document, payload.operationName)
            ? null
            : JSON.stringify([
                actor.tokenId,
                actor.name,
                actor.role,
                actor.fabricIds,
                payload.query,
                payload.operationName ?? null,
                payload.variables ?? null,
              ]),
        };
        const args = {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: undefined,
          rootValue,
        };
        const errors = enveloped.validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        return args;
      },
    },
    webSockets,
  );
  return { dispose: async () => webSocketServer.dispose(), shared };
}
