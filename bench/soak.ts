/**
 * Soak: is the gateway's memory flat under a long mixed load? (prints numbers; not a test)
 *
 * The built gateway runs in a process of its own (bench/gateway-child.ts: as `npm start` runs it,
 * with `--expose-gc` and gc-on-signal.mjs preloaded so the bench can force a collection). Steps:
 *
 *   1. idle: its resident set once it serves;
 *   2. a pull of a generated 10,000-object fabric from a file:// remote, then `--rest` seconds at
 *      rest (the resident set after the pull, against idle);
 *   3. `--minutes` of mixed load, all through the API: `--readers` clients walking the
 *      resource list 100 at a time and reading single resources by id; one client drafting label
 *      changes (updateResource) and committing them every `--drafts` drafts (commitChanges: a
 *      push to the local bare remote, awaited to its end); `--subscribers` graphql-ws clients
 *      each joining `fabricEvents`, waiting for one event (or 2 s) and leaving, again and again;
 *   4. each minute: the resident set, the V8 heap in use after a forced full collection, the
 *      gateway's CPU time, and the requests of that minute (and errors);
 *   5. after the load, `--rest` seconds at rest again (the resident set against idle).
 *
 * At the end: the least-squares slope (MiB per minute) of the resident set and of the heap after
 * collection over the minutes of load after the first `--warm-up` (default 1: the heap and V8's
 * page pool fill in it), the ratio last/first minute, and "flat" when both slopes
 * stay within `--flat-bound` MiB per minute (default 1: at most 30 MiB over the 30-minute default).
 * Bounded in time: the load stops at its deadline, each request has a 30 s timeout.
 *
 *   node bench/soak.ts [--minutes 30] [--objects 10000] [--database embedded|postgres]
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
  remoteWith,
  startBenchGateway,
  threadsOf,
} from './gateway-child.ts';
import { loadAverage } from './support.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    objects: { type: 'string', default: '10000' },
    database: { type: 'string', default: 'embedded' },
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

async function reader(fabricId: string, ids: string[]): Promise<void> {
  let after: string | null = null;
  while (running()) {
    type Page = { resources: { pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const page: Page | null = await request<Page>(PAGE, { f: fabricId, after });
    counts.list += 1;
    after = page?.resources.pageInfo.hasNextPage ? page.resources.pageInfo.endCursor : null;
    for (let i = 0; i < 5 && running(); i += 1) {
      await request(ONE, { id: ids[Math.floor(Math.random() * ids.length)] });
      counts.one += 1;
    }
  }
}

/** Label changes on Servers, `DRAFTS` at a time, then one commit (a push), awaited to its end. */
async function drafter(fabricId: string, servers: { id: string; object: (typeof objects)[number] }[]): Promise<void> {
  let round = 0;
  while (running()) {
    round += 1;
    for (let i = 0; i < DRAFTS && running(); i += 1) {
      const { id, object } = servers[(round * DRAFTS + i) % servers.length]!;
      const labels = { ...(object.metadata.labels ?? {}), 'soak.example/round': String(round) };
      await request(UPDATE, { id, m: { object: { ...object, metadata: { ...object.metadata, labels } } } });
      counts.draft += 1;
    }
    const commit = await request<{ commitChanges: { id: string } }>(
      'mutation($f: ID!, $m: String!) { commitChanges(fabricId: $f, message: $m) { id } }',
      { f: fabricId, m: `soak round ${round}` },
    );
    if (commit) {
      const end = await ended(commit.commitChanges.id).catch((error: unknown) => ({
        status: `unwatched (${String(error)})`,
      }));
      if (end.status !== 'COMPLETED') {
        counts.errors += 1;
        lastError = `commit ended ${end.status}`;
      }
      counts.commit += 1;
    }
  }
}

/** Joins fabricEvents, waits for one event or 2 s, leaves; again until the deadline. */
async function subscriber(fabricId: string): Promise<void> {
  while (running()) {
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
    `soak: gateway pid ${pid}; database ${values.database}; node ${process.versions.node}; ${MINUTES} min, ${READERS} readers, ${SUBSCRIBERS} subscribers joining and leaving, commits of ${DRAFTS} drafts; node flags ${gateway.nodeFlags.join(' ') || 'none'}; settings ${values.env.join(' ') || 'defaults'}; load average ${loadAverage()}`,
  );
  const idle = rss();
  console.log(`idle:                 RSS ${mib(idle)}`);
  const { createGitRepository } = await gateway.graphql<{ createGitRepository: { id: string } }>(
    'mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { id } }',
    { input: { name: 'soak', url: `file://${remote}` } },
  );
  const { createFabric } = await gateway.graphql<{ createFabric: { id: string } }>(
    'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
    { input: { name: 'soak', gitRepositoryId: createGitRepository.id } },
  );
  const fabricId = createFabric.id;
  const { syncFabric } = await gateway.graphql<{ syncFabric: { id: string } }>(
    'mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }',
    { id: fabricId },
  );
  const pulled = await ended(syncFabric.id);
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
  const servers: { id: string; object: (typeof objects)[number] }[] = [];
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
  const workers = [
    ...Array.from({ length: READERS }, () => keepGoing(() => reader(fabricId, ids))),
    keepGoing(() => drafter(fabricId, servers)),
    ...Array.from({ length: SUBSCRIBERS }, () => keepGoing(() => subscriber(fabricId))),
  ];
  const minutes: number[] = [];
  const rssSeries: number[] = [];
  const heapSeries: number[] = [];
  let cpuBefore = cpuMsOf(pid);
  let before = { ...counts };
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
  for (const line of gateway.lines.filter((line) => line.includes('memory released'))) console.log(`gateway: ${line}`);
} finally {
  stopAt = 0;
  await gateway.stop();
  await removeScratchDirs();
}
