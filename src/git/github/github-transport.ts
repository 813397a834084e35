/**
 * The way to GitHub's API for one repository: GraphQL and REST requests with rate-limit pacing,
 * retries and error mapping. It knows requests, not Git; `github-host.ts` builds the GitHost
 * port on it. With `queries.ts`, the only place that imports @octokit/graphql.
 *
 * - Rate limits: `rateLimit { remaining resetAt }` and `x-ratelimit-*` headers are tracked, and
 *   requests wait for the reset when the budget is nearly spent; 403/429 answers with
 *   `retry-after`/`x-ratelimit-reset` are waited out; 5xx and timeouts back off with jitter
 *   (the decisions are `retry-policy.ts`).
 * - A request that is not idempotent (a mutation) is not repeated after a failure that may have
 *   applied it: the caller gets MaybeApplied and looks before trying again.
 * - The token is sent only in the Authorization header and never appears in errors: octokit's
 *   errors (which carry request headers) are never passed on as causes.
 */
import { graphql, GraphqlResponseError } from '@octokit/graphql';
import { setTimeout as delay } from 'node:timers/promises';
import { GitHostError, type GitHostErrorCode } from '../git-host.ts';
import { scrubSecrets } from '../scrub.ts';
import {
  decideRetry,
  type GitHubGraphqlError,
  type RequestFailure,
  type ResponseHeaders,
  type RetryPolicy,
} from './retry-policy.ts';

export interface GitHubRequestEvent {
  /** GraphQL operation name (`ReadBlobs`, `CreateCommitOnBranch`…) or `rest:getBlob` / `rest:getTree` / `rest:putContents` / `rest:compare`. */
  operation: string;
  kind: 'graphql' | 'rest';
  /** 1 for the first try of a request, 2+ for retries. */
  attempt: number;
}

export interface GitHubTransportOptions {
  owner: string;
  name: string;
  /** Fine-grained token with Contents: read/write and Pull requests: read/write (or classic `repo`). */
  token: string;
  /**
   * REST base URL. @default 'https://api.github.com'. For GitHub Enterprise Server use
   * `https://<host>/api/v3`; GraphQL is then reached at `https://<host>/api/graphql`.
   */
  baseUrl?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 } */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per-request timeout. @default 30_000 */
  requestTimeoutMs?: number;
  /**
   * Waits for the reset when fewer than `minRemaining` points are left; a wait longer than
   * `maxWaitMs` fails with RATE_LIMITED instead. @default { minRemaining: 50, maxWaitMs: 60_000 }
   */
  rateLimit?: { minRemaining?: number; maxWaitMs?: number };
  /** Called before every HTTP request (retries included). */
  onRequest?: (event: GitHubRequestEvent) => void;
  /** Called after every failed HTTP request (retried or not): an HTTP status, `graphql` or `network`. */
  onRequestFailed?: (event: GitHubRequestEvent & { reason: string }) => void;
  /** Called before every wait for the rate limit (pacing, or a 403/429 answer waited out). */
  onRateLimitWait?: (ms: number) => void;
  /** How waiting is done; tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SendOptions {
  /** @default true */
  idempotent?: boolean;
  /** Hand GitHub's GraphQL errors back unmapped (GraphqlErrors) instead of as a GitHostError. */
  rawErrors?: boolean;
  /** Attempt number to start counting from, when the caller runs its own retry loop. */
  firstAttempt?: number;
}

type Json = Record<string, unknown>;

interface RateLimitData {
  rateLimit?: { cost: number; remaining: number; resetAt: string } | null;
}

/** GraphQL errors GitHub answered with, already free of secrets; mapped per operation. */
export class GraphqlErrors extends Error {
  readonly errors: readonly GitHubGraphqlError[];
  readonly code: GitHostErrorCode;
  constructor(errors: readonly GitHubGraphqlError[], code: GitHostErrorCode) {
    super(errors.map((error) => error.message).join('; '));
    this.errors = errors;
    this.code = code;
  }
  isStaleHead(): boolean {
    return this.errors.some(
      (error) => error.type === 'STALE_DATA' || /Expected branch to point to/i.test(error.message),
    );
  }
}

/** A transient failure on a request that must not be blindly repeated (mutations). */
export class MaybeApplied extends Error {
  readonly detail: string;
  readonly attempt: number;
  constructor(detail: string, attempt: number) {
    super(detail);
    this.detail = detail;
    this.attempt = attempt;
  }
}

export class GitHubTransport {
  readonly #options: GitHubTransportOptions;
  readonly #client: typeof graphql;
  readonly #restBase: string;
  readonly #fetch: typeof fetch;
  /** Retry settings; callers that run their own retry loop (commits, pull requests) use them too. */
  readonly policy: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  #rate: { remaining: number; resetAtMs: number } | undefined;
  #requests = 0;
  readonly #requestsByOperation = new Map<string, number>();

  constructor(options: GitHubTransportOptions) {
    this.#options = options;
    this.#restBase = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    const baseFetch = options.fetch ?? globalThis.fetch;
    // Every response's x-ratelimit-* headers keep the budget estimate current (mutations cannot ask).
    this.#fetch = async (input, init) => {
      const response = await baseFetch(input, init);
      this.#noteRateHeaders(response.headers);
      return response;
    };
    this.#client = graphql.defaults({
      baseUrl: this.#restBase,
      headers: { authorization: `token ${options.token}` },
      request: { fetch: this.#fetch },
    });
    this.policy = {
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
      maxRateLimitWaitMs: options.rateLimit?.maxWaitMs ?? 60_000,
    };
    this.sleep = options.sleep ?? ((ms) => delay(ms));
  }

  /** HTTP requests made so far, retries included. */
  get requestCount(): number {
    return this.#requests;
  }

  /** HTTP requests per operation name, retries included. */
  get requestsByOperation(): ReadonlyMap<string, number> {
    return this.#requestsByOperation;
  }

  /**
   * One GraphQL operation with rate-limit pacing and retries. A query (`query …`) gets the
   * repository's `owner` and `name` as variables. A request that is not `idempotent` is not
   * repeated after a failure that may have applied it (it throws MaybeApplied instead).
   * `rawErrors` hands GitHub's GraphQL errors back unmapped (GraphqlErrors).
   */
  async graphql<T>(
    operationName: string,
    query: string,
    variables: Json,
    operation: string,
    options: SendOptions = {},
  ): Promise<T> {
    const isQuery = /^query\b/.test(query);
    const result = await this.#send<T & RateLimitData>(operationName, 'graphql', operation, options, async (signal) => {
      try {
        return await this.#client<T & RateLimitData>(query, {
          ...(isQuery ? { owner: this.#options.owner, name: this.#options.name } : {}),
          ...variables,
          request: { fetch: this.#fetch, signal },
        });
      } catch (error) {
        throw this.#describeFailure(error, signal);
      }
    });
    if (result.rateLimit) this.#noteRateLimit(result.rateLimit.remaining, Date.parse(result.rateLimit.resetAt));
    return result;
  }

  /** One REST request below `/repos/{owner}/{name}`, paced and retried like GraphQL. */
  async rest<T>(
    operationName: string,
    path: string,
    operation: string,
    options: SendOptions & { method: 'GET' | 'PUT'; body?: Json },
  ): Promise<T> {
    const url = `${this.#restBase}/repos/${encodeURIComponent(this.#options.owner)}/${encodeURIComponent(this.#options.name)}${path}`;
    return this.#send<T>(operationName, 'rest', operation, options, async (signal) => {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method: options.method,
          signal,
          headers: {
            authorization: `token ${this.#options.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            ...(options.body ? { 'content-type': 'application/json' } : {}),
          },
          ...(options.body ? { body: JSON.stringify(options.body) } : {}),
        });
      } catch (error) {
        throw this.#describeFailure(error, signal);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) {
        let message = response.statusText;
        try {
          message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
        } catch {
          // not JSON (a proxy's HTML error page)
        }
        throw {
          kind: 'http',
          status: response.status,
          headers: Object.fromEntries(response.headers),
          message,
        } satisfies RequestFailure;
      }
      return JSON.parse(text) as T;
    });
  }

  /** GitHub's GraphQL errors as the GitHostError of `operation` (a refused deletion names `deletions`). */
  graphqlErrorsToHostError(error: GraphqlErrors, operation: string): GitHostError {
    const deletion = error.errors.some((e) => /requested for deletion/i.test(e.message));
    return new GitHostError(error.code, this.#scrub(error.message), {
      operation,
      ...(deletion ? { location: 'deletions' } : {}),
    });
  }

  /** GraphqlErrors and MaybeApplied as GitHostErrors; anything else as it is. */
  asHostError(error: unknown, operation: string): unknown {
    if (error instanceof GraphqlErrors) return this.graphqlErrorsToHostError(error, operation);
    if (error instanceof MaybeApplied) return new GitHostError('TRANSIENT', error.detail, { operation });
    return error;
  }

  /** The retry loop shared by GraphQL and REST requests. */
  async #send<T>(
    operationName: string,
    kind: 'graphql' | 'rest',
    operation: string,
    options: SendOptions,
    attemptRequest: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    for (let attempt = options.firstAttempt ?? 1; ; attempt++) {
      await this.#paceForRateLimit(operation);
      this.#requests++;
      this.#requestsByOperation.set(operationName, (this.#requestsByOperation.get(operationName) ?? 0) + 1);
      this.#options.onRequest?.({ operation: operationName, kind, attempt });
      try {
        return await attemptRequest(AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000));
      } catch (thrown) {
        if (!isRequestFailure(thrown)) throw thrown;
        this.#options.onRequestFailed?.({
          operation: operationName,
          kind,
          attempt,
          reason: thrown.kind === 'http' ? String(thrown.status) : thrown.kind,
        });
        const decision = decideRetry(thrown, attempt, this.policy, { now: Date.now(), random: Math.random });
        if (decision.action === 'retry') {
          if (options.idempotent === false && decision.mayHaveApplied)
            throw new MaybeApplied(this.#scrub(describe(thrown)), attempt);
          if (decision.reason === 'rate_limited') this.#options.onRateLimitWait?.(decision.delayMs);
          await this.sleep(decision.delayMs);
          continue;
        }
        if (thrown.kind === 'graphql' && decision.code !== 'RATE_LIMITED') {
          const errors = new GraphqlErrors(
            thrown.errors.map((error) => ({ ...error, message: this.#scrub(error.message) })),
            decision.code,
          );
          if (options.rawErrors) throw errors;
          throw this.graphqlErrorsToHostError(errors, operation);
        }
        throw new GitHostError(decision.code, this.#scrub(decision.detail), {
          operation,
          ...(thrown.kind === 'http' ? { status: thrown.status } : {}),
          ...(decision.action === 'fail' && decision.retryAfterMs !== undefined
            ? { retryAfterMs: decision.retryAfterMs }
            : {}),
        });
      }
    }
  }

  async #paceForRateLimit(operation: string): Promise<void> {
    const rate = this.#rate;
    const minRemaining = this.#options.rateLimit?.minRemaining ?? 50;
    if (!rate || rate.remaining >= minRemaining) return;
    const waitMs = rate.resetAtMs - Date.now();
    if (waitMs <= 0) {
      this.#rate = undefined;
      return;
    }
    if (waitMs > this.policy.maxRateLimitWaitMs) {
      throw new GitHostError(
        'RATE_LIMITED',
        `only ${rate.remaining} GitHub API points left until ${new Date(rate.resetAtMs).toISOString()}`,
        {
          operation,
          retryAfterMs: waitMs,
        },
      );
    }
    this.#options.onRateLimitWait?.(waitMs);
    await this.sleep(waitMs);
    this.#rate = undefined;
  }

  #noteRateLimit(remaining: number, resetAtMs: number): void {
    if (Number.isFinite(remaining) && Number.isFinite(resetAtMs)) this.#rate = { remaining, resetAtMs };
  }

  #noteRateHeaders(headers: Headers): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    if (remaining !== null && reset !== null) this.#noteRateLimit(Number(remaining), Number(reset) * 1000);
  }

  /** Turns whatever octokit or fetch threw into a RequestFailure, keeping nothing that holds the token. */
  #describeFailure(error: unknown, signal: AbortSignal): RequestFailure {
    if (signal.aborted) return { kind: 'network', timedOut: true, message: 'timed out' };
    if (error instanceof GraphqlResponseError) {
      const errors = (error.errors ?? []) as { type?: string; message?: string }[];
      return {
        kind: 'graphql',
        errors: errors.map((e) => ({
          ...(e.type ? { type: e.type } : {}),
          message: String(e.message ?? 'unknown error'),
        })),
        headers: error.headers as ResponseHeaders,
      };
    }
    const status = (error as { status?: unknown }).status;
    const response = (error as { response?: { headers?: ResponseHeaders; data?: unknown } }).response;
    if (typeof status === 'number' && response) {
      const data = response.data as { message?: unknown } | undefined;
      const message = typeof data === 'object' && data && 'message' in data ? String(data.message) : `HTTP ${status}`;
      return { kind: 'http', status, headers: response.headers ?? {}, message };
    }
    const cause = (error as { cause?: { message?: unknown } }).cause;
    return { kind: 'network', timedOut: false, message: String(cause?.message ?? (error as Error).message ?? error) };
  }

  #scrub(text: string): string {
    return scrubSecrets(text, [this.#options.token]);
  }
}

function isRequestFailure(value: unknown): value is RequestFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    ['http', 'graphql', 'network'].includes((value as { kind: string }).kind)
  );
}

function describe(failure: RequestFailure): string {
  switch (failure.kind) {
    case 'network':
      return failure.timedOut ? 'request timed out' : `network error: ${failure.message}`;
    case 'http':
      return `HTTP ${failure.status}: ${failure.message}`;
    case 'graphql':
      return failure.errors.map((error) => error.message).join('; ');
  }
}
