import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kindKey, type ClusterObject } from '../../src/cluster/cluster-client.ts';
import { computeDrift, summarizeDrift } from '../../src/cluster/drift.ts';
import { createKubernetesClusterClient } from '../../src/cluster/kubernetes/kubernetes-cluster-client.ts';
import { HEDGEHOG_CRDS, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer, type KubeObject } from '../support/kube-server/kube-server.ts';
import { watchInto, type WatchHarness } from './support-watch.ts';

/** Stand-in for the catalog's normaliser: drops fabric-owned labels (hedgehog-crds.md §1, §8). */
function dropFabricLabels<T extends { metadata?: { labels?: unknown } }>(object: T): T {
  const labels = object.metadata?.labels as Record<string, string> | undefined;
  if (!labels) return object;
  const kept = Object.fromEntries(Object.entries(labels).filter(([key]) => !key.startsWith('fabric.githedgehog.com/')));
  return { ...object, metadata: { ...object.metadata, labels: kept } };
}

const desired = {
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  kind: 'VPC',
  metadata: { name: 'vpc-1', namespace: 'default', labels: { team: 'blue' } },
  spec: {
    ipv4Namespace: 'default',
    subnets: { 'subnet-1': { subnet: '10.0.1.0/24', vlan: 1001, dhcp: { enable: false } } },
  },
};

const live = (
  changes: { vlan?: number; labels?: Record<string, string>; status?: unknown; resourceVersion?: string } = {},
) => ({
  ...desired,
  metadata: {
    ...desired.metadata,
    uid: 'c0ffee',
    resourceVersion: changes.resourceVersion ?? '812',
    generation: 3,
    labels: changes.labels ?? { team: 'blue', 'fabric.githedgehog.com/vlanns': 'default' },
  },
  spec: {
    ...desired.spec,
    subnets: { 'subnet-1': { ...desired.spec.subnets['subnet-1'], vlan: changes.vlan ?? 1001 } },
  },
  status: changes.status ?? {},
});

describe('computeDrift', () => {
  it('is IN_SYNC when only server-set metadata, status and fabric labels differ', () => {
    expect(
      computeDrift({
        desired,
        live: live({ status: { anything: 1 } }),
        clusterConnected: true,
        normalize: dropFabricLabels,
      }),
    ).toEqual({
      status: 'IN_SYNC',
      differences: [],
    });
  });

  it('without the normaliser a fabric label is drift (the normaliser is what removes it)', () => {
    const result = computeDrift({ desired, live: live(), clusterConnected: true, normalize: (o) => o });
    expect(result.differences.map((d) => d.path)).toEqual(['$.metadata.labels["fabric.githedgehog.com/vlanns"]']);
  });

  it('is SPEC_DRIFT with each differing field, desired and live', () => {
    const result = computeDrift({
      desired,
      live: live({ vlan: 1099, labels: { team: 'red' } }),
      clusterConnected: true,
      normalize: dropFabricLabels,
    });
    expect(result).toEqual({
      status: 'SPEC_DRIFT',
      differences: [
        { path: '$.metadata.labels.team', segments: ['metadata', 'labels', 'team'], desired: 'blue', live: 'red' },
        {
          path: '$.spec.subnets["subnet-1"].vlan',
          segments: ['spec', 'subnets', 'subnet-1', 'vlan'],
          desired: 1001,
          live: 1099,
        },
      ],
    });
  });

  it('says DESIRED_ONLY, LIVE_ONLY and UNKNOWN', () => {
    expect(computeDrift({ desired, clusterConnected: true, normalize: dropFabricLabels }).status).toBe('DESIRED_ONLY');
    expect(computeDrift({ live: live(), clusterConnected: true, normalize: dropFabricLabels }).status).toBe(
      'LIVE_ONLY',
    );
    expect(
      computeDrift({ desired, live: live({ vlan: 5 }), clusterConnected: false, normalize: dropFabricLabels }),
    ).toEqual({ status: 'UNKNOWN', differences: [] });
  });

  it('counts an empty label map and no labels as the same', () => {
    const noLabels = { ...desired, metadata: { name: 'vpc-1', namespace: 'default' } };
    const emptyLabels = { ...noLabels, metadata: { ...noLabels.metadata, labels: {}, annotations: {} } };
    expect(
      computeDrift({ desired: noLabels, live: emptyLabels, clusterConnected: true, normalize: (o) => o }).status,
    ).toBe('IN_SYNC');
  });

  it('does not mutate its inputs', () => {
    const before = structuredClone(desired);
    computeDrift({ desired, live: live({ vlan: 7 }), clusterConnected: true, normalize: dropFabricLabels });
    expect(desired).toEqual(before);
  });
});

describe('summarizeDrift', () => {
  it('counts by status and by kind, every status present', () => {
    const summary = summarizeDrift([
      { kind: 'VPC', status: 'IN_SYNC' },
      { kind: 'VPC', status: 'SPEC_DRIFT' },
      { kind: 'Switch', status: 'LIVE_ONLY' },
      { kind: 'VPC', status: 'IN_SYNC' },
    ]);
    expect(summary).toEqual({
      total: 4,
      byStatus: { IN_SYNC: 2, SPEC_DRIFT: 1, DESIRED_ONLY: 0, LIVE_ONLY: 1, UNKNOWN: 0 },
      byKind: {
        Switch: { IN_SYNC: 0, SPEC_DRIFT: 0, DESIRED_ONLY: 0, LIVE_ONLY: 1, UNKNOWN: 0 },
        VPC: { IN_SYNC: 2, SPEC_DRIFT: 1, DESIRED_ONLY: 0, LIVE_ONLY: 0, UNKNOWN: 0 },
      },
    });
  });
});

describe('drift against a watched cluster', () => {
  const TOKEN = 'drift-token';
  let server: KubeServer;
  let harness: WatchHarness;

  beforeEach(async () => {
    server = await KubeServer.start({ crds: [HEDGEHOG_CRDS.VPC], token: TOKEN });
  });
  afterEach(async () => {
    await harness.handle.stop();
    await server.close();
  });

  it('appears when the cluster changes a field and clears when it is put back', async () => {
    const inGit: KubeObject = vpc('vpc-1', 1001, { labels: { team: 'blue' } });
    const liveFromGit = (vlan: number): KubeObject => {
      const object = structuredClone(inGit);
      object.metadata.labels = { team: 'blue', 'fabric.githedgehog.com/ipv4ns': 'default' };
      (object.spec as { subnets: Record<string, { vlan: number }> }).subnets['subnet-1']!.vlan = vlan;
      return object;
    };
    server.create(liveFromGit(1001));
    const client = createKubernetesClusterClient({ server: server.url, token: TOKEN });
    harness = watchInto(client, [HEDGEHOG_CRDS.VPC]);
    const drift = () => {
      const liveObject: ClusterObject | undefined = harness.view.get(kindKey(HEDGEHOG_CRDS.VPC))?.get('default/vpc-1');
      return computeDrift({ desired: inGit, live: liveObject, clusterConnected: true, normalize: dropFabricLabels });
    };

    await harness.untilInSyncWith(server, HEDGEHOG_CRDS.VPC);
    expect(drift().status).toBe('IN_SYNC');

    server.update(liveFromGit(1777)); // someone kubectl-edits the VLAN
    await harness.untilInSyncWith(server, HEDGEHOG_CRDS.VPC);
    expect(drift()).toMatchObject({
      status: 'SPEC_DRIFT',
      differences: [{ path: '$.spec.subnets["subnet-1"].vlan', desired: 1001, live: 1777 }],
    });

    server.update(liveFromGit(1001));
    await harness.untilInSyncWith(server, HEDGEHOG_CRDS.VPC);
    expect(drift().status).toBe('IN_SYNC');

    server.delete('VPC', 'vpc-1');
    await harness.untilInSyncWith(server, HEDGEHOG_CRDS.VPC);
    expect(drift().status).toBe('DESIRED_ONLY');
  });
});
