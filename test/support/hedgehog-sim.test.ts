/** The Hedgehog simulators play their part (the scenarios in test/changes rely on them). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBareRepository, pushFromAnotherClone, removeScratchDirs } from './git-fixtures.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from './kube-server/hedgehog.ts';
import {
  ENGINE_CRDS,
  HedgehogSim,
  mclagConnection,
  unbundledConnection,
  vpcAttachment,
} from './kube-server/hedgehog-sim.ts';
import { KubeServer, type KubeObject } from './kube-server/kube-server.ts';

let server: KubeServer;
let sim: HedgehogSim;

beforeEach(async () => {
  server = await KubeServer.start({ crds: [...Object.values(HEDGEHOG_CRDS), ...Object.values(ENGINE_CRDS)] });
  sim = new HedgehogSim(server);
});
afterEach(async () => {
  sim.stop();
  await server.close();
});

const yaml = (object: KubeObject) => JSON.stringify(object); // JSON is YAML

/** leaf-01 and leaf-02 (MCLAG pair), leaf-03 alone; vpc-1 on server-01 (leaf-01) and server-02 (both). */
function wiring(): KubeObject[] {
  return [
    switchObject('leaf-01'),
    switchObject('leaf-02'),
    switchObject('leaf-03'),
    unbundledConnection('server-01', 'leaf-01'),
    mclagConnection('server-02', 'leaf-01', 'leaf-02'),
    unbundledConnection('server-03', 'leaf-03'),
    vpc('vpc-1', 1001),
    vpc('vpc-2', 1002),
    vpcAttachment('server-01--vpc-1', 'vpc-1', 'server-01--unbundled--leaf-01'),
    vpcAttachment('server-02--vpc-1', 'vpc-1', 'server-02--mclag--leaf-01--leaf-02'),
    vpcAttachment('server-03--vpc-2', 'vpc-2', 'server-03--unbundled--leaf-03'),
  ];
}

function start(): void {
  for (const name of ['leaf-01', 'leaf-02', 'leaf-03']) sim.addAgent(name);
  sim.engine.applyObjects(wiring());
  sim.controller.bumps.length = 0;
  sim.applyPending();
}

const generations = () =>
  Object.fromEntries([...sim.agents].map(([key, agent]) => [key, [agent.generation, agent.appliedGeneration]]));

describe('GitOps engine', () => {
  it('applies a commit of the fabric directory: creates, updates, deletes to match; reports to Argo CD', async () => {
    const remote = await createBareRepository();
    const first = await pushFromAnotherClone(remote, {
      files: {
        'README.md': '# not an object\n',
        'fabric/managed/vpcs/vpc-1.yaml': yaml(vpc('vpc-1', 1001)),
        'fabric/managed/vpcs/vpc-2.yaml': `${yaml(vpc('vpc-2', 1002))}\n---\n${yaml(vpc('vpc-3', 1003))}`,
        'elsewhere/vpc-9.yaml': yaml(vpc('vpc-9', 1009)),
      },
    });
    sim.engine.argoApplication({ name: 'fabric', repoURL: 'https://github.com/acme/fabric' });
    expect(await sim.engine.applyCommit({ repoDir: remote, commit: first })).toEqual({
      created: ['VPC default/vpc-1', 'VPC default/vpc-2', 'VPC default/vpc-3'],
      updated: [],
      deleted: [],
    });
    const second = await pushFromAnotherClone(remote, {
      files: { 'fabric/managed/vpcs/vpc-1.yaml': yaml(vpc('vpc-1', 1011)) },
      deletions: ['fabric/managed/vpcs/vpc-2.yaml'],
    });
    expect(await sim.engine.applyCommit({ repoDir: remote, commit: second })).toEqual({
      created: [],
      updated: ['VPC default/vpc-1'],
      deleted: ['VPC default/vpc-2', 'VPC default/vpc-3'],
    });
    expect(server.objects('VPC').map((o) => o.metadata.name)).toEqual(['vpc-1']);
    expect(server.objects('VPC')[0]!.metadata.generation).toBe(2);
    expect(server.objects('Application')[0]!.status).toMatchObject({
      sync: { status: 'Synced', revision: second },
      operationState: { phase: 'Succeeded' },
    });
    await removeScratchDirs();
  });

  it('reports to a Flux Kustomization as main@sha1:<oid> with a Ready condition', async () => {
    sim.engine.fluxKustomization({ name: 'fabric', url: 'https://github.com/acme/fabric' });
    await sim.engine.applyCommit({ objects: [vpc('vpc-1', 1001)], commit: 'c'.repeat(40) });
    expect(server.objects('GitRepository')[0]!.spec).toMatchObject({ url: 'https://github.com/acme/fabric' });
    expect(server.objects('Kustomization')[0]!.status).toMatchObject({
      lastAppliedRevision: `main@sha1:${'c'.repeat(40)}`,
      conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }],
    });
  });
});

describe('fabric controller', () => {
  beforeEach(start);

  it('a VPC edit bumps the Agents of the switches its attachments reach, and no other', () => {
    const before = generations();
    const edited = vpc('vpc-1', 1021);
    sim.engine.applyObjects([...wiring().filter((o) => o.metadata.name !== 'vpc-1'), edited]);
    expect(sim.controller.bumps.map((b) => `${b.switch} ${b.cause}`)).toEqual([
      'default/leaf-01 VPC default/vpc-1',
      'default/leaf-02 VPC default/vpc-1',
    ]);
    // One bump each: one generation ahead of what the agent applied; leaf-03 untouched.
    expect(generations()).toEqual({
      'default/leaf-01': [before['default/leaf-01']![0]! + 1, before['default/leaf-01']![0]],
      'default/leaf-02': [before['default/leaf-02']![0]! + 1, before['default/leaf-02']![0]],
      'default/leaf-03': before['default/leaf-03'],
    });
  });

  it('a Switch edit bumps itself; deleting an attachment bumps the switches it had', () => {
    const leaf3 = switchObject('leaf-03');
    (leaf3.spec as { asn: number }).asn = 65199;
    sim.engine.applyObjects([...wiring().filter((o) => o.metadata.name !== 'leaf-03'), leaf3]);
    expect(sim.controller.bumps.map((b) => b.switch)).toEqual(['default/leaf-03']);
    sim.controller.bumps.length = 0;
    sim.engine.applyObjects([
      ...wiring().filter((o) => o.metadata.name !== 'leaf-03' && o.metadata.name !== 'server-02--vpc-1'),
      leaf3,
    ]);
    expect(sim.controller.bumps.map((b) => b.switch)).toEqual(['default/leaf-01', 'default/leaf-02']);
  });

  it('a paused controller bumps nothing', () => {
    sim.controller.paused = true;
    sim.engine.applyObjects([...wiring().filter((o) => o.metadata.name !== 'vpc-2'), vpc('vpc-2', 1032)]);
    expect(sim.controller.bumps).toEqual([]);
  });
});

describe('agents', () => {
  beforeEach(start);

  it('on demand: apply sets lastAppliedGen = generation, lastAttemptGen, lastAppliedTime, lastHeartbeat', () => {
    sim.engine.applyObjects([...wiring().filter((o) => o.metadata.name !== 'vpc-2'), vpc('vpc-2', 1032)]);
    const agent = sim.agent('leaf-03');
    expect(agent.pending).toBe(true);
    expect(sim.applyPending()).toEqual(['default/leaf-03']);
    expect(agent.pending).toBe(false);
    expect(agent.object.status).toMatchObject({
      lastAppliedGen: agent.generation,
      lastAttemptGen: agent.generation,
      lastAppliedTime: expect.any(String),
      lastHeartbeat: expect.any(String),
    });
  });

  it('never: attempts (lastAttemptGen) but never applies', () => {
    const agent = sim.agent('leaf-03');
    agent.mode = { apply: 'never' };
    sim.engine.applyObjects([...wiring().filter((o) => o.metadata.name !== 'vpc-2'), vpc('vpc-2', 1032)]);
    expect(agent.object.status).toMatchObject({
      lastAttemptGen: agent.generation,
      lastAppliedGen: agent.generation - 1,
    });
    expect(agent.apply()).toBe(false);
    expect(agent.pending).toBe(true);
  });

  it('stopped heartbeat: stale heartbeat, no apply any more', () => {
    const agent = sim.agent('leaf-03');
    agent.stopHeartbeat(new Date('2026-01-01T00:00:00Z'));
    sim.engine.applyObjects([...wiring().filter((o) => o.metadata.name !== 'vpc-2'), vpc('vpc-2', 1032)]);
    expect(sim.applyPending()).toEqual([]);
    expect(agent.object.status).toMatchObject({ lastHeartbeat: '2026-01-01T00:00:00.000Z' });
    expect(agent.pending).toBe(true);
  });

  it('after N ms: applies by itself once bumped (awaited on the server change, not on time)', async () => {
    const agent = sim.agent('leaf-03');
    agent.mode = { apply: 'after', ms: 5 };
    const applied = new Promise<void>((resolve) => {
      const stop = server.onChange((change) => {
        if (change.object.kind === 'Agent' && !agent.pending) {
          stop();
          resolve();
        }
      });
    });
    sim.engine.applyObjects([...wiring().filter((o) => o.metadata.name !== 'vpc-2'), vpc('vpc-2', 1032)]);
    expect(agent.pending).toBe(true);
    await applied;
    expect(agent.appliedGeneration).toBe(agent.generation);
  });
});
