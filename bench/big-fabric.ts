/**
 * Big fabrics in linear time and bounded memory (issue 16, item 5). For fabrics of 100, 10,000
 * and 50,000 objects (generated, valid, one object per file), on the native git adapter and on
 * the GitHub test server, it times:
 * - the first (full) pull of the fabric, Git → database;
 * - a full-listing pull right after it (the whole directory compared with every recorded file);
 * - a one-file pull (a label of one server changed elsewhere; median of 3);
 * - an ingestion of the same objects dropped into raw/ as multi-document files of 1,000 objects.
 *
 * The gateway is the built one, in a process of its own as `npm start` runs it
 * (bench/gateway-child.ts), driven through its GraphQL API (createGitRepository, createFabric,
 * syncFabric, initializeGitopsDirectory, ingestRaw; each operation watched to its end over
 * graphql-ws). The pulls and the ingestion of each size and adapter get a gateway process each,
 * so every memory figure is that gateway's own, not this harness's (the generated objects, their
 * YAML, the writer seeding the remote and the GitHub test server stay here):
 * - idle: its resident set once it serves;
 * - peak: its VmHWM at the end of the run, and the peak reached by the end of each phase of the
 *   first pull or the ingestion (`--phases`);
 * - at rest: its resident set once the gateway's own memory releaser has run after the work
 *   (src/memory.ts; it logs "memory released"), or after `--rest` seconds when it does not, and
 *   the heap in use after a forced full collection.
 * CPU is the gateway process's (/proc/<pid>/stat: not PostgreSQL's, not git's, not this
 * harness's); the git processes' CPU (the gateway's adapter and the test servers, from the cutime
 * and cstime of both processes) is printed beside it, and the ratios with it. Prints the ratios 50,000/10,000 (goal <= 5.5), one-file 50,000/100 (goal <= 1.5)
 * and the peak resident set (goal <= 600 MB during and after either).
 *
 *   node --import tsx bench/big-fabric.ts [sizes=100,10000,50000] [adapters=git,github]
 *     [--database postgres|embedded] [--rest 25] [--phases] [--snapshots <dir>] [--cpu-prof <dir>]
 *     [--timeline] [--show <text>] [--node-option <flag>]... [--env NAME=value]... [--root <checkout>]
 *     [--ingestion-only | --pulls-only]
 *
 * `--snapshots <dir>` writes a heap snapshot of the gateway (after a collection) when the first
 * pull reaches its `applying` phase and the ingestion its `committing` phase (validated, the plan
 * held): what is live then. Taking one raises that run's peak (the snapshot's own memory). `--cpu-prof`
 * writes a V8 CPU profile per gateway process. `--root` runs another checkout's gateway (a
 * baseline before a change) with this bench. `--timeline` prints the first pull's and the
 * ingestion's resident set at each new 25 MiB (with the phase last seen), `--show <text>` the
 * gateway's log lines that contain the text. `--ingestion-only` skips the pulls (printed as 0),
 * `--pulls-only` the ingestions.
 */
import { join } from 'node:path';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { CliGitHost } from '../src/git/cli/cli-git-host.ts';
import { managedFilePath, renderCanonicalYaml, type HedgehogObject } from '../src/hedgehog/canonical.ts';
import { generateFabric, splitIntoFiles } from '../src/hedgehog/generate-fabric.ts';
import {
  createBareRepository,
  makeScratchDir,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../test/support/git-fixtures.ts';
import { startGitHubServer, type GitHubServer } from '../test/support/github-server/github-server.ts';
import { childrenCpuMsOf, cpuMsOf, memoryOf, startBenchGateway, type BenchGateway } from './gateway-child.ts';
import { median } from './stats.ts';
import { loadAverage } from './support.ts';

type Adapter = 'git' | 'github';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    database: { type: 'string', default: 'postgres' },
    rest: { type: 'string', default: '25' },
    phases: { type: 'boolean', default: false },
    'ingestion-only': { type: 'boolean', default: false },
    timeline: { type: 'boolean', default: false },
    'pulls-only': { type: 'boolean', default: false },
    show: { type: 'string' },
    snapshots: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'node-option': { type: 'string', multiple: true, default: [] },
    env: { type: 'string', multiple: true, default: [] },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
  },
});
const REST_MS = Number(values.rest) * 1000;

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

/** The resident set of one gateway process, in MiB. */
interface MemoryFigures {
  idle: number;
  /** VmHWM at the end of the run. */
  peak: number;
  /** Resident after the run, once the gateway released memory (or after REST_MS). */
  rest: number;
  /** Heap in use after a forced full collection, after the rest. */
  heapAfterGc: number;
  /** Peak resident set reached by the end of each phase of the big operation. */
  phases: [string, number][];
}

interface RunResult {
  adapter: Adapter;
  size: number;
  firstPullMs: number;
  fullListingMs: number;
  oneFileMs: number;
  ingestMs: number;
  /** CPU time of the gateway process per step, ms. */
  cpuMs: Record<string, number>;
  /**
   * CPU time of the git processes per step, ms: those the gateway ran (its adapter's) and those
   * this process ran (the test servers': `git http-backend`, `cat-file`).
   */
  gitCpuMs: Record<string, number>;
  pulls: MemoryFigures;
  /** Null with --pulls-only. */
  ingestion: MemoryFigures | null;
}

interface OperationEnd {
  status: string;
  ms: number;
  cpuMs: number;
  gitCpuMs: number;
  filesCreated: number;
  filesUpdated: number;
}

const OPERATION_FIELDS = 'status phase filesCreated filesUpdated';

/**
 * Starts an operation by `mutation` and follows it to its end over graphql-ws (the subscription
 * starts with the operation as it is, so none is missed). Timed from the mutation to the update
 * that ends it; CPU is the gateway's over the same span. `onPhase` sees each new phase (with the
 * phase it left).
 */
async function runOperation(
  gateway: BenchGateway,
  mutation: string,
  variables: Record<string, unknown>,
  onPhase?: (left: string, entered: string) => Promise<void> | void,
): Promise<OperationEnd> {
  const cpuBefore = cpuMsOf(gateway.pid);
  const gitCpu = () => childrenCpuMsOf(gateway.pid) + childrenCpuMsOf(process.pid);
  const gitCpuBefore = gitCpu();
  const started = performance.now();
  const data = await gateway.graphql<Record<string, { id: string }>>(mutation, variables);
  const id = Object.values(data)[0]!.id;
  const client = createClient({
    url: `${gateway.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${gateway.token}` },
  });
  type Update = { status: string; phase: string; filesCreated: number; filesUpdated: number };
  let phase = 'STARTING';
  // With --timeline and a phase watcher: the resident set every 100 ms, printed at each new 25 MB.
  const timeline: string[] = [];
  let step = 0;
  const sampler =
    values.timeline && onPhase
      ? setInterval(() => {
          const rss = memoryOf(gateway.pid).rss;
          if (rss < step + 25) return;
          step = Math.floor(rss / 25) * 25;
          timeline.push(`${((performance.now() - started) / 1000).toFixed(1)} s ${rss.toFixed(0)} MiB (${phase})`);
        }, 100)
      : null;
  try {
    const end = await new Promise<Update>((resolve, reject) => {
      client.subscribe<{ syncOperationUpdated: Update }>(
        {
          query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { ${OPERATION_FIELDS} } }`,
          variables: { id },
        },
        {
          next: async (message) => {
            const update = message.data!.syncOperationUpdated;
            if (update.phase !== phase) {
              const left = phase;
              phase = update.phase;
              await onPhase?.(left, update.phase);
            }
            if (!['PENDING', 'IN_PROGRESS'].includes(update.status)) resolve(update);
          },
          // The socket can be closed on a loaded machine (this process, busy serving the GitHub
          // test server, reads its events too slowly): then the operation is followed by polling.
          error: () => {
            const poll = async (): Promise<Update> => {
              const { syncOperation } = await gateway.graphql<{ syncOperation: Update }>(
                `query($id: ID!) { syncOperation(id: $id) { ${OPERATION_FIELDS} } }`,
                { id },
              );
              if (!['PENDING', 'IN_PROGRESS'].includes(syncOperation.status)) return syncOperation;
              await new Promise((wake) => setTimeout(wake, 250));
              return poll();
            };
            poll().then(resolve, reject);
          },
          complete: () => {},
        },
      );
    });
    const ms = performance.now() - started;
    const cpuMs = cpuMsOf(gateway.pid) - cpuBefore;
    const gitCpuMs = gitCpu() - gitCpuBefore;
    if (end.status !== 'COMPLETED') {
      const { syncOperation } = await gateway.graphql<{ syncOperation: { errorMessage: string } }>(
        'query($id: ID!) { syncOperation(id: $id) { errorMessage } }',
        { id },
      );
      throw new Error(`${mutation.slice(0, 40)}... ended ${end.status}: ${syncOperation.errorMessage}`);
    }
    return { status: end.status, ms, cpuMs, gitCpuMs, filesCreated: end.filesCreated, filesUpdated: end.filesUpdated };
  } finally {
    if (sampler) {
      clearInterval(sampler);
      console.log(`  timeline: ${timeline.join(', ')}`);
    }
    await client.dispose();
  }
}

/** A gateway of its own for one part of the run; its memory figures once `work` is done. */
async function inGateway<T>(
  name: string,
  github: GitHubServer | null,
  work: (gateway: BenchGateway, phases: MemoryFigures['phases']) => Promise<T>,
): Promise<{ value: T; memory: MemoryFigures }> {
  const env = Object.fromEntries(values.env.map((pair) => [pair.split('=')[0]!, pair.slice(pair.indexOf('=') + 1)]));
  const profile = values['cpu-prof'];
  const gateway = await startBenchGateway({
    root: path.resolve(values.root),
    database: values.database === 'embedded' ? 'embedded' : 'postgres',
    nodeOptions: [
      ...values['node-option'],
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${name}.cpuprofile`] : []),
    ],
    env: {
      LOG_LEVEL: 'info',
      QUERIES_PER_MINUTE: '1000000',
      MUTATIONS_PER_MINUTE: '1000000',
      ...(github ? { GITHUB_API_URL: github.url } : {}),
      ...env,
    },
    ...(values.snapshots ? { snapshotDir: values.snapshots } : {}),
  });
  try {
    const idle = memoryOf(gateway.pid).rss;
    const phases: MemoryFigures['phases'] = [];
    const value = await work(gateway, phases);
    const peak = memoryOf(gateway.pid).peak;
    // At rest: the gateway's own releaser (src/memory.ts) runs once it is quiet; wait for its
    // log line (an event), or REST_MS when it finds nothing worth releasing.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, REST_MS);
      const onData = (chunk: Buffer) => {
        if (chunk.toString().includes('memory released')) done();
      };
      function done() {
        clearTimeout(timer);
        gateway.child.stdout!.off('data', onData);
        resolve();
      }
      gateway.child.stdout!.on('data', onData);
    });
    const rest = memoryOf(gateway.pid).rss;
    if (values.show)
      for (const line of gateway.lines) if (line.includes(values.show)) console.log(`  ${name}: ${line}`);
    const heapAfterGc = (await gateway.gc()).heapUsed / 2 ** 20;
    return { value, memory: { idle, peak, rest, heapAfterGc, phases } };
  } finally {
    await gateway.stop();
  }
}

async function createFabric(gateway: BenchGateway, name: string, remote: string, github: GitHubServer | null) {
  const { createGitRepository } = await gateway.graphql<{ createGitRepository: { id: string } }>(
    'mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { id } }',
    {
      input: github
        ? {
            name,
            url: `https://github.com/${github.owner}/${github.name}`,
            provider: 'GITHUB',
            authType: 'TOKEN',
            credentials: { token: github.token },
          }
        : { name, url: `file://${remote}` },
    },
  );
  const { createFabric } = await gateway.graphql<{ createFabric: { id: string } }>(
    'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
    { input: { name, gitRepositoryId: createGitRepository.id } },
  );
  return createFabric.id;
}

/** Records the peak resident set reached by the end of each phase; a heap snapshot at `applying`. */
function phaseWatcher(gateway: BenchGateway, phases: MemoryFigures['phases'], label: string, snapshotAt: string) {
  return async (left: string, entered: string) => {
    phases.push([left, memoryOf(gateway.pid).peak]);
    if (values.snapshots && entered === snapshotAt) {
      const file = await gateway.snapshot();
      console.error(`${label}: heap snapshot at ${snapshotAt}: ${file}`);
    }
  };
}

/** With `--ingestion-only`, the pulls are not run: their figures are 0. */
const pullsIn: typeof inGateway = values['ingestion-only']
  ? async <T>() => ({
      value: { firstPullMs: 0, fullListingMs: 0, oneFileMs: 0 } as T,
      memory: { idle: 0, peak: 0, rest: 0, heapAfterGc: 0, phases: [] },
    })
  : inGateway;

const PULL =
  'mutation($id: ID!, $full: Boolean) { syncFabric(fabricId: $id, direction: PULL, fullListing: $full) { id } }';

async function runSize(adapter: Adapter, size: number): Promise<RunResult> {
  const objects = fabricOf(size);
  const cpuMs: Record<string, number> = {};
  const gitCpuMs: Record<string, number> = {};
  const commitTo = async (remote: string) => {
    const writer = new CliGitHost({
      remoteUrl: `file://${remote}`,
      cacheDir: join(await makeScratchDir('bench-cache-'), 'c'),
    });
    const commit = async (changed: HedgehogObject[], message: string) => {
      const head = await writer.getBranchHead('main');
      const result = await writer.commit({
        branch: 'main',
        expectedHeadOid: head,
        message,
        deletions: [],
        additions: changed.map((object) => ({
          path: `fabric/${managedFilePath(object)}`,
          contents: renderCanonicalYaml(object),
        })),
      });
      if (result.status !== 'committed') throw new Error('the remote moved');
    };
    return { commit, close: () => writer.close() };
  };

  // Pulls: first, full listing, three one-file pulls.
  let github = adapter === 'github' ? await startGitHubServer() : null;
  let remote = github ? github.repositoryDir : await createBareRepository();
  const writer = await commitTo(remote);
  let pulls: { value: { firstPullMs: number; fullListingMs: number; oneFileMs: number }; memory: MemoryFigures };
  try {
    if (!values['ingestion-only']) await writer.commit(objects, `seed ${size}`);
    pulls = await pullsIn(`${adapter}-${size}-pull`, github, async (gateway, phases) => {
      const fabricId = await createFabric(gateway, `big-${adapter}-${size}`, remote, github);
      const first = await runOperation(
        gateway,
        PULL,
        { id: fabricId },
        phaseWatcher(gateway, phases, `${adapter} ${size} first pull`, 'APPLYING'),
      );
      phases.push(['(end)', memoryOf(gateway.pid).peak]);
      if (first.filesCreated !== size) throw new Error(`the first pull created ${first.filesCreated} files`);
      cpuMs.firstPull = first.cpuMs;
      gitCpuMs.firstPull = first.gitCpuMs;
      const full = await runOperation(gateway, PULL, { id: fabricId, full: true });
      if (full.filesCreated !== 0 || full.filesUpdated !== 0)
        throw new Error(`the full-listing pull changed files: ${JSON.stringify(full)}`);
      cpuMs.fullListing = full.cpuMs;
      gitCpuMs.fullListing = full.gitCpuMs;
      // A label on one server: a typical edit, which one or two connections refer to.
      const server = objects.find((object) => object.kind === 'Server')!;
      const times: number[] = [];
      const cpuTimes: number[] = [];
      for (let round = 0; round < 3; round++) {
        const changed = structuredClone(server);
        (changed.metadata as { labels?: Record<string, string> }).labels = { round: String(round) };
        await writer.commit([changed], `change ${round}`);
        const pulled = await runOperation(gateway, PULL, { id: fabricId });
        if (pulled.filesUpdated !== 1) throw new Error(`expected one updated file, got ${JSON.stringify(pulled)}`);
        times.push(pulled.ms);
        cpuTimes.push(pulled.cpuMs);
      }
      cpuMs.oneFile = median(cpuTimes);
      return { firstPullMs: first.ms, fullListingMs: full.ms, oneFileMs: median(times) };
    });
  } finally {
    await writer.close();
    await github?.close();
  }

  // Ingestion: the objects in raw/ as files of about 1,000 objects (50 at 50,000).
  if (values['pulls-only'])
    return {
      adapter,
      size,
      ...pulls.value,
      ingestMs: Number.NaN,
      cpuMs,
      gitCpuMs,
      pulls: pulls.memory,
      ingestion: null,
    };
  github = adapter === 'github' ? await startGitHubServer() : null;
  remote = github ? github.repositoryDir : await createBareRepository();
  let ingestion: { value: number; memory: MemoryFigures };
  try {
    await pushFromAnotherClone(remote, { files: { 'README.md': '# bench\n' } });
    ingestion = await inGateway(`${adapter}-${size}-ingest`, github, async (gateway, phases) => {
      const fabricId = await createFabric(gateway, `ingest-${adapter}-${size}`, remote, github);
      await runOperation(gateway, 'mutation($id: ID!) { initializeGitopsDirectory(fabricId: $id) { id } }', {
        id: fabricId,
      });
      const files = splitIntoFiles(objects, Math.ceil(size / 1000), { prefix: 'part' });
      await pushFromAnotherClone(remote, {
        files: Object.fromEntries(files.map((file) => [`fabric/raw/${file.path}`, file.text])),
      });
      const ingested = await runOperation(
        gateway,
        'mutation($id: ID!) { ingestRaw(fabricId: $id) { id } }',
        { id: fabricId },
        phaseWatcher(gateway, phases, `${adapter} ${size} ingestion`, 'COMMITTING'),
      );
      phases.push(['(end)', memoryOf(gateway.pid).peak]);
      cpuMs.ingest = ingested.cpuMs;
      gitCpuMs.ingest = ingested.gitCpuMs;
      const { resources } = await gateway.graphql<{ resources: { totalCount: number } }>(
        'query($f: ID!) { resources(fabricId: $f, first: 1) { totalCount } }',
        { f: fabricId },
      );
      if (resources.totalCount !== size)
        throw new Error(`ingestion left ${resources.totalCount} rows, expected ${size}`);
      return ingested.ms;
    });
  } finally {
    await github?.close();
  }
  return {
    adapter,
    size,
    ...pulls.value,
    ingestMs: ingestion.value,
    cpuMs,
    gitCpuMs,
    pulls: pulls.memory,
    ingestion: ingestion.memory,
  };
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? '-' : (a / b).toFixed(2);
/** MiB (as /proc gives them) in MB, the unit of the goal. */
const mb = (mebibytes: number) => `${(mebibytes * 1.048576).toFixed(0)} MB`;
const memoryLine = (m: MemoryFigures | null) =>
  m === null
    ? '-'
    : `idle ${mb(m.idle)}, peak ${mb(m.peak)}, at rest ${mb(m.rest)} (heap after GC ${mb(m.heapAfterGc)})`;

const sizes = (positionals[0] ?? '100,10000,50000').split(',').map(Number);
const adapters = (positionals[1] ?? 'git,github').split(',') as Adapter[];
try {
  console.log(
    `big-fabric: gateway in its own process (built, ${values.database} database); node ${process.versions.node}; load average ${loadAverage()}`,
  );
  for (const adapter of adapters) {
    const results: RunResult[] = [];
    for (const size of sizes) {
      const r = await runSize(adapter, size);
      results.push(r);
      console.log(
        `${adapter.padEnd(6)} ${String(size).padStart(6)} objects (load average ${loadAverage()}): first pull ${seconds(r.firstPullMs)}, full listing ${seconds(r.fullListingMs)}, one file ${seconds(r.oneFileMs)}, ingestion ${seconds(r.ingestMs)}; gateway CPU: first pull ${seconds(r.cpuMs.firstPull)}, full listing ${seconds(r.cpuMs.fullListing)}, one file ${seconds(r.cpuMs.oneFile)}, ingestion ${seconds(r.cpuMs.ingest)}; git processes' CPU: first pull ${seconds(r.gitCpuMs.firstPull)}, full listing ${seconds(r.gitCpuMs.fullListing)}, ingestion ${seconds(r.gitCpuMs.ingest)}`,
      );
      console.log(`${' '.repeat(21)}gateway RSS, pulls: ${memoryLine(r.pulls)}; ingestion: ${memoryLine(r.ingestion)}`);
      if (values.phases) {
        const phases = (m: MemoryFigures | null) =>
          (m?.phases ?? []).map(([phase, peak]) => `${phase.toLowerCase()} ${mb(peak)}`).join(', ');
        console.log(`${' '.repeat(21)}peak by the end of each phase, first pull: ${phases(r.pulls)}`);
        console.log(`${' '.repeat(21)}peak by the end of each phase, ingestion: ${phases(r.ingestion)}`);
      }
    }
    const at = (size: number) => results.find((r) => r.size === size);
    const [small, middle, large] = [at(sizes[0]!), at(sizes[1]!), at(sizes[2]!)];
    if (middle && large) {
      const label = `${large.size} / ${middle.size}`;
      console.log(
        `${adapter.padEnd(6)} ${label}: first pull ${ratio(large.firstPullMs, middle.firstPullMs)}, full listing ${ratio(large.fullListingMs, middle.fullListingMs)}, ingestion ${ratio(large.ingestMs, middle.ingestMs)} (goal at 50,000 / 10,000: <= 5.5)`,
      );
      console.log(
        `${adapter.padEnd(6)} ${label} in gateway CPU time: first pull ${ratio(large.cpuMs.firstPull, middle.cpuMs.firstPull)}, full listing ${ratio(large.cpuMs.fullListing, middle.cpuMs.fullListing)}, ingestion ${ratio(large.cpuMs.ingest, middle.cpuMs.ingest)}`,
      );
      const withGit = (r: RunResult, step: string) => (r.cpuMs[step] ?? 0) + (r.gitCpuMs[step] ?? 0);
      console.log(
        `${adapter.padEnd(6)} ${label} in CPU time with git's: first pull ${ratio(withGit(large, 'firstPull'), withGit(middle, 'firstPull'))}, full listing ${ratio(withGit(large, 'fullListing'), withGit(middle, 'fullListing'))}, ingestion ${ratio(withGit(large, 'ingest'), withGit(middle, 'ingest'))}`,
      );
    }
    if (small && large)
      console.log(
        `${adapter.padEnd(6)} one-file pull ${large.size} / ${small.size}: ${ratio(large.oneFileMs, small.oneFileMs)} (goal at 50,000 / 100: <= 1.5); in gateway CPU time ${ratio(large.cpuMs.oneFile, small.cpuMs.oneFile)}`,
      );
    const peak = Math.max(...results.flatMap((r) => [r.pulls.peak, r.ingestion?.peak ?? 0]));
    const rest = Math.max(...results.flatMap((r) => [r.pulls.rest, r.ingestion?.rest ?? 0]));
    console.log(
      `${adapter.padEnd(6)} gateway peak RSS ${mb(peak)}, at rest at most ${mb(rest)} (goal <= 600 MB during and after either)`,
    );
  }
} finally {
  await removeScratchDirs();
}
