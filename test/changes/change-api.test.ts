/**
 * The change API (docs/changes.md "API"): `change(id)` with every field, `changes` paged newest
 * first with a stage filter, `Resource.changes` (by identity: a deleted and recreated object
 * keeps its history), `Fabric.lastChange` and `Fabric.changes`, `node(id)`, the fabric's
 * `changeStallSeconds`; hostile arguments refused with a code; a page of 50 in a bounded number
 * of statements.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryDatabase } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';
import { pushFromAnotherClone, removeScratchDirs, TEST_PERSON } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { commitChanges, editDraft, fileOf, pathOf, rows, sync, vlanNamespace } from '../sync/support.ts';

afterAll(removeScratchDirs);

const CHANGE_FIELDS = `id __typename source commit branch message actor author { name email }
  commits { oid message authorName authorEmail committedAt }
  operation { id operationType } pullRequest { url number state } mergeCommit
  stage stageAt stages { stage at detail } open landedAt appliedAt convergedAt
  objectCount objects(first: 10) { totalCount edges { node { kind namespace name action resource { id name } committed previous appliedAt } } }
  objectsBehind switches { namespace name removed immediate relations generationAtCommit convergedGeneration convergedAt }
  switchesBehind impactSummary impactUnresolved
  engine { kind namespace name revision phase message includesChange observedAt }
  supersededBy { id stage } fabric { id } createdAt updatedAt`;

/** Inserts `count` change rows of a fabric (as the recorder writes them), `stage` for every third. */
async function insertChanges(env: GatewayWithRemote, fabricId: string, count: number, stage = 'APPLIED') {
  await queryDatabase(
    env.t.database.url,
    `insert into change (id, fabric_id, source, commit_oid, branch, message, stage, stage_at, stages, object_count, created_at, updated_at)
     select gen_random_uuid(), $1, 'external', md5(i::text) || '00000000', 'main', 'change ' || i,
       case when i % 3 = 0 then $3 else 'COMMITTED' end, now(), '[]', i,
       -- pairs share a time: the id breaks the tie
       timestamptz '2026-01-01T00:00:00Z' + ((i / 2) || ' seconds')::interval, now()
     from generate_series(1, $2::int) i`,
    [fabricId, count, stage],
  );
}

describe('the change API', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start({ env: { HEAD_CHECK: 'false' } });
    await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-a')), ...fileOf(vlanNamespace('ns-b')) },
      message: 'seed',
    });
    await sync(env.t, env.fabricId, 'PULL');
  });
  afterEach(() => env.stop());

  it('change(id) shows every field; node(id), lastChange, Fabric.changes and Resource.changes find it', async () => {
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1200));
    const pushed = await commitChanges(env.t, env.fabricId, 'resize ns-a');
    const { fabric } = await env.t.graphqlOk<any>(
      `query($f: ID!) { fabric(id: $f) { changeStallSeconds lastChange { ${CHANGE_FIELDS} } changes(first: 10) { totalCount edges { node { id stage } } } } }`,
      { f: env.fabricId },
    );
    const change = fabric.lastChange;
    expect(fabric.changeStallSeconds).toBe(600);
    expect(change).toMatchObject({
      __typename: 'Change',
      source: 'GATEWAY',
      commit: pushed.commitSha,
      branch: 'main',
      actor: pushed.initiatedBy,
      operation: { id: pushed.id, operationType: 'PUSH' },
      pullRequest: null,
      mergeCommit: null,
      stage: 'COMMITTED',
      stages: [{ stage: 'COMMITTED', at: change.stageAt, detail: null }],
      open: true,
      landedAt: change.stageAt,
      appliedAt: null,
      convergedAt: null,
      objectCount: 1,
      objectsBehind: ['VLANNamespace default/ns-a'],
      switches: [],
      switchesBehind: [],
      impactSummary: 'affects no switches',
      impactUnresolved: [],
      engine: null,
      supersededBy: null,
      fabric: { id: env.fabricId },
    });
    expect(change.message.split('\n')[0]).toBe('resize ns-a');
    expect(change.commits).toEqual([expect.objectContaining({ oid: pushed.commitSha, message: change.message })]);
    expect(change.objects).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            kind: 'VLANNamespace',
            namespace: 'default',
            name: 'ns-a',
            action: 'UPDATE',
            resource: { id: state.get('ns-a')!.id, name: 'ns-a' },
            committed: {
              apiVersion: 'wiring.githedgehog.com/v1beta1',
              spec: { ranges: [{ from: 1000, to: 1200 }] },
              labels: null,
              annotations: null,
            },
            previous: {
              apiVersion: 'wiring.githedgehog.com/v1beta1',
              spec: { ranges: [{ from: 1000, to: 1999 }] },
              labels: null,
              annotations: null,
            },
            appliedAt: null,
          },
        },
      ],
    });
    // Newest first; the seed's change is superseded by this one.
    expect(fabric.changes.totalCount).toBe(2);
    expect(fabric.changes.edges.map((edge: any) => edge.node.stage)).toEqual(['COMMITTED', 'SUPERSEDED']);
    const seedId = fabric.changes.edges[1].node.id;
    const seed = await env.t.graphqlOk<any>(
      `query($id: ID!) { change(id: $id) { source author { name email } supersededBy { id stage } } node(id: $id) { __typename id ... on Change { commit } } }`,
      { id: seedId },
    );
    expect(seed.change).toEqual({
      source: 'EXTERNAL',
      author: { name: TEST_PERSON.name, email: TEST_PERSON.email },
      supersededBy: { id: change.id, stage: 'COMMITTED' },
    });
    expect(seed.node).toMatchObject({ __typename: 'Change', id: seedId });

    // Deleted in Git, then created again: the object's history goes on under the same identity.
    await pushFromAnotherClone(env.remote, { deletions: [pathOf(vlanNamespace('ns-a'))], message: 'drop ns-a' });
    await sync(env.t, env.fabricId, 'PULL');
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a', 1300)), message: 'bring ns-a back' });
    await sync(env.t, env.fabricId, 'PULL');
    const recreated = (await rows(env.t, env.fabricId)).get('ns-a')!;
    expect(recreated.id).not.toBe(state.get('ns-a')!.id);
    const history = await env.t.graphqlOk<any>(
      `query($id: ID!) { resource(id: $id) { changes(first: 10) { totalCount edges { node { message objects { edges { node { name action } } } } } } } }`,
      { id: recreated.id },
    );
    expect(history.resource.changes.totalCount).toBe(4);
    expect(history.resource.changes.edges.map((edge: any) => edge.node.message.split('\n')[0])).toEqual([
      'bring ns-a back',
      'drop ns-a',
      'resize ns-a',
      'seed',
    ]);
    expect(history.resource.changes.edges[1].node.objects.edges).toEqual([
      { node: { name: 'ns-a', action: 'DELETE' } },
    ]);
    const other = await env.t.graphqlOk<any>(`query($id: ID!) { resource(id: $id) { changes { totalCount } } }`, {
      id: state.get('ns-b')!.id,
    });
    expect(other.resource.changes.totalCount).toBe(1);
  });

  it('changes pages newest first by (createdAt, id), filters by stage, and every fabric’s list is its own', async () => {
    const other = await createFabric(env.t, { name: 'other' });
    await insertChanges(env, env.fabricId, 60);
    await insertChanges(env, other.id, 5);
    const expected = await queryDatabase<{ id: string }>(
      env.t.database.url,
      'select id from change where fabric_id = $1 order by created_at desc, id desc',
      [env.fabricId],
    );
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = await env.t.graphqlOk(
        `query($f: ID!, $after: String) { changes(fabricId: $f, first: 25, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id fabric { id } } } } }`,
        { f: env.fabricId, after },
      );
      expect(data.changes.totalCount).toBe(61);
      seen.push(...data.changes.edges.map((edge: any) => edge.node.id));
      expect(data.changes.edges.every((edge: any) => edge.node.fabric.id === env.fabricId)).toBe(true);
      if (!data.changes.pageInfo.hasNextPage) break;
      after = data.changes.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected.map((row) => row.id));
    const backwards = await env.t.graphqlOk<any>(
      `query($f: ID!) { changes(fabricId: $f, last: 3) { edges { node { id } } } }`,
      { f: env.fabricId },
    );
    expect(backwards.changes.edges.map((edge: any) => edge.node.id)).toEqual(seen.slice(-3));

    const applied = await env.t.graphqlOk<any>(
      `query($f: ID!) { changes(fabricId: $f, stage: APPLIED, first: 100) { totalCount edges { node { stage } } } fabric(id: $f) { changes(stage: APPLIED) { totalCount } } }`,
      { f: env.fabricId },
    );
    expect(applied.changes.totalCount).toBe(20);
    expect(applied.changes.edges).toHaveLength(20);
    expect(new Set(applied.changes.edges.map((edge: any) => edge.node.stage))).toEqual(new Set(['APPLIED']));
    expect(applied.fabric.changes.totalCount).toBe(20);
    // Without a fabric: every fabric the (admin) token sees.
    const all = await env.t.graphqlOk<any>(`{ changes(first: 1) { totalCount } }`);
    expect(all.changes.totalCount).toBe(66);
    // lastChange: the newest (the inserted rows are older than the first pull's).
    const fabrics = await env.t.graphqlOk<any>(`{ fabrics { id lastChange { id } } }`);
    const last = new Map(fabrics.fabrics.map((fabric: any) => [fabric.id, fabric.lastChange?.id]));
    expect(last.get(env.fabricId)).toBe(expected[0]!.id);
  });

  it('a page of 50 changes with their counts, fabric, successor and timeline costs a bounded number of statements', async () => {
    await insertChanges(env, env.fabricId, 120);
    await queryDatabase(
      env.t.database.url,
      `update change set superseded_by = (select id from change where fabric_id = $1 order by created_at desc limit 1) where fabric_id = $1`,
      [env.fabricId],
    );
    const result = await env.t.graphql(
      `query($f: ID!) { changes(fabricId: $f, first: 50) { totalCount edges { node { id stage objectCount stages { stage } switchesBehind fabric { name lastChange { id } } supersededBy { id } } } } }`,
      { f: env.fabricId },
      { 'x-request-id': 'count-changes' },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.changes.edges).toHaveLength(50);
    expect(result.data!.changes.edges.every((edge: any) => edge.node.supersededBy.id)).toBe(true);
    // page, count, fabrics, successors, last changes: no statement per change.
    const statements = env.t.statementsOf('count-changes').filter((statement) => !statement.includes('api_token'));
    expect(statements.length).toBeGreaterThanOrEqual(3);
    expect(statements.length).toBeLessThanOrEqual(5);
  });

  it('hostile arguments are refused with a code and read nothing of another fabric', async () => {
    const other = await createFabric(env.t, { name: 'other' });
    await insertChanges(env, other.id, 3);
    const [theirs] = await queryDatabase<{ id: string }>(
      env.t.database.url,
      'select id from change where fabric_id = $1 limit 1',
      [other.id],
    );
    const code = async (query: string, variables: Record<string, unknown> = {}) =>
      (await env.t.graphql(query, variables)).errors?.[0]?.extensions?.code;
    const page = await env.t.graphqlOk<any>(
      `query($f: ID!) { changes(fabricId: $f, first: 1) { pageInfo { endCursor } } }`,
      { f: env.fabricId },
    );
    const cursor = page.changes.pageInfo.endCursor as string;
    expect(
      await code(`query($f: ID!) { changes(fabricId: $f, first: 100000) { totalCount } }`, { f: env.fabricId }),
    ).toBe('QUERY_TOO_COMPLEX'); // refused before it runs (the operation estimate)
    expect(await code(`query($f: ID!) { changes(fabricId: $f, first: -1) { totalCount } }`, { f: env.fabricId })).toBe(
      'INVALID_INPUT',
    );
    expect(
      await code(`query($f: ID!) { changes(fabricId: $f, after: "not-a-cursor") { totalCount } }`, { f: env.fabricId }),
    ).toBe('INVALID_INPUT');
    expect(
      await code(`query($f: ID!, $c: String) { changes(fabricId: $f, after: $c) { totalCount } }`, {
        f: other.id,
        c: cursor,
      }),
    ).toBe('INVALID_INPUT');
    expect(
      await code(`query($f: ID!, $c: String) { changes(fabricId: $f, after: $c) { totalCount } }`, {
        f: env.fabricId,
        c: `${cursor}\u0000`,
      }),
    ).toBe('INVALID_INPUT');
    expect(await code(`query($f: ID!) { changes(fabricId: $f) { totalCount } }`, { f: `${env.fabricId}\u0000` })).toBe(
      'NOT_FOUND',
    );
    expect(
      await code(`query($f: ID!) { changes(fabricId: $f) { totalCount } }`, {
        f: '00000000-0000-4000-8000-000000000000',
      }),
    ).toBe('NOT_FOUND');
    expect(await code(`{ change(id: "x\\u0000y") { id } }`)).toBe('NOT_FOUND');
    expect(await code(`query($id: ID!) { change(id: $id) { id } }`, { id: 'a'.repeat(100_000) })).toBe('NOT_FOUND');
    expect((await env.t.graphql(`{ changes(stage: NOT_A_STAGE) { totalCount } }`)).errors).toBeDefined();
    // A token limited to this fabric: the other fabric's change is FORBIDDEN by id and absent from lists.
    const limited = await env.t.createToken({ role: 'viewer', name: 'limited', fabricIds: [env.fabricId] });
    const asLimited = (query: string, variables: Record<string, unknown> = {}) =>
      env.t.graphql(query, variables, { authorization: `Bearer ${limited}` });
    const byId = await asLimited(`query($id: ID!) { change(id: $id) { id message } }`, { id: theirs!.id });
    expect(byId.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(byId)).not.toContain('change 1');
    const asNode = await asLimited(`query($id: ID!) { node(id: $id) { id } }`, { id: theirs!.id });
    expect(asNode.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const own = await asLimited(`query($f: ID!) { changes(fabricId: $f) { totalCount } }`, { f: env.fabricId });
    expect(own.data?.changes.totalCount).toBe(1);
  });

  it('changeStallSeconds is set on create and update, from 10 to 604800', async () => {
    const created = await env.t.graphqlOk<any>(
      `mutation { createFabric(input: { name: "stall", changeStallSeconds: 30 }) { id changeStallSeconds } }`,
    );
    expect(created.createFabric.changeStallSeconds).toBe(30);
    for (const bad of [9, 604_801, -1]) {
      const result = await env.t.graphql(
        `mutation($id: ID!, $s: Int!) { updateFabric(id: $id, input: { changeStallSeconds: $s }) { changeStallSeconds } }`,
        { id: created.createFabric.id, s: bad },
      );
      expect(result.errors?.[0]?.extensions?.code, String(bad)).toBe('INVALID_INPUT');
    }
    const updated = await env.t.graphqlOk<any>(
      `mutation($id: ID!) { updateFabric(id: $id, input: { changeStallSeconds: 604800 }) { changeStallSeconds } }`,
      { id: created.createFabric.id },
    );
    expect(updated.updateFabric.changeStallSeconds).toBe(604_800);
  });
});
