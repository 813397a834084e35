/**
 * The built gateway in a child process, as `npm start` runs it (`node <its flags>
 * scripts/run-built.mjs src/main.ts`, without npm; the flags passed in NODE_OPTIONS), for the memory benchmarks (bench/memory.ts, bench/soak.ts): started
 * with `--expose-gc` and gc-on-signal.mjs preloaded, so the bench can force a full collection
 * (SIGUSR2) and, with `snapshotDir`, take heap snapshots (SIGWINCH). Its resident set is read from
 * /proc/<pid>/status. Plain TypeScript that Node runs as it is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { managedFilePath, renderCanonicalYaml } from '../src/hedgehog/canonical.ts';
import { generateFabric } from '../src/hedgehog/generate-fabric.ts';
import { builtEntryNodeFlags } from '../test/support/gateway-process.ts';
import { createBareRepository, pushFromAnotherClone } from '../test/support/git-fixtures.ts';
import { adminQuery, freePort, postGraphql } from './support.ts';

const TOKEN = /hgw_[A-Za-z0-9_-]{43}/;

/** What gc-on-signal.mjs reports after a forced full collection (bytes). */
export interface GcFigures {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** V8's heap pages in memory (all spaces). */
  heapPhysical: number;
  /** What V8 itself holds through malloc (zones, compiler): not the embedder's. */
  v8Malloced: number;
  /** Each space's pages in memory after the collection (new_space, old_space, ...). */
  spaces: Record<string, number>;
}

export interface BenchGateway {
  child: ChildProcess;
  pid: number;
  url: string;
  token: string;
  /** Its DATA_DIR (the embedded database's cluster is in pgdata/ below it). */
  dataDir: string;
  /** Every line the gateway wrote so far. */
  lines: string[];
  /** The Node flags it runs with besides the bench's own: `npm start`'s, then `nodeOptions`. */
  nodeFlags: string[];
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Forces a full GC in the gateway (twice: what survives one may be freed by the next). */
  gc(): Promise<GcFigures>;
  /** Writes a heap snapshot after a GC (needs `snapshotDir`); resolves with its path. */
  snapshot(): Promise<string>;
  stop(): Promise<void>;
}

export interface BenchGatewayOptions {
  /** The checkout whose gateway runs (its dist/ built first when stale). */
  root: string;
  database: 'postgres' | 'embedded';
  /** More Node options (e.g. `--max-semi-space-size=8`). */
  nodeOptions?: string[];
  /** More environment (e.g. MALLOC_ARENA_MAX). */
  env?: Record<string, string>;
  snapshotDir?: string;
}

export async function startBenchGateway(options: BenchGatewayOptions): Promise<BenchGateway> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-bench-'));
  await chmod(dataDir, 0o755); // as root, the embedded server's user must enter it
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
    HEAD_CHECK: 'false',
  };
  let database: string | null = null;
  if (options.database === 'postgres') {
    database = `gateway_bench_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database "${database}"`);
    env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${database}`;
  }
  const port = await freePort();
  const preload = pathToFileURL(path.join(import.meta.dirname, 'gc-on-signal.mjs')).href;
  // The Node flags `npm start` gives (`node <flags> scripts/run-built.mjs src/main.ts` in package.json).
  const startFlags = builtEntryNodeFlags('src/main.ts', options.root);
  const child = spawn(process.execPath, ['scripts/run-built.mjs', 'src/main.ts'], {
    cwd: options.root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      NODE_OPTIONS: ['--expose-gc', `--import ${preload}`, ...startFlags, ...(options.nodeOptions ?? [])].join(' '),
      ...(options.snapshotDir ? { BENCH_SNAPSHOT_DIR: options.snapshotDir } : {}),
      ...env,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const gcWaiters: ((figures: GcFigures | null) => void)[] = [];
  const snapshotWaiters: ((file: string) => void)[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.startsWith('bench: gc')) {
      const json = /^bench: gc done (\{.*\})$/.exec(line)?.[1];
      gcWaiters.shift()?.(json ? (JSON.parse(json) as GcFigures) : null);
    } else if (line.startsWith('bench: snapshot ')) {
      snapshotWaiters.shift()?.(line.slice('bench: snapshot '.length));
    } else {
      lines.push(line);
    }
  });
  const cleanUp = async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (database) await adminQuery(`drop database if exists "${database}" with (force)`);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.includes('gateway ready')) resolve();
      });
      void exited.then((code) => reject(new Error(`the gateway exited with ${code}:\n${lines.join('\n')}`)));
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const token = lines.join('\n').match(TOKEN)?.[0];
  if (!token) throw new Error(`no admin token printed:\n${lines.join('\n')}`);
  const url = `http://127.0.0.1:${port}`;
  const gcOnce = () => {
    const done = new Promise<GcFigures | null>((resolve) => gcWaiters.push(resolve));
    child.kill('SIGUSR2');
    return done;
  };
  return {
    child,
    pid: child.pid!,
    url,
    token,
    dataDir,
    lines,
    nodeFlags: [...startFlags, ...(options.nodeOptions ?? [])],
    graphql: (query, variables = {}) => postGraphql(url, token, query, variables),
    async gc() {
      await gcOnce();
      const figures = await gcOnce();
      if (!figures) throw new Error('the gateway has no forced GC (--expose-gc)');
      return figures;
    },
    snapshot() {
      if (!options.snapshotDir) throw new Error('started without snapshotDir');
      const done = new Promise<string>((resolve) => snapshotWaiters.push(resolve));
      child.kill('SIGWINCH');
      return done;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await cleanUp();
    },
  };
}

/** VmRSS, VmHWM (peak) and the anonymous and file-backed parts of the resident set, in MiB. */
export function memoryOf(pid: number): { rss: number; peak: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return {
    rss: kib('VmRSS') / 1024,
    peak: kib('VmHWM') / 1024,
    anon: kib('RssAnon') / 1024,
    file: kib('RssFile') / 1024,
  };
}

/** User + system CPU time of a process so far, in ms (Linux /proc; USER_HZ 100). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time (ms) of the children a process has run and waited for (git, and what git ran): cutime
 * plus cstime of /proc/<pid>/stat. `cpuMsOf` leaves them out.
 */
export function childrenCpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Threads of a process now (the main thread, libuv's pool, V8's, validation workers). */
export function threadsOf(pid: number): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** A valid fabric with at least `count` objects (spine-leaf wiring, VPCs, attachments). */
export function fabricOf(count: number) {
  const objects = generateFabric({
    spines: 4,
    leaves: 64,
    serversPerLeafPair: 96,
    vpcs: 300 + Math.max(0, Math.ceil((count - 10_028) / 1.5)),
  });
  if (objects.length < count) throw new Error(`the generator made only ${objects.length} objects`);
  return objects;
}

/** A bare repository (file:// remote) holding the objects below fabric/, one file each. */
export async function remoteWith(objects: ReturnType<typeof fabricOf>): Promise<string> {
  const remote = await createBareRepository();
  await pushFromAnotherClone(remote, {
    files: Object.fromEntries(
      objects.map((object) => [`fabric/${managedFilePath(object)}`, renderCanonicalYaml(object)] as const),
    ),
    message: `a fabric of ${objects.length} objects`,
  });
  return remote;
}

export const mib = (value: number) => `${value.toFixed(0)} MiB`;
export const mibOf = (bytes: number) => mib(bytes / 2 ** 20);

/**
 * The anonymous resident set by kind of mapping (/proc/<pid>/smaps), in MiB: `[heap]` is glibc's
 * main malloc arena; mappings within V8's pointer-compression cage (the 4 GiB reservation holding
 * the JavaScript heap) are the V8 heap; the rest is malloc's thread arenas (64 MiB reservations),
 * large malloc blocks (their own mappings), thread stacks and V8's code space.
 */
export function anonymousMappings(pid: number): Record<string, number> {
  const totals: Record<string, number> = {};
  let kind: string | null = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (header) {
      const [, from, to, , inode, name] = header;
      const size = (Number.parseInt(to!, 16) - Number.parseInt(from!, 16)) / 1024;
      if (inode !== '0') kind = null;
      else if (name) kind = name.startsWith('[') ? name : null;
      else if (size === 256) kind = '256 KiB (V8 pages)';
      else if (size <= 65536 && Number.parseInt(from!, 16) % (64 * 2 ** 20) === 0) kind = 'malloc arenas';
      else kind = 'other anonymous';
    } else if (kind && line.startsWith('Rss:')) {
      totals[kind] = (totals[kind] ?? 0) + Number(line.split(/\s+/)[1]) / 1024;
    }
  }
  return totals;
}

/** A Git repository on the `file://` remote and a fabric on it, through the API; the fabric's id. */
export async function createFabricOn(gateway: BenchGateway, name: string, remote: string): Promise<string> {
  const { createGitRepository } = await gateway.graphql<{ createGitRepository: { id: string } }>(
    'mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { id } }',
    { input: { name, url: `file://${remote}` } },
  );
  const { createFabric } = await gateway.graphql<{ createFabric: { id: string } }>(
    'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
    { input: { name, gitRepositoryId: createGitRepository.id } },
  );
  return createFabric.id;
}

/** Starts a pull of the fabric; the sync operation's id. */
export async function startPull(gateway: BenchGateway, fabricId: string): Promise<string> {
  const { syncFabric } = await gateway.graphql<{ syncFabric: { id: string } }>(
    'mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }',
    { id: fabricId },
  );
  return syncFabric.id;
}
