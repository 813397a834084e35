/**
 * The GitHub transport on its own, against the test server: any request is retried after a
 * 5xx, waits out secondary rate limits and slows down before the primary budget runs out; a
 * mutation that may have applied is never repeated blindly. The GitHost methods on top of it are
 * tested in github-host.faults.test.ts. Waits go through an injected `sleep` that records and
 * returns at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GitHubTransport, MaybeApplied, type GitHubTransportOptions } from '../../src/git/github/github-transport.ts';
import * as q from '../../src/git/github/queries.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { startGitHubServer } from '../support/github-server/github-server.ts';
import { caught, TEST_TRUNCATE_ABOVE } from './support.ts';

afterAll(removeScratchDirs);

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** A transport to the test server, with the small retry delays of support.ts. */
async function startTransport(options: Partial<GitHubTransportOptions> = {}) {
  const server = await startGitHubServer({ truncateBlobsAbove: TEST_TRUNCATE_ABOVE });
  const transport = new GitHubTransport({
    owner: server.owner,
    name: server.name,
    token: server.token,
    baseUrl: server.url,
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    requestTimeoutMs: 5_000,
    ...options,
  });
  return {
    transport,
    server,
    remote: server.repositoryDir,
    close: async () => {
      await server.close();
      if (server.rejectedQueries.length > 0)
        throw new Error(`GitHub would reject: ${JSON.stringify(server.rejectedQueries, null, 2)}`);
    },
  };
}

/** One read: the head of main over GraphQL (`BranchHead`). */
async function branchHead(transport: GitHubTransport): Promise<string | null> {
  const data = await transport.graphql<{ repository: { ref: { target: { oid: string } | null } | null } }>(
    'BranchHead',
    q.BRANCH_HEAD,
    { ref: 'refs/heads/main' },
    'read head of main',
  );
  return data.repository.ref?.target?.oid ?? null;
}

describe('GitHub transport', () => {
  it('retries 502/503/504 with backoff and gives up with TRANSIENT', async () => {
    const { waits, sleep } = recordingSleep();
    const { transport, server, remote, close } = await startTransport({ sleep });
    try {
      const head = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      server.faults.failNext(1, { status: 502, operation: 'BranchHead' });
      server.faults.failNext(1, { status: 503, operation: 'BranchHead' });
      server.faults.failNext(1, { status: 504, operation: 'BranchHead' });
      expect(await branchHead(transport)).toBe(head);
      expect(server.requestCount('BranchHead')).toBe(4);
      expect(waits).toHaveLength(3);
      // Exponential with jitter: attempt n waits between half and all of base·2^(n-1), capped at 5 ms.
      expect(waits[0]).toBeGreaterThanOrEqual(0);
      expect(waits.every((ms) => ms <= 5)).toBe(true);

      server.faults.failNext(10, { status: 502, operation: 'BranchHead' });
      const error = await caught(branchHead(transport));
      expect(error.code).toBe('TRANSIENT');
      expect(server.requestCount('BranchHead')).toBe(8);
      expect(transport.requestCount).toBe(8);
      expect(transport.requestsByOperation.get('BranchHead')).toBe(8);
    } finally {
      await close();
    }
  });

  it('waits out secondary rate limits (retry-after, x-ratelimit-reset) and refuses to wait too long', async () => {
    const { waits, sleep } = recordingSleep();
    const { transport, server, remote, close } = await startTransport({ sleep, rateLimit: { maxWaitMs: 120_000 } });
    try {
      const head = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      server.faults.rateLimitNext({ retryAfterSeconds: 1, status: 403, operation: 'BranchHead' });
      expect(await branchHead(transport)).toBe(head);
      expect(waits).toEqual([1000]);

      server.faults.rateLimitNext({
        resetAt: Math.floor(Date.now() / 1000) + 30,
        status: 429,
        operation: 'BranchHead',
      });
      expect(await branchHead(transport)).toBe(head);
      expect(waits[1]).toBeGreaterThan(25_000);
      expect(waits[1]).toBeLessThanOrEqual(30_000);

      server.faults.rateLimitNext({ retryAfterSeconds: 3600, operation: 'BranchHead' });
      const error = await caught(branchHead(transport));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryAfterMs).toBe(3_600_000);
      expect(server.requestCount('BranchHead')).toBe(5);
    } finally {
      await close();
    }
  });

  it('slows down before the primary budget runs out (rateLimit.remaining, resetAt)', async () => {
    const { waits, sleep } = recordingSleep();
    const { transport, server, remote, close } = await startTransport({
      sleep,
      rateLimit: { minRemaining: 50, maxWaitMs: 120_000 },
    });
    try {
      await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      server.state.rateLimit = { limit: 5000, remaining: 40, resetAt: Math.floor(Date.now() / 1000) + 60 };
      await branchHead(transport);
      expect(waits).toEqual([]); // the budget was unknown before this answer
      await branchHead(transport);
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThan(55_000);
    } finally {
      await close();
    }
  });

  it('does not repeat a mutation that may have applied (a 502): MaybeApplied tells the caller to look first', async () => {
    const { waits, sleep } = recordingSleep();
    const { transport, server, remote, close } = await startTransport({ sleep });
    try {
      const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      const input = {
        branch: { repositoryNameWithOwner: `${server.owner}/${server.name}`, branchName: 'main' },
        expectedHeadOid: base,
        message: { headline: 'once' },
        fileChanges: { additions: [{ path: 'b.txt', contents: Buffer.from('b').toString('base64') }], deletions: [] },
      };
      server.faults.failNext(1, { status: 502, operation: 'CreateCommitOnBranch' });
      const error = await transport
        .graphql('CreateCommitOnBranch', q.CREATE_COMMIT_ON_BRANCH, { input }, 'commit on main', { idempotent: false })
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(MaybeApplied);
      expect(error).toMatchObject({ attempt: 1, detail: expect.stringMatching(/^HTTP 502/) });
      expect(server.requestCount('CreateCommitOnBranch')).toBe(1);
      expect(waits).toEqual([]);
    } finally {
      await close();
    }
  });
});
