/**
 * A GitHub test server built from GitHub's own schema (`@octokit/graphql-schema`).
 *
 * - `POST /graphql`: every document is validated against the real schema (a query GitHub would
 *   reject is answered with errors, like GitHub, and recorded in `rejectedQueries`), then executed
 *   with the resolvers in resolvers.ts against a real bare git repository. `Commit.history(path:,
 *   first:, after:)` pages a path's commits as GitHub does (at most 100, opaque cursors), with
 *   `author`, `committedDate` and `file(path:)`.
 * - `GET /repos/{owner}/{name}/git/blobs/{sha}` (base64, as GitHub),
 *   `PUT /repos/{owner}/{name}/contents/{path}` (GitHub's only way to make the first commit in an
 *   empty repository) and `GET /repos/{owner}/{name}/compare/{base}...{head}` (as GitHub: the
 *   files differ from the merge base, renames detected, at most 300 files, paging the commits),
 *   `GET /repos/{owner}/{name}/git/trees/{sha}[?recursive=1]` (as GitHub: cut beyond 100,000
 *   entries or 7 MB with `truncated: true`; both limits can be lowered, see `maxTreeEntries`).
 * - Git's smart HTTP protocol for fetching, at `/{owner}/{name}.git` (`git http-backend` on the
 *   same bare repository, token as the Basic password), counted as `git:info-refs` and
 *   `git:upload-pack`; it can be switched off or pointed at another repository (`gitProtocol`).
 * - Faults: the next N requests fail with 5xx, hang (before or after applying), or hit a
 *   secondary rate limit with `retry-after`; a hook runs before each commit; blobs above a size
 *   come back truncated.
 * - Requests are counted per operation name (`rest:getBlob`, `rest:getTree`, `rest:putContents`,
 *   `rest:compare` for REST).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildClientSchema,
  execute,
  getOperationAST,
  type GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { schema } from '@octokit/graphql-schema';
import { basename, dirname } from 'node:path';
import { createBareRepository, createDeferred, serveGitHttpBackend } from '../git-fixtures.ts';
import { BareRepository, type CommitInfo } from './bare-repository.ts';
import { createRequestContext, createRootValue, type GitHubState } from './resolvers.ts';

let gitHubSchema: GraphQLSchema | undefined;

/** GitHub's published schema, built once per process (the JSON is about 5 MB). */
export function loadGitHubSchema(): GraphQLSchema {
  if (!gitHubSchema) {
    gitHubSchema = buildClientSchema(schema.json as IntrospectionQuery);
  }
  return gitHubSchema;
}

export interface GitHubServerOptions {
  owner?: string;
  name?: string;
  token?: string;
  /** Blob.text is cut (and isTruncated set) above this many bytes. @default 512000 (GitHub's) */
  truncateBlobsAbove?: number;
  viewerPermission?: GitHubState['viewerPermission'];
  /** Files listed per comparison; the rest are dropped silently. @default 300 (GitHub's) */
  compareFileLimit?: number;
  /** Entries per tree answer (see GitHubState.maxTreeEntries). @default 100000 (GitHub's) */
  maxTreeEntries?: number;
  /** Bytes of entries per REST tree answer. @default 7 MB (GitHub's) */
  maxTreeBytes?: number;
  /** Serve git's smart HTTP protocol at `/<owner>/<name>.git`. @default true */
  gitProtocol?: boolean;
}

interface Fault {
  operation: string | undefined;
  remaining: number;
}

interface FailFault extends Fault {
  status: number;
}
interface RateLimitFault extends Fault {
  status: 403 | 429;
  retryAfterSeconds: number | undefined;
  resetAt: number | undefined;
}
interface HangFault extends Fault {
  after: 'receiving' | 'applying';
  released: ReturnType<typeof createDeferred<void>>;
}

export interface GitHubServer {
  /** REST base URL (github.com's `https://api.github.com` equivalent); GraphQL is at `${url}/graphql`. */
  url: string;
  token: string;
  owner: string;
  name: string;
  /** The bare repository behind the server; inspect it with the git CLI. */
  repositoryDir: string;
  state: GitHubState;
  /** Requests per operation name, faulted ones included. */
  requests: Map<string, number>;
  /** REST tree answers cut so far (`truncated: true`). */
  cutTreeAnswers(): number;
  requestCount(operation?: string): number;
  /**
   * Git's smart HTTP endpoint (`${url}/<owner>/<name>.git`): off when `enabled` is false (404, as
   * for an unknown repository); `repositoryDir` is the bare repository it serves (the API's own
   * by default; point it elsewhere to make the two disagree); `token` is the password it takes
   * (the API's token by default; change it for a token git refuses and the API accepts).
   */
  gitProtocol: { enabled: boolean; repositoryDir: string; token: string };
  /** Documents that failed validation against GitHub's schema (should stay empty). */
  rejectedQueries: { query: string; errors: string[] }[];
  faults: {
    /** The next `count` requests (for `operation`, if given) answer `status` (default 502). */
    failNext(count: number, options?: { status?: number; operation?: string }): void;
    /** The next request for `operation` gets a 403/429 secondary-limit answer. */
    rateLimitNext(options: {
      retryAfterSeconds?: number;
      resetAt?: number;
      status?: 403 | 429;
      operation?: string;
      count?: number;
    }): void;
    /**
     * The next request (for `operation`) never gets an answer; with `after: 'applying'` it is
     * executed first (a commit lands, the client times out). Resolves when the client gave up.
     */
    hangNext(options?: { operation?: string; after?: 'receiving' | 'applying' }): Promise<void>;
  };
  close(): Promise<void>;
}

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const gitHub = loadGitHubSchema();
  const repositoryDir = await createBareRepository();
  const token = options.token ?? 'ghp_testToken0123456789abcdefABCDEF';
  const owner = options.owner ?? 'hedgehog';
  const name = options.name ?? 'fabric-gitops';
  const state: GitHubState = {
    owner,
    name,
    url: '',
    repositoryId: 'R_kgDOtest0001',
    viewerPermission: options.viewerPermission ?? 'WRITE',
    viewer: { login: 'hnp-test-bot', name: 'hnp-test-bot', email: 'hnp-test-bot@users.noreply.github.test' },
    truncateBlobsAbove: options.truncateBlobsAbove ?? 512_000,
    maxTreeEntries: options.maxTreeEntries ?? 100_000,
    maxTreeBytes: options.maxTreeBytes ?? 7 * 1024 * 1024,
    rateLimit: { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 },
    pullRequests: [],
    beforeCommit: null,
    repo: new BareRepository(repositoryDir),
  };
  const rootValue = createRootValue(state);
  const requests = new Map<string, number>();
  const rejectedQueries: GitHubServer['rejectedQueries'] = [];
  const failFaults: FailFault[] = [];
  const rateLimitFaults: RateLimitFault[] = [];
  const hangFaults: HangFault[] = [];
  const openResponses = new Set<ServerResponse>();
  const gitProtocol = { enabled: options.gitProtocol ?? true, repositoryDir, token };
  let cutTreeAnswers = 0;

  const take = <F extends Fault>(list: F[], operation: string): F | undefined => {
    const fault = list.find(
      (candidate) =>
        candidate.remaining > 0 && (candidate.operation === undefined || candidate.operation === operation),
    );
    if (fault) fault.remaining--;
    return fault;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const rate = state.rateLimit;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(rate.remaining),
      'x-ratelimit-reset': String(rate.resetAt),
      'x-ratelimit-resource': 'graphql',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', state.url);
    // GitHub Enterprise Server layout: REST under /api/v3, GraphQL at /api/graphql.
    url.pathname = url.pathname.replace(/^\/api\/v3\//, '/').replace(/^\/api\/graphql$/, '/graphql');
    const gitMatch = /^\/([^/]+)\/([^/]+?)\.git\/(info\/refs|git-upload-pack)$/.exec(url.pathname);
    if (gitMatch) return serveGit(req, res, gitMatch, url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');

    let operation: string;
    let document: DocumentNode | undefined;
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string } = {};
    const blobMatch = /^\/repos\/([^/]+)\/([^/]+)\/git\/blobs\/([0-9a-f]{40})$/.exec(url.pathname);
    const contentsMatch = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname);
    const compareMatch = /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)$/.exec(url.pathname);
    const treeMatch = /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/(.+)$/.exec(url.pathname);
    if (req.method === 'POST' && url.pathname === '/graphql') {
      try {
        body = JSON.parse(rawBody) as typeof body;
        document = parse(body.query ?? '');
        operation = getOperationAST(document, body.operationName)?.name?.value ?? '(anonymous)';
      } catch (error) {
        operation = '(unparsable)';
        rejectedQueries.push({ query: body.query ?? rawBody, errors: [String(error)] });
      }
    } else if (req.method === 'GET' && blobMatch) operation = 'rest:getBlob';
    else if (req.method === 'PUT' && contentsMatch) operation = 'rest:putContents';
    else if (req.method === 'GET' && compareMatch) operation = 'rest:compare';
    else if (req.method === 'GET' && treeMatch) operation = 'rest:getTree';
    else return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    requests.set(operation, (requests.get(operation) ?? 0) + 1);

    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `bearer ${token}` && auth !== `Bearer ${token}`) {
      return send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/graphql',
        status: '401',
      });
    }
    const failure = take(failFaults, operation);
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'text/html' });
      return res.end(`<html><body><h1>${failure.status} Server Error</h1></body></html>`);
    }
    const limited = take(rateLimitFaults, operation);
    if (limited) {
      const headers: Record<string, string> = {};
      if (limited.retryAfterSeconds !== undefined) headers['retry-after'] = String(limited.retryAfterSeconds);
      if (limited.resetAt !== undefined)
        Object.assign(headers, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(limited.resetAt) });
      return send(
        res,
        limited.status,
        {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api#secondary-rate-limits',
        },
        headers,
      );
    }
    const hang = take(hangFaults, operation);
    if (hang?.after === 'receiving') return holdForever(res, hang);
    state.rateLimit.remaining = Math.max(0, state.rateLimit.remaining - 1);

    let status = 200;
    let result: unknown;
    if (blobMatch) {
      const sha = blobMatch[3] ?? '';
      const bytes =
        blobMatch[1] === owner && blobMatch[2] === name ? (await state.repo.readBlobs([sha])).get(sha) : undefined;
      if (!bytes)
        [status, result] = [
          404,
          { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/git/blobs#get-a-blob' },
        ];
      else {
        // GitHub wraps base64 at 60 characters.
        const content = (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
        result = { sha, node_id: `B_${sha}`, size: bytes.length, url: url.href, content, encoding: 'base64' };
      }
    } else if (contentsMatch) {
      [status, result] = await putContents(decodeURIComponent(contentsMatch[3] ?? ''), rawBody);
    } else if (compareMatch) {
      const sameRepository = compareMatch[1] === owner && compareMatch[2] === name;
      [status, result] = sameRepository
        ? await compare(decodeURIComponent(compareMatch[3] ?? ''), url)
        : [404, { message: 'Not Found' }];
    } else if (treeMatch) {
      const sameRepository = treeMatch[1] === owner && treeMatch[2] === name;
      [status, result] = sameRepository
        ? await getTree(decodeURIComponent(treeMatch[3] ?? ''), url)
        : [404, { message: 'Not Found' }];
    } else if (document) {
      result = await runGraphQL(document, body);
    }
    if (hang) return holdForever(res, hang);
    send(res, status, result);
  };

  /**
   * Git's smart HTTP protocol, fetch only (as `https://github.com/<owner>/<name>.git`): the
   * advertisement (`GET info/refs?service=git-upload-pack`) and `POST git-upload-pack`, answered
   * by `git http-backend` from the bare repository (`gitProtocol.repositoryDir`), with partial
   * clone filters and fetching reachable commits by oid allowed, as on GitHub. Basic auth with
   * the token as the password (any username, as GitHub); without it a 401 asking for Basic.
   */
  const serveGit = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, url: URL) => {
    const operation = match[3] === 'info/refs' ? 'git:info-refs' : 'git:upload-pack';
    requests.set(operation, (requests.get(operation) ?? 0) + 1);
    const service = match[3] === 'info/refs' ? url.searchParams.get('service') : 'git-upload-pack';
    if (!gitProtocol.enabled || match[1] !== owner || match[2] !== name || service !== 'git-upload-pack') {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('Repository not found.');
    }
    const [scheme, encoded = ''] = (req.headers.authorization ?? '').split(' ');
    const password = Buffer.from(encoded, 'base64').toString('utf8').split(':').slice(1).join(':');
    if (scheme !== 'Basic' || password !== gitProtocol.token) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      return void res.end('Invalid username or token.');
    }
    const failure = take(failFaults, operation);
    if (failure) {
      req.resume();
      res.writeHead(failure.status, { 'content-type': 'text/html' });
      return void res.end(`<html><body><h1>${failure.status} Server Error</h1></body></html>`);
    }
    serveGitHttpBackend(req, res, {
      projectRoot: dirname(gitProtocol.repositoryDir),
      pathInfo: `/${basename(gitProtocol.repositoryDir)}/${match[3]}`,
      remoteUser: 'x-access-token',
      config: { 'uploadpack.allowFilter': 'true', 'uploadpack.allowReachableSHA1InWant': 'true' },
    });
  };

  const runGraphQL = async (
    document: DocumentNode,
    body: { query?: string; variables?: Record<string, unknown>; operationName?: string },
  ) => {
    const errors = validate(gitHub, document);
    if (errors.length > 0) {
      rejectedQueries.push({ query: body.query ?? '', errors: errors.map((error) => error.message) });
      return { errors: errors.map(formatError) };
    }
    const result = await execute({
      schema: gitHub,
      document,
      rootValue,
      contextValue: createRequestContext(state.repo),
      variableValues: body.variables ?? {},
      operationName: body.operationName ?? null,
    });
    return {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors ? { errors: result.errors.map(formatError) } : {}),
    };
  };

  const putContents = async (path: string, rawBody: string): Promise<[number, unknown]> => {
    const input = JSON.parse(rawBody) as { message: string; content: string; branch?: string; sha?: string };
    const ref = `refs/heads/${input.branch ?? 'main'}`;
    const head = await state.repo.refOid(ref);
    if (head && (await state.repo.hasPath(head, path)) && !input.sha)
      return [422, { message: '"sha" wasn\'t supplied.' }];
    const oid = await state.repo.commit({
      ref,
      parent: head,
      message: input.message,
      author: state.viewer,
      additions: [{ path, contents: Buffer.from(input.content, 'base64') }],
      deletions: [],
    });
    if (!oid) return [409, { message: `${ref} moved; try again` }];
    const blob = await state.repo.resolve(`${oid}:${path}`);
    return [201, { content: { path, sha: blob?.oid }, commit: { sha: oid, message: input.message } }];
  };

  const compareFileLimit = options.compareFileLimit ?? 300;
  const toCommitJson = (info: CommitInfo) => {
    const oid = info.oid;
    return {
      sha: oid,
      node_id: `C_${oid}`,
      url: `${state.url}/repos/${owner}/${name}/commits/${oid}`,
      html_url: `https://github.com/${owner}/${name}/commit/${oid}`,
      commit: { message: info.message, tree: { sha: info.tree } },
      parents: info.parents.map((sha) => ({ sha })),
    };
  };

  /**
   * GitHub's "compare two commits": the commits of merge-base..head (paged when `page` or
   * `per_page` is given, else the first 250) and, on page 1 only, the files changed between the
   * merge base and head (not base and head: a diverged base does not show its own changes).
   */
  const compare = async (basehead: string, url: URL): Promise<[number, unknown]> => {
    const notFound: [number, unknown] = [
      404,
      { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/commits/commits#compare-two-commits' },
    ];
    const parts = basehead.split('...');
    if (parts.length !== 2 || parts.some((part) => part === '' || /\s/.test(part))) return notFound;
    // As few git processes as it can (four for the usual forward comparison): this endpoint is on
    // the benchmarked pull path, and every spawn from a large test process costs.
    const expressions = parts.map((part) => `${part}^{commit}`);
    const resolved = await state.repo.readCommits(expressions);
    const [base, head] = expressions.map((expression) => resolved.get(expression));
    if (!base || !head) return notFound;
    const mergeBase = await state.repo.mergeBase(base.oid, head.oid);
    if (!mergeBase) return [404, { message: `No common ancestor between ${parts[0]} and ${parts[1]}.` }];
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const known = new Map([base, head].map((info) => [info.oid, info]));
    const [ahead, behind, changes, mergeBaseInfo] = await Promise.all([
      mergeBase === head.oid ? [] : state.repo.log(`${mergeBase}..${head.oid}`),
      mergeBase === base.oid ? [] : state.repo.log(`${mergeBase}..${base.oid}`),
      page !== 1 ? null : mergeBase === head.oid ? [] : state.repo.diffTree(mergeBase, head.oid),
      known.get(mergeBase) ?? state.repo.commitInfo(mergeBase),
    ]);
    const [baseCommit, mergeBaseCommit] = [toCommitJson(base), toCommitJson(mergeBaseInfo)];
    const behindBy = behind.length;
    const status =
      base.oid === head.oid ? 'identical' : behindBy === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const paged = url.searchParams.has('page') || url.searchParams.has('per_page');
    const perPage = paged ? Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30)) : 250;
    const commits = ahead.slice((page - 1) * perPage, page * perPage).map(toCommitJson);
    const blobUrl = (sha: string, path: string) => `https://github.com/${owner}/${name}/blob/${sha}/${path}`;
    const files = changes
      ? changes.slice(0, compareFileLimit).map((entry) => ({
          // For a removed file GitHub's sha is not the new blob's (there is none); the adapter ignores it.
          sha: entry.status === 'D' ? entry.oldOid : entry.newOid,
          filename: entry.path,
          status: { A: 'added', D: 'removed', M: 'modified', T: 'changed', R: 'renamed', C: 'copied' }[entry.status],
          additions: 0,
          deletions: 0,
          changes: 0,
          blob_url: blobUrl(head.oid, entry.path),
          raw_url: blobUrl(head.oid, entry.path).replace('/blob/', '/raw/'),
          contents_url: `${state.url}/repos/${owner}/${name}/contents/${entry.path}?ref=${head.oid}`,
          ...(entry.previousPath ? { previous_filename: entry.previousPath } : {}),
        }))
      : undefined;
    return [
      200,
      {
        url: url.href,
        html_url: `https://github.com/${owner}/${name}/compare/${basehead}`,
        permalink_url: `https://github.com/${owner}/${name}/compare/${owner}:${base.oid.slice(0, 7)}...${owner}:${head.oid.slice(0, 7)}`,
        diff_url: `https://github.com/${owner}/${name}/compare/${basehead}.diff`,
        patch_url: `https://github.com/${owner}/${name}/compare/${basehead}.patch`,
        base_commit: baseCommit,
        merge_base_commit: mergeBaseCommit,
        status,
        ahead_by: ahead.length,
        behind_by: behindBy,
        total_commits: ahead.length,
        commits,
        ...(files ? { files } : {}),
      },
    ];
  };

  /**
   * GitHub's "get a tree": `tree_sha` is a tree, commit or ref; any value of `recursive` lists
   * the whole tree (subtrees before their contents). Entries beyond `maxTreeEntries` or
   * `maxTreeBytes` are left out and `truncated` says so.
   */
  const getTree = async (treeSha: string, url: URL): Promise<[number, unknown]> => {
    const notFound: [number, unknown] = [
      404,
      { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/git/trees#get-a-tree' },
    ];
    if (treeSha === '' || /\s/.test(treeSha)) return notFound;
    const tree = await state.repo.resolve(`${treeSha}^{tree}`);
    if (!tree) return notFound;
    const recursive = url.searchParams.has('recursive');
    const listed = recursive ? await state.repo.lsTreeRecursive(tree.oid) : await state.repo.lsTree(tree.oid);
    const entries: unknown[] = [];
    let bytes = 0;
    let truncated = false;
    for (const entry of listed) {
      const json = {
        path: entry.name,
        mode: entry.mode,
        type: entry.type,
        sha: entry.oid,
        ...(entry.type === 'blob' ? { size: entry.size } : {}),
        url: `${state.url}/repos/${owner}/${name}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.oid}`,
      };
      bytes += JSON.stringify(json).length;
      if (entries.length >= state.maxTreeEntries || bytes > state.maxTreeBytes) {
        truncated = true;
        cutTreeAnswers++;
        break;
      }
      entries.push(json);
    }
    return [
      200,
      { sha: tree.oid, url: `${state.url}/repos/${owner}/${name}/git/trees/${tree.oid}`, tree: entries, truncated },
    ];
  };

  const holdForever = (res: ServerResponse, hang: HangFault) => {
    openResponses.add(res);
    res.on('close', () => {
      openResponses.delete(res);
      hang.released.resolve();
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: `test server failure: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;

  return {
    url: state.url,
    token,
    owner,
    name,
    repositoryDir,
    state,
    gitProtocol,
    requests,
    cutTreeAnswers: () => cutTreeAnswers,
    requestCount: (operation) =>
      operation ? (requests.get(operation) ?? 0) : [...requests.values()].reduce((sum, count) => sum + count, 0),
    rejectedQueries,
    faults: {
      failNext: (count, faultOptions = {}) =>
        failFaults.push({ remaining: count, status: faultOptions.status ?? 502, operation: faultOptions.operation }),
      rateLimitNext: (faultOptions) =>
        rateLimitFaults.push({
          remaining: faultOptions.count ?? 1,
          status: faultOptions.status ?? 403,
          retryAfterSeconds: faultOptions.retryAfterSeconds,
          resetAt: faultOptions.resetAt,
          operation: faultOptions.operation,
        }),
      hangNext: (faultOptions = {}) => {
        const released = createDeferred<void>();
        hangFaults.push({
          remaining: 1,
          operation: faultOptions.operation,
          after: faultOptions.after ?? 'receiving',
          released,
        });
        return released.promise;
      },
    },
    close: async () => {
      for (const res of openResponses) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function formatError(error: GraphQLError): Record<string, unknown> {
  const { type, ...extensions } = (error.extensions ?? {}) as { type?: string };
  return {
    ...(type ? { type } : {}),
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
  };
}
