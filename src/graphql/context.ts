import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { EventBus } from '../events/event-bus.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { FabricService } from '../fabric/fabric.service.ts';
import type { GitRepositoryService } from '../fabric/git-repository.service.ts';
import type { Logger } from '../logger.ts';
import type { Actor, ResourceService } from '../resource/resource.service.ts';
import type { SyncEvent } from '../sync/sync-operation.entity.ts';
import type { SyncOperationService } from '../sync/sync-operation.service.ts';

/** Services bound to one request's unit of work. */
export interface RequestServices {
  em: EntityManager;
  gitRepositories: GitRepositoryService;
  fabrics: FabricService;
  resources: ResourceService;
  operations: SyncOperationService;
}

export interface GraphQLContext {
  requestId: string;
  actor: Actor;
  services: RequestServices;
  eventBus: EventBus;
  logger: Logger;
  pagination: { defaultPageSize: number; maxPageSize: number };
  /** Per-request batching for lists that would otherwise cost a statement per row. */
  loaders: { operationEvents: DataLoader<string, SyncEvent[]>; fabricById: DataLoader<string, Fabric> };
}
