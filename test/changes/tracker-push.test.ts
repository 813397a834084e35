/**
 * A change recorded by a real push (the recorder, src/changes/change-recorder.ts) followed to
 * its switches: the engine's part is played by applying the committed object on the test
 * Kubernetes server, the fabric controller's by bumping the affected switches' Agents, the
 * agents' by reporting the new generation applied.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeSchema } from '../../src/changes/change.entity.ts';
import type { HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { KIND_CATALOG } from '../../src/hedgehog/catalog.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { KubeServer, type KubeObject } from '../support/kube-server/kube-server.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { referenceFabric } from '../gitops/support.ts';
import { commitChanges, editDraft, fileOf, rows, sync } from '../sync/support.ts';
import { until } from '../cluster/support-live.ts';
import { agentApplies, agentObject, bumpAgent, changeEvents } from './tracker-support.ts';

const TOKEN = 'kube-token-push';
let env: GatewayWithRemote;
let kube: KubeServer;

afterAll(removeScratchDirs);

beforeEach(async () => {
  env = await tAdapters[0]!.start();
});

afterEach(async () => {
  await env?.stop();
  await kube?.close();
});

describe('a pushed change followed to its switches', () => {
  it('is recorded COMMITTED by the push, then goes APPLIED and CONVERGED on the switches it affects', async () => {
    const objects = referenceFabric();
    await pushFromAnotherClone(env.remote, { files: Object.assign({}, ...objects.map(fileOf)), message: 'seed' });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });

    // The cluster holds the fabric as Git has it, with an Agent per switch.
    const kinds = new Set(objects.map((o) => o.kind));
    kube = await KubeServer.start({
      token: TOKEN,
      crds: KIND_CATALOG.filter((k) => kinds.has(k.kind) || k.kind === 'Agent').map((k) => ({
        group: k.group,
        version: k.version,
        kind: k.kind,
        plural: k.plural,
      })),
    });
    for (const object of objects) kube.create(object as unknown as KubeObject);
    for (const sw of objects.filter((o) => o.kind === 'Switch')) kube.create(agentObject(sw.metadata.name));
    await env.t.graphqlOk(
      `mutation($id: ID!, $input: UpdateFabricInput!) { updateFabric(id: $id, input: $input) { id } }`,
      {
        id: env.fabricId,
        input: { kubernetes: { server: kube.url, token: TOKEN } },
      },
    );
    const read = async (id: string) => env.t.app.orm.em.fork().findOneOrFail(ChangeSchema, id);
    // The seed's change (every object, recorded before the cluster was connected) converges on its own.
    const [seed] = await env.t.app.orm.em.fork().find(ChangeSchema, { fabric: env.fabricId });
    await until(
      env.t,
      env.fabricId,
      async () => (await read(seed!.id)).stage === 'CONVERGED',
      'seed converged',
      60_000,
    );

    const events = changeEvents(env.t.app, env.fabricId);
    const vpc = objects.find((o) => o.kind === 'VPC')!;
    const edited: HedgehogObject = {
      ...vpc,
      spec: { ...(vpc.spec as Record<string, unknown>), defaultIsolated: true },
    };
    await editDraft(env.t, (await rows(env.t, env.fabricId)).get(vpc.metadata.name)!.id, edited);
    expect(await commitChanges(env.t, env.fabricId, 'Isolate the VPC')).toMatchObject({ status: 'COMPLETED' });
    const recorded = await events.next((e) => e.previousStage === null && e.stage === 'COMMITTED', 'recorded');
    await env.t.app.dependencies.clusterWatchers!.changeTracker(env.fabricId)!.idle();
    const change = await read(recorded.changeId);
    const affected = change.switches.filter((s) => !s.removed).map((s) => s.name);
    expect(affected.length).toBeGreaterThan(0);
    expect(change.switches.every((s) => s.generationAtCommit === 1)).toBe(true);

    kube.update(edited as unknown as KubeObject);
    const applied = await events.next((e) => e.changeId === change.id && e.stage === 'APPLIED', 'APPLIED');
    expect(applied.switchesBehindCount).toBe(affected.length);
    for (const name of affected) {
      bumpAgent(kube, name);
      agentApplies(kube, name);
    }
    await events.next((e) => e.changeId === change.id && e.stage === 'CONVERGED', 'CONVERGED');
    const done = await read(change.id);
    expect(done.stages.map((s) => s.stage)).toEqual(['COMMITTED', 'APPLIED', 'CONVERGED']);
    expect(done.switches.filter((s) => !s.removed).every((s) => s.convergedGeneration === 2)).toBe(true);
    events.close();
  });
});
