/**
 * The adapters under contract, each with a real remote behind it. Add a row and the adapter
 * inherits the whole suite.
 */
import { join } from 'node:path';
import { CliGitHost, type GitCommandEvent } from '../../src/git/cli/cli-git-host.ts';
import type { GitHost } from '../../src/git/git-host.ts';
import { createBareRepository, makeScratchDir } from '../support/git-fixtures.ts';

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
  start(): Promise<HostHarness>;
}

export async function startCliHost(options: { onCommand?: (event: GitCommandEvent) => void } = {}): Promise<HostHarness & { host: CliGitHost }> {
  const remote = await createBareRepository();
  const cacheDir = join(await makeScratchDir('hnp-cache-'), 'cache');
  const host = new CliGitHost({ remoteUrl: `file://${remote}`, cacheDir, retry: { baseDelayMs: 1 }, ...options });
  return { host, remote, close: () => host.close() };
}

export const tHosts: THost[] = [
  { name: 'git', supportsPullRequests: false, commitsForFirstCommit: 1, start: () => startCliHost() },
];
