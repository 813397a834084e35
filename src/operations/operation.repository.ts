/**
 * The SQL of the `sync_operation` table that the ORM does not express, in one place: the lock that
 * serialises launches of one job key, the cancel request, which is a JSON merge into `details` so
 * that it never overwrites what the replica running the operation writes there, and the keyset
 * pages of the API's `syncOperations`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetClause, type KeysetPage, type SortKey } from '../db/keyset-page.ts';
import { SyncOperationSchema, type SyncOperation } from './sync-operation.entity.ts';

/**
 * Holds a transaction lock on a job key until `em`'s transaction ends: two launches of the same
 * key (a webhook and a head check, two replicas) run one after the other. Inside a transaction only.
 */
export async function lockJobKey(em: EntityManager, jobKey: string): Promise<void> {
  await em
    .getConnection()
    .execute(
      'select pg_advisory_xact_lock(hashtext(?))',
      [`sync-operation-job:${jobKey}`],
      'all',
      em.getTransactionContext(),
    );
}

/** Records who asked to cancel a running operation (a JSON merge); false when it is no longer running. */
export async function recordCancelRequest(em: EntityManager, operationId: string, actor: string): Promise<boolean> {
  const applied = await em
    .getConnection()
    .execute(
      `update sync_operation set details = details || jsonb_build_object('cancelRequestedBy', ?::text), updated_at = now() where id = ? and status = 'in_progress'`,
      [actor, operationId],
      'run',
    );
  return Number((applied as { affectedRows?: number }).affectedRows ?? 0) > 0;
}

/** True when a cancel of the operation was recorded (read from the database: another replica may have written it). */
export async function cancelRequested(em: EntityManager, operationId: string): Promise<boolean> {
  const rows = await em
    .getConnection()
    .execute<{ requested: string | null }[]>(
      `select details->>'cancelRequestedBy' as requested from sync_operation where id = ?`,
      [operationId],
    );
  return Boolean(rows[0]?.requested);
}

export interface OperationListFilter {
  /** One fabric, or null for every fabric in `fabricIds`. */
  fabricId: string | null;
  /** The fabrics in scope; null: every fabric. */
  fabricIds: readonly string[] | null;
  status?: string | null;
  type?: string | null;
}

function operationConditions(filter: OperationListFilter): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.fabricId !== null) {
    conditions.push('fabric_id = ?');
    params.push(filter.fabricId);
  } else if (filter.fabricIds !== null) {
    conditions.push('fabric_id = any(?::uuid[])');
    params.push(`{${filter.fabricIds.join(',')}}`);
  }
  if (filter.status) {
    conditions.push('status = ?');
    params.push(filter.status);
  }
  if (filter.type) {
    conditions.push('operation_type = ?');
    params.push(filter.type);
  }
  return { conditions, params };
}

/** Microseconds, as PostgreSQL keeps them: a cursor key must compare exactly as the column does. */
const CREATED_AT_TEXT = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of operations, newest first ((created_at, id) descending: the order of
 * `sync_operation_fabric_created_id_idx` and `sync_operation_created_id_idx`), read from the
 * index after (or before) the cursor's key. One statement; the rows are mapped into the unit of
 * work (the events and fabric of the page are loaded in batches by the API's loaders). Returns
 * each operation with its sort key.
 */
export async function operationPage(
  em: EntityManager,
  filter: OperationListFilter,
  page: KeysetPage,
): Promise<{ operation: SyncOperation; key: SortKey }[]> {
  const where = operationConditions(filter);
  const keyset = keysetClause(page, ['created_at', 'id'], { descending: true, casts: ['timestamptz', 'uuid'] });
  const conditions = [...where.conditions, ...keyset.conditions];
  const rows = await em
    .getConnection()
    .execute<(Record<string, unknown> & { cursor_created_at: string; id: string })[]>(
      `select *, ${CREATED_AT_TEXT} as cursor_created_at from sync_operation${conditions.length > 0 ? ` where ${conditions.join(' and ')}` : ''} order by ${keyset.orderBy} limit ?`,
      [...where.params, ...keyset.params, page.limit + 1],
    );
  if (page.fromEnd) rows.reverse();
  return rows.map(({ cursor_created_at, ...row }) => ({
    operation: em.map(SyncOperationSchema, row as never),
    key: [cursor_created_at, row.id],
  }));
}

/** Number of operations matching the filter. */
export async function countOperations(em: EntityManager, filter: OperationListFilter): Promise<number> {
  const where = operationConditions(filter);
  const [row] = await em
    .getConnection()
    .execute<{ count: number }[]>(
      `select count(*)::int as count from sync_operation${where.conditions.length > 0 ? ` where ${where.conditions.join(' and ')}` : ''}`,
      where.params,
    );
  return row?.count ?? 0;
}

/** One line of an operation's log, as `eventPages` reads it. */
export interface EventRow {
  time: Date;
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
  path: string | null;
}

/**
 * The same page of the log of each operation, with each log's length, in one statement: a window
 * over `sync_event` numbers each operation's lines in the order asked for (oldest or newest
 * first; ties in time by insertion order) and keeps those in the page.
 */
export async function eventPages(
  em: EntityManager,
  operationIds: readonly string[],
  page: { offset: number; limit: number; newestFirst: boolean },
): Promise<Map<string, { items: EventRow[]; totalCount: number }>> {
  const pages = new Map<string, { items: EventRow[]; totalCount: number }>(
    operationIds.map((id) => [id, { items: [], totalCount: 0 }]),
  );
  if (operationIds.length === 0) return pages;
  const order = page.newestFirst ? 'time desc, id desc' : 'time asc, id asc';
  // Raw statements bypass the ORM's error conversion: convert as its own finds do (the error log names the class).
  const rows = await converted(
    em,
    em.getConnection().execute<
      {
        operation_id: string;
        time: Date | string;
        level: EventRow['level'];
        message: string;
        path: string | null;
        total: string;
      }[]
    >(
      `select operation_id, time, level, message, path, total::text as total from (
       select operation_id::text as operation_id, time, level, message, path,
              row_number() over (partition by operation_id order by ${order}) as position,
              count(*) over (partition by operation_id) as total
       from sync_event where operation_id in (${operationIds.map(() => '?::uuid').join(', ')})
     ) numbered
     where position > ? and position <= ?
     order by operation_id, position`,
      [...operationIds, page.offset, page.offset + page.limit],
    ),
  );
  for (const row of rows) {
    const entry = pages.get(row.operation_id);
    if (!entry) continue;
    entry.totalCount = Number(row.total);
    entry.items.push({ time: new Date(row.time), level: row.level, message: row.message, path: row.path });
  }
  // An operation whose page is empty still has a length (a page past the end).
  const withoutRows = operationIds.filter((id) => pages.get(id)!.items.length === 0);
  if (withoutRows.length > 0 && page.offset > 0) {
    const counts = await em
      .getConnection()
      .execute<{ operation_id: string; total: string }[]>(
        `select operation_id::text as operation_id, count(*)::text as total from sync_event where operation_id in (${withoutRows.map(() => '?::uuid').join(', ')}) group by operation_id`,
        withoutRows,
      );
    for (const row of counts) pages.get(row.operation_id)!.totalCount = Number(row.total);
  }
  return pages;
}

/** A raw statement's error as the ORM's own finds give it (a TableNotFoundException, not pg's DatabaseError). */
async function converted<T>(em: EntityManager, statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    throw error instanceof Error ? em.getDriver().convertException(error) : error;
  }
}
