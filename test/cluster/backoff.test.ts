import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/cluster/backoff.ts';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000 };
  it('doubles per attempt up to the maximum, jittered within the upper half', () => {
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });
  it('stays finite for very large attempt numbers', () => {
    expect(backoffDelay(10_000, options, () => 0.5)).toBe(750);
  });
});
