import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/database.ts';

/**
 * The gateway as a newcomer runs it: the real entry point in its own process, configured only
 * through the environment. With TEST_DATABASE=pglite it uses the embedded database in a data
 * directory (the `npm start` default); with postgres, DATABASE_URL.
 */
let dataDir: string;
let database: TestDatabase | null = null;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-process-'));
  if (testDatabaseKind === 'postgres') database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function startGateway(): Promise<GatewayProcess> {
  return startGatewayProcess({
    DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('hex') } : {}),
  });
}

async function graphql(url: string, query: string, token: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

it('starts from nothing, keeps its data across a restart, and shuts down cleanly on SIGTERM', async () => {
  const first = await startGateway();
  // First start: an admin token is printed once, on the terminal, not in the JSON log.
  const printed = first.lines.join('\n').match(/hgw_[A-Za-z0-9_-]{43}/g) ?? [];
  expect(printed).toHaveLength(1);
  const token = printed[0] as string;
  expect(first.lines.filter((line) => line.startsWith('{')).join('\n')).not.toContain(token);
  const refused = await fetch(`${first.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ fabrics { id } }"}' });
  expect(refused.status).toBe(401);
  const created = await graphql(first.url, `mutation { createGitRepository(input: { name: "persisted", url: "file:///srv/git/x.git", credentials: { token: "persist-secret-1" } }) { id } }`, token);
  expect(created.errors).toBeUndefined();

  if (!database) {
    // Embedded mode: the database and a generated key live in the data directory, with a warning.
    expect((await stat(path.join(dataDir, 'pgdata'))).isDirectory()).toBe(true);
    expect((await readFile(path.join(dataDir, 'secret.key'), 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(first.lines.some((line) => line.includes('GATEWAY_SECRET_KEY is not set'))).toBe(true);
  }

  // A WebSocket subscriber is told the server is going away, and the process exits 0.
  const client = createClient({
    url: `${first.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {},
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const socketClosed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
  await new Promise<void>((resolve) => client.on('connected', () => resolve()));
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(await socketClosed).toBe(1001); // Going Away
  await client.dispose();

  const second = await startGateway();
  try {
    expect(second.lines.join('\n')).not.toMatch(/hgw_[A-Za-z0-9_-]{43}/); // printed only on the very first start
    const listed = await graphql(second.url, `{ gitRepositories { name hasCredentials } }`, token);
    expect(listed.data?.gitRepositories).toEqual([{ name: 'persisted', hasCredentials: true }]);
    expect(second.lines.join('\n')).not.toContain('persist-secret-1');
    expect(second.lines.join('\n')).not.toContain(token);
    expect(first.lines.join('\n')).not.toContain('persist-secret-1');
  } finally {
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }
}, 120_000);
