/**
 * A gateway restart in the middle of a change: the change is APPLIED, the gateway stops, the
 * agent applies while it is down, and a new gateway on the same database loads the open change
 * and makes it CONVERGED, keeping what the first one recorded. Runs on both databases.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeSchema } from '../../src/changes/change.entity.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { connectFabric, rows, until } from '../cluster/support-live.ts';
import { affected, agentApplies, agentObject, bumpAgent, changeEvents, recordChange } from './tracker-support.ts';

const TOKEN = 'kube-token-restart';
let kube: KubeServer;
let database: TestDatabase;
const apps: TestApp[] = [];
// Both gateways must read the fabric's stored credentials.
const env = { GATEWAY_SECRET_KEY: randomBytes(32).toString('hex') };

beforeAll(async () => {
  kube = await KubeServer.start({ crds: [HEDGEHOG_CRDS.VPC, HEDGEHOG_CRDS.Switch, HEDGEHOG_CRDS.Agent], token: TOKEN });
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const app of apps) await app.stop().catch(() => {});
  await kube?.close();
  await database?.drop();
});

describe('a restart in the middle of a change', () => {
  it('loses nothing: the new gateway re-evaluates the open change and it converges', async () => {
    kube.create(switchObject('leaf-1'));
    kube.create(agentObject('leaf-1'));
    kube.create(vpc('vpc-1', 1001));
    const first = await startTestApp({ database, env });
    apps.push(first);
    const fabricId = (await connectFabric(first, kube, TOKEN)).id;
    await until(
      first,
      fabricId,
      async () => (await rows(first, fabricId, 'live_resource_version is not null')).length === 2,
      'sync',
    );
    const events = changeEvents(first.app, fabricId);
    const id = await recordChange(first.app, fabricId, {
      objects: [
        { kind: 'VPC', name: 'vpc-1', action: 'update', committed: vpc('vpc-1', 1002), previous: vpc('vpc-1', 1001) },
      ],
      switches: [affected('leaf-1')],
    });
    await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
    await first.app.dependencies.clusterWatchers!.changeTracker(fabricId)!.idle();
    kube.update(vpc('vpc-1', 1002));
    bumpAgent(kube, 'leaf-1');
    await events.next((e) => e.changeId === id && e.stage === 'APPLIED', 'APPLIED');
    events.close();
    await first.stop();

    // While no gateway watches, the agent applies the new generation.
    agentApplies(kube, 'leaf-1');

    const second = await startTestApp({ database, env });
    apps.push(second);
    const read = async () => second.app.orm.em.fork().findOneOrFail(ChangeSchema, id);
    await until(second, fabricId, async () => (await read()).stage === 'CONVERGED', 'CONVERGED after the restart');
    const change = await read();
    expect(change.stages.map((s) => s.stage)).toEqual(['COMMITTED', 'APPLIED', 'CONVERGED']);
    expect(change.switches[0]).toMatchObject({ generationAtCommit: 1, convergedGeneration: 2 });
    expect(change.open).toBe(false);
  });
});
