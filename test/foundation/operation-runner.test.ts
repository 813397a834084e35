import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchOperation } from '../../src/sync/launch-operation.ts';
import { createFabric } from '../support/fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.stop();
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

it('runs operations of one fabric one at a time, and of different fabrics side by side', async () => {
  const [a, b] = [await createFabric(t), await createFabric(t)];
  const started: string[] = [];
  const release = deferred();
  const firstStarted = deferred();
  const services = t.app.services();
  const first = await launchOperation(t.app.dependencies, services, { fabricId: a.id, type: 'pull', initiatedBy: 'test' }, async () => {
    started.push('a1');
    firstStarted.resolve();
    await release.promise;
  });
  expect(first.status).toBe('pending');
  const otherFabricDone = deferred();
  await launchOperation(t.app.dependencies, services, { fabricId: a.id, type: 'push', initiatedBy: 'test' }, async () => {
    started.push('a2');
  });
  await launchOperation(t.app.dependencies, services, { fabricId: b.id, type: 'pull', initiatedBy: 'test' }, async () => {
    started.push('b1');
    otherFabricDone.resolve();
  });
  await firstStarted.promise;
  await otherFabricDone.promise;
  // b1 ran while a1 was still holding fabric a; a2 waits for a1.
  expect(started).toEqual(['a1', 'b1']);
  release.resolve();
  await t.app.runner.idle();
  expect(started).toEqual(['a1', 'b1', 'a2']);
  const done = await t.app.services().operations.get(first.id);
  expect(done.status).toBe('completed');
  expect(done.startedAt).toBeInstanceOf(Date);
  expect(done.completedAt).toBeInstanceOf(Date);
});

it('records a failure with its reason and never leaves the operation in progress', async () => {
  const fabric = await createFabric(t);
  const operation = await launchOperation(t.app.dependencies, t.app.services(), { fabricId: fabric.id, type: 'ingestion', initiatedBy: 'test' }, async ({ operations, operation: running }) => {
    await operations.update(running, { phase: 'validating', progressTotal: 2 });
    throw new Error('raw/broken.yaml could not be read');
  });
  await t.app.runner.idle();
  const failed = await t.app.services().operations.get(operation.id);
  expect(failed).toMatchObject({ status: 'failed', errorMessage: 'raw/broken.yaml could not be read', phase: 'validating' });
  const events = (await t.app.services().operations.eventsOf([operation.id])).get(operation.id) ?? [];
  expect(events.map((event) => [event.level, event.message])).toContainEqual(['error', 'raw/broken.yaml could not be read']);
});
