/**
 * What Git remembers about a fabric: the commits that touched a resource's managed file (with the
 * file's diff in each), the commits of the fabric's GitOps directory, and reverting a resource to
 * how one of those commits had it (as a draft, through the resource service's own draft path).
 *
 * Everything is read through the GitHost port, one page at a time: a page costs one history
 * request and, for a file's history, one batched blob read (GitHub), or a fixed number of git
 * processes (native git).
 */
import { DomainError } from '../errors.ts';
import { openRepositoryGit, requireFabricRepository, type RepositoryGit } from '../fabric/fabric-git.ts';
import type { FabricService } from '../fabric/fabric.service.ts';
import type { GitRepositoryService } from '../fabric/git-repository.service.ts';
import { parseGatewayTrailers, type GatewayTrailers } from '../git/commit-trailers.ts';
import { isGitHostError, MAX_HISTORY_PAGE, type OpenGitHost, type PathCommit } from '../git/git-host.ts';
import { unifiedFileDiff } from '../diff/file-diff.ts';
import { toRepositoryPath } from '../gitops/fabric-paths.ts';
import { managedFilePath } from '../hedgehog/canonical.ts';
import { parseManifests } from '../hedgehog/manifests.ts';
import type { Resource } from '../resource/resource.entity.ts';
import type { Actor, ResourceService } from '../resource/resource.service.ts';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor.ts';

/** One commit, as the API shows it. */
export interface CommitView {
  oid: string;
  message: string;
  authorName: string;
  authorEmail: string;
  authoredAt: Date;
  committedAt: Date;
  /** The gateway's trailers (`Gateway-Operation`, `Gateway-Actor`), null where absent. */
  trailers: GatewayTrailers;
}

/** One commit of a file's history, with what it did to the file. */
export interface FileCommitView {
  commit: CommitView;
  /** Repository path of the file. */
  path: string;
  change: 'added' | 'modified' | 'deleted';
  blobOid: string | null;
  previousBlobOid: string | null;
  /** Unified diff of the file between the commit's first parent and the commit. */
  diff: string;
}

export interface HistoryPageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A Relay connection page (no total: counting a history would read all of it). */
export interface HistoryConnection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface GitHistoryDependencies {
  fabrics: FabricService;
  gitRepositories: GitRepositoryService;
  resources: ResourceService;
  openGitHost: OpenGitHost;
  /** Page size when the caller gives none (capped at MAX_HISTORY_PAGE). */
  defaultPageSize: number;
  /** Largest page a caller may ask for (capped at MAX_HISTORY_PAGE). */
  maxPageSize: number;
}

const COMMIT = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

export class GitHistoryService {
  constructor(private readonly deps: GitHistoryDependencies) {}

  /** The commits that touched the resource's managed file, newest first, each with the file's diff. */
  async resourceHistory(resourceId: string, args: HistoryPageArgs): Promise<HistoryConnection<FileCommitView>> {
    const resource = await this.deps.resources.get(resourceId);
    const page = this.page(args);
    const { fabric, repository } = await requireFabricRepository(this.deps, resource.fabric.id);
    const path = toRepositoryPath(fabric.gitopsDirectory, resourceFilePath(resource));
    return this.withGit(repository, fabric.id, async (git) => {
      const listed = await this.listPage(git, path, page);
      const oids = [
        ...new Set(listed.commits.flatMap((commit) => [commit.pathOid, commit.previousPathOid]).filter(isString)),
      ];
      const blobs = oids.length > 0 ? await this.hostCall(() => git.host.readBlobs(oids)) : new Map();
      const text = (oid: string | null) => {
        const bytes = oid === null ? undefined : blobs.get(oid);
        return bytes === undefined ? null : Buffer.from(bytes).toString('utf8');
      };
      return listed.connection((commit) => ({
        commit: commitView(commit),
        path,
        change: commit.pathOid === null ? 'deleted' : commit.previousPathOid === null ? 'added' : 'modified',
        blobOid: commit.pathOid,
        previousBlobOid: commit.previousPathOid,
        diff: unifiedFileDiff({ path, text: text(commit.previousPathOid) }, { path, text: text(commit.pathOid) }),
      }));
    });
  }

  /** The commits that changed the fabric's GitOps directory, newest first. */
  async fabricCommits(fabricId: string, args: HistoryPageArgs): Promise<HistoryConnection<CommitView>> {
    const page = this.page(args);
    const { fabric, repository } = await requireFabricRepository(this.deps, fabricId);
    return this.withGit(repository, fabric.id, async (git) => {
      const listed = await this.listPage(git, fabric.gitopsDirectory.replace(/^\/+|\/+$/g, ''), page);
      return listed.connection(commitView);
    });
  }

  /**
   * Records a draft that puts the resource back as `commit` had it: an update draft of the
   * object in that commit's file (validated like any draft edit), or a delete draft when the
   * file did not exist there. NOT_FOUND for a commit the repository does not have.
   */
  async revertResource(resourceId: string, commit: string, actor: Actor): Promise<Resource | null> {
    if (!COMMIT.test(commit)) {
      throw new DomainError('INVALID_INPUT', 'commit must be a full commit sha (40 or 64 hex digits)', {
        problems: [{ path: '$.commit', message: 'not a commit sha' }],
      });
    }
    const sha = commit.toLowerCase();
    const resource = await this.deps.resources.get(resourceId);
    const { fabric, repository } = await requireFabricRepository(this.deps, resource.fabric.id);
    const path = toRepositoryPath(fabric.gitopsDirectory, resourceFilePath(resource));
    const file = await this.withGit(repository, fabric.id, (git) =>
      this.hostCall(() => git.host.readFile(sha, path), `commit ${sha}`),
    );
    if (file === null) {
      if (resource.draftAction === 'delete') return resource;
      return this.deps.resources.deleteDraft(resource.id, actor);
    }
    const parsed = parseManifests(Buffer.from(file.contents).toString('utf8'), { file: path });
    const match = parsed.documents.find((document) => {
      const object = document.object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
      return (
        object?.kind === resource.kind &&
        object.metadata?.name === resource.name &&
        (object.metadata?.namespace ?? 'default') === resource.namespace
      );
    });
    if (!match) {
      throw new DomainError(
        'INVALID_INPUT',
        `${path} at ${sha} holds no ${resource.kind} ${resource.namespace}/${resource.name} to restore`,
        { problems: [{ path: '$.commit', message: 'the object is not in its file at that commit' }] },
      );
    }
    return this.deps.resources.updateDraft(resource.id, { object: match.object }, actor);
  }

  /** The page asked for, refused with INVALID_INPUT unless it pages forward within the limits. */
  private page(args: HistoryPageArgs): { first: number; after: { head: string; after: string } | null } {
    const max = Math.min(this.deps.maxPageSize, MAX_HISTORY_PAGE);
    if (args.last != null || args.before != null) {
      throw new DomainError('INVALID_INPUT', 'History pages forward only: use first and after', {
        problems: [{ path: args.last != null ? '$.last' : '$.before', message: 'not supported here' }],
      });
    }
    const first = args.first ?? Math.min(this.deps.defaultPageSize, max);
    if (!Number.isInteger(first) || first < 1 || first > max) {
      throw new DomainError('INVALID_INPUT', `Argument "first" must be between 1 and ${max}`, {
        problems: [{ path: '$.first', message: `from 1 to ${max}` }],
      });
    }
    return { first, after: args.after == null ? null : decodeHistoryCursor(args.after) };
  }

  /** One page of a path's history from the branch head (pinned by the cursor after the first page). */
  private async listPage(
    git: RepositoryGit,
    path: string,
    page: { first: number; after: { head: string; after: string } | null },
  ) {
    const head = page.after?.head ?? (await this.hostCall(() => git.host.getBranchHead(git.branch)));
    const listed =
      head === null
        ? { commits: [], hasNextPage: false }
        : await this.hostCall(
            () => git.host.history(head, path, { first: page.first, after: page.after?.after ?? null }),
            'the cursor',
          );
    return {
      commits: listed.commits,
      connection<T>(toNode: (commit: PathCommit) => T): HistoryConnection<T> {
        const edges = listed.commits.map((commit) => ({
          cursor: encodeHistoryCursor({ head: head!, after: commit.cursor }),
          node: toNode(commit),
        }));
        return {
          edges,
          pageInfo: {
            hasNextPage: listed.hasNextPage,
            hasPreviousPage: page.after !== null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    };
  }

  private async withGit<T>(
    repository: Parameters<typeof openRepositoryGit>[1],
    fabricId: string,
    task: (git: RepositoryGit) => Promise<T>,
  ): Promise<T> {
    const git = await openRepositoryGit(this.deps, repository, { fabricId, operationId: 'history' });
    try {
      return await task(git);
    } finally {
      await git.close();
    }
  }

  /** A Git host refusal the caller caused becomes a typed error; anything else goes on (masked). */
  private async hostCall<T>(call: () => Promise<T>, subject = 'the request'): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isGitHostError(error, 'NOT_FOUND'))
        throw new DomainError('NOT_FOUND', `${subject} is not in the fabric's Git repository`);
      if (isGitHostError(error, 'INVALID'))
        throw new DomainError('INVALID_INPUT', `The Git host refused ${subject}: ${error.message}`);
      throw error;
    }
  }
}

/** The resource's managed file, relative to the fabric directory (its canonical path when it has none yet). */
function resourceFilePath(resource: Resource): string {
  return (
    resource.managedFilePath ??
    managedFilePath({ kind: resource.kind, metadata: { name: resource.name, namespace: resource.namespace } })
  );
}

function commitView(commit: PathCommit): CommitView {
  return {
    oid: commit.oid,
    message: commit.message,
    authorName: commit.authorName,
    authorEmail: commit.authorEmail,
    authoredAt: new Date(commit.authoredAt),
    committedAt: new Date(commit.committedAt),
    trailers: parseGatewayTrailers(commit.message),
  };
}

function isString(value: string | null): value is string {
  return value !== null;
}
