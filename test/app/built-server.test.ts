import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtEntryNodeFlags, runEntry, startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { createTestDatabase } from '../support/database.ts';
import { vlanNamespaceYaml } from '../support/fixtures.ts';

/**
 * `npm start` runs the built server (dist/, plain JavaScript) through scripts/run-built.mjs, which
 * builds first when dist/ is missing or older than the sources. Here the entry points run as
 * `npm start` and the scripts run them, in their own processes.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const TOKEN = /hgw_[A-Za-z0-9_-]{43}/g;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function gatewayEnvironment(): Promise<Record<string, string>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-built-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return { DATA_DIR: dataDir, DATABASE_URL: database.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('hex') };
}

async function startBuilt(env: Record<string, string>): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess(env, { built: true });
  cleanups.push(() => {
    gateway.child.kill('SIGKILL');
    return gateway.exited;
  });
  return gateway;
}

async function stopGateway(gateway: GatewayProcess): Promise<void> {
  gateway.child.kill('SIGTERM');
  expect(await gateway.exited, gateway.lines.join('\n')).toBe(0);
}

async function graphql(url: string, query: string, token: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string }[] };
}

describe('the built server', () => {
  it('is rebuilt when a source changed, serves from dist/ (validation threads included), and next time starts as built', async () => {
    // A source saved now: dist/ (if any) is older than it.
    const source = path.join(ROOT, 'src/node-version.ts');
    const now = new Date();
    await utimes(source, now, now);
    const env = await gatewayEnvironment();

    const first = await startBuilt(env);
    expect(first.lines.join('\n')).toMatch(/(Building|Rebuilding) the gateway/);
    expect((await stat(path.join(ROOT, 'dist/src/main.js'))).mtimeMs).toBeGreaterThanOrEqual(now.getTime() - 1000);
    const token = (first.lines.join('\n').match(TOKEN) ?? [])[0] as string;
    expect(token).toBeDefined();
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    // More than the 64 KiB validated on the event loop: this one goes to a worker thread, which
    // must load the compiled task (the built server has no TypeScript loader for it).
    const yaml = Array.from({ length: 2_000 }, (_, index) => vlanNamespaceYaml(`ns-${index}`)).join('---\n');
    expect(Buffer.byteLength(yaml)).toBeGreaterThan(64 * 1024);
    const validated = await graphql(
      first.url,
      'query($y: String!) { validateManifests(yaml: $y) { valid objects { name } } }',
      token,
      { y: yaml },
    ).catch(
      (error: unknown) =>
        ({ errors: [{ message: `${String(error)}\n${first.lines.slice(-5).join('\n')}` }] }) as Awaited<
          ReturnType<typeof graphql>
        >,
    );
    expect(validated.errors).toBeUndefined();
    expect(validated.data?.validateManifests.valid).toBe(true);
    expect(validated.data?.validateManifests.objects).toHaveLength(2_000);
    await stopGateway(first);

    const second = await startBuilt(env);
    expect(second.lines.join('\n')).not.toMatch(/(Building|Rebuilding) the gateway/);
    expect((await graphql(second.url, '{ fabrics { id } }', token)).errors).toBeUndefined();
    await stopGateway(second);

    // The scripts run from dist/ too (with the embedded database, only while no gateway runs).
    const migrate = await runEntry('scripts/migrate.ts', env, { built: true });
    expect(migrate.code, migrate.stderr.join('\n')).toBe(0);
    expect(migrate.stdout.join('\n')).toContain('The database is up to date.');
    const created = await runEntry('scripts/create-token.ts', env, {
      built: true,
      args: ['--name', 'from-dist', '--role', 'viewer'],
    });
    expect(created.code, created.stderr.join('\n')).toBe(0);
    expect(created.stdout.join('\n')).toMatch(TOKEN);
    expect([...migrate.stderr, ...created.stderr].join('\n')).not.toMatch(/(Building|Rebuilding) the gateway/);
  }, 300_000);

  it.runIf(process.platform === 'linux')(
    'runs with the Node flags of `npm start`',
    async () => {
      const start = (
        JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
      ).scripts.start;
      expect(start).toMatch(/^node --max-semi-space-size=16 scripts\/run-built\.mjs src\/main\.ts$/);
      expect(builtEntryNodeFlags('src/main.ts')).toEqual(['--max-semi-space-size=16']);
      const gateway = await startBuilt(await gatewayEnvironment());
      const commandLine = readFileSync(`/proc/${gateway.child.pid}/cmdline`, 'utf8').split('\0').slice(1, -1);
      expect(commandLine).toEqual([...start.split(' ').slice(1)]);
      await stopGateway(gateway);
    },
    120_000,
  );

  it("keeps the modules' compiled code in Node's compile cache for the next start", async () => {
    const env = await gatewayEnvironment();
    const temporary = await mkdtemp(path.join(tmpdir(), 'gateway-tmpdir-'));
    cleanups.push(() => rm(temporary, { recursive: true, force: true }));
    const cache = path.join(temporary, 'node-compile-cache');
    // The cache lives in the system's temporary folder (TMPDIR), where nothing else is yet.
    await stopGateway(await startBuilt({ ...env, TMPDIR: temporary }));
    const files = await readdir(cache, { recursive: true });
    expect(files.length).toBeGreaterThan(500);
  }, 120_000);

  const oldNode = '/usr/bin/node';
  const oldVersion = existsSync(oldNode)
    ? execFileSync(oldNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
    : null;
  const oldMajor = Number(oldVersion?.split('.')[0] ?? 99);
  const minimumMajor = Number(
    (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node
      .replace(/^>=\s*/, '')
      .split('.')[0],
  );

  it.skipIf(oldMajor >= minimumMajor)(
    `on an older Node, the built entries say which Node to install (${oldNode} ${oldVersion ?? 'missing'}; skipped unless older)`,
    async () => {
      for (const entry of ['src/main.ts', 'scripts/create-token.ts']) {
        const run = await runEntry(entry, { DATA_DIR: tmpdir() }, { node: oldNode, built: true });
        expect(run.code, [...run.stdout, ...run.stderr].join('\n')).toBe(1);
        expect(run.stderr.filter((line) => !/Building the gateway|Rebuilding the gateway/.test(line))).toEqual([
          expect.stringContaining('the gateway needs Node.js 24 LTS'),
        ]);
      }
    },
    120_000,
  );
});
