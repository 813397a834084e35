/**
 * The operation engine's progress throttle, on a clock the test moves: counter moves reach
 * subscribers at most every 100 ms and at least every 100 ms while they keep coming; anything
 * else is written at once with what was held; the end gets what is still held.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressReporter } from '../../src/operations/progress-reporter.ts';
import type { OperationChange, OperationEventInput } from '../../src/operations/sync-operation.service.ts';

let published: { at: number; how: 'write' | 'preview'; change: OperationChange; events?: OperationEventInput[] }[];

function reporter() {
  return new ProgressReporter({
    write: async (change, events) => {
      published.push({ at: Date.now(), how: 'write', change, events });
    },
    preview: (change) => published.push({ at: Date.now(), how: 'preview', change }),
    now: () => Date.now(),
  });
}

/** Moves the fake clock, running the timers that fall due at their time. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  published = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ProgressReporter', () => {
  it('publishes a counter move at most every 100 ms and at least every 100 ms while moves keep coming', async () => {
    const progress = reporter();
    await progress.report({ phase: 'reading_files', progressDone: 0, progressTotal: 1000 });
    // One file a millisecond for a second.
    for (let done = 1; done <= 1000; done++) {
      await advance(1);
      await progress.report({ progressDone: done });
    }
    const times = published.map((entry) => entry.at);
    const gaps = times.slice(1).map((at, index) => at - times[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(101);
    // 1 phase change + about one publication per 100 ms, not 1000.
    expect(published.length).toBeGreaterThanOrEqual(10);
    expect(published.length).toBeLessThanOrEqual(12);
    // Every publication carries a moving figure: never a step back.
    const done = published.map((entry) => entry.change.progressDone ?? 0);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  it('publishes a held move by the timer when no further report comes (nothing stays stale)', async () => {
    const progress = reporter();
    await progress.report({ phase: 'reading_files', progressTotal: 3 });
    await advance(10);
    await progress.report({ progressDone: 1 });
    expect(published).toHaveLength(1);
    await advance(100);
    expect(published.at(-1)).toMatchObject({ how: 'preview', at: 100, change: { progressDone: 1 } });
    // Previewed, not yet written: the next report that falls due writes it (with its log lines).
    await advance(150);
    await progress.report({ progressDone: 2 }, [{ message: 'file 2' }]);
    expect(published.at(-1)).toMatchObject({
      how: 'write',
      change: { progressDone: 2 },
      events: [{ message: 'file 2' }],
    });
  });

  it('writes a phase change at once, with the held counters and log lines', async () => {
    const progress = reporter();
    await progress.report({ phase: 'reading_files', progressTotal: 3 });
    await advance(5);
    await progress.report({ progressDone: 2 }, [{ message: 'a' }, { message: 'b' }]);
    await advance(5);
    await progress.report({ phase: 'committing' });
    expect(published.map((entry) => entry.how)).toEqual(['write', 'write']);
    expect(published[1]).toMatchObject({
      at: 10,
      change: { progressDone: 2, phase: 'committing' },
      events: [{ message: 'a' }, { message: 'b' }],
    });
    // Nothing left for the timer.
    await advance(500);
    expect(published).toHaveLength(2);
  });

  it('hands what it holds to the end, and publishes nothing after it is closed', async () => {
    const progress = reporter();
    await progress.report({ phase: 'listing', progressTotal: 10 });
    await advance(1);
    await progress.report({ progressDone: 7, filesProcessed: 70 }, [{ message: 'VPC: 70 objects' }]);
    expect(progress.close()).toEqual({
      change: { progressDone: 7, filesProcessed: 70 },
      events: [{ message: 'VPC: 70 objects' }],
    });
    await advance(500);
    expect(published).toHaveLength(1);
  });
});
