import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Client } from 'graphql-ws';
import { describe, expect } from 'vitest';
import { appTestWith } from '../support/app-fixture.ts';
import { FabricScope } from '../../src/auth/fabric-scope.ts';
import { queryDatabase, rowCounts } from '../support/database.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';
import {
  branchHead,
  createBareRepository,
  listFiles,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';
let bareRepository: string;
/** The fabric the tokens may not touch: Git-backed, ingested, with a draft and an operation. */
let theirs: {
  id: string;
  name: string;
  resourceId: string;
  draftId: string;
  operationId: string;
  changeId: string;
  managedFile: string;
};
let mine: { id: string; name: string; resourceId: string; operationId: string; changeId: string };
let tokens: Record<'viewer' | 'operator' | 'admin', string>;
const clients = new Map<string, Client>();

/** Written into the other fabric and never sent by a test: seeing it in a response is a leak. */
const PRIVATE_MARK = 'their-private-description';
/** The other fabric's object from Git; only updateResource sends it (as the object it names). */
const THEIR_NAME = 'their-secret-namespace';

const it = appTestWith({
  env: { MUTATIONS_PER_MINUTE: '100000', QUERIES_PER_MINUTE: '100000', HEAD_CHECK: 'false' },
});
it.beforeAll(async ({ t }) => {
  bareRepository = await createBareRepository();
  await pushFromAnotherClone(bareRepository, {
    files: { 'fabric/raw/wiring.yaml': vlanNamespaceYaml(THEIR_NAME, { from: 2001, to: 2099 }) },
  });
  const repository = await t.graphqlOk(
    `mutation($url: String!) { createGitRepository(input: { name: "scope-git", url: $url }) { id } }`,
    { url: `file://${bareRepository}` },
  );
  const fabric = await createFabric(t, {
    name: 'theirs',
    description: PRIVATE_MARK,
    gitRepositoryId: repository.createGitRepository.id,
    gitopsDirectory: 'fabric',
  });
  const operationIds: string[] = [];
  for (const mutation of ['initializeGitopsDirectory', 'ingestRaw']) {
    operationIds.push(
      (await t.graphqlOk(`mutation($f: ID!) { ${mutation}(fabricId: $f) { id } }`, { f: fabric.id }))[mutation].id,
    );
    await t.app.runner.idle();
  }
  const [ingested] = await queryDatabase<{ id: string; managed_file_path: string }>(
    t.database.url,
    'select id, managed_file_path from resource where fabric_id = $1 and desired_blob_oid is not null',
    [fabric.id],
  );
  expect(ingested).toBeDefined();
  const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('theirs-draft', { from: 2100, to: 2199 }));
  theirs = {
    id: fabric.id,
    name: fabric.name,
    resourceId: ingested!.id,
    draftId: draft.id,
    operationId: operationIds[1]!,
    changeId: await insertChange(t, fabric.id),
    managedFile: `fabric/${ingested!.managed_file_path}`,
  };
  expect(await listFiles(bareRepository, 'main')).toContain(theirs.managedFile);

  const ownBare = await createBareRepository();
  const ownRepository = await t.graphqlOk(
    `mutation($url: String!) { createGitRepository(input: { name: "scope-own", url: $url }) { id } }`,
    { url: `file://${ownBare}` },
  );
  const own = await createFabric(t, { name: 'mine', gitRepositoryId: ownRepository.createGitRepository.id });
  const ownOperation = await t.graphqlOk(`mutation($f: ID!) { initializeGitopsDirectory(fabricId: $f) { id } }`, {
    f: own.id,
  });
  await t.app.runner.idle();
  const ownDraft = await createDraft(t, own.id, vlanNamespaceYaml('mine-draft'));
  mine = {
    id: own.id,
    name: own.name,
    resourceId: ownDraft.id,
    operationId: ownOperation.initializeGitopsDirectory.id,
    changeId: await insertChange(t, own.id),
  };
  tokens = {
    viewer: await t.createToken({ role: 'viewer', name: 'limited-viewer', fabricIds: [mine.id] }),
    operator: await t.createToken({ role: 'operator', name: 'limited-operator', fabricIds: [mine.id] }),
    admin: await t.createToken({ role: 'admin', name: 'limited-admin', fabricIds: [mine.id] }),
  };
});
/** A change record of the fabric (as a push records one), with one object. */
async function insertChange(t: TestApp, fabricId: string): Promise<string> {
  const id = crypto.randomUUID();
  await queryDatabase(
    t.database.url,
    `insert into change (id, fabric_id, source, commit_oid, branch, message, stage, stage_at, stages, object_count, created_at, updated_at)
     values ($1, $2, 'gateway', $3, 'main', $4, 'COMMITTED', now(), '[]', 1, now(), now())`,
    [id, fabricId, 'a'.repeat(40), PRIVATE_MARK],
  );
  await queryDatabase(
    t.database.url,
    `insert into change_object (change_id, fabric_id, kind, namespace, name, action, committed)
     values ($1, $2, 'VLANNamespace', 'default', $3, 'create', '{"apiVersion":"v","spec":{}}')`,
    [id, fabricId, THEIR_NAME],
  );
  return id;
}

it.afterAll(async () => {
  for (const client of clients.values()) await client.dispose();
  await removeScratchDirs();
});

/** Every table's row count, the other fabric's rows (draft columns included) and its Git head. */
async function snapshot(t: TestApp) {
  const counts = await rowCounts(t.database.url);
  const fabric = await queryDatabase(
    t.database.url,
    'select name, description, status, kubernetes_server, updated_at from fabric where id = $1',
    [theirs.id],
  );
  const resources = await queryDatabase(
    t.database.url,
    `select id, name, version, desired_spec, desired_blob_oid, draft_action, draft_spec, drafted_by, drafted_at, conflict_status
       from resource where fabric_id = $1 order by id`,
    [theirs.id],
  );
  const operations = await queryDatabase(
    t.database.url,
    'select id, status, operation_type from sync_operation where fabric_id = $1 order by id',
    [theirs.id],
  );
  return { counts, fabric, resources, operations, gitHead: await branchHead(bareRepository, 'main') };
}

// ---------------------------------------------------------------------------------------------
// Transports: one request, its whole answer (the first result for subscriptions).

type Transport = 'http' | 'sse' | 'ws';

async function overHttp(
  t: TestApp,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResponse> {
  return t.graphql(query, variables, { authorization: `Bearer ${token}` });
}

async function overSse(
  t: TestApp,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResponse> {
  const controller = new AbortController();
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream'))
    return (await response.json()) as GraphQLResponse;
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      const first = events.find((event) => event.data && event.event !== 'complete');
      if (first) return JSON.parse(first.data) as GraphQLResponse;
      if (events.some((event) => event.event === 'complete')) break;
    }
  } finally {
    controller.abort();
  }
  return {};
}

async function overWs(
  t: TestApp,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResponse> {
  let client = clients.get(token);
  if (!client) {
    client = t.wsClient({ token, lazy: false });
    clients.set(token, client);
  }
  return new Promise<GraphQLResponse>((resolve) => {
    let settled = false;
    const settle = (result: GraphQLResponse) => {
      if (settled) return;
      settled = true;
      dispose();
      resolve(result);
    };
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (result) => settle(result as GraphQLResponse),
        error: (error) =>
          settle({
            errors: Array.isArray(error)
              ? (error as GraphQLResponse['errors'])
              : [{ message: String((error as Error).message ?? error), extensions: { code: 'WS_ERROR' } }],
          }),
        complete: () => settle({}),
      },
    );
  });
}

const send: Record<Transport, typeof overHttp> = { http: overHttp, sse: overSse, ws: overWs };

// ---------------------------------------------------------------------------------------------
// Every root field that addresses a fabric, a resource or an operation. `@` is where the address
// goes; `type` is the variable type that carries it.

interface Target {
  field: string;
  operation: 'query' | 'mutation' | 'subscription';
  template: string;
  type: 'ID' | 'String';
  /** The address when it is not the other fabric's id. */
  address?: (of: typeof theirs | typeof mine) => string;
  /** The argument is optional in the schema. */
  optional?: boolean;
}

const lit = (value: string) => JSON.stringify(value);
const updateYaml = lit(vlanNamespaceYaml(THEIR_NAME, { from: 2500, to: 2599 }));
const createYaml = lit(vlanNamespaceYaml('intruder', { from: 2600, to: 2699 }));
const byResource = (of: { resourceId: string }) => of.resourceId;
const byOperation = (of: { operationId: string }) => of.operationId;

const TARGETS: Target[] = [
  { field: 'fabric', operation: 'query', template: 'fabric(id: @) { id name description }', type: 'ID' },
  {
    field: 'fabric',
    operation: 'query',
    template: 'fabric(name: @) { id description }',
    type: 'String',
    address: (of) => of.name,
    optional: true,
  },
  {
    field: 'resources',
    operation: 'query',
    template: 'resources(fabricId: @) { totalCount edges { node { name } } }',
    type: 'ID',
  },
  {
    field: 'resourceByName',
    operation: 'query',
    template: 'resourceByName(fabricId: @, kind: "VLANNamespace", name: "mine-draft") { name fabric { description } }',
    type: 'ID',
  },
  {
    field: 'resource',
    operation: 'query',
    template: 'resource(id: @) { name desired { spec } fabric { description } }',
    type: 'ID',
    address: byResource,
  },
  {
    field: 'syncOperations',
    operation: 'query',
    template: 'syncOperations(fabricId: @) { totalCount }',
    type: 'ID',
    optional: true,
  },
  {
    field: 'syncOperation',
    operation: 'query',
    template: 'syncOperation(id: @) { id events { edges { node { message } } } fabric { description } }',
    type: 'ID',
    address: byOperation,
  },
  {
    field: 'validateManifests',
    operation: 'query',
    template: `validateManifests(yaml: ${createYaml}, fabricId: @) { valid errors { message } }`,
    type: 'ID',
    optional: true,
  },
  {
    field: 'createResource',
    operation: 'mutation',
    template: `createResource(fabricId: @, manifest: { yaml: ${createYaml} }) { id }`,
    type: 'ID',
  },
  {
    field: 'updateResource',
    operation: 'mutation',
    template: `updateResource(id: @, manifest: { yaml: ${updateYaml} }) { id }`,
    type: 'ID',
    address: byResource,
  },
  {
    field: 'deleteResource',
    operation: 'mutation',
    template: 'deleteResource(id: @) { id }',
    type: 'ID',
    address: byResource,
  },
  {
    field: 'discardResourceDraft',
    operation: 'mutation',
    template: 'discardResourceDraft(id: @) { id }',
    type: 'ID',
    address: (of) => ('draftId' in of ? of.draftId : of.resourceId),
  },
  {
    field: 'resolveConflict',
    operation: 'mutation',
    template: 'resolveConflict(resourceId: @, strategy: GIT_WINS) { id }',
    type: 'ID',
    address: byResource,
  },
  {
    field: 'adoptLiveResources',
    operation: 'mutation',
    template: 'adoptLiveResources(fabricId: @, ids: []) { id }',
    type: 'ID',
  },
  {
    field: 'initializeGitopsDirectory',
    operation: 'mutation',
    template: 'initializeGitopsDirectory(fabricId: @) { id }',
    type: 'ID',
  },
  {
    field: 'validateGitopsDirectory',
    operation: 'mutation',
    template: 'validateGitopsDirectory(fabricId: @) { valid findings { path } }',
    type: 'ID',
  },
  { field: 'ingestRaw', operation: 'mutation', template: 'ingestRaw(fabricId: @) { id }', type: 'ID' },
  {
    field: 'syncFabric',
    operation: 'mutation',
    template: 'syncFabric(fabricId: @, direction: PULL) { id }',
    type: 'ID',
  },
  {
    field: 'commitChanges',
    operation: 'mutation',
    template: 'commitChanges(fabricId: @, message: "not yours") { id }',
    type: 'ID',
  },
  {
    field: 'cancelSyncOperation',
    operation: 'mutation',
    template: 'cancelSyncOperation(id: @) { id }',
    type: 'ID',
    address: byOperation,
  },
  { field: 'refreshCluster', operation: 'mutation', template: 'refreshCluster(fabricId: @) { id }', type: 'ID' },
  {
    field: 'testClusterConnection',
    operation: 'mutation',
    template: 'testClusterConnection(fabricId: @) { ok }',
    type: 'ID',
  },
  {
    field: 'updateFabric',
    operation: 'mutation',
    template: 'updateFabric(id: @, input: { description: "taken over" }) { id }',
    type: 'ID',
  },
  { field: 'deleteFabric', operation: 'mutation', template: 'deleteFabric(id: @)', type: 'ID' },
  {
    field: 'syncOperationUpdated',
    operation: 'subscription',
    template: 'syncOperationUpdated(id: @) { id status fabric { description } }',
    type: 'ID',
    address: byOperation,
  },
  { field: 'fabricEvents', operation: 'subscription', template: 'fabricEvents(fabricId: @) { type }', type: 'ID' },
  {
    field: 'changes',
    operation: 'query',
    template: 'changes(fabricId: @) { totalCount edges { node { id message } } }',
    type: 'ID',
    optional: true,
  },
  {
    field: 'change',
    operation: 'query',
    template: 'change(id: @) { id message objects { edges { node { name committed } } } fabric { description } }',
    type: 'ID',
    address: (of) => of.changeId,
  },
];

const addressOf = (target: Target, of: typeof theirs | typeof mine) => (target.address ? target.address(of) : of.id);
const rootType = (target: Target) =>
  ({ query: 'Query', mutation: 'Mutation', subscription: 'Subscription' })[target.operation];

/** The same field in every argument form a client can write, addressed at `value`. */
function forms(
  target: Target,
  value: string,
  ownValue: string,
): { form: string; query: string; variables: Record<string, unknown> }[] {
  const op = target.operation;
  const required = target.optional ? '' : '!';
  const at = (address: string) => target.template.replace('@', address);
  const list = [
    { form: 'literal', query: `${op} { ${at(lit(value))} }`, variables: {} },
    { form: 'variable', query: `${op}($v: ${target.type}${required}) { ${at('$v')} }`, variables: { v: value } },
    {
      form: 'variable default',
      query: `${op}($v: ${target.type}${required} = ${lit(value)}) { ${at('$v')} }`,
      variables: {},
    },
    {
      form: 'nullable variable default',
      query: `${op}($v: ${target.type} = ${lit(value)}) { ${at('$v')} }`,
      variables: {},
    },
    {
      form: 'fragment',
      query: `${op} { ...F } fragment F on ${rootType(target)} { ${at(lit(value))} }`,
      variables: {},
    },
    {
      form: 'fragment with variable default',
      query: `${op}($v: ${target.type}${required} = ${lit(value)}) { ...F } fragment F on ${rootType(target)} { ${at('$v')} }`,
      variables: {},
    },
    {
      form: 'inline fragment with variable default',
      query: `${op}($v: ${target.type}${required} = ${lit(value)}) { ... on ${rootType(target)} { ${at('$v')} } }`,
      variables: {},
    },
    {
      form: 'alias with variable default',
      query: `${op}($v: ${target.type}${required} = ${lit(value)}) { innocent: ${at('$v')} }`,
      variables: {},
    },
  ];
  // One subscription has one root field; queries and mutations may mix an allowed field in.
  if (op !== 'subscription') {
    list.push({
      form: 'own alias then their alias',
      query: `${op}($v: ${target.type}${required} = ${lit(value)}) { a: ${at(lit(ownValue))} b: ${at('$v')} }`,
      variables: {},
    });
  }
  return list;
}

function expectRefused(result: GraphQLResponse, target: Target, label: string) {
  const codes = (result.errors ?? []).map((error) => error.extensions?.code);
  expect(codes.length, `${label}: no error in ${JSON.stringify(result)}`).toBeGreaterThan(0);
  for (const code of codes)
    expect(['FORBIDDEN', 'NOT_FOUND'], `${label}: ${JSON.stringify(result.errors)}`).toContain(code);
  const data = result.data as Record<string, unknown> | null | undefined;
  for (const value of Object.values(data ?? {})) expect(value, `${label}: ${target.field} answered`).toBeNull();
  expect(JSON.stringify(result), `${label}: leaked`).not.toContain(PRIVATE_MARK);
  if (target.field !== 'updateResource') expect(JSON.stringify(result), `${label}: leaked`).not.toContain(THEIR_NAME);
}

describe('a token limited to other fabrics', () => {
  for (const transport of ['http', 'sse', 'ws'] as const) {
    for (const target of TARGETS) {
      it(`is refused ${target.field}(${target.template.match(/\((\w+):/)?.[1]}) of another fabric over ${transport}, in every argument form, and nothing changes`, async ({
        t,
      }) => {
        const before = await snapshot(t);
        for (const role of ['viewer', 'operator', 'admin'] as const) {
          for (const { form, query, variables } of forms(target, addressOf(target, theirs), addressOf(target, mine))) {
            const result = await send[transport](t, tokens[role], query, variables);
            expectRefused(result, target, `${role} over ${transport}, ${form}: ${query}`);
          }
        }
        expect(await snapshot(t)).toEqual(before);
      });
    }
  }

  it('reads its own fabric in the same argument forms (the refusals above are about scope)', async ({ t }) => {
    for (const target of TARGETS.filter((candidate) => candidate.operation === 'query')) {
      for (const { form, query, variables } of forms(target, addressOf(target, mine), addressOf(target, mine))) {
        const result = await overHttp(t, tokens.viewer, query, variables);
        expect(result.errors, `${form}: ${query}`).toBeUndefined();
      }
    }
    for (const target of TARGETS.filter((candidate) => candidate.operation === 'subscription')) {
      for (const transport of ['sse', 'ws'] as const) {
        const query = `subscription($v: ID! = ${lit(addressOf(target, mine))}) { ${target.template.replace('@', '$v')} }`;
        if (target.field === 'fabricEvents') continue; // waits for an event; covered in subscriptions.test.ts
        const result = await send[transport](t, tokens.viewer, query, {});
        expect(result.errors, `${transport}: ${query}`).toBeUndefined();
      }
    }
  });

  it('is refused with the very document another token was just answered, whichever asks first', async ({ t }) => {
    // One query text, so yoga hands every request the same parsed document (and the authorization
    // plugin its analysis of it): what was decided for one token must not be decided for another.
    const query = `query OneOfTheirs($id: ID!) { resource(id: $id) { id name } }`;
    const theirsToken = await t.createToken({ role: 'viewer', name: 'their-viewer', fabricIds: [theirs.id] });
    const asks = [
      { who: 'limited to mine', token: tokens.viewer, id: theirs.resourceId, allowed: false },
      { who: 'admin', token: t.adminToken, id: theirs.resourceId, allowed: true },
      { who: 'limited to mine', token: tokens.viewer, id: theirs.resourceId, allowed: false },
      { who: 'limited to theirs', token: theirsToken, id: theirs.resourceId, allowed: true },
      { who: 'limited to mine', token: tokens.viewer, id: theirs.resourceId, allowed: false },
      { who: 'limited to mine', token: tokens.viewer, id: mine.resourceId, allowed: true },
      { who: 'limited to theirs', token: theirsToken, id: mine.resourceId, allowed: false },
      { who: 'limited to mine', token: tokens.viewer, id: theirs.resourceId, allowed: false },
      { who: 'admin', token: t.adminToken, id: mine.resourceId, allowed: true },
    ];
    for (const [index, ask] of asks.entries()) {
      const result = await overHttp(t, ask.token, query, { id: ask.id });
      const label = `ask ${index + 1}, ${ask.who}: ${JSON.stringify(result)}`;
      if (ask.allowed) {
        expect(result.errors, label).toBeUndefined();
        expect(result.data?.resource.id, label).toBe(ask.id);
      } else {
        expect(result.errors?.[0]?.extensions?.code, label).toBe('FORBIDDEN');
        expect(result.data?.resource ?? null, label).toBeNull();
      }
    }
  });

  it('validates standalone manifests without a fabricId, seeing no other fabric', async ({ t }) => {
    const result = await overHttp(
      t,
      tokens.viewer,
      `query($f: ID) { validateManifests(yaml: ${createYaml}, fabricId: $f) { valid } }`,
      {},
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.validateManifests.valid).toBe(true);
  });

  it('lists only its own fabrics, and nested objects stay in them', async ({ t }) => {
    const result = await overHttp(t, tokens.viewer, `{ fabrics { id description } }`, {});
    expect(result.data?.fabrics).toEqual([{ id: mine.id, description: '' }]);
    const operation = await overHttp(t, tokens.viewer, `query($id: ID!) { syncOperation(id: $id) { fabric { id } } }`, {
      id: mine.operationId,
    });
    expect(operation.data?.syncOperation.fabric.id).toBe(mine.id);
  });

  it('cannot draft a deletion in another fabric through a variable default that its next commit would apply', async ({
    t,
  }) => {
    const before = await snapshot(t);
    const attack = await overHttp(
      t,
      tokens.operator,
      `mutation($id: ID! = ${lit(theirs.resourceId)}) { deleteResource(id: $id) { id } }`,
      {},
    );
    expect(attack.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot(t)).toEqual(before);
    // The other fabric's owner commits its own drafts: the file the attacker aimed at stays.
    await t.graphqlOk(`mutation($f: ID!) { commitChanges(fabricId: $f, message: "own drafts") { id } }`, {
      f: theirs.id,
    });
    await t.app.runner.idle();
    const files = await listFiles(bareRepository, 'main');
    expect(files).toContain(theirs.managedFile);
    const [row] = await queryDatabase<{ desired_spec: unknown; draft_action: string | null }>(
      t.database.url,
      'select desired_spec, draft_action from resource where id = $1',
      [theirs.resourceId],
    );
    expect(row?.desired_spec).not.toBeNull();
    expect(row?.draft_action).toBeNull();
  });
});

describe('services built for a limited token', () => {
  it('refuse to load rows of other fabrics by id, whatever asked for them', async ({ t }) => {
    const before = await snapshot(t);
    const services = t.app.services({ scope: new FabricScope([mine.id]) });
    for (const load of [
      () => services.fabrics.get(theirs.id),
      () => services.fabrics.getByName(theirs.name),
      () => services.resources.get(theirs.resourceId),
      () => services.resources.list({ fabricId: theirs.id }, { limit: 10, offset: 0 }),
      () => services.operations.get(theirs.operationId),
      () => services.operations.getFresh(theirs.operationId),
      () => services.operations.list({ fabricId: theirs.id }, { limit: 10, offset: 0 }),
      () => services.resources.validate(theirs.id, { yaml: vlanNamespaceYaml('x') }),
      () => services.resources.createDraft(theirs.id, { yaml: vlanNamespaceYaml('x') }, { name: 'limited' }),
      () => services.resources.deleteDraft(theirs.resourceId, { name: 'limited' }),
      () => services.fabrics.update(theirs.id, { description: 'taken over' }),
      () => services.fabrics.delete(theirs.id),
      () => services.gitops.requireRepository(theirs.id),
      () => services.gitops.validateDirectory(theirs.id),
      () => services.changes.get(theirs.changeId),
      async () => services.changes.pages({ fabricId: theirs.id }),
      async () =>
        services.changes.objectPages({
          fabricId: theirs.id,
          kind: 'VLANNamespace',
          namespace: 'default',
          name: THEIR_NAME,
        }),
    ]) {
      await expect(load()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await services.fabrics.getMany([theirs.id, mine.id])).has(theirs.id)).toBe(false);
    expect([...(await services.changes.getMany([theirs.changeId, mine.changeId])).keys()]).toEqual([mine.changeId]);
    expect([...(await services.changes.lastOf([theirs.id, mine.id])).keys()]).toEqual([mine.id]);
    const everyChange = await services.changes
      .pages({ fabricId: null })
      .read({ limit: 100, after: null, before: null, fromEnd: false });
    expect(everyChange.map((change) => change.fabric.id)).toEqual([mine.id]);
    expect((await services.fabrics.list()).map((fabric) => fabric.id)).toEqual([mine.id]);
    expect(
      (await services.operations.list({}, { limit: 100, offset: 0 })).items.every(
        (operation) => operation.fabric.id === mine.id,
      ),
    ).toBe(true);
    // An unknown id answers the same as a row of another fabric: no existence oracle.
    await expect(services.resources.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(services.fabrics.get(mine.id)).resolves.toMatchObject({ id: mine.id });
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('rate limits', () => {
  it('count every mutation field of a request, aliases included', async () => {
    const limited = await startTestApp({ env: { MUTATIONS_PER_MINUTE: '10', HEAD_CHECK: 'false' } });
    try {
      const fabric = await limited.app.services().fabrics.create({ name: 'rate-fields' });
      const operator = await limited.createToken({ role: 'operator' });
      const as = (query: string) => limited.graphql(query, {}, { authorization: `Bearer ${operator}` });
      const creates = (prefix: string, count: number) =>
        `mutation { ${Array.from({ length: count }, (_, index) => `m${index}: createResource(fabricId: ${lit(fabric.id)}, manifest: { yaml: ${lit(vlanNamespaceYaml(`${prefix}-${index}`))} }) { id }`).join(' ')} }`;
      const count = async () =>
        Number((await queryDatabase<{ n: string }>(limited.database.url, 'select count(*) as n from resource'))[0]?.n);

      const tooMany = await as(creates('over', 11));
      expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(await count()).toBe(0);
      expect((await as(creates('burst', 10))).errors).toBeUndefined();
      expect(await count()).toBe(10);
      const next = await as(creates('one-more', 1));
      expect(next.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(next.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect(await count()).toBe(10);
    } finally {
      await limited.stop();
    }
  });

  it('limit queries per token, over HTTP and WebSocket, apart from mutations', async () => {
    const limited = await startTestApp({ env: { QUERIES_PER_MINUTE: '4', HEAD_CHECK: 'false' } });
    const viewer = await limited.createToken({ role: 'viewer' });
    const other = await limited.createToken({ role: 'viewer' });
    const ws = limited.wsClient({ token: viewer });
    try {
      const query = (token: string) => limited.graphql(`{ fabrics { id } }`, {}, { authorization: `Bearer ${token}` });
      for (let index = 0; index < 3; index++) expect((await query(viewer)).errors).toBeUndefined();
      const overWsResult = await new Promise<GraphQLResponse>((resolve) => {
        ws.subscribe(
          { query: `{ fabrics { id } }` },
          {
            next: (result) => resolve(result as GraphQLResponse),
            error: (error) => resolve({ errors: error as never }),
            complete: () => {},
          },
        );
      });
      expect(overWsResult.errors).toBeUndefined();
      const refused = await query(viewer);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      const refusedOverWs = await new Promise<GraphQLResponse>((resolve) => {
        ws.subscribe(
          { query: `{ fabrics { id } }` },
          {
            next: (result) => resolve(result as GraphQLResponse),
            error: (error) => resolve({ errors: error as never }),
            complete: () => {},
          },
        );
      });
      expect(refusedOverWs.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      // Another token has its own bucket, and mutations have theirs.
      expect((await query(other)).errors).toBeUndefined();
      expect(
        (await limited.graphql(`mutation { createFabric(input: { name: "after-queries" }) { id } }`)).errors,
      ).toBeUndefined();
    } finally {
      await ws.dispose();
      await limited.stop();
    }
  });
});

describe('the scope table', () => {
  it('addresses a fabric for every root field with an id argument, or keeps the field from limited tokens', async () => {
    const { schema } = await import('../../src/graphql/schema.ts');
    const { fabricScopeOf, LIMITED_TOKEN_GLOBAL_FIELDS } = await import('../../src/auth/permissions.ts');
    const { getNamedType } = await import('graphql');
    const unaddressed: string[] = [];
    for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.values(type?.getFields() ?? {})) {
        const idArgs = field.args.filter((arg) => getNamedType(arg.type).name === 'ID');
        if (idArgs.length === 0) continue;
        const args = Object.fromEntries(field.args.map((arg) => [arg.name, 'x']));
        const global = fabricScopeOf(field.name, args).some((scope) => scope.via === 'global');
        // A global field with an id is refused to limited tokens unless listed (then filtered by the services).
        if (SCOPED_BY_THEIR_SERVICES.has(field.name)) {
          if (!global || !LIMITED_TOKEN_GLOBAL_FIELDS.has(field.name)) unaddressed.push(field.name);
          continue;
        }
        if (global && LIMITED_TOKEN_GLOBAL_FIELDS.has(field.name)) unaddressed.push(field.name);
        if (global && !REFUSED_TO_LIMITED_TOKENS.has(field.name)) unaddressed.push(field.name);
      }
    }
    expect(unaddressed, 'say in src/auth/permissions.ts how these fields name their fabric').toEqual([]);
  });
});

/**
 * Relay's `node` and `nodes` take ids of any type: the node service looks each one up and loads it
 * through its own service, and answers NOT_FOUND for anything outside the token's fabrics, as for
 * an id that does not exist (test/graphql/node.test.ts).
 */
const SCOPED_BY_THEIR_SERVICES = new Set(['node', 'nodes']);

/** Fields about repositories and tokens, which span fabrics: a limited token is refused them. */
const REFUSED_TO_LIMITED_TOKENS = new Set([
  'gitRepository',
  'updateGitRepository',
  'deleteGitRepository',
  'testGitRepository',
  'revokeApiToken',
]);

describe('a limited admin', () => {
  it('cannot move its own fabric onto the repository and directory of another fabric', async ({ t }) => {
    const before = await snapshot(t);
    const [theirRepository] = await queryDatabase<{ git_repository_id: string }>(
      t.database.url,
      'select git_repository_id from fabric where id = $1',
      [theirs.id],
    );
    const mineBefore = await queryDatabase(
      t.database.url,
      'select git_repository_id, gitops_directory from fabric where id = $1',
      [mine.id],
    );
    // Inside the other fabric's directory: mine's drafts would be committed among its files.
    const inside = { gitRepositoryId: theirRepository!.git_repository_id, gitopsDirectory: 'fabric/raw' };
    for (const input of [
      inside,
      { gitRepositoryId: theirRepository!.git_repository_id },
      { gitopsDirectory: 'elsewhere' },
    ]) {
      const result = await overHttp(
        t,
        tokens.admin,
        `mutation($id: ID!, $input: UpdateFabricInput!) { updateFabric(id: $id, input: $input) { id } }`,
        { id: mine.id, input },
      );
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('FORBIDDEN');
    }
    expect(
      await queryDatabase(t.database.url, 'select git_repository_id, gitops_directory from fabric where id = $1', [
        mine.id,
      ]),
    ).toEqual(mineBefore);
    // Other settings of its own fabric stay its to change.
    expect(
      (
        await overHttp(
          t,
          tokens.admin,
          `mutation($id: ID!) { updateFabric(id: $id, input: { pullIntervalSeconds: 600 }) { id } }`,
          { id: mine.id },
        )
      ).errors,
    ).toBeUndefined();
    expect(await snapshot(t)).toEqual(before);
  });
});
