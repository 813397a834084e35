/**
 * The drift follower without a cluster or a database: a real in-process event bus, and a
 * recompute and roll-up the test answers. The roll-up throttle runs on fake timers.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DriftFollower } from '../../src/cluster/drift-follower.ts';
import { InProcessEventBus, topics } from '../../src/events/event-bus.ts';
import {
  publishDesiredStateChanged,
  publishFabricEvent,
  type FabricEventBody,
} from '../../src/events/fabric-events.ts';
import { createLogger } from '../../src/logger.ts';
import { createDeferred } from '../support/git-fixtures.ts';

const FABRIC = '5b0e7a4e-8d1c-4a55-9a77-0d6a1f3c2b10';

/** Calls of a port the test answers: each call waits until the test settles it. */
function answered<A>() {
  const calls: { args: A; done: ReturnType<typeof createDeferred<void>> }[] = [];
  const waiters: (() => void)[] = [];
  return {
    calls,
    take(args: A): Promise<void> {
      const done = createDeferred<void>();
      calls.push({ args, done });
      for (const waiter of waiters.splice(0)) waiter();
      return done.promise;
    },
    /** Call number `n` (from 0), once it has been made. */
    async call(n: number) {
      while (calls.length <= n) await new Promise<void>((resolve) => waiters.push(resolve));
      return calls[n]!;
    },
  };
}

function followerWith(options: { rollupIntervalMs?: number } = {}) {
  const eventBus = new InProcessEventBus();
  const controller = new AbortController();
  const recomputes = answered<readonly string[] | 'all'>();
  const rollups = answered<undefined>();
  const logLines: { msg: string; fabricId?: string }[] = [];
  const logged = createDeferred<void>();
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(JSON.parse(String(chunk)));
      logged.resolve();
      callback();
    },
  });
  const follower = new DriftFollower({
    fabricId: FABRIC,
    eventBus,
    signal: controller.signal,
    logger: createLogger({ level: 'error', destination }),
    recompute: (ids) => recomputes.take(ids),
    rollup: () => rollups.take(undefined),
    ...(options.rollupIntervalMs ? { rollupIntervalMs: options.rollupIntervalMs } : {}),
  });
  follower.start();
  /** What a pull or an ingestion announces on the internal topic. */
  const changed = (resourceIds: readonly string[] | 'all', fabricId = FABRIC) =>
    publishDesiredStateChanged(eventBus, fabricId, resourceIds);
  /** What clients receive: the follower takes no cue from it. */
  const publishPublic = (event: FabricEventBody) => publishFabricEvent(eventBus, FABRIC, event);
  return { follower, eventBus, controller, recomputes, rollups, logLines, logged, changed, publishPublic };
}

const sorted = (ids: readonly string[] | 'all') => (ids === 'all' ? ids : [...ids].sort());
/** One turn of the event loop: every promise callback already queued has run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('DriftFollower: desired state', () => {
  it('recomputes the rows of the desired-state changes of one burst once', async () => {
    const { recomputes, changed } = followerWith();
    changed(['a']);
    changed(['b', 'a']);
    const first = await recomputes.call(0);
    expect(sorted(first.args)).toEqual(['a', 'b']);
    first.done.resolve();
    await turn();
    changed(['c']);
    expect((await recomputes.call(1)).args).toEqual(['c']);
  });

  it('recomputes every row after a change of the whole fabric (an ingestion), absorbing pending ids', async () => {
    const { recomputes, changed } = followerWith();
    changed(['a']);
    changed('all');
    changed(['b']);
    const first = await recomputes.call(0);
    expect(first.args).toBe('all');
    first.done.resolve();
    await turn();
    changed('all');
    expect((await recomputes.call(1)).args).toBe('all');
  });

  it('changes arriving during a recompute collapse into one more pass', async () => {
    const { recomputes, changed } = followerWith();
    changed(['a']);
    const first = await recomputes.call(0);
    changed(['b']);
    changed(['c']);
    changed(['b']);
    await turn();
    first.done.resolve();
    const second = await recomputes.call(1);
    expect(sorted(second.args)).toEqual(['b', 'c']);
    second.done.resolve();
    await turn();
    changed(['d']);
    expect((await recomputes.call(2)).args).toEqual(['d']);
  });

  it('a change arriving in the turn a recompute ends is not left behind', async () => {
    const { recomputes, changed } = followerWith();
    changed(['a']);
    (await recomputes.call(0)).done.resolve();
    changed(['late']);
    expect((await recomputes.call(1)).args).toEqual(['late']);
  });

  it('follows only the internal desired-state changes of its own fabric, not the client events', async () => {
    const { recomputes, changed, publishPublic } = followerWith();
    publishPublic({ type: 'LIVE_CHANGED', count: 1, removed: 0, resources: [] });
    publishPublic({ type: 'DRIFT_CHANGED', count: 0, changes: [] });
    publishPublic({ type: 'DRAFT_CHANGED', resourceId: 'z', kind: 'VPC', name: 'z', action: 'upsert', actor: 'alice' });
    // The client event of a pull or an ingestion is not the cue either.
    publishPublic({
      type: 'DESIRED_STATE_CHANGED',
      commit: 'c1',
      resourceIds: ['public'],
      created: 1,
      updated: 0,
      deleted: 0,
    });
    publishPublic({
      type: 'GITOPS_INGESTED',
      commit: 'c2',
      operationId: 'o1',
      created: 1,
      updated: 0,
      rawFiles: 1,
      unmanaged: 0,
      conflicts: 0,
    });
    changed(['elsewhere'], 'a1c7a8a2-3f0e-4c2b-8d7e-6f5a4b3c2d1e');
    changed(['x']);
    expect((await recomputes.call(0)).args).toEqual(['x']);
    expect(recomputes.calls).toHaveLength(1);
  });

  it('logs a failed recompute with the fabric id and goes on following', async () => {
    const { recomputes, changed, logLines, logged } = followerWith();
    changed(['a']);
    (await recomputes.call(0)).done.reject(new Error('database down'));
    await logged.promise;
    expect(logLines).toEqual([
      expect.objectContaining({ msg: 'recomputing drift after a Git change failed', fabricId: FABRIC }),
    ]);
    await turn();
    changed(['b']);
    expect((await recomputes.call(1)).args).toEqual(['b']);
  });

  it('after the signal: the subscription ends, the recompute under way is awaited, nothing more runs', async () => {
    const { follower, eventBus, controller, recomputes, changed, logLines } = followerWith();
    expect(eventBus.subscriberCount(topics.fabricInternal(FABRIC))).toBe(1);
    expect(eventBus.subscriberCount(topics.fabric(FABRIC))).toBe(0);
    changed(['a']);
    const first = await recomputes.call(0);
    changed(['b']);
    controller.abort();
    expect(eventBus.subscriberCount(topics.fabricInternal(FABRIC))).toBe(0);
    let finished = false;
    const finishing = follower.finish().then(() => (finished = true));
    await turn();
    expect(finished).toBe(false);
    first.done.reject(new Error('fabric deleted'));
    await finishing;
    changed(['c']);
    await turn();
    expect(recomputes.calls).toHaveLength(1);
    expect(logLines).toEqual([]);
  });
});

describe('DriftFollower: roll-up throttle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rolls up at once when idle, then at most once per interval, requests in between collapsing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { follower, rollups } = followerWith({ rollupIntervalMs: 250 });
    follower.scheduleRollup();
    await vi.advanceTimersByTimeAsync(0);
    expect(rollups.calls).toHaveLength(1);
    rollups.calls[0]!.done.resolve();
    follower.scheduleRollup();
    follower.scheduleRollup();
    follower.scheduleRollup();
    await vi.advanceTimersByTimeAsync(249);
    expect(rollups.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(rollups.calls).toHaveLength(2);
    rollups.calls[1]!.done.resolve();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(rollups.calls).toHaveLength(2);
    follower.scheduleRollup();
    await vi.advanceTimersByTimeAsync(0);
    expect(rollups.calls).toHaveLength(3);
  });

  it('logs a failed roll-up with the fabric id', async () => {
    const { follower, rollups, logLines, logged } = followerWith();
    follower.scheduleRollup();
    (await rollups.call(0)).done.reject(new Error('database down'));
    await logged.promise;
    expect(logLines).toEqual([expect.objectContaining({ msg: 'drift roll-up failed', fabricId: FABRIC })]);
  });

  it('finish() drops a roll-up not yet started and waits for the one under way, which may fail unlogged', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { follower, controller, rollups, logLines } = followerWith({ rollupIntervalMs: 250 });
    follower.scheduleRollup();
    await vi.advanceTimersByTimeAsync(0);
    follower.scheduleRollup();
    controller.abort();
    let finished = false;
    const finishing = follower.finish().then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(finished).toBe(false);
    rollups.calls[0]!.done.reject(new Error('fabric deleted'));
    await finishing;
    follower.scheduleRollup();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(rollups.calls).toHaveLength(1);
    expect(logLines).toEqual([]);
  });
});
