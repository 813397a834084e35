/**
 * Two gateway replicas on one PostgreSQL database: replica A runs the operations (graphile-worker), replica B only serves a
 * dashboard. B's subscriber follows an operation A runs, and B's cancel stops it on A, through
 * the LISTEN/NOTIFY event bus.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { GitHost } from '../../src/git/git-host.ts';
import { cancelTopic } from '../../src/operations/cancellation.ts';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database.ts';
import { createFabric, createRepository } from '../support/fixtures.ts';
import {
  createBareRepository,
  createDeferred,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { gitHostHook } from '../support/git-host-hook.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fileOf, vlanNamespace } from './support.ts';

afterAll(removeScratchDirs);

describe('two gateway replicas on one PostgreSQL database', () => {
  let database: TestDatabase;
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await database?.drop();
  });

  it('a dashboard on one replica follows an operation the other runs, and its cancel stops it there', async () => {
    database = await createTestDatabase();
    const remote = await createBareRepository();
    await pushFromAnotherClone(remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
    const hosts = gitHostHook();
    const a = await startTestApp({ database, env: { HEAD_CHECK: 'false' }, openGitHost: hosts.openGitHost });
    apps.push(a);
    const b = await startTestApp({ database, env: { HEAD_CHECK: 'false', OPERATION_RUNNER: 'in-process' } });
    apps.push(b);
    const repository = await createRepository(a, { url: `file://${remote}`, provider: 'GIT' });
    const fabric = await createFabric(a, { gitRepositoryId: repository.id });

    // A's pull blocks inside readTree until released.
    const inTree = createDeferred();
    const release = createDeferred();
    hosts.wrap = (host: GitHost) =>
      new Proxy(host, {
        get(target, property) {
          const value = Reflect.get(target, property, target);
          if (property !== 'readTree') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<GitHost['readTree']>) => {
            inTree.resolve();
            await release.promise;
            return target.readTree(...args);
          };
        },
      });
    const operationId = (
      await a.graphqlOk<{ syncFabric: { id: string } }>(
        `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`,
        { id: fabric.id },
      )
    ).syncFabric.id;
    await inTree.promise;

    // B's dashboard subscribes: it gets the current state first, then what A publishes.
    const client = b.wsClient();
    const received: { status: string; phase: string; errorMessage: string | null }[] = [];
    const subscribed = createDeferred();
    const ended = new Promise<void>((resolve, reject) => {
      client.subscribe<{ syncOperationUpdated: (typeof received)[number] }>(
        {
          query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status phase errorMessage } }`,
          variables: { id: operationId },
        },
        {
          next: (message) => {
            const update = message.data!.syncOperationUpdated;
            received.push(update);
            subscribed.resolve();
            if (update.status === 'CANCELLED' || update.status === 'COMPLETED' || update.status === 'FAILED') resolve();
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    await subscribed.promise;
    expect(received[0]).toMatchObject({ status: 'IN_PROGRESS', phase: 'READING_TREE' });

    // B cancels; the request crosses to A (awaited on A's bus), then A's pull reaches its next step boundary.
    const requestsAtA = a.app.eventBus.subscribe(cancelTopic(operationId));
    const cancelled = await b.graphqlOk<{ cancelSyncOperation: { status: string } }>(
      `mutation($id: ID!) { cancelSyncOperation(id: $id) { status } }`,
      { id: operationId },
    );
    expect(cancelled.cancelSyncOperation.status).toBe('IN_PROGRESS');
    await requestsAtA.next();
    await requestsAtA.return?.();
    release.resolve();
    await ended;
    await client.dispose();

    expect(received.at(-1)).toMatchObject({ status: 'CANCELLED', errorMessage: 'cancelled' });
    const [row] = await queryDatabase<{ status: string; details: { runner?: { instanceId?: string } } }>(
      database.url,
      'select status, details from sync_operation where id = $1',
      [operationId],
    );
    expect(row!.status).toBe('cancelled');
    // A ran it (graphile-worker); B only watched and asked.
    expect(row!.details.runner?.instanceId).toBeTruthy();
    expect(row!.details.runner?.instanceId).toBe(a.app.instanceId);
    const events = await queryDatabase<{ message: string }>(
      database.url,
      'select message from sync_event where operation_id = $1 order by id',
      [operationId],
    );
    expect(events.map((event) => event.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^cancel requested by test-admin-/), 'cancelled']),
    );
    // Nothing of the cut pull was written.
    expect(
      await queryDatabase(database.url, 'select last_pulled_commit from fabric where id = $1', [fabric.id]),
    ).toEqual([{ last_pulled_commit: null }]);
    expect(
      await queryDatabase(database.url, 'select count(*)::int as n from resource where fabric_id = $1', [fabric.id]),
    ).toEqual([{ n: 0 }]);
  });
});
