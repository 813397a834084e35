import type DataLoader from 'dataloader';
import type { EventBus } from '../events/event-bus.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { Logger } from '../logger.ts';
import type { Actor } from '../auth/tokens.ts';
import type { Services } from '../services.ts';
import type { SyncEvent } from '../operations/sync-operation.entity.ts';

/** Services bound to one request's unit of work. */
export type RequestServices = Services;

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
