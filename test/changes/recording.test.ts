/**
 * Change records (docs/changes.md "Change records"), on both adapters: the first pull, a direct
 * push, an external commit with the git CLI, a commit of the gateway's that only a pull saw, a
 * change superseded by the next one; each with its objects, impact and CHANGE_UPDATED events.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { buildImpactIndex, computeImpact, describeImpact } from '../../src/hedgehog/impact.ts';
import { withGatewayTrailers } from '../../src/git/commit-trailers.ts';
import { gitLog, pushFromAnotherClone, removeScratchDirs, TEST_PERSON } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { referenceFabric } from '../gitops/support.ts';
import { renderCanonicalYaml } from '../../src/hedgehog/canonical.ts';
import { commitChanges, editDraft, fileOf, pathOf, rows, sync, vlanNamespace } from '../sync/support.ts';
import { changeEvents, changeObjectRows, changeRows } from './support.ts';

afterAll(removeScratchDirs);

const withLabel = (object: HedgehogObject, team: string): HedgehogObject => ({
  ...object,
  metadata: { ...object.metadata, labels: { team } },
});

describe.each(tAdapters)('change records on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  let objects: HedgehogObject[];
  let seedHead: string;
  let vpc: HedgehogObject;
  beforeEach(async () => {
    env = await adapter.start();
    objects = referenceFabric();
    vpc = objects.find((object) => object.kind === 'VPC')!;
    seedHead = await pushFromAnotherClone(env.remote, {
      files: Object.assign({}, ...objects.map(fileOf)),
      message: 'seed the reference fabric',
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
  });
  afterEach(() => env.stop());

  it('the first pull records one external change of every object, affecting every switch', async () => {
    const [change, ...more] = await changeRows(env);
    expect(more).toEqual([]);
    const switches = objects.filter((object) => object.kind === 'Switch').map((object) => object.metadata.name);
    expect(change).toMatchObject({
      source: 'external',
      stage: 'COMMITTED',
      commit_oid: seedHead,
      branch: 'main',
      message: 'seed the reference fabric',
      actor: null,
      author_name: TEST_PERSON.name,
      author_email: TEST_PERSON.email,
      object_count: objects.length,
      open: true,
    });
    expect(change!.commits.map((commit) => commit.oid)).toEqual([seedHead]);
    expect(change!.stages.map((entry) => entry.stage)).toEqual(['COMMITTED']);
    expect(change!.landed_at).not.toBeNull();
    expect(change!.switches.map((entry) => entry.name).sort()).toEqual([...switches].sort());
    expect(change!.switches_behind).toHaveLength(switches.length);
    expect(change!.objects_behind).toHaveLength(objects.length);
    const recorded = await changeObjectRows(env, change!.id);
    expect(recorded).toHaveLength(objects.length);
    expect(new Set(recorded.map((object) => object.action))).toEqual(new Set(['create']));
    expect(recorded.every((object) => object.previous === null && object.committed !== null)).toBe(true);
  });

  it('a push records one COMMITTED gateway change with its objects, impact and a CHANGE_UPDATED event', async () => {
    const listening = changeEvents(env);
    const state = await rows(env.t, env.fabricId);
    const edited: HedgehogObject = {
      ...vpc,
      spec: { ...(vpc.spec as Record<string, unknown>), defaultIsolated: true },
    };
    await editDraft(env.t, state.get(vpc.metadata.name)!.id, edited);
    const pushed = await commitChanges(env.t, env.fabricId, 'Isolate the VPC');
    expect(pushed).toMatchObject({ status: 'COMPLETED' });
    await listening.stop();

    const changes = await changeRows(env);
    expect(changes).toHaveLength(2);
    const change = changes[1]!;
    const expected = computeImpact(buildImpactIndex(objects), [{ action: 'update', before: vpc, after: edited }]);
    expect(expected.switches.length).toBeGreaterThan(0);
    expect(change).toMatchObject({
      source: 'gateway',
      stage: 'COMMITTED',
      commit_oid: pushed.commitSha,
      branch: 'main',
      actor: pushed.initiatedBy,
      operation_id: pushed.id,
      object_count: 1,
      objects_behind: [`VPC default/${vpc.metadata.name}`],
      impact_summary: describeImpact(expected),
      impact_unresolved: [],
      pull_request_url: null,
    });
    expect(change.message.split('\n')[0]).toBe('Isolate the VPC');
    expect(change.commits.map((commit) => commit.oid)).toEqual([pushed.commitSha]);
    expect(change.switches.map((entry) => entry.name)).toEqual(expected.switches.map((entry) => entry.name));
    expect(change.switches[0]).toEqual({
      namespace: 'default',
      name: expected.switches[0]!.name,
      removed: false,
      immediate: true,
      relations: [...new Set(expected.switches[0]!.reasons.map((reason) => reason.relation))],
      generationAtCommit: null,
      convergedGeneration: null,
      convergedAt: null,
    });
    expect(change.switches[0]!.relations).toContain('vpc-attachment');
    expect(change.switches_behind).toEqual(expected.switches.map((entry) => `default/${entry.name}`));
    const [object] = await changeObjectRows(env, change.id);
    expect(object).toMatchObject({
      kind: 'VPC',
      name: vpc.metadata.name,
      action: 'update',
      resource_id: state.get(vpc.metadata.name)!.id,
      committed: { apiVersion: vpc.apiVersion, spec: edited.spec, labels: null, annotations: null },
      previous: { apiVersion: vpc.apiVersion, spec: vpc.spec, labels: null, annotations: null },
    });
    expect(listening.events).toEqual([
      expect.objectContaining({
        type: 'CHANGE_UPDATED',
        fabricId: env.fabricId,
        changeId: change.id,
        commit: pushed.commitSha,
        stage: 'COMMITTED',
        previousStage: null,
        objectsBehindCount: 1,
        switchesBehindCount: expected.switches.length,
      }),
      // The first pull's change touched the VPC too.
      expect.objectContaining({ changeId: changes[0]!.id, stage: 'SUPERSEDED', previousStage: 'COMMITTED' }),
    ]);
    // The pull after it sees its own commit: no second change.
    await sync(env.t, env.fabricId, 'PULL');
    expect(await changeRows(env)).toHaveLength(2);
  });

  it('an external commit is one external change with its author, message and commits; a later one supersedes it', async () => {
    const first = await pushFromAnotherClone(env.remote, {
      files: fileOf(withLabel(vpc, 'blue')),
      message: 'label the VPC blue',
    });
    const second = await pushFromAnotherClone(env.remote, {
      files: { 'README.md': 'not a manifest\n' },
      message: 'docs only',
    });
    const listening = changeEvents(env);
    await sync(env.t, env.fabricId, 'PULL');
    let changes = await changeRows(env);
    expect(changes).toHaveLength(2);
    const external = changes[1]!;
    expect(external).toMatchObject({
      source: 'external',
      stage: 'COMMITTED',
      commit_oid: second,
      author_name: TEST_PERSON.name,
      message: 'label the VPC blue',
      actor: null,
      object_count: 1,
    });
    // Only commits below the fabric's directory are listed; the README one is outside it.
    expect(external.commits.map((commit) => commit.oid)).toEqual([first]);
    expect(await changeObjectRows(env, external.id)).toEqual([
      expect.objectContaining({
        action: 'update',
        committed: expect.objectContaining({ labels: { team: 'blue' } }),
        previous: expect.objectContaining({ labels: null }),
      }),
    ]);

    // Two commits in one pull: one change covering both, newest first; the VPC's older change is superseded.
    const third = await pushFromAnotherClone(env.remote, {
      files: fileOf(withLabel(vpc, 'red')),
      message: 'label the VPC red',
    });
    const fourth = await pushFromAnotherClone(env.remote, {
      deletions: [pathOf(objects.find((object) => object.kind === 'VLANNamespace')!)],
      message: 'drop a VLAN namespace',
    });
    await sync(env.t, env.fabricId, 'PULL');
    await listening.stop();
    changes = await changeRows(env);
    expect(changes).toHaveLength(3);
    const [seed, older, newer] = changes;
    expect(newer).toMatchObject({
      source: 'external',
      commit_oid: fourth,
      message: 'drop a VLAN namespace',
      object_count: 2,
    });
    expect(newer!.commits.map((commit) => commit.oid)).toEqual([fourth, third]);
    expect(older).toMatchObject({ stage: 'SUPERSEDED', open: false, superseded_by: newer!.id });
    // The seed touched the VPC too: superseded by the first external change already.
    expect(seed).toMatchObject({ stage: 'SUPERSEDED', superseded_by: older!.id });
    expect((await changeObjectRows(env, newer!.id)).map((object) => object.action).sort()).toEqual([
      'delete',
      'update',
    ]);
    expect(listening.events.map((event) => [event.changeId, event.stage, event.previousStage])).toEqual([
      [older!.id, 'COMMITTED', null],
      [seed!.id, 'SUPERSEDED', 'COMMITTED'],
      [newer!.id, 'COMMITTED', null],
      [older!.id, 'SUPERSEDED', 'COMMITTED'],
    ]);
  });

  it("a commit of the gateway's that only a pull saw (a crash before recording) is the gateway's, with its operation", async () => {
    const operationId = '0b7d8f57-4a3c-4d33-9a5e-7f43a6c1b001';
    await pushFromAnotherClone(env.remote, {
      files: fileOf(withLabel(vpc, 'green')),
      message: withGatewayTrailers('label green', { operationId, actor: 'alice' }).trim(),
    });
    await sync(env.t, env.fabricId, 'PULL');
    const change = (await changeRows(env)).at(-1)!;
    expect(change).toMatchObject({ source: 'gateway', operation_id: operationId, actor: 'alice', object_count: 1 });
    expect((await gitLog(env.remote, 'main'))[0]!.message).toContain('Gateway-Operation');
  });

  it('an ingestion of raw/ files (inside the pull that finds them) records the gateway’s change of the objects it changed', async () => {
    const before = (await changeRows(env)).length;
    await pushFromAnotherClone(env.remote, {
      files: {
        'fabric/raw/more.yaml': renderCanonicalYaml(vlanNamespace('ns-raw', 1500)),
        'fabric/raw/same.yaml': renderCanonicalYaml(objects.find((object) => object.kind === 'VLANNamespace')!),
      },
      message: 'drop files into raw/',
    });
    // The pull brings in raw/ files only (no managed object: no change of its own), then ingests them.
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled.status).toBe('COMPLETED');
    expect(pulled.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const changes = await changeRows(env);
    expect(changes).toHaveLength(before + 1);
    const change = changes.at(-1)!;
    expect(change).toMatchObject({
      source: 'gateway',
      stage: 'COMMITTED',
      commit_oid: pulled.commitSha,
      operation_id: pulled.id,
      // The object raw/ repeated unchanged is not part of it.
      object_count: 1,
      objects_behind: ['VLANNamespace default/ns-raw'],
    });
    expect(await changeObjectRows(env, change.id)).toEqual([
      expect.objectContaining({ name: 'ns-raw', action: 'create', previous: null }),
    ]);
    // The pull that reads the ingestion commit records nothing more.
    await sync(env.t, env.fabricId, 'PULL');
    expect(await changeRows(env)).toHaveLength(before + 1);
  });
});
