/** The sync code's way to the Git side of a fabric (see src/fabric/fabric-git.ts). */
import { openFabricGit as openGit, type FabricGit } from '../fabric/fabric-git.ts';
import type { ServiceDependencies, Services } from '../services.ts';

export type { FabricGit };

/** Opens the Git side of a fabric with the services of a unit of work; built by the composition root. */
export type OpenGit = (services: Pick<Services, 'fabrics' | 'gitRepositories'>, fabricId: string, operationId: string) => Promise<FabricGit>;

export async function openFabricGit(
  deps: Pick<ServiceDependencies, 'config' | 'wrapGitHost'>,
  services: Pick<Services, 'fabrics' | 'gitRepositories'>,
  fabricId: string,
  operationId: string,
): Promise<FabricGit> {
  return openGit(
    { fabrics: services.fabrics, gitRepositories: services.gitRepositories, config: deps.config, ...(deps.wrapGitHost ? { wrapGitHost: deps.wrapGitHost } : {}) },
    fabricId,
    operationId,
  );
}
