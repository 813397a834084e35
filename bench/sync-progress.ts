/**
 * Latency from a published operation step to 100 graphql-ws subscribers of syncOperationUpdated
 * (goal: p99 under 50 ms). Each step is published through the event bus the way
 * SyncOperationService.update publishes it; every subscriber notes when it arrives.
 *
 *   node --import tsx bench/sync-progress.ts [subscribers=100] [steps=50] [replicas=1]
 *
 * With replicas=2 the subscribers connect to a second
 * gateway on the same database, so every step crosses replicas over LISTEN/NOTIFY.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { topics } from '../src/events/event-bus.ts';
import { snapshotOf } from '../src/operations/sync-operation.service.ts';
import { startTestApp } from '../test/support/test-app.ts';
import { percentile } from './stats.ts';
import { createDeferred } from '../test/support/git-fixtures.ts';

const [subscriberCount = 100, steps = 50, replicas = 1] = process.argv.slice(2).map(Number);
const t = await startTestApp({ env: { HEAD_CHECK: 'false', LOG_LEVEL: 'warn' } });
// Where the dashboards connect: this gateway, or a second replica on the same database.
const watched =
  replicas > 1
    ? await startTestApp({
        database: t.database,
        env: { HEAD_CHECK: 'false', LOG_LEVEL: 'warn', OPERATION_RUNNER: 'in-process' },
      })
    : t;
const services = t.app.services();
const fabric = await services.fabrics.create({ name: 'progress-bench' });
// An operation that waits: its steps are published by hand below.
const gate = createDeferred<void>();
t.app.operationHandlers.cluster_refresh = () => gate.promise;
const operation = await services.operations.launch({
  fabricId: fabric.id,
  type: 'cluster_refresh',
  initiatedBy: 'bench',
});

const token = watched.adminToken;
const publishedAt = new Map<number, number>();
const latencies: number[] = [];
const clients: Client[] = [];
const everyoneReady: Promise<void>[] = [];
const everyoneDone: Promise<void>[] = [];
for (let index = 0; index < subscriberCount; index++) {
  const client = createClient({
    url: `${watched.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  clients.push(client);
  const ready = createDeferred<void>();
  const done = createDeferred<void>();
  everyoneReady.push(ready.promise);
  everyoneDone.push(done.promise);
  client.subscribe<{ syncOperationUpdated: { progressDone: number } }>(
    {
      query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { progressDone phase } }`,
      variables: { id: operation.id },
    },
    {
      next: (message) => {
        const step = message.data!.syncOperationUpdated.progressDone;
        const sent = publishedAt.get(step);
        if (sent === undefined) return ready.resolve(); // the current state, sent on subscribing
        latencies.push(performance.now() - sent);
        if (step === steps) done.resolve();
      },
      error: (error) => done.reject(error),
      complete: () => done.resolve(),
    },
  );
}
await Promise.all(everyoneReady);
const current = await t.app.services().operations.get(operation.id);
for (let step = 1; step <= steps; step++) {
  current.progressDone = step;
  current.phase = `step-${step}`;
  publishedAt.set(step, performance.now());
  t.app.eventBus.publish(topics.syncOperation(operation.id), {
    operationId: operation.id,
    fabricId: fabric.id,
    snapshot: snapshotOf(current),
  });
  await new Promise((resolve) => setImmediate(resolve));
}
await Promise.all(everyoneDone);
console.log(
  `${replicas > 1 ? 'across replicas: ' : ''}${subscriberCount} WebSocket subscribers x ${steps} steps = ${latencies.length} deliveries: ` +
    `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (goal p99 < 50 ms)`,
);
gate.resolve();
await Promise.all(clients.map((client) => client.dispose()));
if (watched !== t) await watched.stop();
await t.stop();
