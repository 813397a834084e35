/**
 * graphile-worker, the default runner: a pull and a push end to end, run as graphile jobs in the
 * gateway's own database. The runner is asked to poll only once a minute, so the jobs run at once
 * only because the NOTIFY of a new job reaches graphile's listening connection.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphileOperationRunner } from '../../src/operations/graphile-runner.ts';
import { gitLog, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { commitChanges, editDraft, fileOf, rows, sync, vlanNamespace } from './support.ts';

afterAll(removeScratchDirs);

describe('graphile-worker woken by NOTIFY', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start({
      env: { OPERATION_RUNNER: 'graphile', GRAPHILE_POLL_INTERVAL_MS: '60000', HEAD_CHECK: 'false' },
    });
  });
  afterEach(() => env.stop());

  it('runs a pull and a push as graphile jobs, woken by NOTIFY', async () => {
    expect(env.t.app.runner).toBeInstanceOf(GraphileOperationRunner);
    await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-a')), ...fileOf(vlanNamespace('ns-b')) },
      message: 'seed',
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 2 });
    // graphile-worker's job and worker ids are recorded with the operation.
    expect(pulled.details.runner).toMatchObject({
      instanceId: env.t.app.instanceId,
      workerId: expect.any(String),
      jobId: expect.any(String),
    });

    await editDraft(env.t, (await rows(env.t, env.fabricId)).get('ns-a')!.id, vlanNamespace('ns-a', 1500));
    const pushed = await commitChanges(env.t, env.fabricId, 'resize ns-a');
    expect(pushed).toMatchObject({ status: 'COMPLETED' });
    const log = await gitLog(env.remote, 'main');
    expect(log).toHaveLength(2);
    expect(log[0]!.message).toContain(`Gateway-Operation: ${pushed.id}`);
    expect(pushed.details.runner).toMatchObject({ workerId: expect.any(String) });
  });
});
