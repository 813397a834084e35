import { expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { createFabric } from '../support/fixtures.ts';
import { createDeferred } from '../support/git-fixtures.ts';

const it = appTest;

it('runs operations of one fabric one at a time, and of different fabrics side by side', async ({ t }) => {
  const [a, b] = [await createFabric(t), await createFabric(t)];
  const started: string[] = [];
  const release = createDeferred();
  const firstStarted = createDeferred();
  const otherFabricDone = createDeferred();
  // Handlers are looked up by type when the operation runs; `details` carries what they need.
  t.app.operationHandlers.cluster_refresh = async ({ operation }) => {
    const label = String(operation.details.label);
    started.push(label);
    if (label === 'a1') {
      firstStarted.resolve();
      await release.promise;
    }
    if (label === 'b1') otherFabricDone.resolve();
  };
  const services = t.app.services();
  const launch = (fabricId: string, label: string) =>
    services.operations.launch({ fabricId, type: 'cluster_refresh', initiatedBy: 'test', details: { label } });
  const first = await launch(a.id, 'a1');
  expect(first.status).toBe('pending');
  await launch(a.id, 'a2');
  await launch(b.id, 'b1');
  await firstStarted.promise;
  await otherFabricDone.promise;
  // b1 ran while a1 was still holding fabric a (in either order: two queues); a2 waits for a1.
  expect([...started].sort()).toEqual(['a1', 'b1']);
  release.resolve();
  await t.app.runner.idle();
  expect(started.slice(2)).toEqual(['a2']);
  const done = await t.app.services().operations.get(first.id);
  expect(done.status).toBe('completed');
  expect(done.startedAt).toBeInstanceOf(Date);
  expect(done.completedAt).toBeInstanceOf(Date);
});

it('collapses queued jobs with the same key into one', async ({ t }) => {
  const fabric = await createFabric(t);
  const release = createDeferred();
  const ran: string[] = [];
  t.app.operationHandlers.pull = async ({ operation }) => {
    ran.push(String(operation.details.label));
    if (operation.details.label === 'busy') await release.promise;
  };
  const services = t.app.services();
  await services.operations.launch({
    fabricId: fabric.id,
    type: 'pull',
    initiatedBy: 'test',
    details: { label: 'busy' },
  });
  for (const label of ['burst-1', 'burst-2', 'burst-3']) {
    await services.operations.launch({
      fabricId: fabric.id,
      type: 'pull',
      initiatedBy: 'webhook',
      details: { label },
      jobKey: `pull:${fabric.id}`,
    });
  }
  release.resolve();
  await t.app.runner.idle();
  expect(ran).toEqual(['busy', 'burst-1']);
});

it('records a failure with its reason and never leaves the operation in progress', async ({ t }) => {
  const fabric = await createFabric(t);
  t.app.operationHandlers.ingestion = async ({ progress }) => {
    await progress({ phase: 'validation', progressTotal: 2 });
    throw new Error('raw/broken.yaml could not be read');
  };
  const operation = await t.app
    .services()
    .operations.launch({ fabricId: fabric.id, type: 'ingestion', initiatedBy: 'test' });
  await t.app.runner.idle();
  const failed = await t.app.services().operations.get(operation.id);
  expect(failed).toMatchObject({
    status: 'failed',
    errorMessage: 'raw/broken.yaml could not be read',
    phase: 'validation',
  });
  const events = (await t.app.services().operations.eventsOf([operation.id])).get(operation.id) ?? [];
  expect(events.map((event) => [event.level, event.message])).toContainEqual([
    'error',
    'raw/broken.yaml could not be read',
  ]);
});

it('an operation that cannot be queued is failed with the reason, never left pending', async ({ t }) => {
  const fabric = await createFabric(t);
  t.app.operationHandlers.cluster_refresh = async () => {};
  // A runner that refuses work, as a stopped queue or an unreachable database would.
  const runner = t.app.runner;
  const enqueue = runner.enqueue;
  runner.enqueue = async () => {
    throw new Error('queue unavailable');
  };
  try {
    await expect(
      t.app.services().operations.launch({ fabricId: fabric.id, type: 'cluster_refresh', initiatedBy: 'test' }),
    ).rejects.toThrow('queue unavailable');
  } finally {
    runner.enqueue = enqueue;
  }
  const operations = await t.app.services().operations.list({ fabricId: fabric.id }, { limit: 10, offset: 0 });
  expect(operations.items.map((operation) => [operation.status, operation.errorMessage])).toEqual([
    ['failed', 'could not be queued: queue unavailable'],
  ]);
});

it('launches at the same moment with one job key make one operation, which runs', async ({ t }) => {
  const fabric = await createFabric(t);
  const release = createDeferred();
  const blockerStarted = createDeferred();
  t.app.operationHandlers.cluster_refresh = async ({ operation }) => {
    if (operation.details.label === 'blocker') {
      blockerStarted.resolve();
      await release.promise;
    }
  };
  // The fabric's queue is busy, so the keyed launches below all find each other pending.
  await t.app.services().operations.launch({
    fabricId: fabric.id,
    type: 'cluster_refresh',
    initiatedBy: 'test',
    details: { label: 'blocker' },
  });
  await blockerStarted.promise;
  // Each launch on its own unit of work (its own connection on PostgreSQL), all at once.
  const launches = await Promise.all(
    Array.from({ length: 6 }, () =>
      t.app.services().operations.launch({
        fabricId: fabric.id,
        type: 'cluster_refresh',
        initiatedBy: 'test',
        jobKey: `refresh:${fabric.id}`,
      }),
    ),
  );
  expect(new Set(launches.map((operation) => operation.id)).size).toBe(1);
  release.resolve();
  await t.app.runner.idle();
  const operations = await t.app.services().operations.list({ fabricId: fabric.id }, { limit: 20, offset: 0 });
  expect(operations.items.map((operation) => operation.status).sort()).toEqual(['completed', 'completed']);
});
