/**
 * The change tracker in a real gateway watching the test Kubernetes API server: a change goes
 * APPLIED then CONVERGED as its objects go live and its switches' agents apply, STALLED when an
 * agent never applies, DIVERGED when live differs from both sides; events in order; metrics.
 * Runs on both databases.
 */
import { describe, expect } from 'vitest';
import { ChangeObjectSchema, ChangeSchema } from '../../src/changes/change.entity.ts';
import { appTest } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import type { TestApp } from '../support/test-app.ts';
import { connectFabric, rows, until } from '../cluster/support-live.ts';
import { affected, agentApplies, agentObject, bumpAgent, changeEvents, recordChange } from './tracker-support.ts';

const TOKEN = 'kube-token-tracker';
const CRDS = [HEDGEHOG_CRDS.VPC, HEDGEHOG_CRDS.Switch, HEDGEHOG_CRDS.Agent];
let kube: KubeServer;
let fabricId: string;

const it = appTest;

it.beforeAll(async ({ t }) => {
  kube = await KubeServer.start({ crds: CRDS, token: TOKEN });
  for (const name of ['leaf-1', 'leaf-2', 'leaf-3']) {
    kube.create(switchObject(name));
    kube.create(agentObject(name));
  }
  for (const name of ['vpc-1', 'vpc-2', 'vpc-3', 'vpc-4']) kube.create(vpc(name, 1001));
  fabricId = (await connectFabric(t, kube, TOKEN)).id;
  await until(
    t,
    fabricId,
    async () => (await rows(t, fabricId, 'live_resource_version is not null')).length === 7,
    'initial sync',
  );
});

it.afterAll(async () => {
  await kube?.close();
});

const tracker = (t: TestApp) => t.app.dependencies.clusterWatchers!.changeTracker(fabricId)!;

async function loadChange(t: TestApp, id: string) {
  const em = t.app.orm.em.fork();
  const change = await em.findOneOrFail(ChangeSchema, id);
  const objects = await em.find(ChangeObjectSchema, { change: id }, { orderBy: { id: 'asc' } });
  return { change, objects };
}

async function setStallSeconds(t: TestApp, seconds: number) {
  await queryDatabase(t.database.url, 'update fabric set change_stall_seconds = $2 where id = $1', [fabricId, seconds]);
  await t.app.dependencies.clusterWatchers!.fabricChanged({ type: 'updated', fabricId, clusterChanged: false });
}

const histogramCount = async (t: TestApp, name: string) => {
  const line = (await t.app.metrics.scrape())
    .split('\n')
    .find((l) => l.startsWith(`${name}_count{fabric="${fabricId}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

describe('a change followed to its switches', () => {
  it('goes APPLIED, then CONVERGED once every agent applied a later generation, events in order', async ({ t }) => {
    const events = changeEvents(t.app, fabricId);
    const id = await recordChange(t.app, fabricId, {
      objects: [
        { kind: 'VPC', name: 'vpc-1', action: 'update', committed: vpc('vpc-1', 1002), previous: vpc('vpc-1', 1001) },
      ],
      switches: [affected('leaf-1'), affected('leaf-2')],
    });
    await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
    // The tracker fills each switch's generation at commit from the Agents, while nothing is live yet.
    await tracker(t).idle();
    expect((await loadChange(t, id)).change.switches.map((s) => s.generationAtCommit)).toEqual([1, 1]);

    kube.update(vpc('vpc-1', 1002));
    const applied = await events.next((e) => e.changeId === id && e.stage === 'APPLIED', 'APPLIED');
    expect(applied).toMatchObject({
      previousStage: 'COMMITTED',
      objectsBehind: [],
      objectsBehindCount: 0,
      switchesBehind: ['default/leaf-1', 'default/leaf-2'],
    });
    let { change, objects } = await loadChange(t, id);
    expect(change.appliedAt).not.toBeNull();
    expect(objects[0]!.appliedAt).not.toBeNull();

    // An agent that applied the generation it had at commit does not count; a later one does.
    agentApplies(kube, 'leaf-1');
    const gen1 = bumpAgent(kube, 'leaf-1');
    expect(gen1).toBe(2);
    agentApplies(kube, 'leaf-1');
    await events.next((e) => e.changeId === id && e.switchesBehind.join() === 'default/leaf-2', 'leaf-1 converged');
    bumpAgent(kube, 'leaf-2');
    agentApplies(kube, 'leaf-2');
    const converged = await events.next((e) => e.changeId === id && e.stage === 'CONVERGED', 'CONVERGED');
    expect(converged).toMatchObject({ previousStage: 'APPLIED', switchesBehind: [], switchesBehindCount: 0 });

    ({ change } = await loadChange(t, id));
    expect(change).toMatchObject({ stage: 'CONVERGED', open: false, switchesBehind: [], objectsBehind: [] });
    expect(change.stages.map((s) => s.stage)).toEqual(['COMMITTED', 'APPLIED', 'CONVERGED']);
    expect(change.switches.map((s) => s.convergedGeneration)).toEqual([2, 2]);
    const mine = events.seen.filter((e) => e.changeId === id).map((e) => e.stage);
    expect(mine.filter((s, i) => s !== mine[i - 1])).toEqual(['COMMITTED', 'APPLIED', 'CONVERGED']);
    expect(await histogramCount(t, 'gateway_change_applied_seconds')).toBe(1);
    expect(await histogramCount(t, 'gateway_change_converged_seconds')).toBe(1);
    // A final change is forgotten: nothing of it stays in memory.
    await tracker(t).idle();
    expect(tracker(t).openChanges).toBe(0);
    events.close();
  });

  it('an agent that never applies makes the change STALLED, naming the switch; it converges later', async ({ t }) => {
    const events = changeEvents(t.app, fabricId);
    const id = await recordChange(t.app, fabricId, {
      objects: [
        { kind: 'VPC', name: 'vpc-2', action: 'update', committed: vpc('vpc-2', 1002), previous: vpc('vpc-2', 1001) },
      ],
      switches: [affected('leaf-3')],
    });
    await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
    await tracker(t).idle();
    expect((await loadChange(t, id)).change.switches[0]!.generationAtCommit).toBe(1);
    kube.update(vpc('vpc-2', 1002));
    bumpAgent(kube, 'leaf-3');
    await events.next((e) => e.changeId === id && e.stage === 'APPLIED', 'APPLIED');
    // A limit of 1 s from now on (the fabric's setting, read again when the fabric changes).
    await setStallSeconds(t, 1);
    try {
      // No sleep: the tracker's own timer fires at appliedAt + 1 s.
      const stalled = await events.next((e) => e.changeId === id && e.stage === 'STALLED', 'STALLED');
      expect(stalled).toMatchObject({ switchesBehind: ['default/leaf-3'], objectsBehind: [] });
      const { change } = await loadChange(t, id);
      expect(change.stages.at(-1)).toMatchObject({
        stage: 'STALLED',
        detail: 'not converged after 1 s: 1 switch behind: default/leaf-3',
      });
      agentApplies(kube, 'leaf-3');
      await events.next((e) => e.changeId === id && e.stage === 'CONVERGED', 'CONVERGED after the stall');
    } finally {
      await setStallSeconds(t, 600);
      events.close();
    }
  });

  it('a live object that differs from both sides makes the change DIVERGED; back to it, APPLIED', async ({ t }) => {
    const events = changeEvents(t.app, fabricId);
    const id = await recordChange(t.app, fabricId, {
      objects: [
        { kind: 'VPC', name: 'vpc-3', action: 'update', committed: vpc('vpc-3', 1002), previous: vpc('vpc-3', 1001) },
      ],
      switches: [affected('leaf-1')],
    });
    await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
    kube.update(vpc('vpc-3', 1777));
    const diverged = await events.next((e) => e.changeId === id && e.stage === 'DIVERGED', 'DIVERGED');
    expect(diverged.objectsBehind).toEqual(['VPC default/vpc-3']);
    kube.update(vpc('vpc-3', 1002));
    await events.next((e) => e.changeId === id && e.stage === 'APPLIED', 'APPLIED after divergence');
    events.close();
  });

  it('a deleted object is applied when the cluster no longer has it', async ({ t }) => {
    const events = changeEvents(t.app, fabricId);
    const id = await recordChange(t.app, fabricId, {
      objects: [{ kind: 'VPC', name: 'vpc-4', action: 'delete', committed: null, previous: vpc('vpc-4', 1001) }],
      switches: [affected('leaf-1', { removed: false }), affected('leaf-gone', { removed: true })],
    });
    await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
    // Seen before anything is live: leaf-1's generation at commit is its current one (2), so its
    // steady Agent does not count as converged (docs/changes.md: a change seen late counts from 0).
    await tracker(t).idle();
    kube.delete('VPC', 'vpc-4');
    const applied = await events.next((e) => e.changeId === id && e.stage === 'APPLIED', 'APPLIED');
    // The removed switch is never waited for.
    expect(applied.switchesBehind).toEqual(['default/leaf-1']);
    events.close();
  });

  it('leaves a change that has not landed (PROPOSED) alone, even when its objects are live as proposed', async ({
    t,
  }) => {
    const events = changeEvents(t.app, fabricId);
    // vpc-1 is live as this change proposes (the first test): a landed change would converge at once.
    const id = await recordChange(t.app, fabricId, {
      objects: [
        { kind: 'VPC', name: 'vpc-1', action: 'update', committed: vpc('vpc-1', 1002), previous: vpc('vpc-1', 1001) },
      ],
      switches: [],
      proposed: true,
    });
    await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
    await tracker(t).idle();
    const { change } = await loadChange(t, id);
    expect(change.stage).toBe('PROPOSED');
    expect(change.version).toBe(1);
    expect(events.seen.filter((e) => e.changeId === id)).toHaveLength(1);
    events.close();
  });
});
