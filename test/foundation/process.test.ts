import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/database.ts';

/**
 * The gateway as a newcomer runs it: the real entry point in its own process, configured only
 * through the environment. With TEST_DATABASE=pglite it uses the embedded database in a data
 * directory (the `npm start` default); with postgres, DATABASE_URL.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
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

interface RunningGateway {
  child: ChildProcess;
  url: string;
  lines: string[];
  exited: Promise<number | null>;
}

async function startGateway(): Promise<RunningGateway> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  if (database) {
    env.DATABASE_URL = database.url;
    env.GATEWAY_SECRET_KEY = randomBytes(32).toString('hex');
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`gateway exited with ${code}:\n${lines.join('\n')}`)));
  });
  return { child, url, lines, exited };
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
