/** The sync code's way to the Git side of a fabric (see src/fabric/fabric-git.ts). */
import { openFabricGit as openGit, type FabricGit } from '../fabric/fabric-git.ts';
import type { OpenGitHost } from '../git/git-host.ts';
import type { Services } from '../services.ts';

export type { FabricGit };

/** Opens the Git side of a fabric with the services of a unit of work; built by the composition root. */
export type OpenGit = (
  services: Pick<Services, 'fabrics' | 'gitRepositories'>,
  fabricId: string,
  operationId: string,
) => Promise<FabricGit>;

export async function openFabricGit(
  openGitHost: OpenGitHost,
  services: Pick<Services, 'fabrics' | 'gitRepositories'>,
  fabricId: string,
  operationId: string,
): Promise<FabricGit> {
  return openGit(
    { fabrics: services.fabrics, gitRepositories: services.gitRepositories, openGitHost },
    fabricId,
    operationId,
  );
}
