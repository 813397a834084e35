/**
 * The conventions clients expect (issue 15, item 5), through real HTTP on a real port against a
 * real PostgreSQL: Relay's `node`/`nodes` over our UUID ids (one lookup statement, loaded through
 * the owning service, NOT_FOUND for anything a token may not see), `resources(name:)` and
 * `resourceByName`, the paginated operation log, and the typed objects that replaced JSON.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDatabase, rowCounts } from '../support/database.ts';
import { createDraft, createFabric, createRepository, vlanNamespaceYaml } from '../support/fixtures.ts';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let mine: { fabricId: string; resourceId: string; operationId: string };
let theirs: { fabricId: string; resourceId: string; operationId: string };
let repositoryId: string;
let tokenRecordId: string;
let limitedViewer: string;
let viewer: string;

/** Written into the other fabric only: seeing it in an answer to the limited token is a leak. */
const PRIVATE_MARK = 'their-private-description';

/** A fabric with a draft and a (failed) pull: its repository points nowhere. */
async function seedFabric(description: string) {
  const repository = await createRepository(t, { url: `file:///nonexistent/${randomUUID()}.git` });
  const fabric = await createFabric(t, { description, gitRepositoryId: repository.id });
  const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('ns-a'));
  const started = await t.graphqlOk(`mutation($f: ID!) { syncFabric(fabricId: $f, direction: PULL) { id } }`, {
    f: fabric.id,
  });
  await t.app.runner.idle();
  return {
    fabricId: fabric.id,
    resourceId: draft.id,
    operationId: started.syncFabric.id as string,
    repositoryId: repository.id,
  };
}

beforeAll(async () => {
  t = await startTestApp({ env: { MUTATIONS_PER_MINUTE: '100000', QUERIES_PER_MINUTE: '100000' } });
  const a = await seedFabric('mine');
  const b = await seedFabric(PRIVATE_MARK);
  mine = a;
  theirs = b;
  repositoryId = a.repositoryId;
  limitedViewer = await t.createToken({ role: 'viewer', name: 'limited-viewer', fabricIds: [mine.fabricId] });
  viewer = await t.createToken({ role: 'viewer', name: 'plain-viewer' });
  const [record] = await queryDatabase<{ id: string }>(t.database.url, `select id from api_token where name = $1`, [
    'plain-viewer',
  ]);
  tokenRecordId = record!.id;
});
afterAll(async () => {
  await t?.stop();
});

const as = (token: string, query: string, variables: Record<string, unknown> = {}, requestId?: string) =>
  t.graphql(query, variables, {
    authorization: `Bearer ${token}`,
    ...(requestId ? { 'x-request-id': requestId } : {}),
  });

const NODE_FIELDS = `__typename id
  ... on Fabric { description }
  ... on Resource { kind name fabric { description } }
  ... on SyncOperation { operationType fabric { description } }
  ... on GitRepository { url }
  ... on ApiToken { name }`;

const codes = (result: GraphQLResponse) => (result.errors ?? []).map((error) => error.extensions?.code);

describe('node(id:) and nodes(ids:)', () => {
  it('finds every node type by its UUID alone, with the fields of its type', async () => {
    const ids = {
      Fabric: mine.fabricId,
      Resource: mine.resourceId,
      SyncOperation: mine.operationId,
      GitRepository: repositoryId,
      ApiToken: tokenRecordId,
    };
    for (const [typename, id] of Object.entries(ids)) {
      const data = await t.graphqlOk(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, { id });
      expect(data.node, typename).toMatchObject({ __typename: typename, id });
    }
    const resource = await t.graphqlOk(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, {
      id: mine.resourceId,
    });
    expect(resource.node).toEqual({
      __typename: 'Resource',
      id: mine.resourceId,
      kind: 'VLANNamespace',
      name: 'ns-a',
      fabric: { description: 'mine' },
    });
  });

  it('looks the type up with one statement, however many ids', async () => {
    const ids = [mine.fabricId, mine.resourceId, mine.operationId, repositoryId, tokenRecordId, randomUUID()];
    const requestId = `nodes-${randomUUID()}`;
    const result = await as(
      t.adminToken,
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
      { ids },
      requestId,
    );
    expect(result.data?.nodes.map((node: { __typename: string } | null) => node?.__typename ?? null)).toEqual([
      'Fabric',
      'Resource',
      'SyncOperation',
      'GitRepository',
      'ApiToken',
      null,
    ]);
    const lookups = t.statementsOf(requestId).filter((statement) => statement.includes('union all'));
    expect(lookups).toHaveLength(1);
  });

  it('answers a missing id in nodes with null and a NOT_FOUND error at its position', async () => {
    const missing = randomUUID();
    const result = await t.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: [mine.fabricId, missing],
    });
    expect(result.data?.nodes).toEqual([{ id: mine.fabricId }, null]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'NOT_FOUND' } });
  });

  it('answers hostile ids with NOT_FOUND and changes nothing', async () => {
    const before = await rowCounts(t.database.url);
    for (const id of [
      '',
      'not-a-uuid',
      `${mine.fabricId}\u0000`,
      '\u0000',
      "'; drop table fabric; --",
      'x'.repeat(100_000),
    ]) {
      const result = await t.graphql(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(result.data?.node, JSON.stringify(id).slice(0, 40)).toBeNull();
      expect(codes(result), JSON.stringify(id).slice(0, 40)).toEqual(['NOT_FOUND']);
    }
    const upper = await t.graphqlOk(`query($id: ID!) { node(id: $id) { id } }`, { id: mine.fabricId.toUpperCase() });
    expect(upper.node).toEqual({ id: mine.fabricId });
    expect(await rowCounts(t.database.url)).toEqual(before);
  });

  it('refuses more ids than the maximum page size with INVALID_INPUT', async () => {
    const ids = Array.from({ length: 101 }, () => randomUUID());
    const result = await t.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(codes(result)).toEqual(['INVALID_INPUT']);
  });

  it("answers a fabric-limited token asking for another fabric's objects exactly as for ids that do not exist", async () => {
    const query = `query($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`;
    const answerTo = async (id: string) => {
      const result = await as(limitedViewer, query, { id });
      // The message names the id asked for; apart from that, the answers must be the same.
      return JSON.parse(JSON.stringify(result).replaceAll(id, '<id>'));
    };
    const missing = await answerTo(randomUUID());
    expect(missing).toMatchObject({ data: { node: null }, errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    for (const id of [theirs.fabricId, theirs.resourceId, theirs.operationId, repositoryId, tokenRecordId]) {
      const answer = await answerTo(id);
      expect(answer, id).toEqual(missing);
      expect(JSON.stringify(answer)).not.toContain(PRIVATE_MARK);
    }
    // In one request with its own objects, through fragments and aliases alike.
    const mixed = await as(
      limitedViewer,
      `query($a: ID!, $b: ID! = ${JSON.stringify(theirs.resourceId)}) { own: node(id: $a) { ...N } other: node(id: $b) { ...N } list: nodes(ids: [$a, $b]) { ...N } }
       fragment N on Node { id ... on Resource { fabric { description } } }`,
      { a: mine.resourceId },
    );
    expect(mixed.data).toEqual({
      own: { id: mine.resourceId, fabric: { description: 'mine' } },
      other: null,
      list: [{ id: mine.resourceId, fabric: { description: 'mine' } }, null],
    });
    expect(codes(mixed)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(JSON.stringify(mixed)).not.toContain(PRIVATE_MARK);
  });

  it('shows API tokens to admins only, as apiTokens does', async () => {
    const result = await as(viewer, `query($id: ID!) { node(id: $id) { id } }`, { id: tokenRecordId });
    expect(result.data?.node).toBeNull();
    expect(codes(result)).toEqual(['NOT_FOUND']);
  });
});

describe('resources(name:) and resourceByName', () => {
  beforeAll(async () => {
    await createDraft(t, mine.fabricId, vlanNamespaceYaml('ns-ab', { from: 2000, to: 2099 }));
  });

  it('filters by the exact name, beside the substring search', async () => {
    const list = async (args: string) =>
      (
        await t.graphqlOk(
          `query($f: ID!) { resources(fabricId: $f, ${args}) { totalCount edges { node { name } } } }`,
          {
            f: mine.fabricId,
          },
        )
      ).resources;
    expect(await list('name: "ns-a"')).toEqual({ totalCount: 1, edges: [{ node: { name: 'ns-a' } }] });
    expect((await list('search: "ns-a"')).totalCount).toBe(2);
    expect(await list('name: "NS-A"')).toEqual({ totalCount: 0, edges: [] });
    expect(await list('name: "ns-ab", search: "ab"')).toMatchObject({ totalCount: 1 });
    expect(await list('name: "ns-a\\u0000"')).toEqual({ totalCount: 0, edges: [] });
  });

  it('finds one resource by kind, name and namespace ("default" unless given)', async () => {
    const data = await t.graphqlOk(
      `query($f: ID!) { resourceByName(fabricId: $f, kind: "VLANNamespace", name: "ns-a") { id namespace } }`,
      { f: mine.fabricId },
    );
    expect(data.resourceByName).toEqual({ id: mine.resourceId, namespace: 'default' });
    const explicit = await t.graphqlOk(
      `query($f: ID!) { resourceByName(fabricId: $f, kind: "VLANNamespace", name: "ns-a", namespace: "default") { id } }`,
      { f: mine.fabricId },
    );
    expect(explicit.resourceByName.id).toBe(mine.resourceId);
  });

  it('answers NOT_FOUND for an absent resource, hostile text and an unknown fabric', async () => {
    const cases: [string, Record<string, unknown>][] = [
      [mine.fabricId, { kind: 'VLANNamespace', name: 'ns-a', namespace: 'other' }],
      [mine.fabricId, { kind: 'VPC', name: 'ns-a' }],
      [mine.fabricId, { kind: 'VLANNamespace', name: 'ns-a\u0000' }],
      [mine.fabricId, { kind: 'VLANNamespace\ud800', name: 'ns-a' }],
      [mine.fabricId, { kind: 'VLANNamespace', name: 'n'.repeat(100_000) }],
      [randomUUID(), { kind: 'VLANNamespace', name: 'ns-a' }],
      ['not-a-uuid', { kind: 'VLANNamespace', name: 'ns-a' }],
    ];
    for (const [fabricId, args] of cases) {
      const result = await t.graphql(
        `query($f: ID!, $kind: String!, $name: String!, $namespace: String! = "default") { resourceByName(fabricId: $f, kind: $kind, name: $name, namespace: $namespace) { id } }`,
        { f: fabricId, ...args },
      );
      expect(result.data, JSON.stringify(args).slice(0, 60)).toBeNull();
      expect(codes(result), JSON.stringify(args).slice(0, 60)).toEqual(['NOT_FOUND']);
    }
  });

  it("refuses a fabric-limited token another fabric's resource by name", async () => {
    const result = await as(
      limitedViewer,
      `query($f: ID!) { resourceByName(fabricId: $f, kind: "VLANNamespace", name: "ns-a") { id fabric { description } } }`,
      { f: theirs.fabricId },
    );
    expect(result.data ?? null).toBeNull();
    expect(codes(result)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(result)).not.toContain(PRIVATE_MARK);
  });
});

describe('SyncOperation.events', () => {
  let total: number;

  beforeAll(async () => {
    await queryDatabase(
      t.database.url,
      `insert into sync_event (operation_id, time, level, message, path)
       select $1, now() + interval '1 hour' + (n || ' milliseconds')::interval, 'info', 'line ' || n, null from generate_series(1, 250) as n`,
      [mine.operationId],
    );
    const [row] = await queryDatabase<{ count: number }>(
      t.database.url,
      'select count(*)::int as count from sync_event where operation_id = $1',
      [mine.operationId],
    );
    total = row!.count;
  });

  const page = async (args: string) =>
    (
      await t.graphqlOk(
        `query($id: ID!) { syncOperation(id: $id) { events(${args}) { totalCount pageInfo { hasNextPage endCursor } edges { node { message } } } } }`,
        { id: mine.operationId },
      )
    ).syncOperation.events;

  it('pages through the log oldest first, with the total', async () => {
    const first = await page('first: 100');
    expect(first.totalCount, JSON.stringify(first.edges.slice(0, 5))).toBe(total);
    expect(first.edges).toHaveLength(100);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const messages = first.edges.map((edge: { node: { message: string } }) => edge.node.message);
    // The pull's own lines come first, then the 250 added after it.
    expect(messages[total - 250]).toBe('line 1');
    expect(messages.slice(total - 250, total - 250 + 3)).toEqual(['line 1', 'line 2', 'line 3']);
    const seen = [...messages];
    let cursor = first.pageInfo.endCursor;
    for (;;) {
      const next = await page(`first: 100, after: ${JSON.stringify(cursor)}`);
      seen.push(...next.edges.map((edge: { node: { message: string } }) => edge.node.message));
      if (!next.pageInfo.hasNextPage) break;
      cursor = next.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(seen.slice(total - 250)).toEqual(Array.from({ length: 250 }, (_, index) => `line ${index + 1}`));
  });

  it('gives the newest lines first when asked', async () => {
    const newest = await page('first: 3, order: NEWEST_FIRST');
    expect(newest.edges.map((edge: { node: { message: string } }) => edge.node.message)).toEqual([
      'line 250',
      'line 249',
      'line 248',
    ]);
  });

  it('uses the default page size, and refuses pages above the maximum with INVALID_INPUT', async () => {
    expect((await page('first: 20')).edges).toHaveLength(20);
    const byDefault = await t.graphqlOk(
      `query($id: ID!) { syncOperation(id: $id) { events { edges { node { message } } } } }`,
      { id: mine.operationId },
    );
    expect(byDefault.syncOperation.events.edges).toHaveLength(20);
    const result = await t.graphql(`query($id: ID!) { syncOperation(id: $id) { events(first: 101) { totalCount } } }`, {
      id: mine.operationId,
    });
    expect(codes(result)).toEqual(['INVALID_INPUT']);
  });

  it('answers a page past the end with no lines and the total', async () => {
    const start = await page('first: 1');
    // An offset cursor far past the end (the cursor format is opaque; this one is hand-made).
    const past = Buffer.from('OffsetConnection:100000').toString('base64');
    const after = await page(`first: 5, after: ${JSON.stringify(past)}`);
    expect(start.totalCount).toBe(total);
    expect(after).toMatchObject({ totalCount: total, edges: [], pageInfo: { hasNextPage: false } });
  });
});

describe('typed objects instead of JSON', () => {
  it("types the failed pull's details by operation type", async () => {
    const data = await t.graphqlOk(
      `query($id: ID!) { syncOperation(id: $id) { operationType status operationDetails { __typename runner { instanceId } ... on PullOperationDetails { fullListing seenHead pull { upToDate } } } } }`,
      { id: mine.operationId },
    );
    expect(data.syncOperation).toMatchObject({
      operationType: 'PULL',
      status: 'FAILED',
      operationDetails: { __typename: 'PullOperationDetails', fullListing: false, seenHead: null, pull: null },
    });
    expect(typeof data.syncOperation.operationDetails.runner.instanceId).toBe('string');
  });

  it('reads drift counts as an object with one Int per status', async () => {
    const data = await t.graphqlOk(
      `query($id: ID!) { fabric(id: $id) { driftCounts { inSync specDrift desiredOnly liveOnly unknown } } }`,
      { id: mine.fabricId },
    );
    expect(data.fabric.driftCounts).toEqual({ inSync: 0, specDrift: 0, desiredOnly: 0, liveOnly: 0, unknown: 0 });
  });

  it('takes validation settings as an input type and gives them back typed, with the effective values', async () => {
    const data = await t.graphqlOk(
      `mutation($id: ID!) { updateFabric(id: $id, input: { validationSettings: {
          vpcIRBVLANRange: { from: 2500, to: 2600 }, spineASN: 4200000000, hydrationMode: NEVER,
          gatewayCommunities: [{ priority: 1, community: "65000:1" }, { priority: 0, community: "65000:0" }] } }) {
        validationSettings { vpcIRBVLANRange { from to } spineASN hydrationMode gatewayCommunities { priority community } fabricMTU }
        effectiveValidationSettings { vpcIRBVLANRange { from to } fabricMTU hydrationMode requireHydration fabricMode }
      } }`,
      { id: mine.fabricId },
    );
    expect(data.updateFabric.validationSettings).toEqual({
      vpcIRBVLANRange: { from: 2500, to: 2600 },
      spineASN: 4200000000,
      hydrationMode: 'NEVER',
      gatewayCommunities: [
        { priority: 0, community: '65000:0' },
        { priority: 1, community: '65000:1' },
      ],
      fabricMTU: null,
    });
    expect(data.updateFabric.effectiveValidationSettings).toEqual({
      vpcIRBVLANRange: { from: 2500, to: 2600 },
      fabricMTU: 9100,
      hydrationMode: 'NEVER',
      requireHydration: true,
      fabricMode: 'SPINE_LEAF',
    });
    const [stored] = await queryDatabase<{ validation_settings: unknown }>(
      t.database.url,
      'select validation_settings from fabric where id = $1',
      [mine.fabricId],
    );
    expect(stored!.validation_settings).toEqual({
      vpcIRBVLANRange: { from: 2500, to: 2600 },
      spineASN: 4200000000,
      hydrationMode: 'never',
      gatewayCommunities: { '0': '65000:0', '1': '65000:1' },
    });
  });

  it('refuses bad validation settings with INVALID_INPUT and keeps the stored ones', async () => {
    const stored = async () =>
      (
        await queryDatabase<{ validation_settings: unknown }>(
          t.database.url,
          'select validation_settings from fabric where id = $1',
          [mine.fabricId],
        )
      )[0]!.validation_settings;
    const before = await stored();
    for (const settings of [
      '{ gatewayCommunities: [{ priority: 1, community: "a" }, { priority: 1, community: "b" }] }',
      '{ gatewayCommunities: [{ priority: -1, community: "a" }] }',
      '{ managementSubnet: "not a cidr" }',
      '{ vpcIRBVLANRange: { from: 0, to: 5000 } }',
      '{ spineASN: 4294967296 }',
      '{ managementSubnet: "10.0.0.0/8\\u0000" }',
    ]) {
      const result = await t.graphql(
        `mutation($id: ID!) { updateFabric(id: $id, input: { validationSettings: ${settings} }) { id } }`,
        { id: mine.fabricId },
      );
      expect(codes(result), settings).toEqual(['INVALID_INPUT']);
    }
    expect(await stored()).toEqual(before);
  });

  it('reads a conflict, its resolution, external modifications and sync metadata as typed objects', async () => {
    await queryDatabase(
      t.database.url,
      `update resource set conflict_status = 'resolved', conflict_details = $2, external_modifications = $3, sync_metadata = $4 where id = $1`,
      [
        mine.resourceId,
        JSON.stringify({
          detectedAt: '2026-12-01T10:00:00.000Z',
          commit: 'c'.repeat(40),
          baseBlobOid: null,
          theirsBlobOid: 'b'.repeat(40),
          paths: [{ path: '$.spec.ranges', base: null, ours: [1], theirs: [2] }],
          resolution: { strategy: 'GIT_WINS', by: 'admin', at: '2026-12-01T11:00:00.000Z' },
        }),
        JSON.stringify([
          {
            detectedAt: '2026-12-01T09:00:00.000Z',
            previousHash: null,
            currentHash: 'h'.repeat(64),
            detectionMethod: 'pull:blob_oid',
            commit: 'd'.repeat(40),
          },
        ]),
        JSON.stringify({
          proposed: {
            pullRequestUrl: 'https://example.test/pr/1',
            branch: 'gateway',
            commit: null,
            at: '2026-12-01T12:00:00.000Z',
          },
        }),
      ],
    );
    const data = await t.graphqlOk(
      `query($id: ID!) { resource(id: $id) {
        conflictDetails { detectedAt commit baseBlobOid theirsBlobOid paths { path base ours theirs } resolution { strategy by at } }
        externalModifications { detectedAt previousHash currentHash detectionMethod commit }
        syncMetadata { proposed { pullRequestUrl branch commit at } }
      } }`,
      { id: mine.resourceId },
    );
    expect(data.resource).toEqual({
      conflictDetails: {
        detectedAt: '2026-12-01T10:00:00.000Z',
        commit: 'c'.repeat(40),
        baseBlobOid: null,
        theirsBlobOid: 'b'.repeat(40),
        paths: [{ path: '$.spec.ranges', base: null, ours: [1], theirs: [2] }],
        resolution: { strategy: 'GIT_WINS', by: 'admin', at: '2026-12-01T11:00:00.000Z' },
      },
      externalModifications: [
        {
          detectedAt: '2026-12-01T09:00:00.000Z',
          previousHash: null,
          currentHash: 'h'.repeat(64),
          detectionMethod: 'pull:blob_oid',
          commit: 'd'.repeat(40),
        },
      ],
      syncMetadata: {
        proposed: {
          pullRequestUrl: 'https://example.test/pr/1',
          branch: 'gateway',
          commit: null,
          at: '2026-12-01T12:00:00.000Z',
        },
      },
    });
  });
});
