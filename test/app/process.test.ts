import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';

/**
 * The gateway as a newcomer runs it: the real entry point in its own process, configured only
 * through the environment: no DATABASE_URL, so the embedded PostgreSQL server in its data
 * directory (the `npm start` default).
 */
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-process-'));
  await chmod(dataDir, 0o755); // run as root, the embedded server's user (postgres) must enter it
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function startGateway(options: { detached?: boolean } = {}): Promise<GatewayProcess> {
  return startGatewayProcess({ DATA_DIR: dataDir }, options);
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
  const refused = await fetch(`${first.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ fabrics { id } }"}',
  });
  expect(refused.status).toBe(401);
  const created = await graphql(
    first.url,
    `mutation { createGitRepository(input: { name: "persisted", url: "file:///srv/git/x.git", credentials: { token: "persist-secret-1" } }) { id } }`,
    token,
  );
  expect(created.errors).toBeUndefined();

  // The database and a generated key live in the data directory, with a warning.
  expect((await stat(path.join(dataDir, 'pgdata', 'PG_VERSION'))).isFile()).toBe(true);
  expect((await readFile(path.join(dataDir, 'secret.key'), 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  expect(first.lines.some((line) => line.includes('GATEWAY_SECRET_KEY is not set'))).toBe(true);
  // The embedded server's password is kept for the owner only; its log goes to a file, not to ours.
  expect((await stat(path.join(dataDir, 'postgres-password'))).mode & 0o777).toBe(0o600);
  expect(await readFile(path.join(dataDir, 'postgres.log'), 'utf8')).toContain(
    'database system is ready to accept connections',
  );
  expect(first.lines.join('\n')).not.toContain('database system is ready');

  // A WebSocket subscriber is told the server is going away, and the process exits 0.
  const client = createClient({
    url: `${first.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const socketClosed = new Promise<number>((resolve) =>
    client.on('closed', (event) => resolve((event as { code: number }).code)),
  );
  await new Promise<void>((resolve) => client.on('connected', () => resolve()));
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(await socketClosed).toBe(1001); // Going Away
  await client.dispose();

  // The server stopped with the gateway.
  expect(await readFile(path.join(dataDir, 'postgres.log'), 'utf8')).toContain('database system is shut down');
  expect(existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);

  const second = await startGateway({ detached: true });
  let stopped = false;
  try {
    expect(second.lines.join('\n')).not.toMatch(/hgw_[A-Za-z0-9_-]{43}/); // printed only on the very first start
    const listed = await graphql(second.url, `{ gitRepositories { name hasCredentials } }`, token);
    expect(listed.data?.gitRepositories).toEqual([{ name: 'persisted', hasCredentials: true }]);
    expect(second.lines.join('\n')).not.toContain('persist-secret-1');
    expect(second.lines.join('\n')).not.toContain(token);
    expect(first.lines.join('\n')).not.toContain('persist-secret-1');

    // Ctrl-C in a terminal: SIGINT to the whole process group. The gateway drains and stops its
    // server (which runs in a session of its own, so the signal does not reach it first).
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited).toBe(0);
    stopped = true;
    expect(second.lines.join('\n')).not.toMatch(/"level":(50|60)/);
    expect(existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);
  } finally {
    if (!stopped) {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }
}, 120_000);
