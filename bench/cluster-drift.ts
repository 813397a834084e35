/**
 * Cluster → database figures through the whole gateway (prints numbers; not a test).
 *
 *   1. Initial sync: a fabric whose Git state has N objects (desired rows) connects to a cluster
 *      serving the same N objects; time until every row has its live state and drift stored.
 *   2. Sustained stream: R watch events per second for S seconds (spec changes, every third one
 *      reverting), each written to its row with drift recomputed, the fabric roll-up updated and
 *      LIVE_CHANGED published; a GraphQL `fabricEvents` subscriber over WebSocket receives them.
 *
 * The test API server runs in a child process; the gateway runs in this one (the PostgreSQL
 * server in its own processes), so CPU per event covers the adapter, the batched SQL, drift,
 * the event bus and the WebSocket subscriber. Latency: server writes the event → the subscriber
 * receives the LIVE_CHANGED naming the object (same machine clock in both processes).
 *
 *   [TEST_DATABASE_URL=postgresql://…] npx tsx bench/cluster-drift.ts [--objects 10000] [--rate 500] [--seconds 10]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { topics } from '../src/events/event-bus.ts';
import { queryDatabase } from '../test/support/database.ts';
import { HEDGEHOG_CRDS, vpc } from '../test/support/kube-server/hedgehog.ts';
import { KubeServer, type KubeObject } from '../test/support/kube-server/kube-server.ts';
import { startTestApp } from '../test/support/test-app.ts';
import { percentile } from './stats.ts';

const TOKEN = 'bench-token';
const now = () => performance.timeOrigin + performance.now();
const nameOf = (index: number) => `vpc-${String(index).padStart(5, '0')}`;
const objectOf = (index: number, revision: number): KubeObject =>
  vpc(nameOf(index), 1000 + ((index + revision) % 3000));

// ---- child process: the API server -------------------------------------------------------------

type ToServer = { cmd: 'stream'; rate: number; seconds: number; objects: number };
type FromServer = { ready: string } | { streamed: number; emittedAt: Record<string, number> };

async function runServer(objects: number): Promise<void> {
  const server = await KubeServer.start({ crds: Object.values(HEDGEHOG_CRDS), token: TOKEN });
  for (let i = 0; i < objects; i++) server.create(objectOf(i, 0));
  process.send!({ ready: server.url } satisfies FromServer);
  process.on('message', (message: ToServer) => {
    if (message.cmd !== 'stream') return;
    const total = message.rate * message.seconds;
    const emittedAt: Record<string, number> = {};
    const start = performance.now();
    let sent = 0;
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * message.rate));
      for (; sent < due; sent++) {
        // A stride coprime with the object count touches each object at most once per pass.
        const index = (sent * 7919) % message.objects;
        emittedAt[nameOf(index)] = now();
        server.update(objectOf(index, sent % 3 === 2 ? 0 : sent + 1));
      }
      if (sent >= total) {
        clearInterval(timer);
        process.send!({ streamed: sent, emittedAt } satisfies FromServer);
      }
    }, 5);
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
}

// ---- parent: the gateway -----------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      objects: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '10' },
      server: { type: 'boolean', default: false },
    },
  });
  const objectCount = Number(values.objects);
  if (values.server) return runServer(objectCount);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);

  const child: ChildProcess = fork(import.meta.filename, ['--server', '--objects', String(objectCount)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ ready: string }];
  const t = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  try {
    const { createFabric: created } = await t.graphqlOk<{ createFabric: { id: string } }>(
      `mutation { createFabric(input: { name: "bench" }) { id } }`,
    );
    const fabricId = created.id;
    // Git's view: the same N objects as desired rows (what a pull would have stored).
    const desired = Array.from({ length: objectCount }, (_, i) => {
      const object = objectOf(i, 0);
      return { id: crypto.randomUUID(), name: object.metadata.name, spec: object.spec };
    });
    await queryDatabase(
      t.database.url,
      `insert into resource (id, fabric_id, api_version, kind, namespace, name, desired_spec, created_at, updated_at)
      select x.id, $1, 'vpc.githedgehog.com/v1beta1', 'VPC', 'default', x.name, x.spec, now(), now()
      from jsonb_to_recordset($2::jsonb) as x(id uuid, name text, spec jsonb)`,
      [fabricId, JSON.stringify(desired)],
    );

    // A real GraphQL subscriber over WebSocket.
    const received = new Map<string, number>();
    let listed = 0;
    let waiter: (() => void) | undefined;
    // An authenticated client when the test app provides one (API tokens), else a plain one.
    const withWs = t as unknown as { wsClient?: () => ReturnType<typeof createClient> };
    const client =
      withWs.wsClient?.() ??
      createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const dispose = client.subscribe<{
      fabricEvents: { type: string; resources?: { name: string }[]; count?: number };
    }>(
      {
        query: `subscription($f: ID!) { fabricEvents(fabricId: $f, types: [LIVE_CHANGED]) { type ... on LiveChangedEvent { count resources { name } } } }`,
        variables: { f: fabricId },
      },
      {
        next: (result) => {
          const event = result.data?.fabricEvents;
          if (event?.type === 'LIVE_CHANGED') {
            const at = now();
            for (const resource of event.resources ?? [])
              if (!received.has(resource.name)) received.set(resource.name, at);
            listed += event.count ?? 0;
          }
          waiter?.();
        },
        error: (error) => console.error('subscription failed', error),
        complete: () => undefined,
      },
    );
    while (t.app.eventBus.subscriberCount(topics.fabric(fabricId)) === 0)
      await new Promise((resolve) => setImmediate(resolve));
    const waitFor = (check: () => Promise<boolean> | boolean) =>
      new Promise<void>((resolve) => {
        let checking = false;
        waiter = () => {
          if (checking) return;
          checking = true;
          void Promise.resolve(check()).then((ok) => {
            checking = false;
            if (ok) {
              waiter = undefined;
              resolve();
            }
          });
        };
        waiter();
      });

    // 1. Initial sync.
    const statementsBefore = t.sql.length;
    const cpuBeforeSync = process.cpuUsage();
    const syncStart = performance.now();
    await t.graphqlOk(
      `mutation($id: ID!, $k: KubernetesConnectionInput!) { updateFabric(id: $id, input: { kubernetes: $k }) { id } }`,
      {
        id: fabricId,
        k: { server: ready.ready, token: TOKEN },
      },
    );
    const inSync = async () => {
      const [row] = await queryDatabase<{ n: string }>(
        t.database.url,
        `select count(*) as n from resource where fabric_id = $1 and live_resource_version is not null and drift_status = 'in_sync'`,
        [fabricId],
      );
      return Number(row?.n) === objectCount;
    };
    await waitFor(inSync);
    const syncMs = performance.now() - syncStart;
    const syncCpu = process.cpuUsage(cpuBeforeSync);
    const syncStatements = t.sql.slice(statementsBefore).filter((s) => /resource/.test(s)).length;

    // 2. Sustained stream.
    received.clear();
    listed = 0;
    const expected = rate * seconds;
    const cpuBeforeStream = process.cpuUsage();
    const streamStart = performance.now();
    const statementsBeforeStream = t.sql.length;
    child.send({ cmd: 'stream', rate, seconds, objects: objectCount } satisfies ToServer);
    const [done] = (await once(child, 'message')) as [{ streamed: number; emittedAt: Record<string, number> }];
    await waitFor(() => listed >= expected);
    const streamMs = performance.now() - streamStart;
    const streamCpu = process.cpuUsage(cpuBeforeStream);
    const streamStatements = t.sql.length - statementsBeforeStream;

    const latencies: number[] = [];
    for (const [name, at] of received) {
      const emitted = done.emittedAt[name];
      if (emitted !== undefined) latencies.push(at - emitted);
    }
    latencies.sort((a, b) => a - b);
    const [counts] = await queryDatabase<{ drift_counts: Record<string, number>; drift_count: number }>(
      t.database.url,
      'select drift_counts, drift_count from fabric where id = $1',
      [fabricId],
    );
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(
      `cluster → database benchmark (node ${process.version}, database ${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded'}, ${objectCount} objects)`,
    );
    console.log(
      `initial sync: ${ms(syncMs)} wall, ${ms((syncCpu.user + syncCpu.system) / 1000)} CPU, ${Math.round(objectCount / (syncMs / 1000))} objects/s, ${syncStatements} SQL statements on resource`,
    );
    console.log(
      `stream: ${done.streamed} events in ${ms(streamMs)} (target ${rate}/s), ${streamStatements} SQL statements (${(streamStatements / done.streamed).toFixed(2)} per event)`,
    );
    console.log(
      `CPU per event: ${((streamCpu.user + streamCpu.system) / done.streamed).toFixed(0)} µs (gateway + subscriber)`,
    );
    console.log(
      `latency server write → fabricEvents subscriber: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? Number.NaN)} (${latencies.length} events measured)`,
    );
    console.log(
      `fabric roll-up after the stream: ${JSON.stringify(counts?.drift_counts)}, driftCount ${counts?.drift_count}`,
    );
    dispose();
    await client.dispose();
  } finally {
    child.disconnect();
    await t.stop();
  }
}

await main();
