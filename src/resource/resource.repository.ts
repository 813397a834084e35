/**
 * The reads of the `resource` table that the sync, GitOps and cluster code make, in one place
 * (the live-state writes are cluster/live-state-store.ts). One statement each. Plain SQL where a
 * use reads many rows and needs no entity (blob oids, files, ids, the auto-commit check); ORM
 * finds where the caller changes the rows it gets.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetClause, type KeysetPage } from '../db/keyset-page.ts';
import type { HedgehogObject } from '../hedgehog/canonical.ts';
import { unstorableCharacter } from '../hedgehog/storable-text.ts';
import { LINK_TYPES, readExistingInScope, type ExistingQuery } from '../hedgehog/validation-scope.ts';
import { ResourceSchema, type Resource } from './resource.entity.ts';
import { JSONB_PARAMETER, jsonParameter } from '../db/json-parameter.ts';

/** The database connection an EntityManager reads through. */
export type Connection = ReturnType<EntityManager['getConnection']>;

/** Stored blob oids are asked for by path up to this many paths; a larger change reads them all. */
const STORED_PATHS_BY_NAME = 500;
/** A change touching more paths and identities than this reads the whole fabric instead. */
const ROWS_BY_CONDITION = 500;
/** New rows per insert statement (one JSON parameter each, a few MB at most). */
const INSERT_BATCH = 2000;

export interface ResourceIdentity {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Recorded blob oid per managed file path (the first row wins for a multi-object file), for the
 * given paths, or for the whole fabric when `paths` is null or long. Plain rows, no entities.
 */
export async function storedBlobOids(
  em: EntityManager,
  fabricId: string,
  paths: readonly string[] | null,
): Promise<Map<string, string>> {
  const storedFiles = new Map<string, string>();
  if (paths !== null && paths.length === 0) return storedFiles;
  const byName = paths !== null && paths.length <= STORED_PATHS_BY_NAME;
  const rows = await em
    .getConnection()
    .execute<{ managed_file_path: string; desired_blob_oid: string }[]>(
      `select managed_file_path, desired_blob_oid from resource where fabric_id = ? and ${byName ? `managed_file_path in (${paths.map(() => '?').join(', ')})` : 'managed_file_path is not null'} and desired_blob_oid is not null`,
      byName ? [fabricId, ...paths] : [fabricId],
    );
  for (const row of rows)
    if (!storedFiles.has(row.managed_file_path)) storedFiles.set(row.managed_file_path, row.desired_blob_oid);
  return storedFiles;
}

/** Managed files of the fabric: blob oid and number of objects per path (push plans against these). */
export async function desiredFiles(
  em: EntityManager,
  fabricId: string,
): Promise<{ files: Map<string, string>; objectsPerFile: Map<string, number> }> {
  const rows = await em
    .getConnection()
    .execute<{ managed_file_path: string; desired_blob_oid: string; objects: string }[]>(
      `select managed_file_path, min(desired_blob_oid) as desired_blob_oid, count(*)::text as objects
       from resource where fabric_id = ? and managed_file_path is not null and desired_blob_oid is not null group by managed_file_path`,
      [fabricId],
    );
  return {
    files: new Map(rows.map((row) => [row.managed_file_path, row.desired_blob_oid])),
    objectsPerFile: new Map(rows.map((row) => [row.managed_file_path, Number(row.objects)])),
  };
}

/** The rows a pull changes: recorded in one of `paths`, or with one of `identities` (entities, to be written). */
export async function rowsByPathOrIdentity(
  em: EntityManager,
  fabricId: string,
  paths: readonly string[],
  identities: readonly ResourceIdentity[],
): Promise<Resource[]> {
  if (paths.length === 0 && identities.length === 0) return [];
  // A large change (a first pull) reads the fabric once instead of building a huge condition.
  if (paths.length + identities.length > ROWS_BY_CONDITION) return em.find(ResourceSchema, { fabric: fabricId });
  const or: object[] = [];
  if (paths.length > 0) or.push({ managedFilePath: { $in: [...paths] } });
  for (const identity of identities) or.push(identity);
  return em.find(ResourceSchema, { fabric: fabricId, $or: or } as never);
}

/** The rows of these kinds in the fabric (entities, to be written: ingestion upserts among them). */
export function rowsOfKinds(em: EntityManager, fabricId: string, kinds: readonly string[]): Promise<Resource[]> {
  return em.find(ResourceSchema, { fabric: fabricId, kind: { $in: [...kinds] } });
}

/** The pending drafts of a fabric, in commit order (entities: a push clears them). */
export function pendingDrafts(em: EntityManager, fabricId: string): Promise<Resource[]> {
  return em.find(
    ResourceSchema,
    { fabric: fabricId, draftAction: { $ne: null } },
    { orderBy: { kind: 'asc', name: 'asc' } },
  );
}

/** The columns of one object, whichever state they were read from (see the column lists). */
interface ObjectRow {
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  spec: unknown;
  labels: Record<string, string> | null;
  annotations: Record<string, string> | null;
}

function objectOf(row: ObjectRow): HedgehogObject {
  return {
    apiVersion: row.api_version,
    kind: row.kind,
    metadata: {
      name: row.name,
      namespace: row.namespace,
      ...(row.labels ? { labels: row.labels } : {}),
      ...(row.annotations ? { annotations: row.annotations } : {}),
    },
    spec: row.spec,
  };
}

type DesiredObjectRow = ObjectRow & { managed_file_path: string | null };

const DESIRED_OBJECT_COLUMNS =
  'api_version, kind, namespace, name, desired_spec as spec, desired_labels as labels, desired_annotations as annotations, managed_file_path';

function desiredObjectsOf(rows: readonly DesiredObjectRow[], except?: ReadonlySet<string>): HedgehogObject[] {
  const objects: HedgehogObject[] = [];
  for (const row of rows) {
    if (except && row.managed_file_path !== null && except.has(row.managed_file_path)) continue;
    objects.push(objectOf(row));
  }
  return objects;
}

/**
 * The fabric's desired objects, to validate changed or new input together with them; those
 * recorded in a path of `except` are left out (their files changed or went). Plain rows, apart
 * from the unit of work: hydrating an entity per row cost a one-file pull of a 50,000-object
 * fabric most of its time (about 18 s of 20 on a loaded machine).
 */
export async function desiredObjects(
  em: EntityManager,
  fabricId: string,
  except?: ReadonlySet<string>,
): Promise<HedgehogObject[]> {
  return desiredObjectsOf(await objectRows<DesiredObjectRow>(em, fabricId, DESIRED), except);
}

/**
 * The desired objects a small change is validated against (hedgehog/validation-scope.ts): those
 * `inputs` can reach, read in one statement per round, or the whole fabric when the change is too
 * large to scope. Except paths as in `desiredObjects`.
 */
export async function desiredObjectsFor(
  em: EntityManager,
  fabricId: string,
  inputs: readonly unknown[],
  except?: ReadonlySet<string>,
): Promise<HedgehogObject[]> {
  return (await desiredObjectsInScope(em, fabricId, inputs, except)).objects;
}

/** `desiredObjectsFor`, saying whether it read the whole fabric (`complete`) or a scope of it. */
export async function desiredObjectsInScope(
  em: EntityManager,
  fabricId: string,
  inputs: readonly unknown[],
  except?: ReadonlySet<string>,
): Promise<{ objects: HedgehogObject[]; complete: boolean }> {
  const scoped = await readExistingInScope(inputs, async (query) =>
    desiredObjectsOf(await objectRows<DesiredObjectRow>(em, fabricId, DESIRED, query), except),
  );
  return scoped
    ? { objects: scoped, complete: false }
    : { objects: await desiredObjects(em, fabricId, except), complete: true };
}

/**
 * The rows an ExistingQuery asks for, in one statement: each part is a condition on the
 * (fabric, kind, name) index; "mentions a name" is a text search of the spec, which finds more
 * than asked (any string containing the name in quotes) and is narrowed by the caller.
 * `spec` is the SQL of the spec searched (the desired one, or the one the drafts leave).
 */
function matchingConditions(query: ExistingQuery, spec: string): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const list = (values: readonly unknown[]) => {
    params.push(...values);
    return values.map(() => '?').join(', ');
  };
  // A name no column can hold (U+0000, a lone surrogate) names no stored row; PostgreSQL refuses it as a parameter.
  const storable = (names: readonly string[]) => names.filter((name) => unstorableCharacter(name) === null);
  query = {
    ...query,
    named: query.named && { kinds: query.named.kinds, names: storable(query.named.names) },
    mentioning: query.mentioning && { kinds: query.mentioning.kinds, names: storable(query.mentioning.names) },
    byConnection: query.byConnection && { kinds: query.byConnection.kinds, names: storable(query.byConnection.names) },
  };
  if (query.wholeKinds.length > 0) conditions.push(`kind in (${list(query.wholeKinds)})`);
  if (query.named && query.named.names.length > 0)
    conditions.push(`(kind in (${list(query.named.kinds)}) and name in (${list(query.named.names)}))`);
  if (query.mentioning && query.mentioning.names.length > 0 && query.mentioning.kinds.length > 0) {
    const patterns = query.mentioning.names.flatMap((name) => {
      // As jsonb's text form writes it: a JSON string, of the name, of `<name>/...`, or a key `ext.<name>`.
      const json = escapeLike(JSON.stringify(name).slice(1, -1));
      return [`%"${json}"%`, `%"${json}/%`, `%"ext.${json}"%`];
    });
    conditions.push(
      `(kind in (${list(query.mentioning.kinds)}) and ${spec}::text like any (array[${list(patterns)}]))`,
    );
  }
  if (query.byConnection && query.byConnection.names.length > 0)
    conditions.push(
      `(kind in (${list(query.byConnection.kinds)}) and ${spec}->>'connection' in (${list(query.byConnection.names)}))`,
    );
  if (query.linkConnections)
    conditions.push(`(kind = 'Connection' and jsonb_exists_any(${spec}, array[${list(LINK_TYPES)}]))`);
  return { conditions, params };
}

/** The spec a row's drafts leave: the draft's for an upserting draft, else the desired one. */
const EFFECTIVE_SPEC = `(case when draft_action = 'upsert' then draft_spec else desired_spec end)`;
const EFFECTIVE_OBJECT_COLUMNS = `kind, namespace, name,
  case when draft_action = 'upsert' then coalesce(draft_api_version, api_version) else api_version end as api_version,
  ${EFFECTIVE_SPEC} as spec,
  case when draft_action = 'upsert' then draft_labels else desired_labels end as labels,
  case when draft_action = 'upsert' then draft_annotations else desired_annotations end as annotations`;
/** Rows the drafts leave an object in: not deleted by a draft, with a spec. */
const EFFECTIVE_ROWS = `draft_action is distinct from 'delete' and ${EFFECTIVE_SPEC} is not null`;

/** Which state of a row its object is read from: the SQL of its columns, of its rows and of its spec. */
interface ObjectState {
  columns: string;
  rows: string;
  spec: string;
}
/** The object in Git. */
const DESIRED: ObjectState = {
  columns: DESIRED_OBJECT_COLUMNS,
  rows: 'desired_spec is not null',
  spec: 'desired_spec',
};
/** The object as the fabric's drafts leave it. */
const EFFECTIVE: ObjectState = { columns: EFFECTIVE_OBJECT_COLUMNS, rows: EFFECTIVE_ROWS, spec: EFFECTIVE_SPEC };

/** The rows of a fabric's objects in `state`: all of them, or those `query` asks for (see `matchingConditions`). */
async function objectRows<Row extends ObjectRow>(
  em: EntityManager,
  fabricId: string,
  state: ObjectState,
  query?: ExistingQuery,
): Promise<Row[]> {
  const params: unknown[] = [fabricId];
  let where = `fabric_id = ? and ${state.rows}`;
  if (query) {
    const matching = matchingConditions(query, state.spec);
    if (matching.conditions.length === 0) return [];
    where += ` and (${matching.conditions.join(' or ')})`;
    params.push(...matching.params);
  }
  return em.execute<Row[]>(`select ${state.columns} from resource where ${where}`, params);
}

/**
 * The fabric as its drafts would leave it (a draft's object where there is one, none for a deleted
 * one, else the desired object), to validate a draft against or to review before a commit.
 * Plain rows with only these columns, apart from the unit of work: as entities, each draft of a
 * 10,000-object fabric hydrated every column of every row (all three states' JSON), some 250 MiB
 * of heap and seconds of CPU per draft (docs/performance.md, "Steady memory").
 */
export async function effectiveObjectsOf(em: EntityManager, fabricId: string): Promise<HedgehogObject[]> {
  return (await objectRows(em, fabricId, EFFECTIVE)).map(objectOf);
}

/**
 * The objects the drafts leave that a small change (`inputs`, as written) is validated against
 * (hedgehog/validation-scope.ts), read in one statement per round; the whole of
 * `effectiveObjectsOf` when the change is too large to scope. A draft of a 50,000-object fabric
 * reads the few kinds read whole and what its object names, not every row.
 */
export async function effectiveObjectsFor(
  em: EntityManager,
  fabricId: string,
  inputs: readonly unknown[],
): Promise<HedgehogObject[]> {
  const scoped = await readExistingInScope(inputs, async (query) =>
    (await objectRows(em, fabricId, EFFECTIVE, query)).map(objectOf),
  );
  return scoped ?? effectiveObjectsOf(em, fabricId);
}

/** Ids of every row of a fabric. */
export async function resourceIdsOf(em: EntityManager, fabricId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>('select id from resource where fabric_id = ?', [fabricId]);
  return rows.map((row) => row.id);
}

/** The fabric of each of these rows (rows gone meanwhile are missing from the map). */
export async function fabricIdsOf(em: EntityManager, resourceIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await em.execute<{ id: string; fabric_id: string }[]>(
    `select id, fabric_id from resource where id in (select (jsonb_array_elements_text(${JSONB_PARAMETER}))::uuid)`,
    [jsonParameter(resourceIds)],
  );
  return new Map(rows.map((row) => [row.id, row.fabric_id]));
}

export interface AutoCommitState {
  /** Drafts not in conflict. */
  drafts: number;
  /** Latest edit of one of them. */
  lastDraft: Date | null;
  /** Latest operation the auto-commit launched for the fabric. */
  lastAttempt: Date | null;
}

/** What the auto-commit decides on, in one statement: the fabric's pushable drafts and its last attempt. */
export async function autoCommitState(em: EntityManager, fabricId: string): Promise<AutoCommitState> {
  const [row] = await em
    .getConnection()
    .execute<{ drafts: number; last_draft: Date | null; last_attempt: Date | null }[]>(
      `select count(*)::int as drafts, max(drafted_at) as last_draft,
            (select max(created_at) from sync_operation where fabric_id = ? and initiated_by = 'auto-commit') as last_attempt
       from resource where fabric_id = ? and draft_action is not null and conflict_status not in ('detected', 'resolving')`,
      [fabricId, fabricId],
    );
  return {
    drafts: row?.drafts ?? 0,
    lastDraft: row?.last_draft ? new Date(row.last_draft) : null,
    lastAttempt: row?.last_attempt ? new Date(row.last_attempt) : null,
  };
}

/**
 * The columns of a list page, by the GraphQL field of a resource that needs them. The sort key
 * (kind, namespace, name), the id and the fabric are always read.
 */
const COLUMNS_OF_FIELD: Record<string, readonly string[]> = {
  __typename: [],
  id: [],
  fabric: [],
  kind: [],
  namespace: [],
  name: [],
  apiVersion: ['apiVersion'],
  desired: [
    'desiredSpec',
    'desiredLabels',
    'desiredAnnotations',
    'desiredCommit',
    'managedFilePath',
    'desiredBlobOid',
    'fileHash',
    'lastFileSync',
  ],
  draft: [
    'draftAction',
    'draftApiVersion',
    'draftSpec',
    'draftLabels',
    'draftAnnotations',
    'draftBaseBlobOid',
    'draftedBy',
    'draftedAt',
  ],
  live: [
    'liveSpec',
    'liveStatus',
    'liveLabels',
    'liveAnnotations',
    'liveResourceVersion',
    'liveGeneration',
    'liveObservedAt',
  ],
  hasDraft: ['draftAction'],
  driftStatus: ['driftStatus'],
  driftDetails: ['driftDetails'],
  syncDirection: ['syncDirection'],
  conflictStatus: ['conflictStatus'],
  conflictDetails: ['conflictDetails'],
  externalModifications: ['externalModifications'],
  syncMetadata: ['syncMetadata'],
  version: ['version'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};
const ALL_COLUMNS = [...new Set(Object.values(COLUMNS_OF_FIELD).flat())];
const ALWAYS: readonly string[] = ['id', 'kind', 'namespace', 'name'];

const columnOf = (property: string) => property.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * The select list for the fields a query asks for (null: it could not tell, so every column),
 * aliased to the entity's property names: rows come back shaped as a `Resource`, without the
 * ORM's hydration (which, for a list page, costs more than the query).
 */
function selectList(fields: ReadonlySet<string> | null): string {
  if (fields === null) {
    allColumns ??= buildSelectList(null);
    return allColumns;
  }
  let list = selectListOf.get(fields);
  if (list === undefined) {
    list = buildSelectList(fields);
    selectListOf.set(fields, list);
  }
  return list;
}

/** Kept per set of fields: the GraphQL layer hands the same set for every request with the same document. */
const selectListOf = new WeakMap<ReadonlySet<string>, string>();
let allColumns: string | undefined;

function buildSelectList(fields: ReadonlySet<string> | null): string {
  const known = fields && [...fields].every((field) => field in COLUMNS_OF_FIELD);
  const properties = known ? [...new Set([...fields].flatMap((field) => COLUMNS_OF_FIELD[field] ?? []))] : ALL_COLUMNS;
  return [
    ...ALWAYS,
    'fabric_id',
    ...properties.map((property) =>
      // int8 comes back from pg as text; the entity's number it is.
      property === 'liveGeneration'
        ? `live_generation::float8 as "liveGeneration"`
        : `${columnOf(property)} as "${property}"`,
    ),
  ].join(', ');
}

/** A resource row as a list page reads it: the entity's properties asked for, its fabric as `{ id }`. */
export type ResourceRow = Resource;

export interface ResourceListFilter {
  fabricId: string;
  kind?: string | null;
  namespace?: string | null;
  /** Case-insensitive substring of the name. */
  search?: string | null;
  /** The exact name. */
  name?: string | null;
  hasDraft?: boolean | null;
  conflictStatus?: string | null;
  driftStatus?: string | null;
}

function filterConditions(filter: ResourceListFilter): { conditions: string[]; params: unknown[] } {
  const conditions = ['fabric_id = ?'];
  const params: unknown[] = [filter.fabricId];
  // Text the database cannot store (U+0000, lone surrogates) matches no stored row.
  const texts = [filter.kind, filter.namespace, filter.search, filter.name];
  if (texts.some((text) => text != null && unstorableCharacter(text) !== null)) {
    conditions.push('false');
    return { conditions, params };
  }
  if (filter.name != null) {
    conditions.push('name = ?');
    params.push(filter.name);
  }
  if (filter.kind) {
    conditions.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter.namespace) {
    conditions.push('namespace = ?');
    params.push(filter.namespace);
  }
  if (filter.search) {
    conditions.push(`name ilike ? escape '\\'`);
    params.push(`%${escapeLike(filter.search)}%`);
  }
  if (filter.hasDraft === true) conditions.push('draft_action is not null');
  if (filter.hasDraft === false) conditions.push('draft_action is null');
  if (filter.conflictStatus) {
    conditions.push('conflict_status = ?');
    params.push(filter.conflictStatus);
  }
  if (filter.driftStatus) {
    conditions.push('drift_status = ?');
    params.push(filter.driftStatus);
  }
  return { conditions, params };
}

/**
 * One page of a fabric's resources in (kind, namespace, name) order, the order of the
 * `resource_identity_unique` index: the page is read from the index after (or before) the
 * cursor's key, whatever its depth. One statement; plain rows with only the columns `fields` need.
 */
export async function resourcePage(
  em: EntityManager,
  filter: ResourceListFilter,
  page: KeysetPage,
  fields: ReadonlySet<string> | null,
): Promise<ResourceRow[]> {
  const where = filterConditions(filter);
  const keyset = keysetClause(page, ['kind', 'namespace', 'name']);
  const rows = await em
    .getConnection()
    .execute<(Record<string, unknown> & { fabric_id: string })[]>(
      `select ${selectList(fields)} from resource where ${[...where.conditions, ...keyset.conditions].join(' and ')} order by ${keyset.orderBy} limit ?`,
      [...where.params, ...keyset.params, page.limit + 1],
    );
  return asResourceRows(rows, page);
}

/**
 * `resourcePage` and `countResources` in one statement (a query that asks for the page and its
 * total costs one round trip): the count joined with the page, one row even when the page is empty.
 */
export async function resourcePageCounted(
  em: EntityManager,
  filter: ResourceListFilter,
  page: KeysetPage,
  fields: ReadonlySet<string> | null,
): Promise<{ rows: ResourceRow[]; total: number }> {
  const where = filterConditions(filter);
  const keyset = keysetClause(page, ['kind', 'namespace', 'name']);
  const rows = await em
    .getConnection()
    .execute<(Record<string, unknown> & { fabric_id: string | null; total_count: number })[]>(
      `select p.*, c.total_count from (select count(*)::int as total_count from resource where ${where.conditions.join(' and ')}) c
       left join lateral (select ${selectList(fields)} from resource where ${[...where.conditions, ...keyset.conditions].join(' and ')} order by ${keyset.orderBy} limit ?) p on true
       order by ${keysetClause(page, ['p.kind', 'p.namespace', 'p.name']).orderBy}`,
      [...where.params, ...where.params, ...keyset.params, page.limit + 1],
    );
  const total = rows[0]?.total_count ?? 0;
  const found = rows
    .filter((row) => row.id !== null)
    .map(({ total_count: _total, ...row }) => row as Record<string, unknown> & { fabric_id: string });
  return { rows: asResourceRows(found, page), total };
}

function asResourceRows(rows: (Record<string, unknown> & { fabric_id: string })[], page: KeysetPage): ResourceRow[] {
  if (page.fromEnd) rows.reverse();
  return rows.map(({ fabric_id, ...row }) => ({ ...row, fabric: { id: fabric_id } }) as unknown as ResourceRow);
}

/** Number of a fabric's resources matching the filter (an index scan of the fabric's rows). */
export async function countResources(em: EntityManager, filter: ResourceListFilter): Promise<number> {
  const where = filterConditions(filter);
  const [row] = await em
    .getConnection()
    .execute<{ count: number }[]>(
      `select count(*)::int as count from resource where ${where.conditions.join(' and ')}`,
      where.params,
    );
  return row?.count ?? 0;
}

/** One resource as plain row (see `resourcePage`), or null. */
export async function resourceRow(
  connection: Connection,
  id: string,
  fields: ReadonlySet<string> | null,
): Promise<ResourceRow | null> {
  const [row] = await connection.execute<(Record<string, unknown> & { fabric_id: string })[]>(
    `select ${selectList(fields)} from resource where id = ?`,
    [id],
  );
  if (!row) return null;
  const { fabric_id, ...rest } = row;
  return { ...rest, fabric: { id: fabric_id } } as unknown as ResourceRow;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Rows written at once from which the planner's statistics of `resource` are refreshed right away. */
export const ANALYZE_AFTER_ROWS = 1_000;

/**
 * Refreshes the planner's statistics of `resource` after a write of at least ANALYZE_AFTER_ROWS
 * rows (a first pull, a large ingestion): until autovacuum gets to it, up to a minute later, the
 * planner has none for the new rows and turns list pages and counts into scans of the fabric.
 * ANALYZE samples a bounded number of rows whatever the table's size. Outside a transaction only,
 * so it holds no lock past its own run; returns whether it ran.
 */
export async function analyzeAfterLargeWrite(em: EntityManager, rowsWritten: number): Promise<boolean> {
  if (rowsWritten < ANALYZE_AFTER_ROWS || em.isInTransaction()) return false;
  await em.execute('analyze resource');
  return true;
}

/** A new row that holds a desired state only (what a pull or an ingestion creates). */
export interface NewDesiredRow {
  id: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  spec: unknown;
  labels: Record<string, string> | null;
  annotations: Record<string, string> | null;
  commit: string;
  path: string;
  blobOid: string;
  fileHash: string;
  at: Date;
}

/**
 * Inserts new desired-state rows in statements of up to INSERT_BATCH rows, each one JSON
 * parameter expanded by `jsonb_to_recordset`, in the caller's transaction (run it inside one).
 * The ORM would hold an entity per row in the unit of work and compare them all at the flush:
 * for a first pull of 50,000 objects that was most of the write's time and memory. The other
 * columns take their defaults, as a new entity's do.
 */
export async function insertDesiredRows(
  em: EntityManager,
  fabricId: string,
  rows: readonly NewDesiredRow[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH).map((row) => ({
      id: row.id,
      api_version: row.apiVersion,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      desired_spec: row.spec ?? null,
      desired_labels: row.labels,
      desired_annotations: row.annotations,
      desired_commit: row.commit,
      managed_file_path: row.path,
      desired_blob_oid: row.blobOid,
      file_hash: row.fileHash,
      last_file_sync: row.at.toISOString(),
    }));
    await em.execute(
      `insert into resource (id, fabric_id, api_version, kind, namespace, name, desired_spec, desired_labels,
         desired_annotations, desired_commit, managed_file_path, desired_blob_oid, file_hash, last_file_sync,
         created_at, updated_at)
       select r.id, ?, r.api_version, r.kind, r.namespace, r.name, r.desired_spec, r.desired_labels,
         r.desired_annotations, r.desired_commit, r.managed_file_path, r.desired_blob_oid, r.file_hash,
         r.last_file_sync, now(), now()
       from jsonb_to_recordset(${JSONB_PARAMETER}) as r(id uuid, api_version varchar, kind varchar, namespace varchar,
         name varchar, desired_spec jsonb, desired_labels jsonb, desired_annotations jsonb, desired_commit varchar,
         managed_file_path text, desired_blob_oid varchar, file_hash varchar, last_file_sync timestamptz)`,
      [fabricId, jsonParameter(batch)],
      'run',
    );
  }
}
