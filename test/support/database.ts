import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { startTemporaryPostgres } from '../../src/db/embedded-postgres.ts';

/**
 * The database a test runs against: a fresh one per call, on the run's PostgreSQL server —
 * TEST_DATABASE_URL when set, otherwise the embedded server test/support/global-database.ts
 * started for the run (outside vitest, in a bench script, one started for this process).
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let adminUrl: Promise<string> | null = null;

/** The URL of the run's server (its `postgres` database), for tests that need to administer it. */
export function testServerUrl(): Promise<string> {
  adminUrl ??= (async () => {
    if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
    try {
      return inject('testDatabaseUrl');
    } catch {
      // Not under vitest (bench/): a server for this process, stopped and removed when it is done
      // (process.exit() skips beforeExit: the server still stops, its temporary folder stays).
      const server = await startTemporaryPostgres();
      process.once('beforeExit', () => void server.stop());
      return server.url;
    }
  })();
  return adminUrl;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = await testServerUrl();
  const name = `gateway_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
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
export async function queryDatabase<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The gateway's tables that a refused request must leave as they were. */
export const GATEWAY_TABLES = [
  'git_repository',
  'fabric',
  'resource',
  'sync_operation',
  'sync_event',
  'api_token',
] as const;

/** Row counts of the given tables, in one statement (before/after comparisons). */
export async function rowCounts(
  url: string,
  tables: readonly string[] = GATEWAY_TABLES,
): Promise<Record<string, number>> {
  const sql = tables
    .map((table) => `select '${table}' as name, count(*)::int as n from "${table}"`)
    .join(' union all ');
  const rows = await queryDatabase<{ name: string; n: number }>(url, sql);
  return Object.fromEntries(tables.map((table) => [table, rows.find((row) => row.name === table)?.n ?? 0]));
}
