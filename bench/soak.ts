/**
 * Soak: is the gateway's memory flat under a long mixed load? (prints numbers; not a test)
 *
 * The built gateway runs in a process of its own (bench/gateway-child.ts: as `npm start` runs it,
 * with `--expose-gc` and gc-on-signal.mjs preloaded so the bench can force a collection). Steps:
 *
 *   1. idle: its resident set once it serves;
 *   2. a pull of a generated 10,000-object fabric from a file:// remote, then `--rest` seconds at
 *      rest (the resident set after the pull, against idle);
 *   3. `--minutes` of mixed load, all through the API: pages of the resource list (100 at a
 *      time), single resources by id, label changes drafted on Servers (updateResource),
 *      commits (commitChanges: a push to the local bare remote, awaited to its end), and
 *      graphql-ws clients joining `fabricEvents`, waiting for one event (or 2 s) and leaving.
 *      `--load open` (the default): each kind at a fixed rate per second (`--rate
 *      lists=1,ones=5,drafts=0.1,commits=0.02,joins=2`, those the defaults), whatever the
 *      gateway's speed, at most a few of a kind in flight; what is due and not started is the
 *      backlog. `--load closed`: `--readers` clients each reading a page then five resources as
 *      fast as they are served, one drafter committing every `--drafts` drafts, `--subscribers`
 *      clients joining and leaving (the rate then follows the machine's load: a quieter machine
 *      serves 3-8 times more, and V8 keeps the pages of the busiest minute);
 *   4. each minute: the resident set, the V8 heap in use after a forced full collection, the
 *      gateway's CPU time, and the requests of that minute (and errors); with the open loop, the
 *      rate each kind achieved against the one asked, its backlog, and "held" or "FELL BEHIND"
 *      (a kind more than 2 s of its rate, or 1, behind at the minute's end);
 *   5. after the load, `--rest` seconds at rest again (the resident set against idle).
 *
 * At the end: the least-squares slope (MiB per minute) of the resident set and of the heap after
 * collection over the minutes of load after the first `--warm-up` (default 1: the heap and V8's
 * page pool fill in it), the ratio last/first minute, and "flat" when both slopes
 * stay within `--flat-bound` MiB per minute (default 1: at most 30 MiB over the 30-minute default).
 * Bounded in time: the load stops at its deadline, each request has a 30 s timeout.
 *
 *   node bench/soak.ts [--minutes 30] [--objects 10000] [--database embedded|postgres]
 *     [--load open|closed] [--rate lists=1,ones=5,drafts=0.1,commits=0.02,joins=2]
 *     [--readers 4] [--subscribers 10] [--drafts 5] [--rest 30] [--flat-bound 1] [--warm-up 1] [--env NAME=value]...
 *     [--node-option=--flag]...
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { removeScratchDirs } from '../test/support/git-fixtures.ts';
import { operationFinished, watchOperation } from '../test/support/gateway-process.ts';
import {
  anonymousMappings,
  cpuMsOf,
  fabricOf,
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
    minutes: { type: 'string', default: '30' },
    objects: { type: 'string', default: '10000' },
    database: { type: 'string', default: 'embedded' },
    load: { type: 'string', default: 'open' },
    rate: { type: 'string', default: '' },
    readers: { type: 'string', default: '4' },
    subscribers: { type: 'string', default: '10' },
    drafts: { type: 'string', default: '5' },
    rest: { type: 'string', default: '30' },
    'flat-bound': { type: 'string', default: '1' },
    'warm-up': { type: 'string', default: '1' },
    env: { type: 'string', multiple: true, default: [] },
    'node-option': { type: 'string', multiple: true, default: [] },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
  },
});
const MINUTES = Number(values.minutes);
const READERS = Number(values.readers);
const SUBSCRIBERS = Number(values.subscribers);
const DRAFTS = Number(values.drafts);
const REST_SECONDS = Number(values.rest);
const FLAT_BOUND = Number(values['flat-bound']);
const WARM_UP = Number(values['warm-up']);
const OPEN = values.load !== 'closed';
if (values.load !== 'open' && values.load !== 'closed') throw new Error(`--load open|closed, not ${values.load}`);

/** The kinds of work of the open-loop load, and how many of each may be in flight at once. */
const KINDS = ['lists', 'ones', 'drafts', 'commits', 'joins'] as const;
type Kind = (typeof KINDS)[number];
const IN_FLIGHT: Record<Kind, number> = { lists: 8, ones: 16, drafts: 4, commits: 1, joins: 64 };
/**
 * Per second: what this 2-core machine shared with other sessions (load 10-25) holds with room to
 * spare. The closed loop served 1.2-19 pages and 6-95 single reads a second there; 2 pages, 10
 * reads, 0.5 drafts a second fell behind at load 22 (a draft validates the whole fabric).
 */
export const DEFAULT_RATES: Record<Kind, number> = { lists: 1, ones: 5, drafts: 0.1, commits: 0.02, joins: 2 };

/** `lists=2,ones=10`: per-second rates over the defaults. */
export function parseRates(text: string): Record<Kind, number> {
  const rates = { ...DEFAULT_RATES };
  for (const pair of text.split(',').filter(Boolean)) {
    const [name, value] = pair.split('=');
    if (!KINDS.includes(name as Kind) || !Number.isFinite(Number(value)) || Number(value) < 0)
      throw new Error(`--rate takes ${KINDS.join('|')}=<per second>, not ${pair}`);
    rates[name as Kind] = Number(value);
  }
  return rates;
}
const RATES = parseRates(values.rate);

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const objects = fabricOf(Number(values.objects));
const remote = await remoteWith(objects);
const gateway = await startBenchGateway({
  root: path.resolve(values.root),
  database: values.database === 'postgres' ? 'postgres' : 'embedded',
  nodeOptions: values['node-option'],
  env: {
    // One token makes every request here: the per-token rate limits would refuse most of them.
    QUERIES_PER_MINUTE: '10000000',
    MUTATIONS_PER_MINUTE: '10000000',
    ...Object.fromEntries(values.env.map((pair) => [pair.split('=')[0]!, pair.slice(pair.indexOf('=') + 1)])),
  },
});
const { pid } = gateway;
const rss = () => memoryOf(pid).rss;

/** A GraphQL POST that counts instead of throwing (a soak keeps going; errors are printed). */
const counts = { list: 0, one: 0, draft: 0, commit: 0, joined: 0, events: 0, errors: 0 };
let lastError = '';
async function request<T>(query: string, variables: Record<string, unknown>): Promise<T | null> {
  try {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
    return body.data ?? null;
  } catch (error) {
    counts.errors += 1;
    const cause = (error as Error).cause;
    lastError = `${(error as Error).message}${cause ? ` (${cause instanceof Error ? cause.message : String(cause)})` : ''}`;
    return null;
  }
}

const PAGE = `query($f: ID!, $after: String) { resources(fabricId: $f, first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id kind namespace name desired { spec labels } } } } }`;
const ONE = 'query($id: ID!) { resource(id: $id) { id kind name desired { spec labels commit } draft { spec } } }';
const UPDATE = 'mutation($id: ID!, $m: ResourceManifestInput!) { updateResource(id: $id, manifest: $m) { id } }';

/**
 * An operation's end, watched again when the WebSocket fails (on a loaded machine a connection is
 * sometimes reset): `syncOperationUpdated` starts with the operation as it is now.
 */
async function ended(id: string): Promise<{ status: string }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await watchOperation(gateway.url, gateway.token, id, operationFinished);
    } catch (error) {
      if (attempt === 5) throw error;
      lastError = `watching ${id}: ${String(error)}`;
    }
  }
}

let stopAt = Number.POSITIVE_INFINITY;
const running = () => performance.now() < stopAt;

/** One page of the resource list, walking on from the last page read (wrapping at the end). */
let listCursor: string | null = null;
async function readPage(fabricId: string): Promise<void> {
  type Page = { resources: { pageInfo: { hasNextPage: boolean; endCursor: string } } };
  const page: Page | null = await request<Page>(PAGE, { f: fabricId, after: listCursor });
  counts.list += 1;
  listCursor = page?.resources.pageInfo.hasNextPage ? page.resources.pageInfo.endCursor : null;
}

async function readOne(ids: string[]): Promise<void> {
  await request(ONE, { id: ids[Math.floor(Math.random() * ids.length)] });
  counts.one += 1;
}

type Server = { id: string; object: (typeof objects)[number] };
let drafted = 0;
/** A label change on the next Server. */
async function draft(servers: Server[]): Promise<void> {
  drafted += 1;
  const { id, object } = servers[drafted % servers.length]!;
  const labels = { ...(object.metadata.labels ?? {}), 'soak.example/round': String(drafted) };
  await request(UPDATE, { id, m: { object: { ...object, metadata: { ...object.metadata, labels } } } });
  counts.draft += 1;
}

let committed = 0;
/** commitChanges (a push to the bare remote), awaited to its end. */
async function commit(fabricId: string): Promise<void> {
  committed += 1;
  const started = await request<{ commitChanges: { id: string } }>(
    'mutation($f: ID!, $m: String!) { commitChanges(fabricId: $f, message: $m) { id } }',
    { f: fabricId, m: `soak commit ${committed}` },
  );
  if (!started) return;
  const end = await ended(started.commitChanges.id).catch((error: unknown) => ({
    status: `unwatched (${String(error)})`,
  }));
  if (end.status !== 'COMPLETED') {
    counts.errors += 1;
    lastError = `commit ended ${end.status}`;
  }
  counts.commit += 1;
}

/** Joins fabricEvents, waits for one event or 2 s, and leaves. */
async function joinOnce(fabricId: string): Promise<void> {
  const client = createClient({
    url: `${gateway.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${gateway.token}` },
  });
  counts.joined += 1;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.subscribe(
      { query: 'subscription($f: ID!) { fabricEvents(fabricId: $f) { type at } }', variables: { f: fabricId } },
      {
        next: () => {
          counts.events += 1;
          clearTimeout(timer);
          resolve();
        },
        error: (error) => {
          counts.errors += 1;
          lastError = `subscription: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
          clearTimeout(timer);
          resolve();
        },
        complete: () => {},
      },
    );
  });
  await Promise.resolve(client.dispose()).catch(() => {});
}

/**
 * The open loop: each kind of work is due at its fixed rate from `start` (n seconds in,
 * floor(rate × n) of it), whatever the gateway's speed; a due piece starts as soon as fewer than
 * `IN_FLIGHT` of its kind are in flight. What is due and not started is the backlog: a gateway
 * (or a machine) that cannot keep up shows it growing, instead of the load easing off as a closed
 * loop's does. Resolves once the deadline passed and what is in flight ended.
 */
const lanes = Object.fromEntries(KINDS.map((kind) => [kind, { started: 0, done: 0, inFlight: 0 }])) as Record<
  Kind,
  { started: number; done: number; inFlight: number }
>;
function dueAt(kind: Kind, now: number, start: number): number {
  return Math.floor((RATES[kind] * Math.min(now, stopAt) - RATES[kind] * start) / 1000);
}
async function openLoop(start: number, work: Record<Kind, () => Promise<void>>): Promise<void> {
  const pending = new Set<Promise<void>>();
  while (running()) {
    const now = performance.now();
    for (const kind of KINDS) {
      const lane = lanes[kind];
      const due = dueAt(kind, now, start);
      while (lane.started < due && lane.inFlight < IN_FLIGHT[kind]) {
        lane.started += 1;
        lane.inFlight += 1;
        const piece: Promise<void> = work[kind]()
          .catch((error: unknown) => {
            counts.errors += 1;
            lastError = String(error);
          })
          .finally(() => {
            lane.inFlight -= 1;
            lane.done += 1;
            pending.delete(piece);
          });
        pending.add(piece);
      }
    }
    await sleep(20);
  }
  await Promise.all(pending);
}

/** The closed loop's reader: a page of the list, then five single reads, as fast as served. */
async function reader(fabricId: string, ids: string[]): Promise<void> {
  while (running()) {
    await readPage(fabricId);
    for (let i = 0; i < 5 && running(); i += 1) await readOne(ids);
  }
}

/** The closed loop's drafter: `DRAFTS` label changes, then one commit awaited to its end. */
async function drafter(fabricId: string, servers: Server[]): Promise<void> {
  while (running()) {
    for (let i = 0; i < DRAFTS && running(); i += 1) await draft(servers);
    await commit(fabricId);
  }
}

/** The closed loop's subscriber: joins and leaves again until the deadline. */
async function subscriber(fabricId: string): Promise<void> {
  while (running()) await joinOnce(fabricId);
}

/** A worker that fails is counted, and started again until the deadline. */
async function keepGoing(work: () => Promise<void>): Promise<void> {
  while (running()) {
    try {
      await work();
    } catch (error) {
      counts.errors += 1;
      lastError = String(error);
    }
  }
}

try {
  console.log(
    `soak: gateway pid ${pid}; database ${values.database}; node ${process.versions.node}; ${MINUTES} min, ${OPEN ? `open loop, per second: ${KINDS.map((kind) => `${kind} ${RATES[kind]}`).join(', ')}` : `closed loop: ${READERS} readers, ${SUBSCRIBERS} subscribers joining and leaving, commits of ${DRAFTS} drafts`}; node flags ${gateway.nodeFlags.join(' ') || 'none'}; settings ${values.env.join(' ') || 'defaults'}; load average ${loadAverage()}`,
  );
  const idle = rss();
  console.log(`idle:                 RSS ${mib(idle)}`);
  const fabricId = await createFabricOn(gateway, 'soak', remote);
  const pulled = await ended(await startPull(gateway, fabricId));
  if (pulled.status !== 'COMPLETED') throw new Error(`the pull ended ${pulled.status}`);
  console.log(`after the pull:       RSS ${mib(rss())} (${objects.length} objects), peak ${mib(memoryOf(pid).peak)}`);
  await sleep(REST_SECONDS * 1000);
  const afterPull = rss();
  console.log(
    `after ${REST_SECONDS} s at rest:   RSS ${mib(afterPull)}: ${(afterPull / idle).toFixed(2)} of idle (goal: at most 1.20, and 300 MB)`,
  );

  // Every resource's id, and the Servers to draft on (their objects as generated).
  const ids: string[] = [];
  const byKey = new Map(objects.map((object) => [`${object.kind}/${object.metadata.name}`, object]));
  const servers: Server[] = [];
  for (let after: string | null = null; ; ) {
    type Page = {
      resources: {
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { id: string; kind: string; name: string } }[];
      };
    };
    const page: Page = await gateway.graphql<Page>(PAGE, { f: fabricId, after });
    for (const { node } of page.resources.edges) {
      ids.push(node.id);
      const object = byKey.get(`${node.kind}/${node.name}`);
      if (node.kind === 'Server' && object && servers.length < 200) servers.push({ id: node.id, object });
    }
    if (!page.resources.pageInfo.hasNextPage) break;
    after = page.resources.pageInfo.endCursor;
  }
  if (servers.length === 0) throw new Error('no Server to draft on');

  const started = performance.now();
  stopAt = started + MINUTES * 60_000;
  const workers = OPEN
    ? [
        openLoop(started, {
          lists: () => readPage(fabricId),
          ones: () => readOne(ids),
          drafts: () => draft(servers),
          commits: () => commit(fabricId),
          joins: () => joinOnce(fabricId),
        }),
      ]
    : [
        ...Array.from({ length: READERS }, () => keepGoing(() => reader(fabricId, ids))),
        keepGoing(() => drafter(fabricId, servers)),
        ...Array.from({ length: SUBSCRIBERS }, () => keepGoing(() => subscriber(fabricId))),
      ];
  const minutes: number[] = [];
  const rssSeries: number[] = [];
  const heapSeries: number[] = [];
  let cpuBefore = cpuMsOf(pid);
  let before = { ...counts };
  let lanesBefore = structuredClone(lanes);
  const held: boolean[] = [];
  console.log(
    'minute | RSS MiB (V8 pages, malloc) | threads | heap after GC MiB | gateway CPU s | lists, ones, drafts, commits, subscribers joined, events | errors',
  );
  for (let minute = 1; minute <= MINUTES; minute += 1) {
    await sleep(Math.max(0, started + minute * 60_000 - performance.now()));
    const resident = rss();
    const mappings = anonymousMappings(pid);
    const threads = threadsOf(pid);
    const collected = await gateway.gc();
    const heap = collected.heapUsed / 2 ** 20;
    const pagesAfterGc = anonymousMappings(pid)['256 KiB (V8 pages)'] ?? 0;
    const space = (name: string) => ((collected.spaces[name] ?? 0) / 2 ** 20).toFixed(0);
    const cpu = cpuMsOf(pid);
    const delta = Object.fromEntries(
      Object.entries(counts).map(([key, value]) => [key, value - before[key as keyof typeof counts]]),
    ) as typeof counts;
    minutes.push(minute);
    rssSeries.push(resident);
    heapSeries.push(heap);
    console.log(
      `${String(minute).padStart(6)} | ${resident.toFixed(0).padStart(4)} (${(mappings['256 KiB (V8 pages)'] ?? 0).toFixed(0)}, ${((mappings['[heap]'] ?? 0) + (mappings['malloc arenas'] ?? 0)).toFixed(0)}) | ${String(threads).padStart(7)} | ${heap.toFixed(1).padStart(17)} | ${((cpu - cpuBefore) / 1000).toFixed(1).padStart(13)} | ${delta.list}, ${delta.one}, ${delta.draft}, ${delta.commit}, ${delta.joined}, ${delta.events} | ${delta.errors}${delta.errors ? ` (last: ${lastError})` : ''}; load ${loadAverage()}`,
    );
    console.log(
      `       | after the GC: V8 pages ${pagesAfterGc.toFixed(0)} MiB, in the heap's spaces ${mibOf(collected.heapPhysical)} (new ${space('new_space')}, old ${space('old_space')}, large ${space('large_object_space')}, code ${space('code_space')}), RSS ${mibOf(collected.rss)}`,
    );
    if (OPEN) {
      // What was due this minute, what started and ended, and what is due but not started now.
      const now = performance.now();
      const behind = KINDS.filter(
        (kind) => dueAt(kind, now, started) - lanes[kind].started > Math.max(1, RATES[kind] * 2),
      );
      held.push(behind.length === 0);
      const rates = KINDS.map((kind) => {
        const ended = (lanes[kind].done - lanesBefore[kind].done) / 60;
        const backlog = dueAt(kind, now, started) - lanes[kind].started;
        return `${kind} ${ended.toFixed(2)}/${RATES[kind]} (backlog ${backlog}, in flight ${lanes[kind].inFlight})`;
      });
      console.log(
        `       | rate per s, ended/asked: ${rates.join(', ')}; ${behind.length ? `FELL BEHIND (${behind.join(', ')})` : 'held'}`,
      );
      lanesBefore = structuredClone(lanes);
    }
    cpuBefore = cpu;
    before = { ...counts };
  }
  await Promise.all(workers);
  await sleep(REST_SECONDS * 1000);
  const afterLoad = rss();
  // The first minutes fill the heap's young generation and V8's page pool: not a trend.
  const from = minutes.length - WARM_UP >= 2 ? WARM_UP : 0;
  const rssSlope = slope(minutes.slice(from), rssSeries.slice(from));
  const heapSlope = slope(minutes.slice(from), heapSeries.slice(from));
  const flat = Math.abs(rssSlope) <= FLAT_BOUND && Math.abs(heapSlope) <= FLAT_BOUND;
  console.log(
    `after the load, ${REST_SECONDS} s at rest: RSS ${mib(afterLoad)}: ${(afterLoad / idle).toFixed(2)} of idle, ${(afterLoad / afterPull).toFixed(2)} of the fabric at rest before the load; peak ${mib(memoryOf(pid).peak)}`,
  );
  console.log(
    `slope over minutes ${from + 1}-${MINUTES} of the load: RSS ${rssSlope.toFixed(2)} MiB/min, heap after GC ${heapSlope.toFixed(2)} MiB/min; last/first minute: RSS ${(rssSeries.at(-1)! / rssSeries[0]!).toFixed(2)}, heap ${(heapSeries.at(-1)! / heapSeries[0]!).toFixed(2)}; slope over all minutes: RSS ${slope(minutes, rssSeries).toFixed(2)} MiB/min; ${flat ? 'FLAT' : 'NOT FLAT'} (bound ${FLAT_BOUND} MiB/min); ${counts.errors} errors in all; load average ${loadAverage()}`,
  );
  if (OPEN)
    console.log(
      `the rate held in ${held.filter(Boolean).length} of ${held.length} minutes${held.includes(false) ? ` (fell behind in minutes ${held.flatMap((ok, i) => (ok ? [] : [i + 1])).join(', ')})` : ''}`,
    );
  for (const line of gateway.lines.filter((line) => line.includes('memory released'))) console.log(`gateway: ${line}`);
} finally {
  stopAt = 0;
  await gateway.stop();
  await removeScratchDirs();
}
