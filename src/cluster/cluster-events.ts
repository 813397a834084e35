/** The fabric events the cluster watchers publish (LIVE_CHANGED, DRIFT_CHANGED, …; see docs/cluster.md). */
import type { EventBus } from '../events/event-bus.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import { driftedCount, type DriftCountsByStatus, type LiveChangeSummary } from './live-state-store.ts';

/** Resources listed by name in one LIVE_CHANGED / DRIFT_CHANGED event; the rest are counted. */
export const EVENT_ITEM_LIMIT = 100;

export function publishDriftChanged(eventBus: EventBus, fabricId: string, changes: LiveChangeSummary['drift']): void {
  publishFabricEvent(eventBus, fabricId, {
    type: 'DRIFT_CHANGED',
    count: changes.length,
    changes: changes.slice(0, EVENT_ITEM_LIMIT),
  });
}

export function publishDriftSummary(eventBus: EventBus, fabricId: string, driftCounts: DriftCountsByStatus): void {
  publishFabricEvent(eventBus, fabricId, {
    type: 'DRIFT_SUMMARY_CHANGED',
    driftCounts,
    driftCount: driftedCount(driftCounts),
  });
}
