/** The fabric events the cluster watchers publish (LIVE_CHANGED, DRIFT_CHANGED, …; see docs/cluster.md). */
import { topics, type EventBus } from '../events/event-bus.ts';
import type { FabricEvent } from '../resource/resource.service.ts';
import { driftedCount, type DriftCountsByStatus, type LiveChangeSummary } from './live-state-store.ts';

/** Resources listed by name in one LIVE_CHANGED / DRIFT_CHANGED event; the rest are counted. */
export const EVENT_ITEM_LIMIT = 100;

export function publishDriftChanged(eventBus: EventBus, fabricId: string, changes: LiveChangeSummary['drift']): void {
  publish(eventBus, fabricId, { type: 'DRIFT_CHANGED', count: changes.length, changes: changes.slice(0, EVENT_ITEM_LIMIT) });
}

export function publishDriftSummary(eventBus: EventBus, fabricId: string, driftCounts: DriftCountsByStatus): void {
  publish(eventBus, fabricId, { type: 'DRIFT_SUMMARY_CHANGED', driftCounts, driftCount: driftedCount(driftCounts) });
}

export function publish(eventBus: EventBus, fabricId: string, fields: { type: string; [key: string]: unknown }): void {
  const event: FabricEvent = { ...fields, fabricId, at: new Date().toISOString() };
  eventBus.publish(topics.fabric(fabricId), event);
}
