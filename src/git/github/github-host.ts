/**
 * GitHost over GitHub's GraphQL API (github.com or GitHub Enterprise Server). Requests, retries,
 * rate limits and keeping the token out of errors are the transport's (`github-transport.ts`);
 * this module is what the port's methods ask of GitHub.
 *
 * - Trees: GraphQL resolves the directory's tree oid, the REST trees endpoint lists it
 *   (`recursive=1`). GitHub flags a cut answer (`truncated`); then the tree is listed folder by
 *   folder; a folder cut even alone is listed over git's smart HTTP protocol (a blobless fetch
 *   of the commit, git-protocol-trees.ts), or fails with INCOMPLETE when that is not configured.
 *   Every answer is re-hashed and compared with its tree oid, so a listing handed back is
 *   complete (never a shorter list).
 * - What changed between two commits comes from the REST compare endpoint (one request, files
 *   only; GraphQL has no tree diff). It answers only forward moves it can list in full: a
 *   rewritten history or more than 300 changed files makes the caller read the tree instead.
 * - Blobs of a folder listed over git come from that listing's cache repository, which holds them
 *   (one long-lived `git cat-file --batch`, each checked against its oid). The others come in
 *   aliased GraphQL batches (`b0: object(oid:)`). A text is accepted only when its git oid
 *   matches; binary, truncated (GitHub cuts `text` at 512 kB) or re-encoded blobs are re-read
 *   through the REST blob endpoint, and a mismatch there fails loudly.
 * - Commits use `createCommitOnBranch` with `expectedHeadOid`; a moved branch is `head_moved`. A
 *   commit whose request timed out or hit a 5xx is retried only after reading the head to see
 *   whether it landed (head's parent is the expected head and the message matches).
 * - `viewerPermission` is checked (and cached) before the first write.
 *
 * GitHub limitations, surfaced rather than hidden:
 * - createCommitOnBranch cannot write into an empty repository. The first commit there goes
 *   through the REST contents endpoint with the first file, and the rest follows in a second
 *   commit with the same message (so an empty repository gets two commits, not one).
 * - It cannot create a parentless branch in a non-empty repository: `expectedHeadOid: null` on a
 *   missing branch there fails with UNSUPPORTED (create the branch with createBranch first).
 * - Files are always written with mode 100644, and the author is always the token's owner.
 */
import { gitBlobOid, toBytes } from '../blob-oid.ts';
import {
  assertBranchName,
  assertHistoryPage,
  assertOid,
  assertValidCommitRequest,
  normalizeDirectory,
  normalizeFilePath,
  splitCommitMessage,
} from '../commit-request.ts';
import {
  byPath,
  GitHostError,
  type AccessCheck,
  type CommitOptions,
  type CommitRequest,
  type CommitResult,
  type FileAtCommit,
  type GitHost,
  type PathHistoryPage,
  type PathHistoryRequest,
  type PullRequestRequest,
  type PullRequestResult,
  type TreeChange,
  type TreeEntry,
} from '../git-host.ts';
import * as q from './queries.ts';
import { listedTree, UnverifiedListing, type ListedTree, type RawRestTreeEntry } from './tree-listing.ts';
import { backoffDelayMs } from './retry-policy.ts';
import { GitHubTransport, GraphqlErrors, MaybeApplied, type GitHubTransportOptions } from './github-transport.ts';
import { gitHubGitUrl, GitProtocolTrees, type GitProtocolTreesOptions } from './git-protocol-trees.ts';

export interface GitHubHostOptions extends GitHubTransportOptions {
  /** Blobs per ReadBlobs request. @default 100 */
  blobBatchSize?: number;
  /**
   * Lists folders the REST trees endpoint cuts even on their own over git's smart HTTP protocol
   * (git-protocol-trees.ts), keeping a cache repository in `cacheDir`. `url` defaults to the one
   * `gitHubGitUrl` derives from `baseUrl`. Without it such a folder fails with INCOMPLETE.
   */
  gitProtocol?: Omit<GitProtocolTreesOptions, 'url' | 'token'> & { url?: string };
}

/** A branch's head commit with what tells whether it is a commit of ours. */
interface HeadCommit {
  oid: string;
  message?: string;
  parents?: { nodes: { oid: string }[] };
}

interface RawBlob {
  __typename: string;
  oid?: string;
  byteSize?: number;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  text?: string | null;
}

/** A commit of a path's history as the PathHistory query reads it. */
interface RawHistoryCommit {
  oid: string;
  message: string;
  committedDate: string;
  author: { name: string | null; email: string | null; date: string | null } | null;
  file?: { oid: string } | null;
  tree?: { oid: string } | null;
  parents: { nodes: { oid: string; file?: { oid: string } | null; tree?: { oid: string } | null }[] };
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

const WRITE_PERMISSIONS = new Set(['ADMIN', 'MAINTAIN', 'WRITE']);
const REST_BLOB_CONCURRENCY = 4;
const REST_TREE_CONCURRENCY = 4;
/** Files base64-encoded into a commit request between two `onProgress` calls. */
const COMMIT_ENCODE_BATCH = 100;
/** GitHub lists at most this many files per comparison, silently dropping the rest. */
export const COMPARE_FILE_LIMIT = 300;
const BLOB_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export class GitHubHost implements GitHost {
  readonly provider = 'github' as const;
  readonly #options: GitHubHostOptions;
  readonly #transport: GitHubTransport;
  readonly #gitTrees: GitProtocolTrees | null;
  #access: Promise<AccessCheck & { repositoryId?: string }> | undefined;

  constructor(options: GitHubHostOptions) {
    this.#options = options;
    this.#transport = new GitHubTransport(options);
    const { gitProtocol } = options;
    this.#gitTrees = gitProtocol
      ? new GitProtocolTrees({
          ...gitProtocol,
          url:
            gitProtocol.url ?? gitHubGitUrl(options.baseUrl ?? 'https://api.github.com', options.owner, options.name),
          token: options.token,
        })
      : null;
  }

  /** Ends the git process reading blobs from the listing cache, if one runs. */
  async close(): Promise<void> {
    await this.#gitTrees?.close();
  }

  /** HTTP requests made so far, retries included. */
  get requestCount(): number {
    return this.#transport.requestCount;
  }

  /** HTTP requests per operation name, retries included. */
  get requestsByOperation(): ReadonlyMap<string, number> {
    return this.#transport.requestsByOperation;
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
   * single folders; a folder cut even alone is listed over git (`gitProtocol`), else fails with
   * INCOMPLETE. Every answer used is checked against its tree's oid (tree-listing.ts).
   */
  async readTree(commitOid: string, directory: string): Promise<TreeEntry[]> {
    const operation = `read tree ${directory || '/'} at ${commitOid}`;
    assertOid(commitOid, operation, 'commitOid');
    const dir = normalizeDirectory(directory, operation);
    const data = await this.#transport.graphql<{
      repository: { commit: { __typename: string } | null; tree: { __typename: string; oid?: string } | null };
    }>('ResolveTree', q.RESOLVE_TREE, { expression: `${commitOid}:${dir}`, commit: commitOid }, operation);
    if (data.repository.commit?.__typename !== 'Commit')
      throw new GitHostError('NOT_FOUND', `commit ${commitOid} not found`, { operation });
    const tree = data.repository.tree;
    if (tree?.__typename !== 'Tree' || !tree.oid) return [];
    const entries: TreeEntry[] = [];
    await this.#listTree(commitOid, tree.oid, dir, entries, operation);
    return entries.sort(byPath);
  }

  /** Appends every blob below tree `oid` (at `path` in commit `commitOid`) to `into`; see readTree. */
  async #listTree(commitOid: string, oid: string, path: string, into: TreeEntry[], operation: string): Promise<void> {
    // A folder GitHub cut before goes to git at once; above one, the recursive answer would be cut too.
    const cut = (await this.#gitTrees?.cutFolders()) ?? new Set<string>();
    if (cut.has(path)) {
      into.push(...(await this.#listOverGit(commitOid, oid, path, operation)));
      return;
    }
    const prefix = path === '' ? '' : `${path}/`;
    const cutBelow = [...cut].some((folder) => folder.startsWith(prefix));
    const whole = cutBelow ? null : await this.#getTree(oid, path, true, operation);
    if (whole) {
      into.push(...whole.blobs);
      return;
    }
    const level = await this.#getTree(oid, path, false, operation);
    if (!level) {
      // More entries in one folder than GitHub's API answers: git's own protocol has no such limit.
      if (this.#gitTrees) {
        into.push(...(await this.#listOverGit(commitOid, oid, path, operation)));
        return;
      }
      throw new GitHostError(
        'INCOMPLETE',
        `GitHub cut the listing of ${path || '/'} (tree ${oid}) even for that folder alone, so its complete contents are unknown (listing over git is not configured)`,
        {
          operation,
          location: path || '/',
        },
      );
    }
    into.push(...level.blobs);
    for (let start = 0; start < level.subtrees.length; start += REST_TREE_CONCURRENCY) {
      await Promise.all(
        level.subtrees
          .slice(start, start + REST_TREE_CONCURRENCY)
          .map((subtree) => this.#listTree(commitOid, subtree.oid, subtree.path, into, operation)),
      );
    }
  }

  /** The fallback's listing; its failure keeps its code (AUTH, TRANSIENT, INCOMPLETE…) and says why git was asked. */
  async #listOverGit(commitOid: string, oid: string, path: string, operation: string): Promise<TreeEntry[]> {
    try {
      return await this.#gitTrees!.listTree(commitOid, oid, path, operation);
    } catch (error) {
      if (!(error instanceof GitHostError)) throw error;
      const reason = error.message.slice(`${error.operation}: `.length);
      throw new GitHostError(
        error.code,
        `GitHub cut the listing of ${path || '/'} (tree ${oid}) even for that folder alone, and ${reason}`,
        { operation, location: path || '/' },
      );
    }
  }

  /** One REST tree answer, checked; null when GitHub says it cut it (`truncated`). */
  async #getTree(oid: string, path: string, recursive: boolean, operation: string): Promise<ListedTree | null> {
    // GitHub lists recursively when `recursive` has any value at all, so it is left out for one level.
    const answer = await this.#transport.rest<{ sha?: string; truncated?: boolean; tree?: RawRestTreeEntry[] }>(
      'rest:getTree',
      `/git/trees/${oid}${recursive ? '?recursive=1' : ''}`,
      operation,
      { method: 'GET' },
    );
    if (answer.truncated === true) return null;
    if (answer.truncated !== false || !Array.isArray(answer.tree) || answer.sha !== oid) {
      throw new GitHostError(
        'INCOMPLETE',
        `GitHub's listing of ${path || '/'} (tree ${oid}) does not say whether it is complete`,
        { operation, location: path || '/' },
      );
    }
    try {
      return listedTree(oid, path, answer.tree, recursive);
    } catch (error) {
      if (!(error instanceof UnverifiedListing)) throw error;
      throw new GitHostError('INCOMPLETE', `GitHub's listing of ${path || '/'} cannot be trusted: ${error.message}`, {
        operation,
        location: path || '/',
      });
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
      comparison = await this.#transport.rest<RawComparison>(
        'rest:compare',
        `/compare/${fromCommitOid}...${toCommitOid}?per_page=1`,
        operation,
        { method: 'GET' },
      );
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
    for (const [index, oid] of oids.entries()) assertOid(oid, operation, `oids[${index}]`);
    // Blobs of a folder listed over git are in its cache repository already (fetched for their sizes).
    const blobs = (await this.#gitTrees?.readListedBlobs(oids)) ?? new Map<string, Uint8Array>();
    const wanted = [...new Set(oids)].filter((oid) => !blobs.has(oid));
    const viaRest: string[] = [];
    const batchSize = this.#options.blobBatchSize ?? 100;
    for (let start = 0; start < wanted.length; start += batchSize) {
      const batch = wanted.slice(start, start + batchSize);
      const variables = Object.fromEntries(batch.map((oid, index) => [`b${index}`, oid]));
      const data = await this.#transport.graphql<{ repository: Record<string, RawBlob | null> }>(
        'ReadBlobs',
        q.readBlobsQuery(batch.length),
        variables,
        operation,
      );
      batch.forEach((oid, index) => {
        const blob = data.repository[`b${index}`];
        if (!blob) throw new GitHostError('NOT_FOUND', `blob ${oid} not found`, { operation });
        if (blob.__typename !== 'Blob')
          throw new GitHostError('INVALID', `object ${oid} is a ${blob.__typename}, not a blob`, { operation });
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
      for (const [index, oid] of batch.entries()) blobs.set(oid, read[index] as Uint8Array);
    }
    return blobs;
  }

  /**
   * One GraphQL request per page: `Commit.history(path:, first:, after:)` with, for every commit,
   * the path's object there and in its first parent. The cursors are GitHub's.
   */
  async history(commitOid: string, path: string, page: PathHistoryRequest): Promise<PathHistoryPage> {
    const operation = `read history of ${path || '/'} from ${commitOid}`;
    assertOid(commitOid, operation, 'commitOid');
    const dir = normalizeDirectory(path, operation);
    assertHistoryPage(page, operation);
    const data = await this.#transport.graphql<{
      repository: {
        object: {
          __typename: string;
          history?: {
            pageInfo: { hasNextPage: boolean };
            edges: { cursor: string; node: RawHistoryCommit }[];
          };
        } | null;
      };
    }>(
      'PathHistory',
      q.pathHistoryQuery(dir === ''),
      { commit: commitOid, path: dir === '' ? null : dir, first: page.first, after: page.after ?? null },
      operation,
    );
    const commit = data.repository.object;
    if (commit?.__typename !== 'Commit' || !commit.history)
      throw new GitHostError('NOT_FOUND', `${commitOid} is not a commit of this repository`, { operation });
    const oidAt = (node: { file?: { oid: string } | null; tree?: { oid: string } | null }) =>
      (dir === '' ? node.tree?.oid : node.file?.oid) ?? null;
    return {
      commits: commit.history.edges.slice(0, page.first).map(({ cursor, node }) => {
        const parent = node.parents.nodes[0];
        return {
          oid: node.oid,
          cursor,
          message: node.message,
          authorName: node.author?.name ?? '',
          authorEmail: node.author?.email ?? '',
          authoredAt: new Date(node.author?.date ?? node.committedDate).toISOString(),
          committedAt: new Date(node.committedDate).toISOString(),
          pathOid: oidAt(node),
          previousPathOid: parent ? oidAt(parent) : null,
        };
      }),
      hasNextPage: commit.history.pageInfo.hasNextPage,
    };
  }

  async readFile(commitOid: string, path: string): Promise<FileAtCommit | null> {
    const operation = `read ${path} at ${commitOid}`;
    assertOid(commitOid, operation, 'commitOid');
    const file = normalizeFilePath(path, operation);
    const data = await this.#transport.graphql<{
      repository: { commit: { __typename: string } | null; file: RawBlob | null };
    }>('ReadFileAt', q.READ_FILE_AT, { commit: commitOid, expression: `${commitOid}:${file}` }, operation);
    if (data.repository.commit?.__typename !== 'Commit')
      throw new GitHostError('NOT_FOUND', `${commitOid} is not a commit of this repository`, { operation });
    const blob = data.repository.file;
    if (blob?.__typename !== 'Blob' || !blob.oid) return null;
    if (typeof blob.text === 'string' && !blob.isTruncated && !blob.isBinary) {
      const bytes = Buffer.from(blob.text, 'utf8');
      if (gitBlobOid(bytes) === blob.oid) return { oid: blob.oid, contents: bytes };
    }
    return { oid: blob.oid, contents: await this.#readBlobOverRest(blob.oid, operation) };
  }

  async commit(request: CommitRequest, options: CommitOptions = {}): Promise<CommitResult> {
    const operation = `commit on ${request.branch}`;
    assertValidCommitRequest(request, operation);
    await this.#requireWrite(operation);
    if (request.expectedHeadOid === null) return this.#firstCommit(request, operation, options);
    return this.#commitOnBranch(request, request.expectedHeadOid, operation, options);
  }

  async createBranch(name: string, fromOid: string): Promise<void> {
    const operation = `create branch ${name}`;
    assertBranchName(name, operation, 'name');
    assertOid(fromOid, operation, 'fromOid');
    const { repositoryId } = await this.#requireWrite(operation);
    try {
      await this.#transport.graphql(
        'CreateRef',
        q.CREATE_REF,
        { input: { repositoryId, name: `refs/heads/${name}`, oid: fromOid } },
        operation,
      );
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
      const data = await this.#transport.graphql<{
        repository: {
          pullRequests: {
            nodes: { id: string; number: number; url: string; title: string; body: string; baseRefName: string }[];
          };
        };
      }>('OpenPullRequests', q.OPEN_PULL_REQUESTS, { head: request.headBranch }, operation);
      const open =
        data.repository.pullRequests.nodes.find((pr) => pr.baseRefName === request.baseBranch) ??
        data.repository.pullRequests.nodes[0];
      if (open) {
        if (open.title !== request.title || open.body !== request.body) {
          await this.#transport.graphql(
            'UpdatePullRequest',
            q.UPDATE_PULL_REQUEST,
            { input: { pullRequestId: open.id, title: request.title, body: request.body } },
            operation,
          );
        }
        return { url: open.url, number: open.number, created: triedToCreate };
      }
      triedToCreate = true;
      try {
        const created = await this.#transport.graphql<{
          createPullRequest: { pullRequest: { number: number; url: string } };
        }>(
          'CreatePullRequest',
          q.CREATE_PULL_REQUEST,
          {
            input: {
              repositoryId,
              baseRefName: request.baseBranch,
              headRefName: request.headBranch,
              title: request.title,
              body: request.body,
            },
          },
          operation,
          { idempotent: false },
        );
        return {
          url: created.createPullRequest.pullRequest.url,
          number: created.createPullRequest.pullRequest.number,
          created: true,
        };
      } catch (error) {
        // It may exist after all (our timed-out attempt, or a race): look again before retrying.
        const retryable =
          error instanceof MaybeApplied || (error instanceof GitHostError && /already exists/i.test(error.message));
        if (!retryable || attempt >= this.#transport.policy.maxAttempts)
          throw this.#transport.asHostError(error, operation);
        if (error instanceof MaybeApplied)
          await this.#transport.sleep(backoffDelayMs(attempt, this.#transport.policy, Math.random));
      }
    }
  }

  async checkAccess(): Promise<AccessCheck> {
    const { repositoryId: _id, ...access } = await this.#loadAccess('check access', { fresh: true });
    return access;
  }

  async #loadAccess(
    operation: string,
    options: { fresh?: boolean } = {},
  ): Promise<AccessCheck & { repositoryId?: string }> {
    if (options.fresh || !this.#access) {
      this.#access = (async () => {
        try {
          const data = await this.#transport.graphql<{
            repository: { id: string; viewerPermission: string | null; defaultBranchRef: { name: string } | null };
          }>('RepositoryAccess', q.REPOSITORY_ACCESS, {}, operation);
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
      throw new GitHostError(
        'NOT_FOUND',
        `repository ${this.#options.owner}/${this.#options.name} not found or not visible to the token`,
        { operation },
      );
    }
    if (!access.canWrite) {
      throw new GitHostError(
        'FORBIDDEN',
        `the token has ${access.permission ?? 'no'} permission on ${this.#options.owner}/${this.#options.name}; pushing needs WRITE`,
        {
          operation,
        },
      );
    }
    return { repositoryId: access.repositoryId };
  }

  async #commitOnBranch(
    request: CommitRequest,
    expectedHeadOid: string,
    operation: string,
    options: CommitOptions,
  ): Promise<CommitResult> {
    // The request is built (contents base64-encoded) in batches, `onProgress` after each; sending
    // it is one step that progress cannot follow.
    const additions: { path: string; contents: string }[] = [];
    const filesTotal = request.additions.length + request.deletions.length;
    for (let start = 0; start < request.additions.length; start += COMMIT_ENCODE_BATCH) {
      for (const addition of request.additions.slice(start, start + COMMIT_ENCODE_BATCH))
        additions.push({ path: addition.path, contents: Buffer.from(toBytes(addition.contents)).toString('base64') });
      await options.onProgress?.(additions.length, filesTotal);
    }
    const input = {
      branch: { repositoryNameWithOwner: `${this.#options.owner}/${this.#options.name}`, branchName: request.branch },
      expectedHeadOid,
      message: splitCommitMessage(request.message),
      fileChanges: {
        additions,
        deletions: request.deletions.map((deletion) => ({ path: deletion.path })),
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const data = await this.#transport.graphql<{ createCommitOnBranch: { commit: { oid: string } | null } | null }>(
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
          throw this.#transport.graphqlErrorsToHostError(error, operation);
        }
        if (!(error instanceof MaybeApplied)) throw error;
        // The commit may have landed before the timeout/5xx: look before committing again.
        const landed = await this.#landedCommit(request, expectedHeadOid, operation);
        if (landed) return landed;
        if (error.attempt >= this.#transport.policy.maxAttempts) {
          throw new GitHostError(
            'TRANSIENT',
            `${error.detail} (gave up after ${error.attempt} attempts; nothing was committed)`,
            { operation },
          );
        }
        await this.#transport.sleep(backoffDelayMs(error.attempt, this.#transport.policy, Math.random));
        attempt = error.attempt;
      }
    }
  }

  /** After a failed commit: committed (it landed), head_moved, or undefined (retry). */
  async #landedCommit(
    request: CommitRequest,
    expectedHeadOid: string,
    operation: string,
  ): Promise<CommitResult | undefined> {
    const target = await this.#readHeadCommit(request.branch, operation);
    if (!target) return { status: 'head_moved', actualHeadOid: null };
    if (target.oid === expectedHeadOid) return undefined;
    const { headline, body } = splitCommitMessage(request.message);
    const ours = body ? `${headline}\n\n${body}` : headline;
    const parents = target.parents?.nodes.map((node) => node.oid) ?? [];
    if (parents.length === 1 && parents[0] === expectedHeadOid && target.message?.trim() === ours.trim())
      return { status: 'committed', oid: target.oid };
    return { status: 'head_moved', actualHeadOid: target.oid };
  }

  async #firstCommit(request: CommitRequest, operation: string, options: CommitOptions): Promise<CommitResult> {
    const head = await this.#readHead(request.branch, operation);
    if (head !== null) return { status: 'head_moved', actualHeadOid: head };
    const branches = await this.#transport.graphql<{ repository: { refs: { totalCount: number } | null } }>(
      'HasAnyBranch',
      q.HAS_ANY_BRANCH,
      {},
      operation,
    );
    if ((branches.repository.refs?.totalCount ?? 0) > 0) {
      throw new GitHostError(
        'UNSUPPORTED',
        `GitHub cannot start an unrelated branch ${request.branch}; create it with createBranch and commit on top`,
        { operation },
      );
    }
    const [first, ...rest] = request.additions;
    if (!first) {
      throw new GitHostError('INVALID', 'the first commit into an empty GitHub repository needs at least one file', {
        operation,
        location: 'additions',
      });
    }
    // createCommitOnBranch needs an existing branch; GitHub's contents endpoint can start one.
    let rootOid: string | undefined;
    try {
      const created = await this.#transport.rest<{ commit: { sha: string } }>(
        'rest:putContents',
        `/contents/${first.path.split('/').map(encodeURIComponent).join('/')}`,
        operation,
        {
          method: 'PUT',
          body: {
            message: request.message,
            content: Buffer.from(toBytes(first.contents)).toString('base64'),
            branch: request.branch,
          },
          idempotent: false,
        },
      );
      rootOid = created.commit.sha;
    } catch (error) {
      if (!(error instanceof MaybeApplied)) throw error;
      const target = await this.#readHeadCommit(request.branch, operation);
      if (!target) throw new GitHostError('TRANSIENT', `${error.detail}; nothing was committed`, { operation });
      if (target.parents?.nodes.length !== 0 || target.message?.trim() !== request.message.trim())
        return { status: 'head_moved', actualHeadOid: target.oid };
      rootOid = target.oid;
    }
    if (rest.length === 0) return { status: 'committed', oid: rootOid };
    // The first file is in (one step); the rest count on from it.
    await options.onProgress?.(1, request.additions.length);
    return this.#commitOnBranch({ ...request, additions: rest, deletions: [] }, rootOid, operation, {
      onProgress: (done) => options.onProgress?.(done + 1, request.additions.length),
    });
  }

  /** The branch's head commit with its message and parents; null when the branch does not exist. */
  async #readHeadCommit(branch: string, operation: string): Promise<HeadCommit | null> {
    const data = await this.#transport.graphql<{ repository: { ref: { target: HeadCommit } | null } }>(
      'BranchHeadCommit',
      q.BRANCH_HEAD_COMMIT,
      { ref: `refs/heads/${branch}` },
      operation,
    );
    return data.repository.ref?.target ?? null;
  }

  async #readHead(branch: string, operation: string): Promise<string | null> {
    const data = await this.#transport.graphql<{ repository: { ref: { target: { oid: string } | null } | null } }>(
      'BranchHead',
      q.BRANCH_HEAD,
      { ref: `refs/heads/${branch}` },
      operation,
    );
    return data.repository.ref?.target?.oid ?? null;
  }

  async #readBlobOverRest(oid: string, operation: string): Promise<Uint8Array> {
    const blob = await this.#transport.rest<{ content?: string; encoding?: string; size?: number }>(
      'rest:getBlob',
      `/git/blobs/${oid}`,
      operation,
      { method: 'GET' },
    );
    if (blob.encoding !== 'base64' || typeof blob.content !== 'string') {
      throw new GitHostError(
        'TRUNCATED',
        `blob ${oid} (${blob.size ?? '?'} bytes) is too large for GitHub's API to return`,
        { operation },
      );
    }
    const bytes = Buffer.from(blob.content.replace(/\s+/g, ''), 'base64');
    if (gitBlobOid(bytes) !== oid)
      throw new GitHostError(
        'INTEGRITY',
        `blob ${oid} came back with different contents (${bytes.length} of ${blob.size ?? '?'} bytes)`,
        { operation },
      );
    return bytes;
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
    changesByPath.set(
      change.path,
      earlier && (earlier.status === 'deleted') !== (change.status === 'deleted')
        ? { path: change.path, status: 'modified', oid: change.oid ?? earlier.oid, previousOid: null }
        : change,
    );
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
