/**
 * cancelSyncOperation on a running cluster_refresh: the relist is held at the Kubernetes test
 * server, the operation cancelled, the list released; the refresh stops before recomputing drift
 * and ends CANCELLED, and the next refresh completes.
 */
import { expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { createDeferred } from '../support/git-fixtures.ts';
import { HEDGEHOG_CRDS, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import type { TestApp } from '../support/test-app.ts';
import { connectFabric, rows, until } from './support-live.ts';

const TOKEN = 'kube-token-refresh-cancel';
const it = appTest;
let kube: KubeServer;
it.beforeAll(async () => {
  kube = await KubeServer.start({ crds: Object.values(HEDGEHOG_CRDS), token: TOKEN });
});
it.afterAll(async () => {
  await kube?.close();
});

const refresh = async (t: TestApp, fabricId: string) =>
  (
    await t.graphqlOk<{ refreshCluster: { id: string } }>(`mutation($f: ID!) { refreshCluster(fabricId: $f) { id } }`, {
      f: fabricId,
    })
  ).refreshCluster.id;
// The log is a connection (SyncEventConnection); a refresh's fits on one page of 100.
const operation = async (t: TestApp, id: string) => {
  const { syncOperation } = await t.graphqlOk<{
    syncOperation: {
      status: string;
      errorMessage: string | null;
      events: { edges: { node: { message: string } }[]; pageInfo: { hasNextPage: boolean } };
    };
  }>(
    `query($id: ID!) { syncOperation(id: $id) { status errorMessage events(first: 100) { edges { node { message } } pageInfo { hasNextPage } } } }`,
    { id },
  );
  expect(syncOperation.events.pageInfo.hasNextPage).toBe(false);
  return { ...syncOperation, events: syncOperation.events.edges.map((edge) => edge.node) };
};

it('stops a refresh cancelled while it lists: CANCELLED, drift not recomputed; the next refresh completes', async ({
  t,
}) => {
  kube.create(vpc('vpc-1', 1001));
  const fabricId = (await connectFabric(t, kube, TOKEN)).id;
  await until(
    t,
    fabricId,
    async () => (await rows(t, fabricId, 'live_resource_version is not null')).length === 1,
    'initial sync',
  );

  const listing = createDeferred<void>();
  const release = createDeferred<void>();
  kube.beforeList = (kind) => {
    if (kind !== 'VPC') return undefined;
    listing.resolve();
    return release.promise;
  };
  const id = await refresh(t, fabricId);
  await listing.promise;
  const cancelled = await t.graphqlOk<{ cancelSyncOperation: { status: string } }>(
    `mutation($id: ID!) { cancelSyncOperation(id: $id) { status } }`,
    { id },
  );
  expect(cancelled.cancelSyncOperation.status).toBe('IN_PROGRESS');
  kube.beforeList = undefined;
  release.resolve();
  await t.app.runner.idle();

  const ended = await operation(t, id);
  expect(ended).toMatchObject({ status: 'CANCELLED', errorMessage: 'cancelled' });
  expect(ended.events.map((event) => event.message)).not.toContain('recomputing drift');

  const again = await refresh(t, fabricId);
  await t.app.runner.idle();
  expect(await operation(t, again)).toMatchObject({ status: 'COMPLETED', errorMessage: null });
  expect((await rows(t, fabricId, 'live_resource_version is not null')).map((row) => row.name)).toEqual(['vpc-1']);
});
