/**
 * The `resources` and `syncOperations` connections page by key (graphql/pagination.ts): every
 * row once, in order, forwards and backwards; a deep page read from the index like the first;
 * totalCount counted only when selected; the columns read follow the fields asked for; hostile
 * cursors refused with INVALID_INPUT and nothing read.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeCursor, MAX_CURSOR_LENGTH } from '../../src/graphql/pagination.ts';
import { createFabric } from '../support/fixtures.ts';
import { queryDatabase } from '../support/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let fabricId: string;
let otherFabricId: string;
/** The fabric's rows as the database orders them: (kind, namespace, name). */
let ordered: string[];

const RESOURCES = `query($f: ID!, $first: Int, $last: Int, $after: String, $before: String) {
  resources(fabricId: $f, first: $first, last: $last, after: $after, before: $before) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id kind namespace name } }
  }
}`;

beforeAll(async () => {
  t = await startTestApp();
  fabricId = (await createFabric(t, { name: 'paged' })).id;
  otherFabricId = (await createFabric(t, { name: 'paged-other' })).id;
  // 3 kinds x 3 namespaces x 7 names: the same names in several kinds and namespaces, so the
  // whole key orders the rows, plus rows of another fabric that no page may show.
  await queryDatabase(
    t.database.url,
    `insert into resource (id, fabric_id, api_version, kind, namespace, name, desired_spec, created_at, updated_at)
     select gen_random_uuid(), f, 'wiring.githedgehog.com/v1beta1', k, ns, 'obj-' || n, jsonb_build_object('n', n), now(), now()
     from unnest($1::uuid[]) as f, unnest(array['VLANNamespace', 'IPv4Namespace', 'Switch']) as k,
          unnest(array['default', 'alpha', 'zeta']) as ns, generate_series(1, 7) as n`,
    [[fabricId, otherFabricId]],
  );
  ordered = (
    await queryDatabase<{ id: string }>(
      t.database.url,
      'select id from resource where fabric_id = $1 order by kind, namespace, name',
      [fabricId],
    )
  ).map((row) => row.id);
  for (let index = 0; index < 11; index++)
    await t.app.services().operations.create({ fabricId, type: 'pull', initiatedBy: `seed-${index}` });
  await t.app.services().operations.create({ fabricId: otherFabricId, type: 'pull', initiatedBy: 'other' });
});
afterAll(async () => {
  await t?.stop();
});

type Page = {
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string } }[];
};

async function page(variables: Record<string, unknown>, requestId?: string): Promise<Page> {
  const result = await t.graphql<{ resources: Page }>(
    RESOURCES,
    { f: fabricId, ...variables },
    requestId ? { 'x-request-id': requestId } : {},
  );
  expect(result.errors).toBeUndefined();
  return result.data!.resources;
}

describe('resources', () => {
  it('pages forwards through every row once, in (kind, namespace, name) order', async () => {
    expect(ordered).toHaveLength(63);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const current: Page = await page({ first: 10, after });
      pages++;
      seen.push(...current.edges.map((edge) => edge.node.id));
      expect(current.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)?.cursor ?? null);
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(pages).toBe(7);
    expect(seen).toEqual(ordered);
  });

  it('pages backwards with last/before to the same rows', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (;;) {
      const current: Page = await page({ last: 10, before });
      seen.unshift(...current.edges.map((edge) => edge.node.id));
      expect(current.pageInfo.hasNextPage).toBe(before !== null);
      if (!current.pageInfo.hasPreviousPage) break;
      before = current.pageInfo.startCursor;
    }
    expect(seen).toEqual(ordered);
  });

  it('takes after and before together as a window', async () => {
    const all = await page({ first: 63 });
    const window = await page({ first: 50, after: all.edges[9]!.cursor, before: all.edges[20]!.cursor });
    expect(window.edges.map((edge) => edge.node.id)).toEqual(ordered.slice(10, 20));
    const tail = await page({ last: 5, after: all.edges[9]!.cursor, before: all.edges[20]!.cursor });
    expect(tail.edges.map((edge) => edge.node.id)).toEqual(ordered.slice(15, 20));
  });

  it('reads a deep page from the identity index after its key, with no offset and no sort', async () => {
    const all = await page({ first: 63 });
    await page({ first: 10, after: all.edges[49]!.cursor }, 'keyset-deep');
    const [statement] = t.statementsOf('keyset-deep').filter((sql) => sql.includes('from resource where'));
    expect(statement).toBeDefined();
    expect(statement).not.toMatch(/offset/i);
    expect(statement).toContain('(kind, namespace, name) > (?, ?, ?)');
    // The plan of that statement, for the cursor's key: an index scan in order, no Sort node.
    const { kind, namespace, name } = all.edges[49]!.node as unknown as {
      kind: string;
      namespace: string;
      name: string;
    };
    const plan = (
      await queryDatabase<{ 'QUERY PLAN': string }>(
        t.database.url,
        `explain select id from resource where fabric_id = $1 and (kind, namespace, name) > ($2, $3, $4) order by kind asc, namespace asc, name asc limit 11`,
        [fabricId, kind, namespace, name],
      )
    )
      .map((row) => row['QUERY PLAN'])
      .join('\n');
    // A small table may be read by a sequential scan; what must not happen is a sort of the fabric.
    if (!/Seq Scan/.test(plan)) expect(plan).toMatch(/Index (Only )?Scan using resource_identity_unique/);
  });

  it('counts the total only when the query selects it', async () => {
    const without = await t.graphql(
      `query($f: ID!) { resources(fabricId: $f, first: 5) { edges { node { id } } } }`,
      {
        f: fabricId,
      },
      { 'x-request-id': 'keyset-no-count' },
    );
    expect(without.errors).toBeUndefined();
    expect(t.statementsOf('keyset-no-count').filter((sql) => /count\(/.test(sql))).toEqual([]);
    const withCount = await t.graphql<{ resources: { totalCount: number } }>(
      `query($f: ID!) { resources(fabricId: $f, first: 5, kind: "Switch") { totalCount } }`,
      { f: fabricId },
      { 'x-request-id': 'keyset-count' },
    );
    expect(withCount.data?.resources.totalCount).toBe(21);
    expect(t.statementsOf('keyset-count').filter((sql) => /count\(/.test(sql))).toHaveLength(1);
  });

  it('reads the page and its total in one statement when both are asked for, both directions', async () => {
    const counted = `query($f: ID!, $first: Int, $last: Int, $after: String, $before: String) {
      resources(fabricId: $f, first: $first, last: $last, after: $after, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } }
      }
    }`;
    type Counted = Page & { totalCount: number };
    const ask = async (variables: Record<string, unknown>, requestId: string) => {
      const result = await t.graphql<{ resources: Counted }>(
        counted,
        { f: fabricId, ...variables },
        {
          'x-request-id': requestId,
        },
      );
      expect(result.errors).toBeUndefined();
      return result.data!.resources;
    };
    const forwards: string[] = [];
    let after: string | null = null;
    for (let index = 0; ; index++) {
      const current: Counted = await ask({ first: 25, after }, `counted-${index}`);
      expect(current.totalCount).toBe(63);
      const resourceStatements = t.statementsOf(`counted-${index}`).filter((sql) => sql.includes('from resource'));
      expect(resourceStatements).toHaveLength(1);
      forwards.push(...current.edges.map((edge) => edge.node.id));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(forwards).toEqual(ordered);
    const lastFive = await ask({ last: 5 }, 'counted-last');
    expect(lastFive.edges.map((edge) => edge.node.id)).toEqual(ordered.slice(-5));
    expect(lastFive.pageInfo.hasPreviousPage).toBe(true);
    const beyond = await ask({ first: 5, after: lastFive.pageInfo.endCursor }, 'counted-beyond');
    expect(beyond).toMatchObject({ totalCount: 63, edges: [], pageInfo: { hasNextPage: false } });
    const missing = await t.graphql(`query($f: ID!) { resources(fabricId: $f, first: 5) { totalCount } }`, {
      f: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reads only the columns of the fields asked for, fragments included', async () => {
    await page({ first: 3 }, 'keyset-narrow');
    const narrow = t.statementsOf('keyset-narrow').find((sql) => sql.includes('from resource where'))!;
    expect(narrow).not.toContain('desired_spec');
    const result = await t.graphql<{ resources: { edges: { node: { desired: { spec: unknown } } }[] } }>(
      `query($f: ID!) { resources(fabricId: $f, first: 3) { edges { node { ...Desired } } } }
       fragment Desired on Resource { ... on Resource { desired { spec } } }`,
      { f: fabricId },
      { 'x-request-id': 'keyset-fragment' },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.resources.edges[0]?.node.desired.spec).toEqual({ n: expect.any(Number) });
    expect(t.statementsOf('keyset-fragment').find((sql) => sql.includes('from resource where'))).toContain(
      'desired_spec',
    );
  });

  it('resource(id) reads the columns each query text asks for, however often each is asked', async () => {
    const first = await t.graphql<{ resources: { edges: { node: { id: string } }[] } }>(
      `query($f: ID!) { resources(fabricId: $f, first: 1) { edges { node { id } } } }`,
      { f: fabricId },
    );
    const id = first.data!.resources.edges[0]!.node.id;
    const statementOf = async (query: string, requestId: string) => {
      const result = await t.graphql(query, { id }, { 'x-request-id': requestId });
      expect(result.errors).toBeUndefined();
      return t.statementsOf(requestId).find((sql) => sql.includes('from resource where'))!;
    };
    const narrow = `query($id: ID!) { resource(id: $id) { id name } }`;
    const wide = `query($id: ID!) { resource(id: $id) { id name ...Spec } } fragment Spec on Resource { desired { spec } }`;
    // Through the connection alone: no unit of work is forked for it.
    const fork = vi.spyOn(t.app.orm.em, 'fork');
    for (const round of [1, 2]) {
      expect(await statementOf(narrow, `one-narrow-${round}`)).not.toContain('desired_spec');
      expect(await statementOf(wide, `one-wide-${round}`)).toContain('desired_spec');
    }
    expect(fork).not.toHaveBeenCalled();
    fork.mockRestore();
  });

  it('filters as before: search is a literal part of the name, other filters narrow the count', async () => {
    const count = async (filter: string) => {
      const result = await t.graphql<{ resources: { totalCount: number; edges: unknown[] } }>(
        `query($f: ID!) { resources(fabricId: $f, first: 100, ${filter}) { totalCount edges { cursor } } }`,
        { f: fabricId },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.resources.edges).toHaveLength(result.data!.resources.totalCount);
      return result.data!.resources.totalCount;
    };
    expect(await count('search: "J-1"')).toBe(9);
    expect(await count('search: "obj_1"')).toBe(0);
    expect(await count('search: "%"')).toBe(0);
    expect(await count('search: "\\\\"')).toBe(0);
    expect(await count('kind: "Switch", namespace: "alpha"')).toBe(7);
    expect(await count('hasDraft: false, conflictStatus: NONE')).toBe(63);
    expect(await count('hasDraft: true')).toBe(0);
  });

  it('answers an empty page of a fabric that exists, and NOT_FOUND for one that does not', async () => {
    const empty = await t.graphql(
      `query($f: ID!) { resources(fabricId: $f, first: 5, kind: "Nothing") { totalCount edges { cursor } } }`,
      { f: fabricId },
    );
    expect(empty).toEqual({ data: { resources: { totalCount: 0, edges: [] } } });
    const missing = await t.graphql(`query($f: ID!) { resources(fabricId: $f, first: 5) { edges { cursor } } }`, {
      f: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('hostile cursors and page sizes', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const hostile: [string, Record<string, unknown>, RegExp][] = [
    ['garbage', { first: 5, after: 'not a cursor!' }, /"after" is not a cursor of this list/],
    ['a NUL byte', { first: 5, after: 'abc\u0000def' }, /"after" is not a cursor/],
    ['a NUL byte inside the key', { first: 5, after: b64([1, 'resources', '', 'a\u0000', 'b', 'c']) }, /not a cursor/],
    [
      'base64 that is not JSON',
      { first: 5, before: Buffer.from('{{{').toString('base64url') },
      /"before" is not a cursor/,
    ],
    ['a wrong version', { first: 5, after: b64([2, 'resources', '', 'a', 'b', 'c']) }, /not a cursor/],
    ['a key too short', { first: 5, after: b64([1, 'resources', '', 'a', 'b']) }, /not a cursor/],
    ['a key of numbers', { first: 5, after: b64([1, 'resources', '', 1, 2, 3]) }, /not a cursor/],
    ['a name too long', { first: 5, after: b64([1, 'resources', '', 'k', 'n', 'x'.repeat(300)]) }, /not a cursor/],
    ['huge', { first: 5, after: 'A'.repeat(MAX_CURSOR_LENGTH + 1) }, /not a cursor/],
    ['very huge', { first: 5, after: 'A'.repeat(200_000) }, /not a cursor/],
    ['first and last together', { first: 5, last: 5 }, /"first" or "last", not both/],
    ['first below zero', { first: -1 }, /"first" must be between 0 and 100/],
    ['last above the maximum', { last: 101 }, /"last" must be between 0 and 100/],
  ];
  for (const [name, variables, message] of hostile) {
    it(`refuses ${name} with INVALID_INPUT`, async () => {
      const sent = { ...variables };
      // The fabric of the test is only known now: a cursor built for it (but otherwise hostile).
      for (const key of ['after', 'before'] as const) {
        const value = sent[key];
        if (typeof value === 'string' && value.length < 1000) {
          try {
            const decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
            if (Array.isArray(decoded) && decoded[2] === '') decoded[2] = fabricId;
            if (Array.isArray(decoded)) sent[key] = b64(decoded);
          } catch {}
        }
      }
      const result = await t.graphql(RESOURCES, { f: fabricId, ...sent });
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.message).toMatch(message);
      expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    });
  }

  it("refuses another fabric's cursor, and a cursor of another list", async () => {
    const theirs = await t.graphql<{ resources: Page }>(RESOURCES, { f: otherFabricId, first: 2 });
    const cursor = theirs.data!.resources.edges[0]!.cursor;
    const result = await t.graphql(RESOURCES, { f: fabricId, first: 2, after: cursor });
    expect(result.errors?.[0]).toMatchObject({
      message: 'Argument "after" is a cursor of another fabric',
      extensions: { code: 'INVALID_INPUT' },
    });
    const operations = await t.graphql<{ syncOperations: { edges: { cursor: string }[] } }>(
      `query($f: ID!) { syncOperations(fabricId: $f, first: 1) { edges { cursor } } }`,
      { f: fabricId },
    );
    const wrongList = await t.graphql(RESOURCES, {
      f: fabricId,
      first: 2,
      after: operations.data!.syncOperations.edges[0]!.cursor,
    });
    expect(wrongList.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    // Forged for the right fabric and list, the key is only a position: the page starts after it.
    const [key] = await queryDatabase<{ kind: string; namespace: string; name: string }>(
      t.database.url,
      'select kind, namespace, name from resource where id = $1',
      [ordered.at(-2)],
    );
    const forged = await t.graphql<{ resources: Page }>(RESOURCES, {
      f: fabricId,
      first: 100,
      after: encodeCursor('resources', fabricId, [key!.kind, key!.namespace, key!.name]),
    });
    expect(forged.data?.resources.edges.map((edge) => edge.node.id)).toEqual(ordered.slice(-1));
  });

  it('a fabric-limited token gets FORBIDDEN for another fabric, whatever the cursor', async () => {
    const limited = await t.createToken({ role: 'viewer', fabricIds: [fabricId] });
    const mine = await t.graphql<{ resources: Page }>(
      RESOURCES,
      { f: fabricId, first: 2 },
      {
        authorization: `Bearer ${limited}`,
      },
    );
    expect(mine.errors).toBeUndefined();
    const result = await t.graphql(
      RESOURCES,
      { f: otherFabricId, first: 2, after: mine.data!.resources.edges[0]!.cursor },
      { authorization: `Bearer ${limited}` },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('syncOperations', () => {
  const OPERATIONS = `query($f: ID, $first: Int, $last: Int, $after: String, $before: String) {
    syncOperations(fabricId: $f, first: $first, last: $last, after: $after, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id initiatedBy } }
    }
  }`;
  type OperationsPage = Page & { totalCount: number };
  const operationsPage = async (variables: Record<string, unknown>) => {
    const result = await t.graphql<{ syncOperations: OperationsPage }>(OPERATIONS, variables);
    expect(result.errors).toBeUndefined();
    return result.data!.syncOperations;
  };

  it('pages newest first, forwards and backwards, through every operation once', async () => {
    const expected = (
      await queryDatabase<{ id: string }>(
        t.database.url,
        'select id from sync_operation where fabric_id = $1 order by created_at desc, id desc',
        [fabricId],
      )
    ).map((row) => row.id);
    expect(expected).toHaveLength(11);
    const forwards: string[] = [];
    let after: string | null = null;
    for (;;) {
      const current: OperationsPage = await operationsPage({ f: fabricId, first: 4, after });
      expect(current.totalCount).toBe(11);
      forwards.push(...current.edges.map((edge) => edge.node.id));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(forwards).toEqual(expected);
    const backwards: string[] = [];
    let before: string | null = null;
    for (;;) {
      const current: OperationsPage = await operationsPage({ f: fabricId, last: 3, before });
      backwards.unshift(...current.edges.map((edge) => edge.node.id));
      if (!current.pageInfo.hasPreviousPage) break;
      before = current.pageInfo.startCursor;
    }
    expect(backwards).toEqual(expected);
  });

  it('pages every fabric at once without a fabricId, and refuses that cursor for one fabric', async () => {
    const all = await operationsPage({ first: 100 });
    expect(all.totalCount).toBe(12);
    const firstTwo = await operationsPage({ first: 2 });
    const rest = await operationsPage({ first: 100, after: firstTwo.pageInfo.endCursor });
    expect([...firstTwo.edges, ...rest.edges].map((edge) => edge.node.id)).toEqual(
      all.edges.map((edge) => edge.node.id),
    );
    const refused = await t.graphql(OPERATIONS, { f: fabricId, first: 2, after: firstTwo.pageInfo.endCursor });
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });

  it('refuses a cursor whose time is not one of ours', async () => {
    const forged = encodeCursor('syncOperations', fabricId, ["2026-01-01'; drop table x; --", crypto.randomUUID()]);
    const result = await t.graphql(OPERATIONS, { f: fabricId, first: 2, after: forged });
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const badId = encodeCursor('syncOperations', fabricId, ['2026-01-01T00:00:00.000000Z', 'not-a-uuid']);
    expect((await t.graphql(OPERATIONS, { f: fabricId, first: 2, after: badId })).errors?.[0]?.extensions?.code).toBe(
      'INVALID_INPUT',
    );
  });
});
