/**
 * The time an operation has left, at the pace so far: elapsed since it started, divided by the
 * units done, times the units left. Pure, so queries, subscription snapshots and the
 * `OPERATION_UPDATED` fabric event agree. Null before the first unit is done, without a total,
 * and once the operation has ended.
 */
import type { SyncOperation } from './sync-operation.entity.ts';

export function estimateSecondsLeft(
  operation: Pick<SyncOperation, 'status' | 'startedAt' | 'progressDone' | 'progressTotal'>,
  now: Date,
): number | null {
  const { startedAt, progressDone: done, progressTotal: total } = operation;
  if (operation.status !== 'in_progress' || !startedAt || done <= 0 || total <= done) return null;
  const elapsedSeconds = (now.getTime() - new Date(startedAt).getTime()) / 1000;
  return Math.max(0, Math.round((elapsedSeconds / done) * (total - done)));
}
