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
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitBlobOid } from '../blob-oid.ts';
import { GitHostError, type GitHostErrorCode, type TreeEntry } from '../git-host.ts';
import { withKeyedLock } from '../keyed-mutex.ts';
import { scrubSecrets } from '../scrub.ts';
import { prepareBareCache } from '../cli/bare-cache.ts';
import { CatFileReader } from '../cli/cat-file-reader.ts';
import { withCredentialRetry } from '../cli/credential-retry.ts';
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
  /**
   * How far the cache repository may grow before a listing that has to fetch starts it afresh:
   * beyond `growth` times its size after its first listing, plus `slackBytes`.
   * @default { growth: 4, slackBytes: 32 MiB }
   */
  cacheBound?: { growth?: number; slackBytes?: number };
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
  readonly #baselineFile: string;
  #prepared: Promise<void> | undefined;
  /** The repository was made by this instance and has not been listed into yet. */
  #fresh = false;
  #cutFolders: Promise<Set<string>> | undefined;
  /** Blobs this instance listed over git: the cache holds them (readListedBlobs). */
  readonly #listedBlobs = new Set<string>();
  #reader: CatFileReader | null = null;

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
    this.#baselineFile = join(this.repositoryDir, 'hnp-cache-baseline');
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
      let created = this.#fresh;
      this.#fresh = false;
      let missing = await this.#missingBelow(treeOid, operation);
      if (missing === null) {
        // A new commit to fetch: the moment to start afresh if what the cache kept has outgrown it.
        if (!created && (await this.#outgrown(operation))) created = await this.#startAfresh(operation);
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
      // What one listing needs is what the cache is measured against later (#outgrown).
      if (created) await writeFile(this.#baselineFile, `${await this.#cacheBytes(operation)}\n`);
      for (const blob of blobs) this.#listedBlobs.add(blob.oid);
      return blobs;
    });
  }

  /**
   * The blobs among `oids` this instance listed over git, read from the cache repository (which
   * holds them: the listing fetched them for their sizes), each checked against its oid. Others,
   * and any the cache no longer has, are left to the caller; a cache that cannot be read gives
   * nothing rather than failing the read.
   */
  async readListedBlobs(oids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const listed = oids.filter((oid) => this.#listedBlobs.has(oid));
    const blobs = new Map<string, Uint8Array>();
    if (listed.length === 0) return blobs;
    return withKeyedLock(this.repositoryDir, async () => {
      this.#reader ??= new CatFileReader({
        gitBinary: this.#options.gitBinary ?? 'git',
        // A blob missing from this partial clone would make git fetch it: never from here.
        gitArgs: ['-c', 'protocol.allow=never', '--git-dir', this.repositoryDir],
        env: isolatedGitEnv(this.#homeDir),
        onCommand: this.#options.onCommand,
      });
      try {
        const read = await this.#reader.read(listed);
        for (const [oid, bytes] of read.blobs) if (gitBlobOid(bytes) === oid) blobs.set(oid, bytes);
      } catch {
        // The cache was started afresh or removed meanwhile: the caller reads them elsewhere.
      }
      return blobs;
    });
  }

  /** Ends the cache reader's git process, if one is running. */
  async close(): Promise<void> {
    await this.#reader?.close();
  }

  /** Whether the cache has grown past its bound (see `cacheBound`). */
  async #outgrown(operation: string): Promise<boolean> {
    const baseline = await readFile(this.#baselineFile, 'utf8').then(
      (text) => Number(text.trim()) || 0,
      () => 0,
    );
    const growth = this.#options.cacheBound?.growth ?? 4;
    const slackBytes = this.#options.cacheBound?.slackBytes ?? 32 * 2 ** 20;
    return (await this.#cacheBytes(operation)) > growth * baseline + slackBytes;
  }

  /**
   * Replaces the cache repository with a new, empty one (keeping the folders remembered as cut).
   * `git gc` would not do: every object here came from a promisor remote, and git keeps those
   * whether anything reaches them or not. Moved aside first, so a crash leaves either repository
   * whole at its path, never half of one; preparing the new one deletes it (prepareBareCache
   * deletes what was moved aside, after a crash too).
   */
  async #startAfresh(operation: string): Promise<boolean> {
    const cut = await this.cutFolders();
    await this.#reader?.close();
    await rename(this.repositoryDir, `${this.repositoryDir}.old-${randomUUID()}`);
    this.#prepared = undefined;
    await this.#prepare(operation);
    const created = this.#fresh;
    this.#fresh = false;
    if (cut.size > 0) await writeFile(this.#cutFoldersFile, [...cut].map((folder) => `${folder}\n`).join(''));
    return created;
  }

  /** The cache repository's objects, loose and packed (`git count-objects -v`), in bytes. */
  async #cacheBytes(operation: string): Promise<number> {
    const { stdout } = await this.#git(['count-objects', '-v'], operation);
    let kib = 0;
    for (const line of stdout.toString('utf8').split('\n')) {
      const [key, value] = line.split(': ');
      if (key === 'size' || key === 'size-pack' || key === 'size-garbage') kib += Number(value) || 0;
    }
    return kib * 1024;
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
    await withCredentialRetry(
      {
        auth: { type: 'token', token: this.#options.token },
        paths: { askpassScript: this.#askpassScript, knownHostsFile: join(this.#homeDir, 'known_hosts') },
        retry: this.#options.retry,
        isTransient: (error) => error instanceof GitHostError && error.code === 'TRANSIENT',
      },
      (env) =>
        this.#git(
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
          { env, ...(input !== undefined ? { input } : {}) },
        ),
    );
  }

  /** Sets the cache repository up once per instance (`#fresh` when it made it). */
  #prepare(operation: string): Promise<void> {
    this.#prepared ??= (async () => {
      this.#fresh = await prepareBareCache(
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
