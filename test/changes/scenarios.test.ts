/**
 * Did it reach the switches? End-to-end scenarios of change tracking (issue 17, item 6): a real
 * gateway, a real Git remote (a file:// bare repository, or the GitHub test server for the pull
 * request), the test Kubernetes API server, and Hedgehog's part played by the simulators
 * (test/support/kube-server/hedgehog-sim.ts): a GitOps engine that applies commits, a fabric
 * controller that bumps the Agents of the switches an object change affects (by its own rules, not
 * by src/hedgehog/impact.ts), and agents that apply on demand, never, or stop their heartbeat.
 *
 * The fabric: spine-01, leaf-01 and leaf-02 (an ESLAG pair) and leaf-03; vpc-0003 is attached on
 * leaf-01 and leaf-03 only. Every wait is on the fabric's events (until), never on time.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FabricEvent } from '../../src/events/fabric-events.ts';
import { topics } from '../../src/events/event-bus.ts';
import { renderCanonicalYaml, managedFilePath, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, queryDatabase } from '../support/database.ts';
import { createFabric, createRepository } from '../support/fixtures.ts';
import {
  branchHead,
  createBareRepository,
  createDeferred,
  pushFromAnotherClone,
  removeScratchDirs,
  TEST_PERSON,
} from '../support/git-fixtures.ts';
import { HEDGEHOG_CRDS } from '../support/kube-server/hedgehog.ts';
import { ENGINE_CRDS, HedgehogSim, MORE_HEDGEHOG_CRDS } from '../support/kube-server/hedgehog-sim.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { until } from '../cluster/support-live.ts';
import { commitChanges, sync } from '../sync/support.ts';
import { waitForSubscribers } from '../operations/support.ts';

const TOKEN = 'scenario-kube-token';
const SWITCHES = ['default/leaf-01', 'default/leaf-02', 'default/leaf-03', 'default/spine-01'];

/** A small valid fabric; no peering or external, so a VPC reaches only the leaves it is attached on. */
const FABRIC = generateFabric({
  spines: 1,
  leaves: 3,
  serversPerLeafPair: 4,
  vpcs: 3,
  subnetsPerVpc: 1,
  externals: false,
}).filter((object) => object.kind !== 'VPCPeering');

const fileOf = (object: HedgehogObject) => ({ [`fabric/${managedFilePath(object)}`]: renderCanonicalYaml(object) });
const byName = (kind: string, name: string) =>
  structuredClone(FABRIC.find((o) => o.kind === kind && o.metadata.name === name)!);

/** vpc-0003 with another DHCP range end: a change the fabric controller sends to its leaves. */
function editedVpc(name = 'vpc-0003', end = 200): HedgehogObject {
  const vpc = byName('VPC', name);
  const subnet = (vpc.spec as { subnets: Record<string, { dhcp: { range: { end: string } } }> }).subnets['subnet-1']!;
  subnet.dhcp.range.end = subnet.dhcp.range.end.replace(/\d+$/, String(end));
  return vpc;
}

interface ChangeRow {
  id: string;
  source: string;
  stage: string;
  open: boolean;
  commit_oid: string;
  merge_commit_oid: string | null;
  author_name: string;
  message: string;
  commits: { oid: string; authorName: string }[];
  pull_request_state: string | null;
  pull_request_url: string | null;
  stages: { stage: string; at: string; detail?: string }[];
  landed_at: Date | null;
  applied_at: Date | null;
  converged_at: Date | null;
  objects_behind: string[];
  switches: { namespace: string; name: string; generationAtCommit: number | null; convergedAt: string | null }[];
  switches_behind: string[];
  engine: Record<string, unknown> | null;
  superseded_by: string | null;
}

const changes = (t: TestApp, fabricId: string) =>
  queryDatabase<ChangeRow>(t.database.url, 'select * from change where fabric_id = $1 order by created_at, id', [
    fabricId,
  ]);

const changeObjects = (t: TestApp, changeId: string) =>
  queryDatabase<{ kind: string; name: string; action: string; applied_at: Date | null }>(
    t.database.url,
    'select kind, name, action, applied_at from change_object where change_id = $1 order by kind, name',
    [changeId],
  );

/** Waits until the change `pick` chooses is in `stage` (checked after every event of the fabric). */
async function untilStage(
  t: TestApp,
  fabricId: string,
  pick: (rows: ChangeRow[]) => ChangeRow | undefined,
  stage: string,
  also: (row: ChangeRow) => boolean = () => true,
): Promise<ChangeRow> {
  let last: ChangeRow | undefined;
  try {
    return await until(
      t,
      fabricId,
      async () => {
        last = pick(await changes(t, fabricId));
        return last?.stage === stage && also(last) ? last : false;
      },
      `a change in ${stage}`,
      30_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the change: ${JSON.stringify(last)}`);
  }
}
const newest = (rows: ChangeRow[]) => rows.at(-1);
const switchNames = (row: ChangeRow) => row.switches.map((s) => `${s.namespace}/${s.name}`).sort();

/** The switches whose Agent the controller bumped since `from`. */
const bumpedSince = (sim: HedgehogSim, from: number) => [
  ...new Set(sim.controller.bumps.slice(from).map((b) => b.switch)),
];

async function editAndCommit(t: TestApp, fabricId: string, object: HedgehogObject, message: string) {
  const [row] = await queryDatabase<{ id: string }>(
    t.database.url,
    'select id from resource where fabric_id = $1 and kind = $2 and name = $3',
    [fabricId, object.kind, object.metadata.name],
  );
  await t.graphqlOk(`mutation($id: ID!, $y: String!) { updateResource(id: $id, manifest: { yaml: $y }) { id } }`, {
    id: row!.id,
    y: renderCanonicalYaml(object),
  });
  const operation = await commitChanges(t, fabricId, message);
  expect(operation).toMatchObject({ status: 'COMPLETED', errorMessage: null });
  return operation;
}

/** Head checks off (the tests pull when they mean to); one secret key, so a restarted gateway reads the credentials. */
const ENV = { HEAD_CHECK: 'false', GATEWAY_SECRET_KEY: randomBytes(32).toString('hex') };

/**
 * The gateway on a file:// bare repository (as tAdapters' git one), on a database of its own that
 * outlives the app, so a second gateway can take over (the restart).
 */
async function gitGateway(): Promise<GatewayWithRemote> {
  const remote = await createBareRepository();
  const database = await createTestDatabase();
  const t = await startTestApp({ database, env: ENV });
  const repository = await createRepository(t, { url: `file://${remote}`, provider: 'GIT' });
  const fabric = await createFabric(t, { gitRepositoryId: repository.id });
  return {
    t,
    remote,
    fabricId: fabric.id,
    repositoryId: repository.id,
    async stop() {
      await t.stop();
      await database.drop();
    },
  };
}

interface Scenario {
  env: GatewayWithRemote;
  kube: KubeServer;
  sim: HedgehogSim;
  /** The gateway now (the restart scenario replaces it). */
  t: TestApp;
  fabricId: string;
}

/**
 * A gateway with the fabric seeded from an external commit, connected to a cluster where the
 * engine applied the seed and every agent converged on it.
 */
async function startScenario(adapter: 'git' | 'github', options: { stallSeconds?: number } = {}): Promise<Scenario> {
  const kube = await KubeServer.start({
    crds: [...Object.values(HEDGEHOG_CRDS), ...Object.values(MORE_HEDGEHOG_CRDS), ...Object.values(ENGINE_CRDS)],
    token: TOKEN,
  });
  const sim = new HedgehogSim(kube);
  for (const name of ['spine-01', 'leaf-01', 'leaf-02', 'leaf-03']) sim.addAgent(name);
  const env =
    adapter === 'github' ? await tAdapters.find((a) => a.name === adapter)!.start({ env: ENV }) : await gitGateway();
  const { t, fabricId } = env;
  // The tracker reads the stall limit when the fabric's watch starts.
  if (options.stallSeconds !== undefined)
    await queryDatabase(t.database.url, 'update fabric set change_stall_seconds = $2 where id = $1', [
      fabricId,
      options.stallSeconds,
    ]);
  await t.graphqlOk(
    `mutation($id: ID!, $k: KubernetesConnectionInput) { updateFabric(id: $id, input: { kubernetes: $k }) { id } }`,
    {
      id: fabricId,
      k: { server: kube.url, token: TOKEN },
    },
  );
  await until(
    t,
    fabricId,
    async () => {
      const status = await t.graphqlOk<{
        fabric: { clusterStatus: { kinds: { kind: string; state: string; synced: boolean }[] } };
      }>(`query($id: ID!) { fabric(id: $id) { clusterStatus { kinds { kind state synced } } } }`, { id: fabricId });
      const kinds = status.fabric.clusterStatus.kinds;
      return (
        kinds.length > 0 && kinds.filter((k) => k.kind !== 'Agent' && k.state !== 'MISSING').every((k) => k.synced)
      );
    },
    'the cluster watched',
  );
  const seed = await pushFromAnotherClone(env.remote, {
    files: Object.assign({ 'README.md': '# fabric\n' }, ...FABRIC.map(fileOf)),
    message: 'seed the fabric',
  });
  expect(await sync(t, fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
  await sim.engine.applyCommit({ repoDir: env.remote, commit: seed });
  sim.applyPending();
  // The seed's own change (an external commit) converges first; the scenarios start from there.
  const seeded = await untilStage(t, fabricId, (rows) => rows.find((c) => c.commit_oid === seed), 'CONVERGED');
  expect(switchNames(seeded)).toEqual(SWITCHES);
  return { env, kube, sim, t, fabricId };
}

afterAll(removeScratchDirs);

describe('change tracking scenarios', () => {
  let s: Scenario | undefined;
  afterEach(async () => {
    s?.sim.stop();
    await s?.env.stop();
    await s?.kube.close();
    s = undefined;
  });

  it('a VPC edit commits, applies, and converges on its leaves', { timeout: 120_000 }, async () => {
    s = await startScenario('git');
    const { t, fabricId, sim, env } = s;
    // A dashboard's view: CHANGE_UPDATED over a real WebSocket.
    const client = t.wsClient();
    const events: { changeId: string; stage: string; previousStage: string | null; switchesBehind: string[] }[] = [];
    const convergedSeen = createDeferred();
    const subscribers = t.app.eventBus.subscriberCount(topics.fabric(fabricId));
    client.subscribe<{ fabricEvents: (typeof events)[number] }>(
      {
        query: `subscription($f: ID!) { fabricEvents(fabricId: $f, types: [CHANGE_UPDATED]) {
          ... on ChangeUpdatedEvent { changeId stage previousStage switchesBehind } } }`,
        variables: { f: fabricId },
      },
      {
        next: (result) => {
          const event = result.data?.fabricEvents;
          if (!event) return;
          events.push(event);
          if (event.stage === 'CONVERGED') convergedSeen.resolve();
        },
        error: (error) => convergedSeen.reject(error),
        complete: () => {},
      },
    );
    await waitForSubscribers(t, topics.fabric(fabricId), subscribers + 1);

    await editAndCommit(t, fabricId, editedVpc(), 'Shorten the DHCP range of vpc-0003');
    const head = (await branchHead(env.remote, 'main'))!;
    const committed = await untilStage(t, fabricId, newest, 'COMMITTED');
    expect(committed).toMatchObject({
      source: 'gateway',
      commit_oid: head,
      message: expect.stringContaining('Shorten the DHCP range of vpc-0003'),
      objects_behind: ['VPC default/vpc-0003'],
    });
    expect(switchNames(committed)).toEqual(['default/leaf-01', 'default/leaf-03']);
    expect(await changeObjects(t, committed.id)).toEqual([
      { kind: 'VPC', name: 'vpc-0003', action: 'update', applied_at: null },
    ]);

    const bumps = sim.controller.bumps.length;
    await sim.engine.applyCommit({ repoDir: env.remote, commit: head });
    // The independent controller bumped exactly the switches the gateway said the change affects.
    expect(bumpedSince(sim, bumps).sort()).toEqual(switchNames(committed));
    const applied = await untilStage(t, fabricId, newest, 'APPLIED');
    expect(applied.objects_behind).toEqual([]);
    expect(applied.switches_behind.sort()).toEqual(['default/leaf-01', 'default/leaf-03']);

    sim.agent('leaf-01').apply();
    await until(
      t,
      fabricId,
      async () => {
        const row = newest(await changes(t, fabricId))!;
        return row.switches_behind.length === 1 ? row : false;
      },
      'leaf-01 converged',
    );
    sim.agent('leaf-03').apply();
    const converged = await untilStage(t, fabricId, newest, 'CONVERGED');
    expect(converged).toMatchObject({ open: false, switches_behind: [], objects_behind: [] });
    expect(converged.stages.map((e) => e.stage)).toEqual(['COMMITTED', 'APPLIED', 'CONVERGED']);
    expect(converged.landed_at! <= converged.applied_at! && converged.applied_at! <= converged.converged_at!).toBe(
      true,
    );
    expect(converged.switches.every((sw) => sw.convergedAt !== null)).toBe(true);
    expect((await changeObjects(t, converged.id))[0]!.applied_at).not.toBeNull();

    // The API says the same.
    const api = await t.graphqlOk<{ change: any; fabric: { lastChange: { id: string } } }>(
      `query($id: ID!, $f: ID!) {
        change(id: $id) { stage open commit stages { stage } switchesBehind objectsBehind
          switches { name generationAtCommit convergedGeneration convergedAt } }
        fabric(id: $f) { lastChange { id } } }`,
      { id: converged.id, f: fabricId },
    );
    expect(api.fabric.lastChange.id).toBe(converged.id);
    expect(api.change).toMatchObject({
      stage: 'CONVERGED',
      open: false,
      commit: head,
      stages: [{ stage: 'COMMITTED' }, { stage: 'APPLIED' }, { stage: 'CONVERGED' }],
      switchesBehind: [],
      objectsBehind: [],
    });
    for (const sw of api.change.switches) expect(sw.convergedGeneration).toBeGreaterThan(sw.generationAtCommit);
    // And the subscriber saw it move: switches behind 2, then 1, then none.
    await convergedSeen.promise;
    const mine = events.filter((e) => e.changeId === converged.id);
    expect(mine.map((e) => e.stage)).toEqual(['COMMITTED', 'APPLIED', 'APPLIED', 'CONVERGED']);
    expect(mine.map((e) => e.switchesBehind.length)).toEqual([2, 2, 1, 0]);
    await client.dispose();
  });

  it('a pull request is proposed, merged, applied and converges', { timeout: 120_000 }, async () => {
    s = await startScenario('github');
    const { t, fabricId, sim, env } = s;
    await t.graphqlOk(
      `mutation($id: ID!) { updateGitRepository(id: $id, input: { directPushEnabled: false }) { id } }`,
      {
        id: env.repositoryId,
      },
    );
    const edited = editedVpc();
    const operation = await editAndCommit(t, fabricId, edited, 'Shorten the DHCP range of vpc-0003');
    const proposed = await untilStage(t, fabricId, newest, 'PROPOSED');
    expect(proposed).toMatchObject({
      source: 'pull_request',
      pull_request_state: 'open',
      pull_request_url: operation.pullRequestUrl,
      landed_at: null,
      objects_behind: ['VPC default/vpc-0003'],
    });
    // Nothing is on main yet: the engine has nothing new to apply, the change stays PROPOSED.
    // Someone merges the pull request (same content on main); the next pull brings it back.
    const merge = await pushFromAnotherClone(env.remote, { files: fileOf(edited), message: 'Merge pull request #1' });
    expect(await sync(t, fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
    const merged = await untilStage(t, fabricId, newest, 'MERGED');
    expect(merged).toMatchObject({ id: proposed.id, merge_commit_oid: merge, pull_request_state: 'merged' });
    expect(merged.landed_at).not.toBeNull();
    // The merge made no external change of its own.
    expect((await changes(t, fabricId)).filter((c) => c.source === 'external' && c.commit_oid === merge)).toEqual([]);

    await sim.engine.applyCommit({ repoDir: env.remote, commit: merge });
    await untilStage(t, fabricId, newest, 'APPLIED');
    sim.applyPending();
    const converged = await untilStage(t, fabricId, newest, 'CONVERGED');
    expect(converged.stages.map((e) => e.stage)).toEqual(['PROPOSED', 'MERGED', 'APPLIED', 'CONVERGED']);
  });

  it('an external commit (git CLI) is recorded, applied and converges', { timeout: 120_000 }, async () => {
    s = await startScenario('git');
    const { t, fabricId, sim, env } = s;
    const bumps = sim.controller.bumps.length;
    const head = await pushFromAnotherClone(env.remote, {
      files: fileOf(editedVpc('vpc-0003', 190)),
      message: 'Hand edit of vpc-0003',
    });
    expect(await sync(t, fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
    const committed = await untilStage(t, fabricId, newest, 'COMMITTED');
    expect(committed).toMatchObject({
      source: 'external',
      commit_oid: head,
      author_name: TEST_PERSON.name,
      objects_behind: ['VPC default/vpc-0003'],
    });
    expect(committed.commits.map((c) => c.oid)).toEqual([head]);
    await sim.engine.applyCommit({ repoDir: env.remote, commit: head });
    expect(bumpedSince(sim, bumps).sort()).toEqual(switchNames(committed));
    sim.applyPending();
    const converged = await untilStage(t, fabricId, newest, 'CONVERGED');
    expect(converged.switches_behind).toEqual([]);
  });

  it('a change superseded by the next one on the same object; the next one converges', {
    timeout: 120_000,
  }, async () => {
    s = await startScenario('git');
    const { t, fabricId, sim, env } = s;
    await editAndCommit(t, fabricId, editedVpc('vpc-0003', 200), 'First try');
    const first = await untilStage(t, fabricId, newest, 'COMMITTED');
    await editAndCommit(t, fabricId, editedVpc('vpc-0003', 180), 'Second try');
    const second = newest(await changes(t, fabricId))!;
    expect(second).toMatchObject({ source: 'gateway', commit_oid: (await branchHead(env.remote, 'main'))! });
    expect(second.id).not.toBe(first.id);
    const superseded = (await changes(t, fabricId)).find((c) => c.id === first.id)!;
    expect(superseded).toMatchObject({ stage: 'SUPERSEDED', open: false, superseded_by: second.id });

    await sim.engine.applyCommit({ repoDir: env.remote, commit: second.commit_oid });
    sim.applyPending();
    const converged = await untilStage(t, fabricId, newest, 'CONVERGED');
    // The superseded change stays as it was: final stages do not move.
    expect((await changes(t, fabricId)).find((c) => c.id === first.id)).toMatchObject({
      stage: 'SUPERSEDED',
      stages: superseded.stages,
    });
    // Until the engine applied it, the cluster held what was there before both changes: the
    // second change was behind, never DIVERGED.
    expect(converged.stages.map((entry) => entry.stage)).not.toContain('DIVERGED');
  });

  it('an agent that never applies: STALLED, naming the switch behind', { timeout: 120_000 }, async () => {
    s = await startScenario('git', { stallSeconds: 1 });
    const { t, fabricId, sim, env } = s;
    sim.agent('leaf-03').mode = { apply: 'never' };
    await editAndCommit(t, fabricId, editedVpc(), 'Shorten the DHCP range of vpc-0003');
    const committed = await untilStage(t, fabricId, newest, 'COMMITTED');
    await sim.engine.applyCommit({ repoDir: env.remote, commit: committed.commit_oid });
    expect(sim.applyPending()).toEqual(['default/leaf-01']);
    // (It may stall on the engine first, under load: wait for the stall on the switch.)
    const stalled = await untilStage(t, fabricId, newest, 'STALLED', (row) => row.objects_behind.length === 0);
    expect(stalled.switches_behind).toEqual(['default/leaf-03']);
    expect(stalled.objects_behind).toEqual([]);
    expect(stalled.open).toBe(true);
    expect(stalled.stages.at(-1)!.detail).toContain('leaf-03');
    expect(stalled.stages.at(-1)!.detail).not.toContain('leaf-01');
    // The agent recovers: the stalled change converges (STALLED is not final).
    sim.agent('leaf-03').mode = { apply: 'on-demand' };
    sim.agent('leaf-03').apply();
    await untilStage(t, fabricId, newest, 'CONVERGED');
  });

  it('a gateway restart in the middle: stages recomputed, nothing lost', { timeout: 120_000 }, async () => {
    s = await startScenario('git');
    const { fabricId, sim, env } = s;
    await editAndCommit(s.t, fabricId, editedVpc(), 'Shorten the DHCP range of vpc-0003');
    const committed = await untilStage(s.t, fabricId, newest, 'COMMITTED');
    await sim.engine.applyCommit({ repoDir: env.remote, commit: committed.commit_oid });
    await untilStage(s.t, fabricId, newest, 'APPLIED');

    const before = (await changes(s.t, fabricId)).map((c) => c.id);
    // The gateway stops; meanwhile the switches apply. Its database stays.
    await env.t.stop();
    sim.applyPending();
    const second = await startTestApp({ database: env.t.database, env: ENV });
    s.env = { ...env, t: second, stop: async () => {} };
    const database = env.t.database;
    try {
      const converged = await untilStage(second, fabricId, newest, 'CONVERGED');
      expect(converged.id).toBe(committed.id);
      expect(converged.stages.map((e) => e.stage)).toEqual(['COMMITTED', 'APPLIED', 'CONVERGED']);
      expect(converged.switches.map((sw) => sw.convergedAt === null)).toEqual([false, false]);
      expect((await changes(second, fabricId)).map((c) => c.id)).toEqual(before);
      expect(await changeObjects(second, committed.id)).toEqual([
        expect.objectContaining({ kind: 'VPC', name: 'vpc-0003', action: 'update' }),
      ]);
    } finally {
      await second.stop();
      await database.drop();
    }
  });

  it('an Argo CD Application shows the revision it applied on the change', { timeout: 120_000 }, async () => {
    s = await startScenario('git');
    const { t, fabricId, sim, env } = s;
    sim.engine.argoApplication({ name: 'fabric', repoURL: `file://${env.remote}`, path: 'fabric' });
    await editAndCommit(t, fabricId, editedVpc(), 'Shorten the DHCP range of vpc-0003');
    const committed = await untilStage(t, fabricId, newest, 'COMMITTED');
    const events: FabricEvent[] = [];
    const controller = new AbortController();
    void (async () => {
      for await (const event of t.app.eventBus.subscribe<FabricEvent>(topics.fabric(fabricId), {
        signal: controller.signal,
      }))
        events.push(event);
    })();
    await sim.engine.applyCommit({ repoDir: env.remote, commit: committed.commit_oid });
    const shown = await until(
      t,
      fabricId,
      async () => {
        const row = newest(await changes(t, fabricId))!;
        return row.engine?.revision === committed.commit_oid ? row : false;
      },
      'the engine revision on the change',
    );
    const engine = {
      kind: 'Application',
      namespace: 'argocd',
      name: 'fabric',
      revision: committed.commit_oid,
      phase: 'Succeeded',
      includesChange: true,
    };
    expect(shown.engine).toMatchObject(engine);
    const api = await t.graphqlOk<{
      change: { engine: unknown };
      fabric: { clusterStatus: { gitopsEngines: unknown[] } };
    }>(
      `query($id: ID!, $f: ID!) {
        change(id: $id) { engine { kind namespace name revision phase includesChange } }
        fabric(id: $f) { clusterStatus { gitopsEngines { kind name revision syncStatus } } } }`,
      { id: committed.id, f: fabricId },
    );
    expect(api.change.engine).toEqual(engine);
    expect(api.fabric.clusterStatus.gitopsEngines).toEqual([
      { kind: 'Application', name: 'fabric', revision: committed.commit_oid, syncStatus: 'Synced' },
    ]);
    sim.applyPending();
    await untilStage(t, fabricId, newest, 'CONVERGED');
    controller.abort();
    expect(events).toContainEqual(expect.objectContaining({ type: 'CHANGE_UPDATED', changeId: committed.id }));
  });
});
