/**
 * The GitHost contract, continued: a path's history (`history`) and a file at a commit
 * (`readFile`), held to the same rows on every adapter (the tHosts table), then the cost of a
 * page on each (git processes, GitHub requests).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/git/blob-oid.ts';
import type { GitHost, PathCommit } from '../../src/git/git-host.ts';
import { withGatewayTrailers } from '../../src/git/commit-trailers.ts';
import { createBareRepository, pushFromAnotherClone, removeScratchDirs, TEST_PERSON } from '../support/git-fixtures.ts';
import { caught, startCliHost, startGitHubHost, tHosts } from './support.ts';

afterAll(removeScratchDirs);

const A = 'fabric/managed/vpcs/a.yaml';
const B = 'fabric/managed/vpcs/b.yaml';

/** Five commits: a and b added; b changed; a changed (with gateway trailers); a deleted; a added again. */
async function seedHistory(remote: string) {
  const c1 = await pushFromAnotherClone(remote, {
    files: { [A]: 'a: 1\n', [B]: 'b: 1\n', 'README.md': 'hi\n' },
    message: 'add a and b',
  });
  const c2 = await pushFromAnotherClone(remote, { files: { [B]: 'b: 2\n' }, message: 'change b' });
  const trailed = withGatewayTrailers('change a\n\nbody', { operationId: 'op-1', actor: 'alice' });
  const c3 = await pushFromAnotherClone(remote, { files: { [A]: 'a: 2\n' }, message: trailed });
  const c4 = await pushFromAnotherClone(remote, { deletions: [A], message: 'delete a' });
  const c5 = await pushFromAnotherClone(remote, { files: { [A]: 'a: 3\n' }, message: 'a again' });
  const c6 = await pushFromAnotherClone(remote, { files: { 'README.md': 'hello\n' }, message: 'outside the fabric' });
  return { c1, c2, c3, c4, c5, c6 };
}

/** Every page of a path's history, following the cursors. */
async function allPages(host: GitHost, head: string, path: string, first: number) {
  const pages: PathCommit[][] = [];
  let after: string | null = null;
  for (;;) {
    const page = await host.history(head, path, { first, after });
    pages.push(page.commits);
    if (!page.hasNextPage) return pages;
    after = page.commits.at(-1)!.cursor;
  }
}

for (const tHost of tHosts) {
  describe(`${tHost.name}: history and files at a commit`, () => {
    it("lists a file's commits newest first, page by page, with author, dates, message and the file's blobs", async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const { c1, c3, c4, c5, c6 } = await seedHistory(remote);
        const first = await host.history(c6, A, { first: 2 });
        expect(first.hasNextPage).toBe(true);
        expect(first.commits.map((commit) => commit.oid)).toEqual([c5, c4]);
        expect(first.commits[0]).toMatchObject({
          authorName: TEST_PERSON.name,
          authorEmail: TEST_PERSON.email,
          pathOid: gitBlobOid('a: 3\n'),
          previousPathOid: null,
        });
        expect(first.commits[0]!.message).toBe('a again');
        expect(first.commits[1]).toMatchObject({ pathOid: null, previousPathOid: gitBlobOid('a: 2\n') });
        for (const commit of first.commits) {
          expect(new Date(commit.authoredAt).toISOString()).toBe(commit.authoredAt);
          expect(new Date(commit.committedAt).toISOString()).toBe(commit.committedAt);
          expect(Date.now() - Date.parse(commit.committedAt)).toBeLessThan(10 * 60_000);
        }
        const second = await host.history(c6, A, { first: 2, after: first.commits[1]!.cursor });
        expect(second.hasNextPage).toBe(false);
        expect(second.commits.map((commit) => commit.oid)).toEqual([c3, c1]);
        expect(second.commits[0]).toMatchObject({
          pathOid: gitBlobOid('a: 2\n'),
          previousPathOid: gitBlobOid('a: 1\n'),
        });
        expect(second.commits[0]!.message).toBe('change a\n\nbody\n\nGateway-Operation: op-1\nGateway-Actor: alice');
        expect(second.commits[1]).toMatchObject({ pathOid: gitBlobOid('a: 1\n'), previousPathOid: null });
        // Any page size gives the same listing; a path never touched has none.
        expect((await allPages(host, c6, A, 1)).flat().map((commit) => commit.oid)).toEqual([c5, c4, c3, c1]);
        expect(await host.history(c6, 'fabric/managed/never.yaml', { first: 5 })).toEqual({
          commits: [],
          hasNextPage: false,
        });
        // From an older commit, only what is reachable from it.
        expect((await host.history(c3, A, { first: 10 })).commits.map((commit) => commit.oid)).toEqual([c3, c1]);
      } finally {
        await close();
      }
    });

    it('lists the commits of a directory (trees stand in for blobs) and of the whole repository', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const { c1, c2, c3, c4, c5, c6 } = await seedHistory(remote);
        const fabric = await host.history(c6, 'fabric', { first: 10 });
        expect(fabric.commits.map((commit) => commit.oid)).toEqual([c5, c4, c3, c2, c1]);
        expect(fabric.commits.at(-1)?.previousPathOid).toBeNull();
        expect(fabric.commits[0]?.pathOid).toMatch(/^[0-9a-f]{40}$/);
        expect(fabric.commits[0]?.pathOid).not.toBe(fabric.commits[0]?.previousPathOid);
        const everything = await host.history(c6, '', { first: 3 });
        expect(everything.commits.map((commit) => commit.oid)).toEqual([c6, c5, c4]);
        expect(everything.hasNextPage).toBe(true);
      } finally {
        await close();
      }
    });

    it('reads a file as it was at a commit; null where it was absent or is a directory', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const { c1, c3, c4, c5 } = await seedHistory(remote);
        const at1 = await host.readFile(c1, A);
        expect(at1?.oid).toBe(gitBlobOid('a: 1\n'));
        expect(Buffer.from(at1?.contents ?? []).toString()).toBe('a: 1\n');
        expect(Buffer.from((await host.readFile(c3, A))?.contents ?? []).toString()).toBe('a: 2\n');
        expect(await host.readFile(c4, A)).toBeNull();
        expect(await host.readFile(c5, 'fabric/managed')).toBeNull();
        expect(await host.readFile(c5, 'fabric/none.yaml')).toBeNull();
      } finally {
        await close();
      }
    });

    it('refuses malformed input with INVALID and unknown commits (another repository’s too) with NOT_FOUND', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const { c6 } = await seedHistory(remote);
        const elsewhere = await pushFromAnotherClone(await createBareRepository(), {
          files: { [A]: 'other: 1\n' },
          message: 'another repository',
        });
        for (const call of [
          () => host.history('not-a-sha', A, { first: 1 }),
          () => host.history(c6, '../escape', { first: 1 }),
          () => host.history(c6, A, { first: 0 }),
          () => host.history(c6, A, { first: -1 }),
          () => host.history(c6, A, { first: 1_000_000 }),
          () => host.history(c6, A, { first: 1.5 }),
          () => host.history(c6, A, { first: 1, after: 'abc\u0000def' }),
          () => host.history(c6, A, { first: 1, after: 'x'.repeat(201) }),
          () => host.history(c6, 'a\u0000b', { first: 1 }),
          () => host.readFile('not-a-sha', A),
          () => host.readFile(c6, ''),
          () => host.readFile(c6, 'a/../b'),
        ]) {
          expect((await caught(call())).code).toBe('INVALID');
        }
        // A cursor this host never handed out (well-formed text) is refused, not guessed at.
        expect((await caught(host.history(c6, A, { first: 1, after: 'bm90IGEgY3Vyc29y' }))).code).toBe('INVALID');
        expect((await caught(host.history(elsewhere, A, { first: 1 }))).code).toBe('NOT_FOUND');
        expect((await caught(host.readFile(elsewhere, A))).code).toBe('NOT_FOUND');
        expect((await caught(host.readFile('0123456789012345678901234567890123456789', A))).code).toBe('NOT_FOUND');
      } finally {
        await close();
      }
    });
  });
}

describe('history: the cost of a page', () => {
  it('GitHub: one PathHistory request per page, whatever the page size, and none for the diff blobs', async () => {
    const harness = await startGitHubHost();
    try {
      const { c6 } = await seedHistory(harness.remote);
      const before = harness.server.requestCount();
      const pages = await allPages(harness.host, c6, A, 1);
      expect(pages).toHaveLength(4);
      expect(harness.server.requestCount('PathHistory')).toBe(4);
      expect(harness.server.requestCount() - before).toBe(4);
      await harness.host.history(c6, 'fabric', { first: 100 });
      expect(harness.server.requestCount('PathHistory')).toBe(5);
      // A file at a commit: one request.
      await harness.host.readFile(c6, A);
      expect(harness.server.requestCount() - before).toBe(6);
    } finally {
      await harness.close();
    }
  });

  it('native git: a fixed number of git processes per page, whatever the page size', async () => {
    const commands: string[] = [];
    const harness = await startCliHost({
      onCommand: (event) =>
        commands.push(event.args.find((arg) => !arg.startsWith('-') && !arg.endsWith('.git')) ?? ''),
    });
    try {
      const { c6 } = await seedHistory(harness.remote);
      await harness.host.getBranchHead('main'); // fetches: the commits are in the cache from here on
      for (const first of [1, 3, 100]) {
        commands.length = 0;
        await harness.host.history(c6, A, { first });
        expect(commands).toEqual(['cat-file', 'cat-file', 'log', 'cat-file']);
      }
    } finally {
      await harness.close();
    }
  });
});
