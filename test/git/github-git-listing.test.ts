/**
 * A folder GitHub's REST trees endpoint cuts even on its own is listed over git's smart HTTP
 * protocol (git-protocol-trees.ts): real git against the GitHub test server's git endpoint
 * (`git http-backend` on the same bare repository, token as the Basic password), with the
 * server's tree limit lowered so a few dozen files cross it.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/git/blob-oid.ts';
import type { GitCommandEvent } from '../../src/git/cli/run-git.ts';
import type { TreeEntry } from '../../src/git/git-host.ts';
import type { GitHubHostOptions } from '../../src/git/github/github-host.ts';
import { gitHubGitUrl } from '../../src/git/github/git-protocol-trees.ts';
import {
  createBareRepository,
  gitRaw,
  makeScratchDir,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { caught, startGitHubHost, TEST_TREE_ENTRIES } from './support.ts';

afterAll(removeScratchDirs);

/** More files in `managed/big` than one tree answer holds, one of them a folder deeper. */
function bigFolder(version = 1): Record<string, string> {
  const files: Record<string, string> = {
    'managed/small/one.yaml': 'one\n',
    'managed/big/deeper/inner.yaml': `inner: ${version}\n`,
    'README.md': '# fabric\n',
  };
  for (let index = 0; index < TEST_TREE_ENTRIES + 5; index++)
    files[`managed/big/f-${String(index).padStart(3, '0')}.yaml`] = `n: ${index}\n${'x'.repeat(index)}\n`;
  return files;
}

/** What git itself lists below `dir` at `commit` in the bare repository: the expected answer. */
async function gitListing(bare: string, commit: string, dir: string): Promise<TreeEntry[]> {
  const out = (await gitRaw(['--git-dir', bare, 'ls-tree', '-r', '-l', '-z', `${commit}:${dir}`])).toString('utf8');
  return out
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const tab = record.indexOf('\t');
      const [mode = '', , oid = '', size = ''] = record.slice(0, tab).split(/ +/);
      return { path: `${dir}/${record.slice(tab + 1)}`, mode, oid, size: Number(size) };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function startWithGit(options: { host?: Partial<GitHubHostOptions> } = {}) {
  const commands: GitCommandEvent[] = [];
  const cacheDir = join(await makeScratchDir('hnp-gh-cache-'), 'cache');
  const harness = await startGitHubHost({
    server: { maxTreeEntries: TEST_TREE_ENTRIES },
    host: { gitProtocol: { cacheDir, onCommand: (event) => commands.push(event) }, ...options.host },
  });
  return { ...harness, commands, cacheDir };
}

describe('GitHub adapter: folders the API cuts are listed over git', { timeout: 60_000 }, () => {
  it('lists a folder over the cut completely, sizes included, from one blobless fetch and one blob fetch', async () => {
    const { host, server, remote, commands, cacheDir, close } = await startWithGit();
    try {
      const head = await pushFromAnotherClone(remote, { files: bigFolder() });
      const listed = await host.readTree(head, 'managed');
      expect(listed).toEqual(await gitListing(remote, head, 'managed'));
      expect(listed).toHaveLength(TEST_TREE_ENTRIES + 7);
      // The REST answers were tried first: the recursive one and the folder's own level were cut.
      expect(server.requestCount('rest:getTree')).toBeGreaterThanOrEqual(3);
      const fetches = commands.filter((command) => command.args.includes('fetch'));
      expect(
        fetches.map((command) => command.args.filter((arg) => arg.startsWith('--filter') || arg === '--stdin')),
      ).toEqual([['--filter=blob:none'], ['--filter=blob:none', '--stdin']]);
      // The token reached git only through the environment (askpass), never argv.
      for (const command of commands) expect(command.args.join(' ')).not.toContain(server.token);
      expect(fetches.every((command) => command.envNames.includes('HNP_GIT_PASSWORD'))).toBe(true);
      // Nor was it written anywhere in the cache (config, askpass script, logs).
      for (const file of await readdir(cacheDir, { recursive: true, withFileTypes: true })) {
        if (file.isFile())
          expect((await readFile(join(file.parentPath, file.name))).includes(server.token)).toBe(false);
      }

      // The same commit again: everything is in the cache, no git request.
      const gitRequests = server.requestCount('git:upload-pack');
      expect(await host.readTree(head, 'managed/big')).toEqual(await gitListing(remote, head, 'managed/big'));
      expect(server.requestCount('git:upload-pack')).toBe(gitRequests);

      // A later commit: its trees and the folder's changed blobs are fetched, the listing is its own,
      // and the API is not asked for answers it would cut (the folder is remembered as cut).
      const cutBefore = server.cutTreeAnswers();
      expect(cutBefore).toBeGreaterThanOrEqual(2);
      const next = await pushFromAnotherClone(remote, {
        files: { 'managed/big/deeper/inner.yaml': 'inner: 2\n', 'managed/big/added.yaml': 'added\n' },
        deletions: ['managed/big/f-000.yaml'],
      });
      expect(await host.readTree(next, 'managed')).toEqual(await gitListing(remote, next, 'managed'));
      expect(server.cutTreeAnswers()).toBe(cutBefore);
    } finally {
      await close();
    }
  });

  it('reads the blobs of a folder listed over git from the cache, through one git process, not the API', async () => {
    const { host, server, remote, commands, close } = await startWithGit();
    try {
      const head = await pushFromAnotherClone(remote, { files: bigFolder() });
      const listed = await host.readTree(head, 'managed');
      const big = listed.filter((entry) => entry.path.startsWith('managed/big/'));
      const small = listed.filter((entry) => !entry.path.startsWith('managed/big/'));
      expect(big).toHaveLength(TEST_TREE_ENTRIES + 6);
      expect(small).toHaveLength(1);
      const gitRequests = server.requestCount('git:upload-pack');
      const read = new Map<string, Uint8Array>();
      // In batches, as a pull reads them: the cut folder's blobs never reach the API.
      for (let start = 0; start < listed.length; start += 10)
        for (const [oid, bytes] of await host.readBlobs(listed.slice(start, start + 10).map((entry) => entry.oid)))
          read.set(oid, bytes);
      expect(server.requestCount('ReadBlobs')).toBe(1);
      expect(server.requestCount('git:upload-pack')).toBe(gitRequests);
      for (const entry of listed)
        expect(Buffer.from(read.get(entry.oid)!).toString('utf8')).toBe(
          (await gitRaw(['--git-dir', remote, 'cat-file', 'blob', entry.oid])).toString('utf8'),
        );
      await host.close();
      // One git process served every batch.
      expect(commands.filter((command) => command.args.includes('cat-file'))).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('reads them through the API when the cache is gone', async () => {
    const { host, server, remote, cacheDir, close } = await startWithGit();
    try {
      const head = await pushFromAnotherClone(remote, { files: bigFolder() });
      const listed = await host.readTree(head, 'managed/big');
      await rm(cacheDir, { recursive: true, force: true });
      const read = await host.readBlobs(listed.map((entry) => entry.oid));
      expect(server.requestCount('ReadBlobs')).toBe(1);
      expect(read.size).toBe(listed.length);
      for (const entry of listed) expect(gitBlobOid(read.get(entry.oid)!)).toBe(entry.oid);
    } finally {
      await close();
    }
  });

  it('keeps the cache repository bounded: past its bound, a listing that fetches starts it afresh', async () => {
    const cacheDir = join(await makeScratchDir('hnp-gh-cache-'), 'cache');
    const { host, server, remote, close } = await startWithGit({
      host: { gitProtocol: { cacheDir, cacheBound: { growth: 2, slackBytes: 0 } } },
    });
    const cacheBytes = async () => {
      const [repository] = (await readdir(cacheDir)).filter((name) => /^github-trees-.*\.git$/.test(name));
      const counts = (await gitRaw(['--git-dir', join(cacheDir, repository!), 'count-objects', '-v'])).toString();
      return [...counts.matchAll(/^(size|size-pack|size-garbage): (\d+)$/gm)].reduce((sum, m) => sum + Number(m[2]), 0);
    };
    try {
      const sizes: number[] = [];
      let cutAnswers = 0;
      for (let version = 1; version <= 5; version++) {
        // Every blob of the cut folder changes: each listing brings as much again into the cache.
        const files = Object.fromEntries(
          Object.entries(bigFolder(version)).map(([path, text]) => [path, `${text}version: ${version}\n`]),
        );
        const head = await pushFromAnotherClone(remote, { files });
        expect(await host.readTree(head, 'managed')).toEqual(await gitListing(remote, head, 'managed'));
        sizes.push(await cacheBytes());
        // Started afresh or not, the folder stays remembered as cut: no cut answer asked for again.
        if (version === 1) cutAnswers = server.cutTreeAnswers();
        expect(server.cutTreeAnswers()).toBe(cutAnswers);
      }
      const [first = 0] = sizes;
      // It grows with each commit listed...
      expect(sizes[1]).toBeGreaterThan(first);
      // ...until it passes twice its first size; then the next listing starts from one commit again.
      const drops = sizes.filter((size, index) => index > 0 && size < sizes[index - 1]!);
      expect(drops.length).toBeGreaterThanOrEqual(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(4 * first);
      // Nothing left beside it.
      expect((await readdir(cacheDir)).filter((name) => name.includes('.old-'))).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);

  it('retries a git request that failed with a 5xx', async () => {
    const { host, server, remote, close } = await startWithGit({
      host: { gitProtocol: { cacheDir: join(await makeScratchDir('hnp-gh-cache-'), 'c'), retry: { baseDelayMs: 1 } } },
    });
    try {
      const head = await pushFromAnotherClone(remote, { files: bigFolder() });
      server.faults.failNext(1, { operation: 'git:upload-pack', status: 502 });
      expect(await host.readTree(head, 'managed')).toEqual(await gitListing(remote, head, 'managed'));
    } finally {
      await close();
    }
  });

  it('without the git fallback, such a folder fails with INCOMPLETE (as before)', async () => {
    const { host, remote, close } = await startGitHubHost({ server: { maxTreeEntries: TEST_TREE_ENTRIES } });
    try {
      const head = await pushFromAnotherClone(remote, { files: bigFolder() });
      const error = await caught(host.readTree(head, 'managed'));
      expect(error.code).toBe('INCOMPLETE');
      expect(error.location).toBe('managed/big');
    } finally {
      await close();
    }
  });

  it('a token git refuses fails with AUTH, naming the folder, without the token anywhere', async () => {
    const { host, server, remote, close } = await startWithGit();
    try {
      const head = await pushFromAnotherClone(remote, { files: bigFolder() });
      server.gitProtocol.token = 'ghp_another0123456789abcdefABCDEFGH';
      const error = await caught(host.readTree(head, 'managed'));
      expect(error.code).toBe('AUTH');
      expect(error.location).toBe('managed/big');
      expect(error.message).toMatch(
        /GitHub cut the listing of managed\/big .*even for that folder alone, and listing it over git/,
      );
      expect(inspect(error, { depth: 10 })).not.toContain(server.token);
      expect(JSON.stringify(error)).not.toContain(server.token);
    } finally {
      await close();
    }
  });

  it('a git server that does not have the commit GitHub named fails with INCOMPLETE', async () => {
    const { host, server, remote, close } = await startWithGit();
    try {
      const head = await pushFromAnotherClone(remote, { files: bigFolder() });
      // Another repository behind the git endpoint: same paths, other contents, other commits.
      const other = await createBareRepository();
      await pushFromAnotherClone(other, { files: bigFolder(2) });
      server.gitProtocol.repositoryDir = other;
      const error = await caught(host.readTree(head, 'managed'));
      expect(error.code).toBe('INCOMPLETE');
      expect(error.location).toBe('managed/big');
      expect(error.message).toContain(head);
    } finally {
      await close();
    }
  });

  it('git unreachable (no git endpoint, or no git binary) fails with a typed error', async () => {
    const unreachable = await startWithGit();
    try {
      const head = await pushFromAnotherClone(unreachable.remote, { files: bigFolder() });
      unreachable.server.gitProtocol.enabled = false;
      const error = await caught(unreachable.host.readTree(head, 'managed'));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.location).toBe('managed/big');
    } finally {
      await unreachable.close();
    }
    const noGit = await startWithGit({
      host: {
        gitProtocol: { cacheDir: join(await makeScratchDir('hnp-gh-cache-'), 'c'), gitBinary: '/nonexistent/git' },
      },
    });
    try {
      const head = await pushFromAnotherClone(noGit.remote, { files: bigFolder() });
      const error = await caught(noGit.host.readTree(head, 'managed'));
      expect(error.code).toBe('INCOMPLETE');
      expect(error.message).toMatch(/needs git on PATH/);
    } finally {
      await noGit.close();
    }
  });

  it('derives the git URL from the API base: github.com, GHE.com, GitHub Enterprise Server, a test server', () => {
    expect(gitHubGitUrl('https://api.github.com', 'acme', 'fabric')).toBe('https://github.com/acme/fabric.git');
    expect(gitHubGitUrl('https://api.octo.ghe.com', 'acme', 'fabric')).toBe('https://octo.ghe.com/acme/fabric.git');
    expect(gitHubGitUrl('https://git.example.com/api/v3', 'acme', 'fabric')).toBe(
      'https://git.example.com/acme/fabric.git',
    );
    expect(gitHubGitUrl('https://git.example.com/api/v3/', 'acme', 'fabric')).toBe(
      'https://git.example.com/acme/fabric.git',
    );
    expect(gitHubGitUrl('http://127.0.0.1:4000', 'acme', 'fabric')).toBe('http://127.0.0.1:4000/acme/fabric.git');
  });
});
