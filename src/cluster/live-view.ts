/**
 * The consumer side of ClusterEvent (pure): fold events into "what the cluster has now".
 * Used by tests and by anything that keeps an in-memory picture of one fabric's cluster.
 */
import { kindKey, objectKey, type ClusterEvent, type ClusterObject } from './cluster-client.ts';

/** kindKey → objectKey → object. */
export type LiveView = Map<string, Map<string, ClusterObject>>;

export function applyClusterEvent(view: LiveView, event: ClusterEvent): void {
  const key = kindKey(event.kind);
  if (event.type === 'synced') {
    view.set(key, new Map(event.objects.map((object) => [objectKey(object), object])));
    return;
  }
  let objects = view.get(key);
  if (!objects) {
    objects = new Map();
    view.set(key, objects);
  }
  if (event.type === 'upsert') objects.set(objectKey(event.object), event.object);
  else objects.delete(objectKey(event.object));
}
