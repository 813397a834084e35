/**
 * A GitHub listing whose completeness is unknown deletes nothing. The GitHub test server cuts tree
 * answers beyond a number of entries, as GitHub does beyond 100,000 (REST: `truncated: true`;
 * GraphQL `Tree.entries`: silently). The limit is lowered here so small fabrics cross it:
 * (a) a listing cut as a whole but readable folder by folder gives every row right;
 * (b) a folder cut even alone is listed over git's smart HTTP protocol and every row is right;
 * (c) a folder cut even alone that git cannot list either (its endpoint gone) fails the pull and
 *     the push with the reason, and nothing changes: rows, last pulled commit and the branch stay
 *     as they were, no commit is made.
 * Real gateway, real database, real git behind the test server.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { managedFilePath, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { gitBlobOid } from '../../src/git/blob-oid.ts';
import { queryDatabase, rowCounts } from '../support/database.ts';
import {
  listedTree,
  treeObjectOid,
  UnverifiedListing,
  type RawRestTreeEntry,
} from '../../src/git/github/tree-listing.ts';
import {
  branchHead,
  createBareRepository,
  git,
  gitLog,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { BareRepository } from '../support/github-server/bare-repository.ts';
import { referenceFabric } from '../gitops/support.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { createDraftOf, fabricRow, operation, sync, vlanNamespace, yamlOf } from '../sync/support.ts';

afterAll(removeScratchDirs);

const github = tAdapters.find((adapter) => adapter.name === 'github')!;

/** The reference fabric plus 40 VLAN namespaces: several folders, the VLAN namespaces' the largest. */
function fabricObjects(): HedgehogObject[] {
  return [
    ...referenceFabric(),
    ...Array.from({ length: 40 }, (_, index) => vlanNamespace(`ns-${String(index).padStart(2, '0')}`)),
  ];
}

const filesOf = (objects: readonly HedgehogObject[]) =>
  Object.fromEntries(objects.map((object) => [`fabric/${managedFilePath(object)}`, yamlOf(object)]));

/** Files per folder below fabric/managed. */
function folderSizes(objects: readonly HedgehogObject[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const object of objects) {
    const folder = managedFilePath(object).split('/').slice(0, -1).join('/');
    sizes.set(folder, (sizes.get(folder) ?? 0) + 1);
  }
  return sizes;
}

async function pullFull(env: GatewayWithRemote) {
  const started = await env.t.graphqlOk<{ syncFabric: { id: string } }>(
    `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL, fullListing: true) { id } }`,
    { id: env.fabricId },
  );
  await env.t.app.runner.idle();
  return operation(env.t, started.syncFabric.id);
}

/** Everything a pull or a push could change, for before/after comparison. */
async function snapshot(env: GatewayWithRemote) {
  const url = env.t.database.url;
  const counts = await rowCounts(url, ['resource', 'fabric', 'git_repository']);
  return {
    counts,
    resources: await queryDatabase(url, 'select * from resource where fabric_id = $1 order by id', [env.fabricId]),
    lastPulledCommit: (await fabricRow(env.t, env.fabricId)).last_pulled_commit,
    head: await branchHead(env.remote, 'main'),
    branches: await git(['--git-dir', env.remote, 'for-each-ref', '--format=%(refname) %(objectname)']),
    commitsMade: env.github!.requestCount('CreateCommitOnBranch') + env.github!.requestCount('rest:putContents'),
  };
}

// About a hundred files pulled several times: slow on a busy machine.
describe('GitHub tree listings cut at the API limit', { timeout: 120_000 }, () => {
  let env: GatewayWithRemote;
  const objects = fabricObjects();
  const sizes = folderSizes(objects);
  const largest = Math.max(...sizes.values());
  const secondLargest = Math.max(
    ...[...sizes].filter(([folder]) => folder !== 'managed/vlannamespaces').map(([, size]) => size),
  );
  beforeEach(async () => {
    env = await github.start();
  });
  afterEach(() => env.stop());

  it('(a) a listing cut as a whole is read folder by folder and every row is right, deletions included', async () => {
    // Each folder fits in one answer; the fabric as a whole does not.
    env.github!.state.maxTreeEntries = largest + 2;
    expect(objects.length).toBeGreaterThan(env.github!.state.maxTreeEntries);
    const head = await pushFromAnotherClone(env.remote, {
      files: { 'README.md': '# fabric\n', ...filesOf(objects) },
      message: 'seed',
    });

    const first = await sync(env.t, env.fabricId, 'PULL');
    expect(first).toMatchObject({
      status: 'COMPLETED',
      errorMessage: null,
      filesCreated: objects.length,
      filesDeleted: 0,
    });
    // More than one tree answer: the recursive one was cut and the folders were listed one by one.
    expect(env.github!.requestCount('rest:getTree')).toBeGreaterThan(2);

    const stored = await queryDatabase<{ managed_file_path: string; desired_blob_oid: string; desired_commit: string }>(
      env.t.database.url,
      'select managed_file_path, desired_blob_oid, desired_commit from resource where fabric_id = $1 order by managed_file_path',
      [env.fabricId],
    );
    const expected = objects.map((object) => ({
      managed_file_path: managedFilePath(object),
      desired_blob_oid: gitBlobOid(yamlOf(object)),
      desired_commit: head,
    }));
    expected.sort((a, b) => (a.managed_file_path < b.managed_file_path ? -1 : 1));
    expect(stored).toEqual(expected);

    // A deletion found by a full listing through the same fallback still removes the row.
    const gone = objects.find((object) => object.kind === 'VLANNamespace')!;
    await pushFromAnotherClone(env.remote, { deletions: [`fabric/${managedFilePath(gone)}`] });
    const again = await pullFull(env);
    expect(again).toMatchObject({ status: 'COMPLETED', filesCreated: 0, filesUpdated: 0, filesDeleted: 1 });
    const [{ n }] = (await queryDatabase<{ n: string }>(
      env.t.database.url,
      'select count(*) as n from resource where fabric_id = $1',
      [env.fabricId],
    )) as [{ n: string }];
    expect(Number(n)).toBe(objects.length - 1);
  });

  it('(b) a folder cut even on its own is listed over git, and every row is right, deletions included', async () => {
    await pushFromAnotherClone(env.remote, { files: filesOf(objects), message: 'seed' });
    // The VLAN namespace folder (40 files), and it alone, is too large for one answer.
    env.github!.state.maxTreeEntries = secondLargest + 1;
    expect(sizes.get('managed/vlannamespaces')).toBeGreaterThan(env.github!.state.maxTreeEntries);
    const first = await sync(env.t, env.fabricId, 'PULL');
    expect(first).toMatchObject({ status: 'COMPLETED', errorMessage: null, filesCreated: objects.length });
    expect(env.github!.requestCount('git:upload-pack')).toBeGreaterThan(0);

    const gone = objects.filter((object) => object.kind === 'VLANNamespace').slice(0, 2);
    const head = await pushFromAnotherClone(env.remote, {
      deletions: gone.map((object) => `fabric/${managedFilePath(object)}`),
    });
    const again = await pullFull(env);
    expect(again).toMatchObject({ status: 'COMPLETED', filesCreated: 0, filesUpdated: 0, filesDeleted: 2 });
    const stored = await queryDatabase<{ managed_file_path: string; desired_blob_oid: string }>(
      env.t.database.url,
      'select managed_file_path, desired_blob_oid from resource where fabric_id = $1 order by managed_file_path',
      [env.fabricId],
    );
    const expected = objects
      .filter((object) => !gone.includes(object))
      .map((object) => ({ managed_file_path: managedFilePath(object), desired_blob_oid: gitBlobOid(yamlOf(object)) }))
      .sort((a, b) => (a.managed_file_path < b.managed_file_path ? -1 : 1));
    expect(stored).toEqual(expected);
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(head);
  });

  it('(c) a folder cut even on its own that git cannot list either fails the pull and the push with the reason; nothing is removed, nothing committed', async () => {
    await pushFromAnotherClone(env.remote, { files: filesOf(objects), message: 'seed' });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({
      status: 'COMPLETED',
      filesCreated: objects.length,
    });
    const draftId = await createDraftOf(env.t, env.fabricId, vlanNamespace('ns-new'));

    // From now on the VLAN namespace folder (40 files), and it alone, is too large for one answer.
    expect(sizes.get('managed/vlannamespaces')).toBe(largest);
    expect(secondLargest).toBeLessThan(largest - 1);
    env.github!.state.maxTreeEntries = secondLargest + 1;
    // ...and git's endpoint does not answer for the repository.
    env.github!.gitProtocol.enabled = false;
    const before = await snapshot(env);

    const pulled = await pullFull(env);
    expect(pulled).toMatchObject({ status: 'FAILED', filesDeleted: 0 });
    expect(pulled.errorMessage).toMatch(
      /cut the listing of fabric\/managed\/vlannamespaces .*even for that folder alone, and listing it over git .* failed/,
    );
    expect(await snapshot(env)).toEqual(before);

    // A rewritten history makes the push's own pull list in full: it fails the same way, before committing.
    const rewritten = await pushFromAnotherClone(env.remote, {
      files: { 'README.md': 'rewritten\n' },
      amend: true,
      message: 'rewritten',
    });
    const beforePush = await snapshot(env);
    expect(beforePush.head).toBe(rewritten);
    const pushed = await sync(env.t, env.fabricId, 'PUSH');
    expect(pushed.status).toBe('FAILED');
    expect(pushed.commitSha).toBeNull();
    expect(pushed.errorMessage).toMatch(/cut the listing of fabric\/managed\/vlannamespaces/);
    expect(await snapshot(env)).toEqual(beforePush);
    expect((await gitLog(env.remote, 'main')).map((commit) => commit.message)).toEqual(['rewritten']);
    const [draft] = await queryDatabase<{ draft_action: string }>(
      env.t.database.url,
      'select draft_action from resource where id = $1',
      [draftId],
    );
    expect(draft?.draft_action).toBe('upsert');

    // Once git answers again, the next pull completes and nothing was lost meanwhile.
    env.github!.gitProtocol.enabled = true;
    const recovered = await pullFull(env);
    expect(recovered).toMatchObject({ status: 'COMPLETED', filesDeleted: 0 });
  });
});

describe('a tree answer is used only when it adds up to its tree oid', () => {
  it('re-hashes every tree of the answer as git does; a missing, extra or altered entry is refused', async () => {
    const remote = await createBareRepository();
    const head = await pushFromAnotherClone(remote, {
      files: {
        'fabric/a.yaml': 'a\n',
        'fabric/a-b.yaml': 'ab\n',
        'fabric/a/inner.yaml': 'inner\n',
        'fabric/a.b/x.yaml': 'x\n',
        'fabric/caf\u00e9.yaml': 'unicode\n',
        'fabric/deep/1/2/3/leaf.yaml': 'leaf\n',
        'fabric/run.sh': '#!/bin/sh\n',
      },
    });
    const repository = new BareRepository(remote);
    const fabricTree = (await repository.resolve(`${head}:fabric`))!.oid;
    const asGitHub = async (recursive: boolean): Promise<RawRestTreeEntry[]> =>
      (recursive ? await repository.lsTreeRecursive(fabricTree) : await repository.lsTree(fabricTree)).map((entry) => ({
        path: entry.name,
        mode: entry.mode,
        type: entry.type,
        sha: entry.oid,
        ...(entry.type === 'blob' ? { size: entry.size } : {}),
      }));

    const whole = await asGitHub(true);
    const listed = listedTree(fabricTree, 'fabric', whole, true);
    expect(listed.subtrees).toEqual([]);
    expect(listed.blobs.map((blob) => blob.path).sort()).toEqual([
      'fabric/a-b.yaml',
      'fabric/a.b/x.yaml',
      'fabric/a.yaml',
      'fabric/a/inner.yaml',
      'fabric/caf\u00e9.yaml',
      'fabric/deep/1/2/3/leaf.yaml',
      'fabric/run.sh',
    ]);
    expect(listed.blobs.every((blob) => blob.mode === '100644' && blob.size > 0)).toBe(true);

    const level = listedTree(fabricTree, 'fabric', await asGitHub(false), false);
    expect(level.subtrees.map((subtree) => subtree.path)).toEqual(['fabric/a.b', 'fabric/a', 'fabric/deep']); // git's order: a tree sorts as if named 'a/'
    expect(treeObjectOid([])).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');

    const refused = (entries: RawRestTreeEntry[], recursive = true) => {
      expect(() => listedTree(fabricTree, 'fabric', entries, recursive)).toThrow(UnverifiedListing);
    };
    refused(whole.filter((entry) => entry.path !== 'deep/1/2/3/leaf.yaml')); // an entry deep down left out
    refused(whole.filter((entry) => entry.path !== 'a.yaml')); // one at the top left out
    refused([...whole, { path: 'extra.yaml', mode: '100644', type: 'blob', sha: '0'.repeat(40), size: 1 }]);
    refused(whole.map((entry) => (entry.path === 'a/inner.yaml' ? { ...entry, sha: 'f'.repeat(40) } : entry)));
    refused(whole.map((entry) => (entry.path === 'a.yaml' ? { ...entry, mode: '100755' } : entry)));
    refused(whole.filter((entry) => entry.path !== 'deep/1')); // entries below a tree the answer did not name
    refused(whole, false); // deeper paths in an answer asked for one level
    refused([{ path: '../escape', mode: 'x', type: 'blob', sha: 'nope' }]);
  });
});
