/**
 * `Resource.history`, `Fabric.commits` and `revertResource` through the API, on the native git
 * adapter and the GitHub test server: commits made by the gateway (with their trailers) and by
 * others, the file's diff in each (held against `git diff`), paging, reverting to an older
 * version and to before the file existed, the cost of a page on GitHub, and the hostile rows.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBareRepository,
  git,
  gitRaw,
  pushFromAnotherClone,
  readFileAt,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { queryDatabase } from '../support/database.ts';
import { commitChanges, editDraft, fileOf, pathOf, rows, sync, vlanNamespace, yamlOf } from './support.ts';

afterAll(removeScratchDirs);

const HISTORY = `query($id: ID!, $first: Int, $after: String) {
  resource(id: $id) {
    history(first: $first, after: $after) {
      edges { cursor node {
        commit { sha headline message authorName authorEmail authoredAt committedAt gatewayOperationId gatewayActor }
        path change blobOid previousBlobOid diff } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

const COMMITS = `query($id: ID!, $first: Int, $after: String) {
  fabric(id: $id) {
    commits(first: $first, after: $after) {
      edges { cursor node { sha headline gatewayOperationId gatewayActor } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const REVERT = `mutation($id: ID!, $commit: String!) {
  revertResource(id: $id, commit: $commit) { id draft { action spec } }
}`;

interface HistoryEdge {
  cursor: string;
  node: {
    commit: {
      sha: string;
      headline: string;
      message: string;
      authorName: string;
      authorEmail: string;
      authoredAt: string;
      committedAt: string;
      gatewayOperationId: string | null;
      gatewayActor: string | null;
    };
    path: string;
    change: string;
    blobOid: string | null;
    previousBlobOid: string | null;
    diff: string;
  };
}
interface HistoryPage {
  edges: HistoryEdge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** `git diff` of a file in one commit against its first parent, headers as ours (see pending-changes.test.ts). */
async function gitDiffOf(remote: string, commit: string, path: string): Promise<string> {
  const parent = await git(['--git-dir', remote, 'rev-parse', '--verify', '--quiet', `${commit}^`]).catch(() => '');
  const from = parent.trim() || (await git(['--git-dir', remote, 'hash-object', '-t', 'tree', '/dev/null'])).trim();
  const out = (
    await gitRaw(['--git-dir', remote, 'diff', '--no-color', '--no-renames', '-U3', from, commit, '--', path])
  ).toString('utf8');
  return out.slice(out.indexOf('--- ')).replace(/^(@@ [^@]+ @@).*$/gm, '$1');
}

describe.each(tAdapters)('history and revert on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  /** The commits: README only; ns-a added (with ns-b); the gateway's edit of ns-a; someone else's; README again. */
  let commits: { readme: string; seed: string; ours: string; theirs: string; outside: string };
  let operationId: string;
  let resourceId: string;

  beforeEach(async () => {
    env = await adapter.start();
    const readme = await pushFromAnotherClone(env.remote, { files: { 'README.md': '# fabric\n' }, message: 'readme' });
    const seed = await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-a')), ...fileOf(vlanNamespace('ns-b')) },
      message: 'seed',
    });
    await sync(env.t, env.fabricId, 'PULL');
    resourceId = (await rows(env.t, env.fabricId)).get('ns-a')!.id;
    await editDraft(env.t, resourceId, vlanNamespace('ns-a', 1500));
    const pushed = await commitChanges(env.t, env.fabricId, 'narrow ns-a');
    expect(pushed.status).toBe('COMPLETED');
    operationId = pushed.id;
    const theirs = await pushFromAnotherClone(env.remote, {
      files: fileOf(vlanNamespace('ns-a', 1600)),
      message: 'widen ns-a by hand',
    });
    const outside = await pushFromAnotherClone(env.remote, { files: { 'README.md': '# the fabric\n' } });
    await sync(env.t, env.fabricId, 'PULL');
    commits = { readme, seed, ours: pushed.commitSha!, theirs, outside };
  });
  afterEach(() => env.stop());

  it("lists a resource's commits newest first with author, trailers and the file's diff, page by page", async () => {
    const { t, remote } = env;
    const path = pathOf(vlanNamespace('ns-a'));
    const first = (await t.graphqlOk<{ resource: { history: HistoryPage } }>(HISTORY, { id: resourceId, first: 2 }))
      .resource.history;
    expect(first.edges.map((edge) => edge.node.commit.sha)).toEqual([commits.theirs, commits.ours]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.endCursor).toBe(first.edges[1]!.cursor);
    const [theirs, ours] = first.edges.map((edge) => edge.node);
    expect(theirs!.commit).toMatchObject({
      headline: 'widen ns-a by hand',
      authorName: 'Someone Else',
      gatewayOperationId: null,
      gatewayActor: null,
    });
    expect(ours!.commit).toMatchObject({
      headline: 'narrow ns-a',
      gatewayOperationId: operationId,
      gatewayActor: 'test-admin',
    });
    expect(ours!.commit.message).toContain(`Gateway-Operation: ${operationId}`);
    expect(Date.parse(ours!.commit.committedAt)).toBeLessThanOrEqual(Date.parse(theirs!.commit.committedAt));
    expect(ours).toMatchObject({ path, change: 'MODIFIED' });
    expect(ours!.diff).toContain('-      to: 1999\n+      to: 1500\n');
    const second = (
      await t.graphqlOk<{ resource: { history: HistoryPage } }>(HISTORY, {
        id: resourceId,
        first: 2,
        after: first.pageInfo.endCursor,
      })
    ).resource.history;
    expect(second.edges.map((edge) => edge.node.commit.sha)).toEqual([commits.seed]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(second.edges[0]!.node).toMatchObject({ change: 'ADDED', previousBlobOid: null });
    // Each diff is git's own diff of the file in that commit.
    for (const edge of [...first.edges, ...second.edges])
      expect(edge.node.diff).toBe(await gitDiffOf(remote, edge.node.commit.sha, path));
  });

  it("lists the fabric directory's commits, not those outside it", async () => {
    const { t, fabricId } = env;
    const page = (await t.graphqlOk<{ fabric: { commits: HistoryPage } }>(COMMITS, { id: fabricId, first: 10 })).fabric
      .commits;
    expect(page.edges.map((edge) => (edge.node as unknown as { sha: string }).sha)).toEqual([
      commits.theirs,
      commits.ours,
      commits.seed,
    ]);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('reverts a resource to an older commit as a draft, which the next commit writes back', async () => {
    const { t, fabricId, remote } = env;
    const reverted = await t.graphqlOk<{ revertResource: { id: string; draft: { action: string; spec: unknown } } }>(
      REVERT,
      { id: resourceId, commit: commits.seed },
    );
    expect(reverted.revertResource).toEqual({
      id: resourceId,
      draft: { action: 'UPSERT', spec: vlanNamespace('ns-a').spec },
    });
    const pending = await t.graphqlOk<{
      pendingChanges: { changes: { name: string; action: string; diff: string }[] };
    }>(`query($id: ID!) { pendingChanges(fabricId: $id) { changes { name action diff } } }`, { id: fabricId });
    expect(pending.pendingChanges.changes).toEqual([
      expect.objectContaining({
        name: 'ns-a',
        action: 'UPDATE',
        diff: expect.stringContaining('-      to: 1600\n+      to: 1999\n'),
      }),
    ]);
    const committed = await commitChanges(t, fabricId, 'back to the seed');
    expect((await readFileAt(remote, committed.commitSha!, pathOf(vlanNamespace('ns-a')))).toString()).toBe(
      yamlOf(vlanNamespace('ns-a')),
    );
    // A commit where the file did not exist yet: the revert is a delete.
    const gone = await t.graphqlOk<{ revertResource: { draft: { action: string } } }>(REVERT, {
      id: resourceId,
      commit: commits.readme,
    });
    expect(gone.revertResource.draft.action).toBe('DELETE');
  });

  it('refuses malformed commits, unknown ones, other repositories’ and bad pages, changing nothing', async () => {
    const { t, fabricId } = env;
    const elsewhere = await pushFromAnotherClone(await createBareRepository(), {
      files: fileOf(vlanNamespace('ns-a', 1200)),
    });
    const before = await queryDatabase(t.database.url, 'select id, version, draft_action from resource order by id');
    const code = async (query: string, variables: Record<string, unknown>) =>
      (await t.graphql(query, variables)).errors?.[0]?.extensions?.code;
    for (const commit of [
      '',
      'xyz',
      commits.seed.slice(0, 12),
      `${commits.seed}\u0000`,
      'g'.repeat(40),
      'a'.repeat(100_000),
    ])
      expect(await code(REVERT, { id: resourceId, commit })).toBe('INVALID_INPUT');
    expect(await code(REVERT, { id: resourceId, commit: elsewhere })).toBe('NOT_FOUND');
    expect(await code(REVERT, { id: resourceId, commit: '0123456789012345678901234567890123456789' })).toBe(
      'NOT_FOUND',
    );
    expect(await code(REVERT, { id: '00000000-0000-0000-0000-000000000000', commit: commits.seed })).toBe('NOT_FOUND');
    for (const first of [-1, 0, 101, 1_000_000])
      expect(await code(HISTORY, { id: resourceId, first })).toBe('INVALID_INPUT');
    for (const after of [
      'abc\u0000def',
      'not a cursor',
      'x'.repeat(10_000),
      Buffer.from(`${elsewhere}.1\u0000`).toString('base64url'),
    ])
      expect(await code(HISTORY, { id: resourceId, first: 1, after })).toBe('INVALID_INPUT');
    // A well-formed cursor whose head is another repository's commit.
    expect(
      await code(HISTORY, { id: resourceId, first: 1, after: Buffer.from(`${elsewhere}.1`).toString('base64url') }),
    ).toBe('NOT_FOUND');
    expect(
      await code(`query($id: ID!) { resource(id: $id) { history(last: 1) { edges { cursor } } } }`, { id: resourceId }),
    ).toBe('INVALID_INPUT');
    expect(await code(COMMITS, { id: fabricId, first: 1_000_000 })).toBe('INVALID_INPUT');
    expect(await queryDatabase(t.database.url, 'select id, version, draft_action from resource order by id')).toEqual(
      before,
    );
  });

  it.runIf(adapter.name === 'github')('costs one history request and one blob read per page on GitHub', async () => {
    const { t, github } = env;
    const first = (await t.graphqlOk<{ resource: { history: HistoryPage } }>(HISTORY, { id: resourceId, first: 1 }))
      .resource.history;
    const before = new Map(github!.requests);
    const next = (
      await t.graphqlOk<{ resource: { history: HistoryPage } }>(HISTORY, {
        id: resourceId,
        first: 1,
        after: first.pageInfo.endCursor,
      })
    ).resource.history;
    expect(next.edges).toHaveLength(1);
    const sent = [...github!.requests]
      .map(([operation, count]) => [operation, count - (before.get(operation) ?? 0)] as const)
      .filter(([, count]) => count > 0);
    expect(Object.fromEntries(sent)).toEqual({ PathHistory: 1, ReadBlobs: 1 });
    // A page of 100 costs the same.
    const large = new Map(github!.requests);
    await t.graphqlOk(HISTORY, { id: resourceId, first: 100 });
    const largeSent = [...github!.requests].filter(([operation, count]) => count > (large.get(operation) ?? 0));
    expect(
      Object.fromEntries(largeSent.map(([operation, count]) => [operation, count - (large.get(operation) ?? 0)])),
    ).toEqual({
      BranchHead: 1,
      PathHistory: 1,
      ReadBlobs: 1,
    });
  });
});

describe('revert: validated like any draft', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
  });
  afterEach(() => env.stop());

  it('refuses to restore a version that fails validation, with its findings, and records nothing', async () => {
    const { t, fabricId } = env;
    const broken = vlanNamespace('ns-a');
    broken.spec = {
      ranges: [
        { from: 1000, to: 1999 },
        { from: 1500, to: 2500 },
      ],
    };
    const bad = await pushFromAnotherClone(env.remote, { files: fileOf(broken), message: 'overlapping ranges' });
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')), message: 'fixed' });
    await sync(t, fabricId, 'PULL');
    const resourceId = (await rows(t, fabricId)).get('ns-a')!.id;
    const answer = await t.graphql(REVERT, { id: resourceId, commit: bad });
    expect(answer.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(JSON.stringify(answer.errors?.[0]?.extensions)).toContain('VLAN_RANGES_OVERLAP');
    expect((await rows(t, fabricId)).get('ns-a')!.draft_action).toBeNull();
  });
});

describe('history and revert: a fabric-limited token', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
  });
  afterEach(() => env.stop());

  it("is refused another fabric's resource (history and revert) and changes nothing", async () => {
    const { t, fabricId } = env;
    const seed = await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')) });
    await sync(t, fabricId, 'PULL');
    const resourceId = (await rows(t, fabricId)).get('ns-a')!.id;
    const other = await t.graphqlOk<{ createFabric: { id: string } }>(
      `mutation { createFabric(input: { name: "other" }) { id } }`,
    );
    const limited = await t.createToken({ role: 'operator', fabricIds: [other.createFabric.id] });
    const asLimited = { authorization: `Bearer ${limited}` };
    const history = await t.graphql(HISTORY, { id: resourceId, first: 1 }, asLimited);
    expect(history.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const commitsOf = await t.graphql(COMMITS, { id: fabricId, first: 1 }, asLimited);
    expect(commitsOf.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const revert = await t.graphql(REVERT, { id: resourceId, commit: seed }, asLimited);
    expect(revert.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify([history, commitsOf, revert])).not.toContain(seed);
    expect((await rows(t, fabricId)).get('ns-a')!.draft_action).toBeNull();
  });
});
