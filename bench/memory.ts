/**
 * Resident memory of the built gateway (prints numbers; not a test). The gateway runs in a
 * process of its own as `npm start` runs it (bench/gateway-child.ts); its RSS (VmRSS, with its
 * anonymous and file-backed parts) and peak RSS (VmHWM) are read from /proc/<pid>/status:
 *
 *   1. idle, once it serves (and again after a forced full garbage collection);
 *   2. after a pull of a generated, valid fabric of about 10,000 objects (spine-leaf wiring, VPCs,
 *      attachments: scripts/generate-fabric.ts's generator) from a file:// remote, through the
 *      GraphQL API (createGitRepository, createFabric, syncFabric(PULL)), and after a forced GC;
 *   3. with `--rest <seconds>`, at rest after the pull: every 10 s for that long, then after a GC.
 *
 * The forced GC exists only here: the gateway is started with `--expose-gc` and this folder's
 * gc-on-signal.mjs preloaded, which collects on SIGUSR2. With the embedded database, the
 * PostgreSQL server's own processes are not counted in the gateway's figure; they are printed
 * apart, as their summed PSS (proportional set size: shared buffers counted once in all).
 *
 *   node bench/memory.ts [--objects 10000] [--database embedded|postgres] [--root <checkout>]
 *     [--rest 0] [--node-option <flag>]... [--env NAME=value]... [--snapshots <dir>]
 *
 * `--root` runs another checkout's gateway (its dist/ built first if stale), e.g. one before a
 * change, with this bench. `--database postgres` uses a fresh database on 127.0.0.1:5432.
 * `--node-option` and `--env` try a setting (`--node-option=--max-semi-space-size=4`,
 * `--env MALLOC_ARENA_MAX=2`); `--snapshots` writes heap snapshots idle, after the pull and at
 * the end (compare them in Chrome DevTools, Memory tab, "Comparison").
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { removeScratchDirs } from '../test/support/git-fixtures.ts';
import { operationFinished, watchOperation } from '../test/support/gateway-process.ts';
import {
  anonymousMappings,
  cpuMsOf,
  fabricOf,
  type GcFigures,
  memoryOf,
  mib,
  mibOf,
  createFabricOn,
  remoteWith,
  startPull,
  startBenchGateway,
  threadsOf,
} from './gateway-child.ts';
import { loadAverage } from './support.ts';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    database: { type: 'string', default: 'embedded' },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
    rest: { type: 'string', default: '0' },
    'node-option': { type: 'string', multiple: true, default: [] },
    env: { type: 'string', multiple: true, default: [] },
    snapshots: { type: 'string' },
  },
});
const target = Number(values.objects);
const restSeconds = Number(values.rest);

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

/** The process's figures: RSS (anonymous / file-backed) and, after a GC, V8's heap beside it. */
function describe(pid: number, usage?: GcFigures): string {
  const memory = memoryOf(pid);
  const heap = usage
    ? `; V8 heap ${mibOf(usage.heapUsed)} used of ${mibOf(usage.heapTotal)} (${mibOf(usage.heapPhysical)} in memory), external ${mibOf(usage.external)}, outside V8's heap ${mib(memory.anon - usage.heapPhysical / 2 ** 20)} anonymous`
    : '';
  const mappings = Object.entries(anonymousMappings(pid))
    .map(([kind, size]) => `${kind} ${mib(size)}`)
    .join(', ');
  return `RSS ${mib(memory.rss)} (anonymous ${mib(memory.anon)}: ${mappings}; files ${mib(memory.file)}), threads ${threadsOf(pid)}${heap}`;
}

const objects = fabricOf(target);
const remote = await remoteWith(objects);
const gateway = await startBenchGateway({
  root: path.resolve(values.root),
  database: values.database === 'postgres' ? 'postgres' : 'embedded',
  nodeOptions: values['node-option'],
  env: Object.fromEntries(values.env.map((pair) => [pair.split('=')[0]!, pair.slice(pair.indexOf('=') + 1)])),
  snapshotDir: values.snapshots,
});
try {
  const { pid } = gateway;
  console.log(
    `gateway (pid ${pid}): ${path.resolve(values.root)}; database: ${values.database}; node ${process.versions.node}; options ${[...values['node-option'], ...values.env].join(' ') || 'none'}; load average ${loadAverage()}`,
  );
  const startCpuMs = cpuMsOf(pid);
  console.log(`idle:                  ${describe(pid)} (start-up CPU ${startCpuMs} ms)`);
  console.log(`idle, after GC:        ${describe(pid, await gateway.gc())}`);
  if (values.snapshots) console.log(`snapshot: ${await gateway.snapshot()}`);

  const fabricId = await createFabricOn(gateway, 'bench', remote);
  const started = performance.now();
  const cpuBefore = cpuMsOf(pid);
  const ended = await watchOperation(gateway.url, gateway.token, await startPull(gateway, fabricId), operationFinished);
  const pullMs = performance.now() - started;
  const pullCpuMs = cpuMsOf(pid) - cpuBefore;
  if (ended.status !== 'COMPLETED') {
    throw new Error(`the pull ended ${ended.status}:\n${gateway.lines.slice(-10).join('\n')}`);
  }
  const { resources } = await gateway.graphql<{ resources: { totalCount: number } }>(
    'query($id: ID!) { resources(fabricId: $id, first: 1) { totalCount } }',
    { id: fabricId },
  );
  console.log(
    `after pulling ${objects.length}: ${describe(pid)} (pull ${(pullMs / 1000).toFixed(1)} s, gateway CPU ${(pullCpuMs / 1000).toFixed(1)} s, ${resources.totalCount} resources)`,
  );
  console.log(`after pull, GC:        ${describe(pid, await gateway.gc())}, peak ${mib(memoryOf(pid).peak)}`);
  if (values.snapshots) console.log(`snapshot: ${await gateway.snapshot()}`);
  for (let waited = 10; waited <= restSeconds; waited += 10) {
    await sleep(10_000);
    console.log(`at rest ${String(waited).padStart(4)} s:       ${describe(pid)}`);
  }
  if (restSeconds > 0) {
    console.log(`at rest, GC:           ${describe(pid, await gateway.gc())}`);
    if (values.snapshots) console.log(`snapshot: ${await gateway.snapshot()}`);
  }
  for (const line of gateway.lines.filter((line) => line.includes('memory released'))) console.log(`gateway: ${line}`);
  const server = values.database === 'embedded' ? postgresPss(path.join(gateway.dataDir, 'pgdata')) : null;
  if (server !== null) console.log(`embedded PostgreSQL processes: summed PSS ${mib(server)}`);
} finally {
  await gateway.stop();
  await removeScratchDirs();
}
