/**
 * One contract for every GitHost adapter (like graphql-ws's tServers table): each row starts a
 * real remote (a bare repository; for GitHub, the schema-built test server in front of one) and
 * the same tests run against it. What the adapters wrote is checked with the git CLI.
 */
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/git/blob-oid.ts';
import type { GitHostError, CommitResult } from '../../src/git/git-host.ts';
import { gitLog, listFiles, pushFromAnotherClone, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { caught, tHosts } from './support.ts';

afterAll(removeScratchDirs);

function committedOid(result: CommitResult): string {
  if (result.status !== 'committed') throw new Error(`expected a commit, got ${JSON.stringify(result)}`);
  return result.oid;
}

async function expectGitHostError(promise: Promise<unknown>, code: string): Promise<GitHostError> {
  const error = await caught(promise);
  expect(error.code).toBe(code);
  return error;
}

const binary = Uint8Array.from({ length: 3000 }, (_, index) => (index * 7919) % 256); // has NULs: git calls it binary
const large = `spec:\n${Array.from({ length: 400 }, (_, index) => `  line${index}: ${'x'.repeat(20)}\n`).join('')}`; // > the truncation limit

for (const tHost of tHosts) {
  describe(tHost.name, () => {
    it('makes the first commit into an empty repository and reads it back', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        expect(await host.getBranchHead('main')).toBeNull();
        const result = await host.commit({
          branch: 'main',
          expectedHeadOid: null,
          message: 'Initialise the GitOps directory\n\nTwo files.',
          additions: [
            { path: 'README.md', contents: '# fabric\n' },
            { path: 'managed/switches/leaf-01.yaml', contents: 'kind: Switch\n' },
          ],
          deletions: [],
          author: { name: 'Fabric Owner', email: 'owner@example.test' },
        });
        const oid = committedOid(result);
        expect(await host.getBranchHead('main')).toBe(oid);
        const log = await gitLog(remote, 'main');
        expect(log[0]?.oid).toBe(oid);
        expect(log[0]?.message).toBe('Initialise the GitOps directory\n\nTwo files.');
        expect(log).toHaveLength(tHost.commitsForFirstCommit);
        if (tHost.name === 'git')
          expect(log[0]).toMatchObject({ authorName: 'Fabric Owner', authorEmail: 'owner@example.test' });
        expect(await listFiles(remote, oid)).toEqual(['README.md', 'managed/switches/leaf-01.yaml']);
      } finally {
        await close();
      }
    });

    it('reads heads, trees (recursively, any depth) and blobs that match their oids', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const head = await pushFromAnotherClone(remote, {
          files: {
            'README.md': 'hello\n',
            'managed/vpcs/vpc-1.yaml': 'kind: VPC\n',
            'managed/switches/leaf-01.yaml': 'kind: Switch\nname: leaf-01\n',
            'raw/a/b/c/d/e/f/deep.yaml': 'deep: true\n',
            'raw/unicode.yaml': 'name: café ☕\n',
          },
        });
        expect(await host.getBranchHead('main')).toBe(head);
        expect(await host.getBranchHead('no-such-branch')).toBeNull();

        const managed = await host.readTree(head, 'managed');
        expect(managed).toEqual([
          {
            path: 'managed/switches/leaf-01.yaml',
            mode: '100644',
            oid: gitBlobOid('kind: Switch\nname: leaf-01\n'),
            size: 27,
          },
          { path: 'managed/vpcs/vpc-1.yaml', mode: '100644', oid: gitBlobOid('kind: VPC\n'), size: 10 },
        ]);
        const everything = await host.readTree(head, '');
        expect(everything.map((entry) => entry.path)).toEqual([
          'README.md',
          'managed/switches/leaf-01.yaml',
          'managed/vpcs/vpc-1.yaml',
          'raw/a/b/c/d/e/f/deep.yaml',
          'raw/unicode.yaml',
        ]);
        expect(await host.readTree(head, 'raw/a/b/c/')).toEqual([
          { path: 'raw/a/b/c/d/e/f/deep.yaml', mode: '100644', oid: gitBlobOid('deep: true\n'), size: 11 },
        ]);
        expect(await host.readTree(head, 'missing')).toEqual([]);

        const blobs = await host.readBlobs(everything.map((entry) => entry.oid));
        expect(blobs.size).toBe(5);
        for (const entry of everything) {
          const bytes = blobs.get(entry.oid);
          expect(bytes && gitBlobOid(bytes)).toBe(entry.oid);
          expect(Buffer.from(bytes ?? []).equals(await readFileAt(remote, head, entry.path))).toBe(true);
        }
      } finally {
        await close();
      }
    });

    it('lists a directory larger than one answer of the remote completely, sorted', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        // 3 folders of 15 files (one nested): more entries than one answer holds, each folder fewer.
        const files: Record<string, string> = { 'README.md': 'top\n' };
        for (const folder of ['managed/connections', 'managed/switches', 'managed/vpcs/nested']) {
          for (let index = 0; index < 15; index++)
            files[`${folder}/f-${String(index).padStart(2, '0')}.yaml`] = `${folder}: ${index}\n`;
        }
        const head = await pushFromAnotherClone(remote, { files });
        const expected = Object.keys(files)
          .filter((path) => path.startsWith('managed/'))
          .sort();
        const listed = await host.readTree(head, 'managed');
        expect(listed.map((entry) => entry.path)).toEqual(expected);
        expect(listed.every((entry) => entry.oid === gitBlobOid(files[entry.path]!))).toBe(true);
        expect((await host.readTree(head, '')).length).toBe(expected.length + 1);
      } finally {
        await close();
      }
    });

    it.runIf(tHost.listingLimit !== undefined)(
      'never hands back part of a listing: a folder too large for one answer is still listed in full',
      async () => {
        const { host, remote, close } = await tHost.start();
        try {
          const files = Object.fromEntries(
            Array.from({ length: tHost.listingLimit! + 5 }, (_, index) => [
              `managed/big/f-${index}.yaml`,
              `n: ${index}\n`,
            ]),
          );
          const head = await pushFromAnotherClone(remote, { files: { ...files, 'managed/small/one.yaml': 'one\n' } });
          const listed = await host.readTree(head, 'managed');
          expect(listed.map((entry) => entry.path)).toEqual(
            [...Object.keys(files), 'managed/small/one.yaml'].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
          );
          expect(listed.find((entry) => entry.path === 'managed/big/f-12.yaml')).toEqual({
            path: 'managed/big/f-12.yaml',
            mode: '100644',
            oid: gitBlobOid('n: 12\n'),
            size: 6,
          });
          // A folder that fits is listed the same way.
          expect((await host.readTree(head, 'managed/small')).map((entry) => entry.path)).toEqual([
            'managed/small/one.yaml',
          ]);
        } finally {
          await close();
        }
      },
    );

    it('lists what changed below a directory between two commits (a rename is a deletion plus an addition)', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const base = await pushFromAnotherClone(remote, {
          files: {
            'fabric/managed/a.yaml': 'a: 1\n',
            'fabric/managed/b.yaml': 'b: 1\n',
            'fabric/managed/old-name.yaml': 'moved: true\n',
            'fabric/managed/same.yaml': 'same: 1\n',
            'fabric-sibling/y.yaml': 'y: 1\n',
            'other/x.yaml': 'x: 1\n',
          },
        });
        const head = await pushFromAnotherClone(remote, {
          files: {
            'fabric/managed/a.yaml': 'a: 2\n',
            'fabric/managed/deep/er/e.yaml': 'e: 1\n',
            'fabric/managed/new-name.yaml': 'moved: true\n',
            'fabric-sibling/y.yaml': 'y: 2\n',
            'other/x.yaml': 'x: 2\n',
          },
          deletions: ['fabric/managed/b.yaml', 'fabric/managed/old-name.yaml'],
        });
        // The native adapter names the old blob too; GitHub's compare endpoint does not.
        const previousOf = (contents: string) => (tHost.name === 'git' ? gitBlobOid(contents) : null);
        expect(await host.diffTree(base, head, 'fabric')).toEqual([
          {
            path: 'fabric/managed/a.yaml',
            status: 'modified',
            oid: gitBlobOid('a: 2\n'),
            previousOid: previousOf('a: 1\n'),
          },
          { path: 'fabric/managed/b.yaml', status: 'deleted', oid: null, previousOid: previousOf('b: 1\n') },
          { path: 'fabric/managed/deep/er/e.yaml', status: 'added', oid: gitBlobOid('e: 1\n'), previousOid: null },
          {
            path: 'fabric/managed/new-name.yaml',
            status: 'added',
            oid: gitBlobOid('moved: true\n'),
            previousOid: null,
          },
          {
            path: 'fabric/managed/old-name.yaml',
            status: 'deleted',
            oid: null,
            previousOid: previousOf('moved: true\n'),
          },
        ]);
        expect((await host.diffTree(base, head, ''))?.map((change) => change.path)).toEqual([
          'fabric-sibling/y.yaml',
          'fabric/managed/a.yaml',
          'fabric/managed/b.yaml',
          'fabric/managed/deep/er/e.yaml',
          'fabric/managed/new-name.yaml',
          'fabric/managed/old-name.yaml',
          'other/x.yaml',
        ]);
        expect(await host.diffTree(base, head, 'fabric/managed/deep/')).toEqual([
          { path: 'fabric/managed/deep/er/e.yaml', status: 'added', oid: gitBlobOid('e: 1\n'), previousOid: null },
        ]);
        expect(await host.diffTree(base, head, 'missing')).toEqual([]);
        expect(await host.diffTree(head, head, 'fabric')).toEqual([]);
      } finally {
        await close();
      }
    });

    it('declines to diff (null) from an unknown commit, backwards, or across a rewritten history', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const base = await pushFromAnotherClone(remote, { files: { 'fabric/managed/a.yaml': 'a: 1\n' } });
        const head = await pushFromAnotherClone(remote, { files: { 'fabric/managed/a.yaml': 'a: 2\n' } });
        expect(await host.diffTree('0123456789012345678901234567890123456789', head, 'fabric')).toBeNull();
        expect(await host.diffTree(base, '0123456789012345678901234567890123456789', 'fabric')).toBeNull();
        expect(await host.diffTree(head, base, 'fabric')).toBeNull();
        // Someone amends the last commit and force-pushes: the old head is off the branch.
        const rewritten = await pushFromAnotherClone(remote, {
          files: { 'fabric/managed/a.yaml': 'a: 3\n' },
          message: 'amended',
          amend: true,
        });
        expect((await gitLog(remote, 'main')).map((commit) => commit.oid)).toEqual([rewritten, base]);
        expect(await host.diffTree(head, rewritten, 'fabric')).toBeNull();
        expect(await host.diffTree(base, rewritten, 'fabric')).toEqual([
          {
            path: 'fabric/managed/a.yaml',
            status: 'modified',
            oid: gitBlobOid('a: 3\n'),
            previousOid: tHost.name === 'git' ? gitBlobOid('a: 1\n') : null,
          },
        ]);
        await expectGitHostError(host.diffTree('not-an-oid', head, 'fabric'), 'INVALID');
        await expectGitHostError(host.diffTree(base, head, '../escape'), 'INVALID');
      } finally {
        await close();
      }
    });

    it('commits additions and deletions on top of the expected head', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const base = await pushFromAnotherClone(remote, {
          files: { 'raw/drop.yaml': 'a: 1\n', 'keep.txt': 'keep\n', 'managed/old.yaml': 'old\n' },
        });
        const oid = committedOid(
          await host.commit({
            branch: 'main',
            expectedHeadOid: base,
            message: 'Ingest raw/drop.yaml',
            additions: [
              { path: 'managed/new.yaml', contents: 'a: 1\n' },
              { path: 'keep.txt', contents: new TextEncoder().encode('kept, changed\n') },
            ],
            deletions: [{ path: 'raw/drop.yaml' }, { path: 'managed/old.yaml' }],
          }),
        );
        const log = await gitLog(remote, 'main');
        expect(log.map((commit) => commit.oid)).toEqual([oid, base]);
        expect(log[0]?.parents).toEqual([base]);
        expect(log[0]?.message).toBe('Ingest raw/drop.yaml');
        expect(await listFiles(remote, oid)).toEqual(['keep.txt', 'managed/new.yaml']);
        expect((await readFileAt(remote, oid, 'keep.txt')).toString()).toBe('kept, changed\n');
        expect(await host.getBranchHead('main')).toBe(oid);
      } finally {
        await close();
      }
    });

    it('reports head_moved, and commits nothing, when someone else pushed in between', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a\n' } });
        expect(await host.getBranchHead('main')).toBe(base);
        const theirs = await pushFromAnotherClone(remote, { files: { 'b.txt': 'b\n' }, message: 'their change' });
        const result = await host.commit({
          branch: 'main',
          expectedHeadOid: base,
          message: 'our change',
          additions: [{ path: 'c.txt', contents: 'c\n' }],
          deletions: [],
        });
        expect(result).toEqual({ status: 'head_moved', actualHeadOid: theirs });
        expect((await gitLog(remote, 'main')).map((commit) => commit.message)).toEqual([
          'their change',
          'a change made elsewhere',
        ]);
        const again = await host.commit({
          branch: 'main',
          expectedHeadOid: null,
          message: 'x',
          additions: [],
          deletions: [],
        });
        expect(again).toEqual({ status: 'head_moved', actualHeadOid: theirs });
      } finally {
        await close();
      }
    });

    it('reads binary and large blobs byte for byte', async () => {
      const { host, remote, close, counters } = await tHost.start();
      try {
        const head = await pushFromAnotherClone(remote, {
          files: { 'bin/blob.dat': binary, 'big.yaml': large, 'small.yaml': 'x: 1\n' },
        });
        const tree = await host.readTree(head, '');
        const blobs = await host.readBlobs(tree.map((entry) => entry.oid));
        expect(Buffer.from(blobs.get(gitBlobOid(binary)) ?? []).equals(Buffer.from(binary))).toBe(true);
        expect(Buffer.from(blobs.get(gitBlobOid(large)) ?? []).toString('utf8')).toBe(large);
        expect(Buffer.from(blobs.get(gitBlobOid('x: 1\n')) ?? []).toString('utf8')).toBe('x: 1\n');
        // On GitHub the binary and the truncated blob come back through the REST blob endpoint.
        if (counters) expect(counters().restBlobReads).toBe(2);
        // And a binary addition round-trips through a commit.
        const oid = committedOid(
          await host.commit({
            branch: 'main',
            expectedHeadOid: head,
            message: 'binary',
            additions: [{ path: 'bin/copy.dat', contents: binary }],
            deletions: [],
          }),
        );
        expect((await readFileAt(remote, oid, 'bin/copy.dat')).equals(Buffer.from(binary))).toBe(true);
      } finally {
        await close();
      }
    });

    it('creates a branch, idempotently, and refuses one that points elsewhere', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const first = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a\n' } });
        const second = await pushFromAnotherClone(remote, { files: { 'b.txt': 'b\n' } });
        await host.createBranch('hnp/change-1', first);
        expect(await host.getBranchHead('hnp/change-1')).toBe(first);
        await host.createBranch('hnp/change-1', first);
        await expectGitHostError(host.createBranch('hnp/change-1', second), 'CONFLICT');
        const oid = committedOid(
          await host.commit({
            branch: 'hnp/change-1',
            expectedHeadOid: first,
            message: 'on the branch',
            additions: [{ path: 'c.txt', contents: 'c' }],
            deletions: [],
          }),
        );
        expect((await gitLog(remote, 'hnp/change-1'))[0]?.oid).toBe(oid);
        expect(await host.getBranchHead('main')).toBe(second);
      } finally {
        await close();
      }
    });

    it('opens one pull request per head branch (or says it cannot)', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const head = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a\n' } });
        await host.createBranch('hnp/pr', head);
        const request = {
          headBranch: 'hnp/pr',
          baseBranch: 'main',
          title: 'Sync fabric',
          body: 'Changes from the gateway',
        };
        if (!tHost.supportsPullRequests) {
          await expectGitHostError(host.ensurePullRequest(request), 'UNSUPPORTED');
          return;
        }
        const opened = await host.ensurePullRequest(request);
        expect(opened).toMatchObject({ created: true, number: 1 });
        expect(opened.url).toMatch(/\/pull\/1$/);
        const reused = await host.ensurePullRequest({ ...request, title: 'Sync fabric (2 changes)' });
        expect(reused).toEqual({ ...opened, created: false });
      } finally {
        await close();
      }
    });

    it('rejects bad requests with a located INVALID error and changes nothing', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        const head = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a\n' } });
        const bad = await expectGitHostError(
          host.commit({
            branch: 'main',
            expectedHeadOid: head,
            message: 'm',
            additions: [
              { path: 'ok.txt', contents: '' },
              { path: '../escape', contents: 'x' },
            ],
            deletions: [],
          }),
          'INVALID',
        );
        expect(bad.location).toBe('additions[1].path');
        const missing = await expectGitHostError(
          host.commit({
            branch: 'main',
            expectedHeadOid: head,
            message: 'm',
            additions: [{ path: 'b.txt', contents: 'b' }],
            deletions: [{ path: 'nope.txt' }],
          }),
          'INVALID',
        );
        expect(missing.location).toMatch(/^deletions/);
        await expectGitHostError(host.readTree('not-an-oid', ''), 'INVALID');
        await expectGitHostError(host.readTree('0123456789012345678901234567890123456789', ''), 'NOT_FOUND');
        expect(
          await host.commit({
            branch: 'no-such-branch',
            expectedHeadOid: head,
            message: 'm',
            additions: [{ path: 'b.txt', contents: 'b' }],
            deletions: [],
          }),
        ).toEqual({ status: 'head_moved', actualHeadOid: null });
        await expectGitHostError(host.readBlobs(['0123456789012345678901234567890123456789']), 'NOT_FOUND');
        expect((await gitLog(remote, 'main')).map((commit) => commit.oid)).toEqual([head]);
      } finally {
        await close();
      }
    });

    it('reports a refused credential as AUTH, for reads and writes, never echoing it', async () => {
      const { host, secret, close } = await tHost.startWithRefusedCredential();
      try {
        const calls = [
          () => host.getBranchHead('main'),
          () => host.checkAccess(),
          () =>
            host.commit({
              branch: 'main',
              expectedHeadOid: null,
              message: 'm',
              additions: [{ path: 'a', contents: 'a' }],
              deletions: [],
            }),
        ];
        for (const call of calls) {
          const error = await expectGitHostError(call(), 'AUTH');
          expect([error.message, error.stack, inspect(error, { depth: 10 })].join('\n')).not.toContain(secret);
        }
      } finally {
        await close();
      }
    });

    it('checks access', async () => {
      const { host, remote, close } = await tHost.start();
      try {
        await pushFromAnotherClone(remote, { files: { 'a.txt': 'a\n' } });
        expect(await host.checkAccess()).toMatchObject({ canRead: true, canWrite: true, defaultBranch: 'main' });
      } finally {
        await close();
      }
    });
  });
}
