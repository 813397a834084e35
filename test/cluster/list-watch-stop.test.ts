/**
 * Stopping a watch whose API server accepted the watch request but has not answered it yet (no
 * response headers): the stop must not wait for the server.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { WatchedKind } from '../../src/cluster/cluster-client.ts';
import { createKubernetesClusterClient } from '../../src/cluster/kubernetes/kubernetes-cluster-client.ts';
import { HEDGEHOG_CRDS } from '../support/kube-server/hedgehog.ts';
import { watchInto } from './support-watch.ts';

const VPC: WatchedKind = HEDGEHOG_CRDS.VPC;
const held: ServerResponse[] = [];
let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  for (const response of held.splice(0)) response.destroy();
  await close?.();
});

it('stop() returns while a watch request still waits for its response headers', async () => {
  let watchRequested!: () => void;
  const watchArrived = new Promise<void>((resolve) => {
    watchRequested = resolve;
  });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      held.push(response); // accepted, never answered
      watchRequested();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'VPCList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const port = (server.address() as AddressInfo).port;
  const client = createKubernetesClusterClient({ server: `http://127.0.0.1:${port}`, token: 't' });
  const harness = watchInto(client, [VPC]);
  await harness.until(() => harness.events.some((event) => event.type === 'synced'));
  await watchArrived;

  // Before the fix, this waited until the server answered (here: never; the test timed out).
  await harness.handle.stop();
  expect(harness.statuses.at(-1)?.status.state).toBe('stopped');
});
