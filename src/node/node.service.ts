import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApiToken, Role } from '../auth/api-token.entity.ts';
import { FabricScope } from '../auth/fabric-scope.ts';
import type { TokenService } from '../auth/token.service.ts';
import { DomainError, isUuid, notFound } from '../errors.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { FabricService } from '../fabric/fabric.service.ts';
import type { GitRepository } from '../fabric/git-repository.entity.ts';
import type { GitRepositoryService } from '../fabric/git-repository.service.ts';
import type { SyncOperation } from '../operations/sync-operation.entity.ts';
import type { SyncOperationService } from '../operations/sync-operation.service.ts';
import type { Resource } from '../resource/resource.entity.ts';
import type { ResourceService } from '../resource/resource.service.ts';
import type { Change } from '../changes/change.entity.ts';
import type { ChangeService } from '../changes/change.service.ts';
import { nodeRowsOf, type NodeRow, type NodeTypeName } from './node.repository.ts';

/** An object found by its id, with the GraphQL type it is shown as. */
export type FoundNode =
  | { typename: 'Fabric'; value: Fabric }
  | { typename: 'Resource'; value: Resource }
  | { typename: 'SyncOperation'; value: SyncOperation }
  | { typename: 'GitRepository'; value: GitRepository }
  | { typename: 'ApiToken'; value: ApiToken }
  | { typename: 'Change'; value: Change };

/** Who asks: the role decides whether API tokens are visible (admins only, as `apiTokens`). */
export interface NodeViewer {
  role: Role;
}

/**
 * Relay's global object identification over our UUID ids: one statement finds each id's type
 * (node.repository.ts), then each object is loaded through the service that owns it, so the
 * same checks apply as for `fabric(id:)`, `resource(id:)`, `syncOperation(id:)` and the others.
 *
 * Every id the caller may not see answers exactly as an id that does not exist: NOT_FOUND. That
 * covers another fabric's objects for a fabric-limited token, Git repositories and API tokens
 * for a fabric-limited token (those reads span fabrics), and API tokens for non-admins.
 */
export class NodeService {
  readonly #scope: FabricScope;

  constructor(
    private readonly deps: {
      em: EntityManager;
      scope?: FabricScope;
      /** Most ids `getMany` takes in one call. */
      maxIds: number;
      fabrics: FabricService;
      resources: ResourceService;
      operations: SyncOperationService;
      gitRepositories: GitRepositoryService;
      tokens: TokenService;
      changes: ChangeService;
    },
  ) {
    this.#scope = deps.scope ?? FabricScope.unlimited;
  }

  async get(id: string, viewer: NodeViewer): Promise<FoundNode> {
    const [found] = await this.getMany([id], viewer);
    if (found instanceof Error) throw found;
    return found as FoundNode;
  }

  /** Each id's object, or the NOT_FOUND error for it, in the order given. One lookup statement. */
  async getMany(ids: readonly string[], viewer: NodeViewer): Promise<(FoundNode | DomainError)[]> {
    if (ids.length > this.deps.maxIds) {
      throw new DomainError('INVALID_INPUT', `At most ${this.deps.maxIds} ids in one request`, {
        problems: [{ path: '$.ids', message: `at most ${this.deps.maxIds}` }],
      });
    }
    const uuids = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    const rows = await nodeRowsOf(this.deps.em, uuids);
    return Promise.all(
      ids.map(async (id) => {
        const row = isUuid(id) ? rows.get(id.toLowerCase()) : undefined;
        if (!row || !this.visible(row, viewer)) return notFound('Node', id);
        try {
          return await this.load(row.typename, id.toLowerCase());
        } catch (error) {
          // Gone between the lookup and the load, or refused by the owning service: not there.
          if (error instanceof DomainError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN'))
            return notFound('Node', id);
          throw error;
        }
      }),
    );
  }

  private visible(row: NodeRow, viewer: NodeViewer): boolean {
    if (row.fabricId !== null) return this.#scope.allows(row.fabricId);
    // Repositories and tokens belong to no fabric: a fabric-limited token reads neither.
    if (this.#scope.limited) return false;
    return row.typename !== 'ApiToken' || viewer.role === 'admin';
  }

  private async load(typename: NodeTypeName, id: string): Promise<FoundNode> {
    switch (typename) {
      case 'Fabric':
        return { typename, value: await this.deps.fabrics.get(id) };
      case 'Resource':
        return { typename, value: await this.deps.resources.get(id) };
      case 'SyncOperation':
        return { typename, value: await this.deps.operations.get(id) };
      case 'GitRepository':
        return { typename, value: await this.deps.gitRepositories.get(id) };
      case 'ApiToken':
        return { typename, value: await this.deps.tokens.get(id) };
      case 'Change':
        return { typename, value: await this.deps.changes.get(id) };
    }
  }
}
