/**
 * What a push reports: files created, updated and deleted are counted as the commit made them,
 * on both adapters (native git on a file:// bare repository, the GitHub test server).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { commitChanges, createDraftOf, editDraft, fileOf, pathOf, rows, sync, vlanNamespace } from './support.ts';

afterAll(removeScratchDirs);

describe.each(tAdapters)('push counters on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await adapter.start({ env: { MUTATIONS_PER_MINUTE: '1000' } });
    await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-a')), ...fileOf(vlanNamespace('ns-b')) },
      message: 'seed',
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: 2 });
  });
  afterEach(() => env.stop());

  it('30 new files, 1 change and 1 deletion are reported as 30 created, 1 updated, 1 deleted', async () => {
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1500));
    await env.t.graphqlOk(`mutation($id: ID!) { deleteResource(id: $id) { id } }`, { id: state.get('ns-b')!.id });
    for (let index = 0; index < 30; index++)
      await createDraftOf(env.t, env.fabricId, vlanNamespace(`new-${String(index).padStart(2, '0')}`));

    const pushed = await commitChanges(env.t, env.fabricId, '30 new, 1 changed, 1 deleted');
    expect(pushed).toMatchObject({
      status: 'COMPLETED',
      errorMessage: null,
      filesCreated: 30,
      filesUpdated: 1,
      filesDeleted: 1,
      filesProcessed: 32,
    });
    const files = await listFiles(env.remote, 'main');
    expect(files).toHaveLength(31);
    expect(files).not.toContain(pathOf(vlanNamespace('ns-b')));
  });
});
