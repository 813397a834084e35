/**
 * The Git side of a fabric: its repository record, the adapter for it (opened with the
 * repository's stored credentials by the `openGitHost` the composition root chose) and the
 * branch it tracks. The one place the gitops and sync code turn a fabric into a GitHost;
 * credentials go only to the adapter, and their values are returned solely so callers can scrub
 * them from error text.
 */
import { DomainError } from '../errors.ts';
import type { GitHost, OpenGitHost } from '../git/git-host.ts';
import type { Fabric } from './fabric.entity.ts';
import type { FabricService } from './fabric.service.ts';
import type { GitRepository } from './git-repository.entity.ts';
import type { GitRepositoryService } from './git-repository.service.ts';

export interface FabricGitDependencies {
  fabrics: FabricService;
  gitRepositories: GitRepositoryService;
  /** Opens the adapter for a repository (GitHub's API or the git CLI; tests wrap it). */
  openGitHost: OpenGitHost;
}

export interface RepositoryGit {
  repository: GitRepository;
  host: GitHost;
  /** The branch pulls and ingestion read (the repository's default branch). */
  branch: string;
  /** Credential values, only for scrubbing them from error messages. */
  secrets: string[];
  close(): Promise<void>;
}

export interface FabricGit extends RepositoryGit {
  fabric: Fabric;
}

/** The fabric and its repository record; INVALID_INPUT when the fabric has none. */
export async function requireFabricRepository(
  deps: Pick<FabricGitDependencies, 'fabrics' | 'gitRepositories'>,
  fabricId: string,
): Promise<{ fabric: Fabric; repository: GitRepository }> {
  const fabric = await deps.fabrics.get(fabricId);
  if (!fabric.gitRepository) {
    throw new DomainError(
      'INVALID_INPUT',
      `Fabric ${JSON.stringify(fabric.name)} has no Git repository; set gitRepositoryId with updateFabric first`,
      {
        problems: [{ path: '$.gitRepositoryId', message: 'is not set' }],
      },
    );
  }
  return { fabric, repository: await deps.gitRepositories.get(fabric.gitRepository.id) };
}

/** The adapter for a repository record. */
export async function openRepositoryGit(
  deps: FabricGitDependencies,
  repository: GitRepository,
  context: { fabricId: string; operationId: string },
): Promise<RepositoryGit> {
  const credentials = await deps.gitRepositories.readCredentials(repository);
  const host = deps.openGitHost(
    {
      url: repository.url,
      provider: repository.provider,
      authType: repository.authType,
      author: { name: repository.commitAuthorName, email: repository.commitAuthorEmail },
      credentials,
    },
    context,
  );
  return {
    repository,
    host,
    branch: repository.defaultBranch,
    secrets: Object.values(credentials ?? {}).filter((value): value is string => typeof value === 'string'),
    close: async () => host.close?.(),
  };
}

export async function openFabricGit(
  deps: FabricGitDependencies,
  fabricId: string,
  operationId: string,
): Promise<FabricGit> {
  const { fabric, repository } = await requireFabricRepository(deps, fabricId);
  return { fabric, ...(await openRepositoryGit(deps, repository, { fabricId, operationId })) };
}
