/**
 * The sync code's port to the Git side of a fabric: handlers and the head check are given an
 * `OpenGit` and never see the GitHost opener. The composition root (app.ts) implements it with
 * src/fabric/fabric-git.ts and the adapter it chose.
 */
import type { FabricGit } from '../fabric/fabric-git.ts';
import type { Services } from '../services.ts';

export type { FabricGit };

/** Opens the Git side of a fabric with the services of a unit of work; built by the composition root. */
export type OpenGit = (
  services: Pick<Services, 'fabrics' | 'gitRepositories'>,
  fabricId: string,
  operationId: string,
) => Promise<FabricGit>;
