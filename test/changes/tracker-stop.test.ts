/**
 * The tracker stops with its watch: an evaluation under way when the signal aborts writes
 * nothing, and no timer is left. Real database and event bus; the tracker built directly.
 */
import { describe, expect } from 'vitest';
import { ChangeSchema } from '../../src/changes/change.entity.ts';
import { appTest } from '../support/app-fixture.ts';
import { createFabric } from '../support/fixtures.ts';
import { vpc } from '../support/kube-server/hedgehog.ts';
import { affected, directTracker as tracker, recordChange } from './tracker-support.ts';

const it = appTest;

describe('stopping', () => {
  it('an evaluation under way when the tracker stops writes nothing; one not stopped writes', async ({ t }) => {
    const fabricId = (await createFabric(t)).id;
    const id = await recordChange(t.app, fabricId, {
      objects: [
        { kind: 'VPC', name: 'vpc-1', action: 'update', committed: vpc('vpc-1', 2), previous: vpc('vpc-1', 1) },
      ],
      switches: [affected('leaf-1')],
    });
    const read = async () => t.app.orm.em.fork().findOneOrFail(ChangeSchema, id);

    // Stopped in the middle: the Agent is read (the write is computed), then the watch stops.
    const stopped = new AbortController();
    const first = tracker(t, fabricId, stopped, () => stopped.abort());
    await first.start();
    first.ready();
    await first.idle();
    await first.stop();
    expect(first.nextDeadline).toBeUndefined();
    expect(await read()).toMatchObject({ version: 1, switches: [{ generationAtCommit: null }] });

    // The same evaluation left running writes (the generation at commit) and arms the stall timer.
    const running = new AbortController();
    const second = tracker(t, fabricId, running);
    await second.start();
    second.ready();
    await second.idle();
    expect(await read()).toMatchObject({ version: 2, switches: [{ generationAtCommit: 5 }] });
    const landedAt = (await read()).landedAt!;
    expect(second.nextDeadline).toEqual(new Date(landedAt.getTime() + 3600_000));
    running.abort();
    await second.stop();
    expect(second.nextDeadline).toBeUndefined();
  });
});
