/**
 * The sync end to end on both adapters (native git on a file:// bare repository, the GitHub
 * test server) and the run's PostgreSQL server: pulls, pushes, races at the remote,
 * conflicts and every strategy, pull requests.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommitRequest, GitHost } from '../../src/git/git-host.ts';
import { gitBlobOid } from '../../src/hedgehog/canonical.ts';
import { queryDatabase } from '../support/database.ts';
import { gitLog, listFiles, pushFromAnotherClone, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import {
  commitChanges,
  createDraftOf,
  editDraft,
  fabricRow,
  fileOf,
  operation,
  parsed,
  pathOf,
  rows,
  sync,
  vlanNamespace,
  yamlOf,
} from './support.ts';

afterAll(removeScratchDirs);

describe.each(tAdapters)('sync on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  let hosts: GitHostHook;
  let seedHead: string;
  beforeEach(async () => {
    hosts = gitHostHook();
    env = await adapter.start({ openGitHost: hosts.openGitHost });
    seedHead = await pushFromAnotherClone(env.remote, {
      files: {
        'README.md': '# fabric\n',
        ...fileOf(vlanNamespace('ns-a')),
        ...fileOf(vlanNamespace('ns-b')),
        ...fileOf(vlanNamespace('ns-c')),
      },
      message: 'seed',
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 3 });
  });
  afterEach(() => env.stop());

  it('pulls: rows carry the desired state and blob oids; an unchanged head is a no-op', async () => {
    const state = await rows(env.t, env.fabricId);
    expect([...state.keys()]).toEqual(['ns-a', 'ns-b', 'ns-c']);
    expect(state.get('ns-a')).toMatchObject({
      kind: 'VLANNamespace',
      desired_spec: { ranges: [{ from: 1000, to: 1999 }] },
      managed_file_path: 'managed/vlannamespaces/ns-a.yaml',
      desired_blob_oid: gitBlobOid(yamlOf(vlanNamespace('ns-a'))),
      draft_action: null,
    });
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(seedHead);
    const again = await sync(env.t, env.fabricId, 'PULL');
    expect(again).toMatchObject({ status: 'COMPLETED', filesProcessed: 0, phase: 'DONE' });
    expect(again.details.pull.upToDate).toBe(true);
  });

  it('an external commit is pulled (external modification recorded); a file deleted in Git removes the row', async () => {
    const before = (await rows(env.t, env.fabricId)).get('ns-a')!;
    const head = await pushFromAnotherClone(env.remote, {
      files: fileOf(vlanNamespace('ns-a', 1500)),
      deletions: [pathOf(vlanNamespace('ns-b'))],
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesUpdated: 1, filesDeleted: 1, filesCreated: 0 });
    expect(pulled.events.map((event) => event.path)).toEqual(
      expect.arrayContaining([pathOf(vlanNamespace('ns-a')), pathOf(vlanNamespace('ns-b'))]),
    );
    const after = await rows(env.t, env.fabricId);
    expect([...after.keys()]).toEqual(['ns-a', 'ns-c']);
    const a = after.get('ns-a')!;
    expect(a.desired_spec).toEqual({ ranges: [{ from: 1000, to: 1500 }] });
    expect(a.external_modifications).toEqual([
      expect.objectContaining({
        previousHash: before.file_hash,
        currentHash: a.file_hash,
        detectionMethod: 'pull:blob_oid',
        commit: head,
      }),
    ]);
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(head);
  });

  it('drafts edited through GraphQL become exactly one commit with the trailers; nothing echoes back', async () => {
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1100));
    await createDraftOf(env.t, env.fabricId, vlanNamespace('ns-d', 1200));
    await env.t.graphqlOk(`mutation($id: ID!) { deleteResource(id: $id) { id } }`, { id: state.get('ns-c')!.id });
    // A draft equal to what Git has is no change at all.
    await editDraft(env.t, state.get('ns-b')!.id, vlanNamespace('ns-b'));
    const commitsBefore = await gitLog(env.remote, 'main');

    const pushed = await commitChanges(env.t, env.fabricId, 'Resize ns-a, add ns-d, drop ns-c');
    expect(pushed).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    const commits = await gitLog(env.remote, 'main');
    expect(commits).toHaveLength(commitsBefore.length + 1);
    const [commit] = commits;
    expect(pushed.commitSha).toBe(commit!.oid);
    expect(commit!.message.split('\n')[0]).toBe('Resize ns-a, add ns-d, drop ns-c');
    expect(commit!.message).toContain(`Gateway-Operation: ${pushed.id}`);
    expect(commit!.message).toMatch(/^Gateway-Actor: \S+/m);
    const files = await listFiles(env.remote, 'main');
    expect(files).toContain(pathOf(vlanNamespace('ns-d')));
    expect(files).not.toContain(pathOf(vlanNamespace('ns-c')));
    expect(parsed(await readFileAt(env.remote, 'main', pathOf(vlanNamespace('ns-a'))))).toEqual(
      vlanNamespace('ns-a', 1100),
    );

    const after = await rows(env.t, env.fabricId);
    expect([...after.keys()]).toEqual(['ns-a', 'ns-b', 'ns-d']);
    for (const row of after.values()) expect(row.draft_action).toBeNull();
    expect(after.get('ns-a')!.desired_blob_oid).toBe(gitBlobOid(yamlOf(vlanNamespace('ns-a', 1100))));
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(commit!.oid);

    // No echo: pushing again makes no commit, and pulling finds nothing to record.
    const again = await sync(env.t, env.fabricId, 'BIDIRECTIONAL');
    expect(again).toMatchObject({ status: 'COMPLETED', commitSha: null });
    expect(await gitLog(env.remote, 'main')).toHaveLength(commits.length);
    expect((await rows(env.t, env.fabricId)).get('ns-a')!.external_modifications).toEqual([]);
  });

  it('an external commit landing during the push: pulled, merged, retried, nothing lost', async () => {
    let raced = false;
    hosts.wrap = (host) =>
      raceOnFirstCommit(host, async () => {
        if (raced) return;
        raced = true;
        await pushFromAnotherClone(env.remote, {
          files: { ...fileOf(vlanNamespace('ns-b', 1300)), ...fileOf(vlanNamespace('ns-a', 1999, { team: 'blue' })) },
          message: 'meanwhile',
        });
      });
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1100));
    const pushed = await commitChanges(env.t, env.fabricId, 'resize ns-a');
    expect(pushed).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect(pushed.details.push.attempts).toBe(2);
    const commits = await gitLog(env.remote, 'main');
    expect(commits.slice(0, 2).map((commit) => commit.message.split('\n')[0])).toEqual(['resize ns-a', 'meanwhile']);
    // Both sides' changes are there: theirs (label, ns-b) and ours (range), merged per field.
    expect(parsed(await readFileAt(env.remote, 'main', pathOf(vlanNamespace('ns-a'))))).toEqual(
      vlanNamespace('ns-a', 1100, { team: 'blue' }),
    );
    expect(parsed(await readFileAt(env.remote, 'main', pathOf(vlanNamespace('ns-b'))))).toEqual(
      vlanNamespace('ns-b', 1300),
    );
    const after = await rows(env.t, env.fabricId);
    expect(after.get('ns-a')).toMatchObject({
      draft_action: null,
      desired_labels: { team: 'blue' },
      desired_spec: { ranges: [{ from: 1000, to: 1100 }] },
    });
    expect(after.get('ns-b')!.desired_spec).toEqual({ ranges: [{ from: 1000, to: 1300 }] });
  });

  it('gives up with a clear reason when the branch keeps moving, keeping the drafts', async () => {
    let n = 0;
    hosts.wrap = (host) =>
      raceOnFirstCommit(
        host,
        async () => {
          n += 1;
          await pushFromAnotherClone(env.remote, {
            files: { 'fabric/notes.txt': `move ${n}\n` },
            message: `move ${n}`,
          });
        },
        { every: true },
      );
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1100));
    const pushed = await commitChanges(env.t, env.fabricId, 'resize ns-a');
    expect(pushed.status).toBe('FAILED');
    expect(pushed.errorMessage).toMatch(/main kept moving: 3 commit attempt\(s\)/);
    expect((await rows(env.t, env.fabricId)).get('ns-a')!.draft_action).toBe('upsert');
    expect((await gitLog(env.remote, 'main'))[0]!.message).toBe('move 3');
  });

  it('the same field edited on both sides is a conflict with details; each strategy changes data', async () => {
    const state = await rows(env.t, env.fabricId);
    // ns-a, ns-b, ns-c each get a draft and a conflicting external change; ns-d merges cleanly.
    for (const name of ['ns-a', 'ns-b', 'ns-c']) await editDraft(env.t, state.get(name)!.id, vlanNamespace(name, 1100));
    await pushFromAnotherClone(env.remote, {
      files: {
        ...fileOf(vlanNamespace('ns-a', 1800)),
        ...fileOf(vlanNamespace('ns-b', 1800)),
        ...fileOf(vlanNamespace('ns-c', 1800)),
      },
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled.details.pull.conflicts).toBe(3);
    let now = await rows(env.t, env.fabricId);
    expect(now.get('ns-a')!.conflict_status).toBe('detected');
    expect(now.get('ns-a')!.conflict_details.paths).toEqual([
      {
        path: '$.spec.ranges',
        base: [{ from: 1000, to: 1999 }],
        ours: [{ from: 1000, to: 1100 }],
        theirs: [{ from: 1000, to: 1800 }],
      },
    ]);
    expect(now.get('ns-a')!.desired_spec).toEqual({ ranges: [{ from: 1000, to: 1800 }] });
    // A conflicted draft is never pushed.
    const held = await sync(env.t, env.fabricId, 'PUSH');
    expect(held).toMatchObject({ status: 'COMPLETED', commitSha: null });
    expect(held.details.push.conflicted).toBe(3);

    const resolve = async (name: string, strategy: string, merged?: unknown) => {
      const data = await env.t.graphqlOk<{ resolveConflict: { id: string; status: string; operationType: string } }>(
        `mutation($id: ID!, $strategy: ConflictStrategy!, $merged: JSON) { resolveConflict(resourceId: $id, strategy: $strategy, merged: $merged) { id status operationType } }`,
        { id: now.get(name)!.id, strategy, merged },
      );
      expect(data.resolveConflict).toMatchObject({ status: 'PENDING', operationType: 'CONFLICT_RESOLUTION' });
      await env.t.app.runner.idle();
      return operation(env.t, data.resolveConflict.id);
    };
    // MERGE with an invalid manifest is refused and changes nothing.
    const refused = await env.t.graphql(
      `mutation($id: ID!) { resolveConflict(resourceId: $id, strategy: MERGE, merged: { apiVersion: "wiring.githedgehog.com/v1beta1", kind: "VLANNamespace", metadata: { name: "other" }, spec: {} }) { id } }`,
      { id: now.get('ns-b')!.id },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    // MERGE is checked against the fabric, not alone: valid under the default settings, but
    // this fabric reserves 2500-2600 for IRB VLANs.
    await env.t.graphqlOk(
      `mutation($id: ID!) { updateFabric(id: $id, input: { validationSettings: { vpcIRBVLANRange: { from: 2500, to: 2600 } } }) { id } }`,
      { id: env.fabricId },
    );
    const againstFabric = await env.t.graphql<never>(
      `mutation($id: ID!, $merged: JSON) { resolveConflict(resourceId: $id, strategy: MERGE, merged: $merged) { id } }`,
      { id: now.get('ns-b')!.id, merged: vlanNamespace('ns-b', 2550) },
    );
    expect(againstFabric.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_INPUT',
      problems: [
        expect.objectContaining({ code: 'VLAN_RANGE_INVALID', message: expect.stringContaining('2500-2600') }),
      ],
    });
    await env.t.graphqlOk(`mutation($id: ID!) { updateFabric(id: $id, input: { validationSettings: {} }) { id } }`, {
      id: env.fabricId,
    });
    expect((await rows(env.t, env.fabricId)).get('ns-b')).toMatchObject({
      conflict_status: 'detected',
      draft_spec: { ranges: [{ from: 1000, to: 1100 }] },
    });

    expect(await resolve('ns-a', 'GIT_WINS')).toMatchObject({ status: 'COMPLETED' });
    expect(await resolve('ns-b', 'MERGE', vlanNamespace('ns-b', 1500))).toMatchObject({ status: 'COMPLETED' });
    expect(await resolve('ns-c', 'MANUAL')).toMatchObject({ status: 'COMPLETED' });
    now = await rows(env.t, env.fabricId);
    expect(now.get('ns-a')).toMatchObject({ draft_action: null, conflict_status: 'resolved' });
    expect(now.get('ns-b')).toMatchObject({
      draft_action: 'upsert',
      conflict_status: 'resolved',
      draft_spec: { ranges: [{ from: 1000, to: 1500 }] },
    });
    expect(now.get('ns-c')).toMatchObject({ draft_action: 'upsert', conflict_status: 'resolving' });
    expect(now.get('ns-c')!.conflict_details.resolution).toMatchObject({ strategy: 'MANUAL' });
    // GUI_WINS keeps the draft and pushes it in the same operation.
    const guiWins = await resolve('ns-c', 'GUI_WINS');
    expect(guiWins).toMatchObject({ status: 'COMPLETED', operationType: 'CONFLICT_RESOLUTION' });
    expect(guiWins.commitSha).toBe((await gitLog(env.remote, 'main'))[0]!.oid);
    expect(parsed(await readFileAt(env.remote, 'main', pathOf(vlanNamespace('ns-c'))))).toEqual(
      vlanNamespace('ns-c', 1100),
    );
    // ... and that push carried the MERGE result too (the only other ready draft).
    expect(parsed(await readFileAt(env.remote, 'main', pathOf(vlanNamespace('ns-b'))))).toEqual(
      vlanNamespace('ns-b', 1500),
    );
    expect(parsed(await readFileAt(env.remote, 'main', pathOf(vlanNamespace('ns-a'))))).toEqual(
      vlanNamespace('ns-a', 1800),
    );
    now = await rows(env.t, env.fabricId);
    for (const row of now.values())
      expect([row.name, row.draft_action, row.conflict_status]).toEqual([
        row.name,
        null,
        row.name === 'ns-a' ? 'resolved' : 'none',
      ]);
    const resolutions = await queryDatabase(
      env.t.database.url,
      `select count(*)::int as n from sync_operation where fabric_id = $1 and operation_type = 'conflict_resolution'`,
      [env.fabricId],
    );
    expect(resolutions[0]).toEqual({ n: 4 });
  });

  it.runIf(adapter.name === 'github')(
    'without direct push: commits to a branch and opens one pull request; drafts stay proposed until the merge is pulled',
    async () => {
      const repository = await env.t.graphqlOk<{ fabric: { gitRepository: { id: string } } }>(
        `query($id: ID!) { fabric(id: $id) { gitRepository { id } } }`,
        { id: env.fabricId },
      );
      await env.t.graphqlOk(
        `mutation($id: ID!) { updateGitRepository(id: $id, input: { directPushEnabled: false }) { id } }`,
        { id: repository.fabric.gitRepository.id },
      );
      const state = await rows(env.t, env.fabricId);
      await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1100));
      const mainBefore = await gitLog(env.remote, 'main');
      const first = await commitChanges(env.t, env.fabricId, 'resize ns-a');
      expect(first).toMatchObject({ status: 'COMPLETED', errorMessage: null });
      expect(first.pullRequestUrl).toMatch(/\/pull\/\d+$/);
      const branch = first.details.push.branch as string;
      expect(branch).not.toBe('main');
      expect(await gitLog(env.remote, 'main')).toHaveLength(mainBefore.length);
      expect(parsed(await readFileAt(env.remote, branch, pathOf(vlanNamespace('ns-a'))))).toEqual(
        vlanNamespace('ns-a', 1100),
      );
      let row = (await rows(env.t, env.fabricId)).get('ns-a')!;
      expect(row.draft_action).toBe('upsert');
      expect(row.sync_metadata.proposed.pullRequestUrl).toBe(first.pullRequestUrl);
      // Pushing again: same pull request, no new commit on the branch.
      const branchCommits = (await gitLog(env.remote, branch)).length;
      const second = await commitChanges(env.t, env.fabricId, 'again');
      expect(second.pullRequestUrl).toBe(first.pullRequestUrl);
      expect(await gitLog(env.remote, branch)).toHaveLength(branchCommits);
      // Someone merges the pull request; the next pull clears the draft.
      await pushFromAnotherClone(env.remote, {
        files: fileOf(vlanNamespace('ns-a', 1100)),
        message: 'Merge pull request',
      });
      await sync(env.t, env.fabricId, 'PULL');
      row = (await rows(env.t, env.fabricId)).get('ns-a')!;
      expect(row).toMatchObject({ draft_action: null, desired_spec: { ranges: [{ from: 1000, to: 1100 }] } });
    },
  );
});

/** Delegates to the real adapter; before its first commit (or every one), `race` changes the remote. */
function raceOnFirstCommit(host: GitHost, race: () => Promise<void>, options: { every?: boolean } = {}): GitHost {
  let first = true;
  return new Proxy(host, {
    get(target, property, receiver) {
      if (property === 'commit') {
        return async (request: CommitRequest) => {
          if (first || options.every) await race();
          first = false;
          return target.commit(request);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
