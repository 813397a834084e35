/**
 * Pure decisions about a failed GitHub request: retry after how long, or fail with which code.
 * Follows GitHub's guidance: 5xx and timeouts back off exponentially with jitter; 403/429 with
 * `retry-after` or an exhausted `x-ratelimit-*` are waited out; a 403/429 that only says "rate
 * limit" waits a minute; everything else fails at once.
 */
import type { GitHostErrorCode } from '../git-host.ts';

export type ResponseHeaders = Readonly<Record<string, string | undefined>>;

export type RequestFailure =
  | { kind: 'http'; status: number; headers: ResponseHeaders; message: string }
  | { kind: 'graphql'; errors: readonly GitHubGraphqlError[]; headers: ResponseHeaders }
  | { kind: 'network'; timedOut: boolean; message: string };

export interface GitHubGraphqlError {
  type?: string;
  message: string;
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longer rate-limit waits fail with RATE_LIMITED (and `retryAfterMs`) instead of blocking. */
  maxRateLimitWaitMs: number;
}

export type RetryDecision =
  | {
      action: 'retry';
      delayMs: number;
      reason: 'transient' | 'rate_limited';
      /** The request may have reached GitHub and taken effect (timeouts, 5xx). */
      mayHaveApplied: boolean;
    }
  | { action: 'fail'; code: GitHostErrorCode; detail: string; retryAfterMs?: number };

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const SECONDARY_LIMIT_FALLBACK_MS = 60_000;

export function backoffDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** How long GitHub asked us to wait, from `retry-after` or an exhausted `x-ratelimit-reset`. */
export function rateLimitWaitMs(headers: ResponseHeaders, now: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  return undefined;
}

export function decideRetry(
  failure: RequestFailure,
  attempt: number,
  policy: RetryPolicy,
  clock: { now: number; random: () => number },
): RetryDecision {
  const lastAttempt = attempt >= policy.maxAttempts;
  const transient = (detail: string): RetryDecision =>
    lastAttempt
      ? { action: 'fail', code: 'TRANSIENT', detail: `${detail} (gave up after ${attempt} attempts)` }
      : {
          action: 'retry',
          delayMs: backoffDelayMs(attempt, policy, clock.random),
          reason: 'transient',
          mayHaveApplied: true,
        };
  const waitOut = (waitMs: number, detail: string): RetryDecision =>
    lastAttempt || waitMs > policy.maxRateLimitWaitMs
      ? { action: 'fail', code: 'RATE_LIMITED', detail, retryAfterMs: waitMs }
      : { action: 'retry', delayMs: waitMs, reason: 'rate_limited', mayHaveApplied: false };

  switch (failure.kind) {
    case 'network':
      return transient(failure.timedOut ? 'request timed out' : `network error: ${failure.message}`);
    case 'graphql': {
      if (failure.errors.some((error) => error.type === 'RATE_LIMITED')) {
        return waitOut(
          rateLimitWaitMs({ ...failure.headers, 'x-ratelimit-remaining': '0' }, clock.now) ??
            SECONDARY_LIMIT_FALLBACK_MS,
          'GitHub rate limit exhausted',
        );
      }
      const detail = failure.errors.map((error) => error.message).join('; ');
      const types = new Set(failure.errors.map((error) => error.type));
      const code: GitHostErrorCode = types.has('NOT_FOUND')
        ? 'NOT_FOUND'
        : types.has('FORBIDDEN')
          ? 'FORBIDDEN'
          : 'INVALID';
      return { action: 'fail', code, detail };
    }
    case 'http': {
      const { status } = failure;
      if (status === 401)
        return { action: 'fail', code: 'AUTH', detail: 'GitHub refused the token (HTTP 401 Bad credentials)' };
      if (status === 403 || status === 429) {
        const waitMs = rateLimitWaitMs(failure.headers, clock.now);
        if (waitMs !== undefined) return waitOut(waitMs, `secondary rate limit (HTTP ${status})`);
        if (status === 429 || /rate limit/i.test(failure.message))
          return waitOut(SECONDARY_LIMIT_FALLBACK_MS, `rate limited (HTTP ${status})`);
        return { action: 'fail', code: 'FORBIDDEN', detail: `HTTP 403: ${failure.message}` };
      }
      if (RETRYABLE_STATUS.has(status)) return transient(`HTTP ${status}`);
      if (status === 404) return { action: 'fail', code: 'NOT_FOUND', detail: `HTTP 404: ${failure.message}` };
      return { action: 'fail', code: 'INVALID', detail: `HTTP ${status}: ${failure.message}` };
    }
  }
}
