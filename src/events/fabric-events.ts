/**
 * The fabric event vocabulary: every event the `fabricEvents` subscription delivers is one member
 * of `FabricEvent`, and `publishFabricEvent` is the one way to send one (it stamps the fabric id
 * and the time). Subscribers switch on `type`.
 *
 * Internal consequences travel apart, on `topics.fabricInternal`: a change of the desired state
 * makes the drift follower of every replica recompute drift (the same event bus carries it across
 * replicas), without the public subscription being the channel one module uses to drive another.
 */
import type { DriftCountsByStatus, LiveChangeSummary } from '../cluster/live-state-store.ts';
import type { OperationStatus } from '../operations/sync-operation.entity.ts';
import { topics, type EventBus } from './event-bus.ts';

/** Fields every fabric event carries, set by `publishFabricEvent`. */
interface Stamped {
  fabricId: string;
  /** ISO 8601 time of publication. */
  at: string;
}

/** A draft was created, changed, marked for deletion or discarded (by an API edit or an adoption). */
export interface DraftChanged {
  type: 'DRAFT_CHANGED';
  resourceId: string;
  kind: string;
  name: string;
  action: 'upsert' | 'delete' | 'discard';
  actor: string;
  /** A live-only object copied into a draft (`adoptResources`). */
  adopted?: true;
}

/** An operation of the fabric changed status or phase (`syncOperationUpdated` has the whole snapshot). */
export interface OperationUpdated {
  type: 'OPERATION_UPDATED';
  operationId: string;
  status: OperationStatus;
  phase: string;
}

/** A pull recorded a new Git head: these rows' desired state changed (removed rows are not listed). */
export interface DesiredStateChanged {
  type: 'DESIRED_STATE_CHANGED';
  commit: string;
  resourceIds: string[];
  created: number;
  updated: number;
  deleted: number;
}

/** A push landed a commit on the branch. */
export interface Committed {
  type: 'COMMITTED';
  commit: string;
  branch: string;
  files: number;
}

export interface ConflictResolved {
  type: 'CONFLICT_RESOLVED';
  resourceId: string;
  strategy: string;
}

export interface GitopsDirectoryInitialized {
  type: 'GITOPS_DIRECTORY_INITIALIZED';
  commit: string;
  operationId: string;
}

export interface GitopsIngested {
  type: 'GITOPS_INGESTED';
  commit: string;
  operationId: string;
  created: number;
  updated: number;
}

/** The cluster watch of the fabric (or of one kind, with `kind`) changed state. */
export type WatchStatusChanged =
  | { type: 'WATCH_STATUS_CHANGED'; state: 'error'; error: string }
  | { type: 'WATCH_STATUS_CHANGED'; state: 'watching'; servedKinds: string[]; missingKinds: string[] }
  | { type: 'WATCH_STATUS_CHANGED'; kind: string; state: string; lastError?: string };

/** An Agent changed (one switch), or all were listed (`count`): switch health may have moved. */
export type SwitchHealthChanged =
  | { type: 'SWITCH_HEALTH_CHANGED'; count: number }
  | { type: 'SWITCH_HEALTH_CHANGED'; namespace: string; name: string };

/** Live state written: up to EVENT_ITEM_LIMIT resources named, `count` in all; or a kind cleared. */
export type LiveChanged =
  | { type: 'LIVE_CHANGED'; count: number; removed: number; resources: LiveChangeSummary['live'] }
  | { type: 'LIVE_CHANGED'; kind: string; cleared: true; count: 0; resources: [] };

export interface DriftChanged {
  type: 'DRIFT_CHANGED';
  count: number;
  changes: LiveChangeSummary['drift'];
}

export interface DriftSummaryChanged {
  type: 'DRIFT_SUMMARY_CHANGED';
  driftCounts: DriftCountsByStatus;
  driftCount: number;
}

/** An event as its publisher gives it: without the fabric id and time. */
export type FabricEventBody =
  | DraftChanged
  | OperationUpdated
  | DesiredStateChanged
  | Committed
  | ConflictResolved
  | GitopsDirectoryInitialized
  | GitopsIngested
  | WatchStatusChanged
  | SwitchHealthChanged
  | LiveChanged
  | DriftChanged
  | DriftSummaryChanged;

/** What `fabricEvents` subscribers receive; `type` says which fields come with it. */
export type FabricEvent = FabricEventBody & Stamped;

export type FabricEventType = FabricEvent['type'];

/** Publishes `event` to the fabric's subscribers, stamped with the fabric id and the time. */
export function publishFabricEvent(eventBus: EventBus, fabricId: string, event: FabricEventBody): void {
  const stamped: FabricEvent = { ...event, fabricId, at: new Date().toISOString() };
  eventBus.publish(topics.fabric(fabricId), stamped);
}

/**
 * What other modules of the gateway follow (not clients): the desired state of these rows changed,
 * or of any row (`'all'`, after an ingestion).
 */
export interface InternalFabricEvent {
  type: 'DESIRED_STATE_CHANGED';
  fabricId: string;
  resourceIds: readonly string[] | 'all';
}

/** Tells every replica's followers (drift) that desired state changed; never reaches `fabricEvents`. */
export function publishDesiredStateChanged(
  eventBus: EventBus,
  fabricId: string,
  resourceIds: readonly string[] | 'all',
): void {
  const event: InternalFabricEvent = { type: 'DESIRED_STATE_CHANGED', fabricId, resourceIds };
  eventBus.publish(topics.fabricInternal(fabricId), event);
}
