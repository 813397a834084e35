/**
 * Resolvers for the part of GitHub's schema the adapter uses, in graphql-js's root-value style:
 * plain objects whose fields are values or functions of (args, context). Abstract types
 * (GitObject, Node) resolve through `__typename`. Anything not here resolves to null, which a
 * test notices at once.
 */
import { GraphQLError } from 'graphql';
import type { BareRepository, GitObjectType, LoggedPathCommit } from './bare-repository.ts';

export interface PullRequestRecord {
  id: string;
  number: number;
  url: string;
  title: string;
  body: string;
  baseRefName: string;
  headRefName: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
}

/** Mutable state shared by the server, its resolvers and the tests. */
export interface GitHubState {
  owner: string;
  name: string;
  url: string;
  repositoryId: string;
  viewerPermission: 'ADMIN' | 'MAINTAIN' | 'WRITE' | 'TRIAGE' | 'READ';
  viewer: { login: string; name: string; email: string };
  truncateBlobsAbove: number;
  /**
   * Entries per tree answer. REST tree listings beyond it come back cut with `truncated: true`;
   * GraphQL `Tree.entries` is cut at the same number without a word (it has no paging and no
   * flag). Tests may change it at any time. @default 100000 (GitHub's REST limit)
   */
  maxTreeEntries: number;
  /** Bytes of entries per REST tree answer before it is cut. @default 7 MB (GitHub's) */
  maxTreeBytes: number;
  rateLimit: { limit: number; remaining: number; resetAt: number /* epoch seconds */ };
  pullRequests: PullRequestRecord[];
  /** Awaited before createCommitOnBranch looks at the branch (lets a test move the head). */
  beforeCommit: (() => Promise<void>) | null;
  repo: BareRepository;
}

/** An error shaped like GitHub's: `type` sits beside `message` in the response. */
export function gitHubError(type: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type } });
}

/** Collects the loads asked for while resolvers run (until the next macrotask) into one call. */
function createBatchLoader<V>(
  loadMany: (keys: string[]) => Promise<Map<string, V>>,
): (key: string) => Promise<V | undefined> {
  const cache = new Map<string, Promise<V | undefined>>();
  let pending: { key: string; resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[] = [];
  return (key) => {
    const cached = cache.get(key);
    if (cached) return cached;
    const promise = new Promise<V | undefined>((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (pending.length > 1) return;
      setImmediate(() => {
        const batch = pending;
        pending = [];
        loadMany([...new Set(batch.map((item) => item.key))]).then(
          (values) => {
            for (const item of batch) item.resolve(values.get(item.key));
          },
          (error: unknown) => {
            for (const item of batch) item.reject(error);
          },
        );
      });
    });
    cache.set(key, promise);
    return promise;
  };
}

/** Per-request loaders: blob contents (`cat-file --batch`) and object lookups (`--batch-check`). */
export function createRequestContext(repo: BareRepository): Context {
  const resolveObject = createBatchLoader((keys) => repo.resolveMany(keys));
  return {
    loadBlob: createBatchLoader((oids) => repo.readBlobs(oids)),
    resolveObject: async (expression) => (await resolveObject(expression)) ?? null,
  };
}

export interface Context {
  loadBlob: (oid: string) => Promise<Buffer | undefined>;
  resolveObject: (expression: string) => Promise<{ oid: string; type: GitObjectType } | null>;
}

function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0); // git's own heuristic
}

function gitObject(state: GitHubState, oid: string, type: GitObjectType, path: string | null): object | null {
  switch (type) {
    case 'blob':
      return blobObject(state, oid);
    case 'tree':
      return treeObject(state, oid, path);
    case 'commit':
      return commitObject(state, oid);
    default:
      return null;
  }
}

function blobObject(state: GitHubState, oid: string): object {
  const load = async (context: Context) => {
    const bytes = await context.loadBlob(oid);
    if (!bytes) throw gitHubError('NOT_FOUND', `Could not resolve to a Blob with the oid ${oid}`);
    return bytes;
  };
  return {
    __typename: 'Blob',
    id: `B_${oid}`,
    oid,
    abbreviatedOid: oid.slice(0, 7),
    byteSize: async (_: unknown, context: Context) => (await load(context)).length,
    isBinary: async (_: unknown, context: Context) => looksBinary(await load(context)),
    isTruncated: async (_: unknown, context: Context) => (await load(context)).length > state.truncateBlobsAbove,
    // GitHub cuts the text silently; only isTruncated says so.
    text: async (_: unknown, context: Context) => {
      const bytes = await load(context);
      return looksBinary(bytes) ? null : bytes.subarray(0, state.truncateBlobsAbove).toString('utf8');
    },
  };
}

function treeObject(state: GitHubState, oid: string, path: string | null): object {
  return {
    __typename: 'Tree',
    id: `T_${oid}`,
    oid,
    abbreviatedOid: oid.slice(0, 7),
    entries: async () =>
      (await state.repo.lsTree(oid)).slice(0, state.maxTreeEntries).map((entry) => {
        const entryPath = path === null ? null : path === '' ? entry.name : `${path}/${entry.name}`;
        return {
          name: entry.name,
          path: entryPath,
          mode: Number.parseInt(entry.mode, 8),
          oid: entry.oid,
          size: entry.size,
          type: entry.type,
          object: () => gitObject(state, entry.oid, entry.type, entryPath),
        };
      }),
  };
}

function commitObject(state: GitHubState, oid: string, logged?: LoggedPathCommit): object {
  const info = () => state.repo.commitInfo(oid);
  // Author and dates: from the history listing that found the commit, else one `git log` of it.
  const authored = async () => logged ?? (await state.repo.pathLog(oid, '', 0, 1))[0];
  return {
    __typename: 'Commit',
    id: `C_${oid}`,
    oid,
    abbreviatedOid: oid.slice(0, 7),
    message: async () => logged?.message ?? (await info()).message,
    messageHeadline: async () => (await info()).message.split('\n')[0],
    messageBody: async () => (await info()).message.split('\n').slice(2).join('\n'),
    parents: async ({ first }: { first?: number }) => {
      const parents = (await info()).parents.slice(0, first ?? 100);
      return { totalCount: parents.length, nodes: parents.map((parent) => commitObject(state, parent)) };
    },
    tree: async () => treeObject(state, (await info()).tree, ''),
    author: async () => {
      const commit = await authored();
      return commit ? { name: commit.authorName, email: commit.authorEmail, date: commit.authorDate } : null;
    },
    committedDate: async () => (await authored())?.committerDate,
    // GitHub: the entry at `path` in this commit, null when nothing is there.
    file: async ({ path }: { path: string }, context: Context) => {
      const clean = path.replace(/^\/+|\/+$/g, '');
      const resolved = clean === '' ? null : await context.resolveObject(`${oid}:${clean}`);
      if (!resolved) return null;
      return {
        __typename: 'TreeEntry',
        oid: resolved.oid,
        path: clean,
        name: clean.split('/').at(-1),
        type: resolved.type,
        object: () => gitObject(state, resolved.oid, resolved.type, clean),
      };
    },
    /**
     * As GitHub: the commits reachable from this one that changed `path`, newest first, `first`
     * at most 100, cursors `"<this commit> <index>"` (GitHub's own are opaque; these are too).
     */
    history: async ({ path, first, after }: { path?: string | null; first?: number | null; after?: string | null }) => {
      if (first == null || first < 0 || first > 100)
        throw gitHubError(
          'EXCESSIVE_PAGE_SIZE',
          `Requesting ${first ?? 'no'} records on the \`history\` connection exceeds the \`first\` limit of 100 records.`,
        );
      let skip = 0;
      if (after != null) {
        const match = /^([0-9a-f]{40}) (\d{1,9})$/.exec(Buffer.from(after, 'base64').toString('utf8'));
        if (!match || match[1] !== oid)
          throw gitHubError('INVALID_CURSOR_ARGUMENTS', `\`${after}\` does not appear to be a valid cursor.`);
        skip = Number(match[2]) + 1;
      }
      const listed = await state.repo.pathLog(oid, (path ?? '').replace(/^\/+|\/+$/g, ''), skip, first + 1);
      const nodes = listed.slice(0, first);
      const cursorOf = (index: number) => Buffer.from(`${oid} ${skip + index}`).toString('base64');
      return {
        pageInfo: {
          hasNextPage: listed.length > first,
          hasPreviousPage: skip > 0,
          startCursor: nodes.length > 0 ? cursorOf(0) : null,
          endCursor: nodes.length > 0 ? cursorOf(nodes.length - 1) : null,
        },
        totalCount: null,
        edges: nodes.map((commit, index) => ({
          cursor: cursorOf(index),
          node: commitObject(state, commit.oid, commit),
        })),
        nodes: nodes.map((commit) => commitObject(state, commit.oid, commit)),
      };
    },
  };
}

function pullRequestObject(record: PullRequestRecord): object {
  return { __typename: 'PullRequest', ...record };
}

function refObject(state: GitHubState, qualifiedName: string, oid: string): object {
  const name = qualifiedName.replace(/^refs\/heads\//, '');
  return {
    __typename: 'Ref',
    id: `REF_${qualifiedName}`,
    name,
    prefix: 'refs/heads/',
    target: commitObject(state, oid),
  };
}

function decodeBase64(text: string, path: string): Buffer {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw gitHubError('UNPROCESSABLE', `The contents of ${path} are not valid base64`);
  }
  return Buffer.from(text, 'base64');
}

function canPush(state: GitHubState): boolean {
  return ['ADMIN', 'MAINTAIN', 'WRITE'].includes(state.viewerPermission);
}

function requirePush(state: GitHubState, mutation: string): void {
  if (!canPush(state)) {
    throw gitHubError(
      'FORBIDDEN',
      `${state.viewer.login} does not have the correct permissions to execute \`${mutation}\``,
    );
  }
}

export function createRootValue(state: GitHubState): object {
  const repository = {
    __typename: 'Repository',
    id: state.repositoryId,
    name: state.name,
    nameWithOwner: `${state.owner}/${state.name}`,
    url: `${state.url}/${state.owner}/${state.name}`,
    viewerPermission: () => state.viewerPermission,
    defaultBranchRef: async () => {
      const oid = await state.repo.refOid('refs/heads/main');
      return oid ? refObject(state, 'refs/heads/main', oid) : null; // GitHub: null for an empty repository
    },
    ref: async ({ qualifiedName }: { qualifiedName: string }) => {
      const full = qualifiedName.startsWith('refs/') ? qualifiedName : `refs/heads/${qualifiedName}`;
      const oid = await state.repo.refOid(full);
      return oid ? refObject(state, full, oid) : null;
    },
    object: async ({ expression, oid }: { expression?: string; oid?: string }, context: Context) => {
      const target = oid ?? expression;
      if (!target) throw gitHubError('INVALID', 'object requires an expression or an oid');
      const resolved = await context.resolveObject(target);
      if (!resolved) return null;
      const path = oid ? null : (expression?.split(':')[1] ?? null);
      return gitObject(state, resolved.oid, resolved.type, path === null ? null : path.replace(/\/+$/, ''));
    },
    refs: async ({ refPrefix, first }: { refPrefix: string; first?: number }) => {
      const names = await state.repo.refNames(refPrefix);
      return {
        totalCount: names.length,
        nodes: names.slice(0, first ?? 100).map((ref) => ({
          __typename: 'Ref',
          id: `REF_${ref}`,
          name: ref.slice(refPrefix.length),
          prefix: refPrefix,
        })),
      };
    },
    pullRequests: ({ headRefName, states, first }: { headRefName?: string; states?: string[]; first?: number }) => {
      const matching = state.pullRequests.filter(
        (pr) => (headRefName === undefined || pr.headRefName === headRefName) && (!states || states.includes(pr.state)),
      );
      const nodes = matching.slice(0, first ?? 100).map(pullRequestObject);
      return { totalCount: matching.length, nodes };
    },
  };

  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      if (owner !== state.owner || name !== state.name) {
        throw gitHubError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      }
      return repository;
    },
    rateLimit: () => ({
      cost: 1,
      limit: state.rateLimit.limit,
      remaining: state.rateLimit.remaining,
      used: state.rateLimit.limit - state.rateLimit.remaining,
      nodeCount: 1,
      resetAt: new Date(state.rateLimit.resetAt * 1000).toISOString(),
    }),
    viewer: () => ({ __typename: 'User', login: state.viewer.login, name: state.viewer.name }),

    createCommitOnBranch: async ({ input }: { input: CreateCommitOnBranchInput }) => {
      requirePush(state, 'CreateCommitOnBranch');
      if (input.branch.repositoryNameWithOwner !== `${state.owner}/${state.name}` || !input.branch.branchName) {
        throw gitHubError('NOT_FOUND', 'Could not resolve to a branch; give repositoryNameWithOwner and branchName');
      }
      await state.beforeCommit?.();
      const ref = `refs/heads/${input.branch.branchName}`;
      const head = await state.repo.refOid(ref);
      if (!head) throw gitHubError('NOT_FOUND', `A ref named "${ref}" does not exist.`);
      if (head !== input.expectedHeadOid) {
        throw gitHubError(
          'STALE_DATA',
          `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`,
        );
      }
      const additions = input.fileChanges?.additions ?? [];
      const deletions = input.fileChanges?.deletions ?? [];
      const paths = [...additions.map((a) => a.path), ...deletions.map((d) => d.path)];
      if (new Set(paths).size !== paths.length)
        throw gitHubError('UNPROCESSABLE', 'A path was given more than once in fileChanges');
      const existing = await state.repo.resolveMany(deletions.map((deletion) => `${head}:${deletion.path}`));
      if ([...existing.values()].some((found) => found === null)) {
        throw gitHubError(
          'UNPROCESSABLE',
          `A path was requested for deletion which does not exist as of commit oid \`${head}\``,
        );
      }
      const message = input.message.body
        ? `${input.message.headline}\n\n${input.message.body}`
        : input.message.headline;
      const oid = await state.repo.commit({
        ref,
        parent: head,
        message,
        author: state.viewer,
        additions: additions.map((a) => ({ path: a.path, contents: decodeBase64(a.contents, a.path) })),
        deletions: deletions.map((d) => d.path),
      });
      if (!oid)
        throw gitHubError(
          'STALE_DATA',
          `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`,
        );
      return {
        clientMutationId: input.clientMutationId ?? null,
        commit: commitObject(state, oid),
        ref: refObject(state, ref, oid),
      };
    },

    createRef: async ({
      input,
    }: {
      input: { repositoryId: string; name: string; oid: string; clientMutationId?: string };
    }) => {
      requirePush(state, 'CreateRef');
      if (input.repositoryId !== state.repositoryId)
        throw gitHubError('NOT_FOUND', `Could not resolve to a node with the global id of '${input.repositoryId}'`);
      if (!input.name.startsWith('refs/')) throw gitHubError('UNPROCESSABLE', 'Reference name must start with refs/');
      const target = await state.repo.resolve(input.oid);
      if (target?.type !== 'commit') throw gitHubError('UNPROCESSABLE', 'Object does not exist or is not a commit');
      if (!(await state.repo.createRef(input.name, input.oid)))
        throw gitHubError('UNPROCESSABLE', `A ref named "${input.name}" already exists in the repository.`);
      return { clientMutationId: input.clientMutationId ?? null, ref: refObject(state, input.name, input.oid) };
    },

    createPullRequest: async ({
      input,
    }: {
      input: { repositoryId: string; baseRefName: string; headRefName: string; title: string; body?: string };
    }) => {
      requirePush(state, 'CreatePullRequest');
      if (input.repositoryId !== state.repositoryId)
        throw gitHubError('NOT_FOUND', `Could not resolve to a node with the global id of '${input.repositoryId}'`);
      for (const branch of [input.baseRefName, input.headRefName]) {
        if (!(await state.repo.refOid(`refs/heads/${branch}`)))
          throw gitHubError(
            'UNPROCESSABLE',
            `Head sha can't be blank, Base sha can't be blank, No commits between ${input.baseRefName} and ${input.headRefName}`,
          );
      }
      if (
        state.pullRequests.some(
          (pr) => pr.state === 'OPEN' && pr.headRefName === input.headRefName && pr.baseRefName === input.baseRefName,
        )
      ) {
        throw gitHubError('UNPROCESSABLE', `A pull request already exists for ${state.owner}:${input.headRefName}.`);
      }
      const number = state.pullRequests.length + 1;
      const record: PullRequestRecord = {
        id: `PR_${number}`,
        number,
        url: `${state.url}/${state.owner}/${state.name}/pull/${number}`,
        title: input.title,
        body: input.body ?? '',
        baseRefName: input.baseRefName,
        headRefName: input.headRefName,
        state: 'OPEN',
      };
      state.pullRequests.push(record);
      return { pullRequest: pullRequestObject(record) };
    },

    updatePullRequest: ({ input }: { input: { pullRequestId: string; title?: string; body?: string } }) => {
      requirePush(state, 'UpdatePullRequest');
      const record = state.pullRequests.find((pr) => pr.id === input.pullRequestId);
      if (!record)
        throw gitHubError('NOT_FOUND', `Could not resolve to a node with the global id of '${input.pullRequestId}'`);
      if (input.title !== undefined) record.title = input.title;
      if (input.body !== undefined) record.body = input.body;
      return { pullRequest: pullRequestObject(record) };
    },
  };
}

interface CreateCommitOnBranchInput {
  branch: { repositoryNameWithOwner?: string; branchName?: string; id?: string };
  expectedHeadOid: string;
  message: { headline: string; body?: string };
  fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
  clientMutationId?: string;
}
