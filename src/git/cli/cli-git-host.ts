/**
 * GitHost over the `git` CLI, for any remote git understands (file:// bare repositories, https
 * with a token, ssh).
 *
 * One bare clone per remote lives under `cacheDir`; it is fetched before every head read, and
 * objects are fetched only when missing (oids never change meaning). Commits are built without a
 * working tree: blobs through one `fast-import` stream, a temporary index (GIT_INDEX_FILE) with `read-tree`
 * and `update-index --index-info`, then `write-tree` and `commit-tree`. They are pushed with
 * `--force-with-lease=refs/heads/<branch>:<expected head>`, so a branch that moved meanwhile is
 * refused by the remote and reported as `head_moved`.
 *
 * The environment is closed off from the user's setup (fixed HOME, no system/global config, no
 * terminal prompts, LANG=C so messages can be recognised), and credentials travel only through it
 * (see credentials.ts). Pull requests are not a git concept: `ensurePullRequest` throws UNSUPPORTED.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitBlobOid, toBytes } from '../blob-oid.ts';
import {
  assertBranchName,
  assertHistoryPage,
  assertOid,
  assertValidCommitRequest,
  normalizeDirectory,
  normalizeFilePath,
} from '../commit-request.ts';
import {
  byPath,
  GitHostError,
  type AccessCheck,
  type CommitAuthor,
  type CommitOptions,
  type CommitRequest,
  type CommitResult,
  type FileAtCommit,
  type GitHost,
  type PathCommit,
  type PathHistoryPage,
  type PathHistoryRequest,
  type PullRequestResult,
  type TreeChange,
  type TreeEntry,
} from '../git-host.ts';
import { withKeyedLock } from '../keyed-mutex.ts';
import { urlCredentialProblem } from '../repository-url.ts';
import { scrubSecrets } from '../scrub.ts';
import { CatFileReader, type CatFileRead } from './cat-file-reader.ts';
import { prepareBareCache } from './bare-cache.ts';
import { withCredentialRetry } from './credential-retry.ts';
import { secretsOf, type GitAuth } from './credentials.ts';
import { classifyGitFailure } from './git-failure.ts';
import { GitCommandError, isolatedGitEnv, runGit, type GitCommandEvent, type GitOutput } from './run-git.ts';

export type { GitAuth } from './credentials.ts';
export type { GitCommandEvent } from './run-git.ts';

export interface CliGitHostOptions {
  /** Any URL git accepts. Must not carry credentials: use `auth`. */
  remoteUrl: string;
  /** Where the cached bare clones live (one per remote URL). */
  cacheDir: string;
  /** @default { type: 'none' } */
  auth?: GitAuth;
  /** Commit author when the request names none. @default Hedgehog GitOps Gateway <gateway@hedgehog.invalid> */
  author?: CommitAuthor;
  /** @default 'git' */
  gitBinary?: string;
  /** Network operations (fetch, ls-remote, push) that fail transiently are tried this many times. */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
  /** Called after every git command with its argv and the names of its environment variables. */
  onCommand?: (event: GitCommandEvent) => void;
}

const DEFAULT_AUTHOR: CommitAuthor = { name: 'Hedgehog GitOps Gateway', email: 'gateway@hedgehog.invalid' };
const ZERO_OID = '0000000000000000000000000000000000000000';
/**
 * Blobs per `git fast-import` run in a commit (the grain at which `onProgress` moves): at least
 * this many, and at most COMMIT_MAX_BLOB_RUNS runs, since each run costs a fixed ~40 ms.
 */
export const COMMIT_BLOB_BATCH = 100;
const COMMIT_MAX_BLOB_RUNS = 4;

export class CliGitHost implements GitHost {
  readonly provider = 'git' as const;
  readonly repositoryDir: string;
  readonly #options: CliGitHostOptions;
  readonly #auth: GitAuth;
  readonly #secrets: string[];
  readonly #homeDir: string;
  readonly #askpassScript: string;
  #prepared: Promise<void> | undefined;
  #reader: CatFileReader | null = null;

  constructor(options: CliGitHostOptions) {
    this.#options = options;
    this.#auth = options.auth ?? { type: 'none' };
    this.#secrets = secretsOf(this.#auth);
    const operation = 'configure git remote';
    const credentials = urlCredentialProblem(options.remoteUrl);
    if (credentials !== null) {
      throw new GitHostError(
        'INVALID',
        `remote URL ${scrubSecrets(options.remoteUrl, [])} carries credentials; pass them as auth instead`,
        {
          operation,
          location: 'remoteUrl',
        },
      );
    }
    if (this.#secrets.some((secret) => secret.length < 4)) {
      throw new GitHostError('INVALID', 'the credential is too short to be real', { operation, location: 'auth' });
    }
    const digest = createHash('sha256').update(options.remoteUrl).digest('hex').slice(0, 16);
    const slug = (options.remoteUrl.split(/[/:]/).filter(Boolean).pop() ?? 'repo')
      .replace(/\.git$/, '')
      .replace(/[^A-Za-z0-9._-]/g, '_');
    this.repositoryDir = join(options.cacheDir, `${slug}-${digest}.git`);
    this.#homeDir = join(options.cacheDir, '.home');
    this.#askpassScript = join(options.cacheDir, '.hnp-askpass.sh');
  }

  async getBranchHead(branch: string): Promise<string | null> {
    const operation = `read head of ${branch}`;
    assertBranchName(branch, operation);
    return this.#exclusive(operation, async () => {
      await this.#fetch(operation);
      return this.#localHead(branch);
    });
  }

  async readTree(commitOid: string, directory: string): Promise<TreeEntry[]> {
    const operation = `read tree ${directory || '/'} at ${commitOid}`;
    assertOid(commitOid, operation, 'commitOid');
    const dir = normalizeDirectory(directory, operation);
    return this.#exclusive(operation, async () => {
      const treeish = dir === '' ? `${commitOid}^{tree}` : `${commitOid}:${dir}`;
      // One process tells whether the commit is here and what the directory is; a fetch only
      // when the commit is missing (spawning git is most of the cost of a small read).
      let [commit, type] = await this.#objectTypes([commitOid, treeish], operation);
      if (commit === null) {
        await this.#ensureObjects([commitOid], operation);
        [commit, type] = await this.#objectTypes([commitOid, treeish], operation);
      }
      if (type !== 'tree') return [];
      const { stdout } = await this.#git(['ls-tree', '-r', '-l', '-z', treeish], operation);
      const entries: TreeEntry[] = [];
      for (const record of stdout.toString('utf8').split('\0')) {
        if (record === '') continue;
        const tab = record.indexOf('\t');
        const [mode, kind, oid, size] = record.slice(0, tab).split(/ +/);
        if (kind !== 'blob' || !mode || !oid || size === undefined) continue; // submodules ('commit') are not files
        const path = record.slice(tab + 1);
        entries.push({ path: dir === '' ? path : `${dir}/${path}`, mode, oid, size: Number(size) });
      }
      return entries.sort(byPath);
    });
  }

  async diffTree(fromCommitOid: string, toCommitOid: string, directory: string): Promise<TreeChange[] | null> {
    const operation = `diff ${directory || '/'} from ${fromCommitOid} to ${toCommitOid}`;
    assertOid(fromCommitOid, operation, 'fromCommitOid');
    assertOid(toCommitOid, operation, 'toCommitOid');
    const dir = normalizeDirectory(directory, operation);
    return this.#exclusive(operation, async () => {
      // Two git processes when both commits are here (the usual case: the head was just fetched);
      // otherwise one fetch, and a commit the remote does not have either (gone with a rewritten
      // history) cannot be diffed from.
      let ancestry = await this.#ancestry(fromCommitOid, toCommitOid, operation);
      if (ancestry === 'missing') {
        const known = await this.#ensureObjects([fromCommitOid, toCommitOid], operation).then(
          () => true,
          (error: unknown) => {
            if (error instanceof GitHostError && error.code === 'NOT_FOUND') return false;
            throw error;
          },
        );
        if (!known) return null;
        ancestry = await this.#ancestry(fromCommitOid, toCommitOid, operation, { strict: true });
      }
      if (ancestry !== 'ancestor') return null;
      const pathspec = dir === '' ? [] : ['--', dir];
      const { stdout } = await this.#git(
        ['diff-tree', '-r', '-z', '--no-renames', '--raw', fromCommitOid, toCommitOid, ...pathspec],
        operation,
        {
          env: { GIT_LITERAL_PATHSPECS: '1' },
        },
      );
      return parseDiffTree(stdout.toString('utf8'), dir);
    });
  }

  async readBlobs(oids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const operation = `read ${oids.length} blob(s)`;
    for (const [index, oid] of oids.entries()) assertOid(oid, operation, `oids[${index}]`);
    const wanted = [...new Set(oids)];
    if (wanted.length === 0) return new Map();
    return this.#exclusive(operation, async () => {
      // Usually every blob is here already (fetched with the head). Else fetch, read those again.
      const { blobs, missing } = await this.#readCachedBlobs(wanted, operation);
      if (missing.length === 0) return blobs;
      await this.#ensureObjects(missing, operation);
      const fetched = await this.#readCachedBlobs(missing, operation);
      if (fetched.missing.length > 0)
        throw new GitHostError('NOT_FOUND', `object ${fetched.missing[0]} not found`, { operation });
      for (const [oid, bytes] of fetched.blobs) blobs.set(oid, bytes);
      return blobs;
    });
  }

  /**
   * Blobs from the cache repository through one long-lived `git cat-file --batch` (a pull reads
   * 100 at a time: one git process for all its batches, not one per batch). It sees the packs a
   * fetch adds meanwhile: git looks for new packs before it answers `missing`.
   */
  async #readCachedBlobs(
    oids: readonly string[],
    operation: string,
  ): Promise<{ blobs: Map<string, Uint8Array>; missing: string[] }> {
    this.#reader ??= new CatFileReader({
      gitBinary: this.#options.gitBinary ?? 'git',
      gitArgs: ['--git-dir', this.repositoryDir],
      env: isolatedGitEnv(this.#homeDir),
      onCommand: this.#options.onCommand,
    });
    let read: CatFileRead;
    try {
      read = await this.#reader.read(oids);
    } catch (error) {
      const detail = scrubSecrets(error instanceof Error ? error.message : String(error), this.#secrets);
      throw new GitHostError('UNKNOWN', `git cat-file failed: ${detail}`, { operation });
    }
    const [other] = read.others;
    if (other) throw new GitHostError('INVALID', `object ${other[0]} is a ${other[1]}, not a blob`, { operation });
    return read;
  }

  /**
   * `git log` of the path from the commit, one page (`--skip` the cursor, one commit more than
   * asked to know whether more follow), then one `cat-file --batch-check` for the path's object
   * in each commit and its first parent: two git processes per page (plus a fetch when the
   * commit is not cached yet). The cursor is the number of commits before the next one.
   */
  async history(commitOid: string, path: string, page: PathHistoryRequest): Promise<PathHistoryPage> {
    const operation = `read history of ${path || '/'} from ${commitOid}`;
    assertOid(commitOid, operation, 'commitOid');
    const dir = normalizeDirectory(path, operation);
    assertHistoryPage(page, operation);
    const skip = page.after == null ? 0 : Number(page.after);
    if (!/^\d{1,9}$/.test(page.after ?? '0'))
      throw new GitHostError('INVALID', 'the cursor is not one this host handed out', { operation, location: 'after' });
    return this.#exclusive(operation, async () => {
      await this.#requireCommit(commitOid, operation);
      const { stdout } = await this.#git(
        [
          'log',
          '-z',
          '--format=%H%x00%an%x00%ae%x00%aI%x00%cI%x00%B',
          `--max-count=${page.first + 1}`,
          `--skip=${skip}`,
          commitOid,
          '--',
          ...(dir === '' ? [] : [dir]),
        ],
        operation,
        { env: { GIT_LITERAL_PATHSPECS: '1' } },
      );
      const fields = stdout.toString('utf8').split('\0');
      const listed: Omit<PathCommit, 'pathOid' | 'previousPathOid'>[] = [];
      for (let index = 0; index + 6 <= fields.length; index += 6) {
        const [oid = '', authorName = '', authorEmail = '', authoredAt = '', committedAt = '', message = ''] =
          fields.slice(index, index + 6);
        listed.push({
          oid: oid.trim(),
          cursor: String(skip + listed.length + 1),
          authorName,
          authorEmail,
          authoredAt: new Date(authoredAt).toISOString(),
          committedAt: new Date(committedAt).toISOString(),
          // As GitHub gives it: without the newline git ends a message with.
          message: message.replace(/\n+$/, ''),
        });
      }
      const commits = listed.slice(0, page.first);
      const at = (oid: string) => (dir === '' ? `${oid}^{tree}` : `${oid}:${dir}`);
      const oids = await this.#objectOids(
        commits.flatMap((commit) => [at(commit.oid), at(`${commit.oid}^`)]),
        operation,
      );
      return {
        commits: commits.map((commit, index) => ({
          ...commit,
          pathOid: oids[2 * index] ?? null,
          previousPathOid: oids[2 * index + 1] ?? null,
        })),
        hasNextPage: listed.length > page.first,
      };
    });
  }

  async readFile(commitOid: string, path: string): Promise<FileAtCommit | null> {
    const operation = `read ${path} at ${commitOid}`;
    assertOid(commitOid, operation, 'commitOid');
    const file = normalizeFilePath(path, operation);
    return this.#exclusive(operation, async () => {
      await this.#requireCommit(commitOid, operation);
      const [found] = await this.#batchCheck([`${commitOid}:${file}`], operation);
      if (found?.type !== 'blob') return null;
      const { oid } = found;
      const contents = (await this.#readCachedBlobs([oid], operation)).blobs.get(oid);
      if (!contents || gitBlobOid(contents) !== oid)
        throw new GitHostError('INTEGRITY', `blob ${oid} did not read back whole`, { operation });
      return { oid, contents };
    });
  }

  async commit(request: CommitRequest, options: CommitOptions = {}): Promise<CommitResult> {
    const operation = `commit on ${request.branch}`;
    assertValidCommitRequest(request, operation);
    return this.#exclusive(operation, async () => {
      await this.#fetch(operation);
      const head = await this.#localHead(request.branch);
      if (head !== request.expectedHeadOid) return { status: 'head_moved', actualHeadOid: head };
      const oid = await this.#buildCommit(request, operation, options);
      const pushed = await this.#pushWithLease(oid, request.branch, request.expectedHeadOid, operation);
      return pushed.status === 'pushed'
        ? { status: 'committed', oid }
        : { status: 'head_moved', actualHeadOid: pushed.actualHeadOid };
    });
  }

  async createBranch(name: string, fromOid: string): Promise<void> {
    const operation = `create branch ${name}`;
    assertBranchName(name, operation, 'name');
    assertOid(fromOid, operation, 'fromOid');
    return this.#exclusive(operation, async () => {
      await this.#ensureObjects([fromOid], operation);
      const pushed = await this.#pushWithLease(fromOid, name, null, operation);
      if (pushed.status === 'rejected' && pushed.actualHeadOid !== fromOid) {
        throw new GitHostError('CONFLICT', `branch ${name} already exists at ${pushed.actualHeadOid ?? '(unknown)'}`, {
          operation,
        });
      }
    });
  }

  async ensurePullRequest(): Promise<PullRequestResult> {
    throw new GitHostError(
      'UNSUPPORTED',
      'a plain git remote has no pull requests; the branch is pushed, open the request on the hosting service',
      {
        operation: 'open pull request',
      },
    );
  }

  async checkAccess(): Promise<AccessCheck> {
    const operation = 'check access';
    return this.#exclusive(operation, async () => {
      let listing: string;
      try {
        listing = (await this.#network(['ls-remote', '--symref', 'origin', 'HEAD'], operation)).stdout.toString('utf8');
      } catch (error) {
        if (error instanceof GitHostError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN'))
          return { canRead: false, canWrite: false };
        throw error;
      }
      const defaultBranch = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(listing)?.[1];
      // A dry-run push of a throwaway commit makes the remote decide whether we may push.
      const emptyTree = (
        await this.#git(['hash-object', '-t', 'tree', '-w', '--stdin'], operation, { input: '' })
      ).stdout
        .toString()
        .trim();
      const probe = (
        await this.#git(['commit-tree', emptyTree, '-m', 'access check'], operation, { env: authorEnv(DEFAULT_AUTHOR) })
      ).stdout
        .toString()
        .trim();
      let canWrite = true;
      try {
        await this.#network(
          ['push', '--dry-run', '--porcelain', 'origin', `${probe}:refs/heads/hnp-access-check`],
          operation,
        );
      } catch (error) {
        if (!(error instanceof GitHostError) || (error.code !== 'FORBIDDEN' && error.code !== 'AUTH')) throw error;
        canWrite = false;
      }
      return {
        canRead: true,
        canWrite,
        permission: canWrite ? 'WRITE' : 'READ',
        ...(defaultBranch ? { defaultBranch } : {}),
      };
    });
  }

  async close(): Promise<void> {
    // Waits for queued operations and ends the blob reader's git process; the cache stays.
    await withKeyedLock(this.repositoryDir, async () => {
      await this.#reader?.close();
    });
  }

  async #buildCommit(request: CommitRequest, operation: string, options: CommitOptions): Promise<string> {
    const scratch = await mkdtemp(join(tmpdir(), 'hnp-commit-'));
    try {
      const env = { GIT_INDEX_FILE: join(scratch, 'index') };
      if (request.expectedHeadOid) await this.#readTreeIntoIndex(request.expectedHeadOid, env, operation);
      if (request.deletions.length > 0) {
        const listed = (await this.#git(['ls-files', '-z', '--cached'], operation, { env })).stdout.toString('utf8');
        const present = new Set(listed.split('\0'));
        request.deletions.forEach((deletion, index) => {
          if (!present.has(deletion.path)) {
            throw new GitHostError(
              'INVALID',
              `cannot delete ${JSON.stringify(deletion.path)}: no such file at ${request.expectedHeadOid ?? 'the empty tree'}`,
              {
                operation,
                location: `deletions[${index}].path`,
              },
            );
          }
        });
      }
      // Blobs go in through `git fast-import`, one pack per batch: a loose object per file, or a
      // process per file, dominates large commits, while a few batches (see COMMIT_BLOB_BATCH)
      // let the caller follow the writing (`onProgress` after each). Their oids are computed
      // here; write-tree fails if any object were missing, so the two cannot silently disagree.
      const blobOids = request.additions.map((addition) => gitBlobOid(addition.contents));
      const filesTotal = request.additions.length + request.deletions.length;
      const batch = Math.max(COMMIT_BLOB_BATCH, Math.ceil(request.additions.length / COMMIT_MAX_BLOB_RUNS));
      for (let start = 0; start < request.additions.length; start += batch) {
        const stream: Buffer[] = [];
        for (const addition of request.additions.slice(start, start + batch)) {
          const bytes = toBytes(addition.contents);
          stream.push(Buffer.from(`blob\ndata ${bytes.byteLength}\n`), Buffer.from(bytes), Buffer.from('\n'));
        }
        await this.#git(['fast-import', '--quiet', '--done'], operation, {
          input: Buffer.concat([...stream, Buffer.from('done\n')]),
        });
        await options.onProgress?.(Math.min(start + batch, request.additions.length), filesTotal);
      }
      const records = [
        ...request.additions.map((addition, index) => `100644 blob ${blobOids[index]}\t${addition.path}\0`),
        ...request.deletions.map((deletion) => `0 ${ZERO_OID}\t${deletion.path}\0`),
      ];
      if (records.length > 0) {
        await this.#git(['update-index', '-z', '--index-info'], operation, { env, input: records.join('') }).catch(
          (error: unknown) => {
            throw error instanceof GitHostError && error.code === 'UNKNOWN'
              ? new GitHostError(
                  'INVALID',
                  `the changes do not fit the tree (a file where a directory is, or the reverse): ${error.message}`,
                  { operation },
                )
              : error;
          },
        );
      }
      const tree = (await this.#git(['write-tree'], operation, { env })).stdout.toString('utf8').trim();
      const parents = request.expectedHeadOid ? ['-p', request.expectedHeadOid] : [];
      const author = request.author ?? this.#options.author ?? DEFAULT_AUTHOR;
      const { stdout } = await this.#git(['commit-tree', tree, ...parents, '-F', '-'], operation, {
        input: request.message,
        env: authorEnv(author),
      });
      return stdout.toString('utf8').trim();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * Loads the tree of `commitOid` into the temporary index. git refuses a tree holding an entry
   * named `.`, `..` or `.git` (possible only through plumbing, or elsewhere than git): that is
   * said plainly, naming the path, since no commit can be built on it until it is repaired.
   */
  async #readTreeIntoIndex(commitOid: string, env: Record<string, string>, operation: string): Promise<void> {
    try {
      await this.#git(['read-tree', commitOid], operation, { env, raw: true });
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      const path = /invalid path '([^\n]*)'/.exec(error.stderr)?.[1];
      if (path === undefined) throw this.#hostError(classifyGitFailure(error.stderr), error, operation);
      throw new GitHostError(
        'INVALID',
        `the repository's tree at ${commitOid} holds ${JSON.stringify(path)}, which cannot be checked out (a ".", ".." or ".git" entry); ` +
          'rename or remove it in Git, then commit again',
        { operation },
      );
    }
  }

  /** Pushes `oid` to `branch` only if the remote still has `expected` there (null: no branch). */
  async #pushWithLease(
    oid: string,
    branch: string,
    expected: string | null,
    operation: string,
  ): Promise<{ status: 'pushed' } | { status: 'rejected'; actualHeadOid: string | null }> {
    const ref = `refs/heads/${branch}`;
    try {
      await this.#network(
        ['push', '--porcelain', `--force-with-lease=${ref}:${expected ?? ''}`, 'origin', `${oid}:${ref}`],
        operation,
        {
          // Retrying a push whose first attempt landed is refused by the lease; the check below sees it.
          // "[remote rejected] … cannot lock ref": the lease passed but another push won the race.
          isRejection: (error) =>
            /\[rejected\]|\[remote rejected\]|stale info|fetch first|non-fast-forward|already exists/.test(
              error.stdout + error.stderr,
            ),
        },
      );
    } catch (error) {
      if (!(error instanceof PushRejected)) throw error;
      await this.#fetch(operation);
      const actual = await this.#localHead(branch);
      if (actual === oid) return { status: 'pushed' };
      if (actual !== expected) return { status: 'rejected', actualHeadOid: actual };
      // The branch did not move, so the remote refused for another reason (a hook, a protected branch).
      throw this.#hostError(
        classifyGitFailure(error.cause.stderr) === 'UNKNOWN' ? 'FORBIDDEN' : classifyGitFailure(error.cause.stderr),
        error.cause,
        operation,
      );
    }
    await this.#git(['update-ref', `refs/remotes/origin/${branch}`, oid], operation);
    return { status: 'pushed' };
  }

  /**
   * Whether `ancestor` is `descendant` or one of its ancestors; `missing` when git could not
   * tell (an object not in the cache), which fails instead when `strict`.
   */
  async #ancestry(
    ancestor: string,
    descendant: string,
    operation: string,
    options: { strict?: boolean } = {},
  ): Promise<'ancestor' | 'not_ancestor' | 'missing'> {
    try {
      await this.#git(['merge-base', '--is-ancestor', ancestor, descendant], operation, { raw: true });
      return 'ancestor';
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      if (error.exitCode === 1) return 'not_ancestor';
      if (options.strict) throw this.#hostError(classifyGitFailure(error.stderr), error, operation);
      return 'missing';
    }
  }

  async #localHead(branch: string): Promise<string | null> {
    try {
      const { stdout } = await this.#git(
        ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}^{commit}`],
        'read head',
      );
      return stdout.toString('utf8').trim();
    } catch {
      return null;
    }
  }

  async #fetch(operation: string): Promise<void> {
    await this.#network(['fetch', '--prune', '--quiet', '--no-tags', 'origin'], operation);
  }

  /** The object type of each expression (`<oid>`, `<oid>:<path>`), null when git does not have it. */
  async #objectTypes(expressions: readonly string[], operation: string): Promise<(string | null)[]> {
    return (await this.#batchCheck(expressions, operation)).map((found) => found?.type ?? null);
  }

  /** The object id each expression names, null when git does not have it. */
  async #objectOids(expressions: readonly string[], operation: string): Promise<(string | null)[]> {
    return (await this.#batchCheck(expressions, operation)).map((found) => found?.oid ?? null);
  }

  /** `git cat-file --batch-check`: each expression's object id and type, null when git does not have it. */
  async #batchCheck(
    expressions: readonly string[],
    operation: string,
  ): Promise<({ oid: string; type: string } | null)[]> {
    if (expressions.length === 0) return [];
    const { stdout } = await this.#git(['cat-file', '--batch-check'], operation, {
      input: `${expressions.join('\n')}\n`,
    });
    const lines = stdout.toString('utf8').split('\n');
    return expressions.map((_, index) => {
      // `<oid> <type> <size>`, or `<expression> missing` (the expression may hold spaces, or look like an oid).
      const fields = (lines[index] ?? '').split(' ');
      const last = fields.at(-1);
      if (fields.length !== 3 || last === 'missing' || last === 'ambiguous') return null;
      return { oid: fields[0] ?? '', type: fields[1] ?? '' };
    });
  }

  /** The commit is in the cache (fetched when missing); NOT_FOUND when the remote has no such commit. */
  async #requireCommit(commitOid: string, operation: string): Promise<void> {
    await this.#ensureObjects([commitOid], operation);
    const [type] = await this.#objectTypes([commitOid], operation);
    if (type !== 'commit')
      throw new GitHostError('NOT_FOUND', `${commitOid} is not a commit of this repository`, { operation });
  }

  /** Fetches when any of `oids` is not in the cache yet; NOT_FOUND when the remote lacks it too. */
  async #ensureObjects(oids: readonly string[], operation: string): Promise<void> {
    const missing = async () => {
      const { stdout } = await this.#git(['cat-file', '--batch-check'], operation, { input: `${oids.join('\n')}\n` });
      return stdout
        .toString('utf8')
        .split('\n')
        .filter((line) => line.endsWith(' missing'))
        .map((line) => line.split(' ')[0]);
    };
    if ((await missing()).length === 0) return;
    await this.#fetch(operation);
    const stillMissing = await missing();
    if (stillMissing.length > 0)
      throw new GitHostError('NOT_FOUND', `object(s) not found on the remote: ${stillMissing.join(', ')}`, {
        operation,
      });
  }

  #exclusive<T>(operation: string, task: () => Promise<T>): Promise<T> {
    return withKeyedLock(this.repositoryDir, async () => {
      await this.#prepare(operation);
      return task();
    });
  }

  #prepare(operation: string): Promise<void> {
    this.#prepared ??= (async () => {
      await prepareBareCache(
        {
          homeDir: this.#homeDir,
          askpassScript: this.#askpassScript,
          repositoryDir: this.repositoryDir,
          cacheDir: this.#options.cacheDir,
          remoteUrl: this.#options.remoteUrl,
        },
        (args, options) => this.#git(args, operation, options),
      );
    })().catch((error: unknown) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
  }

  /** A command that talks to the remote: credentials attached, transient failures retried. */
  async #network(
    args: string[],
    operation: string,
    options: { isRejection?: (error: GitCommandError) => boolean } = {},
  ): Promise<GitOutput> {
    try {
      return await withCredentialRetry(
        {
          auth: this.#auth,
          paths: { askpassScript: this.#askpassScript, knownHostsFile: join(this.#homeDir, 'known_hosts') },
          retry: this.#options.retry,
          isTransient: (error) =>
            error instanceof GitCommandError &&
            !options.isRejection?.(error) &&
            classifyGitFailure(error.stderr) === 'TRANSIENT',
        },
        (env) => this.#git(args, operation, { env, raw: true }),
      );
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      if (options.isRejection?.(error)) throw new PushRejected(error);
      throw this.#hostError(classifyGitFailure(error.stderr), error, operation);
    }
  }

  async #git(
    args: string[],
    operation: string,
    options: { env?: Record<string, string>; input?: Uint8Array | string; cwd?: string; raw?: boolean } = {},
  ): Promise<GitOutput> {
    const env = isolatedGitEnv(this.#homeDir, options.env);
    // `--` precedes every path and URL argument (see the calls; the --git-dir value is an option's
    // own argument); oids, refs and branch names are checked before they get here, none starts with "-".
    const gitArgs = options.cwd ? args : ['--git-dir', this.repositoryDir, ...args];
    try {
      return await runGit(gitArgs, {
        gitBinary: this.#options.gitBinary ?? 'git',
        env,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.input !== undefined ? { input: options.input } : {}),
        secrets: this.#secrets,
        onCommand: this.#options.onCommand,
      });
    } catch (error) {
      if (options.raw || !(error instanceof GitCommandError)) throw error;
      throw this.#hostError(classifyGitFailure(error.stderr), error, operation);
    }
  }

  #hostError(code: ReturnType<typeof classifyGitFailure>, error: GitCommandError, operation: string): GitHostError {
    const detail = scrubSecrets(error.stderr.trim() || error.stdout.trim() || error.message, this.#secrets);
    return new GitHostError(
      code,
      `git ${error.args.find((arg) => !arg.startsWith('-') && arg !== this.repositoryDir) ?? ''} failed: ${detail}`,
      {
        operation,
      },
    );
  }
}

class PushRejected extends Error {
  override readonly cause: GitCommandError;
  constructor(cause: GitCommandError) {
    super('push rejected');
    this.cause = cause;
  }
}

function authorEnv(author: CommitAuthor): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}

const NO_BLOB_MODES = new Set(['000000', '160000']); // absent, or a submodule (not a file of this repository)

/**
 * Parses `git diff-tree -r -z --raw --no-renames` output (`:<old mode> <new mode> <old oid> <new
 * oid> <status>\0<path>\0` per entry) into blob changes below `dir`. A type change that leaves
 * a blob on both sides is a modification; one between a blob and a submodule is an addition or a
 * deletion of the blob.
 */
function parseDiffTree(output: string, dir: string): TreeChange[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const fields = output.split('\0');
  const changes: TreeChange[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const [oldMode = '', newMode = '', oldOid = '', newOid = ''] = (fields[index] ?? '').replace(/^:/, '').split(' ');
    const path = fields[index + 1] ?? '';
    if (!path.startsWith(prefix)) continue;
    const before = !NO_BLOB_MODES.has(oldMode);
    const after = !NO_BLOB_MODES.has(newMode);
    if (before && after) changes.push({ path, status: 'modified', oid: newOid, previousOid: oldOid });
    else if (after) changes.push({ path, status: 'added', oid: newOid, previousOid: null });
    else if (before) changes.push({ path, status: 'deleted', oid: null, previousOid: oldOid });
  }
  return changes.sort(byPath);
}

/** Options-object factory, for symmetry with `createGitHubHost`. */
export function createCliGitHost(options: CliGitHostOptions): CliGitHost {
  return new CliGitHost(options);
}
