/**
 * Bytes the gateway allocates per request, by kind of the soak's requests (prints numbers; not a
 * test). The built gateway runs as bench/soak.ts runs it (bench/gateway-child.ts), with a
 * `--objects` fabric pulled from a file:// remote; then, for each kind, `--repeat` requests one
 * after another under V8's sampling heap profiler counting what collections freed too (what was
 * allocated, not what is alive; bench/gc-on-signal.mjs, BENCH_PROFILE_KIND=heap). Prints the
 * bytes per request of each kind and the functions that allocated most (self), ours marked.
 * Requests are sequential: the figure is the gateway's work per request, whatever the load.
 *
 *   node bench/alloc.ts [--objects 10000] [--database postgres|embedded] [--repeat 40] [--top 12]
 *     [--kinds list,one,draft,join,commit] [--keep dir]
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { removeScratchDirs } from '../test/support/git-fixtures.ts';
import { operationFinished, watchOperation } from '../test/support/gateway-process.ts';
import { cpuMsOf, createFabricOn, fabricOf, remoteWith, startBenchGateway, startPull } from './gateway-child.ts';
import { median } from './stats.ts';
import { loadAverage } from './support.ts';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    database: { type: 'string', default: 'postgres' },
    repeat: { type: 'string', default: '40' },
    top: { type: 'string', default: '12' },
    kinds: { type: 'string', default: 'list,one,draft,join,commit' },
    keep: { type: 'string' },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
  },
});
const REPEAT = Number(values.repeat);

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Total bytes of a sampling heap profile, and the self bytes of each function. */
function summarise(head: ProfileNode): { total: number; byFunction: Map<string, number> } {
  const byFunction = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode) => {
    total += node.selfSize;
    if (node.selfSize > 0) {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url.includes('/node_modules/')
        ? url.slice(url.lastIndexOf('/node_modules/') + 14)
        : url.replace(/^.*\/(dist\/)?(src\/)/, 'OURS $2');
      const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child);
  };
  walk(head);
  return { total, byFunction };
}

const profileDir = values.keep ?? (await mkdtemp(path.join(tmpdir(), 'alloc-')));
await mkdir(profileDir, { recursive: true });
const objects = fabricOf(Number(values.objects));
const remote = await remoteWith(objects);
const gateway = await startBenchGateway({
  root: path.resolve(values.root),
  database: values.database === 'embedded' ? 'embedded' : 'postgres',
  env: {
    QUERIES_PER_MINUTE: '10000000',
    MUTATIONS_PER_MINUTE: '10000000',
    BENCH_PROFILE_DIR: profileDir,
    BENCH_PROFILE_KIND: 'heap',
  },
});

/** Waits for a line the gateway writes from now on. */
async function lineFrom(prefix: string): Promise<string> {
  const from = gateway.lines.length;
  for (;;) {
    const line = gateway.lines.slice(from).find((candidate) => candidate.startsWith(prefix));
    if (line) return line;
    await sleep(20);
  }
}

async function profiled(run: () => Promise<void>): Promise<ProfileNode> {
  const started = lineFrom('bench: profiling');
  gateway.child.kill('SIGTTIN');
  await started;
  await run();
  const written = lineFrom('bench: profile ');
  gateway.child.kill('SIGTTOU');
  const file = (await written).slice('bench: profile '.length);
  return (JSON.parse(await readFile(file, 'utf8')) as { head: ProfileNode }).head;
}

const PAGE = `query($f: ID!, $after: String) { resources(fabricId: $f, first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id kind namespace name desired { spec labels } } } } }`;
const ONE = 'query($id: ID!) { resource(id: $id) { id kind name desired { spec labels commit } draft { spec } } }';
const UPDATE = 'mutation($id: ID!, $m: ResourceManifestInput!) { updateResource(id: $id, manifest: $m) { id } }';

try {
  console.log(
    `alloc: ${objects.length} objects, ${REPEAT} requests of each kind, one at a time; database ${values.database}; node flags ${gateway.nodeFlags.join(' ') || 'none'}; load average ${loadAverage()}`,
  );
  const f = await createFabricOn(gateway, 'alloc', remote);
  const pulled = await watchOperation(gateway.url, gateway.token, await startPull(gateway, f), operationFinished);
  if (pulled.status !== 'COMPLETED') throw new Error(`the pull ended ${pulled.status}`);

  type Page = {
    resources: {
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: { node: { id: string; kind: string; name: string } }[];
    };
  };
  const ids: string[] = [];
  const byKey = new Map(objects.map((object) => [`${object.kind}/${object.metadata.name}`, object]));
  const servers: { id: string; object: (typeof objects)[number] }[] = [];
  const cursors: (string | null)[] = [null];
  for (let after: string | null = null; ; ) {
    const page: Page = await gateway.graphql<Page>(PAGE, { f, after });
    for (const { node } of page.resources.edges) {
      ids.push(node.id);
      const object = byKey.get(`${node.kind}/${node.name}`);
      if (node.kind === 'Server' && object && servers.length < 200) servers.push({ id: node.id, object });
    }
    if (!page.resources.pageInfo.hasNextPage) break;
    after = page.resources.pageInfo.endCursor;
    cursors.push(after);
  }

  let drafted = 0;
  const draft = async () => {
    drafted += 1;
    const { id, object } = servers[drafted % servers.length]!;
    const labels = { ...(object.metadata.labels ?? {}), 'alloc.example/round': String(drafted) };
    await gateway.graphql(UPDATE, { id, m: { object: { ...object, metadata: { ...object.metadata, labels } } } });
  };
  const kinds: Record<string, { repeat: number; one: (i: number) => Promise<void> }> = {
    list: {
      repeat: REPEAT,
      one: (i) => gateway.graphql(PAGE, { f, after: cursors[i % cursors.length] }).then(() => {}),
    },
    one: { repeat: REPEAT * 5, one: (i) => gateway.graphql(ONE, { id: ids[(i * 7919) % ids.length] }).then(() => {}) },
    draft: { repeat: REPEAT, one: () => draft() },
    join: {
      repeat: REPEAT,
      one: async () => {
        const client = createClient({
          url: `${gateway.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${gateway.token}` },
        });
        // Joined once the server acknowledged the subscription's start: wait for the first
        // event or 200 ms (no event comes at rest), then leave.
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, 200);
          client.subscribe(
            { query: 'subscription($f: ID!) { fabricEvents(fabricId: $f) { type at } }', variables: { f } },
            {
              next: () => {},
              error: (error) => {
                clearTimeout(timer);
                reject(error);
              },
              complete: () => {},
            },
          );
        });
        await client.dispose();
      },
    },
    // A commit of 5 drafts (the drafts outside the profile), pushed and awaited to its end.
    commit: {
      repeat: Math.max(2, Math.round(REPEAT / 8)),
      one: async () => {
        const { commitChanges } = await gateway.graphql<{ commitChanges: { id: string } }>(
          'mutation($f: ID!, $m: String!) { commitChanges(fabricId: $f, message: $m) { id } }',
          { f, m: `alloc ${drafted}` },
        );
        const end = await watchOperation(gateway.url, gateway.token, commitChanges.id, operationFinished);
        if (end.status !== 'COMPLETED') throw new Error(`commit ended ${end.status}`);
      },
    },
  };
  for (const kind of values.kinds.split(',')) {
    const { repeat, one } = kinds[kind] ?? {};
    if (!one || !repeat) throw new Error(`no kind ${kind}`);
    for (let i = 0; i < 3; i += 1) await (kind === 'commit' ? Promise.resolve() : one(i)); // warm
    let total = 0;
    const byFunction = new Map<string, number>();
    for (let i = 0; i < repeat; i += 1) {
      if (kind === 'commit') for (let d = 0; d < 5; d += 1) await draft();
      const profile = summarise(await profiled(() => one(i)));
      total += profile.total;
      for (const [key, bytes] of profile.byFunction) byFunction.set(key, (byFunction.get(key) ?? 0) + bytes);
    }
    const ours = [...byFunction].filter(([key]) => key.includes('OURS')).reduce((sum, [, bytes]) => sum + bytes, 0);
    // The same requests without the profiler: time and the gateway's CPU per request (a commit's
    // drafts are outside its time but inside the CPU: not timed).
    let timing = '';
    if (kind !== 'commit') {
      const times: number[] = [];
      const cpuBefore = cpuMsOf(gateway.pid);
      for (let i = 0; i < repeat; i += 1) {
        const started = performance.now();
        await one(i);
        times.push(performance.now() - started);
      }
      timing = `; unprofiled: median ${median(times).toFixed(1)} ms, gateway CPU ${((cpuMsOf(gateway.pid) - cpuBefore) / repeat).toFixed(1)} ms per request`;
    }
    console.log(
      `\n${kind}: ${(total / repeat / 1024).toFixed(0)} KiB allocated per request (${repeat} requests; in our functions ${((100 * ours) / total).toFixed(0)}%)${timing}`,
    );
    for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
      console.log(`  ${(bytes / repeat / 1024).toFixed(1).padStart(8)} KiB  ${key}`);
  }
} finally {
  await gateway.stop();
  await removeScratchDirs();
  if (!values.keep) await rm(profileDir, { recursive: true, force: true });
}
