/**
 * cancelSyncOperation on a running directory_init or ingestion, on both adapters: the operation
 * is held inside a Git read, cancelled, released, and stops at its next step boundary: it ends
 * CANCELLED, nothing is committed, and the fabric is as it was.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHost } from '../../src/git/git-host.ts';
import { queryDatabase } from '../support/database.ts';
import { branchHead, createDeferred, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { vlanNamespaceYaml } from '../support/fixtures.ts';
import { runOperation } from './support.ts';

afterAll(removeScratchDirs);

/** The next call of `method` on a host opened from now on waits in it until released. */
function holdNext(hosts: ReturnType<typeof gitHostHook>, method: 'getBranchHead' | 'readTree') {
  const reached = createDeferred<void>();
  const release = createDeferred<void>();
  let held = false;
  hosts.wrap = (host) =>
    new Proxy(host, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property !== method || held) return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          held = true;
          reached.resolve();
          await release.promise;
          return (target[method] as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as GitHost;
  return { reached: reached.promise, release: () => release.resolve() };
}

describe.each(tAdapters)('cancelling GitOps operations on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  let hosts: ReturnType<typeof gitHostHook>;
  beforeEach(async () => {
    hosts = gitHostHook();
    env = await adapter.start({ env: { HEAD_CHECK: 'false' }, openGitHost: hosts.openGitHost });
  });
  afterEach(() => env.stop());

  const launch = async (mutation: 'initializeGitopsDirectory' | 'ingestRaw') =>
    (
      await env.t.graphqlOk<Record<string, { id: string }>>(`mutation($f: ID!) { ${mutation}(fabricId: $f) { id } }`, {
        f: env.fabricId,
      })
    )[mutation]!.id;
  const cancel = async (id: string) =>
    (
      await env.t.graphqlOk<{ cancelSyncOperation: { status: string } }>(
        `mutation($id: ID!) { cancelSyncOperation(id: $id) { status } }`,
        { id },
      )
    ).cancelSyncOperation.status;
  const ended = async (id: string) =>
    (
      await env.t.graphqlOk<{
        syncOperation: { status: string; errorMessage: string | null; commitSha: string | null };
      }>(`query($id: ID!) { syncOperation(id: $id) { status errorMessage commitSha } }`, { id })
    ).syncOperation;
  const fabricState = async () =>
    (
      await queryDatabase<{ gitops_directory_status: string; last_directory_sync: Date | null }>(
        env.t.database.url,
        'select gitops_directory_status, last_directory_sync from fabric where id = $1',
        [env.fabricId],
      )
    )[0];

  it('directory_init stops before its commit: CANCELLED, the branch unmoved, the directory status as before', async () => {
    await pushFromAnotherClone(env.remote, { files: { 'README.md': '# fabric\n' } });
    const headBefore = await branchHead(env.remote, 'main');
    const before = await fabricState();
    const hold = holdNext(hosts, 'getBranchHead');
    const id = await launch('initializeGitopsDirectory');
    await hold.reached;
    expect(await cancel(id)).toBe('IN_PROGRESS');
    hold.release();
    await env.t.app.runner.idle();

    expect(await ended(id)).toEqual({ status: 'CANCELLED', errorMessage: 'cancelled', commitSha: null });
    expect(await branchHead(env.remote, 'main')).toBe(headBefore);
    expect(await fabricState()).toEqual(before);
    // Nothing is left half-done: the next run initialises the directory.
    hosts.wrap = undefined;
    expect(await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId)).toMatchObject({
      status: 'COMPLETED',
    });
    expect(await branchHead(env.remote, 'main')).not.toBe(headBefore);
  });

  it('ingestion stops between its stages: CANCELLED, raw/ still there, no row written', async () => {
    expect(await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId)).toMatchObject({
      status: 'COMPLETED',
    });
    await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/vlans.yaml': vlanNamespaceYaml('from-raw') } });
    const headBefore = await branchHead(env.remote, 'main');
    const hold = holdNext(hosts, 'readTree');
    const id = await launch('ingestRaw');
    await hold.reached;
    expect(await cancel(id)).toBe('IN_PROGRESS');
    hold.release();
    await env.t.app.runner.idle();

    expect(await ended(id)).toEqual({ status: 'CANCELLED', errorMessage: 'cancelled', commitSha: null });
    expect(await branchHead(env.remote, 'main')).toBe(headBefore);
    expect(
      await queryDatabase(env.t.database.url, 'select name from resource where fabric_id = $1', [env.fabricId]),
    ).toEqual([]);
    hosts.wrap = undefined;
    expect(await runOperation(env.t, 'ingestRaw', env.fabricId)).toMatchObject({ status: 'COMPLETED' });
    expect(
      await queryDatabase(env.t.database.url, 'select name from resource where fabric_id = $1', [env.fabricId]),
    ).toEqual([{ name: 'from-raw' }]);
  });
});
