/**
 * The gateway watching a real-protocol Kubernetes API server: live state into rows, drift,
 * events, watch status, refresh, adopt, connection tests. Runs on both databases.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTest } from '../support/app-fixture.ts';
import { publishDesiredStateChanged } from '../../src/events/fabric-events.ts';
import { queryDatabase } from '../support/database.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer, type KubeObject } from '../support/kube-server/kube-server.ts';
import { readFabricConnection } from '../../src/cluster/fabric-connection.ts';
import { FabricWatchers } from '../../src/cluster/fabric-watchers.ts';
import { createKubernetesClusterClient } from '../../src/cluster/kubernetes/kubernetes-cluster-client.ts';
import { FabricService } from '../../src/fabric/fabric.service.ts';
import { createFabric } from '../support/fixtures.ts';
import { connectFabric, row, rows, setDesired, until } from './support-live.ts';

const TOKEN = 'kube-token-s3cr3t-do-not-leak';
// Every Hedgehog CRD of the test server except Gateway: its kinds are "missing" for the gateway.
const CRDS = Object.values(HEDGEHOG_CRDS).filter((crd) => crd.kind !== 'Gateway');
let kube: KubeServer;
const responses: string[] = [];

async function gql<T = Record<string, any>>(
  t: TestApp,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const result = await t.graphql<T>(query, variables);
  responses.push(JSON.stringify(result));
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

const withVlan = (object: KubeObject, vlan: number): KubeObject => {
  const copy = structuredClone(object);
  (copy.spec as { subnets: Record<string, { vlan: number }> }).subnets['subnet-1']!.vlan = vlan;
  return copy;
};

const it = appTest;
it.beforeAll(async () => {
  kube = await KubeServer.start({ crds: CRDS, token: TOKEN });
});

it.afterAll(async () => {
  await kube?.close();
});

describe('live state and drift', () => {
  let fabricId: string;

  it.beforeAll(async ({ t }) => {
    kube.create(vpc('vpc-1', 1001));
    kube.create(vpc('vpc-3', 1003));
    kube.create(switchObject('leaf-1'));
    fabricId = (await connectFabric(t, kube, TOKEN)).id;
    await until(
      t,
      fabricId,
      async () => (await rows(t, fabricId, 'live_resource_version is not null')).length === 3,
      'initial sync',
    );
  });

  it('stores live state of every object, live-only rows included, without drafts', async ({ t }) => {
    const vpc1 = (await row(t, fabricId, 'VPC', 'vpc-1'))!;
    const server = kube.objects('VPC').find((o) => o.metadata.name === 'vpc-1')!;
    expect(vpc1.live_spec).toEqual(server.spec);
    expect(vpc1.live_resource_version).toBe(server.metadata.resourceVersion);
    expect(Number(vpc1.live_generation)).toBe(1);
    expect(vpc1.live_observed_at).not.toBeNull();
    expect(vpc1.drift_status).toBe('live_only');
    const leaf = (await row(t, fabricId, 'Switch', 'leaf-1'))!;
    expect(leaf.live_labels).toEqual({ 'fabric.githedgehog.com/rack': 'rack-1' });
    expect(await rows(t, fabricId, 'draft_action is not null')).toEqual([]);
  });

  it('drift appears when the cluster changes a field and clears when it changes back', async ({ t }) => {
    const id = await setDesired(t, fabricId, vpc('vpc-1', 1001));
    await until(
      t,
      fabricId,
      async () => (await row(t, fabricId, 'VPC', 'vpc-1'))?.drift_status === 'in_sync',
      'vpc-1 in sync',
    );

    kube.update(withVlan(kube.objects('VPC').find((o) => o.metadata.name === 'vpc-1')!, 1777));
    const drifted = await until(
      t,
      fabricId,
      async () => {
        const r = await row(t, fabricId, 'VPC', 'vpc-1');
        return r?.drift_status === 'spec_drift' ? r : null;
      },
      'vpc-1 drifted',
    );
    expect(drifted.drift_details).toEqual([{ path: '$.spec.subnets["subnet-1"].vlan', desired: 1001, live: 1777 }]);

    const data = await gql(
      t,
      `query($id: ID!) { resource(id: $id) { driftStatus drift { path desired live } live { generation } } }`,
      { id },
    );
    expect(data.resource).toEqual({
      driftStatus: 'SPEC_DRIFT',
      drift: [{ path: '$.spec.subnets["subnet-1"].vlan', desired: 1001, live: 1777 }],
      live: { generation: 2 },
    });
    const filtered = await gql(
      t,
      `query($f: ID!) { resources(fabricId: $f, driftStatus: SPEC_DRIFT) { edges { node { name } } } }`,
      { f: fabricId },
    );
    expect(filtered.resources.edges).toEqual([{ node: { name: 'vpc-1' } }]);

    kube.update(withVlan(kube.objects('VPC').find((o) => o.metadata.name === 'vpc-1')!, 1001));
    const cleared = await until(
      t,
      fabricId,
      async () => {
        const r = await row(t, fabricId, 'VPC', 'vpc-1');
        return r?.drift_status === 'in_sync' ? r : null;
      },
      'vpc-1 back in sync',
    );
    expect(cleared.drift_details).toEqual([]);
  });

  it('fabric-owned labels and webhook defaults are not drift; desired-only objects are', async ({ t }) => {
    // Git has the switch without the fabric label the cluster adds.
    const leaf = switchObject('leaf-1');
    delete leaf.metadata.labels;
    await setDesired(t, fabricId, leaf);
    expect((await row(t, fabricId, 'Switch', 'leaf-1'))!.drift_status).toBe('in_sync');
    await setDesired(t, fabricId, vpc('vpc-2', 1002));
    expect((await row(t, fabricId, 'VPC', 'vpc-2'))!.drift_status).toBe('desired_only');
  });

  it('desired state changed by the sync code (its events) recomputes drift without being asked', async ({ t }) => {
    const vpc1 = (await row(t, fabricId, 'VPC', 'vpc-1'))!;
    const setVlan = (t: TestApp, vlan: number) =>
      queryDatabase(t.database.url, `update resource set desired_spec = $2 where id = $1`, [
        vpc1.id,
        JSON.stringify(withVlan(vpc('vpc-1', 1001), vlan).spec),
      ]);
    // As a pull does: change desired rows, commit, then announce which rows changed.
    await setVlan(t, 1555);
    publishDesiredStateChanged(t.app.eventBus, fabricId, [vpc1.id]);
    const drifted = await until(
      t,
      fabricId,
      async () => {
        const r = await row(t, fabricId, 'VPC', 'vpc-1');
        return r?.drift_status === 'spec_drift' ? r : null;
      },
      'drift after a pull',
    );
    expect(drifted.drift_details).toEqual([{ path: '$.spec.subnets["subnet-1"].vlan', desired: 1555, live: 1001 }]);
    // As an ingestion does: no ids, the whole fabric is recomputed.
    await setVlan(t, 1001);
    publishDesiredStateChanged(t.app.eventBus, fabricId, 'all');
    await until(
      t,
      fabricId,
      async () => (await row(t, fabricId, 'VPC', 'vpc-1'))?.drift_status === 'in_sync',
      'in sync after an ingestion',
    );
  });

  it('rolls drift up per fabric, by status and by kind', async ({ t }) => {
    const data = await until(
      t,
      fabricId,
      async () => {
        const result = await gql(
          t,
          `query($id: ID!) { fabric(id: $id) { driftCount driftCounts { inSync specDrift desiredOnly liveOnly unknown } driftSummary { total byStatus { inSync specDrift desiredOnly liveOnly unknown } byKind { kind counts { inSync liveOnly desiredOnly } } } } }`,
          { id: fabricId },
        );
        return result.fabric.driftCount === 2 ? result : null;
      },
      'roll-up stored',
    );
    expect(data.fabric.driftSummary.byStatus).toEqual({
      inSync: 2,
      specDrift: 0,
      desiredOnly: 1,
      liveOnly: 1,
      unknown: 0,
    });
    expect(data.fabric.driftCounts).toMatchObject({ inSync: 2, desiredOnly: 1, liveOnly: 1 });
    expect(data.fabric.driftCount).toBe(2);
    expect(data.fabric.driftSummary.byKind).toEqual([
      { kind: 'Switch', counts: { inSync: 1, liveOnly: 0, desiredOnly: 0 } },
      { kind: 'VPC', counts: { inSync: 1, liveOnly: 1, desiredOnly: 1 } },
    ]);
  });

  it('an object deleted in the cluster loses its live state; a live-only row goes', async ({ t }) => {
    kube.delete('VPC', 'vpc-1');
    kube.delete('VPC', 'vpc-3');
    await until(t, fabricId, async () => (await row(t, fabricId, 'VPC', 'vpc-3')) === undefined, 'vpc-3 row removed');
    const vpc1 = await until(
      t,
      fabricId,
      async () => {
        const r = await row(t, fabricId, 'VPC', 'vpc-1');
        return r?.live_resource_version === null ? r : null;
      },
      'vpc-1 live cleared',
    );
    expect(vpc1).toMatchObject({ live_spec: null, live_observed_at: null, drift_status: 'desired_only' });
    expect(vpc1.desired_spec).not.toBeNull();
    kube.create(vpc('vpc-1', 1001));
    await until(
      t,
      fabricId,
      async () => (await row(t, fabricId, 'VPC', 'vpc-1'))?.drift_status === 'in_sync',
      'vpc-1 recreated',
    );
  });

  it('a stream dropped in the middle of a burst loses nothing: the rows end equal to the server', async ({ t }) => {
    await kube.waitForOpenWatches((n) => n > 0);
    kube.dropConnections({ afterEvents: 7, partialLine: true });
    for (let i = 0; i < 40; i++) kube.create(vpc(`burst-${i}`, 2000 + i));
    for (let i = 0; i < 40; i += 3)
      kube.update(withVlan(kube.objects('VPC').find((o) => o.metadata.name === `burst-${i}`)!, 3000 + i));
    for (let i = 1; i < 40; i += 4) kube.delete('VPC', `burst-${i}`);
    const expected = () =>
      kube
        .objects('VPC')
        .map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)
        .sort();
    await until(
      t,
      fabricId,
      async () => {
        const live = (await rows(t, fabricId, "kind = 'VPC' and live_resource_version is not null"))
          .map((r) => `${r.name}@${r.live_resource_version}`)
          .sort();
        return JSON.stringify(live) === JSON.stringify(expected());
      },
      'rows equal the server after the burst',
    );
    const burst3 = (await row(t, fabricId, 'VPC', 'burst-3'))!;
    expect(burst3.live_spec).toEqual(kube.objects('VPC').find((o) => o.metadata.name === 'burst-3')!.spec);
    expect(await rows(t, fabricId, "name like 'burst-%' and live_resource_version is null")).toEqual([]);
  });

  it('watch status per kind is queryable; a kind without CRD is missing, never zero objects', async ({ t }) => {
    const gateway: KubeObject = {
      apiVersion: 'gateway.githedgehog.com/v1alpha1',
      kind: 'Gateway',
      metadata: { name: 'gw-1', namespace: 'default' },
      spec: { asn: 65534 },
    };
    await setDesired(t, fabricId, gateway);
    expect((await row(t, fabricId, 'Gateway', 'gw-1'))!.drift_status).toBe('unknown');
    const data = await gql(
      t,
      `query($id: ID!) { fabric(id: $id) { clusterStatus { state error missingKinds kinds { kind state synced eventCount lastEventAt } } } }`,
      { id: fabricId },
    );
    const status = data.fabric.clusterStatus;
    expect(status.state).toBe('WATCHING');
    expect(status.missingKinds).toContain('Gateway');
    expect(status.missingKinds).not.toContain('VPC');
    const byKind = new Map(status.kinds.map((k: { kind: string }) => [k.kind, k]));
    expect(byKind.get('Gateway')).toMatchObject({ state: 'MISSING', synced: false, eventCount: 0 });
    expect(byKind.get('VPC')).toMatchObject({ state: 'WATCHING', synced: true });
    expect((byKind.get('VPC') as { eventCount: number }).eventCount).toBeGreaterThan(40);
    expect(byKind.get('Agent')).toMatchObject({ state: 'WATCHING' });
  });

  it('switch health comes from the Agent object', async ({ t }) => {
    const leaf = (await row(t, fabricId, 'Switch', 'leaf-1'))!;
    const before = await gql(t, `query($id: ID!) { resource(id: $id) { switchHealth { state } } }`, { id: leaf.id });
    expect(before.resource.switchHealth).toBeNull();
    kube.create({
      apiVersion: 'agent.githedgehog.com/v1beta1',
      kind: 'Agent',
      metadata: { name: 'leaf-1', namespace: 'default' },
      status: { lastHeartbeat: new Date().toISOString(), lastAppliedGen: 1, lastAttemptGen: 1, version: 'v0.87.4' },
    });
    const result = await until(
      t,
      fabricId,
      async () => {
        const data = await gql(
          t,
          `query($id: ID!) { resource(id: $id) { switchHealth { state appliedGeneration currentGeneration upToDate agentVersion } } }`,
          { id: leaf.id },
        );
        return data.resource.switchHealth;
      },
      'agent seen',
    );
    expect(result).toEqual({
      state: 'HEALTHY',
      appliedGeneration: 1,
      currentGeneration: 1,
      upToDate: true,
      agentVersion: 'v0.87.4',
    });
  });

  it('adopt copies live-only objects into drafts by the caller, and refuses the others', async ({ t }) => {
    kube.create({ ...vpc('hand-made', 1500, { labels: { team: 'a', 'fabric.githedgehog.com/owned': 'x' } }) });
    const handMade = await until(t, fabricId, async () => row(t, fabricId, 'VPC', 'hand-made'), 'hand-made seen');
    expect(handMade.draft_action).toBeNull();
    const vpc2 = (await row(t, fabricId, 'VPC', 'vpc-2'))!; // desired-only
    const refused = await t.graphql(
      `mutation($f: ID!, $ids: [ID!]!) { adoptLiveResources(fabricId: $f, ids: $ids) { id } }`,
      { f: fabricId, ids: [handMade.id, vpc2.id] },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(refused.errors?.[0]?.message).toContain('$.ids[1]');
    expect(await rows(t, fabricId, 'draft_action is not null')).toEqual([]);

    const adopted = await gql(
      t,
      `mutation($f: ID!, $ids: [ID!]!) { adoptLiveResources(fabricId: $f, ids: $ids) { id hasDraft draft { action spec labels draftedBy } } }`,
      { f: fabricId, ids: [handMade.id] },
    );
    expect(adopted.adoptLiveResources).toEqual([
      {
        id: handMade.id,
        hasDraft: true,
        draft: {
          action: 'UPSERT',
          spec: expect.objectContaining({ subnets: expect.any(Object) }),
          labels: { team: 'a' },
          draftedBy: expect.stringMatching(/\S/),
        },
      },
    ]);
    expect((await rows(t, fabricId, 'draft_action is not null')).map((r) => r.name)).toEqual(['hand-made']);
    const again = await t.graphql(
      `mutation($f: ID!, $ids: [ID!]!) { adoptLiveResources(fabricId: $f, ids: $ids) { id } }`,
      { f: fabricId, ids: [handMade.id] },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });

  it('refreshCluster relists every served kind with progress and completes, picking up a CRD installed since', async ({
    t,
  }) => {
    kube.addCrd(HEDGEHOG_CRDS.Gateway);
    kube.create({
      apiVersion: 'gateway.githedgehog.com/v1alpha1',
      kind: 'Gateway',
      metadata: { name: 'gw-1', namespace: 'default' },
      spec: { asn: 65534 },
    });
    expect((await row(t, fabricId, 'Gateway', 'gw-1'))!.drift_status).toBe('unknown');
    const launched = await gql(t, `mutation($f: ID!) { refreshCluster(fabricId: $f) { id operationType status } }`, {
      f: fabricId,
    });
    expect(launched.refreshCluster).toMatchObject({ operationType: 'CLUSTER_REFRESH', status: 'PENDING' });
    await t.app.runner.idle();
    const data = await gql(
      t,
      `query($id: ID!) { syncOperation(id: $id) { status phase progressDone progressTotal filesProcessed errorMessage events(first: 100) { edges { node { message path } } } } }`,
      { id: launched.refreshCluster.id },
    );
    const op = data.syncOperation;
    expect(op).toMatchObject({ status: 'COMPLETED', phase: 'DONE', errorMessage: null });
    const served = (
      await gql(t, `query($id: ID!) { fabric(id: $id) { clusterStatus { kinds { kind state } } } }`, { id: fabricId })
    ).fabric.clusterStatus.kinds.filter(
      (k: { kind: string; state: string }) => k.state !== 'MISSING' && k.kind !== 'Agent',
    );
    expect(op.progressTotal).toBe(served.length + 1); // + Agent
    expect(op.progressDone).toBe(op.progressTotal);
    expect(op.events.edges.map((e: { node: { path: string | null } }) => e.node.path)).toEqual(
      expect.arrayContaining(['VPC', 'Switch', 'Agent']),
    );
    expect(op.filesProcessed).toBe(
      (await rows(t, fabricId, 'live_resource_version is not null')).length + kube.objects('Agent').length,
    );
    expect(served.map((k: { kind: string }) => k.kind)).toContain('Gateway');
    expect((await row(t, fabricId, 'Gateway', 'gw-1'))!.drift_status).toBe('in_sync');
    // Nothing changed, so nothing drifted and still no drafts besides the adopted one.
    expect((await rows(t, fabricId, 'draft_action is not null')).map((r) => r.name)).toEqual(['hand-made']);
    // No echo: cluster data started no sync operation (no commit, no push), only the refresh asked for.
    const operations = await queryDatabase<{ operation_type: string }>(
      t.database.url,
      'select operation_type from sync_operation where fabric_id = $1',
      [fabricId],
    );
    expect(operations.map((o) => o.operation_type)).toEqual(['cluster_refresh']);
  });
});

describe('connections and lifecycle', () => {
  it('testClusterConnection reaches the server, and reports a refused token without echoing it', async ({ t }) => {
    const good = await connectFabric(t, kube, TOKEN);
    const ok = await gql(t, `mutation($f: ID!) { testClusterConnection(fabricId: $f) { ok serverVersion error } }`, {
      f: good.id,
    });
    expect(ok.testClusterConnection).toMatchObject({ ok: true, error: null });
    expect(ok.testClusterConnection.serverVersion).toMatch(/^v\d/);

    const wrong = await connectFabric(t, kube, 'wrong-token-also-secret');
    const refused = await gql(
      t,
      `mutation($f: ID!) { testClusterConnection(fabricId: $f) { ok serverVersion error } }`,
      {
        f: wrong.id,
      },
    );
    expect(refused.testClusterConnection.ok).toBe(false);
    expect(refused.testClusterConnection.error).toMatch(/401/);
    const status = await until(
      t,
      wrong.id,
      async () => {
        const data = await gql(t, `query($id: ID!) { fabric(id: $id) { clusterStatus { state error } } }`, {
          id: wrong.id,
        });
        return data.fabric.clusterStatus.state === 'ERROR' ? data.fabric.clusterStatus : null;
      },
      'watch error reported',
    );
    expect(status.error).toMatch(/401/);
    await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: wrong.id });
    await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: good.id });
  });

  it('a fabric without a cluster has drift UNKNOWN and status NOT_CONFIGURED', async ({ t }) => {
    const data = await gql(
      t,
      `mutation { createFabric(input: { name: "no-cluster" }) { id clusterStatus { state kinds { kind } } } }`,
    );
    expect(data.createFabric.clusterStatus).toEqual({ state: 'NOT_CONFIGURED', kinds: [] });
    const id = await setDesired(t, data.createFabric.id, vpc('vpc-9', 1009));
    expect(
      (
        await queryDatabase<{ drift_status: string }>(
          t.database.url,
          'select drift_status from resource where id = $1',
          [id],
        )
      )[0]!.drift_status,
    ).toBe('unknown');
  });

  it('a deleted fabric stops its watchers: the server sees no open watch', async ({ t }) => {
    const other = await KubeServer.start({ crds: CRDS, token: TOKEN });
    try {
      other.create(vpc('vpc-x', 1100));
      const fabric = await connectFabric(t, other, TOKEN);
      await other.waitForOpenWatches(CRDS.length);
      await until(
        t,
        fabric.id,
        async () => (await rows(t, fabric.id, 'live_resource_version is not null')).length === 1,
        'synced',
      );
      await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
      await other.waitForOpenWatches(0);
      expect(other.openWatchCount).toBe(0);
      // A change after the deletion writes nothing (no row may reappear under the deleted fabric).
      const watchRequests = other.countRequests((r) => r.watch);
      other.create(vpc('vpc-y', 1101));
      expect(other.countRequests((r) => r.watch)).toBe(watchRequests);
      expect(await queryDatabase(t.database.url, 'select id from resource where fabric_id = $1', [fabric.id])).toEqual(
        [],
      );
    } finally {
      await other.close();
    }
  });

  it('removing the connection stops the watch and forgets live state; adding it back resyncs', async ({ t }) => {
    const other = await KubeServer.start({ crds: CRDS, token: TOKEN });
    try {
      other.create(vpc('vpc-z', 1200));
      const fabric = await connectFabric(t, other, TOKEN);
      await until(
        t,
        fabric.id,
        async () => (await rows(t, fabric.id, 'live_resource_version is not null')).length === 1,
        'synced',
      );
      await gql(t, `mutation($id: ID!) { updateFabric(id: $id, input: { kubernetes: null }) { id } }`, {
        id: fabric.id,
      });
      await other.waitForOpenWatches(0);
      await until(t, fabric.id, async () => (await rows(t, fabric.id)).length === 0, 'live-only row forgotten');
      await gql(
        t,
        `mutation($id: ID!, $k: KubernetesConnectionInput!) { updateFabric(id: $id, input: { kubernetes: $k }) { id } }`,
        { id: fabric.id, k: { server: other.url, token: TOKEN } },
      );
      await until(
        t,
        fabric.id,
        async () => (await rows(t, fabric.id, "drift_status = 'live_only'")).length === 1,
        'resynced',
      );
      await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
    } finally {
      await other.close();
    }
  });

  it('watches every namespace when none is configured, and only the listed ones otherwise', async ({ t }) => {
    const other = await KubeServer.start({ crds: CRDS, token: TOKEN });
    try {
      for (const namespace of ['default', 'team-a', 'team-b'])
        other.create(vpc(`vpc-${namespace}`, 1300, { namespace }));
      const all = await connectFabric(t, other, TOKEN);
      const some = await connectFabric(t, other, TOKEN, { namespaces: ['default', 'team-a'] });
      await until(
        t,
        all.id,
        async () => (await rows(t, all.id, 'live_resource_version is not null')).length === 3,
        'all namespaces',
      );
      await until(
        t,
        some.id,
        async () => {
          const data = await gql(t, `query($id: ID!) { fabric(id: $id) { clusterStatus { kinds { kind synced } } } }`, {
            id: some.id,
          });
          return data.fabric.clusterStatus.kinds.find((k: { kind: string }) => k.kind === 'VPC')?.synced;
        },
        'listed namespaces synced',
      );
      other.create(vpc('late', 1301, { namespace: 'team-b' }));
      other.create(vpc('late', 1302, { namespace: 'team-a' }));
      await until(
        t,
        all.id,
        async () => (await rows(t, all.id, 'live_resource_version is not null')).length === 5,
        'late objects seen',
      );
      await until(
        t,
        some.id,
        async () => (await rows(t, some.id, 'live_resource_version is not null')).length === 3,
        'team-a late seen',
      );
      expect((await rows(t, some.id)).map((r) => `${r.namespace}/${r.name}`)).toEqual([
        'default/vpc-default',
        'team-a/late',
        'team-a/vpc-team-a',
      ]);
      await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: all.id });
      await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: some.id });
    } finally {
      await other.close();
    }
  });

  it('a CRD removed while watched: its objects go, its drift becomes UNKNOWN and the kind is reported missing', async ({
    t,
  }) => {
    const other = await KubeServer.start({ crds: CRDS, token: TOKEN });
    try {
      const peering = (name: string): KubeObject => ({
        apiVersion: 'vpc.githedgehog.com/v1beta1',
        kind: 'VPCPeering',
        metadata: { name, namespace: 'default' },
        spec: { permit: [{ 'vpc-1': {}, 'vpc-2': {} }] },
      });
      other.create(peering('live-peering'));
      const fabric = await connectFabric(t, other, TOKEN);
      await until(
        t,
        fabric.id,
        async () => (await rows(t, fabric.id, "drift_status = 'live_only'")).length === 1,
        'synced',
      );
      await setDesired(t, fabric.id, peering('git-peering'));
      expect((await row(t, fabric.id, 'VPCPeering', 'git-peering'))!.drift_status).toBe('desired_only');
      other.removeCrd('VPCPeering');
      const status = await until(
        t,
        fabric.id,
        async () => {
          const data = await gql(
            t,
            `query($id: ID!) { fabric(id: $id) { clusterStatus { missingKinds kinds { kind state synced lastError } } } }`,
            { id: fabric.id },
          );
          return data.fabric.clusterStatus.missingKinds.includes('VPCPeering') ? data.fabric.clusterStatus : null;
        },
        'VPCPeering reported missing',
      );
      expect(status.kinds.find((k: { kind: string }) => k.kind === 'VPCPeering')).toMatchObject({
        state: 'ERROR',
        synced: false,
      });
      const left = await until(
        t,
        fabric.id,
        async () => {
          const all = await rows(t, fabric.id);
          return all.length === 1 && all[0]!.drift_status === 'unknown' ? all : null;
        },
        'peering rows: live one gone, Git one unknown',
      );
      expect(left[0]).toMatchObject({ name: 'git-peering', live_resource_version: null });
      await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
    } finally {
      await other.close();
    }
  });

  it('a kubeconfig connection is watched like a token one; one with an exec plugin is refused, never run', async ({
    t,
  }) => {
    const other = await KubeServer.start({ crds: CRDS, token: TOKEN });
    try {
      other.create(vpc('vpc-kc', 1400));
      const kubeconfig = (user: string) => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${other.url}" } }]
users: [{ name: u, user: ${user} }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;
      const fabric = await createFabric(t, { kubernetes: { kubeconfig: kubeconfig(`{ token: ${TOKEN} }`) } });
      await until(
        t,
        fabric.id,
        async () => (await rows(t, fabric.id, "drift_status = 'live_only'")).length === 1,
        'kubeconfig fabric synced',
      );
      const marker = join(tmpdir(), `gateway-must-not-run-${process.pid}-${Date.now()}`);
      // Refused where it is given (test/cluster/kubeconfig.security.test.ts covers stored ones and every other field).
      const exec = await t.graphql(`mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }`, {
        input: {
          name: 'kc-exec',
          kubernetes: {
            kubeconfig: kubeconfig(
              `{ exec: { command: /bin/touch, args: [${marker}], apiVersion: client.authentication.k8s.io/v1 } }`,
            ),
          },
        },
      });
      expect(exec.errors?.[0]).toMatchObject({
        extensions: { code: 'INVALID_INPUT' },
        message: expect.stringContaining('users[0].user.exec: runs a command'),
      });
      expect(existsSync(marker)).toBe(false);
      await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
    } finally {
      await other.close();
    }
  });

  it('watchers start for every fabric that already has a cluster (gateway start)', async ({ t }) => {
    const other = await KubeServer.start({ crds: CRDS, token: TOKEN });
    const fabric = await connectFabric(t, other, TOKEN);
    await other.waitForOpenWatches(CRDS.length);
    // A second manager on the same database, as a restarted gateway builds it.
    const { orm, secretBox, eventBus, logger } = t.app;
    const restarted = new FabricWatchers({
      orm,
      eventBus,
      logger,
      createClient: (connection) => createKubernetesClusterClient(connection),
      readConnection: (fabricId) => readFabricConnection(new FabricService({ em: orm.em.fork(), secretBox }), fabricId),
    });
    try {
      await restarted.start();
      await other.waitForOpenWatches(2 * CRDS.length);
      expect(restarted.status(fabric.id)).toMatchObject({
        state: 'watching',
        missingKinds: expect.arrayContaining(['Gateway']),
      });
    } finally {
      await restarted.stop();
      await other.waitForOpenWatches(CRDS.length);
      await gql(t, `mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
      await other.close();
    }
  });

  it('no credential appears in any response or log line', ({ t }) => {
    const text = responses.join('\n') + t.logs();
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('wrong-token-also-secret');
  });
});
