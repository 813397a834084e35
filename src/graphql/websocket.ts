/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's `/graphql`, through the same envelop
 * pipeline and context factory as HTTP and SSE. The token is checked when the socket opens and
 * again for every operation sent over it; a socket whose token stops working is closed with
 * TOKEN_CLOSE_CODE and the reason.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { createGraphQLError, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeReason, TOKEN_CLOSE_CODE, type createAuthentication, type LiveConnections } from './authentication.ts';
import type { GraphQLContext } from './context.ts';
import { framedId, NextFrames } from './next-frames.ts';
import {
  shareKey,
  type SharedSubscriptions,
  type SubscriptionOutcome,
  type WriteResult,
} from './shared-subscriptions.ts';

/**
 * What graphql-ws's `extra` holds for one socket: the ws socket, the HTTP upgrade request (let go
 * once the socket is authenticated: nothing after reads it, and an idle subscriber should not
 * hold its headers), and the token it opened with.
 */
interface SocketExtra {
  socket: WebSocket;
  request?: IncomingMessage;
  token?: string;
}

export interface WebSocketOptions {
  /** Open sockets, ended when their token stops working (see authentication.ts). */
  connections: LiveConnections;
  /** A message larger than this is refused unread: the socket is closed with 1009. */
  maxPayload: number;
  /** The executions shared between subscribers (also by SSE ones, see useSharedSubscriptions). */
  shared: SharedSubscriptions;
}

/**
 * A subscriber whose socket holds this many bytes not yet taken by the network (it does not read
 * its events) is closed with SLOW_SUBSCRIBER_CLOSE_CODE rather than buffered without bound.
 */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
export const SLOW_SUBSCRIBER_CLOSE_CODE = 1008;

/**
 * What `onSubscribe` hands graphql-ws's `execute`/`subscribe` as the root value. graphql-ws keeps
 * it as long as the operation runs: `operation` is dropped once it has started (a subscriber of
 * a shared execution then holds no pipeline or request of its own).
 */
interface OperationRoot {
  operation: {
    execute: (args: ExecutionArgs) => PromiseOrValue<ExecutionResult>;
    subscribe: (args: ExecutionArgs) => PromiseOrValue<SubscriptionOutcome>;
    contextFactory: () => PromiseOrValue<unknown>;
    /** Operations with the same key (token, role, fabrics, document, variables) share one execution; null: not shared. */
    shareKey: string | null;
    /** Writes one result to this operation's subscriber as a `next` message. */
    write: WriteResult;
  } | null;
}

/** The key under which a shared result keeps its framed `next` messages (see next-frames.ts). */
const NEXT_FRAMES = Symbol('graphql-ws next frames');

/** What of `ws`'s WebSocket the pre-framed write reads: its raw socket and its sender's queue (ws 8). */
interface WsInternals {
  _socket?: Socket;
  _sender?: { _state?: number; _queue?: unknown[] };
}

/**
 * The `next` message of operation `id` carrying a result already serialised (the same text as
 * graphql-ws's own `{ id, type: 'next', payload }`): a shared result is serialised once, framed
 * once per id length (next-frames.ts), and written to each socket as ONE buffer on `ws`'s raw
 * socket. Only while `ws` itself would write at once: the socket open, no extension negotiated
 * (the server never offers permessage-deflate), nothing queued in `ws`'s sender; otherwise the
 * text goes through `ws.send`, behind what it queued.
 */
export function resultWriter(socket: WebSocket, id: string, maxUnsentBytes = MAX_UNSENT_BYTES): WriteResult {
  const framed = framedId(id);
  const internals = socket as unknown as WsInternals;
  // Negotiated in the handshake, before any operation: fixed for the socket's life.
  const plain = socket.extensions === '';
  return (result) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > maxUnsentBytes) {
      socket.close(SLOW_SUBSCRIBER_CLOSE_CODE, 'Subscriber too slow: events not read');
      return;
    }
    const raw = internals._socket;
    const sender = internals._sender;
    if (plain && raw && sender?._state === 0 && sender._queue?.length === 0) {
      result.derived(NEXT_FRAMES, (json) => new NextFrames(json)).write(raw, framed);
      return;
    }
    socket.send(`{"id":${framed.json},"type":"next","payload":${result.json}}`);
  };
}

type PromiseOrValue<T> = T | Promise<T>;

/** Takes the server's upgrades on yoga's endpoint; `dispose()` closes every socket (on stop). */
export function attachWebSocket(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>,
  authentication: ReturnType<typeof createAuthentication>,
  { connections, maxPayload, shared }: WebSocketOptions,
): { dispose(): Promise<void> } {
  // The WebSocket server takes the HTTP server's upgrades but not its 'error' events (with
  // `server:` it re-emits them, and graphql-ws prints a port in use as "Internal error emitted on
  // the WebSocket server"): start() reports listen failures itself.
  // No permessage-deflate (ws's default, stated here): resultWriter writes frames of its own.
  const webSockets = new WebSocketServer({
    noServer: true,
    path: yoga.graphqlEndpoint,
    maxPayload,
    perMessageDeflate: false,
  });
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
        const operation = root.operation!;
        root.operation = null;
        return operation.execute({ ...args, contextValue: await operation.contextFactory() });
      },
      // Subscribers with the same authority, document and variables share one execution; the
      // context is built only for the one that starts it (idle subscribers hold none), and each
      // result is serialised once and written to every subscriber's socket.
      subscribe: (args) => {
        const root = args.rootValue as OperationRoot;
        const operation = root.operation!;
        root.operation = null;
        return shared.subscribe(
          operation.shareKey,
          async () => operation.subscribe({ ...args, contextValue: await operation.contextFactory() }),
          operation.write,
        );
      },
      onConnect: async (context) => {
        const extra = context.extra as SocketExtra;
        extra.request = undefined;
        const authenticated = await authentication.authenticateConnection(context.connectionParams);
        if ('reason' in authenticated) {
          // Closed here with the reason; graphql-ws's own close (4403 "Forbidden") then does nothing.
          extra.socket.close(TOKEN_CLOSE_CODE, closeReason(authenticated.reason));
          return false;
        }
        extra.token = authenticated.token;
        // Kept as `extra.token` (checked again for every operation): the parameters are let go.
        (context as { connectionParams?: unknown }).connectionParams = undefined;
        const release = connections.open(authenticated.actor, (reason) =>
          extra.socket.close(TOKEN_CLOSE_CODE, closeReason(reason)),
        );
        extra.socket.once('close', release);
        return true;
      },
      onSubscribe: async (context, id, payload) => {
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
          socket: extra.socket,
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
          operation: {
            execute: enveloped.execute,
            subscribe: enveloped.subscribe,
            contextFactory: enveloped.contextFactory,
            shareKey: shareKey(actor, document, payload),
            write: resultWriter(extra.socket, id),
          },
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
  return { dispose: async () => webSocketServer.dispose() };
}
