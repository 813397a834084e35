/**
 * Change records as the API and the webhooks reach them (docs/changes.md "API"): pages of a
 * fabric's changes and of an object's, one change by id, its objects, and the stage moves a
 * GitHub `pull_request` webhook makes. Every load checks the unit of work's fabric scope.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { FabricScope } from '../auth/fabric-scope.ts';
import type { KeysetList, SortKey } from '../db/keyset-page.ts';
import { isUuid, notFound } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import { recordPullRequestClosed, type PullRequestClosed } from './change-recorder.ts';
import type { Change, ChangeObject, ChangeStage } from './change.entity.ts';
import {
  changeObjectPage,
  changePage,
  changesByIds,
  countChanges,
  countObjectChanges,
  lastChanges,
  objectChangePage,
  type ObjectIdentity,
} from './change.repository.ts';

const ISO_MICROSECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const BIGINT = /^[0-9]{1,18}$/;

export interface ChangeFilter {
  /** One fabric, or (null) every fabric in scope. */
  fabricId: string | null;
  stage?: ChangeStage | null;
}

export class ChangeService {
  readonly #scope: FabricScope;

  constructor(private readonly deps: { em: EntityManager; eventBus: EventBus; scope?: FabricScope }) {
    this.#scope = deps.scope ?? FabricScope.unlimited;
  }

  /** Changes newest first ((createdAt, id) descending): the API's `changes` and `Fabric.changes`. */
  pages(filter: ChangeFilter): KeysetList<Change> {
    const fabricId = filter.fabricId ? this.#scope.requireFabricId(filter.fabricId) : null;
    const where = { fabricId, fabricIds: this.#scope.fabricIds, stage: filter.stage ?? null };
    const keys = new WeakMap<Change, SortKey>();
    return {
      name: 'changes',
      scope: fabricId ?? '',
      keyCheck: [(createdAt) => ISO_MICROSECONDS.test(createdAt), isUuid],
      keyOf: (change) => keys.get(change) ?? [],
      read: async (page) => {
        const rows = await changePage(this.deps.em, where, page);
        // An empty page may be a fabric that does not exist: asked only then.
        if (rows.length === 0 && fabricId) await this.requireFabric(fabricId);
        for (const row of rows) keys.set(row.change, row.key);
        return rows.map((row) => row.change);
      },
      count: () => countChanges(this.deps.em, where),
    };
  }

  /** The changes that touched an object (by fabric, kind, namespace and name), newest first: `Resource.changes`. */
  objectPages(identity: ObjectIdentity): KeysetList<Change> {
    const fabricId = this.#scope.requireFabricId(identity.fabricId);
    const scoped = { ...identity, fabricId };
    const keys = new WeakMap<Change, SortKey>();
    return {
      name: 'resourceChanges',
      scope: fabricId,
      keyCheck: [(createdAt) => ISO_MICROSECONDS.test(createdAt), isUuid],
      keyOf: (change) => keys.get(change) ?? [],
      read: async (page) => {
        const rows = await objectChangePage(this.deps.em, scoped, page);
        for (const row of rows) keys.set(row.change, row.key);
        return rows.map((row) => row.change);
      },
      count: () => countObjectChanges(this.deps.em, scoped),
    };
  }

  /** A change's objects in the order recorded: `Change.objects`. */
  objectsOf(change: Change): KeysetList<ChangeObject> {
    const keys = new WeakMap<ChangeObject, SortKey>();
    return {
      name: 'changeObjects',
      scope: change.id,
      keyCheck: [(id) => BIGINT.test(id)],
      keyOf: (object) => keys.get(object) ?? [],
      read: async (page) => {
        const rows = await changeObjectPage(this.deps.em, change.id, page);
        for (const row of rows) keys.set(row.object, row.key);
        return rows.map((row) => row.object);
      },
      count: async () => change.objectCount,
    };
  }

  async get(id: string): Promise<Change> {
    const [change] = await changesByIds(this.deps.em, [this.#scope.requireId('Change', id)]);
    return this.#scope.require('Change', id, change, (row) => row.fabric.id);
  }

  /** Changes by id, those in scope (others and missing ones left out): `supersededBy`, `node`. */
  async getMany(ids: readonly string[]): Promise<Map<string, Change>> {
    const found = await changesByIds(
      this.deps.em,
      ids.filter((id) => isUuid(id)),
    );
    return new Map(found.filter((change) => this.#scope.allows(change.fabric.id)).map((change) => [change.id, change]));
  }

  /** The newest change of each fabric (of those in scope), one statement: `Fabric.lastChange`. */
  lastOf(fabricIds: readonly string[]): Promise<Map<string, Change>> {
    return lastChanges(
      this.deps.em,
      fabricIds.filter((id) => this.#scope.allows(id)),
    );
  }

  /** A GitHub pull request was closed (webhook): its proposals become MERGED or CLOSED. */
  pullRequestClosed(event: PullRequestClosed): Promise<Change[]> {
    return recordPullRequestClosed(this.deps.em, this.deps.eventBus, event);
  }

  private async requireFabric(fabricId: string): Promise<void> {
    const count = await this.deps.em.count(FabricSchema, { id: fabricId });
    if (count === 0) throw notFound('Fabric', fabricId);
  }
}
