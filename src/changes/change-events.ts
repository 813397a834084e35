/** CHANGE_UPDATED, published by the recorder and the tracker after the change's row is written. */
import type { EventBus } from '../events/event-bus.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import type { ChangeStage } from './change.entity.ts';

/** Names listed in one CHANGE_UPDATED event; the rest are counted (as cluster-events.ts's EVENT_ITEM_LIMIT). */
export const CHANGE_EVENT_ITEM_LIMIT = 100;

export function publishChangeUpdated(
  eventBus: EventBus,
  fabricId: string,
  change: { id: string; commitOid: string; stage: ChangeStage; objectsBehind: string[]; switchesBehind: string[] },
  previousStage: ChangeStage | null,
): void {
  publishFabricEvent(eventBus, fabricId, {
    type: 'CHANGE_UPDATED',
    changeId: change.id,
    commit: change.commitOid,
    stage: change.stage,
    previousStage,
    objectsBehind: change.objectsBehind.slice(0, CHANGE_EVENT_ITEM_LIMIT),
    objectsBehindCount: change.objectsBehind.length,
    switchesBehind: change.switchesBehind.slice(0, CHANGE_EVENT_ITEM_LIMIT),
    switchesBehindCount: change.switchesBehind.length,
  });
}
