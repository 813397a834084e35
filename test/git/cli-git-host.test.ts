/**
 * What only the native git adapter does: credentials through the environment (checked against a
 * real smart-HTTP remote that demands Basic auth), ssh keys in short-lived files, the lease that
 * makes concurrent pushes safe, and the commit author.
 */
import { randomUUID } from 'node:crypto';
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CliGitHost, type GitCommandEvent } from '../../src/git/cli/cli-git-host.ts';
import { gitBlobOid } from '../../src/git/blob-oid.ts';
import { GitHostError } from '../../src/git/git-host.ts';
import {
  createBareRepository,
  git,
  gitLog,
  makeScratchDir,
  pushFromAnotherClone,
  removeScratchDirs,
  startGitHttpServer,
} from '../support/git-fixtures.ts';
import { caught, startCliHost } from './support.ts';

afterAll(removeScratchDirs);

const TOKEN = 'hnp-secret-token-4f1c2d9e7a';

async function httpRemote() {
  const remote = await createBareRepository();
  const server = await startGitHttpServer({
    projectRoot: dirname(remote),
    username: 'x-access-token',
    password: TOKEN,
  });
  return { remote, server, url: `${server.url}/${basename(remote)}` };
}

describe('native git adapter', () => {
  it('authenticates over https-style remotes through askpass, never through argv', async () => {
    const { remote, server, url } = await httpRemote();
    const commands: GitCommandEvent[] = [];
    try {
      const host = new CliGitHost({
        remoteUrl: url,
        cacheDir: join(await makeScratchDir(), 'cache'),
        auth: { type: 'token', token: TOKEN },
        onCommand: (event) => commands.push(event),
      });
      const result = await host.commit({
        branch: 'main',
        expectedHeadOid: null,
        message: 'over http',
        additions: [{ path: 'a.txt', contents: 'a' }],
        deletions: [],
      });
      expect(result.status).toBe('committed');
      expect((await gitLog(remote, 'main'))[0]?.message).toBe('over http');
      expect(await host.checkAccess()).toMatchObject({ canRead: true, canWrite: true, defaultBranch: 'main' });
      // The remote asked for credentials (401) and then got them.
      expect(server.rejectedRequests()).toBeGreaterThan(0);
      expect(server.authorizedRequests()).toBeGreaterThan(0);

      expect(commands.length).toBeGreaterThan(5);
      for (const command of commands) {
        expect(command.args.join(' ')).not.toContain(TOKEN);
        expect(command.envNames).toEqual(
          expect.arrayContaining(['GIT_TERMINAL_PROMPT', 'GIT_CONFIG_NOSYSTEM', 'HOME']),
        );
      }
      const push = commands.find((command) => command.args.includes('push') && !command.args.includes('--dry-run'));
      expect(push?.envNames).toEqual(expect.arrayContaining(['GIT_ASKPASS', 'HNP_GIT_PASSWORD']));
      expect(push?.args).toContain('--force-with-lease=refs/heads/main:');
    } finally {
      await server.close();
    }
  });

  it('reports a refused token as AUTH and never shows it', async () => {
    const { server, url } = await httpRemote();
    try {
      const wrong = 'hnp-wrong-token-9b8a7c6d5e';
      const host = new CliGitHost({
        remoteUrl: url,
        cacheDir: join(await makeScratchDir(), 'cache'),
        auth: { type: 'token', token: wrong },
      });
      for (const call of [() => host.getBranchHead('main'), () => host.checkAccess()]) {
        const error = await caught(call());
        expect(error.code).toBe('AUTH');
        const everything = [error.message, error.stack, inspect(error, { depth: 10 })].join('\n');
        expect(everything).not.toContain(wrong);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses credentials in the remote URL, without echoing them', async () => {
    const cacheDir = join(await makeScratchDir(), 'cache');
    let error: unknown;
    try {
      new CliGitHost({ remoteUrl: 'https://user:p4ssw0rd-secret@git.example.test/fabric.git', cacheDir });
    } catch (caughtError) {
      error = caughtError;
    }
    expect(error).toBeInstanceOf(GitHostError);
    expect((error as GitHostError).code).toBe('INVALID');
    expect((error as GitHostError).location).toBe('remoteUrl');
    expect((error as GitHostError).message).not.toContain('p4ssw0rd-secret');
  });

  it('hands a remote URL that starts with - to git as an argument, never as an option', async () => {
    const scratch = await makeScratchDir();
    const marker = join(scratch, 'pwned');
    const remoteUrl = `--upload-pack=touch ${marker}`;
    const host = new CliGitHost({ remoteUrl, cacheDir: join(scratch, 'cache'), retry: { maxAttempts: 1 } });
    const error = await caught(host.getBranchHead('main'));
    // git stored it as the URL (and refuses such a path itself); no option parser saw it.
    expect(error.message).not.toMatch(/unknown (switch|option)|usage:/);
    expect(await git(['--git-dir', host.repositoryDir, 'config', '--get', 'remote.origin.url'])).toBe(remoteUrl);
    await expect(access(marker)).rejects.toThrow();
  });

  it('keeps an ssh key in a mode-600 file only while git runs', async () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key-but-secret-material\n-----END OPENSSH PRIVATE KEY-----';
    const commands: GitCommandEvent[] = [];
    const before = new Set((await readdir(tmpdir())).filter((name) => name.startsWith('hnp-ssh-')));
    const host = new CliGitHost({
      // Nothing listens on port 1: ssh fails fast, after the key file was written and used.
      remoteUrl: 'ssh://git@127.0.0.1:1/fabric.git',
      cacheDir: join(await makeScratchDir(), 'cache'),
      auth: { type: 'ssh', sshPrivateKey: key },
      retry: { maxAttempts: 1 },
      onCommand: (event) => commands.push(event),
    });
    const error = await caught(host.getBranchHead('main'));
    expect(error.message).not.toContain('secret-material');
    const fetch = commands.find((command) => command.args.includes('fetch'));
    expect(fetch?.envNames).toContain('GIT_SSH_COMMAND');
    expect(commands.every((command) => !command.args.join(' ').includes('secret-material'))).toBe(true);
    const after = (await readdir(tmpdir())).filter((name) => name.startsWith('hnp-ssh-') && !before.has(name));
    expect(after).toEqual([]);
  });

  it('lets exactly one of two racing gateways win; the other sees head_moved', async () => {
    const remote = await createBareRepository();
    const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
    const hosts = await Promise.all(
      [1, 2].map(
        async () => new CliGitHost({ remoteUrl: `file://${remote}`, cacheDir: join(await makeScratchDir(), 'cache') }),
      ),
    );
    const results = await Promise.all(
      hosts.map((host, index) =>
        host.commit({
          branch: 'main',
          expectedHeadOid: base,
          message: `racer ${index}`,
          additions: [{ path: `r${index}.txt`, contents: 'x' }],
          deletions: [],
        }),
      ),
    );
    const winners = results.filter((result) => result.status === 'committed');
    const losers = results.filter((result) => result.status === 'head_moved');
    expect(winners).toHaveLength(1);
    expect(losers).toEqual([
      { status: 'head_moved', actualHeadOid: winners[0]?.status === 'committed' ? winners[0].oid : '' },
    ]);
    expect(await gitLog(remote, 'main')).toHaveLength(2);
  });

  it('serialises operations that share a cached clone', async () => {
    const { host, remote } = await startCliHost();
    const base = await pushFromAnotherClone(remote, { files: { 'a.txt': 'a' } });
    const twin = new CliGitHost({ remoteUrl: `file://${remote}`, cacheDir: dirname(host.repositoryDir) });
    const results = await Promise.all(
      [host, twin].map((each, index) =>
        each.commit({
          branch: 'main',
          expectedHeadOid: base,
          message: `twin ${index}`,
          additions: [{ path: `t${index}.txt`, contents: 'x' }],
          deletions: [],
        }),
      ),
    );
    expect(results.map((result) => result.status).sort()).toEqual(['committed', 'head_moved']);
  });

  it('writes the author from the request, else from the options', async () => {
    const remote = await createBareRepository();
    const host = new CliGitHost({
      remoteUrl: `file://${remote}`,
      cacheDir: join(await makeScratchDir(), 'cache'),
      author: { name: 'Fabric Bot', email: 'bot@fabric.test' },
    });
    const first = await host.commit({
      branch: 'main',
      expectedHeadOid: null,
      message: 'by the bot',
      additions: [{ path: 'a', contents: 'a' }],
      deletions: [],
    });
    await host.commit({
      branch: 'main',
      expectedHeadOid: first.status === 'committed' ? first.oid : null,
      message: 'by a person',
      additions: [{ path: 'b', contents: 'b' }],
      deletions: [],
      author: { name: 'Ada', email: 'ada@example.test' },
    });
    expect((await gitLog(remote, 'main')).map((commit) => `${commit.authorName} <${commit.authorEmail}>`)).toEqual([
      'Ada <ada@example.test>',
      'Fabric Bot <bot@fabric.test>',
    ]);
  });

  it('removes a cache repository a crash left moved aside, and nothing else', async () => {
    const { host, remote } = await startCliHost();
    await pushFromAnotherClone(remote, { files: { 'a.txt': 'a\n' } });
    const head = await host.getBranchHead('main');
    await host.close();
    const cacheDir = dirname(host.repositoryDir);
    // As a crash between moving a repository aside and removing it leaves it; and another cache's.
    const aside = `${host.repositoryDir}.old-${randomUUID()}`;
    await mkdir(join(aside, 'objects'), { recursive: true });
    await writeFile(join(aside, 'HEAD'), 'ref: refs/heads/main\n');
    await mkdir(join(cacheDir, 'other.git.old-1'));
    const again = new CliGitHost({ remoteUrl: `file://${remote}`, cacheDir, retry: { baseDelayMs: 1 } });
    try {
      expect(await again.getBranchHead('main')).toEqual(head);
      const left = await readdir(cacheDir);
      expect(left).toContain(basename(host.repositoryDir));
      expect(left).not.toContain(basename(aside));
      expect(left).toContain('other.git.old-1');
    } finally {
      await again.close();
    }
  });

  it('says a missing remote cannot be read', async () => {
    const host = new CliGitHost({
      remoteUrl: `file://${join(await makeScratchDir(), 'nothing-here.git')}`,
      cacheDir: join(await makeScratchDir(), 'cache'),
    });
    expect(await host.checkAccess()).toEqual({ canRead: false, canWrite: false });
    expect((await caught(host.getBranchHead('main'))).code).toBe('NOT_FOUND');
  });

  it('reads blobs in many batches through one git process, which sees what a fetch adds', async () => {
    const commands: GitCommandEvent[] = [];
    const { host, remote } = await startCliHost({ onCommand: (event) => commands.push(event) });
    const texts = Array.from({ length: 30 }, (_, index) => `n: ${index}\n`);
    await pushFromAnotherClone(remote, {
      files: Object.fromEntries(texts.slice(0, 20).map((text, index) => [`f/${index}.yaml`, text])),
    });
    await host.getBranchHead('main');
    // Twenty batches of one blob, as a pull reads its batches.
    for (const text of texts.slice(0, 20))
      expect(Buffer.from((await host.readBlobs([gitBlobOid(text)])).get(gitBlobOid(text)) ?? []).toString()).toBe(text);
    // Pushed elsewhere after the reader started: fetched, then read by the same process.
    await pushFromAnotherClone(remote, {
      files: Object.fromEntries(texts.slice(20).map((text, index) => [`g/${index}.yaml`, text])),
    });
    const later = await host.readBlobs(texts.slice(20).map((text) => gitBlobOid(text)));
    expect([...later.values()].map((bytes) => Buffer.from(bytes).toString()).sort()).toEqual(texts.slice(20).sort());
    expect((await caught(host.readBlobs(['0123456789012345678901234567890123456789']))).code).toBe('NOT_FOUND');
    await host.close();
    // One for all the reads (23 processes before), or two when the first went idle (2 s) during the push.
    const readers = commands.filter((command) => command.args.at(-1) === '--batch').length;
    expect(readers).toBeGreaterThanOrEqual(1);
    expect(readers).toBeLessThanOrEqual(2);
    expect(commands.filter((command) => command.args.includes('fetch')).length).toBeGreaterThan(1);
  });

  it("fetches only for objects it lacks; a pull's reads take few git processes", async () => {
    const commands: GitCommandEvent[] = [];
    const { host, remote } = await startCliHost({ onCommand: (event) => commands.push(event) });
    const base = await pushFromAnotherClone(remote, {
      files: { 'fabric/managed/a.yaml': 'a: 1\n', 'fabric/raw/notes.txt': 'x\n' },
    });
    const head = await pushFromAnotherClone(remote, { files: { 'fabric/managed/a.yaml': 'a: 2\n' } });
    // The blob reader (`cat-file --batch`, one process for many reads) is reported when it ends.
    const gitCommands = () =>
      commands
        .splice(0)
        .map((command) =>
          command.args.at(-1) === '--batch'
            ? 'blob reader'
            : command.args.find((arg, index) => index > 1 && !arg.startsWith('-')),
        );
    // Nothing cached yet: each read fetches what it lacks, then answers.
    expect(Buffer.from((await host.readBlobs([gitBlobOid('a: 2\n')])).get(gitBlobOid('a: 2\n')) ?? []).toString()).toBe(
      'a: 2\n',
    );
    expect(gitCommands()).toContain('fetch');
    expect(await host.diffTree(base, head, 'fabric')).toHaveLength(1);
    expect(gitCommands()).not.toContain('fetch');

    // Everything cached (a pull right after reading the head): diff, raw/ listing, one blob.
    await host.getBranchHead('main');
    gitCommands();
    await host.diffTree(base, head, 'fabric');
    await host.readTree(head, 'fabric/raw');
    await host.readBlobs([gitBlobOid('a: 2\n')]);
    // The blob came from the reader started by the first read (or a new one, if it went idle).
    expect(gitCommands().filter((command) => command !== 'blob reader')).toEqual([
      'merge-base',
      'diff-tree',
      'cat-file',
      'ls-tree',
    ]);
    await host.close();
    // Only readers end now (one, or also an earlier one that went idle just before).
    expect(new Set(gitCommands())).toEqual(new Set(['blob reader']));
  });
});
