/**
 * Lists a folder GitHub's REST trees endpoint cuts even on its own (over 100,000 entries or
 * 7 MB of entries in one answer, and no paging), through git's own protocol: smart HTTP, the
 * way `git clone https://github.com/<owner>/<name>.git` reads the repository, with the API token
 * as the password (`x-access-token`, GitHub's convention for installation tokens; any username
 * works for a personal token).
 *
 * Into a bare cache repository of its own it fetches the commit's trees without their blobs
 * (`git fetch --filter=blob:none --depth=1 <commit>`, a partial clone GitHub has served since
 * 2020), then the blobs of that folder alone (as git's own lazy fetch asks for missing objects),
 * so `git ls-tree -l` can give every entry's size locally. Git checks every object it receives
 * against its oid, and the listing is re-hashed tree by tree (tree-listing.ts) against the tree
 * oid GitHub's API named, so what comes back is that tree exactly, or an error.
 *
 * The folders listed this way are remembered (a file in the cache repository), so the next
 * listing asks git for them at once and does not ask the API for answers it would cut: each cut
 * answer is up to 7 MB that GitHub builds and the gateway parses for nothing.
 *
 * Credentials travel as for the native adapter (credentials.ts): an askpass script reading
 * environment variables, never argv, the remote URL or a config file; git's output is scrubbed of
 * the token before it reaches an error. The cache keeps what it fetched (trees and the folder's
 * blobs), so a later listing of the same or a nearby commit fetches only what changed.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { GitHostError, type GitHostErrorCode, type TreeEntry } from '../git-host.ts';
import { withKeyedLock } from '../keyed-mutex.ts';
import { scrubSecrets } from '../scrub.ts';
import { prepareBareCache } from '../cli/bare-cache.ts';
import { openCredentialSession } from '../cli/credentials.ts';
import { classifyGitFailure } from '../cli/git-failure.ts';
import { GitCommandError, isolatedGitEnv, runGit, type GitCommandEvent, type GitOutput } from '../cli/run-git.ts';
import { listedTree, UnverifiedListing, type RawRestTreeEntry } from './tree-listing.ts';

export interface GitProtocolTreesOptions {
  /** `https://github.com/<owner>/<name>.git`; see `gitHubGitUrl`. */
  url: string;
  /** The API token; sent as the HTTP Basic password. */
  token: string;
  /** Where the cache repository lives (the gateway's git cache directory). */
  cacheDir: string;
  /** @default 'git' */
  gitBinary?: string;
  /** Called after every git command with its argv and the names of its environment variables. */
  onCommand?: ((event: GitCommandEvent) => void) | undefined;
  /** Fetches that fail transiently (5xx, network) are tried this many times. @default { maxAttempts: 3, baseDelayMs: 250 } */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
}

/**
 * The smart-HTTP URL of a repository, from the API base the adapter talks to: github.com's API
 * (`https://api.github.com`) → `https://github.com`; GitHub Enterprise Cloud with data residency
 * (`https://api.<tenant>.ghe.com`) → `https://<tenant>.ghe.com`; GitHub Enterprise Server
 * (`https://<host>/api/v3`) → `https://<host>`; any other base (a test server) serves git itself.
 */
export function gitHubGitUrl(apiBaseUrl: string, owner: string, name: string): string {
  const base = new URL(apiBaseUrl);
  if (/^api\./i.test(base.hostname) && (base.pathname === '/' || base.pathname === ''))
    base.hostname = base.hostname.slice(4);
  base.pathname = base.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '');
  const root = base.href.replace(/\/+$/, '');
  return `${root}/${encodeURIComponent(owner)}/${encodeURIComponent(name)}.git`;
}

/** Fetches a stalled transfer gives up after: under 1 kB/s for a minute. */
const LOW_SPEED = ['-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=60'];

export class GitProtocolTrees {
  readonly repositoryDir: string;
  readonly #options: GitProtocolTreesOptions;
  readonly #homeDir: string;
  readonly #askpassScript: string;
  readonly #cutFoldersFile: string;
  #prepared: Promise<void> | undefined;
  #cutFolders: Promise<Set<string>> | undefined;

  constructor(options: GitProtocolTreesOptions) {
    if (options.token.length < 4)
      throw new GitHostError('INVALID', 'the token is too short to be real', { operation: 'configure git listing' });
    this.#options = options;
    const digest = createHash('sha256').update(options.url).digest('hex').slice(0, 16);
    const slug = (options.url.split('/').filter(Boolean).pop() ?? 'repo')
      .replace(/\.git$/, '')
      .replace(/[^A-Za-z0-9._-]/g, '_');
    this.repositoryDir = join(options.cacheDir, `github-trees-${slug}-${digest}.git`);
    this.#homeDir = join(options.cacheDir, '.home');
    this.#askpassScript = join(options.cacheDir, '.hnp-askpass.sh');
    this.#cutFoldersFile = join(this.repositoryDir, 'hnp-cut-folders');
  }

  /** Folders (repository paths) this cache listed because GitHub's API cut them. */
  cutFolders(): Promise<ReadonlySet<string>> {
    this.#cutFolders ??= readFile(this.#cutFoldersFile, 'utf8').then(
      (text) => new Set(text.split('\n').filter((line) => line !== '')),
      () => new Set<string>(),
    );
    return this.#cutFolders;
  }

  async #rememberCut(path: string): Promise<void> {
    const folders = (await this.cutFolders()) as Set<string>;
    if (folders.has(path)) return;
    folders.add(path);
    await writeFile(this.#cutFoldersFile, [...folders].map((folder) => `${folder}\n`).join(''));
  }

  /**
   * Every blob below tree `treeOid` (found at `path` in commit `commitOid`), paths from the
   * repository root. Fails with INCOMPLETE when git cannot produce that tree whole; with AUTH,
   * FORBIDDEN, NOT_FOUND or TRANSIENT when the git server refuses or cannot be reached.
   */
  async listTree(commitOid: string, treeOid: string, path: string, operation: string): Promise<TreeEntry[]> {
    return withKeyedLock(this.repositoryDir, async () => {
      await this.#prepare(operation);
      let missing = await this.#missingBelow(treeOid, operation);
      if (missing === null) {
        // Trees only: blobs come below for this folder alone.
        await this.#fetch(['--filter=blob:none', '--depth=1', 'origin', commitOid], operation);
        missing = await this.#missingBelow(treeOid, operation);
        if (missing === null)
          throw this.#incomplete(`git's answer for commit ${commitOid} did not hold tree ${treeOid}`, path, operation);
      }
      if (missing.length > 0) {
        // As git's own lazy fetch of missing objects asks for them (wants only, nothing to negotiate).
        await this.#fetch(['--filter=blob:none', '--stdin', 'origin'], operation, `${missing.join('\n')}\n`, [
          '-c',
          'fetch.negotiationAlgorithm=noop',
        ]);
        const still = await this.#missingBelow(treeOid, operation);
        if (still === null || still.length > 0)
          throw this.#incomplete(
            `git did not send ${still?.length ?? 'all'} object(s) of tree ${treeOid}`,
            path,
            operation,
          );
      }
      const { stdout } = await this.#git(['ls-tree', '-r', '-t', '-l', '-z', treeOid], operation);
      const raw: RawRestTreeEntry[] = [];
      for (const record of stdout.toString('utf8').split('\0')) {
        if (record === '') continue;
        const tab = record.indexOf('\t');
        const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
        raw.push({ path: record.slice(tab + 1), mode, type, sha, size: size === '-' ? undefined : Number(size) });
      }
      let blobs: TreeEntry[];
      try {
        blobs = listedTree(treeOid, path, raw, true).blobs;
      } catch (error) {
        if (!(error instanceof UnverifiedListing)) throw error;
        throw this.#incomplete(`git's listing cannot be trusted: ${error.message}`, path, operation);
      }
      await this.#rememberCut(path);
      return blobs;
    });
  }

  /** The objects below `treeOid` the cache lacks (`rev-list --missing=print`); null when it lacks the tree itself. */
  async #missingBelow(treeOid: string, operation: string): Promise<string[] | null> {
    try {
      const { stdout } = await this.#git(['rev-list', '--objects', '--missing=print', treeOid], operation, {
        raw: true,
      });
      return stdout
        .toString('utf8')
        .split('\n')
        .filter((line) => line.startsWith('?'))
        .map((line) => line.slice(1).trim());
    } catch (error) {
      if (error instanceof GitCommandError && /bad object|not a valid object|unknown revision/i.test(error.stderr))
        return null;
      throw error instanceof GitCommandError ? this.#hostError(error, operation) : error;
    }
  }

  async #fetch(args: string[], operation: string, input?: string, config: string[] = []): Promise<void> {
    const maxAttempts = this.#options.retry?.maxAttempts ?? 3;
    const baseDelayMs = this.#options.retry?.baseDelayMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      const session = await openCredentialSession(
        { type: 'token', token: this.#options.token },
        { askpassScript: this.#askpassScript, knownHostsFile: join(this.#homeDir, 'known_hosts') },
      );
      try {
        await this.#git(
          [
            ...LOW_SPEED,
            ...config,
            'fetch',
            '--quiet',
            '--no-tags',
            '--no-write-fetch-head',
            '--recurse-submodules=no',
            ...args,
          ],
          operation,
          { env: session.env, ...(input !== undefined ? { input } : {}) },
        );
        return;
      } catch (error) {
        if (!(error instanceof GitHostError) || error.code !== 'TRANSIENT' || attempt >= maxAttempts) throw error;
      } finally {
        await session.dispose();
      }
      await delay(baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }

  #prepare(operation: string): Promise<void> {
    this.#prepared ??= (async () => {
      await prepareBareCache(
        {
          homeDir: this.#homeDir,
          askpassScript: this.#askpassScript,
          repositoryDir: this.repositoryDir,
          cacheDir: this.#options.cacheDir,
          remoteUrl: this.#options.url,
          // Fetches here are few and targeted; an automatic gc would run in the background.
          settings: [
            ['gc.auto', '0'],
            ['maintenance.auto', 'false'],
          ],
        },
        (args, options) => this.#git(args, operation, options),
      );
    })().catch((error: unknown) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
  }

  async #git(
    args: string[],
    operation: string,
    options: { env?: Record<string, string>; input?: string; cwd?: string; raw?: boolean } = {},
  ): Promise<GitOutput> {
    const env = isolatedGitEnv(this.#homeDir, options.env);
    const gitArgs = options.cwd ? args : ['--git-dir', this.repositoryDir, ...args];
    try {
      return await runGit(gitArgs, {
        gitBinary: this.#options.gitBinary ?? 'git',
        env,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.input !== undefined ? { input: options.input } : {}),
        secrets: [this.#options.token],
        onCommand: this.#options.onCommand,
      });
    } catch (error) {
      if (options.raw || !(error instanceof GitCommandError)) throw error;
      throw this.#hostError(error, operation);
    }
  }

  /**
   * git's failure as a typed error: AUTH, FORBIDDEN, NOT_FOUND and TRANSIENT as git's message
   * says; anything else (git missing, a refused want) as INCOMPLETE, the listing being unknown.
   */
  #hostError(error: GitCommandError, operation: string): GitHostError {
    const detail = scrubSecrets(error.stderr.trim() || error.stdout.trim() || error.message, [this.#options.token]);
    const classified = classifyGitFailure(detail);
    const code: GitHostErrorCode = classified === 'UNKNOWN' ? 'INCOMPLETE' : classified;
    const command = error.args.find((arg) => !arg.startsWith('-') && arg !== this.repositoryDir && !arg.includes('='));
    const hint = error.exitCode === -1 ? ' (the GitHub adapter needs git on PATH to list folders this large)' : '';
    return new GitHostError(
      code,
      `listing it over git (${this.#options.url}) failed: git ${command ?? ''}: ${detail}${hint}`,
      {
        operation,
      },
    );
  }

  #incomplete(reason: string, path: string, operation: string): GitHostError {
    return new GitHostError('INCOMPLETE', `listing it over git (${this.#options.url}) failed: ${reason}`, {
      operation,
      location: path || '/',
    });
  }
}
