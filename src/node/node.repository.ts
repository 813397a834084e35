/**
 * Which table holds an id: ids of fabrics, resources, sync operations, Git repositories, API
 * tokens and changes are UUIDs, unique across all of them, so one statement (a UNION ALL over the primary
 * keys) tells the type of any id. Used by `node(id:)` and `nodes(ids:)`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

/** GraphQL type names of the objects that implement `Node`, with the table each lives in. */
export const NODE_TABLES = {
  Fabric: { table: 'fabric', fabricColumn: 'id' },
  Resource: { table: 'resource', fabricColumn: 'fabric_id' },
  SyncOperation: { table: 'sync_operation', fabricColumn: 'fabric_id' },
  GitRepository: { table: 'git_repository', fabricColumn: null },
  ApiToken: { table: 'api_token', fabricColumn: null },
  Change: { table: 'change', fabricColumn: 'fabric_id' },
} as const;

export type NodeTypeName = keyof typeof NODE_TABLES;

export interface NodeRow {
  typename: NodeTypeName;
  /** The fabric the row belongs to (a fabric's own id); null for repositories and tokens. */
  fabricId: string | null;
}

/** The type and fabric of each id that exists, in one statement. `ids` must be UUIDs. */
export async function nodeRowsOf(em: EntityManager, ids: readonly string[]): Promise<Map<string, NodeRow>> {
  const found = new Map<string, NodeRow>();
  if (ids.length === 0) return found;
  const placeholders = ids.map(() => '?::uuid').join(', ');
  const parts = Object.entries(NODE_TABLES).map(
    ([typename, { table, fabricColumn }]) =>
      `select id::text as id, '${typename}' as typename, ${fabricColumn ? `${fabricColumn}::text` : 'null'} as fabric_id from ${table} where id in (${placeholders})`,
  );
  const rows = await em.getConnection().execute<{ id: string; typename: NodeTypeName; fabric_id: string | null }[]>(
    parts.join(' union all '),
    parts.flatMap(() => ids),
  );
  for (const row of rows) found.set(row.id, { typename: row.typename, fabricId: row.fabric_id });
  return found;
}
