/**
 * The adapters under contract, each with a real remote behind it. Add a row and the adapter
 * inherits the whole suite.
 */
import { join } from 'node:path';
import { CliGitHost, type GitCommandEvent } from '../../src/git/cli/cli-git-host.ts';
import { GitHostError, type GitHost } from '../../src/git/git-host.ts';
import { expect } from 'vitest';
import { GitHubHost, type GitHubHostOptions } from '../../src/git/github/github-host.ts';
import { basename, dirname } from 'node:path';
import { createBareRepository, makeScratchDir, startGitHttpServer } from '../support/git-fixtures.ts';
import {
  startGitHubServer,
  type GitHubServer,
  type GitHubServerOptions,
} from '../support/github-server/github-server.ts';

export interface HostHarness {
  host: GitHost;
  /** The bare repository that receives what the adapter pushes; inspect it with the git CLI. */
  remote: string;
  /** Provider-specific request counters, when the provider has any. */
  counters?: () => { restBlobReads: number };
  close(): Promise<void>;
}

export interface THost {
  name: 'git' | 'github';
  supportsPullRequests: boolean;
  /** GitHub cannot commit several files into an empty repository at once (see github-host.ts). */
  commitsForFirstCommit: number;
  /**
   * Entries per tree answer of the remote, when it has such a limit (lowered for the tests, as
   * GitHub's is 100,000): listings beyond it must still be complete.
   */
  listingLimit?: number;
  start(): Promise<HostHarness>;
  /** A host whose credential the remote refuses; `secret` must never show up in errors. */
  startWithRefusedCredential(): Promise<{ host: GitHost; secret: string; close(): Promise<void> }>;
}

export async function startCliHost(
  options: { onCommand?: (event: GitCommandEvent) => void } = {},
): Promise<HostHarness & { host: CliGitHost }> {
  const remote = await createBareRepository();
  const cacheDir = join(await makeScratchDir('hnp-cache-'), 'cache');
  const host = new CliGitHost({ remoteUrl: `file://${remote}`, cacheDir, retry: { baseDelayMs: 1 }, ...options });
  return { host, remote, close: () => host.close() };
}

/** Small limits so the truncation path and the retries run quickly. */
export const TEST_TRUNCATE_ABOVE = 4096;
export const TEST_TREE_ENTRIES = 40;

export async function startGitHubHost(
  options: { server?: GitHubServerOptions; host?: Partial<GitHubHostOptions> } = {},
): Promise<HostHarness & { host: GitHubHost; server: GitHubServer }> {
  const server = await startGitHubServer({ truncateBlobsAbove: TEST_TRUNCATE_ABOVE, ...options.server });
  const host = new GitHubHost({
    owner: server.owner,
    name: server.name,
    token: server.token,
    baseUrl: server.url,
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    requestTimeoutMs: 5_000,
    ...options.host,
  });
  return {
    host,
    server,
    remote: server.repositoryDir,
    counters: () => ({ restBlobReads: server.requestCount('rest:getBlob') }),
    close: async () => {
      await host.close();
      await server.close();
      // Any query GitHub's schema rejects fails the test that sent it.
      if (server.rejectedQueries.length > 0)
        throw new Error(`GitHub would reject: ${JSON.stringify(server.rejectedQueries, null, 2)}`);
    },
  };
}

const REFUSED_SECRET = 'hnp-refused-secret-0a1b2c3d4e5f';

export const tHosts: THost[] = [
  {
    name: 'git',
    supportsPullRequests: false,
    commitsForFirstCommit: 1,
    start: () => startCliHost(),
    startWithRefusedCredential: async () => {
      const remote = await createBareRepository();
      const server = await startGitHttpServer({
        projectRoot: dirname(remote),
        username: 'x-access-token',
        password: 'the-right-token-123',
      });
      const host = new CliGitHost({
        remoteUrl: `${server.url}/${basename(remote)}`,
        cacheDir: join(await makeScratchDir('hnp-cache-'), 'cache'),
        auth: { type: 'token', token: REFUSED_SECRET },
        retry: { baseDelayMs: 1 },
      });
      return { host, secret: REFUSED_SECRET, close: () => server.close() };
    },
  },
  {
    name: 'github',
    supportsPullRequests: true,
    commitsForFirstCommit: 2,
    listingLimit: TEST_TREE_ENTRIES,
    // As the gateway configures it: folders the API cuts are listed over git (git-protocol-trees.ts).
    start: async () =>
      startGitHubHost({
        server: { maxTreeEntries: TEST_TREE_ENTRIES },
        host: { gitProtocol: { cacheDir: join(await makeScratchDir('hnp-cache-'), 'cache') } },
      }),
    startWithRefusedCredential: async () => {
      const { host, close } = await startGitHubHost({ host: { token: REFUSED_SECRET } });
      return { host, secret: REFUSED_SECRET, close };
    },
  },
];

/** The GitHostError a call fails with (the test fails when it does not fail that way). */
export async function caught(promise: Promise<unknown>): Promise<GitHostError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitHostError);
  return error as GitHostError;
}
