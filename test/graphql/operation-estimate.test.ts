import { expect, it } from 'vitest';
import { estimateSecondsLeft } from '../../src/graphql/types/sync-operation.ts';

const startedAt = new Date('2026-11-22T10:00:00Z');
const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);

it('estimates the time left from the pace so far', () => {
  expect(estimateSecondsLeft({ status: 'in_progress', startedAt, progressDone: 25, progressTotal: 100 }, at(10))).toBe(
    30,
  );
  expect(estimateSecondsLeft({ status: 'in_progress', startedAt, progressDone: 99, progressTotal: 100 }, at(99))).toBe(
    1,
  );
});

it('gives no estimate before the first step, without a total, or once the operation ended', () => {
  expect(
    estimateSecondsLeft({ status: 'in_progress', startedAt, progressDone: 0, progressTotal: 100 }, at(5)),
  ).toBeNull();
  expect(
    estimateSecondsLeft({ status: 'in_progress', startedAt, progressDone: 3, progressTotal: 0 }, at(5)),
  ).toBeNull();
  expect(
    estimateSecondsLeft({ status: 'completed', startedAt, progressDone: 100, progressTotal: 100 }, at(50)),
  ).toBeNull();
  expect(
    estimateSecondsLeft({ status: 'pending', startedAt: null, progressDone: 0, progressTotal: 0 }, at(0)),
  ).toBeNull();
});
