/**
 * The reads and bulk writes of the `change` and `change_object` tables. Pages are keyset pages,
 * newest first by (created_at, id), one statement each; change objects of a large pull are
 * inserted in a few statements, never one flush round trip per object.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetClause, type KeysetPage, type SortKey } from '../db/keyset-page.ts';
import { unstorableCharacter } from '../hedgehog/storable-text.ts';
import {
  ChangeObjectSchema,
  ChangeSchema,
  type Change,
  type ChangeObject,
  type ChangeObjectAction,
  type ChangeStage,
  type CommittedContent,
} from './change.entity.ts';
import { JSONB_PARAMETER, jsonParameter } from '../db/json-parameter.ts';

/** New change objects per insert statement (one JSON parameter each). */
const INSERT_BATCH = 2000;
/** `created_at` as the cursor carries it: UTC, microseconds. */
const CREATED_AT_TEXT = `to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface ChangeListFilter {
  /** One fabric's changes, or (null) those of every fabric in `fabricIds`. */
  fabricId: string | null;
  /** Fabrics in scope (null: every fabric). */
  fabricIds: readonly string[] | null;
  stage?: ChangeStage | null;
}

/** A change of a page with the key its cursor carries. */
export interface ChangeRow {
  change: Change;
  key: SortKey;
}

function changeConditions(filter: ChangeListFilter): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.fabricId) {
    conditions.push('c.fabric_id = ?');
    params.push(filter.fabricId);
  }
  if (filter.fabricIds) {
    if (filter.fabricIds.length === 0) conditions.push('false');
    else {
      conditions.push(`c.fabric_id in (${filter.fabricIds.map(() => '?').join(', ')})`);
      params.push(...filter.fabricIds);
    }
  }
  if (filter.stage) {
    conditions.push('c.stage = ?');
    params.push(filter.stage);
  }
  return { conditions, params };
}

function toRows(
  em: EntityManager,
  rows: (Record<string, unknown> & { cursor_created_at: string })[],
  page: KeysetPage,
) {
  if (page.fromEnd) rows.reverse();
  return rows.map(({ cursor_created_at, ...row }) => ({
    change: em.map(ChangeSchema, row as never),
    key: [cursor_created_at, row.id as string],
  }));
}

/** One page of changes, newest first ((created_at, id) descending). One statement. */
export async function changePage(em: EntityManager, filter: ChangeListFilter, page: KeysetPage): Promise<ChangeRow[]> {
  const where = changeConditions(filter);
  const keyset = keysetClause(page, ['c.created_at', 'c.id'], { descending: true, casts: ['timestamptz', 'uuid'] });
  const conditions = [...where.conditions, ...keyset.conditions];
  const rows = await em
    .getConnection()
    .execute<(Record<string, unknown> & { cursor_created_at: string })[]>(
      `select c.*, ${CREATED_AT_TEXT} as cursor_created_at from change c${conditions.length > 0 ? ` where ${conditions.join(' and ')}` : ''} order by ${keyset.orderBy} limit ?`,
      [...where.params, ...keyset.params, page.limit + 1],
    );
  return toRows(em, rows, page);
}

/** Number of changes matching the filter. */
export async function countChanges(em: EntityManager, filter: ChangeListFilter): Promise<number> {
  const where = changeConditions(filter);
  const [row] = await em
    .getConnection()
    .execute<{ count: number }[]>(
      `select count(*)::int as count from change c${where.conditions.length > 0 ? ` where ${where.conditions.join(' and ')}` : ''}`,
      where.params,
    );
  return row?.count ?? 0;
}

/** An object by identity in a fabric (a deleted and recreated object keeps its history). */
export interface ObjectIdentity {
  fabricId: string;
  kind: string;
  namespace: string;
  name: string;
}

const identityStorable = (identity: ObjectIdentity) =>
  [identity.kind, identity.namespace, identity.name].every((text) => unstorableCharacter(text) === null);

/** One page of the changes that touched an object, newest first. One statement. */
export async function objectChangePage(
  em: EntityManager,
  identity: ObjectIdentity,
  page: KeysetPage,
): Promise<ChangeRow[]> {
  if (!identityStorable(identity)) return [];
  const keyset = keysetClause(page, ['c.created_at', 'c.id'], { descending: true, casts: ['timestamptz', 'uuid'] });
  const rows = await em.getConnection().execute<(Record<string, unknown> & { cursor_created_at: string })[]>(
    `select c.*, ${CREATED_AT_TEXT} as cursor_created_at from change c
       where c.id in (select o.change_id from change_object o where o.fabric_id = ? and o.kind = ? and o.namespace = ? and o.name = ?)
       ${keyset.conditions.map((condition) => `and ${condition}`).join(' ')}
       order by ${keyset.orderBy} limit ?`,
    [identity.fabricId, identity.kind, identity.namespace, identity.name, ...keyset.params, page.limit + 1],
  );
  return toRows(em, rows, page);
}

/** Number of changes that touched an object. */
export async function countObjectChanges(em: EntityManager, identity: ObjectIdentity): Promise<number> {
  if (!identityStorable(identity)) return 0;
  const [row] = await em
    .getConnection()
    .execute<{ count: number }[]>(
      `select count(distinct change_id)::int as count from change_object where fabric_id = ? and kind = ? and namespace = ? and name = ?`,
      [identity.fabricId, identity.kind, identity.namespace, identity.name],
    );
  return row?.count ?? 0;
}

/** The newest change of each fabric (the API's `Fabric.lastChange`), one statement for all of them. */
export async function lastChanges(em: EntityManager, fabricIds: readonly string[]): Promise<Map<string, Change>> {
  const found = new Map<string, Change>();
  if (fabricIds.length === 0) return found;
  const rows = await em.getConnection().execute<(Record<string, unknown> & { fabric_id: string })[]>(
    `select l.* from (select (jsonb_array_elements_text(${JSONB_PARAMETER}))::uuid as fabric_id) f
     join lateral (select c.* from change c where c.fabric_id = f.fabric_id order by c.created_at desc, c.id desc limit 1) l on true`,
    [jsonParameter(fabricIds)],
  );
  for (const row of rows) found.set(row.fabric_id, em.map(ChangeSchema, row as never));
  return found;
}

/** Changes by id (missing ones are left out), one statement. */
export async function changesByIds(em: EntityManager, ids: readonly string[]): Promise<Change[]> {
  if (ids.length === 0) return [];
  const rows = await em
    .getConnection()
    .execute<Record<string, unknown>[]>(
      `select c.* from change c where c.id in (select (jsonb_array_elements_text(${JSONB_PARAMETER}))::uuid)`,
      [jsonParameter(ids)],
    );
  return rows.map((row) => em.map(ChangeSchema, row as never));
}

/** The fabric's changes not in a final stage (entities: the tracker and the recorder move them). */
export function openChanges(em: EntityManager, fabricId: string): Promise<Change[]> {
  return em.find(ChangeSchema, { fabric: fabricId, open: true }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** A change object as the recorder writes it. */
export interface NewChangeObject {
  kind: string;
  namespace: string;
  name: string;
  resourceId: string | null;
  action: ChangeObjectAction;
  committed: CommittedContent | null;
  previous: CommittedContent | null;
}

/**
 * Inserts a change's objects in statements of up to INSERT_BATCH rows, each one JSON parameter
 * expanded by `jsonb_to_recordset`, in the caller's transaction (the change row is written
 * before: the foreign key).
 */
export async function insertChangeObjects(
  em: EntityManager,
  change: { id: string; fabricId: string },
  objects: readonly NewChangeObject[],
): Promise<void> {
  for (let start = 0; start < objects.length; start += INSERT_BATCH) {
    const batch = objects.slice(start, start + INSERT_BATCH).map((object) => ({
      kind: object.kind,
      namespace: object.namespace,
      name: object.name,
      resource_id: object.resourceId,
      action: object.action,
      committed: object.committed,
      previous: object.previous,
    }));
    await em.execute(
      `insert into change_object (change_id, fabric_id, resource_id, kind, namespace, name, action, committed, previous)
       select ?, ?, r.resource_id, r.kind, r.namespace, r.name, r.action, r.committed, r.previous
       from jsonb_to_recordset(${JSONB_PARAMETER}) as r(resource_id uuid, kind varchar, namespace varchar, name varchar,
         action text, committed jsonb, previous jsonb)`,
      [change.id, change.fabricId, jsonParameter(batch)],
      'run',
    );
  }
}

/** A change object as read for comparison (plain data, not managed). */
export interface StoredChangeObject {
  changeId: string;
  kind: string;
  namespace: string;
  name: string;
  action: ChangeObjectAction;
  committed: CommittedContent | null;
  previous: CommittedContent | null;
}

/** The objects of these changes, plain rows in insertion order. One statement. */
export async function objectsOfChanges(em: EntityManager, changeIds: readonly string[]): Promise<StoredChangeObject[]> {
  if (changeIds.length === 0) return [];
  const rows = await em.getConnection().execute<
    {
      change_id: string;
      kind: string;
      namespace: string;
      name: string;
      action: ChangeObjectAction;
      committed: CommittedContent | null;
      previous: CommittedContent | null;
    }[]
  >(
    `select change_id, kind, namespace, name, action, committed, previous from change_object
     where change_id in (select (jsonb_array_elements_text(${JSONB_PARAMETER}))::uuid) order by id`,
    [jsonParameter(changeIds)],
  );
  return rows.map((row) => ({
    changeId: row.change_id,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    action: row.action,
    committed: row.committed,
    previous: row.previous,
  }));
}

/** Kind, namespace and name alone (callers pass objects with their content: not sent). */
const identityOnly = (identity: { kind: string; namespace: string; name: string }) => ({
  kind: identity.kind,
  namespace: identity.namespace,
  name: identity.name,
});

/** Open changes of a fabric that touched one of `identities` (ids only), one statement. */
export async function openChangesTouching(
  em: EntityManager,
  fabricId: string,
  identities: readonly { kind: string; namespace: string; name: string }[],
): Promise<string[]> {
  if (identities.length === 0) return [];
  // In the caller's transaction (em.execute), like the writes around it.
  const rows = await em.execute<{ id: string }[]>(
    `select distinct c.id from change c
     join change_object o on o.change_id = c.id
     join jsonb_to_recordset(${JSONB_PARAMETER}) as t(kind varchar, namespace varchar, name varchar)
       on o.kind = t.kind and o.namespace = t.namespace and o.name = t.name
     where c.fabric_id = ? and c.open and o.fabric_id = ?`,
    [jsonParameter(identities.map(identityOnly)), fabricId, fabricId],
  );
  return rows.map((row) => row.id);
}

/** One page of a change's objects, in the order recorded (by id); `after` is an id. */
export async function changeObjectPage(
  em: EntityManager,
  changeId: string,
  page: KeysetPage,
): Promise<{ object: ChangeObject; key: SortKey }[]> {
  const keyset = keysetClause(page, ['id'], { casts: ['bigint'] });
  const rows = await em
    .getConnection()
    .execute<Record<string, unknown>[]>(
      `select * from change_object where change_id = ? ${keyset.conditions.map((condition) => `and ${condition}`).join(' ')} order by ${keyset.orderBy} limit ?`,
      [changeId, ...keyset.params, page.limit + 1],
    );
  if (page.fromEnd) rows.reverse();
  return rows.map((row) => ({ object: em.map(ChangeObjectSchema, row as never), key: [String(row.id)] }));
}

/** An open proposal of the gateway's (PROPOSED, or MERGED by a webhook before the pull came). */
export interface OpenProposal {
  id: string;
  stage: ChangeStage;
}

/** The fabric's open pull-request changes in PROPOSED or MERGED, plain rows. One statement. */
export async function openProposals(em: EntityManager, fabricId: string): Promise<OpenProposal[]> {
  return em
    .getConnection()
    .execute<OpenProposal[]>(
      `select id, stage from change where fabric_id = ? and open and source = 'pull_request' and stage in ('PROPOSED', 'MERGED') order by created_at, id`,
      [fabricId],
    );
}

/** Commits the fabric's latest changes recorded (where listing an external change's commits stops). */
export async function recordedCommitOids(em: EntityManager, fabricId: string, limit = 50): Promise<Set<string>> {
  const rows = await em.getConnection().execute<{ oid: string | null }[]>(
    `select x.oid from (select commit_oid, merge_commit_oid, commits from change where fabric_id = ? order by created_at desc, id desc limit ?) c
     cross join lateral (select c.commit_oid as oid union all select c.merge_commit_oid
       union all select e->>'oid' from jsonb_array_elements(c.commits) e) x`,
    [fabricId, limit],
  );
  return new Set(rows.flatMap((row) => (row.oid ? [row.oid] : [])));
}

/** The desired content of these objects now (absent ones are missing from the map), keyed `kind\0namespace\0name`. */
export async function desiredContents(
  em: EntityManager,
  fabricId: string,
  identities: readonly { kind: string; namespace: string; name: string }[],
): Promise<Map<string, CommittedContent>> {
  const found = new Map<string, CommittedContent>();
  if (identities.length === 0) return found;
  const rows = await em.getConnection().execute<
    {
      kind: string;
      namespace: string;
      name: string;
      api_version: string;
      desired_spec: unknown;
      desired_labels: Record<string, string> | null;
      desired_annotations: Record<string, string> | null;
    }[]
  >(
    `select r.kind, r.namespace, r.name, r.api_version, r.desired_spec, r.desired_labels, r.desired_annotations
     from resource r join jsonb_to_recordset(${JSONB_PARAMETER}) as t(kind varchar, namespace varchar, name varchar)
       on r.kind = t.kind and r.namespace = t.namespace and r.name = t.name
     where r.fabric_id = ? and r.desired_spec is not null`,
    [jsonParameter(identities.map(identityOnly)), fabricId],
  );
  for (const row of rows)
    found.set(`${row.kind}\u0000${row.namespace}\u0000${row.name}`, {
      apiVersion: row.api_version,
      spec: row.desired_spec,
      labels: row.desired_labels,
      annotations: row.desired_annotations,
    });
  return found;
}
