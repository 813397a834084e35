/**
 * Resident memory of the built gateway (prints numbers; not a test). The gateway runs in a
 * process of its own as `npm start` runs it (`node scripts/run-built.mjs src/main.ts`, without
 * npm); its RSS (VmRSS) and peak RSS (VmHWM) are read from /proc/<pid>/status:
 *
 *   1. idle, once it serves (and again after a forced full garbage collection);
 *   2. after a pull of a generated, valid fabric of about 10,000 objects (spine-leaf wiring, VPCs,
 *      attachments: scripts/generate-fabric.ts's generator) from a file:// remote, through the
 *      GraphQL API (createGitRepository, createFabric, syncFabric(PULL)), and after a forced GC.
 *
 * The forced GC exists only here: the gateway is started with `--expose-gc` and this folder's
 * gc-on-signal.mjs preloaded, which collects on SIGUSR2. With the embedded database, the
 * PostgreSQL server's own processes are not counted in the gateway's figure; they are printed
 * apart, as their summed PSS (proportional set size: shared buffers counted once in all).
 *
 *   node bench/memory.ts [--objects 10000] [--database embedded|postgres] [--root <checkout>]
 *
 * `--root` runs another checkout's gateway (its dist/ built first if stale), e.g. one before a
 * change, with this bench. `--database postgres` uses a fresh database on 127.0.0.1:5432.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { managedFilePath, renderCanonicalYaml } from '../src/hedgehog/canonical.ts';
import { generateFabric } from '../src/hedgehog/generate-fabric.ts';
import { createBareRepository, pushFromAnotherClone, removeScratchDirs } from '../test/support/git-fixtures.ts';
import { operationFinished, watchOperation } from '../test/support/gateway-process.ts';
import { adminQuery, freePort, postGraphql } from './support.ts';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    database: { type: 'string', default: 'embedded' },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
  },
});
const ROOT = path.resolve(values.root);
const TOKEN = /hgw_[A-Za-z0-9_-]{43}/;
const target = Number(values.objects);

/** VmRSS and VmHWM of a process, in MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Proportional set size of a process, in MiB (/proc/<pid>/smaps_rollup). */
function pssOf(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) / 1024;
}

/** Summed PSS (MiB) of the embedded server: its postmaster (named with dataDir) and the postmaster's children. */
function postgresPss(dataDir: string): number | null {
  let total = 0;
  let found = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!command.includes('postgres')) continue;
      // The postmaster names its data folder; its children's environment is not readable as easily:
      // count the postmaster and every process whose parent it is.
      const postmaster = command.includes(dataDir);
      const parent = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]!;
      const parentCommand = readFileSync(`/proc/${parent}/cmdline`, 'utf8');
      if (postmaster || parentCommand.includes(dataDir)) {
        total += pssOf(Number(entry));
        found = true;
      }
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return found ? total : null;
}

/** A valid fabric with at least `count` objects (as bench/ingest.ts makes it). */
function fabricOf(count: number) {
  const objects = generateFabric({
    spines: 4,
    leaves: 64,
    serversPerLeafPair: 96,
    vpcs: 300 + Math.max(0, Math.ceil((count - 10_028) / 1.5)),
  });
  if (objects.length < count) throw new Error(`the generator made only ${objects.length} objects`);
  return objects;
}

const mib = (value: number) => `${value.toFixed(0)} MiB`;

/** User + system CPU time of a process so far, in ms (Linux /proc; USER_HZ 100). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-bench-memory-'));
await chmod(dataDir, 0o755); // as root, the embedded server's user must enter it
const env: Record<string, string> = {
  DATA_DIR: dataDir,
  GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
  HEAD_CHECK: 'false',
};
let database: string | null = null;
if (values.database === 'postgres') {
  database = `gateway_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database "${database}"`);
  env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${database}`;
}

const objects = fabricOf(target);
const remote = await createBareRepository();
await pushFromAnotherClone(remote, {
  files: Object.fromEntries(
    objects.map((object) => [`fabric/${managedFilePath(object)}`, renderCanonicalYaml(object)] as const),
  ),
  message: `a fabric of ${objects.length} objects`,
});

const port = await freePort();
const child = spawn(process.execPath, ['scripts/run-built.mjs', 'src/main.ts'], {
  cwd: ROOT,
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    NODE_OPTIONS: `--expose-gc --import ${pathToFileURL(path.join(import.meta.dirname, 'gc-on-signal.mjs')).href}`,
    ...env,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
const lines: string[] = [];
/** What the gateway's process.memoryUsage() said after a forced GC (bytes). */
type MemoryUsage = { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
const gcWaiters: ((usage: MemoryUsage | null) => void)[] = [];
createInterface({ input: child.stderr! }).on('line', (line) => {
  lines.push(line);
  if (line.startsWith('bench: gc')) {
    const json = /^bench: gc done (\{.*\})$/.exec(line)?.[1];
    gcWaiters.shift()?.(json ? (JSON.parse(json) as MemoryUsage) : null);
  }
});
const url = `http://127.0.0.1:${port}`;
const graphql = <T>(token: string, query: string, variables: Record<string, unknown> = {}) =>
  postGraphql<T>(url, token, query, variables);

/** Forces a full GC in the gateway; returns its V8 heap in use and memory outside the heap then, in MiB. */
async function collectGarbage(): Promise<string> {
  const done = new Promise<MemoryUsage | null>((resolve) => gcWaiters.push(resolve));
  child.kill('SIGUSR2');
  const usage = await done;
  return usage
    ? `V8 heap ${mib(usage.heapUsed / 2 ** 20)} used of ${mib(usage.heapTotal / 2 ** 20)}, external ${mib(usage.external / 2 ** 20)}`
    : 'no GC';
}

try {
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('gateway ready')) resolve();
    });
    void exited.then((code) => reject(new Error(`the gateway exited with ${code}:\n${lines.join('\n')}`)));
  });
  const token = lines.join('\n').match(TOKEN)?.[0];
  if (!token) throw new Error(`no admin token printed:\n${lines.join('\n')}`);
  const pid = child.pid!;
  console.log(
    `gateway: ${ROOT}; database: ${values.database}; node ${process.versions.node}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  const idle = memoryOf(pid);
  const startCpuMs = cpuMsOf(pid);
  const idleHeap = await collectGarbage();
  const idleGc = memoryOf(pid);
  console.log(
    `idle:                          RSS ${mib(idle.rss)}, after GC ${mib(idleGc.rss)} (${idleHeap}; start-up CPU ${startCpuMs} ms)`,
  );

  const { createGitRepository } = await graphql<{ createGitRepository: { id: string } }>(
    token,
    'mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { id } }',
    { input: { name: 'bench', url: `file://${remote}` } },
  );
  const { createFabric } = await graphql<{ createFabric: { id: string } }>(
    token,
    'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
    { input: { name: 'bench', gitRepositoryId: createGitRepository.id } },
  );
  const started = performance.now();
  const cpuBefore = cpuMsOf(pid);
  const { syncFabric } = await graphql<{ syncFabric: { id: string } }>(
    token,
    'mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }',
    { id: createFabric.id },
  );
  const ended = await watchOperation(url, token, syncFabric.id, operationFinished);
  const pullMs = performance.now() - started;
  const pullCpuMs = cpuMsOf(pid) - cpuBefore;
  if (ended.status !== 'COMPLETED') throw new Error(`the pull ended ${ended.status}:\n${lines.slice(-10).join('\n')}`);
  const { resources } = await graphql<{ resources: { totalCount: number } }>(
    token,
    'query($id: ID!) { resources(fabricId: $id, first: 1) { totalCount } }',
    { id: createFabric.id },
  );
  const loaded = memoryOf(pid);
  const loadedHeap = await collectGarbage();
  const loadedGc = memoryOf(pid);
  console.log(
    `after pulling ${objects.length} objects:  RSS ${mib(loaded.rss)}, after GC ${mib(loadedGc.rss)} (${loadedHeap}), peak ${mib(loadedGc.peak)} (pull ${(pullMs / 1000).toFixed(1)} s, gateway CPU ${(pullCpuMs / 1000).toFixed(1)} s, ${resources.totalCount} resources)`,
  );
  const server = values.database === 'embedded' ? postgresPss(path.join(dataDir, 'pgdata')) : null;
  if (server !== null) console.log(`embedded PostgreSQL processes: summed PSS ${mib(server)}`);
} finally {
  child.kill('SIGTERM');
  await exited;
  await removeScratchDirs();
  await rm(dataDir, { recursive: true, force: true });
  if (database) await adminQuery(`drop database if exists "${database}" with (force)`);
}
