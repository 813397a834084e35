import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

/**
 * The database a test file runs against, chosen by TEST_DATABASE: `postgres` (the real server
 * on 127.0.0.1:5432, a fresh database per call) or `pglite` (embedded, in memory, served over
 * its socket exactly as the gateway serves it).
 */
export type TestDatabaseKind = 'postgres' | 'pglite';

export const testDatabaseKind: TestDatabaseKind = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase {
  kind: TestDatabaseKind;
  url: string;
  drop(): Promise<void>;
}

const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind === 'pglite') {
    const embedded = await startEmbeddedPostgres({ dataDir: 'memory://' });
    return { kind: 'pglite', url: embedded.url, drop: () => embedded.stop() };
  }
  const name = `gateway_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs one SQL statement on its own connection (row counts for before/after assertions). */
export async function queryDatabase<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The gateway's tables that a refused request must leave as they were. */
export const GATEWAY_TABLES = ['git_repository', 'fabric', 'resource', 'sync_operation', 'sync_event', 'api_token'] as const;

/** Row counts of the given tables, in one statement (before/after comparisons). */
export async function rowCounts(url: string, tables: readonly string[] = GATEWAY_TABLES): Promise<Record<string, number>> {
  const sql = tables.map((table) => `select '${table}' as name, count(*)::int as n from "${table}"`).join(' union all ');
  const rows = await queryDatabase<{ name: string; n: number }>(url, sql);
  return Object.fromEntries(tables.map((table) => [table, rows.find((row) => row.name === table)?.n ?? 0]));
}
