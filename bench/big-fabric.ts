/**
 * Big fabrics in linear time (issue 16, item 5). For fabrics of 100, 10,000 and 50,000 objects
 * (generated, valid, one object per file), on the native git adapter and on the GitHub test
 * server, it times:
 * - the first (full) pull of the fabric, Git → database;
 * - a full-listing pull right after it (the whole directory compared with every recorded file);
 * - a one-file pull (a label of one server changed elsewhere; median of 3);
 * - an ingestion of the same objects dropped into raw/ as multi-document files of 1,000 objects.
 * The pulls and the ingestion of each size and adapter run in child processes of their own, so
 * each peak resident set (maxRSS) and resident set after the runs (after a collection) are its
 * own. The gateway, its test
 * database connection pool, the GitHub test server and the writer share that process, so the
 * figures are upper bounds of the gateway's. Prints times, the ratios 50,000/10,000 (goal
 * <= 5.5) and one-file 50,000/100 (goal <= 1.5), and peak RSS (goal <= 600 MB).
 *
 *   TEST_DATABASE_URL=... node --import tsx bench/big-fabric.ts [sizes=100,10000,50000] [adapters=git,github]
 *   (child: node --import tsx --expose-gc bench/big-fabric.ts --child <adapter> <size> pull|ingest|all)
 *
 * Set BIG_FABRIC_CPU_PROF=<dir> to write a V8 CPU profile per child (node --cpu-prof).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HedgehogObject } from '../src/hedgehog/canonical.ts';
import { generateFabric, splitIntoFiles } from '../src/hedgehog/generate-fabric.ts';
import type { OperationProgress } from '../src/gitops/gitops.service.ts';
import { ResourceSchema } from '../src/resource/resource.entity.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../test/support/git-fixtures.ts';
import { startBench } from './sync-harness.ts';
import { median } from './stats.ts';
import { loadAverage } from './support.ts';

type Adapter = 'git' | 'github';

interface ChildResult {
  adapter: Adapter;
  size: number;
  firstPullMs?: number;
  fullListingMs?: number;
  oneFileMs?: number;
  ingestMs?: number;
  /** CPU time of this process (gateway and test servers; not PostgreSQL, not git) per step. */
  cpuMs: Record<string, number>;
  /** CPU time of the git processes this process ran and waited for (the adapters', the test servers') per step. */
  gitCpuMs?: Record<string, number>;
  peakRssMb: number;
  restRssMb: number;
  restHeapMb: number;
  restExternalMb?: number;
}

/**
 * A valid generated fabric of exactly `count` objects: the generator's output at the next size
 * up, less some VPC attachments (nothing refers to an attachment, so the rest stays valid).
 */
export function fabricOf(count: number): HedgehogObject[] {
  const options =
    count <= 100
      ? { spines: 2, leaves: 4, serversPerLeafPair: 16, vpcs: 4, attachmentsPerConnection: 3 }
      : count <= 10_028
        ? { spines: 4, leaves: 64, serversPerLeafPair: 96, vpcs: 300 }
        : { spines: 4, leaves: 128, serversPerLeafPair: 96, vpcs: 900, attachmentsPerConnection: 6 };
  const objects = generateFabric(options);
  let excess = objects.length - count;
  if (excess < 0) throw new Error(`the generator makes at most ${objects.length} objects here, not ${count}`);
  const kept: HedgehogObject[] = [];
  for (let index = objects.length - 1; index >= 0; index--) {
    const object = objects[index]!;
    if (excess > 0 && object.kind === 'VPCAttachment') excess -= 1;
    else kept.push(object);
  }
  if (excess > 0) throw new Error(`not enough VPC attachments to drop for ${count}`);
  return kept.reverse();
}

const mb = (bytes: number) => Math.round(bytes / 1e6);

/**
 * CPU time of the children this process has waited for (git, and what git ran), from
 * /proc/self/stat (cutime + cstime, in clock ticks of 10 ms); undefined off Linux.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

async function child(adapter: Adapter, size: number, what: string): Promise<ChildResult> {
  const objects = fabricOf(size);
  const result: ChildResult = { adapter, size, cpuMs: {}, peakRssMb: 0, restRssMb: 0, restHeapMb: 0 };
  const cpu = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const before = process.cpuUsage();
    const childrenBefore = childrenCpuMs();
    const value = await work();
    const used = process.cpuUsage(before);
    result.cpuMs[step] = (used.user + used.system) / 1000;
    const childrenAfter = childrenCpuMs();
    if (childrenBefore !== undefined && childrenAfter !== undefined) {
      result.gitCpuMs ??= {};
      result.gitCpuMs[step] = childrenAfter - childrenBefore;
    }
    return value;
  };
  if (what === 'all' || what === 'pull') {
    const bench = await startBench({ adapter, name: `big-${adapter}-${size}` });
    try {
      await bench.commitElsewhere(objects, `seed ${size}`);
      result.firstPullMs = (await cpu('firstPull', () => bench.run('pull'))).ms;
      const full = await cpu('fullListing', () => bench.run('pull', { fullListing: true }));
      if (full.operation.filesUpdated !== 0 || full.operation.filesCreated !== 0)
        throw new Error(`the full-listing pull changed files: ${JSON.stringify(full.operation)}`);
      result.fullListingMs = full.ms;
      const times: number[] = [];
      const cpuTimes: number[] = [];
      // A label on one server: a typical edit, which one or two connections refer to. (An object
      // most of the fabric refers to, such as VLANNamespace default, re-checks all those too.)
      const server = objects.find((object) => object.kind === 'Server')!;
      for (let round = 0; round < 3; round++) {
        const changed = structuredClone(server);
        (changed.metadata as { labels?: Record<string, string> }).labels = { round: String(round) };
        await bench.commitElsewhere([changed], `change ${round}`);
        const before = process.cpuUsage();
        const pulled = await bench.run('pull');
        const used = process.cpuUsage(before);
        cpuTimes.push((used.user + used.system) / 1000);
        if (pulled.operation.filesUpdated !== 1)
          throw new Error(`expected one updated file, got ${JSON.stringify(pulled.operation)}`);
        times.push(pulled.ms);
      }
      result.oneFileMs = median(times);
      result.cpuMs.oneFile = median(cpuTimes);
      console.error(`pull figures: ${JSON.stringify(result)}`);
    } finally {
      await bench.stop();
    }
  }
  if (what === 'all' || what === 'ingest') {
    const bench = await startBench({ adapter, name: `ingest-${adapter}-${size}` });
    try {
      const services = bench.t.app.services();
      const progress = (operationId: string): OperationProgress => ({
        operationId,
        actor: 'bench',
        report: async () => {},
      });
      await pushFromAnotherClone(bench.remote, { files: { 'README.md': '# bench\n' } });
      await services.gitops.initializeDirectory(bench.fabricId, progress('00000000-0000-4000-8000-000000000001'));
      // Files of about 1,000 objects (one at 100 objects, 50 at 50,000), each well below MAX_YAML_BYTES.
      const files = splitIntoFiles(objects, Math.ceil(size / 1000), { prefix: 'part' });
      await pushFromAnotherClone(bench.remote, {
        files: Object.fromEntries(files.map((file) => [`fabric/raw/${file.path}`, file.text])),
      });
      const started = performance.now();
      await cpu('ingest', () =>
        bench.t.app.services().gitops.ingest(bench.fabricId, progress('00000000-0000-4000-8000-000000000002')),
      );
      result.ingestMs = performance.now() - started;
      const rows = await bench.t.app.services().em.count(ResourceSchema, { fabric: bench.fabricId });
      if (rows !== size) throw new Error(`ingestion left ${rows} rows, expected ${size}`);
    } finally {
      await bench.stop();
    }
  }
  (globalThis as { gc?: () => void }).gc?.();
  result.restRssMb = mb(process.memoryUsage().rss);
  result.restHeapMb = mb(process.memoryUsage().heapUsed);
  result.restExternalMb = mb(process.memoryUsage().external);
  if (process.env.BIG_FABRIC_MEMORY) console.error(JSON.stringify(process.memoryUsage()));
  result.peakRssMb = Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
  return result;
}

async function runChild(adapter: Adapter, size: number, what: 'pull' | 'ingest'): Promise<ChildResult> {
  const profile = process.env.BIG_FABRIC_CPU_PROF;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      '--expose-gc',
      ...(profile
        ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${adapter}-${size}-${what}.cpuprofile`]
        : []),
      fileURLToPath(import.meta.url),
      '--child',
      adapter,
      String(size),
      what,
    ],
    { maxBuffer: 1 << 24, env: process.env },
  );
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as ChildResult;
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? '-' : (a / b).toFixed(2);

if (process.argv[2] === '--child') {
  const [, , , adapter, size, what = 'all'] = process.argv;
  try {
    console.log(JSON.stringify(await child(adapter as Adapter, Number(size), what)));
  } finally {
    await removeScratchDirs();
  }
} else {
  const sizes = (process.argv[2] ?? '100,10000,50000').split(',').map(Number);
  const adapters = (process.argv[3] ?? 'git,github').split(',') as Adapter[];
  const database = process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded PostgreSQL';
  for (const adapter of adapters) {
    const results: ChildResult[] = [];
    for (const size of sizes) {
      // Pulls and ingestion in processes of their own: each peak is its own.
      const pulls = await runChild(adapter, size, 'pull');
      const ingestion = await runChild(adapter, size, 'ingest');
      const r: ChildResult = {
        ...pulls,
        ingestMs: ingestion.ingestMs,
        cpuMs: { ...pulls.cpuMs, ...ingestion.cpuMs },
        gitCpuMs: { ...pulls.gitCpuMs, ...ingestion.gitCpuMs },
        peakRssMb: Math.max(pulls.peakRssMb, ingestion.peakRssMb),
      };
      results.push(r);
      console.log(
        `${adapter.padEnd(6)} ${String(size).padStart(6)} objects (load average ${loadAverage()}): first pull ${seconds(r.firstPullMs)}, full listing ${seconds(r.fullListingMs)}, one file ${seconds(r.oneFileMs)}, ingestion ${seconds(r.ingestMs)} (${database}); CPU first pull ${seconds(r.cpuMs.firstPull)}, full listing ${seconds(r.cpuMs.fullListing)}, ingestion ${seconds(r.cpuMs.ingest)}; git processes' CPU ${seconds(r.gitCpuMs?.firstPull)}, ${seconds(r.gitCpuMs?.fullListing)}, ${seconds(r.gitCpuMs?.ingest)}`,
      );
      console.log(
        `${' '.repeat(21)}RSS of the pulls' process: peak ${pulls.peakRssMb} MB, after ${pulls.restRssMb} MB (heap ${pulls.restHeapMb} MB); ingestion's: peak ${ingestion.peakRssMb} MB, after ${ingestion.restRssMb} MB (heap ${ingestion.restHeapMb} MB)`,
      );
    }
    const at = (size: number) => results.find((r) => r.size === size);
    const [small, middle, large] = [at(sizes[0]!), at(sizes[1]!), at(sizes[2]!)];
    if (middle && large) {
      const label = `${large.size} / ${middle.size}`;
      console.log(
        `${adapter.padEnd(6)} ${label}: first pull ${ratio(large.firstPullMs, middle.firstPullMs)}, full listing ${ratio(large.fullListingMs, middle.fullListingMs)}, ingestion ${ratio(large.ingestMs, middle.ingestMs)} (goal at 50,000 / 10,000: <= 5.5)`,
      );
      console.log(
        `${adapter.padEnd(6)} ${label} in CPU time: first pull ${ratio(large.cpuMs.firstPull, middle.cpuMs.firstPull)}, full listing ${ratio(large.cpuMs.fullListing, middle.cpuMs.fullListing)}, ingestion ${ratio(large.cpuMs.ingest, middle.cpuMs.ingest)}`,
      );
      const withGit = (r: ChildResult, step: string) =>
        r.gitCpuMs?.[step] === undefined ? undefined : (r.cpuMs[step] ?? 0) + r.gitCpuMs[step];
      console.log(
        `${adapter.padEnd(6)} ${label} in CPU time with git's: first pull ${ratio(withGit(large, 'firstPull'), withGit(middle, 'firstPull'))}, full listing ${ratio(withGit(large, 'fullListing'), withGit(middle, 'fullListing'))}, ingestion ${ratio(withGit(large, 'ingest'), withGit(middle, 'ingest'))}`,
      );
    }
    if (small && large)
      console.log(
        `${adapter.padEnd(6)} one-file pull ${large.size} / ${small.size}: ${ratio(large.oneFileMs, small.oneFileMs)} (goal at 50,000 / 100: <= 1.5); in CPU time ${ratio(large.cpuMs.oneFile, small.cpuMs.oneFile)} (${seconds(small.cpuMs.oneFile)} and ${seconds(large.cpuMs.oneFile)})`,
      );
    const peak = Math.max(...results.map((r) => r.peakRssMb));
    console.log(`${adapter.padEnd(6)} peak RSS ${peak} MB (goal <= 600 MB; the benchmark's own data included)`);
  }
}
