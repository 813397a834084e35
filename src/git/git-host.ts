/**
 * The GitHost port: the only way the rest of the gateway touches Git.
 *
 * Two adapters implement it: `github/github-host.ts` (GitHub's GraphQL API, github.com or
 * GitHub Enterprise) and `cli/cli-git-host.ts` (the `git` CLI against any remote). Both pass the
 * same contract suite (test/git/git-host.contract.test.ts).
 *
 * Expected outcomes are data (`CommitResult`); everything else is a `GitHostError` with a stable
 * `code`. Error messages never contain credentials.
 */

/** One blob below a directory, as read by `readTree`. */
export interface TreeEntry {
  /** Path relative to the repository root, `/`-separated (`managed/switches/leaf-01.yaml`). */
  path: string;
  /** Git file mode in octal (`100644`, `100755`, `120000`). */
  mode: string;
  /** Git blob object id (40 hex digits). */
  oid: string;
  /** Blob size in bytes. */
  size: number;
}

/** One blob that differs below a directory between two commits, as listed by `diffTree`. */
export interface TreeChange {
  /** Path relative to the repository root, like `TreeEntry.path`. */
  path: string;
  /** A rename is reported as `deleted` (old path) plus `added` (new path): no rename detection. */
  status: 'added' | 'modified' | 'deleted';
  /** The blob oid at the newer commit; null when deleted. */
  oid: string | null;
  /**
   * The blob oid at the older commit when the host reports it; null when added, and always null
   * from the GitHub adapter (its compare endpoint names only the newer blob).
   */
  previousOid: string | null;
}

/** Orders entries by path, as `readTree` and `diffTree` return them. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export interface FileAddition {
  /** Path relative to the repository root. Strings are written as UTF-8. */
  path: string;
  contents: Uint8Array | string;
}

export interface FileDeletion {
  path: string;
}

export interface CommitAuthor {
  name: string;
  email: string;
}

export interface CommitRequest {
  branch: string;
  /**
   * The head the caller based its change on. `null` means the branch must not exist yet (the
   * first commit into an empty repository, or a new root branch).
   */
  expectedHeadOid: string | null;
  message: string;
  /** Files are always written with mode 100644 (GitHub cannot do otherwise). */
  additions: readonly FileAddition[];
  /** Deleting a path that does not exist fails the whole commit with `INVALID`. */
  deletions: readonly FileDeletion[];
  /** Used by the native git adapter; GitHub always commits as the token's owner. */
  author?: CommitAuthor;
}

/** What a caller may follow of a commit request while it runs (optional for every adapter). */
export interface CommitOptions {
  /**
   * Called (and awaited) as the adapter works through the request's files: `filesDone` of
   * `filesTotal` (additions + deletions). The native git adapter calls it after each batch of
   * blobs it writes (at least 100 per batch, at most 4 batches); GitHub, whose commit is one request, calls it once the request is built,
   * before it is sent. Neither calls it for the push of the commit itself: that is one step.
   */
  onProgress?: (filesDone: number, filesTotal: number) => void | Promise<void>;
}

export type CommitResult =
  | { status: 'committed'; oid: string }
  | { status: 'head_moved'; actualHeadOid: string | null };

export interface PullRequestRequest {
  headBranch: string;
  baseBranch: string;
  title: string;
  body: string;
}

export interface PullRequestResult {
  url: string;
  number: number;
  /** False when an open pull request for the same head branch was reused. */
  created: boolean;
}

export interface AccessCheck {
  canRead: boolean;
  canWrite: boolean;
  /** Provider's own word for it: GitHub's `viewerPermission` (ADMIN, WRITE, READ…), or READ/WRITE. */
  permission?: string;
  /** Absent for an empty repository. */
  defaultBranch?: string;
}

/** One commit that touched a path, as listed by `history`. */
export interface PathCommit {
  /** The commit's oid (40 or 64 hex digits). */
  oid: string;
  /** Opaque position of this commit in the listing: pass it as `after` to continue behind it. */
  cursor: string;
  /** The whole message, trailers included, without trailing newlines. */
  message: string;
  authorName: string;
  authorEmail: string;
  /** ISO 8601. */
  authoredAt: string;
  /** ISO 8601. */
  committedAt: string;
  /** The object at the path in this commit (a blob for a file, a tree for a directory); null when the commit removed it. */
  pathOid: string | null;
  /** The object at the path in the commit's first parent; null when it was absent there (or the commit has no parent). */
  previousPathOid: string | null;
}

/** One page of `history`, newest first. */
export interface PathHistoryPage {
  commits: PathCommit[];
  /** True when older commits touched the path too. */
  hasNextPage: boolean;
}

/** The page of a path's history asked for. */
export interface PathHistoryRequest {
  /** Commits per page, 1 to 100. */
  first: number;
  /** A `cursor` from an earlier page of the same listing (same commit, same path); absent for the first page. */
  after?: string | null;
}

/** A file's contents at a commit, as read by `readFile`. */
export interface FileAtCommit {
  /** Blob oid, checked against the contents. */
  oid: string;
  contents: Uint8Array;
}

/** Largest `first` a history page may ask for (GitHub's own limit per connection page). */
export const MAX_HISTORY_PAGE = 100;

export interface GitHost {
  readonly provider: 'github' | 'git';
  /** The branch's head commit, or null when the branch does not exist. */
  getBranchHead(branch: string): Promise<string | null>;
  /**
   * Every blob below `directory` at `commitOid`, recursively, sorted by path. `''` is the root.
   * A directory that does not exist reads as empty. Submodules are skipped.
   *
   * The listing is complete or the call fails: when the host cannot vouch for every entry (a
   * response cut at the provider's limit, a listing that does not add up to its tree's oid) it
   * throws `INCOMPLETE`, never a shorter list. Callers may therefore treat a path missing from
   * the result as deleted from Git, and must not catch `INCOMPLETE` to carry on with less.
   */
  readTree(commitOid: string, directory: string): Promise<TreeEntry[]>;
  /**
   * The blobs below `directory` that differ between `fromCommitOid` and `toCommitOid`, sorted by
   * path; `[]` when nothing there changed. Submodules are skipped, as in `readTree`.
   *
   * Only forward moves are answered. `null` means "cannot say cheaply: read the whole tree
   * instead", and is returned when either commit is unknown to the host, when `fromCommitOid` is
   * not an ancestor of `toCommitOid` (a rewritten history: GitHub's compare endpoint diffs from
   * the merge base, so both adapters decline alike), or when the change is too large for the host
   * to list (GitHub lists at most 300 files per comparison). Failures to reach the host throw as
   * for any other read.
   */
  diffTree(fromCommitOid: string, toCommitOid: string, directory: string): Promise<TreeChange[] | null>;
  /**
   * Blob contents by oid, batched. Every returned blob is checked against its oid, so a truncated
   * or re-encoded text is never returned. A missing oid fails with `NOT_FOUND`.
   */
  readBlobs(oids: readonly string[]): Promise<Map<string, Uint8Array>>;
  /**
   * The commits reachable from `commitOid` that changed `path` (a file or a directory; `''` is
   * the whole repository), newest first, one page at a time. Renames are not followed: the
   * history of a path is that path's. Cost is bounded by the page: the native adapter runs a
   * fixed number of git processes per page, the GitHub adapter sends one GraphQL request per
   * page. An unknown commit fails with NOT_FOUND, a malformed oid, path, page size or cursor with
   * INVALID.
   */
  history(commitOid: string, path: string, page: PathHistoryRequest): Promise<PathHistoryPage>;
  /**
   * The blob at `path` in `commitOid`, or null when no file is there (absent, or a directory).
   * An unknown commit fails with NOT_FOUND.
   */
  readFile(commitOid: string, path: string): Promise<FileAtCommit | null>;
  /** One commit on `branch`, or `head_moved` when the branch is not at `expectedHeadOid`. */
  commit(request: CommitRequest, options?: CommitOptions): Promise<CommitResult>;
  /** Creates `name` at `fromOid`; succeeds when it already points there, `CONFLICT` otherwise. */
  createBranch(name: string, fromOid: string): Promise<void>;
  /** Opens a pull request, or reuses (and retitles) the open one for the same head branch. */
  ensurePullRequest(request: PullRequestRequest): Promise<PullRequestResult>;
  /** Contacts the remote. Throws `AUTH` when the credentials are refused outright. */
  checkAccess(): Promise<AccessCheck>;
  close?(): Promise<void>;
}

/** A repository's stored credentials, decrypted; an adapter takes what its `authType` needs. */
export interface GitCredentials {
  token?: string;
  username?: string;
  password?: string;
  sshPrivateKey?: string;
}

/** The repository an adapter is opened for, as plain data. */
export interface GitHostTarget {
  url: string;
  /** `github`: GitHub's API; `git`: the git CLI against any remote. */
  provider: 'github' | 'git';
  authType: 'token' | 'ssh_key' | 'basic' | 'none';
  /** Author of the commits (the git CLI; on GitHub the author is always the token's owner). */
  author: CommitAuthor;
  credentials: GitCredentials | null;
}

/** Which fabric and operation an adapter is opened for. */
export interface GitHostContext {
  fabricId: string;
  operationId: string;
}

/**
 * Opens the adapter for one repository. The composition root (`src/app.ts`) chooses it
 * (`git-host-factory.ts`); the domain only calls it. Callers `close()` the host when done.
 */
export type OpenGitHost = (target: GitHostTarget, context: GitHostContext) => GitHost;

export const GitHostErrorCode = {
  /** Credentials missing or refused (HTTP 401, bad key). */
  Auth: 'AUTH',
  /** Credentials accepted but not allowed to do this (read-only token pushing). */
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  /** Rate limit still exhausted after the adapter's own waiting. `retryAfterMs` says how long. */
  RateLimited: 'RATE_LIMITED',
  /** The provider returned a cut blob and no complete copy could be read. */
  Truncated: 'TRUNCATED',
  /**
   * A tree listing could not be read in full (cut at the provider's limit even folder by folder,
   * or not matching its tree's oid). Nothing may be concluded from the entries that did come.
   */
  Incomplete: 'INCOMPLETE',
  /** Network failures, 5xx and timeouts that outlived the retries. */
  Transient: 'TRANSIENT',
  /** The request itself is wrong (bad path, deleting a missing file, query rejected). */
  Invalid: 'INVALID',
  /** Something exists already and differs (a branch at another commit). */
  Conflict: 'CONFLICT',
  /** The provider cannot do this (pull requests over plain git). */
  Unsupported: 'UNSUPPORTED',
  /** Data did not match its oid, or the provider answered something unexpected. */
  Integrity: 'INTEGRITY',
  Unknown: 'UNKNOWN',
} as const;
export type GitHostErrorCode = (typeof GitHostErrorCode)[keyof typeof GitHostErrorCode];

export interface GitHostErrorOptions {
  /** What was being attempted, e.g. `commit on main` (becomes the message prefix). */
  operation: string;
  /** Where in the request the problem is, e.g. `additions[2].path`. */
  location?: string;
  status?: number;
  retryAfterMs?: number;
}

export class GitHostError extends Error {
  override readonly name = 'GitHostError';
  readonly code: GitHostErrorCode;
  readonly operation: string;
  readonly location: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: GitHostErrorCode, detail: string, options: GitHostErrorOptions) {
    super(`${options.operation}: ${detail}`);
    this.code = code;
    this.operation = options.operation;
    this.location = options.location;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isGitHostError(error: unknown, code?: GitHostErrorCode): error is GitHostError {
  return error instanceof GitHostError && (code === undefined || error.code === code);
}
