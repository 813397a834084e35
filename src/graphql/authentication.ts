import type { ExecutionResult } from 'graphql';
import { createGraphQLError, isAsyncIterable, type Plugin } from 'graphql-yoga';
import { AuthenticationError, NO_TOKEN_SENT, NOT_BEARER } from '../auth/token.service.ts';
import { bearerToken, type Actor } from '../auth/tokens.ts';
import { DomainError } from '../errors.ts';
import { servesGraphQL } from '../http/graphql-endpoint.ts';
import type { Logger } from '../logger.ts';
import type { GraphQLContext } from './context.ts';
import { describeError } from './errors.ts';

export type Authenticate = (token: string | null) => Promise<Actor>;

/** graphql-ws closes a socket whose token is missing, not valid, revoked or expired with this code. */
export const TOKEN_CLOSE_CODE = 4403;

/**
 * The token of an `Authorization` value. One rule for the HTTP header and for the `authorization`
 * field of a WebSocket's connection_init payload: `Bearer <token>`; a bare token is refused on
 * both, saying so.
 */
export function tokenOf(authorization: unknown): string {
  if (authorization === undefined || authorization === null || authorization === '')
    throw new AuthenticationError(NO_TOKEN_SENT);
  const token = typeof authorization === 'string' ? bearerToken(authorization) : null;
  if (!token) throw new AuthenticationError(NOT_BEARER);
  return token;
}

const reasonOf = (error: unknown) => (error instanceof DomainError ? error.message : 'Authentication failed');

/** A WebSocket close reason must fit in 123 bytes. */
export const closeReason = (reason: string) => (Buffer.byteLength(reason) <= 123 ? reason : `${reason.slice(0, 100)}…`);

/**
 * Who is calling, before anything else happens. HTTP and SSE send `Authorization: Bearer <token>`
 * (refused with 401 otherwise); WebSocket clients send `{ authorization: "Bearer <token>" }` in
 * the connection_init payload and a socket without a valid token is closed with 4403 and the
 * reason. The GraphiQL page itself needs no token; the requests it makes do.
 *
 * Every subscription stream (SSE or WebSocket) is registered with `connections` and ends with an
 * UNAUTHENTICATED error as soon as its token stops working.
 */
export function createAuthentication(
  authenticate: Authenticate,
  connections: LiveConnections,
  /** For each operation sent over an open WebSocket: past any cache (default: `authenticate`). */
  authenticateFresh: Authenticate = authenticate,
) {
  const actors = new WeakMap<Request, Actor>();
  const plugin: Plugin<GraphQLContext> = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      // Every URL yoga serves GraphQL on needs a token.
      if (!servesGraphQL(request.url, url)) return;
      if (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html')) return;
      try {
        actors.set(request, await authenticate(tokenOf(request.headers.get('authorization'))));
      } catch (error) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: reasonOf(error), extensions: { code: 'UNAUTHENTICATED' } }] }),
            {
              status: 401,
              headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
            },
          ),
        );
      }
    },
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(endWhenTokenEnds(result, args.contextValue.actor, connections));
        },
      };
    },
  };
  return {
    plugin,
    actorOf: (request: Request | undefined): Actor | undefined => (request ? actors.get(request) : undefined),
    /**
     * For graphql-ws: on connection_init and again for every operation sent over the socket.
     * The actor and the token, or the reason to close the socket.
     */
    async authenticateConnection(
      params: Readonly<Record<string, unknown>> | undefined,
    ): Promise<{ actor: Actor; token: string } | { reason: string }> {
      try {
        const token = tokenOf(params?.authorization ?? params?.Authorization);
        return { actor: await authenticate(token), token };
      } catch (error) {
        return { reason: reasonOf(error) };
      }
    },
    /** For graphql-ws's onSubscribe: the token the socket opened with, looked up again (in the database). */
    async authenticateAgain(token: string | undefined): Promise<{ actor: Actor } | { reason: string }> {
      try {
        return { actor: await authenticateFresh(token ?? null) };
      } catch (error) {
        return { reason: reasonOf(error) };
      }
    },
  };
}

/** An async iterator of results that yields one UNAUTHENTICATED error and ends when the actor's token stops working. */
function endWhenTokenEnds(
  source: AsyncIterable<ExecutionResult>,
  actor: Actor,
  connections: LiveConnections,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let tokenEnded!: (reason: string) => void;
  const ended = new Promise<{ ended: string }>((resolve) => {
    tokenEnded = (reason) => resolve({ ended: reason });
  });
  const release = connections.open(actor, tokenEnded);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    release();
    // Not awaited: an async-generator resolver waiting for its next event handles return() only
    // when that event comes, and the stream must end now.
    void Promise.resolve(iterator.return?.()).catch(() => {});
  };
  const guarded: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (finished) return { value: undefined, done: true };
      const step = await Promise.race([iterator.next(), ended]);
      if ('ended' in step) {
        finish();
        return {
          value: { errors: [createGraphQLError(step.ended, { extensions: { code: 'UNAUTHENTICATED' } })] },
          done: false,
        };
      }
      if (step.done) {
        finished = true;
        release();
      }
      return step;
    },
    async return() {
      finish();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return guarded;
    },
  };
  return guarded;
}

/** Why tokens no longer work: token id -> reason; tokens that still work are absent. */
export type TokenCheck = (tokenIds: readonly string[]) => Promise<Map<string, string>>;

export interface LiveConnectionsOptions {
  check: TokenCheck;
  /** How often the tokens of open connections are looked up again. */
  intervalMs: number;
  logger: Logger;
}

interface OpenConnection {
  end(reason: string): void;
  expiry: NodeJS.Timeout | null;
}

/** setTimeout's longest delay; a later expiry is left to the periodic check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Connections that outlive one request (WebSocket sockets, subscription streams), by token, so
 * that a token that stops working ends them: at its expiry time (a timer), at once when it is
 * revoked through this gateway (`recheck` on the revocation event), and otherwise within
 * `intervalMs` (a periodic look-up, which sees revocations by other replicas and scripts).
 */
export class LiveConnections {
  readonly #byToken = new Map<string, Set<OpenConnection>>();
  readonly #options: LiveConnectionsOptions;
  #timer: NodeJS.Timeout | null = null;
  #checking = false;

  constructor(options: LiveConnectionsOptions) {
    this.#options = options;
  }

  /** Registers a connection of `actor`; `end` is called once, when the token stops working. Returns the release function. */
  open(actor: Actor, end: (reason: string) => void): () => void {
    const tokenId = actor.tokenId;
    if (!tokenId) return () => {};
    const set = this.#byToken.get(tokenId) ?? new Set<OpenConnection>();
    this.#byToken.set(tokenId, set);
    const release = () => {
      if (connection.expiry) clearTimeout(connection.expiry);
      set.delete(connection);
      if (set.size === 0 && this.#byToken.get(tokenId) === set) this.#byToken.delete(tokenId);
    };
    const connection: OpenConnection = {
      end: (reason) => {
        release();
        this.#options.logger.info({ tokenId, reason }, 'connection ended: its token no longer works');
        end(reason);
      },
      expiry: null,
    };
    set.add(connection);
    if (actor.expiresAt) {
      const delay = Math.max(0, actor.expiresAt.getTime() - Date.now());
      if (delay <= MAX_TIMER_MS) {
        connection.expiry = setTimeout(() => connection.end('The API token has expired'), delay);
        connection.expiry.unref();
      }
    }
    return release;
  }

  /** Looks the tokens up (all open ones by default) and ends the connections of those that no longer work. */
  async recheck(tokenIds: readonly string[] = [...this.#byToken.keys()]): Promise<void> {
    const open = tokenIds.filter((id) => this.#byToken.has(id));
    if (open.length === 0) return;
    const reasons = await this.#options.check(open);
    for (const [tokenId, reason] of reasons) {
      for (const connection of [...(this.#byToken.get(tokenId) ?? [])]) connection.end(reason);
    }
  }

  /** Number of open connections (all tokens). */
  get size(): number {
    let count = 0;
    for (const set of this.#byToken.values()) count += set.size;
    return count;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#checking) return;
      this.#checking = true;
      this.recheck()
        .catch((error: unknown) =>
          this.#options.logger.warn(
            { error: describeError(error) },
            'could not re-check the tokens of open connections',
          ),
        )
        .finally(() => {
          this.#checking = false;
        });
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const set of this.#byToken.values())
      for (const connection of set) if (connection.expiry) clearTimeout(connection.expiry);
    this.#byToken.clear();
  }
}
