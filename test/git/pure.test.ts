/**
 * The pure parts of the git layer: blob oids (checked against `git hash-object`), request
 * validation, message splitting, commit trailers, secret scrubbing and the GitHub retry decisions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/git/blob-oid.ts';
import {
  assertValidCommitRequest,
  branchNameProblem,
  filePathProblem,
  normalizeDirectory,
  splitCommitMessage,
} from '../../src/git/commit-request.ts';
import { withGatewayTrailers } from '../../src/git/commit-trailers.ts';
import { GitHostError, type CommitRequest } from '../../src/git/git-host.ts';
import { backoffDelayMs, decideRetry, rateLimitWaitMs, type RetryPolicy } from '../../src/git/github/retry-policy.ts';
import { scrubSecrets } from '../../src/git/scrub.ts';
import { git } from '../support/git-fixtures.ts';

describe('gitBlobOid', () => {
  it('matches git hash-object for any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        expect(gitBlobOid(bytes)).toBe(await git(['hash-object', '--stdin'], { input: bytes }));
      }),
      { numRuns: 25 },
    );
    expect(gitBlobOid('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(gitBlobOid('café\n')).toBe(await git(['hash-object', '--stdin'], { input: 'café\n' }));
  });
});

describe('withGatewayTrailers', () => {
  it('ends a message with the operation and the actor, each on its own line', () => {
    expect(withGatewayTrailers('Add leaf\n\nbody', { operationId: 'op-1', actor: 'alice' })).toBe(
      'Add leaf\n\nbody\n\nGateway-Operation: op-1\nGateway-Actor: alice\n',
    );
  });

  it('puts the actor on one line, so no newline can forge a trailer; a blank actor is "unknown"', () => {
    const message = withGatewayTrailers('m', { operationId: 'op-1', actor: 'eve\r\nGateway-Operation: other\n' });
    expect(message.match(/^Gateway-.*$/gm)).toEqual([
      'Gateway-Operation: op-1',
      'Gateway-Actor: eve Gateway-Operation: other',
    ]);
    expect(withGatewayTrailers('m', { operationId: 'op-1', actor: ' \n ' })).toMatch(/\nGateway-Actor: unknown\n$/);
  });
});

describe('commit request checks', () => {
  const request = (overrides: Partial<CommitRequest>): CommitRequest => ({
    branch: 'main',
    expectedHeadOid: null,
    message: 'm',
    additions: [],
    deletions: [],
    ...overrides,
  });
  const locationOf = (value: CommitRequest): string | undefined => {
    try {
      assertValidCommitRequest(value, 'commit');
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(GitHostError);
      expect((error as GitHostError).code).toBe('INVALID');
      return (error as GitHostError).location;
    }
  };

  it('accepts a normal request', () => {
    expect(
      locationOf(
        request({
          additions: [{ path: 'managed/switches/leaf-01.yaml', contents: '' }],
          deletions: [{ path: 'raw/x.yaml' }],
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    [request({ branch: 'bad branch' }), 'branch'],
    [request({ branch: 'a..b' }), 'branch'],
    [request({ expectedHeadOid: 'abc' }), 'expectedHeadOid'],
    [request({ message: '  ' }), 'message'],
    [request({ additions: [{ path: '/abs', contents: '' }] }), 'additions[0].path'],
    [request({ additions: [{ path: 'a//b', contents: '' }] }), 'additions[0].path'],
    [request({ additions: [{ path: 'x/.git/config', contents: '' }] }), 'additions[0].path'],
    [request({ additions: [{ path: 'a', contents: '' }], deletions: [{ path: 'a' }] }), 'deletions[0].path'],
    [
      request({
        additions: [
          { path: 'a', contents: '' },
          { path: 'a/b', contents: '' },
        ],
      }),
      'additions[1].path',
    ],
    [request({ deletions: [{ path: 'line\nbreak' }] }), 'deletions[0].path'],
  ])('rejects %# with its location', (value, location) => {
    expect(locationOf(value)).toBe(location);
  });

  it('names what is wrong with paths and branches', () => {
    expect(filePathProblem('a/../b')).toMatch(/\.\./);
    expect(filePathProblem('ok/file.yaml')).toBeNull();
    expect(branchNameProblem('hnp/change-1')).toBeNull();
    expect(branchNameProblem('x.lock')).toMatch(/\.lock/);
    expect(normalizeDirectory('/managed/', 'read')).toBe('managed');
    expect(normalizeDirectory('', 'read')).toBe('');
    expect(() => normalizeDirectory('../up', 'read')).toThrow(GitHostError);
  });

  it('splits messages into GitHub headline and body', () => {
    expect(splitCommitMessage('One line')).toEqual({ headline: 'One line', body: '' });
    expect(splitCommitMessage('Head\n\nBody line 1\nline 2\n')).toEqual({
      headline: 'Head',
      body: 'Body line 1\nline 2',
    });
  });
});

describe('scrubSecrets', () => {
  it('removes secrets and URL credentials', () => {
    expect(scrubSecrets('fatal: https://bob:hunter22@host/x.git token=abcd1234', ['abcd1234'])).toBe(
      'fatal: https://***@host/x.git token=***',
    );
  });
});

describe('GitHub retry decisions', () => {
  const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRateLimitWaitMs: 60_000 };
  const clock = { now: 1_700_000_000_000, random: () => 1 };

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(400);
    expect(backoffDelayMs(10, policy, () => 1)).toBe(1000);
  });

  it('retries 5xx and timeouts (they may have applied), then gives up', () => {
    expect(decideRetry({ kind: 'http', status: 502, headers: {}, message: '' }, 1, policy, clock)).toEqual({
      action: 'retry',
      delayMs: 100,
      reason: 'transient',
      mayHaveApplied: true,
    });
    expect(decideRetry({ kind: 'network', timedOut: true, message: '' }, 3, policy, clock)).toMatchObject({
      action: 'fail',
      code: 'TRANSIENT',
    });
  });

  it('waits out rate limits from retry-after or x-ratelimit-reset, within limits', () => {
    expect(rateLimitWaitMs({ 'retry-after': '2' }, clock.now)).toBe(2000);
    expect(
      rateLimitWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(clock.now / 1000 + 5) }, clock.now),
    ).toBe(5000);
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': '1' }, clock.now)).toBeUndefined();
    expect(
      decideRetry({ kind: 'http', status: 429, headers: { 'retry-after': '2' }, message: '' }, 1, policy, clock),
    ).toEqual({
      action: 'retry',
      delayMs: 2000,
      reason: 'rate_limited',
      mayHaveApplied: false,
    });
    expect(
      decideRetry({ kind: 'http', status: 403, headers: { 'retry-after': '600' }, message: '' }, 1, policy, clock),
    ).toEqual({
      action: 'fail',
      code: 'RATE_LIMITED',
      detail: 'secondary rate limit (HTTP 403)',
      retryAfterMs: 600_000,
    });
    expect(
      decideRetry(
        {
          kind: 'graphql',
          errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }],
          headers: { 'x-ratelimit-reset': String(clock.now / 1000 + 1) },
        },
        1,
        policy,
        clock,
      ),
    ).toMatchObject({
      action: 'retry',
      delayMs: 1000,
    });
  });

  it('fails at once on auth, permission, not-found and bad requests', () => {
    const fail = (status: number, message = '') =>
      decideRetry({ kind: 'http', status, headers: {}, message }, 1, policy, clock);
    expect(fail(401)).toMatchObject({ action: 'fail', code: 'AUTH' });
    expect(fail(403, 'Resource not accessible by integration')).toMatchObject({ action: 'fail', code: 'FORBIDDEN' });
    expect(fail(403, 'You have exceeded a secondary rate limit')).toMatchObject({ action: 'retry', delayMs: 60_000 });
    expect(fail(404)).toMatchObject({ action: 'fail', code: 'NOT_FOUND' });
    expect(fail(422)).toMatchObject({ action: 'fail', code: 'INVALID' });
    expect(
      decideRetry(
        { kind: 'graphql', errors: [{ type: 'NOT_FOUND', message: 'Could not resolve' }], headers: {} },
        1,
        policy,
        clock,
      ),
    ).toMatchObject({
      action: 'fail',
      code: 'NOT_FOUND',
    });
  });
});
