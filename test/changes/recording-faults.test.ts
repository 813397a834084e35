/**
 * Recording under load and faults: a first pull of 2,100 objects records its change objects in
 * bulk (one insert statement per 2,000); a history read that fails leaves the pull to complete
 * with the change recorded without its commits; a change record that cannot be written fails
 * the push's recording as a whole (no desired state moves without its change), and the next pull
 * records the landed commit as the gateway's, by its trailers.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHost } from '../../src/git/git-host.ts';
import { queryDatabase } from '../support/database.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { commitChanges, editDraft, fileOf, rows, sync, vlanNamespace } from '../sync/support.ts';
import { changeObjectRows, changeRows } from './support.ts';

afterAll(removeScratchDirs);

const CHANGE_OBJECT_INSERT = /^insert into "?change_object"? /i;

describe('recording at scale and under faults (git adapter)', () => {
  let env: GatewayWithRemote;
  let hosts: GitHostHook;
  beforeEach(async () => {
    hosts = gitHostHook();
    env = await tAdapters[0]!.start({ env: { HEAD_CHECK: 'false' }, openGitHost: hosts.openGitHost });
  });
  afterEach(() => env.stop());

  it('a first pull of 2,100 objects: one change, its objects in two insert statements', async () => {
    const objects = Array.from({ length: 2_100 }, (_, index) => vlanNamespace(`ns-${String(index).padStart(4, '0')}`));
    await pushFromAnotherClone(env.remote, { files: Object.assign({}, ...objects.map(fileOf)), message: 'seed' });
    env.t.sql.length = 0;
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: 2_100 });
    expect(env.t.sql.filter((statement) => CHANGE_OBJECT_INSERT.test(statement))).toHaveLength(2);
    const [change, ...more] = await changeRows(env);
    expect(more).toEqual([]);
    expect(change).toMatchObject({ object_count: 2_100, stage: 'COMMITTED', switches: [] });
    expect(change!.objects_behind).toHaveLength(2_100);
    const recorded = await changeObjectRows(env, change!.id);
    expect(recorded).toHaveLength(2_100);
    const resources = await rows(env.t, env.fabricId);
    expect(new Set(recorded.map((object) => object.resource_id))).toEqual(
      new Set([...resources.values()].map((row) => row.id)),
    );
  });

  it('a history read that fails: the pull completes, its change recorded without commits', async () => {
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
    hosts.wrap = (host) => failing(host, 'history');
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 1 });
    const [change] = await changeRows(env);
    expect(change).toMatchObject({ source: 'external', commits: [], message: '', object_count: 1 });
  });

  it('a change that cannot be recorded fails the push’s recording whole; the next pull records it as the gateway’s', async () => {
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
    await sync(env.t, env.fabricId, 'PULL');
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1200));
    // The change row cannot be written (a constraint the recorder does not expect): the
    // transaction that would set the desired state from the commit fails with it.
    await queryDatabase(env.t.database.url, `alter table change add constraint no_gateway check (source <> 'gateway')`);
    const pushed = await commitChanges(env.t, env.fabricId, 'resize ns-a');
    expect(pushed.status).toBe('FAILED');
    expect(pushed.errorMessage).toContain(`commit ${pushed.commitSha} landed on main, but recording it failed`);
    expect(pushed.errorMessage).toContain('the next pull records it');
    const after = await rows(env.t, env.fabricId);
    // Nothing of the recording was applied: the draft stays, the desired state is the old one.
    expect(after.get('ns-a')).toMatchObject({
      draft_action: 'upsert',
      desired_spec: { ranges: [{ from: 1000, to: 1999 }] },
    });
    expect(await changeRows(env)).toHaveLength(1);

    await queryDatabase(env.t.database.url, `alter table change drop constraint no_gateway`);
    await sync(env.t, env.fabricId, 'PULL');
    const changes = await changeRows(env);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({
      source: 'gateway',
      commit_oid: pushed.commitSha,
      operation_id: pushed.id,
      actor: pushed.initiatedBy,
      object_count: 1,
    });
    expect((await rows(env.t, env.fabricId)).get('ns-a')).toMatchObject({ draft_action: null });
  });
});

/** The host with `method` failing as an unreachable remote would. */
function failing(host: GitHost, method: keyof GitHost): GitHost {
  return new Proxy(host, {
    get(target, property, receiver) {
      if (property === method) return async () => Promise.reject(new Error('connection reset by peer'));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
