/** The sync code's way to the Git side of a fabric (see src/fabric/fabric-git.ts). */
import { openFabricGit as openGit, type FabricGit } from '../fabric/fabric-git.ts';
import type { ServiceDependencies, Services } from '../services.ts';

export type { FabricGit };

export async function openFabricGit(deps: ServiceDependencies, services: Services, fabricId: string, operationId: string): Promise<FabricGit> {
  return openGit(
    { fabrics: services.fabrics, gitRepositories: services.gitRepositories, openGitHost: deps.openGitHost },
    fabricId,
    operationId,
  );
}
