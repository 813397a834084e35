/**
 * Cost follows the change: the statements one tracker evaluation sends do not grow with the
 * fabric (the same count for a change of one object on a fabric of 10 and of 1,000 objects).
 */
import { describe, expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import type { TestApp } from '../support/test-app.ts';
import { connectFabric, rows, until } from '../cluster/support-live.ts';
import { affected, agentApplies, agentObject, bumpAgent, changeEvents, recordChange } from './tracker-support.ts';

const TOKEN = 'kube-token-statements';
const CRDS = [HEDGEHOG_CRDS.VPC, HEDGEHOG_CRDS.Switch, HEDGEHOG_CRDS.Agent];
const servers: KubeServer[] = [];
/** What the tracker sends: its reads of change, change_object and the objects' rows, its writes. */
const TRACKER_STATEMENT = /(from|update) "change(_object)?"|r\.live_resource_version, r\.live_spec/;

const it = appTest;

it.afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Statements of the evaluation that makes a one-object change CONVERGED, on a fabric of `size` VPCs. */
async function statementsToConverge(t: TestApp, size: number): Promise<string[]> {
  const kube = await KubeServer.start({ crds: CRDS, token: TOKEN });
  servers.push(kube);
  kube.create(switchObject('leaf-1'));
  kube.create(agentObject('leaf-1'));
  for (let i = 0; i < size; i++) kube.create(vpc(`vpc-${i}`, 1000 + (i % 2000)));
  const fabricId = (await connectFabric(t, kube, TOKEN)).id;
  await until(
    t,
    fabricId,
    async () => (await rows(t, fabricId, 'live_resource_version is not null')).length === size + 1,
    'initial sync',
    60_000,
  );
  const tracker = t.app.dependencies.clusterWatchers!.changeTracker(fabricId)!;
  const events = changeEvents(t.app, fabricId);
  const id = await recordChange(t.app, fabricId, {
    objects: [
      { kind: 'VPC', name: 'vpc-0', action: 'update', committed: vpc('vpc-0', 3000), previous: vpc('vpc-0', 1000) },
    ],
    switches: [affected('leaf-1')],
  });
  await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
  await tracker.idle();
  kube.update(vpc('vpc-0', 3000));
  bumpAgent(kube, 'leaf-1');
  await events.next((e) => e.changeId === id && e.stage === 'APPLIED', 'APPLIED');
  await tracker.idle();
  const from = t.sql.length;
  agentApplies(kube, 'leaf-1');
  await events.next((e) => e.changeId === id && e.stage === 'CONVERGED', 'CONVERGED');
  await tracker.idle();
  events.close();
  // The tracker's statements (others may run meanwhile: a roll-up, a token check).
  return t.sql.slice(from).filter((sql) => TRACKER_STATEMENT.test(sql));
}

describe('statements per tracker evaluation', () => {
  it('are as many on a fabric of 1,000 objects as on one of 10, and few', async ({ t }) => {
    const small = await statementsToConverge(t, 10);
    const large = await statementsToConverge(t, 1000);
    expect(large.length).toBe(small.length);
    // Three reads (changes, their objects, those objects' rows) and one write of the change.
    expect(small.filter((s) => /^select/i.test(s))).toHaveLength(3);
    expect(small.filter((s) => /^update "change"/.test(s))).toHaveLength(1);
    expect(small).toHaveLength(4);
  });
});
