/**
 * GitHost over GitHub's GraphQL API (github.com or GitHub Enterprise Server); the only module
 * that imports @octokit/graphql.
 *
 * - Trees: GraphQL resolves the directory's tree oid, the REST trees endpoint lists it
 *   (`recursive=1`). GitHub flags a cut answer (`truncated`); then the tree is listed folder by
 *   folder, and a folder cut even alone fails with INCOMPLETE. Every answer is re-hashed and
 *   compared with its tree oid, so a listing handed back is complete (never a shorter list).
 * - What changed between two commits comes from the REST compare endpoint (one request, files
 *   only; GraphQL has no tree diff). It answers only forward moves it can list in full: a
 *   rewritten history or more than 300 changed files makes the caller read the tree instead.
 * - Blobs come in aliased batches (`b0: object(oid:)`). A text is accepted only when its git oid
 *   matches; binary, truncated (GitHub cuts `text` at 512 kB) or re-encoded blobs are re-read
 *   through the REST blob endpoint, and a mismatch there fails loudly.
 * - Commits use `createCommitOnBranch` with `expectedHeadOid`; a moved branch is `head_moved`. A
 *   commit whose request timed out or hit a 5xx is retried only after reading the head to see
 *   whether it landed (head's parent is the expected head and the message matches).
 * - `viewerPermission` is checked (and cached) before the first write.
 * - Rate limits: `rateLimit { remaining resetAt }` and `x-ratelimit-*` headers are tracked, and
 *   requests wait for the reset when the budget is nearly spent; 403/429 answers with
 *   `retry-after`/`x-ratelimit-reset` are waited out; 5xx and timeouts back off with jitter.
 * - The token is sent only in the Authorization header and never appears in errors: octokit's
 *   errors (which carry request headers) are never passed on as causes.
 *
 * GitHub limitations, surfaced rather than hidden:
 * - createCommitOnBranch cannot write into an empty repository. The first commit there goes
 *   through the REST contents endpoint with the first file, and the rest follows in a second
 *   commit with the same message (so an empty repository gets two commits, not one).
 * - It cannot create a parentless branch in a non-empty repository: `expectedHeadOid: null` on a
 *   missing branch there fails with UNSUPPORTED (create the branch with createBranch first).
 * - Files are always written with mode 100644, and the author is always the token's owner.
 */
import { graphql, GraphqlResponseError } from '@octokit/graphql';
import { setTimeout as delay } from 'node:timers/promises';
import { gitBlobOid, toBytes } from '../blob-oid.ts';
import { assertBranchName, assertOid, assertValidCommitRequest, normalizeDirectory, splitCommitMessage } from '../commit-request.ts';
import {
  byPath,
  GitHostError,
  type AccessCheck,
  type CommitRequest,
  type CommitResult,
  type GitHost,
  type GitHostErrorCode,
  type PullRequestRequest,
  type PullRequestResult,
  type TreeChange,
  type TreeEntry,
} from '../git-host.ts';
import { scrubSecrets } from '../scrub.ts';
import * as q from './queries.ts';
import { listedTree, UnverifiedListing, type ListedTree, type RawRestTreeEntry } from './tree-listing.ts';
import { backoffDelayMs, decideRetry, type GitHubGraphqlError, type RequestFailure, type ResponseHeaders, type RetryPolicy } from './retry-policy.ts';

export interface GitHubRequestEvent {
  /** GraphQL operation name (`ReadBlobs`, `CreateCommitOnBranch`…) or `rest:getBlob` / `rest:getTree` / `rest:putContents` / `rest:compare`. */
  operation: string;
  kind: 'graphql' | 'rest';
  /** 1 for the first try of a request, 2+ for retries. */
  attempt: number;
}

export interface GitHubHostOptions {
  owner: string;
  name: string;
  /** Fine-grained token with Contents: read/write and Pull requests: read/write (or classic `repo`). */
  token: string;
  /**
   * REST base URL. @default 'https://api.github.com'. For GitHub Enterprise Server use
   * `https://<host>/api/v3`; GraphQL is then reached at `https://<host>/api/graphql`.
   */
  baseUrl?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 } */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per-request timeout. @default 30_000 */
  requestTimeoutMs?: number;
  /**
   * Waits for the reset when fewer than `minRemaining` points are left; a wait longer than
   * `maxWaitMs` fails with RATE_LIMITED instead. @default { minRemaining: 50, maxWaitMs: 60_000 }
   */
  rateLimit?: { minRemaining?: number; maxWaitMs?: number };
  /** Blobs per ReadBlobs request. @default 100 */
  blobBatchSize?: number;
  /** Called before every HTTP request (retries included). */
  onRequest?: (event: GitHubRequestEvent) => void;
  /** How waiting is done; tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

interface RawBlob {
  __typename: string;
  oid?: string;
  byteSize?: number;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  text?: string | null;
}

/** The part of GitHub's "compare two commits" answer the adapter reads. */
interface RawComparison {
  status?: string;
  merge_base_commit?: { sha?: string } | null;
  files?: RawDiffEntry[];
}

interface RawDiffEntry {
  filename?: string;
  status?: string;
  sha?: string | null;
  previous_filename?: string;
}

interface RateLimitData {
  rateLimit?: { cost: number; remaining: number; resetAt: string } | null;
}

/** GraphQL errors GitHub answered with, already free of secrets; mapped per operation. */
class GraphqlErrors extends Error {
  readonly errors: readonly GitHubGraphqlError[];
  readonly code: GitHostErrorCode;
  constructor(errors: readonly GitHubGraphqlError[], code: GitHostErrorCode) {
    super(errors.map((error) => error.message).join('; '));
    this.errors = errors;
    this.code = code;
  }
  isStaleHead(): boolean {
    return this.errors.some((error) => error.type === 'STALE_DATA' || /Expected branch to point to/i.test(error.message));
  }
}

/** A transient failure on a request that must not be blindly repeated (mutations). */
class MaybeApplied extends Error {
  readonly detail: string;
  readonly attempt: number;
  constructor(detail: string, attempt: number) {
    super(detail);
    this.detail = detail;
    this.attempt = attempt;
  }
}

type Json = Record<string, unknown>;

interface SendOptions {
  /** @default true */
  idempotent?: boolean;
  rawErrors?: boolean;
  /** Attempt number to start counting from, when the caller runs its own retry loop. */
  firstAttempt?: number;
}

const WRITE_PERMISSIONS = new Set(['ADMIN', 'MAINTAIN', 'WRITE']);
const REST_BLOB_CONCURRENCY = 4;
const REST_TREE_CONCURRENCY = 4;
/** GitHub lists at most this many files per comparison, silently dropping the rest. */
export const COMPARE_FILE_LIMIT = 300;
const BLOB_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export class GitHubHost implements GitHost {
  readonly provider = 'github' as const;
  readonly #options: GitHubHostOptions;
  readonly #client: typeof graphql;
  readonly #restBase: string;
  readonly #fetch: typeof fetch;
  readonly #policy: RetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;
  #rate: { remaining: number; resetAtMs: number } | undefined;
  #access: Promise<AccessCheck & { repositoryId?: string }> | undefined;
  #requests = 0;
  readonly #requestsByOperation = new Map<string, number>();

  constructor(options: GitHubHostOptions) {
    this.#options = options;
    this.#restBase = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    const baseFetch = options.fetch ?? globalThis.fetch;
    // Every response's x-ratelimit-* headers keep the budget estimate current (mutations cannot ask).
    this.#fetch = async (input, init) => {
      const response = await baseFetch(input, init);
      this.#noteRateHeaders(response.headers);
      return response;
    };
    this.#client = graphql.defaults({
      baseUrl: this.#restBase,
      headers: { authorization: `token ${options.token}` },
      request: { fetch: this.#fetch },
    });
    this.#policy = {
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
      maxRateLimitWaitMs: options.rateLimit?.maxWaitMs ?? 60_000,
    };
    this.#sleep = options.sleep ?? ((ms) => delay(ms));
  }

  /** HTTP requests made so far, retries included. */
  get requestCount(): number {
    return this.#requests;
  }

  /** HTTP requests per operation name, retries included. */
  get requestsByOperation(): ReadonlyMap<string, number> {
    return this.#requestsByOperation;
  }

  async getBranchHead(branch: string): Promise<string | null> {
    const operation = `read head of ${branch}`;
    assertBranchName(branch, operation);
    return this.#readHead(branch, operation);
  }

  /**
   * The directory's tree oid from GraphQL (which also says whether the commit exists), then its
   * entries from the REST trees endpoint, whose answers say when they were cut. A cut recursive
   * answer is replaced by this tree's own level plus each subtree listed on its own, down to
   * single folders; a folder cut even alone fails with INCOMPLETE. Every answer used is checked
   * against its tree's oid (tree-listing.ts).
   */
  async readTree(commitOid: string, directory: string): Promise<TreeEntry[]> {
    const operation = `read tree ${directory || '/'} at ${commitOid}`;
    assertOid(commitOid, operation, 'commitOid');
    const dir = normalizeDirectory(directory, operation);
    const data = await this.#graphql<{ repository: { commit: { __typename: string } | null; tree: { __typename: string; oid?: string } | null } }>(
      'ResolveTree',
      q.RESOLVE_TREE,
      { expression: `${commitOid}:${dir}`, commit: commitOid },
      operation,
    );
    if (data.repository.commit?.__typename !== 'Commit') throw new GitHostError('NOT_FOUND', `commit ${commitOid} not found`, { operation });
    const tree = data.repository.tree;
    if (tree?.__typename !== 'Tree' || !tree.oid) return [];
    const entries: TreeEntry[] = [];
    await this.#listTree(tree.oid, dir, entries, operation);
    return entries.sort(byPath);
  }

  /** Appends every blob below tree `oid` (at `path`) to `into`; see readTree. */
  async #listTree(oid: string, path: string, into: TreeEntry[], operation: string): Promise<void> {
    const whole = await this.#getTree(oid, path, true, operation);
    if (whole) {
      into.push(...whole.blobs);
      return;
    }
    const level = await this.#getTree(oid, path, false, operation);
    if (!level) {
      throw new GitHostError('INCOMPLETE', `GitHub cut the listing of ${path || '/'} (tree ${oid}) even for that folder alone, so its complete contents are unknown`, {
        operation,
        location: path || '/',
      });
    }
    into.push(...level.blobs);
    for (let start = 0; start < level.subtrees.length; start += REST_TREE_CONCURRENCY) {
      await Promise.all(level.subtrees.slice(start, start + REST_TREE_CONCURRENCY).map((subtree) => this.#listTree(subtree.oid, subtree.path, into, operation)));
    }
  }

  /** One REST tree answer, checked; null when GitHub says it cut it (`truncated`). */
  async #getTree(oid: string, path: string, recursive: boolean, operation: string): Promise<ListedTree | null> {
    // GitHub lists recursively when `recursive` has any value at all, so it is left out for one level.
    const answer = await this.#rest<{ sha?: string; truncated?: boolean; tree?: RawRestTreeEntry[] }>(
      'rest:getTree',
      `/git/trees/${oid}${recursive ? '?recursive=1' : ''}`,
      operation,
      { method: 'GET' },
    );
    if (answer.truncated === true) return null;
    if (answer.truncated !== false || !Array.isArray(answer.tree) || answer.sha !== oid) {
      throw new GitHostError('INCOMPLETE', `GitHub's listing of ${path || '/'} (tree ${oid}) does not say whether it is complete`, { operation, location: path || '/' });
    }
    try {
      return listedTree(oid, path, answer.tree, recursive);
    } catch (error) {
      if (!(error instanceof UnverifiedListing)) throw error;
      throw new GitHostError('INCOMPLETE', `GitHub's listing of ${path || '/'} cannot be trusted: ${error.message}`, { operation, location: path || '/' });
    }
  }

  /**
   * One `GET /compare/{from}...{to}` (REST). GitHub diffs from the merge base, so only an answer
   * whose merge base is `from` itself (status `ahead` or `identical`) is the diff asked for; a
   * rewritten history, an unknown commit (404) or a list at GitHub's file limit gives null.
   */
  async diffTree(fromCommitOid: string, toCommitOid: string, directory: string): Promise<TreeChange[] | null> {
    const operation = `diff ${directory || '/'} from ${fromCommitOid} to ${toCommitOid}`;
    assertOid(fromCommitOid, operation, 'fromCommitOid');
    assertOid(toCommitOid, operation, 'toCommitOid');
    const dir = normalizeDirectory(directory, operation);
    let comparison: RawComparison;
    try {
      // Paging applies to the commits only; the files all come with page 1. One commit is plenty.
      comparison = await this.#rest<RawComparison>('rest:compare', `/compare/${fromCommitOid}...${toCommitOid}?per_page=1`, operation, { method: 'GET' });
    } catch (error) {
      if (error instanceof GitHostError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
    if (comparison.status === 'identical') return [];
    if (comparison.status !== 'ahead' || comparison.merge_base_commit?.sha !== fromCommitOid) return null;
    if (!Array.isArray(comparison.files) || comparison.files.length >= COMPARE_FILE_LIMIT) return null;
    return changesFromComparison(comparison.files, dir);
  }

  async readBlobs(oids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const operation = `read ${oids.length} blob(s)`;
    oids.forEach((oid, index) => assertOid(oid, operation, `oids[${index}]`));
    const wanted = [...new Set(oids)];
    const blobs = new Map<string, Uint8Array>();
    const viaRest: string[] = [];
    const batchSize = this.#options.blobBatchSize ?? 100;
    for (let start = 0; start < wanted.length; start += batchSize) {
      const batch = wanted.slice(start, start + batchSize);
      const variables = Object.fromEntries(batch.map((oid, index) => [`b${index}`, oid]));
      const data = await this.#graphql<{ repository: Record<string, RawBlob | null> }>('ReadBlobs', q.readBlobsQuery(batch.length), variables, operation);
      batch.forEach((oid, index) => {
        const blob = data.repository[`b${index}`];
        if (!blob) throw new GitHostError('NOT_FOUND', `blob ${oid} not found`, { operation });
        if (blob.__typename !== 'Blob') throw new GitHostError('INVALID', `object ${oid} is a ${blob.__typename}, not a blob`, { operation });
        if (typeof blob.text === 'string' && !blob.isTruncated && !blob.isBinary) {
          const bytes = Buffer.from(blob.text, 'utf8');
          // A text that does not hash to its oid was cut or re-encoded: never use it.
          if (gitBlobOid(bytes) === oid) {
            blobs.set(oid, bytes);
            return;
          }
        }
        viaRest.push(oid);
      });
    }
    for (let start = 0; start < viaRest.length; start += REST_BLOB_CONCURRENCY) {
      const batch = viaRest.slice(start, start + REST_BLOB_CONCURRENCY);
      const read = await Promise.all(batch.map((oid) => this.#readBlobOverRest(oid, operation)));
      batch.forEach((oid, index) => blobs.set(oid, read[index] as Uint8Array));
    }
    return blobs;
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const operation = `commit on ${request.branch}`;
    assertValidCommitRequest(request, operation);
    await this.#requireWrite(operation);
    if (request.expectedHeadOid === null) return this.#firstCommit(request, operation);
    return this.#commitOnBranch(request, request.expectedHeadOid, operation);
  }

  async createBranch(name: string, fromOid: string): Promise<void> {
    const operation = `create branch ${name}`;
    assertBranchName(name, operation, 'name');
    assertOid(fromOid, operation, 'fromOid');
    const { repositoryId } = await this.#requireWrite(operation);
    try {
      await this.#graphql('CreateRef', q.CREATE_REF, { input: { repositoryId, name: `refs/heads/${name}`, oid: fromOid } }, operation);
    } catch (error) {
      if (!(error instanceof GitHostError) || ['AUTH', 'TRANSIENT', 'RATE_LIMITED'].includes(error.code)) throw error;
      // Most likely "already exists" (perhaps from our own timed-out first attempt): look.
      const head = await this.#readHead(name, operation);
      if (head === fromOid) return;
      if (head !== null) throw new GitHostError('CONFLICT', `branch ${name} already exists at ${head}`, { operation });
      throw error;
    }
  }

  async ensurePullRequest(request: PullRequestRequest): Promise<PullRequestResult> {
    const operation = `open pull request for ${request.headBranch}`;
    assertBranchName(request.headBranch, operation, 'headBranch');
    assertBranchName(request.baseBranch, operation, 'baseBranch');
    const { repositoryId } = await this.#requireWrite(operation);
    let triedToCreate = false;
    for (let attempt = 1; ; attempt++) {
      const data = await this.#graphql<{
        repository: { pullRequests: { nodes: { id: string; number: number; url: string; title: string; body: string; baseRefName: string }[] } };
      }>('OpenPullRequests', q.OPEN_PULL_REQUESTS, { head: request.headBranch }, operation);
      const open = data.repository.pullRequests.nodes.find((pr) => pr.baseRefName === request.baseBranch) ?? data.repository.pullRequests.nodes[0];
      if (open) {
        if (open.title !== request.title || open.body !== request.body) {
          await this.#graphql('UpdatePullRequest', q.UPDATE_PULL_REQUEST, { input: { pullRequestId: open.id, title: request.title, body: request.body } }, operation);
        }
        return { url: open.url, number: open.number, created: triedToCreate };
      }
      triedToCreate = true;
      try {
        const created = await this.#graphql<{ createPullRequest: { pullRequest: { number: number; url: string } } }>(
          'CreatePullRequest',
          q.CREATE_PULL_REQUEST,
          { input: { repositoryId, baseRefName: request.baseBranch, headRefName: request.headBranch, title: request.title, body: request.body } },
          operation,
          { idempotent: false },
        );
        return { url: created.createPullRequest.pullRequest.url, number: created.createPullRequest.pullRequest.number, created: true };
      } catch (error) {
        // It may exist after all (our timed-out attempt, or a race): look again before retrying.
        const retryable = error instanceof MaybeApplied || (error instanceof GitHostError && /already exists/i.test(error.message));
        if (!retryable || attempt >= this.#policy.maxAttempts) throw this.#asHostError(error, operation);
        if (error instanceof MaybeApplied) await this.#sleep(backoffDelayMs(attempt, this.#policy, Math.random));
      }
    }
  }

  async checkAccess(): Promise<AccessCheck> {
    const { repositoryId: _id, ...access } = await this.#loadAccess('check access', { fresh: true });
    return access;
  }

  async #loadAccess(operation: string, options: { fresh?: boolean } = {}): Promise<AccessCheck & { repositoryId?: string }> {
    if (options.fresh || !this.#access) {
      this.#access = (async () => {
        try {
          const data = await this.#graphql<{ repository: { id: string; viewerPermission: string | null; defaultBranchRef: { name: string } | null } }>(
            'RepositoryAccess',
            q.REPOSITORY_ACCESS,
            {},
            operation,
          );
          const permission = data.repository.viewerPermission ?? 'NONE';
          return {
            canRead: true,
            canWrite: WRITE_PERMISSIONS.has(permission),
            permission,
            repositoryId: data.repository.id,
            ...(data.repository.defaultBranchRef ? { defaultBranch: data.repository.defaultBranchRef.name } : {}),
          };
        } catch (error) {
          if (error instanceof GitHostError && error.code === 'NOT_FOUND') return { canRead: false, canWrite: false };
          throw error;
        }
      })();
      // A failure is not cached: the next call asks again.
      this.#access.catch(() => (this.#access = undefined));
    }
    return this.#access;
  }

  /** viewerPermission, asked once per host before the first write. */
  async #requireWrite(operation: string): Promise<{ repositoryId: string }> {
    const access = await this.#loadAccess(operation);
    if (!access.canRead || !access.repositoryId) {
      throw new GitHostError('NOT_FOUND', `repository ${this.#options.owner}/${this.#options.name} not found or not visible to the token`, { operation });
    }
    if (!access.canWrite) {
      throw new GitHostError('FORBIDDEN', `the token has ${access.permission ?? 'no'} permission on ${this.#options.owner}/${this.#options.name}; pushing needs WRITE`, {
        operation,
      });
    }
    return { repositoryId: access.repositoryId };
  }

  async #commitOnBranch(request: CommitRequest, expectedHeadOid: string, operation: string): Promise<CommitResult> {
    const input = {
      branch: { repositoryNameWithOwner: `${this.#options.owner}/${this.#options.name}`, branchName: request.branch },
      expectedHeadOid,
      message: splitCommitMessage(request.message),
      fileChanges: {
        additions: request.additions.map((addition) => ({ path: addition.path, contents: Buffer.from(toBytes(addition.contents)).toString('base64') })),
        deletions: request.deletions.map((deletion) => ({ path: deletion.path })),
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const data = await this.#graphql<{ createCommitOnBranch: { commit: { oid: string } | null } | null }>(
          'CreateCommitOnBranch',
          q.CREATE_COMMIT_ON_BRANCH,
          { input },
          operation,
          { idempotent: false, rawErrors: true, firstAttempt: attempt },
        );
        const oid = data.createCommitOnBranch?.commit?.oid;
        if (!oid) throw new GitHostError('INTEGRITY', 'GitHub answered without the new commit', { operation });
        return { status: 'committed', oid };
      } catch (error) {
        if (error instanceof GraphqlErrors) {
          // An earlier attempt that timed out may have landed after we looked: look again.
          if (attempt > 1) {
            const landed = await this.#landedCommit(request, expectedHeadOid, operation);
            if (landed) return landed;
          }
          const head = await this.#readHead(request.branch, operation);
          if (error.isStaleHead() || head !== expectedHeadOid) return { status: 'head_moved', actualHeadOid: head };
          throw this.#graphqlErrorsToHostError(error, operation);
        }
        if (!(error instanceof MaybeApplied)) throw error;
        // The commit may have landed before the timeout/5xx: look before committing again.
        const landed = await this.#landedCommit(request, expectedHeadOid, operation);
        if (landed) return landed;
        if (error.attempt >= this.#policy.maxAttempts) {
          throw new GitHostError('TRANSIENT', `${error.detail} (gave up after ${error.attempt} attempts; nothing was committed)`, { operation });
        }
        await this.#sleep(backoffDelayMs(error.attempt, this.#policy, Math.random));
        attempt = error.attempt;
      }
    }
  }

  /** After a failed commit: committed (it landed), head_moved, or undefined (retry). */
  async #landedCommit(request: CommitRequest, expectedHeadOid: string, operation: string): Promise<CommitResult | undefined> {
    const data = await this.#graphql<{
      repository: { ref: { target: { oid: string; message?: string; parents?: { nodes: { oid: string }[] } } } | null };
    }>('BranchHeadCommit', q.BRANCH_HEAD_COMMIT, { ref: `refs/heads/${request.branch}` }, operation);
    const target = data.repository.ref?.target;
    if (!target) return { status: 'head_moved', actualHeadOid: null };
    if (target.oid === expectedHeadOid) return undefined;
    const { headline, body } = splitCommitMessage(request.message);
    const ours = body ? `${headline}\n\n${body}` : headline;
    const parents = target.parents?.nodes.map((node) => node.oid) ?? [];
    if (parents.length === 1 && parents[0] === expectedHeadOid && target.message?.trim() === ours.trim()) return { status: 'committed', oid: target.oid };
    return { status: 'head_moved', actualHeadOid: target.oid };
  }

  async #firstCommit(request: CommitRequest, operation: string): Promise<CommitResult> {
    const head = await this.#readHead(request.branch, operation);
    if (head !== null) return { status: 'head_moved', actualHeadOid: head };
    const branches = await this.#graphql<{ repository: { refs: { totalCount: number } | null } }>('HasAnyBranch', q.HAS_ANY_BRANCH, {}, operation);
    if ((branches.repository.refs?.totalCount ?? 0) > 0) {
      throw new GitHostError('UNSUPPORTED', `GitHub cannot start an unrelated branch ${request.branch}; create it with createBranch and commit on top`, { operation });
    }
    const [first, ...rest] = request.additions;
    if (!first) {
      throw new GitHostError('INVALID', 'the first commit into an empty GitHub repository needs at least one file', { operation, location: 'additions' });
    }
    // createCommitOnBranch needs an existing branch; GitHub's contents endpoint can start one.
    let rootOid: string | undefined;
    try {
      const created = await this.#rest<{ commit: { sha: string } }>('rest:putContents', `/contents/${first.path.split('/').map(encodeURIComponent).join('/')}`, operation, {
        method: 'PUT',
        body: { message: request.message, content: Buffer.from(toBytes(first.contents)).toString('base64'), branch: request.branch },
        idempotent: false,
      });
      rootOid = created.commit.sha;
    } catch (error) {
      if (!(error instanceof MaybeApplied)) throw error;
      const landed = await this.#graphql<{
        repository: { ref: { target: { oid: string; message?: string; parents?: { nodes: { oid: string }[] } } } | null };
      }>('BranchHeadCommit', q.BRANCH_HEAD_COMMIT, { ref: `refs/heads/${request.branch}` }, operation);
      const target = landed.repository.ref?.target;
      if (!target) throw new GitHostError('TRANSIENT', `${error.detail}; nothing was committed`, { operation });
      if (target.parents?.nodes.length !== 0 || target.message?.trim() !== request.message.trim()) return { status: 'head_moved', actualHeadOid: target.oid };
      rootOid = target.oid;
    }
    if (rest.length === 0) return { status: 'committed', oid: rootOid };
    return this.#commitOnBranch({ ...request, additions: rest, deletions: [] }, rootOid, operation);
  }

  async #readHead(branch: string, operation: string): Promise<string | null> {
    const data = await this.#graphql<{ repository: { ref: { target: { oid: string } | null } | null } }>(
      'BranchHead',
      q.BRANCH_HEAD,
      { ref: `refs/heads/${branch}` },
      operation,
    );
    return data.repository.ref?.target?.oid ?? null;
  }

  async #readBlobOverRest(oid: string, operation: string): Promise<Uint8Array> {
    const blob = await this.#rest<{ content?: string; encoding?: string; size?: number }>('rest:getBlob', `/git/blobs/${oid}`, operation, { method: 'GET' });
    if (blob.encoding !== 'base64' || typeof blob.content !== 'string') {
      throw new GitHostError('TRUNCATED', `blob ${oid} (${blob.size ?? '?'} bytes) is too large for GitHub's API to return`, { operation });
    }
    const bytes = Buffer.from(blob.content.replace(/\s+/g, ''), 'base64');
    if (gitBlobOid(bytes) !== oid) throw new GitHostError('INTEGRITY', `blob ${oid} came back with different contents (${bytes.length} of ${blob.size ?? '?'} bytes)`, { operation });
    return bytes;
  }

  /**
   * One GraphQL operation with rate-limit pacing and retries. A request that is not `idempotent`
   * is not repeated after a failure that may have applied it (it throws MaybeApplied instead).
   * `rawErrors` hands GitHub's GraphQL errors back unmapped (GraphqlErrors).
   */
  async #graphql<T>(operationName: string, query: string, variables: Json, operation: string, options: SendOptions = {}): Promise<T> {
    const isQuery = /^query\b/.test(query);
    const result = await this.#send<T & RateLimitData>(operationName, 'graphql', operation, options, async (signal) => {
      try {
        return await this.#client<T & RateLimitData>(query, {
          ...(isQuery ? { owner: this.#options.owner, name: this.#options.name } : {}),
          ...variables,
          request: { fetch: this.#fetch, signal },
        });
      } catch (error) {
        throw this.#describeFailure(error, signal);
      }
    });
    if (result.rateLimit) this.#noteRateLimit(result.rateLimit.remaining, Date.parse(result.rateLimit.resetAt));
    return result;
  }

  async #rest<T>(operationName: string, path: string, operation: string, options: SendOptions & { method: 'GET' | 'PUT'; body?: Json }): Promise<T> {
    const url = `${this.#restBase}/repos/${encodeURIComponent(this.#options.owner)}/${encodeURIComponent(this.#options.name)}${path}`;
    return this.#send<T>(operationName, 'rest', operation, options, async (signal) => {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method: options.method,
          signal,
          headers: {
            authorization: `token ${this.#options.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            ...(options.body ? { 'content-type': 'application/json' } : {}),
          },
          ...(options.body ? { body: JSON.stringify(options.body) } : {}),
        });
      } catch (error) {
        throw this.#describeFailure(error, signal);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) {
        let message = response.statusText;
        try {
          message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
        } catch {
          // not JSON (a proxy's HTML error page)
        }
        throw { kind: 'http', status: response.status, headers: Object.fromEntries(response.headers), message } satisfies RequestFailure;
      }
      return JSON.parse(text) as T;
    });
  }

  /** The retry loop shared by GraphQL and REST requests. */
  async #send<T>(operationName: string, kind: 'graphql' | 'rest', operation: string, options: SendOptions, attemptRequest: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = options.firstAttempt ?? 1; ; attempt++) {
      await this.#paceForRateLimit(operation);
      this.#requests++;
      this.#requestsByOperation.set(operationName, (this.#requestsByOperation.get(operationName) ?? 0) + 1);
      this.#options.onRequest?.({ operation: operationName, kind, attempt });
      try {
        return await attemptRequest(AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000));
      } catch (thrown) {
        if (!isRequestFailure(thrown)) throw thrown;
        const decision = decideRetry(thrown, attempt, this.#policy, { now: Date.now(), random: Math.random });
        if (decision.action === 'retry') {
          if (options.idempotent === false && decision.mayHaveApplied) throw new MaybeApplied(this.#scrub(describe(thrown)), attempt);
          await this.#sleep(decision.delayMs);
          continue;
        }
        if (thrown.kind === 'graphql' && decision.code !== 'RATE_LIMITED') {
          const errors = new GraphqlErrors(thrown.errors.map((error) => ({ ...error, message: this.#scrub(error.message) })), decision.code);
          if (options.rawErrors) throw errors;
          throw this.#graphqlErrorsToHostError(errors, operation);
        }
        throw new GitHostError(decision.code, this.#scrub(decision.detail), {
          operation,
          ...(thrown.kind === 'http' ? { status: thrown.status } : {}),
          ...(decision.action === 'fail' && decision.retryAfterMs !== undefined ? { retryAfterMs: decision.retryAfterMs } : {}),
        });
      }
    }
  }

  async #paceForRateLimit(operation: string): Promise<void> {
    const rate = this.#rate;
    const minRemaining = this.#options.rateLimit?.minRemaining ?? 50;
    if (!rate || rate.remaining >= minRemaining) return;
    const waitMs = rate.resetAtMs - Date.now();
    if (waitMs <= 0) {
      this.#rate = undefined;
      return;
    }
    if (waitMs > this.#policy.maxRateLimitWaitMs) {
      throw new GitHostError('RATE_LIMITED', `only ${rate.remaining} GitHub API points left until ${new Date(rate.resetAtMs).toISOString()}`, {
        operation,
        retryAfterMs: waitMs,
      });
    }
    await this.#sleep(waitMs);
    this.#rate = undefined;
  }

  #noteRateLimit(remaining: number, resetAtMs: number): void {
    if (Number.isFinite(remaining) && Number.isFinite(resetAtMs)) this.#rate = { remaining, resetAtMs };
  }

  #noteRateHeaders(headers: Headers): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    if (remaining !== null && reset !== null) this.#noteRateLimit(Number(remaining), Number(reset) * 1000);
  }

  /** Turns whatever octokit or fetch threw into a RequestFailure, keeping nothing that holds the token. */
  #describeFailure(error: unknown, signal: AbortSignal): RequestFailure {
    if (signal.aborted) return { kind: 'network', timedOut: true, message: 'timed out' };
    if (error instanceof GraphqlResponseError) {
      const errors = (error.errors ?? []) as { type?: string; message?: string }[];
      return {
        kind: 'graphql',
        errors: errors.map((e) => ({ ...(e.type ? { type: e.type } : {}), message: String(e.message ?? 'unknown error') })),
        headers: error.headers as ResponseHeaders,
      };
    }
    const status = (error as { status?: unknown }).status;
    const response = (error as { response?: { headers?: ResponseHeaders; data?: unknown } }).response;
    if (typeof status === 'number' && response) {
      const data = response.data as { message?: unknown } | undefined;
      const message = typeof data === 'object' && data && 'message' in data ? String(data.message) : `HTTP ${status}`;
      return { kind: 'http', status, headers: response.headers ?? {}, message };
    }
    const cause = (error as { cause?: { message?: unknown } }).cause;
    return { kind: 'network', timedOut: false, message: String(cause?.message ?? (error as Error).message ?? error) };
  }

  #graphqlErrorsToHostError(error: GraphqlErrors, operation: string): GitHostError {
    const deletion = error.errors.some((e) => /requested for deletion/i.test(e.message));
    return new GitHostError(error.code, this.#scrub(error.message), { operation, ...(deletion ? { location: 'deletions' } : {}) });
  }

  #asHostError(error: unknown, operation: string): unknown {
    if (error instanceof GraphqlErrors) return this.#graphqlErrorsToHostError(error, operation);
    if (error instanceof MaybeApplied) return new GitHostError('TRANSIENT', error.detail, { operation });
    return error;
  }

  #scrub(text: string): string {
    return scrubSecrets(text, [this.#options.token]);
  }
}

function isRequestFailure(value: unknown): value is RequestFailure {
  return typeof value === 'object' && value !== null && 'kind' in value && ['http', 'graphql', 'network'].includes((value as { kind: string }).kind);
}

function describe(failure: RequestFailure): string {
  switch (failure.kind) {
    case 'network':
      return failure.timedOut ? 'request timed out' : `network error: ${failure.message}`;
    case 'http':
      return `HTTP ${failure.status}: ${failure.message}`;
    case 'graphql':
      return failure.errors.map((error) => error.message).join('; ');
  }
}

/**
 * Compare's file list as blob changes below `dir`, or null when an entry cannot be trusted (an
 * unknown status, a missing blob sha). A rename is a deletion plus an addition; a path named
 * twice (renamed away and added again) collapses into one modification.
 */
function changesFromComparison(files: readonly RawDiffEntry[], dir: string): TreeChange[] | null {
  const prefix = dir === '' ? '' : `${dir}/`;
  const changesByPath = new Map<string, TreeChange>();
  const note = (change: TreeChange) => {
    if (!change.path.startsWith(prefix)) return;
    const earlier = changesByPath.get(change.path);
    changesByPath.set(change.path, earlier && (earlier.status === 'deleted') !== (change.status === 'deleted')
      ? { path: change.path, status: 'modified', oid: change.oid ?? earlier.oid, previousOid: null }
      : change);
  };
  for (const file of files) {
    const path = file.filename;
    if (!path) return null;
    const oid = typeof file.sha === 'string' && BLOB_OID.test(file.sha) ? file.sha : null;
    switch (file.status) {
      case 'added':
      case 'copied':
        if (!oid) return null;
        note({ path, status: 'added', oid, previousOid: null });
        break;
      case 'modified':
      case 'changed':
        if (!oid) return null;
        note({ path, status: 'modified', oid, previousOid: null });
        break;
      case 'removed':
        note({ path, status: 'deleted', oid: null, previousOid: null });
        break;
      case 'renamed':
        if (!oid || !file.previous_filename) return null;
        note({ path: file.previous_filename, status: 'deleted', oid: null, previousOid: null });
        note({ path, status: 'added', oid, previousOid: null });
        break;
      case 'unchanged':
        break;
      default:
        return null;
    }
  }
  return [...changesByPath.values()].sort(byPath);
}

export function createGitHubHost(options: GitHubHostOptions): GitHubHost {
  return new GitHubHost(options);
}
