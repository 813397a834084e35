/**
 * The tracker against other writers and hostile events: a version conflict (the recorder
 * superseding the change meanwhile) is read again and respected; another fabric's change named
 * in this fabric's event is never touched. Real database and event bus; the tracker built directly.
 */
import pg from 'pg';
import { describe, expect, vi } from 'vitest';
import { publishChangeUpdated } from '../../src/changes/change-events.ts';
import { ChangeSchema } from '../../src/changes/change.entity.ts';
import { appTest } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';
import { vpc } from '../support/kube-server/hedgehog.ts';
import { affected, directTracker as tracker, recordChange } from './tracker-support.ts';

const it = appTest;

const change = (fabricId: string) => ({
  objects: [
    {
      kind: 'VPC',
      name: 'vpc-1',
      action: 'update' as const,
      committed: vpc('vpc-1', 2),
      previous: vpc('vpc-1', 1),
    },
  ],
  switches: [affected('leaf-1')],
  fabricId,
});

describe('other writers', () => {
  it('a change superseded while the tracker wrote it stays SUPERSEDED (version conflict, read again)', async ({
    t,
  }) => {
    const fabricId = (await createFabric(t)).id;
    const id = await recordChange(t.app, fabricId, change(fabricId));
    // The recorder supersedes the change in a transaction still open: the row is locked.
    const recorder = new pg.Client({ connectionString: t.database.url });
    await recorder.connect();
    try {
      await recorder.query('begin');
      await recorder.query(
        `update change set stage = 'SUPERSEDED', open = false, version = version + 1 where id = $1`,
        [id],
      );
      const controller = new AbortController();
      const subject = tracker(t, fabricId, controller);
      await subject.start();
      subject.ready();
      // The tracker read the old version and its update waits for the lock.
      await vi.waitFor(
        async () => {
          const [waiting] = await queryDatabase<{ n: number }>(
            t.database.url,
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update "change"%'`,
          );
          expect(waiting!.n).toBe(1);
        },
        { timeout: 20_000 },
      );
      await recorder.query('commit');
      await subject.idle();
      controller.abort();
      await subject.stop();
      const row = await t.app.orm.em.fork().findOneOrFail(ChangeSchema, id);
      expect(row.stage).toBe('SUPERSEDED');
      expect(row.version).toBe(2);
      expect(row.switches[0]!.generationAtCommit).toBeNull();
      expect(subject.openChanges).toBe(0);
      expect(t.logs()).not.toMatch(/change tracking failed/);
    } finally {
      await recorder.end();
    }
  });

  it("another fabric's change named in this fabric's event is never read or written", async ({ t }) => {
    const mine = (await createFabric(t)).id;
    const other = (await createFabric(t)).id;
    const theirs = await recordChange(t.app, other, change(other));
    const controller = new AbortController();
    const subject = tracker(t, mine, controller);
    await subject.start();
    subject.ready();
    const row = await t.app.orm.em.fork().findOneOrFail(ChangeSchema, theirs);
    for (const id of [theirs, '00000000-0000-0000-0000-000000000000', 'not-a-uuid\u0000']) {
      publishChangeUpdated(t.app.eventBus, mine, { ...row, id }, null);
    }
    await subject.idle();
    controller.abort();
    await subject.stop();
    const after = await t.app.orm.em.fork().findOneOrFail(ChangeSchema, theirs);
    expect(after.version).toBe(row.version);
    expect(after.switches[0]!.generationAtCommit).toBeNull();
    expect(subject.openChanges).toBe(0);
  });
});
