/**
 * The GitHub adapter under the faults GitHub really produces, injected by the test server:
 * 5xx, timeouts (before and after the commit was applied), a bad token, a read-only token, and
 * the head moving between read and commit. How any request is retried and paced (5xx, secondary
 * and primary rate limits) is the transport's, tested in github-transport.test.ts.
 * Waits go through an injected `sleep` that records and returns at once.
 */
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/git/blob-oid.ts';
import { GitHubHost } from '../../src/git/github/github-host.ts';
import type { GitHubRequestEvent } from '../../src/git/github/github-transport.ts';
import { gitLog, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { caught, startGitHubHost } from './support.ts';

afterAll(removeScratchDirs);

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const change = (expectedHeadOid: string, message = 'gateway change') => ({
  branch: 'main',
  expectedHeadOid,
  message,
  additions: [{ path: 'managed/a.yaml', contents: 'a: 1\n' }],
  deletions: [],
});

describe('GitHub adapter under faults', () => {
  it('retries a read that timed out', async () => {
    const { host, server, remote, close } = await startGitHubHost({ host: { requestTimeoutMs: 1000 } });
    try {
      const head = await pushFromAnotherClone(remote, { files: { 'a.txt': 'hello' } });
      const released = server.faults.hangNext({ operation: 'ReadBlobs' });
      const blobs = await host.readBlobs([gitBlobOid('hello')]);
      await released; // the client really gave up on the hung request
      expect(Buffer.from(blobs.get(gitBlobOid('hello')) ?? []).toString()).toBe('hello');
      expect(server.requestCount('ReadBlobs')).toBe(2);
      expect(head).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await close();
    }
  });

  it('does not commit twice when the commit landed but the answer timed out', async () => {
    const { host, server, remote, close } = await startGitHubHost({ host: { requestTimeoutMs: 1000 } });
    try {
      const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      const released = server.faults.hangNext({ operation: 'CreateCommitOnBranch', after: 'applying' });
      const result = await host.commit(change(base, 'landed once'));
      await released;
      const log = await gitLog(remote, 'main');
      expect(log.map((commit) => commit.message)).toEqual(['landed once', 'a change made elsewhere']);
      expect(result).toEqual({ status: 'committed', oid: log[0]?.oid });
      expect(server.requestCount('CreateCommitOnBranch')).toBe(1);
      expect(server.requestCount('BranchHeadCommit')).toBe(1);
    } finally {
      await close();
    }
  });

  it('commits once when the first attempt timed out or failed before applying', async () => {
    const { host, server, remote, close } = await startGitHubHost({ host: { requestTimeoutMs: 1000 } });
    try {
      const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      const released = server.faults.hangNext({ operation: 'CreateCommitOnBranch', after: 'receiving' });
      const first = await host.commit(change(base, 'after a timeout'));
      await released;
      expect(first.status).toBe('committed');
      server.faults.failNext(1, { status: 502, operation: 'CreateCommitOnBranch' });
      const second = await host.commit(change(first.status === 'committed' ? first.oid : '', 'after a 502'));
      expect(second.status).toBe('committed');
      expect((await gitLog(remote, 'main')).map((commit) => commit.message)).toEqual([
        'after a 502',
        'after a timeout',
        'a change made elsewhere',
      ]);
      expect(server.requestCount('CreateCommitOnBranch')).toBe(4);
      expect(server.requestCount('BranchHeadCommit')).toBe(2);
    } finally {
      await close();
    }
  });

  it('reports a bad token as AUTH without the token anywhere in the error', async () => {
    const { host, server, close } = await startGitHubHost({ host: { token: 'ghp_WrongToken_0123456789abcdefXYZ' } });
    try {
      const calls = [
        () => host.getBranchHead('main'),
        () => host.checkAccess(),
        () => host.commit(change('0'.repeat(40))),
      ];
      for (const call of calls) {
        const error = await caught(call());
        expect(error.code).toBe('AUTH');
        const everything = [error.message, error.stack, inspect(error, { depth: 10 }), JSON.stringify(error)].join(
          '\n',
        );
        expect(everything).not.toContain('ghp_WrongToken_0123456789abcdefXYZ');
        expect(everything).not.toContain(server.token);
      }
      expect(server.requestCount()).toBe(3); // no retries of a 401
    } finally {
      await close();
    }
  });

  it('checks viewerPermission once before writing, and refuses with a read-only token', async () => {
    const { host, server, remote, close } = await startGitHubHost({ server: { viewerPermission: 'READ' } });
    try {
      const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      expect(await host.checkAccess()).toEqual({
        canRead: true,
        canWrite: false,
        permission: 'READ',
        defaultBranch: 'main',
      });
      const error = await caught(host.commit(change(base)));
      expect(error.code).toBe('FORBIDDEN');
      expect(server.requestCount('CreateCommitOnBranch')).toBe(0);
      const writer = await startGitHubHost();
      try {
        const head = await pushFromAnotherClone(writer.remote, { files: { 'a.txt': 'a' } });
        await writer.host.commit(change(head, 'one'));
        const second = await writer.host.getBranchHead('main');
        await writer.host.commit(change(second ?? '', 'two'));
        expect(writer.server.requestCount('RepositoryAccess')).toBe(1);
      } finally {
        await writer.close();
      }
    } finally {
      await close();
    }
  });

  it('returns head_moved when the head moves between read and commit', async () => {
    const { host, server, remote, close } = await startGitHubHost();
    try {
      const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
      let theirs = '';
      server.state.beforeCommit = async () => {
        server.state.beforeCommit = null;
        theirs = await pushFromAnotherClone(remote, { files: { 'b.txt': 'b' }, message: 'pushed meanwhile' });
      };
      const result = await host.commit(change(base));
      expect(result).toEqual({ status: 'head_moved', actualHeadOid: theirs });
      expect((await gitLog(remote, 'main')).map((commit) => commit.message)).toEqual([
        'pushed meanwhile',
        'a change made elsewhere',
      ]);
    } finally {
      await close();
    }
  });

  it('batches: deep trees and many blobs take few requests, counted by onRequest', async () => {
    const events: GitHubRequestEvent[] = [];
    const { host, server, remote, close } = await startGitHubHost({
      host: { onRequest: (event) => events.push(event), blobBatchSize: 100 },
    });
    try {
      const files = Object.fromEntries(
        Array.from({ length: 150 }, (_, index) => [`managed/d1/d2/d3/d4/d5/f${index}.yaml`, `n: ${index}\n`]),
      );
      const head = await pushFromAnotherClone(remote, { files });
      const tree = await host.readTree(head, 'managed');
      expect(tree).toHaveLength(150);
      const blobs = await host.readBlobs(tree.map((entry) => entry.oid));
      expect(blobs.size).toBe(150);
      // The tree oid from GraphQL, every entry at any depth from one recursive REST answer.
      expect(Object.fromEntries(server.requests)).toEqual({ ResolveTree: 1, 'rest:getTree': 1, ReadBlobs: 2 });
      expect(events.map((event) => event.operation)).toEqual(['ResolveTree', 'rest:getTree', 'ReadBlobs', 'ReadBlobs']);
      expect(host.requestCount).toBe(4);
    } finally {
      await close();
    }
  });

  it('retries tree listings like any read: a 502 and a secondary rate limit are waited out', async () => {
    const { waits, sleep } = recordingSleep();
    const { host, server, remote, close } = await startGitHubHost({ host: { sleep } });
    try {
      const head = await pushFromAnotherClone(remote, {
        files: { 'managed/a/x.yaml': 'x: 1\n', 'managed/b/y.yaml': 'y: 1\n' },
      });
      server.faults.failNext(1, { status: 502, operation: 'rest:getTree' });
      server.faults.rateLimitNext({ operation: 'rest:getTree', retryAfterSeconds: 2 });
      expect((await host.readTree(head, 'managed')).map((entry) => entry.path)).toEqual([
        'managed/a/x.yaml',
        'managed/b/y.yaml',
      ]);
      expect(server.requestCount('rest:getTree')).toBe(3);
      expect(waits).toContain(2000);
      server.faults.failNext(10, { status: 502, operation: 'rest:getTree' });
      expect((await caught(host.readTree(head, 'managed'))).code).toBe('TRANSIENT');
    } finally {
      await close();
    }
  });

  it('diffs in one compare request, retries it like any read, and declines at the file limit', async () => {
    const { waits, sleep } = recordingSleep();
    const { host, server, remote, close } = await startGitHubHost({ host: { sleep } });
    try {
      const base = await pushFromAnotherClone(remote, { files: { 'fabric/managed/a.yaml': 'a: 1\n' } });
      const one = await pushFromAnotherClone(remote, {
        files: { 'fabric/managed/a.yaml': 'a: 2\n', 'other/b.yaml': 'b: 1\n' },
      });
      server.faults.failNext(1, { status: 502, operation: 'rest:compare' });
      expect((await host.diffTree(base, one, 'fabric'))?.map((change) => change.path)).toEqual([
        'fabric/managed/a.yaml',
      ]);
      expect(server.requestCount('rest:compare')).toBe(2);
      expect(waits).toHaveLength(1);

      // GitHub lists 300 files and drops the rest without saying so: a full list may be cut, and
      // the cut can hide changes inside the directory, whatever lies outside it.
      const many = Object.fromEntries(
        Array.from({ length: 299 }, (_, index) => [`other/f${index}.yaml`, `n: ${index}\n`]),
      );
      const large = await pushFromAnotherClone(remote, { files: many });
      expect(await host.diffTree(base, large, 'fabric')).toBeNull();
      expect(await host.diffTree(one, large, 'fabric')).toEqual([]);
      expect(server.requestCount('rest:compare')).toBe(4);
      expect(server.requestCount()).toBe(4);
    } finally {
      await close();
    }
  });

  it('talks to GitHub Enterprise Server under /api/v3 and /api/graphql', async () => {
    const { server, remote, close } = await startGitHubHost();
    try {
      const enterprise = new GitHubHost({
        owner: server.owner,
        name: server.name,
        token: server.token,
        baseUrl: `${server.url}/api/v3`,
        retry: { baseDelayMs: 1 },
      });
      const head = await pushFromAnotherClone(remote, { files: { 'big.txt': 'x'.repeat(10_000) } });
      expect(await enterprise.getBranchHead('main')).toBe(head);
      const [entry] = await enterprise.readTree(head, '');
      const blobs = await enterprise.readBlobs([entry?.oid ?? '']);
      expect(blobs.get(entry?.oid ?? '')?.length).toBe(10_000);
      expect(server.requestCount('rest:getBlob')).toBe(1);
      expect(server.requestCount('rest:getTree')).toBe(1); // trees over REST reach /api/v3 too
    } finally {
      await close();
    }
  });
});
