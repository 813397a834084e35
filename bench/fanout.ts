/**
 * Fan-out of fabric events to many graphql-ws subscribers (prints numbers; not a test). The
 * gateway runs in a process of its own as `npm start` runs it, with `--expose-gc` and
 * gc-on-signal.mjs preloaded (forced GC on SIGUSR2, bench only); the subscribers are raw
 * graphql-transport-ws sockets in this process, all following `fabricEvents` of one fabric.
 *
 *   1. heap in use after a forced GC: before the subscribers connect, with them idle, after they left;
 *   2. `--rounds` draft mutations (createResource over HTTP), one at a time: the time from sending
 *      the mutation to its own response, and to the event at the last subscriber (p50, p99, max);
 *   3. the same for a baseline of 1 subscriber, measured in the same run (the ratio is printed).
 *
 *   node bench/fanout.ts [--subscribers 5000] [--rounds 20] [--database postgres|embedded] [--root <checkout>]
 *
 * `--root` runs another checkout's gateway (its dist/ built first if stale) with this bench.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { percentile } from './stats.ts';
import { adminQuery, freePort, loadAverage, postGraphql } from './support.ts';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '20' },
    database: { type: 'string', default: 'postgres' },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
  },
});
const ROOT = path.resolve(values.root);
const TOKEN = /hgw_[A-Za-z0-9_-]{43}/;
const SUBSCRIBERS = Number(values.subscribers);
const ROUNDS = Number(values.rounds);
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
    NODE_OPTIONS: `--expose-gc --import ${pathToFileURL(path.join(import.meta.dirname, 'gc-on-signal.mjs')).href}`,
    ...env,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
const lines: string[] = [];
type MemoryUsage = { heapUsed: number };
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

interface Subscriber {
  socket: WebSocket;
  /** Arrival time (performance.now()) of each event, by the draft's name. */
  arrivals: Map<string, number>;
}

/** One graphql-transport-ws socket subscribed to the fabric's events; resolves once acknowledged. */
function subscribe(token: string, fabricId: string, onEvent: (name: string) => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, arrivals: new Map() };
    socket.once('error', reject);
    socket.once('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: any };
      if (message.type === 'connection_ack') {
        socket.send(
          JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { f: fabricId } } }),
        );
        resolve(subscriber);
      } else if (message.type === 'next') {
        const name = message.payload?.data?.fabricEvents?.name as string | undefined;
        if (name) {
          subscriber.arrivals.set(name, performance.now());
          onEvent(name);
        }
      } else if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
    });
  });
}

/** Connects `count` subscribers (50 at a time) and waits until every one gets a warm-up event. */
async function connect(token: string, fabricId: string, count: number, label: string) {
  const received = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const onEvent = (name: string) => {
    const seen = (received.get(name) ?? 0) + 1;
    received.set(name, seen);
    if (seen === count) waiters.get(name)?.();
  };
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < count; start += 50)
    subscribers.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - start) }, () => subscribe(token, fabricId, onEvent)),
      )),
    );
  const everyone = (name: string) =>
    new Promise<void>((resolve) => {
      if ((received.get(name) ?? 0) >= count) resolve();
      else waiters.set(name, resolve);
    });
  // The subscribe message may still be on its way: draft until one event reaches everyone.
  for (let attempt = 0; ; attempt += 1) {
    const name = `warm-${label}-${attempt}`;
    const arrived = everyone(name);
    await createDraft(token, fabricId, name);
    const done = await Promise.race([arrived.then(() => true), new Promise((r) => setTimeout(() => r(false), 2_000))]);
    if (done) break;
  }
  return { subscribers, everyone };
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

/** `ROUNDS` drafts one after another; per round the mutation's own time and the time to the last subscriber. */
async function rounds(token: string, fabricId: string, group: Awaited<ReturnType<typeof connect>>, label: string) {
  const mutation: number[] = [];
  const last: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const name = `${label}-${round}`;
    const arrived = group.everyone(name);
    const started = performance.now();
    await createDraft(token, fabricId, name);
    mutation.push(performance.now() - started);
    await arrived;
    last.push(Math.max(...group.subscribers.map((s) => s.arrivals.get(name)!)) - started);
  }
  mutation.sort((a, b) => a - b);
  last.sort((a, b) => a - b);
  return {
    mutation: { p50: percentile(mutation, 50), p99: percentile(mutation, 99) },
    last: { p50: percentile(last, 50), p99: percentile(last, 99), max: last.at(-1)! },
  };
}

async function disconnect(subscribers: Subscriber[]) {
  await Promise.all(
    subscribers.map(
      (subscriber) =>
        new Promise<void>((resolve) => {
          subscriber.socket.once('close', () => resolve());
          subscriber.socket.close();
        }),
    ),
  );
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
  const { createFabric } = await graphql<{ createFabric: { id: string } }>(
    token,
    'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
    { input: { name: 'bench' } },
  );
  const fabricId = createFabric.id;
  console.log(
    `gateway: ${ROOT}; database: ${values.database}; node ${process.versions.node}; ${SUBSCRIBERS} subscribers, ${ROUNDS} rounds; load average ${loadAverage()}`,
  );

  const single = await connect(token, fabricId, 1, 'one');
  const baseline = await rounds(token, fabricId, single, 'one');
  await disconnect(single.subscribers);

  const heapBefore = await heapAfterGc();
  const rssBefore = rssMiB(pid);
  const connectStarted = performance.now();
  const many = await connect(token, fabricId, SUBSCRIBERS, 'many');
  const connectMs = performance.now() - connectStarted;
  const heapIdle = await heapAfterGc();
  const rssIdle = rssMiB(pid);
  const measured = await rounds(token, fabricId, many, 'many');
  await disconnect(many.subscribers);
  // The server sees the closes a moment later: wait until its heap stops shrinking.
  let heapAfter = await heapAfterGc();
  for (let pass = 0; pass < 5; pass += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    heapAfter = Math.min(heapAfter, await heapAfterGc());
  }
  const rssAfter = rssMiB(pid);

  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(
    `1 subscriber:     mutation p50 ${ms(baseline.mutation.p50)}, p99 ${ms(baseline.mutation.p99)}; event p50 ${ms(baseline.last.p50)}, p99 ${ms(baseline.last.p99)}`,
  );
  console.log(
    `${SUBSCRIBERS} subscribers: mutation p50 ${ms(measured.mutation.p50)}, p99 ${ms(measured.mutation.p99)} (x${(measured.mutation.p50 / baseline.mutation.p50).toFixed(2)} of 1 subscriber at p50); event at the last subscriber p50 ${ms(measured.last.p50)}, p99 ${ms(measured.last.p99)}, max ${ms(measured.last.max)}`,
  );
  console.log(
    `heap after GC: before ${kib(heapBefore)}, idle subscribers +${kib(heapIdle - heapBefore)} (${kib((heapIdle - heapBefore) / SUBSCRIBERS)} per subscriber), after they left ${heapAfter >= heapBefore ? '+' : ''}${kib(heapAfter - heapBefore)}`,
  );
  console.log(
    `RSS: before ${rssBefore.toFixed(0)} MiB, subscribers idle ${rssIdle.toFixed(0)} MiB, after they left ${rssAfter.toFixed(0)} MiB; connecting took ${(connectMs / 1000).toFixed(1)} s; load average ${loadAverage()}`,
  );
} finally {
  child.kill('SIGTERM');
  await exited;
  await rm(dataDir, { recursive: true, force: true });
  if (database) await adminQuery(`drop database if exists "${database}" with (force)`);
}
