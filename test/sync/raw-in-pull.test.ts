/**
 * Files dropped into raw/ by someone else are ingested by the pull that finds them, in the same
 * operation (issue 5, pull): one operation, one ingestion commit, rows recorded from it, and the
 * fabric's recorded head is that commit, so the next pull has nothing to do. Both adapters.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { queryDatabase } from '../support/database.ts';
import { branchHead, gitLog, listFiles, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { editDraft, fabricRow, fileOf, rows, sync, vlanNamespace } from './support.ts';

afterAll(removeScratchDirs);

const rawYaml = (...names: string[]) => names.map((name) => stringify(vlanNamespace(name, 1200))).join('---\n');

describe.each(tAdapters)('raw/ files found by a pull, $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await adapter.start();
    await pushFromAnotherClone(env.remote, {
      files: { 'README.md': '# fabric\n', ...fileOf(vlanNamespace('ns-a')) },
      message: 'seed',
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: 1 });
  });
  afterEach(() => env.stop());

  it('are ingested in the same operation: one commit, rows recorded, raw/ emptied, head recorded', async () => {
    const external = await pushFromAnotherClone(env.remote, {
      files: { 'fabric/raw/import.yaml': rawYaml('ns-r1', 'ns-r2'), ...fileOf(vlanNamespace('ns-a', 1500)) },
      message: 'an import and an edit',
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ operationType: 'PULL', status: 'COMPLETED', filesUpdated: 1, errorMessage: null });

    // Exactly one commit on top of the external one: the ingestion, made by this operation.
    const log = await gitLog(env.remote, 'main');
    expect(log[1]!.oid).toBe(external);
    expect(log[0]!.message).toContain(`Gateway-Operation: ${pulled.id}`);
    expect(pulled.commitSha).toBe(log[0]!.oid);
    expect(pulled.details.ingestion).toMatchObject({ commitSha: log[0]!.oid, sourceCommit: external });
    expect(pulled.events.map((event) => event.message)).toContain(
      '1 file(s) in raw/: ingesting them in this operation',
    );

    const files = await listFiles(env.remote, 'main');
    expect(files).not.toContain('fabric/raw/import.yaml');
    expect(files).toEqual(
      expect.arrayContaining(['fabric/managed/vlannamespaces/ns-r1.yaml', 'fabric/managed/vlannamespaces/ns-r2.yaml']),
    );

    const state = await rows(env.t, env.fabricId);
    expect([...state.keys()]).toEqual(['ns-a', 'ns-r1', 'ns-r2']);
    expect(state.get('ns-r1')).toMatchObject({
      managed_file_path: 'managed/vlannamespaces/ns-r1.yaml',
      desired_spec: { ranges: [{ from: 1000, to: 1200 }] },
      draft_action: null,
    });
    expect(state.get('ns-a')!.desired_spec).toEqual({ ranges: [{ from: 1000, to: 1500 }] });
    // The database is at the ingestion commit: nothing is left for the next pull.
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(await branchHead(env.remote, 'main'));
    const again = await sync(env.t, env.fabricId, 'PULL');
    expect(again.details.pull.upToDate).toBe(true);

    // No separate ingestion operation was queued.
    const types = await queryDatabase<{ operation_type: string }>(
      env.t.database.url,
      'select operation_type from sync_operation where fabric_id = $1',
      [env.fabricId],
    );
    expect(types.map((row) => row.operation_type)).not.toContain('ingestion');
  });

  it('a bidirectional run commits the drafts, then ingests raw/, all in one operation', async () => {
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', 1700));
    const external = await pushFromAnotherClone(env.remote, {
      files: { 'fabric/raw/more.yaml': rawYaml('ns-r3') },
      message: 'an import',
    });
    const run = await sync(env.t, env.fabricId, 'BIDIRECTIONAL');
    expect(run).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    const log = await gitLog(env.remote, 'main');
    // External import, then the push of the draft, then the ingestion: both made by this operation.
    expect(log[2]!.oid).toBe(external);
    expect(log.slice(0, 2).map((commit) => commit.message.includes(`Gateway-Operation: ${run.id}`))).toEqual([
      true,
      true,
    ]);
    expect(run.commitSha).toBe(log[1]!.oid);
    expect(run.details.ingestion).toMatchObject({ commitSha: log[0]!.oid });
    const after = await rows(env.t, env.fabricId);
    expect(after.get('ns-a')).toMatchObject({
      desired_spec: { ranges: [{ from: 1000, to: 1700 }] },
      draft_action: null,
    });
    expect(after.get('ns-r3')).toMatchObject({
      managed_file_path: 'managed/vlannamespaces/ns-r3.yaml',
      draft_action: null,
    });
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(log[0]!.oid);
  });

  it('a pull whose raw/ holds nothing ingestible makes no commit', async () => {
    const external = await pushFromAnotherClone(env.remote, {
      files: { 'fabric/raw/notes.txt': 'not yaml\n', ...fileOf(vlanNamespace('ns-b')) },
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 1, commitSha: null });
    expect(await branchHead(env.remote, 'main')).toBe(external);
    expect(pulled.details.ingestion).toBeUndefined();
  });
});
