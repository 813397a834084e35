/**
 * The fabric event vocabulary: every event the `fabricEvents` subscription delivers is one member
 * of `FabricEvent`, and `publishFabricEvent` is the one way to send one (it stamps the fabric id
 * and the time). Subscribers switch on `type`; GraphQL clients on `__typename` or `type`
 * (docs/events.md lists every event and its fields).
 *
 * Internal consequences travel apart, on `topics.fabricInternal`: a change of the desired state
 * makes the drift follower of every replica recompute drift (the same event bus carries it across
 * replicas), without the public subscription being the channel one module uses to drive another.
 */
import type { DriftCountsByStatus, LiveChangeSummary } from '../cluster/live-state-store.ts';
import type { WatchState } from '../cluster/cluster-client.ts';
import type { ChangeStage } from '../changes/change.entity.ts';
import type { OperationPhase } from '../operations/operation-phases.ts';
import type { OperationStatus, OperationType } from '../operations/sync-operation.entity.ts';
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

/**
 * An operation of the fabric changed: its status, its phase, or its progress (throttled like
 * `syncOperationUpdated`, at most every 100 ms). The same progress figures as the operation.
 */
export interface OperationUpdated {
  type: 'OPERATION_UPDATED';
  operationId: string;
  operationType: OperationType;
  status: OperationStatus;
  phase: OperationPhase;
  progressDone: number;
  progressTotal: number;
  /** Seconds left at the pace so far; null until a unit is done, and once it ended. */
  estimatedSecondsLeft: number | null;
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

/** A push landed a commit on the branch (the default branch, or the pull request's branch). */
export interface Committed {
  type: 'COMMITTED';
  commit: string;
  branch: string;
  files: number;
  /** The operation that made the commit. */
  operationId: string;
  /** The pull request that proposes the commit, in pull-request mode; null when pushed directly. */
  pullRequestUrl: string | null;
}

/** A pull found a draft and a Git change that touch the same fields: the draft is kept and flagged. */
export interface ConflictDetected {
  type: 'CONFLICT_DETECTED';
  resourceId: string;
  kind: string;
  namespace: string;
  name: string;
  /** JSON paths both sides changed (`spec.ranges`, ...). */
  paths: string[];
  /** The Git commit whose version conflicts. */
  commit: string;
}

export interface ConflictResolved {
  type: 'CONFLICT_RESOLVED';
  resourceId: string;
  strategy: string;
  kind: string;
  namespace: string;
  name: string;
  /** The paths that were in conflict. */
  paths: string[];
}

export interface GitopsDirectoryInitialized {
  type: 'GITOPS_DIRECTORY_INITIALIZED';
  commit: string;
  operationId: string;
  /** Files the initialisation added. */
  files: number;
}

export interface GitopsIngested {
  type: 'GITOPS_INGESTED';
  commit: string;
  operationId: string;
  created: number;
  updated: number;
  /** Raw files read from raw/. */
  rawFiles: number;
  /** Files moved to unmanaged/ (not Hedgehog objects). */
  unmanaged: number;
  /** Objects not ingested because their managed file holds a different version. */
  conflicts: number;
}

/** The cluster watch of the fabric (or of one kind, with `kind`) changed state. */
export type WatchStatusChanged =
  | { type: 'WATCH_STATUS_CHANGED'; state: 'error'; error: string }
  | { type: 'WATCH_STATUS_CHANGED'; state: 'watching'; servedKinds: string[]; missingKinds: string[] }
  | { type: 'WATCH_STATUS_CHANGED'; kind: string; state: WatchState; lastError?: string };

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

/**
 * A change (docs/changes.md) was recorded or entered a stage: what a dashboard's timeline of the
 * change needs, without reading it again.
 */
export interface ChangeUpdated {
  type: 'CHANGE_UPDATED';
  changeId: string;
  commit: string;
  stage: ChangeStage;
  /** Null when the change was just recorded. */
  previousStage: ChangeStage | null;
  /** Objects whose live state does not yet equal what the change committed (up to EVENT_ITEM_LIMIT named). */
  objectsBehind: string[];
  objectsBehindCount: number;
  /** Switches not yet converged ("namespace/name"), up to EVENT_ITEM_LIMIT named. */
  switchesBehind: string[];
  switchesBehindCount: number;
}

/** An event as its publisher gives it: without the fabric id and time. */
export type FabricEventBody =
  | DraftChanged
  | OperationUpdated
  | DesiredStateChanged
  | Committed
  | ConflictDetected
  | ConflictResolved
  | GitopsDirectoryInitialized
  | GitopsIngested
  | WatchStatusChanged
  | SwitchHealthChanged
  | LiveChanged
  | DriftChanged
  | DriftSummaryChanged
  | ChangeUpdated;

/** What `fabricEvents` subscribers receive; `type` says which fields come with it. */
export type FabricEvent = FabricEventBody & Stamped;

export type FabricEventType = FabricEvent['type'];

/** Every event type, with what it means (the GraphQL enum `FabricEventType` and docs/events.md say the same). */
export const FABRIC_EVENT_TYPES = {
  DRAFT_CHANGED: 'A draft was created, changed, marked for deletion or discarded, or a live object was adopted.',
  OPERATION_UPDATED:
    'An operation of the fabric changed status or phase, or its progress moved (at most every 100 ms).',
  COMMITTED: 'A push landed a commit (on the default branch, or on the branch of a pull request).',
  DESIRED_STATE_CHANGED: "A pull recorded a new Git head: these resources' desired state changed.",
  CONFLICT_DETECTED: 'A pull found a draft and a Git change that touch the same fields; the draft is flagged.',
  CONFLICT_RESOLVED: 'A conflict was resolved with a strategy.',
  GITOPS_DIRECTORY_INITIALIZED: 'The GitOps directory was initialised by a commit.',
  GITOPS_INGESTED: 'Files waiting in raw/ were ingested by a commit.',
  LIVE_CHANGED: "The cluster's live state of some resources changed (or a kind's was cleared).",
  DRIFT_CHANGED: 'The drift status of some resources changed.',
  DRIFT_SUMMARY_CHANGED: "The fabric's drift counts changed.",
  WATCH_STATUS_CHANGED: 'The cluster watch of the fabric, or of one kind, changed state.',
  SWITCH_HEALTH_CHANGED: 'An Agent changed or all Agents were listed: switch health may have moved.',
  CHANGE_UPDATED: 'A change was recorded or entered a stage (committed, applied, converged, stalled, ...).',
} as const satisfies Record<FabricEventType, string>;

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
