/**
 * Live state and drift in the resource rows: batched writes of cluster changes and drift
 * recomputation. Plain SQL (one statement per step, whatever the batch size) because a relist
 * of 10,000 objects must not become 10,000 ORM updates, and because live changes must not bump
 * the row's `version` (that guards API edits, which a cluster event must never make fail).
 *
 * Every write locks the rows it reads (`for update`) and computes drift from the committed
 * desired state inside the same transaction, so a concurrent Git ingestion that calls
 * `recomputeDrift` afterwards always ends with drift computed from both latest sides.
 *
 * Nothing here creates drafts or touches desired columns: cluster data never echoes into Git.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { JSONB_PARAMETER, jsonParameter } from '../db/json-parameter.ts';
import { normalizeForDrift, type HedgehogObject } from '../hedgehog/canonical.ts';
import type { ClusterObject } from './cluster-client.ts';
import { computeDrift, type DriftStatus, type KubeLikeObject } from './drift.ts';

/** The entity's lowercase drift values. */
export type StoredDriftStatus = 'in_sync' | 'spec_drift' | 'desired_only' | 'live_only' | 'unknown';

export interface StoredDriftDifference {
  path: string;
  desired?: unknown;
  live?: unknown;
}

/** Whether drift can be known for a kind of a fabric (cluster connected, kind served and listed). */
export interface ClusterSyncState {
  isKindSynced(fabricId: string, kind: string): boolean;
}

/** What changed for one kind of one fabric since the last write, coalesced. */
export interface KindChanges {
  /** Set after a full (re)list: the complete set of live objects of the kind, by objectKey. */
  relisted?: Map<string, ClusterObject>;
  /** Upserts (object) and deletes (null) after the relist, by objectKey; the last one wins. */
  changes: Map<string, ClusterObject | null>;
}

export interface LiveChangeSummary {
  /** Rows whose live state changed. */
  live: { resourceId: string; kind: string; namespace: string; name: string; action: 'upsert' | 'delete' }[];
  /** Rows whose drift status changed (removed rows are not listed). */
  drift: {
    resourceId: string;
    kind: string;
    namespace: string;
    name: string;
    from: StoredDriftStatus;
    to: StoredDriftStatus;
  }[];
  /** Live-only rows deleted because the cluster no longer has the object. */
  removed: number;
}

interface Row {
  id: string;
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  desired_spec: unknown;
  desired_labels: Record<string, string> | null;
  desired_annotations: Record<string, string> | null;
  draft_action: string | null;
  drift_status: StoredDriftStatus;
  drift_details: unknown;
  live_spec: unknown;
  live_labels: Record<string, string> | null;
  live_annotations: Record<string, string> | null;
  live_resource_version: string | null;
}

const ROW_COLUMNS = `id, api_version, kind, namespace, name, desired_spec, desired_labels, desired_annotations, draft_action,
  drift_status, drift_details, live_spec, live_labels, live_annotations, live_resource_version`;

/** Rows per statement: keeps each JSON parameter a few MB at most. */
const CHUNK = 2000;

const toStored = (status: DriftStatus): StoredDriftStatus => status.toLowerCase() as StoredDriftStatus;

/**
 * Drift of one row (pure). Desired is Git's version (drafts are not compared: they are not in Git
 * yet); live is present when the row has a live resourceVersion.
 */
export function driftOfRow(
  row: {
    apiVersion: string;
    kind: string;
    namespace: string;
    name: string;
    desiredSpec: unknown;
    desiredLabels: Record<string, string> | null;
    desiredAnnotations: Record<string, string> | null;
    liveResourceVersion: string | null;
    liveSpec: unknown;
    liveLabels: Record<string, string> | null;
    liveAnnotations: Record<string, string> | null;
  },
  synced: boolean,
): { status: StoredDriftStatus; details: StoredDriftDifference[] } {
  const object = (
    spec: unknown,
    labels: Record<string, string> | null,
    annotations: Record<string, string> | null,
  ): KubeLikeObject => ({
    metadata: {
      name: row.name,
      namespace: row.namespace,
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
    ...(spec != null ? { spec } : {}),
  });
  const result = computeDrift({
    desired: row.desiredSpec != null ? object(row.desiredSpec, row.desiredLabels, row.desiredAnnotations) : undefined,
    live: row.liveResourceVersion != null ? object(row.liveSpec, row.liveLabels, row.liveAnnotations) : undefined,
    clusterConnected: synced,
    normalize: (o) =>
      normalizeForDrift({
        apiVersion: row.apiVersion,
        kind: row.kind,
        ...(o as Omit<HedgehogObject, 'apiVersion' | 'kind'>),
      }),
  });
  return {
    status: toStored(result.status),
    details: result.differences.map((d) => ({
      path: d.path,
      ...(d.desired !== undefined ? { desired: d.desired } : {}),
      ...(d.live !== undefined ? { live: d.live } : {}),
    })),
  };
}

function rowDrift(row: Row, synced: boolean) {
  return driftOfRow(
    {
      apiVersion: row.api_version,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      desiredSpec: row.desired_spec,
      desiredLabels: row.desired_labels,
      desiredAnnotations: row.desired_annotations,
      liveResourceVersion: row.live_resource_version,
      liveSpec: row.live_spec,
      liveLabels: row.live_labels,
      liveAnnotations: row.live_annotations,
    },
    synced,
  );
}

const identity = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}\u0000${name}`;
const namespaceOf = (object: ClusterObject) => object.metadata.namespace || 'default';

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Live columns of an object, with absent values left out (absent keys become SQL null). */
function liveRecord(object: ClusterObject): Record<string, unknown> {
  const record: Record<string, unknown> = {
    live_resource_version: object.metadata.resourceVersion ?? '0',
  };
  if (object.spec != null) record.live_spec = object.spec;
  if (object.status != null) record.live_status = object.status;
  if (object.metadata.labels) record.live_labels = object.metadata.labels;
  if (object.metadata.annotations) record.live_annotations = object.metadata.annotations;
  if (typeof object.metadata.generation === 'number') record.live_generation = object.metadata.generation;
  return record;
}

const LIVE_RECORD_TYPES = `live_spec jsonb, live_status jsonb, live_labels jsonb, live_annotations jsonb, live_resource_version text, live_generation bigint`;

/**
 * Applies coalesced cluster changes of one fabric in one transaction: upserts create or update
 * rows, deletes clear live state (and remove rows with nothing else left), a relist replaces the
 * live view of its kind. Drift is recomputed for every row touched.
 */
export async function applyLiveChanges(
  em: EntityManager,
  fabricId: string,
  changesByKind: ReadonlyMap<string, KindChanges>,
  sync: ClusterSyncState,
): Promise<LiveChangeSummary> {
  const summary: LiveChangeSummary = { live: [], drift: [], removed: 0 };
  if (changesByKind.size === 0) return summary;
  await em.transactional(async (tx) => {
    // What the cluster has now, per identity (null = deleted), for the rows touched.
    const target = new Map<
      string,
      { kind: string; namespace: string; name: string; apiVersion: string; object: ClusterObject | null }
    >();
    const relistedKinds: string[] = [];
    for (const [kind, changes] of changesByKind) {
      if (changes.relisted) {
        relistedKinds.push(kind);
        for (const object of changes.relisted.values()) {
          target.set(identity(kind, namespaceOf(object), object.metadata.name), {
            kind,
            namespace: namespaceOf(object),
            name: object.metadata.name,
            apiVersion: object.apiVersion,
            object,
          });
        }
      }
      for (const [key, object] of changes.changes) {
        const [namespace = 'default', name = key] = key.includes('/') ? key.split('/', 2) : ['default', key];
        target.set(identity(kind, namespace, name), {
          kind,
          namespace,
          name,
          apiVersion: object?.apiVersion ?? '',
          object,
        });
      }
    }
    // Two lookups, each on an index: whole relisted kinds, and the named objects of the others.
    const relisted = new Set(relistedKinds);
    const explicit = [...target.values()]
      .filter((t) => !relisted.has(t.kind))
      .map((t) => ({ k: t.kind, ns: t.namespace, n: t.name }));
    const rows: Row[] = [];
    if (relistedKinds.length > 0) {
      rows.push(
        ...(await tx.execute<Row[]>(
          `select ${ROW_COLUMNS} from resource where fabric_id = ? and kind in (select jsonb_array_elements_text(${JSONB_PARAMETER})) order by id for update`,
          [fabricId, jsonParameter(relistedKinds)],
        )),
      );
    }
    if (explicit.length > 0) {
      rows.push(
        ...(await tx.execute<Row[]>(
          `select ${ROW_COLUMNS.replace(/(\w+)/g, 'r.$1')} from resource r
         join jsonb_to_recordset(${JSONB_PARAMETER}) as x(k text, ns text, n text) on r.kind = x.k and r.namespace = x.ns and r.name = x.n
         where r.fabric_id = ? order by r.id for update of r`,
          [jsonParameter(explicit), fabricId],
        )),
      );
    }

    const inserts: Record<string, unknown>[] = [];
    const updates: Record<string, unknown>[] = [];
    const removals: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const key = identity(row.kind, row.namespace, row.name);
      seen.add(key);
      const wanted = target.get(key);
      // A row of a relisted kind that the list does not have is gone from the cluster.
      const object = wanted ? wanted.object : null;
      if (!object && row.live_resource_version == null) {
        // Nothing live before, nothing now; a kind that just synced may still change its drift.
        const drift = rowDrift(row, sync.isKindSynced(fabricId, row.kind));
        if (drift.status !== row.drift_status || JSON.stringify(drift.details) !== JSON.stringify(row.drift_details)) {
          updates.push({ id: row.id, keep_live: true, drift_status: drift.status, drift_details: drift.details });
          summary.drift.push({
            resourceId: row.id,
            kind: row.kind,
            namespace: row.namespace,
            name: row.name,
            from: row.drift_status,
            to: drift.status,
          });
        }
        continue;
      }
      if (
        object &&
        object.metadata.resourceVersion === row.live_resource_version &&
        object.metadata.resourceVersion !== undefined
      ) {
        // Unchanged object (a relist repeats what we have): only drift may change (kind just synced).
        const drift = rowDrift(row, sync.isKindSynced(fabricId, row.kind));
        if (drift.status !== row.drift_status) {
          updates.push({ id: row.id, keep_live: true, drift_status: drift.status, drift_details: drift.details });
          summary.drift.push({
            resourceId: row.id,
            kind: row.kind,
            namespace: row.namespace,
            name: row.name,
            from: row.drift_status,
            to: drift.status,
          });
        }
        continue;
      }
      if (!object && row.desired_spec == null && row.draft_action == null) {
        removals.push(row.id);
        summary.live.push({
          resourceId: row.id,
          kind: row.kind,
          namespace: row.namespace,
          name: row.name,
          action: 'delete',
        });
        continue;
      }
      const live = object ? liveRecord(object) : {};
      const next: Row = {
        ...row,
        live_spec: (live.live_spec as unknown) ?? null,
        live_labels: (live.live_labels as Record<string, string>) ?? null,
        live_annotations: (live.live_annotations as Record<string, string>) ?? null,
        live_resource_version: (live.live_resource_version as string) ?? null,
      };
      const drift = rowDrift(next, sync.isKindSynced(fabricId, row.kind));
      updates.push({ id: row.id, ...live, drift_status: drift.status, drift_details: drift.details });
      summary.live.push({
        resourceId: row.id,
        kind: row.kind,
        namespace: row.namespace,
        name: row.name,
        action: object ? 'upsert' : 'delete',
      });
      if (drift.status !== row.drift_status) {
        summary.drift.push({
          resourceId: row.id,
          kind: row.kind,
          namespace: row.namespace,
          name: row.name,
          from: row.drift_status,
          to: drift.status,
        });
      }
    }
    for (const [key, wanted] of target) {
      if (seen.has(key) || !wanted.object) continue;
      const id = crypto.randomUUID();
      // Live-only: nothing in Git. LIVE_ONLY once the kind is synced (it is, when objects arrive).
      const status: StoredDriftStatus = sync.isKindSynced(fabricId, wanted.kind) ? 'live_only' : 'unknown';
      inserts.push({
        id,
        api_version: wanted.apiVersion,
        kind: wanted.kind,
        namespace: wanted.namespace,
        name: wanted.name,
        ...liveRecord(wanted.object),
        drift_status: status,
        drift_details: [],
      });
      summary.live.push({
        resourceId: id,
        kind: wanted.kind,
        namespace: wanted.namespace,
        name: wanted.name,
        action: 'upsert',
      });
      summary.drift.push({
        resourceId: id,
        kind: wanted.kind,
        namespace: wanted.namespace,
        name: wanted.name,
        from: 'unknown',
        to: status,
      });
    }

    for (const batch of chunks(inserts)) {
      await tx.execute(
        `insert into resource (id, fabric_id, api_version, kind, namespace, name, live_spec, live_status, live_labels, live_annotations,
           live_resource_version, live_generation, live_observed_at, drift_status, drift_details, created_at, updated_at)
         select x.id, ?, x.api_version, x.kind, x.namespace, x.name, x.live_spec, x.live_status, x.live_labels, x.live_annotations,
           x.live_resource_version, x.live_generation, now(), x.drift_status, x.drift_details, now(), now()
         from jsonb_to_recordset(${JSONB_PARAMETER}) as x(id uuid, api_version text, kind text, namespace text, name text, ${LIVE_RECORD_TYPES},
           drift_status text, drift_details jsonb)
         on conflict (fabric_id, kind, namespace, name) do update set
           live_spec = excluded.live_spec, live_status = excluded.live_status, live_labels = excluded.live_labels,
           live_annotations = excluded.live_annotations, live_resource_version = excluded.live_resource_version,
           live_generation = excluded.live_generation, live_observed_at = excluded.live_observed_at, updated_at = now()`,
        [fabricId, jsonParameter(batch)],
      );
    }
    for (const batch of chunks(updates)) {
      await tx.execute(
        `update resource r set
           live_spec = case when x.keep_live then r.live_spec else x.live_spec end,
           live_status = case when x.keep_live then r.live_status else x.live_status end,
           live_labels = case when x.keep_live then r.live_labels else x.live_labels end,
           live_annotations = case when x.keep_live then r.live_annotations else x.live_annotations end,
           live_resource_version = case when x.keep_live then r.live_resource_version else x.live_resource_version end,
           live_generation = case when x.keep_live then r.live_generation else x.live_generation end,
           live_observed_at = case when x.keep_live then r.live_observed_at when x.live_resource_version is null then null else now() end,
           drift_status = x.drift_status, drift_details = x.drift_details, updated_at = now()
         from jsonb_to_recordset(${JSONB_PARAMETER}) as x(id uuid, keep_live boolean, ${LIVE_RECORD_TYPES}, drift_status text, drift_details jsonb)
         where r.id = x.id`,
        [jsonParameter(batch.map((u) => ({ keep_live: false, ...u })))],
      );
    }
    for (const batch of chunks(removals)) {
      // Re-checked in SQL: a draft or desired state written meanwhile keeps the row.
      const removed = await tx.execute<{ affectedRows?: number }>(
        `delete from resource where fabric_id = ? and id in (select (jsonb_array_elements_text(${JSONB_PARAMETER}))::uuid)
           and desired_spec is null and draft_action is null`,
        [fabricId, jsonParameter(batch)],
        'run',
      );
      summary.removed += removed.affectedRows ?? batch.length;
    }
  });
  return summary;
}

/**
 * Recomputes and stores the drift of the given rows from their current desired and live state.
 * Call it after changing desired state (Git ingestion, pull); returns the rows whose status changed.
 */
export async function recomputeDrift(
  em: EntityManager,
  resourceIds: readonly string[],
  sync: ClusterSyncState,
): Promise<LiveChangeSummary['drift']> {
  const changed: LiveChangeSummary['drift'] = [];
  if (resourceIds.length === 0) return changed;
  await em.transactional(async (tx) => {
    for (const ids of chunks([...resourceIds])) {
      const rows = await tx.execute<(Row & { fabric_id: string })[]>(
        `select fabric_id, ${ROW_COLUMNS} from resource where id in (select (jsonb_array_elements_text(${JSONB_PARAMETER}))::uuid) order by id for update`,
        [jsonParameter(ids)],
      );
      const updates: Record<string, unknown>[] = [];
      for (const row of rows) {
        const drift = rowDrift(row, sync.isKindSynced(row.fabric_id, row.kind));
        if (drift.status === row.drift_status && JSON.stringify(drift.details) === JSON.stringify(row.drift_details))
          continue;
        updates.push({ id: row.id, drift_status: drift.status, drift_details: drift.details });
        if (drift.status !== row.drift_status) {
          changed.push({
            resourceId: row.id,
            kind: row.kind,
            namespace: row.namespace,
            name: row.name,
            from: row.drift_status,
            to: drift.status,
          });
        }
      }
      if (updates.length === 0) continue;
      await tx.execute(
        `update resource r set drift_status = x.drift_status, drift_details = x.drift_details
         from jsonb_to_recordset(${JSONB_PARAMETER}) as x(id uuid, drift_status text, drift_details jsonb) where r.id = x.id`,
        [jsonParameter(updates)],
      );
    }
  });
  return changed;
}

/**
 * Forgets the live state of whole kinds (the cluster stopped serving them, or the fabric lost its
 * cluster): live columns cleared, live-only rows removed, drift UNKNOWN.
 */
export async function forgetLiveKinds(
  em: EntityManager,
  fabricId: string,
  kinds: readonly string[] | 'all',
): Promise<void> {
  const kindFilter = kinds === 'all' ? '' : `and kind in (select jsonb_array_elements_text(${JSONB_PARAMETER}))`;
  const params = kinds === 'all' ? [fabricId] : [fabricId, jsonParameter(kinds)];
  await em.transactional(async (tx) => {
    await tx.execute(
      `delete from resource where fabric_id = ? ${kindFilter} and desired_spec is null and draft_action is null`,
      params,
      'run',
    );
    await tx.execute(
      `update resource set live_spec = null, live_status = null, live_labels = null, live_annotations = null, live_resource_version = null,
         live_generation = null, live_observed_at = null, drift_status = 'unknown', drift_details = '[]'::jsonb
       where fabric_id = ? ${kindFilter} and (live_resource_version is not null or drift_status <> 'unknown')`,
      params,
      'run',
    );
  });
}

export type DriftCountsByStatus = Record<StoredDriftStatus, number>;

export interface StoredDriftSummary {
  total: number;
  byStatus: DriftCountsByStatus;
  byKind: { kind: string; counts: DriftCountsByStatus }[];
}

const emptyCounts = (): DriftCountsByStatus => ({
  in_sync: 0,
  spec_drift: 0,
  desired_only: 0,
  live_only: 0,
  unknown: 0,
});

/** Counts of one fabric's rows by drift status and by kind (one grouped query). */
export async function driftSummary(em: EntityManager, fabricId: string): Promise<StoredDriftSummary> {
  const rows = await em.execute<{ kind: string; drift_status: StoredDriftStatus; n: number | string }[]>(
    `select kind, drift_status, count(*) as n from resource where fabric_id = ? group by kind, drift_status order by kind`,
    [fabricId],
  );
  const byStatus = emptyCounts();
  const byKind = new Map<string, DriftCountsByStatus>();
  let total = 0;
  for (const row of rows) {
    const n = Number(row.n);
    total += n;
    byStatus[row.drift_status] += n;
    let counts = byKind.get(row.kind);
    if (!counts) {
      counts = emptyCounts();
      byKind.set(row.kind, counts);
    }
    counts[row.drift_status] += n;
  }
  return { total, byStatus, byKind: [...byKind].map(([kind, counts]) => ({ kind, counts })) };
}

/** Objects that differ between Git and the cluster (SPEC_DRIFT, DESIRED_ONLY, LIVE_ONLY). */
export const driftedCount = (counts: DriftCountsByStatus) => counts.spec_drift + counts.desired_only + counts.live_only;

/**
 * Stores the fabric's roll-up: `drift_counts` by status (the per-kind split is served by
 * `driftSummary`) and `drift_count`. Returns the summary.
 */
export async function storeDriftRollup(em: EntityManager, fabricId: string): Promise<StoredDriftSummary> {
  const summary = await driftSummary(em, fabricId);
  await em.execute(
    `update fabric set drift_counts = ?::jsonb, drift_count = ? where id = ?`,
    [JSON.stringify(summary.byStatus), driftedCount(summary.byStatus), fabricId],
    'run',
  );
  return summary;
}
