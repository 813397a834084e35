/**
 * createGitHost picks the adapter from the repository (plain data), derives GitHub's API base
 * from the URL, and refuses missing credentials with a message that names what is missing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CliGitHost } from '../../src/git/cli/cli-git-host.ts';
import type { GitHostTarget } from '../../src/git/git-host.ts';
import { createGitHost, gitHostOpener, gitHubCoordinates } from '../../src/git/git-host-factory.ts';
import { GitHubHost } from '../../src/git/github/github-host.ts';
import {
  createBareRepository,
  gitLog,
  makeScratchDir,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { startGitHubServer } from '../support/github-server/github-server.ts';

afterAll(removeScratchDirs);

const target = (fields: Partial<GitHostTarget>): GitHostTarget => ({
  url: 'file:///nowhere.git',
  provider: 'git',
  authType: 'none',
  author: { name: 'Gateway', email: 'gw@example.test' },
  credentials: null,
  ...fields,
});

describe('gitHubCoordinates', () => {
  it('github.com uses api.github.com; another host is GitHub Enterprise at /api/v3', () => {
    expect(gitHubCoordinates('https://github.com/acme/fabric.git')).toEqual({
      owner: 'acme',
      name: 'fabric',
      baseUrl: 'https://api.github.com',
    });
    expect(gitHubCoordinates('https://ghe.example.com/net/dc1/')).toEqual({
      owner: 'net',
      name: 'dc1',
      baseUrl: 'https://ghe.example.com/api/v3',
    });
    expect(() => gitHubCoordinates('git@github.com:acme/fabric.git')).toThrow(/https:\/\/<host>\/<owner>\/<name>/);
  });
});

describe('createGitHost', () => {
  it('provider git → the native adapter; github → the GitHub adapter', () => {
    expect(createGitHost(target({}), { cacheDir: '/tmp/x' })).toBeInstanceOf(CliGitHost);
    expect(
      createGitHost(
        target({
          provider: 'github',
          url: 'https://github.com/a/b',
          authType: 'token',
          credentials: { token: 't0ken-value' },
        }),
        { cacheDir: '/tmp/x' },
      ),
    ).toBeInstanceOf(GitHubHost);
  });

  it('missing credentials are INVALID_INPUT naming what is missing', () => {
    expect(() =>
      createGitHost(target({ provider: 'github', url: 'https://github.com/a/b' }), { cacheDir: '/tmp/x' }),
    ).toThrow(/token/);
    expect(() => createGitHost(target({ authType: 'token', credentials: {} }), { cacheDir: '/tmp/x' })).toThrow(
      /token/,
    );
    expect(() =>
      createGitHost(target({ authType: 'basic', credentials: { username: 'u' } }), { cacheDir: '/tmp/x' }),
    ).toThrow(/username and password/);
  });

  it("the native adapter commits as the repository's author", async () => {
    const remote = await createBareRepository();
    await pushFromAnotherClone(remote, { files: { 'README.md': 'x\n' } });
    const host = createGitHost(
      target({ url: `file://${remote}`, author: { name: 'Fabric Bot', email: 'bot@example.test' } }),
      { cacheDir: await makeScratchDir() },
    );
    const head = await host.getBranchHead('main');
    const result = await host.commit({
      branch: 'main',
      expectedHeadOid: head,
      message: 'm',
      additions: [{ path: 'a.txt', contents: 'a' }],
      deletions: [],
    });
    expect(result.status).toBe('committed');
    expect((await gitLog(remote, 'main'))[0]).toMatchObject({
      authorName: 'Fabric Bot',
      authorEmail: 'bot@example.test',
    });
  });

  it('githubApiUrl points the GitHub adapter elsewhere (the test server here); gitHostOpener opens with those settings', async () => {
    const server = await startGitHubServer();
    try {
      const github = target({
        provider: 'github',
        url: `https://github.com/${server.owner}/${server.name}`,
        authType: 'token',
        credentials: { token: server.token },
      });
      const host = createGitHost(github, { cacheDir: '/tmp/x', githubApiUrl: server.url });
      expect(await host.checkAccess()).toMatchObject({ canRead: true, canWrite: true });
      expect(server.requestCount()).toBeGreaterThan(0);
      const before = server.requestCount();
      const opened = gitHostOpener({ cacheDir: '/tmp/x', githubApiUrl: server.url })(github, {
        fabricId: 'f',
        operationId: 'o',
      });
      expect(opened).toBeInstanceOf(GitHubHost);
      expect(await opened.checkAccess()).toMatchObject({ canRead: true, canWrite: true });
      expect(server.requestCount()).toBeGreaterThan(before);
    } finally {
      await server.close();
    }
  });
});
