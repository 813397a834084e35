import { describe, expect } from 'vitest';
import { appTestWith } from '../support/app-fixture.ts';
import { createLogger } from '../../src/logger.ts';
import { GraphileOperationRunner } from '../../src/operations/graphile-runner.ts';
import { InProcessOperationRunner } from '../../src/operations/operation-runner.ts';
import { SyncOperationSchema } from '../../src/operations/sync-operation.entity.ts';
import { createOperationRunner, recoverOperations } from '../../src/operations/operation-runtime.ts';
import { createFabric } from '../support/fixtures.ts';
import { createDeferred } from '../support/git-fixtures.ts';

const it = appTestWith({ env: { OPERATION_RUNNER: 'in-process' } });

const logger = createLogger({ level: 'silent' });

it('OPERATION_RUNNER=auto chooses graphile-worker; in-process when asked', async ({ t }) => {
  const options = {
    logger,
    orm: t.app.orm,
    databaseUrl: t.database.url,
    instanceId: 'choice',
    execute: async () => {},
  };
  const runner = await createOperationRunner({ ...options, config: { ...t.app.config, operationRunner: 'auto' } });
  try {
    expect(runner).toBeInstanceOf(GraphileOperationRunner);
  } finally {
    await runner.close();
  }
  const inProcess = await createOperationRunner({
    ...options,
    config: { ...t.app.config, operationRunner: 'in-process' },
  });
  try {
    expect(inProcess).toBeInstanceOf(InProcessOperationRunner);
  } finally {
    await inProcess.close();
  }
});

describe('graphile-worker runner (two runners on one database = two processes)', () => {
  it('runs one operation at a time per fabric across processes, fabrics side by side, and collapses job keys', async ({
    t,
  }) => {
    const events: string[] = [];
    const gates = new Map<string, ReturnType<typeof createDeferred<void>>>();
    const started = new Map<string, ReturnType<typeof createDeferred<void>>>();
    const gate = (id: string) => gates.get(id) ?? gates.set(id, createDeferred()).get(id)!;
    const onStart = (id: string) => started.get(id) ?? started.set(id, createDeferred()).get(id)!;
    const execute = (name: string) => async (operationId: string) => {
      events.push(`${name}:start:${operationId}`);
      onStart(operationId).resolve();
      await gate(operationId).promise;
      events.push(`end:${operationId}`);
    };
    const one = new GraphileOperationRunner({
      databaseUrl: t.database.url,
      logger,
      execute: execute('p1'),
      instanceId: 'p1',
      pollIntervalMs: 100,
    });
    const two = new GraphileOperationRunner({
      databaseUrl: t.database.url,
      logger,
      execute: execute('p2'),
      instanceId: 'p2',
      pollIntervalMs: 100,
    });
    await one.start();
    await two.start();
    try {
      await one.enqueue({ operationId: 'a1', fabricId: 'fa' });
      await two.enqueue({ operationId: 'a2', fabricId: 'fa' });
      await two.enqueue({ operationId: 'b1', fabricId: 'fb' });
      for (const id of ['k1', 'k2', 'k3']) await one.enqueue({ operationId: id, fabricId: 'fa', jobKey: 'pull:fa' });
      await onStart('a1').promise;
      await onStart('b1').promise;
      // a1 holds fabric fa's queue: neither runner may start a2 while it runs; fb runs meanwhile.
      expect(
        events
          .filter((event) => event.includes(':start:'))
          .map((event) => event.split(':')[2])
          .sort(),
      ).toEqual(['a1', 'b1']);
      gate('b1').resolve();
      gate('a1').resolve();
      await onStart('a2').promise;
      expect(events.indexOf('end:a1')).toBeLessThan(events.findIndex((event) => event.endsWith(':start:a2')));
      gate('a2').resolve();
      // the three keyed jobs were one job, carrying the latest payload
      await onStart('k3').promise;
      gate('k3').resolve();
      await one.idle();
      await two.idle();
      const ran = events.filter((event) => event.includes(':start:')).map((event) => event.split(':')[2]);
      expect(ran.sort()).toEqual(['a1', 'a2', 'b1', 'k3']);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('start-up recovery', () => {
  it('marks an operation left in progress by a dead process failed with the reason, and leaves live ones alone', async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const em = t.app.orm.em.fork();
    const orphan = em.create(SyncOperationSchema, {
      fabric: fabric.id,
      operationType: 'push',
      status: 'in_progress',
      phase: 'committing',
      initiatedBy: 'test',
      details: { runner: { instanceId: 'dead-host:1234:abcd' } },
    } as never);
    const mine = em.create(SyncOperationSchema, {
      fabric: fabric.id,
      operationType: 'pull',
      status: 'in_progress',
      phase: 'reading',
      initiatedBy: 'test',
      details: { runner: { instanceId: 'this-one' } },
    } as never);
    await em.flush();
    const result = await recoverOperations(t.app, 'this-one');
    expect(result.failed).toEqual([orphan.id]);
    const after = await t.app.services().operations.get(orphan.id);
    expect(after.status).toBe('failed');
    expect(after.errorMessage).toMatch(/^interrupted: .*during "committing"/);
    expect((await t.app.services().operations.get(mine.id)).status).toBe('in_progress');
  });
});
