/**
 * The LISTEN/NOTIFY event bus between replicas, on the real PostgreSQL server: order, large events, no echo to the sender, reconnection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm, migrateToLatest } from '../../src/db/orm.ts';
import { PostgresEventBus } from '../../src/events/postgres-event-bus.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database.ts';

const logger = createLogger({ level: 'silent' });

/** Collects what a subscription receives; `until(n)` resolves once n events have arrived. */
function collect<T>(iterator: AsyncIterableIterator<T>) {
  const received: T[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  void (async () => {
    for await (const event of iterator) {
      received.push(event);
      for (const waiter of waiters.filter((one) => received.length >= one.count)) waiter.resolve();
    }
  })();
  return {
    received,
    until: (count: number) =>
      received.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

describe('PostgresEventBus (replicas on one PostgreSQL database)', () => {
  let database: TestDatabase;
  const buses: PostgresEventBus[] = [];
  const bus = async (instanceId: string) => {
    const created = new PostgresEventBus({ connectionString: database.url, instanceId, logger, reconnectDelayMs: 20 });
    await created.start();
    buses.push(created);
    return created;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const orm = await initOrm({ url: database.url, logger, poolSize: 1 });
    await migrateToLatest(orm);
    await orm.close(true);
  });
  afterAll(async () => {
    for (const one of buses) await one.stop();
    await database?.drop();
  });

  it('delivers every event to the other replica in order, large ones included, and never twice to the sender', async () => {
    const a = await bus('replica-a');
    const b = await bus('replica-b');
    const atA = collect(a.subscribe<{ n: number; blob?: string }>('progress'));
    const atB = collect(b.subscribe<{ n: number; blob?: string }>('progress'));
    const large = 'x'.repeat(20_000); // above NOTIFY's 8,000-byte limit
    for (let n = 0; n < 300; n++) a.publish('progress', n === 150 ? { n, blob: large } : { n });
    await atB.until(300);
    expect(atB.received.map((event) => event.n)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    expect(atB.received[150]!.blob).toBe(large);
    // The large event went through the table; the small ones did not.
    expect(await queryDatabase<{ n: number }>(database.url, 'select count(*)::int as n from event_payload')).toEqual([
      { n: 1 },
    ]);

    // A sentinel from B arrives at A after A's own notifications, which A must have skipped.
    b.publish('progress', { n: -1 });
    await atA.until(301);
    expect(atA.received.map((event) => event.n)).toEqual([...Array.from({ length: 300 }, (_, n) => n), -1]);
    // B's own events reached B's subscriber once, locally, not a second time over NOTIFY.
    b.publish('progress', { n: -2 });
    await atA.until(302);
    // A's reply is notified after B's own two: had B's own come back to it, they would be here first.
    a.publish('progress', { n: -3 });
    await atB.until(303);
    expect(atB.received.slice(300).map((event) => event.n)).toEqual([-1, -2, -3]);
  });

  it('deletes stored large events once they are older than the retention', async () => {
    const keeping = await bus('replica-e');
    const expiring = new PostgresEventBus({
      connectionString: database.url,
      instanceId: 'replica-f',
      logger,
      retentionMs: 0,
    });
    await expiring.start();
    buses.push(expiring);
    const count = async () =>
      (await queryDatabase<{ n: number }>(database.url, 'select count(*)::int as n from event_payload'))[0]!.n;
    const atE = collect(keeping.subscribe<{ blob: string }>('large'));
    const before = await count();
    expiring.publish('large', { blob: 'z'.repeat(10_000) });
    await atE.until(1);
    expect(await count()).toBe(before + 1);
    // A 10-minute retention keeps it; a zero one deletes it (and everything older).
    expect(await keeping.deleteExpiredEvents()).toBe(0);
    expect(await expiring.deleteExpiredEvents()).toBe(before + 1);
    expect(await count()).toBe(0);
  });

  it('re-opens a lost connection and carries events again', async () => {
    const a = await bus('replica-c');
    const b = await bus('replica-d');
    const atB = collect(b.subscribe<{ n: number }>('after-loss'));
    const generation = b.connectionGeneration;
    const [terminated] = await queryDatabase<{ ok: boolean }>(
      database.url,
      `select bool_or(pg_terminate_backend(pid)) as ok from pg_stat_activity where application_name = $1`,
      [`${PostgresEventBus.applicationNamePrefix}replica-d`],
    );
    expect(terminated!.ok).toBe(true);
    await b.whenConnected(generation);
    expect(b.connectionGeneration).toBe(generation + 1);
    a.publish('after-loss', { n: 7 });
    // Identical events sent in one statement are not folded into one by PostgreSQL.
    a.publish('after-loss', { n: 8 });
    a.publish('after-loss', { n: 8 });
    await atB.until(3);
    expect(atB.received).toEqual([{ n: 7 }, { n: 8 }, { n: 8 }]);
  });
});
