/**
 * `pendingChanges` is what the commit that follows does: drafts of every kind (create, update,
 * delete, one Git already matches) are reviewed through the API, committed, and the commit in
 * Git is compared with the review: the files added, changed and deleted, their contents, and the
 * unified diffs (against `git diff` of the same commit). On the native git adapter and the GitHub
 * test server.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, gitRaw, pushFromAnotherClone, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import {
  commitChanges,
  createDraftOf,
  editDraft,
  fileOf,
  pathOf,
  rows,
  sync,
  vlanNamespace,
  yamlOf,
} from './support.ts';

afterAll(removeScratchDirs);

const PENDING_FIELDS = `fabricId branch viaPullRequest baseCommit
  changes { resourceId kind namespace name action status reason path previousPath
            fieldChanges { path before after } before after diff }
  files { added changed deleted }
  validation { valid errorCount warningCount findingsTruncated errors { code message file } warnings { code file } }`;

interface PendingChangeResult {
  resourceId: string;
  kind: string;
  namespace: string;
  name: string;
  action: string;
  status: string;
  reason: string | null;
  path: string;
  previousPath: string | null;
  fieldChanges: { path: string; before: unknown; after: unknown }[];
  before: string | null;
  after: string | null;
  diff: string;
}

interface PendingResult {
  fabricId: string;
  branch: string;
  viaPullRequest: boolean;
  baseCommit: string | null;
  changes: PendingChangeResult[];
  files: { added: string[]; changed: string[]; deleted: string[] };
  validation: { valid: boolean; errorCount: number; warningCount: number; errors: { code: string; file: string }[] };
}

/**
 * `git diff` of one file between two commits, from its `---` line on (git's own headers dropped),
 * without the function context git prints after a hunk header (`@@ -3,7 +3,9 @@ kind: VLANNamespace`).
 */
async function gitDiff(remote: string, from: string, to: string, path: string): Promise<string> {
  const out = (
    await gitRaw(['--git-dir', remote, 'diff', '--no-color', '--no-renames', '-U3', from, to, '--', path])
  ).toString('utf8');
  return out.slice(out.indexOf('--- ')).replace(/^(@@ [^@]+ @@).*$/gm, '$1');
}

describe.each(tAdapters)('pendingChanges on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  let seedHead: string;
  beforeEach(async () => {
    env = await adapter.start();
    seedHead = await pushFromAnotherClone(env.remote, {
      files: {
        'README.md': '# fabric\n',
        ...fileOf(vlanNamespace('ns-a')),
        ...fileOf(vlanNamespace('ns-b')),
        ...fileOf(vlanNamespace('ns-c')),
      },
      message: 'seed',
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: 3 });
  });
  afterEach(() => env.stop());

  it('lists every draft with its action, field changes and the exact file the commit then writes', async () => {
    const { t, fabricId, remote } = env;
    const state = await rows(t, fabricId);
    await createDraftOf(t, fabricId, vlanNamespace('ns-d', 2500));
    await editDraft(t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1500, { team: 'blue' }));
    await editDraft(t, state.get('ns-c')!.id, vlanNamespace('ns-c')); // what Git already has
    await t.graphqlOk(`mutation($id: ID!) { deleteResource(id: $id) { id } }`, { id: state.get('ns-b')!.id });

    const before = env.github?.requestCount();
    const viaFabric = await t.graphqlOk<{ fabric: { pendingChanges: PendingResult } }>(
      `query($id: ID!) { fabric(id: $id) { pendingChanges { ${PENDING_FIELDS} } } }`,
      { id: fabricId },
    );
    // Git's side of the drafted files: one batched blob read on GitHub, nothing else.
    if (env.github) expect(env.github.requestCount() - before!).toBe(1);
    const pending = viaFabric.fabric.pendingChanges;
    const topLevel = await t.graphqlOk<{ pendingChanges: PendingResult }>(
      `query($id: ID!) { pendingChanges(fabricId: $id) { ${PENDING_FIELDS} } }`,
      { id: fabricId },
    );
    expect(topLevel.pendingChanges).toEqual(pending);

    expect(pending).toMatchObject({ fabricId, branch: 'main', viaPullRequest: false, baseCommit: seedHead });
    const byName = new Map(pending.changes.map((change) => [change.name, change]));
    expect(pending.changes.map((change) => [change.name, change.action, change.status])).toEqual([
      ['ns-a', 'UPDATE', 'INCLUDED'],
      ['ns-b', 'DELETE', 'INCLUDED'],
      ['ns-c', 'UPDATE', 'UNCHANGED'],
      ['ns-d', 'CREATE', 'INCLUDED'],
    ]);
    expect(byName.get('ns-a')!.fieldChanges).toEqual([
      { path: '$.metadata.labels', before: null, after: { team: 'blue' } },
      { path: '$.spec.ranges[0].to', before: 1999, after: 1500 },
    ]);
    expect(byName.get('ns-c')!).toMatchObject({ fieldChanges: [], diff: '', before: yamlOf(vlanNamespace('ns-c')) });
    expect(byName.get('ns-b')!).toMatchObject({
      path: pathOf(vlanNamespace('ns-b')),
      before: yamlOf(vlanNamespace('ns-b')),
      after: null,
    });
    expect(byName.get('ns-b')!.fieldChanges.map((change) => change.path)).toEqual([
      '$.apiVersion',
      '$.kind',
      '$.metadata',
      '$.spec',
    ]);
    expect(byName.get('ns-d')!).toMatchObject({ before: null, after: yamlOf(vlanNamespace('ns-d', 2500)) });
    expect(pending.files).toEqual({
      added: [pathOf(vlanNamespace('ns-d'))],
      changed: [pathOf(vlanNamespace('ns-a'))],
      deleted: [pathOf(vlanNamespace('ns-b'))],
    });
    expect(pending.validation).toMatchObject({ valid: true, errorCount: 0 });

    // Commit, and hold the review against what landed.
    const committed = await commitChanges(t, fabricId, 'reviewed change');
    expect(committed).toMatchObject({ status: 'COMPLETED', commitSha: expect.any(String) });
    const head = committed.commitSha!;
    expect((await git(['--git-dir', remote, 'rev-parse', `${head}^`])).trim()).toBe(pending.baseCommit);
    const changed = (
      await git(['--git-dir', remote, 'diff-tree', '-r', '--no-renames', '--name-status', seedHead, head])
    )
      .trim()
      .split('\n')
      .map((line) => line.split('\t') as [string, string]);
    expect({
      added: changed.filter(([status]) => status === 'A').map(([, path]) => path),
      changed: changed.filter(([status]) => status === 'M').map(([, path]) => path),
      deleted: changed.filter(([status]) => status === 'D').map(([, path]) => path),
    }).toEqual(pending.files);
    for (const change of pending.changes.filter((entry) => entry.status === 'INCLUDED')) {
      if (change.after !== null)
        expect((await readFileAt(remote, head, change.path)).toString('utf8')).toBe(change.after);
      if (change.before !== null)
        expect((await readFileAt(remote, seedHead, change.path)).toString('utf8')).toBe(change.before);
      expect(change.diff).toBe(await gitDiff(remote, seedHead, head, change.path));
    }
    // Nothing is pending any more.
    const after = await t.graphqlOk<{ pendingChanges: PendingResult }>(
      `query($id: ID!) { pendingChanges(fabricId: $id) { ${PENDING_FIELDS} } }`,
      { id: fabricId },
    );
    expect(after.pendingChanges).toMatchObject({ changes: [], files: { added: [], changed: [], deleted: [] } });
  });

  it.runIf(adapter.name === 'github')(
    'plans against the push branch when changes go through a pull request',
    async () => {
      const { t, fabricId, remote } = env;
      await t.graphqlOk(
        `mutation($id: ID!) { updateGitRepository(id: $id, input: { directPushEnabled: false }) { id } }`,
        { id: env.repositoryId },
      );
      const state = await rows(t, fabricId);
      await editDraft(t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1100));
      await createDraftOf(t, fabricId, vlanNamespace('ns-d', 2500));
      const query = `query($id: ID!) { pendingChanges(fabricId: $id) { ${PENDING_FIELDS} } }`;
      const { pendingChanges } = await t.graphqlOk<{ pendingChanges: PendingResult }>(query, { id: fabricId });
      expect(pendingChanges).toMatchObject({ viaPullRequest: true, baseCommit: seedHead });
      expect(pendingChanges.branch).not.toBe('main');
      expect(pendingChanges.files).toEqual({
        added: [pathOf(vlanNamespace('ns-d'))],
        changed: [pathOf(vlanNamespace('ns-a'))],
        deleted: [],
      });
      const proposed = await commitChanges(t, fabricId, 'proposal');
      expect(proposed.details.push.branch).toBe(pendingChanges.branch);
      const head = (await git(['--git-dir', remote, 'rev-parse', `refs/heads/${pendingChanges.branch}`])).trim();
      expect((await git(['--git-dir', remote, 'rev-parse', `${head}^`])).trim()).toBe(seedHead);
      for (const change of pendingChanges.changes)
        expect((await readFileAt(remote, head, change.path)).toString('utf8')).toBe(change.after);
      // The drafts stay until the merge comes back, but the branch has them: nothing more to commit.
      const again = (await t.graphqlOk<{ pendingChanges: PendingResult }>(query, { id: fabricId })).pendingChanges;
      expect(again.baseCommit).toBe(head);
      expect(again.changes.map((change) => [change.name, change.status])).toEqual([
        ['ns-a', 'UNCHANGED'],
        ['ns-d', 'UNCHANGED'],
      ]);
      expect(again.files).toEqual({ added: [], changed: [], deleted: [] });
    },
  );

  it('shows a conflicted draft as held back, and the commit leaves it out', async () => {
    const { t, fabricId, remote } = env;
    const state = await rows(t, fabricId);
    await editDraft(t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1500));
    await editDraft(t, state.get('ns-c')!.id, vlanNamespace('ns-c', 1700));
    // Someone changes ns-a in Git meanwhile: the pull flags the draft as in conflict.
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a', 1600)) });
    await sync(t, fabricId, 'PULL');
    expect((await rows(t, fabricId)).get('ns-a')!.conflict_status).toBe('detected');

    const { pendingChanges } = await t.graphqlOk<{ pendingChanges: PendingResult }>(
      `query($id: ID!) { pendingChanges(fabricId: $id) { ${PENDING_FIELDS} } }`,
      { id: fabricId },
    );
    expect(pendingChanges.changes.map((change) => [change.name, change.status])).toEqual([
      ['ns-a', 'HELD_BACK'],
      ['ns-c', 'INCLUDED'],
    ]);
    expect(pendingChanges.changes[0]!.reason).toMatch(/conflict/);
    expect(pendingChanges.files).toEqual({ added: [], changed: [pathOf(vlanNamespace('ns-c'))], deleted: [] });
    const committed = await commitChanges(t, fabricId, 'only what is ready');
    const names = (
      await git([
        '--git-dir',
        remote,
        'diff-tree',
        '-r',
        '--name-only',
        `${committed.commitSha}^`,
        committed.commitSha!,
      ])
    )
      .trim()
      .split('\n');
    expect(names).toEqual(pendingChanges.files.changed);
  });
});

describe('pendingChanges: the whole fabric, validated', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
  });
  afterEach(() => env.stop());

  it('reports findings of objects no draft touches, each with the file it lives in', async () => {
    const { t, fabricId } = env;
    const broken = vlanNamespace('ns-broken');
    broken.spec = {
      ranges: [
        { from: 1000, to: 1999 },
        { from: 1500, to: 2500 },
      ],
    };
    await pushFromAnotherClone(env.remote, { files: { ...fileOf(broken), ...fileOf(vlanNamespace('ns-a')) } });
    await sync(t, fabricId, 'PULL');
    expect((await rows(t, fabricId)).has('ns-broken')).toBe(true);
    await createDraftOf(t, fabricId, vlanNamespace('ns-new', 1100));
    const { pendingChanges } = await t.graphqlOk<{ pendingChanges: PendingResult }>(
      `query($id: ID!) { pendingChanges(fabricId: $id) { ${PENDING_FIELDS} } }`,
      { id: fabricId },
    );
    expect(pendingChanges.changes.map((change) => change.name)).toEqual(['ns-new']);
    expect(pendingChanges.validation.valid).toBe(false);
    expect(pendingChanges.validation.errors).toEqual([
      expect.objectContaining({ code: 'VLAN_RANGES_OVERLAP', file: pathOf(broken) }),
    ]);
  });

  it('validates a large fabric on a worker thread, with the same findings', async () => {
    const { t, fabricId } = env;
    const broken = vlanNamespace('ns-broken');
    broken.spec = {
      ranges: [
        { from: 1000, to: 1999 },
        { from: 1500, to: 2500 },
      ],
    };
    const files = Object.assign(
      fileOf(broken),
      ...Array.from({ length: 250 }, (_, index) => fileOf(vlanNamespace(`ns-${String(index).padStart(3, '0')}`))),
    );
    await pushFromAnotherClone(env.remote, { files });
    await sync(t, fabricId, 'PULL');
    await createDraftOf(t, fabricId, vlanNamespace('ns-new', 1100));
    const before = t.app.dependencies.validator.stats().completedOnWorkers;
    const { pendingChanges } = await t.graphqlOk<{ pendingChanges: PendingResult }>(
      `query($id: ID!) { pendingChanges(fabricId: $id) { ${PENDING_FIELDS} } }`,
      { id: fabricId },
    );
    expect(t.app.dependencies.validator.stats().completedOnWorkers).toBe(before + 1);
    expect(pendingChanges.validation.errors).toEqual([
      expect.objectContaining({ code: 'VLAN_RANGES_OVERLAP', file: pathOf(broken) }),
    ]);
  });
});

describe('pendingChanges: hostile rows', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
  });
  afterEach(() => env.stop());

  it("refuses other fabrics' ids to a fabric-limited token, and malformed ids, changing nothing", async () => {
    const { t, fabricId } = env;
    await createDraftOf(t, fabricId, vlanNamespace('ns-x'));
    const other = await t.graphqlOk<{ createFabric: { id: string } }>(
      `mutation { createFabric(input: { name: "other-fabric" }) { id } }`,
    );
    const limited = await t.createToken({ role: 'viewer', fabricIds: [other.createFabric.id] });
    const asLimited = { authorization: `Bearer ${limited}` };
    const query = `query($id: ID!) { pendingChanges(fabricId: $id) { changes { name } } }`;
    const refused = await t.graphql(query, { id: fabricId }, asLimited);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viaFabric = await t.graphql(
      `query($id: ID!) { fabric(id: $id) { pendingChanges { changes { name } } } }`,
      { id: fabricId },
      asLimited,
    );
    expect(viaFabric.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(refused)).not.toContain('ns-x');
    for (const id of ['not-a-uuid', 'a\u0000b', '00000000-0000-0000-0000-000000000000']) {
      const answer = await t.graphql(query, { id });
      expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    // Its own (empty) fabric reads fine.
    const own = await t.graphql<{ pendingChanges: { changes: unknown[] } }>(
      query,
      { id: other.createFabric.id },
      asLimited,
    );
    expect(own.data?.pendingChanges.changes).toEqual([]);
  });
});
