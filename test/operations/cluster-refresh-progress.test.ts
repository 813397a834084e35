/**
 * A cluster refresh counts kinds and moves while it lists them: with the list of one kind held
 * at an HTTP proxy in front of the Kubernetes test server, `fabricEvents` shows the refresh at
 * 0 < done < total with an estimate; released, it completes and so does `syncOperationUpdated`.
 * No sleeps: the proxy holds the request until the test has seen the update it waits for.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { topics } from '../../src/events/event-bus.ts';
import { connectFabric, rows, until } from '../cluster/support-live.ts';
import { createDeferred } from '../support/git-fixtures.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { watchOperationEvents } from './support.ts';

const TOKEN = 'kube-token-refresh-progress';

let t: TestApp;
let kube: KubeServer;
let proxy: Server;
let proxyUrl: string;
/** While set, a list (not a watch) of VPCs waits for this before it is forwarded. */
let holdVpcList: Promise<void> | null = null;

beforeAll(async () => {
  kube = await KubeServer.start({ crds: Object.values(HEDGEHOG_CRDS), token: TOKEN });
  kube.create(vpc('vpc-1', 1001));
  kube.create(switchObject('leaf-1'));
  const upstream = new URL(kube.url);
  proxy = createServer(async (incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', kube.url);
    const held = holdVpcList;
    if (held && incoming.method === 'GET' && url.pathname.endsWith('/vpcs') && !url.searchParams.has('watch'))
      await held;
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        // A watch answers its headers at once and events later: passed on as they come.
        outgoing.flushHeaders();
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.destroy());
    outgoing.on('close', () => forward.destroy());
    incoming.pipe(forward);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  t = await startTestApp();
});

afterAll(async () => {
  await t?.stop();
  proxy?.closeAllConnections();
  proxy?.close();
  await kube?.close();
});

it('refreshCluster moves kind by kind with an estimate, and its subscription completes', async () => {
  const fabric = await connectFabric(t, { url: proxyUrl }, TOKEN);
  await until(
    t,
    fabric.id,
    async () => (await rows(t, fabric.id, 'live_resource_version is not null')).length === 2,
    'initial sync',
  );

  const client: Client = t.wsClient();
  try {
    // The fabric's topic is delivered apart from syncOperationUpdated's: `final` is awaited below.
    const watched = watchOperationEvents(client, fabric.id);
    const seen = watched.events;
    while (t.app.eventBus.subscriberCount(topics.fabric(fabric.id)) === 0)
      await new Promise((resolve) => setImmediate(resolve));

    const release = createDeferred();
    holdVpcList = release.promise;
    const launched = await t.graphqlOk<{ refreshCluster: { id: string } }>(
      `mutation($f: ID!) { refreshCluster(fabricId: $f) { id } }`,
      { f: fabric.id },
    );
    const operationId = launched.refreshCluster.id;
    const completed = createDeferred();
    const states: { status: string }[] = [];
    client.subscribe<{ syncOperationUpdated: { status: string } }>(
      { query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status } }`, variables: { id: operationId } },
      {
        next: (result) => {
          if (result.data) states.push(result.data.syncOperationUpdated);
        },
        error: (error) => completed.reject(error),
        complete: () => completed.resolve(),
      },
    );
    let event: Record<string, any>;
    try {
      event = await watched.midway;
      while (t.app.eventBus.subscriberCount(topics.syncOperation(operationId)) === 0)
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
      holdVpcList = null;
      release.resolve();
    }
    expect(event).toMatchObject({ operationId, operationType: 'CLUSTER_REFRESH', phase: 'LISTING' });
    expect(event.progressDone).toBeGreaterThan(0);
    expect(event.progressDone).toBeLessThan(event.progressTotal);
    expect(event.estimatedSecondsLeft).not.toBeNull();

    await t.app.runner.idle();
    await completed.promise;
    expect(states.at(-1)).toEqual({ status: 'COMPLETED' });
    await watched.final;
    const last = seen.filter((update) => update.operationId === operationId).at(-1)!;
    expect(last).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    expect(last.progressDone).toBe(last.progressTotal);
    expect(last.progressTotal).toBeGreaterThan(1);
  } finally {
    await client.dispose();
  }
});
