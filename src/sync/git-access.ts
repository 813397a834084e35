/**
 * Opens the Git side of a fabric: its repository record, the adapter for it (through the
 * repository's stored credentials) and the branch it tracks. The one place sync code turns a
 * fabric into a GitHost; credentials never leave the adapter.
 */
import { DomainError } from '../errors.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { GitRepository } from '../fabric/git-repository.entity.ts';
import type { GitHost } from '../git/git-host.ts';
import { createGitHost } from '../git/git-host-factory.ts';
import type { ServiceDependencies, Services } from '../services.ts';

export interface FabricGit {
  fabric: Fabric;
  repository: GitRepository;
  host: GitHost;
  /** The branch pulls read (the repository's default branch). */
  branch: string;
  close(): Promise<void>;
}

export async function openFabricGit(deps: ServiceDependencies, services: Services, fabricId: string, operationId: string): Promise<FabricGit> {
  const fabric = await services.fabrics.get(fabricId);
  if (!fabric.gitRepository) {
    throw new DomainError('INVALID_INPUT', `Fabric ${JSON.stringify(fabric.name)} has no Git repository; set gitRepositoryId first`);
  }
  const repository = await services.gitRepositories.get(fabric.gitRepository.id);
  const credentials = await services.gitRepositories.readCredentials(repository);
  const adapter = createGitHost({
    repository,
    credentials,
    cacheDir: deps.config.gitCacheDir,
    githubApiUrl: deps.config.githubApiUrl,
  });
  const host = deps.wrapGitHost ? deps.wrapGitHost(adapter, { fabricId, operationId }) : adapter;
  return { fabric, repository, host, branch: repository.defaultBranch, close: async () => adapter.close?.() };
}
