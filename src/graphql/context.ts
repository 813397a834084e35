import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Change } from '../changes/change.entity.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import { FabricScope } from '../auth/fabric-scope.ts';
import type { Actor } from '../auth/tokens.ts';
import type { Services } from '../services.ts';
import type { EventRow } from '../operations/operation.repository.ts';

/** Services bound to one request's unit of work. */
export type RequestServices = Services;

export interface GraphQLContext {
  requestId: string;
  actor: Actor;
  services: RequestServices;
  eventBus: EventBus;
  pagination: { defaultPageSize: number; maxPageSize: number };
  /** Per-request batching for lists that would otherwise cost a statement per row. */
  loaders: Loaders;
}

export interface Loaders {
  operationEvents: DataLoader<EventPageKey, { items: EventRow[]; totalCount: number }, string>;
  fabricById: DataLoader<string, Fabric>;
  /** Changes by id (`supersededBy`); one statement per batch; a change out of scope is null. */
  changeById: DataLoader<string, Change | null>;
  /** The newest change of each fabric (`Fabric.lastChange`), one statement per batch. */
  lastChangeOf: DataLoader<string, Change | null>;
}

/** A page of one operation's log: operations listed together ask for theirs in one statement. */
export interface EventPageKey {
  operationId: string;
  offset: number;
  limit: number;
  newestFirst: boolean;
}

export interface ContextDependencies {
  /** A unit of work limited to `scope` (see services.ts). */
  openUnitOfWork: (options: { scope: FabricScope }) => RequestServices;
  /** The actor the authentication plugin found for an HTTP or SSE request. */
  actorOf: (request: Request | undefined) => Actor | undefined;
  eventBus: EventBus;
  pagination: GraphQLContext['pagination'];
}

/**
 * yoga's `context` option: one unit of work and one set of DataLoaders per operation, for HTTP,
 * SSE and WebSocket alike. graphql-ws hands the actor it authenticated in the initial context;
 * HTTP and SSE requests get theirs from the authentication plugin.
 *
 * Nothing is built before it is used: the unit of work forks its EntityManager, and each service
 * and loader is made, on first use (envelop copies the context's own properties, so the lazy parts
 * are objects of their own rather than getters of the context).
 */
export function createContext(deps: ContextDependencies) {
  return (initial: object): GraphQLContext => {
    const request = (initial as { request?: Request }).request;
    const requestId = request?.headers.get('x-request-id') ?? randomUUID();
    const actor = deps.actorOf(request) ?? (initial as { actor?: Actor }).actor;
    // Unreachable through the server (authentication runs first); a guard against wiring mistakes.
    if (!actor) throw new Error('request reached the schema without an authenticated actor');
    // A limited token's services load rows of its fabrics only, whatever the resolvers ask for.
    const services = deps.openUnitOfWork({
      scope: actor.fabricIds === null ? FabricScope.unlimited : new FabricScope(actor.fabricIds),
    });
    return {
      requestId,
      actor,
      services,
      eventBus: deps.eventBus,
      pagination: deps.pagination,
      loaders: new RequestLoaders(services),
    };
  };
}

/** The DataLoaders of one operation, each made on first use. */
class RequestLoaders implements Loaders {
  #operationEvents: Loaders['operationEvents'] | undefined;
  #fabricById: Loaders['fabricById'] | undefined;
  #changeById: Loaders['changeById'] | undefined;
  #lastChangeOf: Loaders['lastChangeOf'] | undefined;

  constructor(private readonly services: RequestServices) {}

  // Batching only, no caching: a subscription keeps its context for as long as it runs.
  get operationEvents(): Loaders['operationEvents'] {
    this.#operationEvents ??= new DataLoader(
      async (keys: readonly EventPageKey[]) => {
        // One statement per distinct page (in practice one: a list asks the same page of each).
        const byPage = new Map<string, EventPageKey[]>();
        for (const key of keys) {
          const page = `${key.offset}:${key.limit}:${key.newestFirst}`;
          byPage.set(page, [...(byPage.get(page) ?? []), key]);
        }
        const results = new Map<EventPageKey, { items: EventRow[]; totalCount: number }>();
        for (const group of byPage.values()) {
          const [first] = group as [EventPageKey];
          const pages = await this.services.operations.eventPagesOf(
            group.map((key) => key.operationId),
            first,
          );
          for (const key of group) results.set(key, pages.get(key.operationId)!);
        }
        return keys.map((key) => results.get(key)!);
      },
      { cache: false },
    );
    return this.#operationEvents;
  }

  get fabricById(): Loaders['fabricById'] {
    this.#fabricById ??= new DataLoader(
      async (ids: readonly string[]) => {
        const fabrics = await this.services.fabrics.getMany(ids);
        return ids.map((id) => fabrics.get(id) ?? new Error(`Fabric ${id} does not exist`));
      },
      { cache: false },
    );
    return this.#fabricById;
  }

  get changeById(): Loaders['changeById'] {
    this.#changeById ??= new DataLoader(
      async (ids: readonly string[]) => {
        const changes = await this.services.changes.getMany(ids);
        return ids.map((id) => changes.get(id) ?? null);
      },
      { cache: false },
    );
    return this.#changeById;
  }

  get lastChangeOf(): Loaders['lastChangeOf'] {
    this.#lastChangeOf ??= new DataLoader(
      async (fabricIds: readonly string[]) => {
        const changes = await this.services.changes.lastOf(fabricIds);
        return fabricIds.map((id) => changes.get(id) ?? null);
      },
      { cache: false },
    );
    return this.#lastChangeOf;
  }
}
