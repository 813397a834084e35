/**
 * What the benchmarks that run the gateway as a child process share: a free port, the machine's
 * PostgreSQL server for a database of their own, the load average to print beside each figure,
 * and a GraphQL POST. Plain TypeScript that Node runs as it is (`node bench/startup.ts`).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';

/** The machine's PostgreSQL server, where `--database postgres` runs make and drop a database. */
export const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A TCP port nothing listens on now (asked from the kernel, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One statement on the server's `postgres` database (create or drop a bench database). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The 1, 5 and 15 minute load averages, as /proc/loadavg has them. */
export const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** POSTs a GraphQL request to `${url}/graphql` with the token; throws on any error, returns data. */
export async function postGraphql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}
