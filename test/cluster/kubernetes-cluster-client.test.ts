import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ClusterConfigError,
  ClusterRequestError,
  kindKey,
  type ClusterClient,
  type WatchedKind,
} from '../../src/cluster/cluster-client.ts';
import { createKubernetesClusterClient } from '../../src/cluster/kubernetes/kubernetes-cluster-client.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import { watchInto, type WatchHarness } from './support-watch.ts';

const TOKEN = 'test-token-7f3a9c';
const VPC: WatchedKind = HEDGEHOG_CRDS.VPC;
const SWITCH: WatchedKind = HEDGEHOG_CRDS.Switch;

let server: KubeServer;
let client: ClusterClient;
let harnesses: WatchHarness[] = [];

beforeEach(async () => {
  const { ExternalPeering: _notInstalled, Gateway: _gatewayDisabled, ...installed } = HEDGEHOG_CRDS;
  server = await KubeServer.start({ crds: Object.values(installed), token: TOKEN });
  client = createKubernetesClusterClient({ server: server.url, token: TOKEN });
});

afterEach(async () => {
  await Promise.all(harnesses.map((h) => h.handle.stop()));
  harnesses = [];
  await server.close();
});

function watch(kinds: readonly WatchedKind[], options: { namespaces?: string[] } = {}): WatchHarness {
  const harness = watchInto(client, kinds, options);
  harnesses.push(harness);
  return harness;
}

describe('connection', () => {
  it('testConnection reports the server version with good credentials', async () => {
    expect(await client.testConnection()).toEqual({ ok: true, serverVersion: 'v1.32.0-kube-server' });
  });

  it('testConnection reports a clear error for a bad token, without the token', async () => {
    const result = await createKubernetesClusterClient({
      server: server.url,
      token: 'wrong-secret-token',
    }).testConnection();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/401 Unauthorized/);
    expect(result.error).not.toContain('wrong-secret-token');
  });

  it('testConnection reports an unreachable server', async () => {
    const closed = await KubeServer.start({ crds: [] });
    const url = closed.url;
    await closed.close();
    const result = await createKubernetesClusterClient({ server: url, token: TOKEN }).testConnection();
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cannot reach the API server \(ECONNREFUSED\)/),
    });
  });

  it('accepts a kubeconfig (YAML text) and refuses exec plugins and bad YAML with the field named', async () => {
    const kubeconfig = (user: string) => `apiVersion: v1
kind: Config
clusters: [{ name: lab, cluster: { server: "${server.url}" } }]
users: [{ name: gw, user: ${user} }]
contexts: [{ name: lab, context: { cluster: lab, user: gw } }]
current-context: lab
`;
    expect(
      await createKubernetesClusterClient({ kubeconfig: kubeconfig(`{ token: ${TOKEN} }`) }).testConnection(),
    ).toMatchObject({ ok: true });
    expect(() =>
      createKubernetesClusterClient({
        kubeconfig: kubeconfig('{ exec: { command: /bin/sh, apiVersion: client.authentication.k8s.io/v1 } }'),
      }),
    ).toThrow(expect.objectContaining({ name: 'ClusterConfigError', field: 'kubeconfig.users[0].user.exec' }));
    expect(() => createKubernetesClusterClient({ kubeconfig: 'clusters: [ {' })).toThrow(ClusterConfigError);
    expect(() => createKubernetesClusterClient({ server: 'not a url', token: TOKEN })).toThrow(
      expect.objectContaining({ field: 'server' }),
    );
  });

  it('a list with a bad token fails with a typed 401 error', async () => {
    const error = await createKubernetesClusterClient({ server: server.url, token: 'nope-not-it' })
      .list(VPC)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterRequestError);
    expect(error).toMatchObject({ status: 401, operation: 'list vpc.githedgehog.com/v1beta1 vpcs' });
    expect((error as Error).message).not.toContain('nope-not-it');
  });
});

describe('discovery', () => {
  it('reports kinds whose CRD is absent as missing, never as empty', async () => {
    const { served, missing } = await client.discover([
      VPC,
      SWITCH,
      HEDGEHOG_CRDS.ExternalPeering,
      HEDGEHOG_CRDS.Gateway,
    ]);
    expect(served).toEqual([VPC, SWITCH]);
    expect(missing).toEqual([HEDGEHOG_CRDS.ExternalPeering, HEDGEHOG_CRDS.Gateway]);
  });

  it('follows a CRD being removed', async () => {
    server.removeCrd('VPC');
    expect(await client.discover([VPC, HEDGEHOG_CRDS.VPCAttachment])).toEqual({
      served: [HEDGEHOG_CRDS.VPCAttachment],
      missing: [VPC],
    });
    await expect(client.list(VPC)).rejects.toMatchObject({ status: 404 });
  });

  it('does not call a kind missing when discovery itself fails', async () => {
    await expect(
      createKubernetesClusterClient({ server: server.url, token: 'bad' }).discover([VPC]),
    ).rejects.toMatchObject({ status: 401 });
  });
});

describe('list', () => {
  it('reads every page with limit and continue', async () => {
    for (let i = 0; i < 250; i++) server.create(vpc(`vpc-${String(i).padStart(3, '0')}`, 1000 + i));
    const { objects, resourceVersion } = await client.list(VPC, { pageSize: 100 });
    expect(objects.map((o) => o.metadata.name)).toEqual(server.objects('VPC').map((o) => o.metadata.name));
    expect(resourceVersion).toBe(server.resourceVersion);
    const pages = server.requests.filter((r) => r.path === '/apis/vpc.githedgehog.com/v1beta1/vpcs');
    expect(pages.map((r) => [r.query.limit, Boolean(r.query.continue)])).toEqual([
      ['100', false],
      ['100', true],
      ['100', true],
    ]);
  });

  it('starts over when the continue token expires between pages', async () => {
    for (let i = 0; i < 30; i++) server.create(vpc(`vpc-${i}`, 1000 + i));
    server.afterListPage = ({ index }) => {
      if (index === 0 && server.countRequests((r) => r.path.endsWith('/vpcs')) === 1) {
        server.create(vpc('vpc-late', 2000)); // lands between pages
        server.compact();
      }
    };
    const { objects } = await client.list(VPC, { pageSize: 10 });
    expect(objects.map((o) => o.metadata.name).sort()).toEqual(
      server
        .objects('VPC')
        .map((o) => o.metadata.name)
        .sort(),
    );
    expect(objects).toHaveLength(31);
    // first pass: page 1, page 2 → 410; second pass: 4 pages
    expect(server.countRequests((r) => r.path.endsWith('/vpcs'))).toBe(6);
  });

  it('lists only the given namespaces', async () => {
    server.create(vpc('a', 1001, { namespace: 'default' }));
    server.create(vpc('b', 1002, { namespace: 'team-b' }));
    server.create(vpc('c', 1003, { namespace: 'team-c' }));
    const { objects } = await client.list(VPC, { namespaces: ['default', 'team-c'] });
    expect(objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['default/a', 'team-c/c']);
  });
});

describe('watch', () => {
  it('starts with a synced list, then delivers ADDED, MODIFIED and DELETED as upsert and delete', async () => {
    server.create(vpc('vpc-1', 1001));
    const harness = watch([VPC]);
    await harness.until(() => harness.events.some((e) => e.type === 'synced'));
    await server.waitForOpenWatches(1);
    const created = server.create(vpc('vpc-2', 1002));
    const updated = server.update({ ...vpc('vpc-2', 1003) });
    server.delete('VPC', 'vpc-1');
    await harness.untilInSyncWith(server, VPC);
    expect(
      harness.events.map((e) =>
        e.type === 'synced'
          ? `synced:${e.objects.length}`
          : `${e.type}:${e.object.metadata.name}:${e.object.metadata.resourceVersion}`,
      ),
    ).toEqual([
      'synced:1',
      `upsert:vpc-2:${created.metadata.resourceVersion}`,
      `upsert:vpc-2:${updated.metadata.resourceVersion}`,
      `delete:vpc-1:${server.resourceVersion}`,
    ]);
    expect(updated.metadata.generation).toBe(2);
    const status = harness.handle.status().get(kindKey(VPC));
    expect(status).toMatchObject({ state: 'watching', eventCount: 4, resourceVersion: server.resourceVersion });
    // the watch started where the list ended
    const watchRequest = server.requests.find((r) => r.watch);
    expect(watchRequest?.query).toMatchObject({ resourceVersion: '2', allowWatchBookmarks: 'true' });
  });

  it('relists after 410 Gone and ends with the server view', async () => {
    for (let i = 0; i < 5; i++) server.create(vpc(`vpc-${i}`, 1000 + i));
    const harness = watch([VPC]);
    await harness.untilInSyncWith(server, VPC);
    await server.waitForOpenWatches(1);
    server.dropConnections();
    // While the client is away: changes, then history is compacted, so its resourceVersion is too old.
    server.delete('VPC', 'vpc-0');
    server.update(vpc('vpc-1', 1501));
    server.create(vpc('vpc-new', 1600));
    server.compact();
    await harness.until(() => harness.events.filter((e) => e.type === 'synced').length === 2);
    await harness.untilInSyncWith(server, VPC);
    const lists = server.requests.filter((r) => !r.watch && r.path.endsWith('/vpcs'));
    expect(lists).toHaveLength(2);
    expect(harness.statuses.some(({ status }) => /410/.test(status.lastError ?? ''))).toBe(true);
    expect([...harness.view.get(kindKey(VPC))!.keys()].sort()).toEqual([
      'default/vpc-1',
      'default/vpc-2',
      'default/vpc-3',
      'default/vpc-4',
      'default/vpc-new',
    ]);
  });

  it('loses nothing when the stream breaks in the middle of a burst of 500 changes', async () => {
    for (let i = 0; i < 50; i++) server.create(vpc(`vpc-${i}`, 1000 + i));
    const harness = watch([VPC]);
    await harness.untilInSyncWith(server, VPC);
    await server.waitForOpenWatches(1);
    server.dropConnections({ afterEvents: 180, partialLine: true });
    for (let i = 0; i < 500; i++) {
      const n = i % 60;
      if (i % 7 === 3 && server.objects('VPC').some((o) => o.metadata.name === `vpc-${n}`))
        server.delete('VPC', `vpc-${n}`);
      else server.apply(vpc(`vpc-${n}`, 2000 + i));
      if (i % 25 === 24) await yieldToEventLoop(); // let the client read part of the burst
    }
    await harness.untilInSyncWith(server, VPC);
    const watches = server.requests.filter((r) => r.watch);
    expect(watches.length).toBeGreaterThanOrEqual(2);
    // resumed from a later resourceVersion, not relisted
    expect(Number(watches[1]!.query.resourceVersion)).toBeGreaterThan(Number(watches[0]!.query.resourceVersion));
    expect(server.countRequests((r) => !r.watch && r.path.endsWith('/vpcs'))).toBe(1);
    expect(harness.events.filter((e) => e.type !== 'synced')).toHaveLength(500);
  });

  it('watches several kinds and only the given namespaces', async () => {
    server.create(vpc('a', 1001, { namespace: 'default' }));
    server.create(vpc('b', 1002, { namespace: 'elsewhere' }));
    server.create(switchObject('leaf-1'));
    const harness = watch([VPC, SWITCH], { namespaces: ['default'] });
    await harness.until(
      () => harness.view.get(kindKey(VPC))?.size === 1 && harness.view.get(kindKey(SWITCH))?.size === 1,
    );
    await server.waitForOpenWatches(2);
    server.create(vpc('c', 1003, { namespace: 'elsewhere' }));
    server.create(vpc('d', 1004, { namespace: 'default' }));
    await harness.until(() => harness.view.get(kindKey(VPC))?.has('default/d') === true);
    expect([...harness.view.get(kindKey(VPC))!.keys()]).toEqual(['default/a', 'default/d']);
    expect(server.requests.filter((r) => r.watch).every((r) => r.path.includes('/namespaces/default/'))).toBe(true);
  });

  it('stop() closes every stream and reports stopped', async () => {
    const harness = watch([VPC, SWITCH, HEDGEHOG_CRDS.Agent]);
    await server.waitForOpenWatches(3);
    await harness.handle.stop();
    await server.waitForOpenWatches(0);
    expect([...harness.handle.status().values()].map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
    const eventsAtStop = harness.events.length;
    server.create(vpc('after-stop', 1999));
    expect(server.openWatchCount).toBe(0);
    expect(harness.events).toHaveLength(eventsAtStop);
  });

  it('reports a kind whose CRD disappears as an error and recovers when it comes back', async () => {
    server.create(vpc('vpc-1', 1001));
    const harness = watch([VPC]);
    await harness.untilInSyncWith(server, VPC);
    await server.waitForOpenWatches(1);
    server.removeCrd('VPC');
    await harness.until(() =>
      harness.statuses.some(({ status }) => status.state === 'error' && /404/.test(status.lastError ?? '')),
    );
    expect(harness.view.get(kindKey(VPC))?.size).toBe(0); // the CRD's deletion deleted its objects
    server.addCrd(HEDGEHOG_CRDS.VPC);
    server.create(vpc('vpc-2', 1002));
    await harness.untilInSyncWith(server, VPC);
    expect([...harness.view.get(kindKey(VPC))!.keys()]).toEqual(['default/vpc-2']);
  });

  it('reports a bad token as an error state with a clear message', async () => {
    client = createKubernetesClusterClient({ server: server.url, token: 'stale-token-value' });
    const harness = watch([VPC]);
    await harness.until(() => harness.statuses.some(({ status }) => status.state === 'error'));
    const status = harness.handle.status().get(kindKey(VPC))!;
    expect(status.lastError).toMatch(/^list: .*401 Unauthorized/);
    expect(status.lastError).not.toContain('stale-token-value');
  });

  it('resumes from the last bookmark after a clean server-side close', async () => {
    const harness = watch([VPC]);
    await harness.until(() => harness.events.some((e) => e.type === 'synced'));
    await server.waitForOpenWatches(1);
    server.create(switchObject('leaf-1')); // moves the global resourceVersion, not this kind's
    server.sendBookmarks();
    const bookmarked = server.resourceVersion;
    server.endWatches();
    await server.waitForOpenWatches(1);
    const watches = server.requests.filter((r) => r.watch);
    expect(watches.map((r) => r.query.resourceVersion)).toEqual(['1', bookmarked]);
    server.create(vpc('vpc-1', 1001));
    await harness.untilInSyncWith(server, VPC);
    expect(harness.handle.status().get(kindKey(VPC))).toMatchObject({
      state: 'watching',
      resourceVersion: server.resourceVersion,
    });
    expect(server.countRequests((r) => !r.watch && r.path.endsWith('/vpcs'))).toBe(1);
    // a routine close after a bookmark is not a failure
    expect(harness.statuses.map(({ status }) => status.state)).not.toContain('backoff');
  });
});
