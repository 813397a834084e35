/**
 * Fan-out of fabric events to many graphql-ws subscribers (prints numbers; not a test). The
 * gateway runs in a process of its own as `npm start` runs it, with `--expose-gc` and
 * gc-on-signal.mjs preloaded (forced GC on SIGUSR2, a heap snapshot on SIGWINCH; bench only);
 * the subscribers are graphql-transport-ws sockets spread over `--clients` child processes
 * (bench/fanout-clients.ts), all following `fabricEvents` of one fabric, so the clients' own
 * work (5,000 messages read per round) does not run on the bench's clock. `--client raw` (the
 * default) reads them on plain `net` sockets, finding each event's name in the bytes
 * (bench/raw-websocket.ts): the clients then cost little more than the kernel's reads, and take
 * less of the machine's CPU from the gateway; `--client ws` uses `ws` and JSON.parse per message.
 *
 *   1. heap in use after a forced GC: before the subscribers connect, with them idle, after they
 *      left, and after a second cycle of them joining and leaving (what one cycle retains);
 *   2. `--rounds` draft mutations (createResource over HTTP), one at a time: the time from sending
 *      the mutation to its own response, and to the event at the last subscriber (p50, p99, max),
 *      measured by the clients on the machine's wall clock;
 *   3. the server's own figure for each round: gateway_subscription_fanout_seconds (from the one
 *      shared execution's result to the write on the last socket), read from /metrics;
 *   4. the gateway's CPU time per round (/proc, 10 ms steps) and the client processes' CPU time;
 *   5. the same for a baseline of 1 subscriber, measured in the same run (the ratio is printed).
 *
 *   node bench/fanout.ts [--subscribers 5000] [--rounds 20] [--clients 4] [--database postgres|embedded]
 *        [--client raw|ws] [--root <checkout>] [--profile <dir>] [--profile-clients <dir>]
 *        [--snapshots <dir>] [--memory false] [--gateways 1]
 *
 * `--root` runs another checkout's gateway (its dist/ built first if stale) with this bench
 * (without its fan-out metric, the server-side figure is missing). `--profile` writes the
 * gateway's CPU profile of the rounds with N subscribers (see bench/profile-summary.ts).
 * `--gateways N` (N > 1, PostgreSQL only) runs N gateway processes on one database, the client
 * processes spread over them and the events carried between them by LISTEN/NOTIFY (replicas);
 * the CPU time is then all gateways' and the server figure the slowest gateway's per round.
 * `--profile-clients` writes each client process's CPU profile of its whole life (connecting
 * included). `--snapshots` writes heap snapshots of the gateway before the subscribers, with them idle and
 * after they left (see bench/heap-summary.ts). `--memory false` skips the heap figures and the
 * second join/leave cycle (a shorter run: the rounds only). Each part's figures are printed as
 * soon as it is measured.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClientKind, FromClients, ToClients } from './fanout-clients.ts';
import { percentile } from './stats.ts';
import { adminQuery, freePort, loadAverage, postGraphql } from './support.ts';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '4' },
    database: { type: 'string', default: 'postgres' },
    profile: { type: 'string' },
    snapshots: { type: 'string' },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
    memory: { type: 'string', default: 'true' },
    client: { type: 'string', default: 'raw' },
    'profile-clients': { type: 'string' },
    gateways: { type: 'string', default: '1' },
  },
});
/** Client process i runs subscribers of kind CLIENT_KINDS[i % length] (`--client raw,ws`: half each). */
const CLIENT_KINDS = values.client.split(',') as ClientKind[];
if (!CLIENT_KINDS.every((kind) => kind === 'raw' || kind === 'ws'))
  throw new Error('--client is raw, ws or a list of them');
const GATEWAYS = Math.max(1, Number(values.gateways));
if (GATEWAYS > 1 && values.database !== 'postgres') throw new Error('--gateways needs --database postgres');
const ROOT = path.resolve(values.root);
const TOKEN = /hgw_[A-Za-z0-9_-]{43}/;
const SUBSCRIBERS = Number(values.subscribers);
const ROUNDS = Number(values.rounds);
const CLIENTS = Math.max(1, Math.min(Number(values.clients), SUBSCRIBERS));
const SUBSCRIPTION = `subscription($f: ID!) { fabricEvents(fabricId: $f) { type fabricId at ... on DraftChangedEvent { resourceId kind name action actor } } }`;

const rssMiB = (pid: number) =>
  Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const ms = (value: number) => `${value.toFixed(1)} ms`;

const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-bench-fanout-'));
await chmod(dataDir, 0o755);
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

const port = await freePort();
const child = spawn(process.execPath, ['scripts/run-built.mjs', 'src/main.ts'], {
  cwd: ROOT,
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    NODE_OPTIONS: [
      '--expose-gc',
      `--import ${pathToFileURL(path.join(import.meta.dirname, 'gc-on-signal.mjs')).href}`,
    ].join(' '),
    ...(values.profile ? { BENCH_PROFILE_DIR: path.resolve(values.profile) } : {}),
    ...(values.snapshots ? { BENCH_SNAPSHOT_DIR: path.resolve(values.snapshots) } : {}),
    ...env,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
const lines: string[] = [];
type MemoryUsage = { heapUsed: number };
const gcWaiters: ((usage: MemoryUsage | null) => void)[] = [];
const snapshotWaiters: ((file: string) => void)[] = [];
const profileWaiters: ((line: string) => void)[] = [];
createInterface({ input: child.stderr! }).on('line', (line) => {
  lines.push(line);
  if (line.startsWith('bench: gc')) {
    const json = /^bench: gc done (\{.*\})$/.exec(line)?.[1];
    gcWaiters.shift()?.(json ? (JSON.parse(json) as MemoryUsage) : null);
  } else if (line.startsWith('bench: snapshot ')) snapshotWaiters.shift()?.(line.slice('bench: snapshot '.length));
  else if (line.startsWith('bench: profil')) profileWaiters.shift()?.(line);
});
const url = `http://127.0.0.1:${port}`;
/** Every gateway's URL: the first one's, then those of `--gateways` beyond the first. */
const gatewayUrls = [url];
const others: ChildProcess[] = [];
const otherDataDirs: string[] = [];

/**
 * With `--gateways N`: N - 1 more gateway processes on the same database (each its own data
 * directory and port), as replicas behind a load balancer would run; fabric events reach them
 * over PostgreSQL LISTEN/NOTIFY (EVENT_BUS=auto). Client process i connects to gateway i % N.
 */
async function startOtherGateways(): Promise<void> {
  for (let index = 1; index < GATEWAYS; index += 1) {
    const otherDir = await mkdtemp(path.join(tmpdir(), 'gateway-bench-fanout-'));
    await chmod(otherDir, 0o755);
    otherDataDirs.push(otherDir);
    const otherPort = await freePort();
    const other = spawn(process.execPath, ['scripts/run-built.mjs', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(otherPort),
        LOG_LEVEL: 'info',
        ...env,
        DATA_DIR: otherDir,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    others.push(other);
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: other.stdout! }).on('line', (line) => {
        if (line.includes('gateway ready')) resolve();
      });
      other.once('exit', (code) => reject(new Error(`gateway ${index + 1} exited with ${code}`)));
    });
    gatewayUrls.push(`http://127.0.0.1:${otherPort}`);
  }
}
const graphql = <T>(token: string, query: string, variables: Record<string, unknown> = {}) =>
  postGraphql<T>(url, token, query, variables);

/** Forces two full GCs in the gateway; the V8 heap in use then, in bytes. */
async function heapAfterGc(): Promise<number> {
  let usage: MemoryUsage | null = null;
  for (let pass = 0; pass < 2; pass += 1) {
    const done = new Promise<MemoryUsage | null>((resolve) => gcWaiters.push(resolve));
    child.kill('SIGUSR2');
    usage = await done;
  }
  if (!usage) throw new Error('the gateway has no forced GC (--expose-gc)');
  return usage.heapUsed;
}

/** A heap snapshot of the gateway (with --snapshots), named `label`; after forced GCs. */
async function snapshot(label: string): Promise<void> {
  if (!values.snapshots) return;
  const written = new Promise<string>((resolve) => snapshotWaiters.push(resolve));
  child.kill('SIGWINCH');
  const file = await written;
  console.log(`heap snapshot ${label}: ${file}`);
}

/** Starts (SIGTTIN) or stops and writes (SIGTTOU) the gateway's CPU profile (with --profile). */
async function profiling(signal: 'SIGTTIN' | 'SIGTTOU'): Promise<void> {
  if (!values.profile) return;
  const answered = new Promise<string>((resolve) => profileWaiters.push(resolve));
  child.kill(signal);
  const line = await answered;
  if (signal === 'SIGTTOU') console.log(line.replace('bench: ', 'CPU '));
}

/** CPU time of process `pid` so far, user and system (the kernel: socket writes), in ms (10 ms steps). */
function cpuMs(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: (Number(fields[11]) * 1000) / 100, system: (Number(fields[12]) * 1000) / 100 };
}

/** The sum and count of a gateway's gateway_subscription_fanout_seconds (null: no such metric). */
async function fanOutMetric(url: string, token: string): Promise<{ sum: number; count: number } | null> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const sum = /^gateway_subscription_fanout_seconds_sum (\S+)$/m.exec(text)?.[1];
  const count = /^gateway_subscription_fanout_seconds_count (\S+)$/m.exec(text)?.[1];
  return sum === undefined || count === undefined ? null : { sum: Number(sum), count: Number(count) };
}

/** Client processes holding the subscribers between them. */
class Clients {
  readonly #processes: ChildProcess[] = [];
  readonly #waiters = new Map<string, ((message: FromClients) => void)[]>();

  constructor(count: number) {
    for (let index = 0; index < count; index += 1) {
      const process = fork(path.join(import.meta.dirname, 'fanout-clients.ts'), {
        stdio: 'inherit',
        execArgv: values['profile-clients']
          ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['profile-clients'])}`]
          : [],
      });
      process.on('message', (message: FromClients) => {
        if (message.type === 'failed') throw new Error(`client process: ${message.message}`);
        // Keyed by process: each answer goes to the waiter of the process that sent it.
        const key = `${index}:${message.type === 'arrived' ? `arrived:${message.name}` : message.type}`;
        const waiters = this.#waiters.get(key);
        waiters?.shift()?.(message);
      });
      this.#processes.push(process);
    }
  }

  /** Sends `message` to every process; resolves with their answers of type `answer`, in the processes' order. */
  #all<T extends FromClients>(message: ToClients | ((index: number) => ToClients), answer: string): Promise<T[]> {
    return Promise.all(
      this.#processes.map((process, index) => {
        const key = `${index}:${answer}`;
        const answered = new Promise<T>((resolve) => {
          const waiters = this.#waiters.get(key) ?? [];
          waiters.push(resolve as (message: FromClients) => void);
          this.#waiters.set(key, waiters);
        });
        process.send(typeof message === 'function' ? message(index) : message);
        return answered;
      }),
    );
  }

  /** Connects `count` subscribers, client process `index` to gateway `index % urls.length`. */
  async connect(urls: string[], token: string, fabricId: string, count: number): Promise<void> {
    const share = (index: number) =>
      Math.floor(count / this.#processes.length) + (index < count % this.#processes.length ? 1 : 0);
    await this.#all(
      (index) => ({
        type: 'connect',
        url: urls[index % urls.length]!,
        token,
        fabricId,
        count: share(index),
        query: SUBSCRIPTION,
        client: CLIENT_KINDS[index % CLIENT_KINDS.length]!,
      }),
      'connected',
    );
  }

  /** When (wall clock, ms) the last subscriber of all processes had event `name`. */
  async lastArrival(name: string): Promise<number> {
    const answers = await this.#all<Extract<FromClients, { type: 'arrived' }>>(
      { type: 'expect', name },
      `arrived:${name}`,
    );
    return Math.max(...answers.map((answer) => answer.last));
  }

  /** The client processes' CPU time so far, user and system (the kernel: socket reads), in ms. */
  /** Per client kind (raw, ws): the CPU time of its processes so far, user and system (socket reads), in ms. */
  async cpuMs(): Promise<Map<ClientKind, { user: number; system: number }>> {
    const answers = await this.#all<Extract<FromClients, { type: 'cpu' }>>({ type: 'cpu' }, 'cpu');
    const byKind = new Map<ClientKind, { user: number; system: number }>();
    for (const [index, answer] of answers.entries()) {
      const kind = CLIENT_KINDS[index % CLIENT_KINDS.length]!;
      const total = byKind.get(kind) ?? { user: 0, system: 0 };
      total.user += answer.user;
      total.system += answer.system;
      byKind.set(kind, total);
    }
    return byKind;
  }

  async disconnect(): Promise<void> {
    await this.#all({ type: 'disconnect' }, 'disconnected');
  }

  /** Ends the client processes (they exit when the IPC channel closes, writing their profiles). */
  async stop(): Promise<void> {
    await Promise.all(
      this.#processes.map((process) => {
        if (process.exitCode !== null || process.signalCode !== null) return null;
        const exited = new Promise((resolve) => process.once('exit', resolve));
        process.disconnect();
        return exited;
      }),
    );
  }
}

const wallClock = () => performance.timeOrigin + performance.now();

/** Connects `count` subscribers and drafts until one event has reached every one of them. */
async function connect(clients: Clients, token: string, fabricId: string, count: number, label: string) {
  await clients.connect(gatewayUrls, token, fabricId, count);
  // The subscribe message may still be on its way: draft until one event reaches everyone.
  for (let attempt = 0; ; attempt += 1) {
    const name = `warm-${label}-${attempt}`;
    const arrived = clients.lastArrival(name);
    await createDraft(token, fabricId, name);
    const done = await Promise.race([arrived.then(() => true), new Promise((r) => setTimeout(() => r(false), 2_000))]);
    if (done) break;
  }
}

async function createDraft(token: string, fabricId: string, name: string): Promise<void> {
  await graphql(
    token,
    'mutation($f: ID!, $yaml: String!) { createResource(fabricId: $f, manifest: { yaml: $yaml }) { id } }',
    {
      f: fabricId,
      yaml: `apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: ${name}\nspec:\n  ranges:\n  - from: 1000\n    to: 1999\n`,
    },
  );
}

/**
 * `ROUNDS` drafts one after another; per round the mutation's own time, the time to the last
 * subscriber, and the server's fan-out time; the gateway's and the clients' CPU time per round.
 */
async function rounds(clients: Clients, token: string, fabricId: string, pids: number[], label: string) {
  const mutation: number[] = [];
  const last: number[] = [];
  const server: number[] = [];
  const gatewayCpu = { user: 0, system: 0 };
  const clientsCpuBefore = await clients.cpuMs();
  for (let round = 0; round < ROUNDS; round += 1) {
    const name = `${label}-${round}`;
    const before = await Promise.all(gatewayUrls.map((url) => fanOutMetric(url, token)));
    const cpuBefore = pids.map(cpuMs);
    const arrived = clients.lastArrival(name);
    const started = wallClock();
    await createDraft(token, fabricId, name);
    mutation.push(wallClock() - started);
    last.push((await arrived) - started);
    for (const [index, cpuAfter] of pids.map(cpuMs).entries()) {
      gatewayCpu.user += cpuAfter.user - cpuBefore[index]!.user;
      gatewayCpu.system += cpuAfter.system - cpuBefore[index]!.system;
    }
    // With several gateways, the slowest one's fan-out of the round.
    const after = await Promise.all(gatewayUrls.map((url) => fanOutMetric(url, token)));
    const perGateway = after.flatMap((figure, index) => {
      const earlier = before[index];
      return earlier && figure && figure.count > earlier.count
        ? [((figure.sum - earlier.sum) * 1000) / (figure.count - earlier.count)]
        : [];
    });
    if (perGateway.length > 0) server.push(Math.max(...perGateway));
  }
  const clientsCpuAfter = await clients.cpuMs();
  const figures = (values: number[]) => ({
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: Math.max(...values),
  });
  return {
    mutation: figures(mutation),
    last: figures(last),
    server: server.length > 0 ? figures(server) : null,
    gatewayCpuPerRound: { user: gatewayCpu.user / ROUNDS, system: gatewayCpu.system / ROUNDS },
    clientsCpuPerRound: [...clientsCpuAfter].map(([kind, after]) => ({
      kind,
      user: (after.user - clientsCpuBefore.get(kind)!.user) / ROUNDS,
      system: (after.system - clientsCpuBefore.get(kind)!.system) / ROUNDS,
    })),
  };
}

try {
  await new Promise<void>((resolve, reject) => {
    let started = false;
    const ready = (line: string) => {
      if (started) return;
      lines.push(line);
      if (line.includes('gateway ready')) {
        started = true;
        resolve();
      }
    };
    createInterface({ input: child.stdout! }).on('line', ready);
    void exited.then((code) => reject(new Error(`the gateway exited with ${code}:\n${lines.join('\n')}`)));
  });
  const token = lines.join('\n').match(TOKEN)?.[0];
  if (!token) throw new Error(`no admin token printed:\n${lines.join('\n')}`);
  const pid = child.pid!;
  await startOtherGateways();
  const { createFabric } = await graphql<{ createFabric: { id: string } }>(
    token,
    'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
    { input: { name: 'bench' } },
  );
  const fabricId = createFabric.id;
  console.log(
    `gateway: ${ROOT}; database: ${values.database}; node ${process.versions.node}; ${SUBSCRIBERS} subscribers (${CLIENT_KINDS.join(', ')} clients), ${GATEWAYS} gateway process(es), ${ROUNDS} rounds; load average ${loadAverage()}`,
  );

  const clients = new Clients(CLIENTS);
  try {
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
    const serverText = (figures: Awaited<ReturnType<typeof rounds>>['server']) =>
      figures
        ? `server fan-out (result to last socket write) p50 ${ms(figures.p50)}, p99 ${ms(figures.p99)}, max ${ms(figures.max)}`
        : 'no server fan-out metric';
    /** Per client kind: its processes' CPU per round, and per message it read (its share of the subscribers). */
    const clientsText = (run: Awaited<ReturnType<typeof rounds>>, subscribers: number) =>
      run.clientsCpuPerRound
        .map(({ kind, user, system }) => {
          const processes = Array.from({ length: CLIENTS }, (_, index) => index).filter(
            (index) => CLIENT_KINDS[index % CLIENT_KINDS.length] === kind,
          );
          const share = processes.reduce(
            (total, index) => total + Math.floor(subscribers / CLIENTS) + (index < subscribers % CLIENTS ? 1 : 0),
            0,
          );
          const perMessage = share > 0 ? `, ${(((user + system) * 1000) / share).toFixed(1)} µs per message` : '';
          return `${processes.length} ${kind} client processes (${share} subscribers) ${(user + system).toFixed(1)} ms (user ${user.toFixed(1)}, system ${system.toFixed(1)}${perMessage})`;
        })
        .join(', ');
    const report = (title: string, run: Awaited<ReturnType<typeof rounds>>, subscribers: number) => {
      console.log(
        `${title} mutation p50 ${ms(run.mutation.p50)}, p99 ${ms(run.mutation.p99)}; event at the last subscriber p50 ${ms(run.last.p50)}, p99 ${ms(run.last.p99)}, max ${ms(run.last.max)}`,
      );
      console.log(
        `  ${serverText(run.server)}; CPU per round: gateway ${(run.gatewayCpuPerRound.user + run.gatewayCpuPerRound.system).toFixed(1)} ms (user ${run.gatewayCpuPerRound.user.toFixed(1)}, system ${run.gatewayCpuPerRound.system.toFixed(1)}), ${clientsText(run, subscribers)}`,
      );
    };
    await connect(clients, token, fabricId, 1, 'one');
    const baseline = await rounds(clients, token, fabricId, [pid], 'one');
    report('1 subscriber:', baseline, 1);
    await clients.disconnect();

    await snapshot('before');
    const heapBefore = await heapAfterGc();
    const rssBefore = rssMiB(pid);
    const connectStarted = performance.now();
    await connect(clients, token, fabricId, SUBSCRIBERS, 'many');
    const connectMs = performance.now() - connectStarted;
    console.log(
      `${SUBSCRIBERS} subscribers connected in ${(connectMs / 1000).toFixed(1)} s; load average ${loadAverage()}`,
    );
    const heapIdle = await heapAfterGc();
    const rssIdle = rssMiB(pid);
    await snapshot('idle');
    await profiling('SIGTTIN');
    const measured = await rounds(clients, token, fabricId, [pid, ...others.map((other) => other.pid!)], 'many');
    await profiling('SIGTTOU');
    report(`${SUBSCRIBERS} subscribers:`, measured, SUBSCRIBERS);
    console.log(
      `ratios to 1 subscriber: mutation p50 x${(measured.mutation.p50 / baseline.mutation.p50).toFixed(2)}, event at the last p50 x${(measured.last.p50 / baseline.last.p50).toFixed(2)}; load average ${loadAverage()}`,
    );
    await clients.disconnect();
    if (values.memory === 'false') {
      console.log(
        `heap after GC: before ${kib(heapBefore)}, idle subscribers +${kib(heapIdle - heapBefore)} (${kib((heapIdle - heapBefore) / SUBSCRIBERS)} per subscriber); RSS before ${rssBefore.toFixed(0)} MiB, idle ${rssIdle.toFixed(0)} MiB; connecting took ${(connectMs / 1000).toFixed(1)} s`,
      );
    } else {
      // The server sees the closes a moment later: wait until its heap stops shrinking.
      const settledHeap = async () => {
        let heap = await heapAfterGc();
        for (let pass = 0; pass < 5; pass += 1) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          heap = Math.min(heap, await heapAfterGc());
        }
        return heap;
      };
      const heapAfter = await settledHeap();
      const rssAfter = rssMiB(pid);
      await snapshot('after');
      // A second cycle of the same subscribers joining, getting 3 events and leaving: what it
      // leaves behind is what each cycle retains (the first one also leaves compiled code).
      await connect(clients, token, fabricId, SUBSCRIBERS, 'again');
      for (let round = 0; round < 3; round += 1) {
        const arrived = clients.lastArrival(`again-${round}`);
        await createDraft(token, fabricId, `again-${round}`);
        await arrived;
      }
      await clients.disconnect();
      const heapAfterSecond = await settledHeap();
      await snapshot('after a second cycle');
      console.log(
        `heap after GC: before ${kib(heapBefore)}, idle subscribers +${kib(heapIdle - heapBefore)} (${kib((heapIdle - heapBefore) / SUBSCRIBERS)} per subscriber), after they left ${heapAfter >= heapBefore ? '+' : ''}${kib(heapAfter - heapBefore)}, after a second join/leave cycle ${heapAfterSecond >= heapAfter ? '+' : ''}${kib(heapAfterSecond - heapAfter)} more`,
      );
      console.log(
        `RSS: before ${rssBefore.toFixed(0)} MiB, subscribers idle ${rssIdle.toFixed(0)} MiB, after they left ${rssAfter.toFixed(0)} MiB; connecting took ${(connectMs / 1000).toFixed(1)} s; load average ${loadAverage()}`,
      );
    }
  } finally {
    await clients.stop();
  }
} finally {
  child.kill('SIGTERM');
  await exited;
  for (const other of others) other.kill('SIGTERM');
  await Promise.all(others.map((other) => (other.exitCode === null ? once(other, 'exit') : null)));
  for (const dir of otherDataDirs) await rm(dir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
  if (database) await adminQuery(`drop database if exists "${database}" with (force)`);
}
