/**
 * How far a landed change got (pure): APPLIED, CONVERGED, STALLED or DIVERGED, from what the
 * gateway sees of the cluster (docs/changes.md, "After the commit"). The change tracker
 * (change-tracker.ts) reads the inputs (the change, its objects' live rows, the Agents of its
 * switches) and writes what this returns.
 *
 * - An object is **applied** when its live state equals what the change committed, compared as
 *   drift compares (live-state-store.ts `driftOfRow`: the catalog's normalisation); a deleted one
 *   when the cluster no longer has it. A kind whose watch has not listed yet is unknown: not applied.
 * - It **diverged** when its live state differs from both what the change committed and what it
 *   replaced (`previous`); for a create, when a live object exists and differs. An object the
 *   cluster does not have is behind, never diverged (the engine has yet to create it).
 * - A switch **converged** when its Agent reports `status.lastAppliedGen == metadata.generation`,
 *   that generation is above `generationAtCommit` (no Agent at commit counts as 0), with a fresh
 *   heartbeat (switch-health.ts). Switches are judged only once every object is applied.
 * - STALLED: not applied `stallSeconds` after `landedAt`, or applied and not converged that long
 *   after `appliedAt`; switches whose every reason is `immediate: false` only hold a change up
 *   after three times the limit (they take a change at their next reconcile).
 */
import type { ClusterObject } from '../cluster/cluster-client.ts';
import { driftOfRow } from '../cluster/live-state-store.ts';
import { switchHealth } from '../cluster/switch-health.ts';
import type {
  ChangeObjectAction,
  ChangeStage,
  ChangeStageEntry,
  ChangeSwitch,
  CommittedContent,
} from './change.entity.ts';
import { FINAL_CHANGE_STAGES } from './change.entity.ts';
import { objectLabel, switchLabel } from './change-stages.ts';

/** Switches whose every reason is not immediate hold a change up only after this many times the limit. */
export const NOT_IMMEDIATE_STALL_FACTOR = 3;

/** Names listed in a stage's detail; the rest are counted. */
export const DETAIL_NAME_LIMIT = 10;

/** The live columns of an object's resource row (absent: no row, so nothing live). */
export interface LiveRow {
  liveResourceVersion: string | null;
  liveSpec: unknown;
  liveLabels: Record<string, string> | null;
  liveAnnotations: Record<string, string> | null;
}

export interface ProgressObject {
  kind: string;
  namespace: string;
  name: string;
  action: ChangeObjectAction;
  committed: CommittedContent | null;
  previous: CommittedContent | null;
  /**
   * Contents of the same object in the changes this one superseded (their `previous` and
   * `committed`): the cluster may still hold one of them, the engine not having applied this
   * change yet. Live equal to one of them is behind, not diverged.
   */
  earlier?: readonly CommittedContent[];
  appliedAt: Date | null;
  /** The object's row now; undefined when there is none (nothing live). */
  live: LiveRow | undefined;
  /** The kind's watch has listed: the live state is known. */
  synced: boolean;
}

export interface ProgressChange {
  stage: ChangeStage;
  stages: ChangeStageEntry[];
  landedAt: Date | null;
  appliedAt: Date | null;
  switches: ChangeSwitch[];
  objectsBehind: string[];
  switchesBehind: string[];
}

export interface ProgressInput {
  change: ProgressChange;
  objects: ProgressObject[];
  /** The Agent of a switch (same namespace and name), when the cluster has one. */
  agent: (namespace: string, name: string) => ClusterObject | undefined;
  now: Date;
  stallSeconds: number;
  heartbeatStaleAfterMs: number;
}

export type ObjectState = 'applied' | 'behind' | 'diverged' | 'unknown';

export interface ProgressResult {
  /** The stage to enter now (with `enterStage`), if the change is to move. */
  enter: { stage: ChangeStage; detail?: string } | null;
  objectsBehind: string[];
  switchesBehind: string[];
  /** Per object (same order as the input): its state now and its appliedAt (kept once set). */
  objects: { state: ObjectState; appliedAt: Date | null }[];
  /** The switches with generationAtCommit filled and convergedAt/convergedGeneration set. */
  switches: ChangeSwitch[];
  /** When the change becomes STALLED if nothing moves before (for a timer); null: no such time. */
  nextDeadline: Date | null;
}

/** Whether the change reached the default branch (the tracker's stages apply only then). */
export function isLanded(change: Pick<ProgressChange, 'stage' | 'landedAt'>): boolean {
  return change.landedAt != null && change.stage !== 'PROPOSED' && !FINAL_CHANGE_STAGES.has(change.stage);
}

/** An object's state: its live row against what the change committed and what it replaced. */
export function objectState(object: ProgressObject): ObjectState {
  if (!object.synced) return 'unknown';
  const live = object.live?.liveResourceVersion != null ? object.live : undefined;
  if (!live) return object.action === 'delete' ? 'applied' : 'behind';
  if (object.committed && equalsLive(object, object.committed, live)) return 'applied';
  if (object.previous && equalsLive(object, object.previous, live)) return 'behind';
  if (object.earlier?.some((content) => equalsLive(object, content, live))) return 'behind';
  return 'diverged';
}

function equalsLive(object: ProgressObject, content: CommittedContent, live: LiveRow): boolean {
  return (
    driftOfRow(
      {
        apiVersion: content.apiVersion,
        kind: object.kind,
        namespace: object.namespace,
        name: object.name,
        desiredSpec: content.spec ?? {},
        desiredLabels: content.labels,
        desiredAnnotations: content.annotations,
        liveResourceVersion: live.liveResourceVersion,
        liveSpec: live.liveSpec,
        liveLabels: live.liveLabels,
        liveAnnotations: live.liveAnnotations,
      },
      true,
    ).status === 'in_sync'
  );
}

/** Whether a switch's Agent reports a generation after the change's, applied, with a fresh heartbeat. */
function convergedGeneration(
  sw: ChangeSwitch,
  agent: ClusterObject | undefined,
  now: Date,
  heartbeatStaleAfterMs: number,
): number | null {
  if (!agent) return null;
  const health = switchHealth(agent, now, { heartbeatStaleAfterMs });
  if (health.state !== 'HEALTHY' || health.currentGeneration === undefined) return null;
  return health.currentGeneration > (sw.generationAtCommit ?? 0) ? health.currentGeneration : null;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function names(list: string[]): string {
  const shown = list.slice(0, DETAIL_NAME_LIMIT).join(', ');
  return list.length > DETAIL_NAME_LIMIT ? `${shown} and ${list.length - DETAIL_NAME_LIMIT} more` : shown;
}

/** The stage the change was landed in (COMMITTED or MERGED): where it returns when live goes back. */
function landingStage(change: ProgressChange): ChangeStage {
  for (let i = change.stages.length - 1; i >= 0; i--) {
    const stage = change.stages[i]!.stage;
    if (stage === 'COMMITTED' || stage === 'MERGED') return stage;
  }
  return 'COMMITTED';
}

/** A stall's kind is the first words of its detail: entering STALLED again needs another kind. */
const stallKind = (detail: string | undefined) => detail?.split(':', 1)[0]?.replace(/ after .*/, '');

/** Where the change stands and what to write; see the module comment for the rules. */
export function changeProgress(input: ProgressInput): ProgressResult {
  const { change, now } = input;
  const limitMs = input.stallSeconds * 1000;
  const states = input.objects.map(objectState);
  const objects = input.objects.map((object, i) => ({
    state: states[i]!,
    appliedAt: object.appliedAt ?? (states[i] === 'applied' ? now : null),
  }));
  const objectsBehind = input.objects.filter((_, i) => states[i] !== 'applied').map(objectLabel);
  if (!isLanded(change)) {
    return {
      enter: null,
      objectsBehind: change.objectsBehind,
      switchesBehind: change.switchesBehind,
      objects: input.objects.map((object, i) => ({ state: states[i]!, appliedAt: object.appliedAt })),
      switches: change.switches,
      nextDeadline: null,
    };
  }
  const noneApplied = input.objects.every((object, i) => states[i] !== 'applied' && object.appliedAt == null);
  const applied = objectsBehind.length === 0;
  // Filled while nothing of the change is live yet: the Agent's generation then predates it.
  const switches = change.switches.map((sw): ChangeSwitch => {
    let next = sw;
    if (sw.generationAtCommit == null && noneApplied && !sw.removed) {
      const generation = input.agent(sw.namespace, sw.name)?.metadata.generation;
      if (typeof generation === 'number') next = { ...next, generationAtCommit: generation };
    }
    if (applied && !sw.removed && next.convergedAt == null) {
      const generation = convergedGeneration(
        next,
        input.agent(sw.namespace, sw.name),
        now,
        input.heartbeatStaleAfterMs,
      );
      if (generation !== null) next = { ...next, convergedGeneration: generation, convergedAt: now.toISOString() };
    }
    return next;
  });
  const behind = switches.filter((sw) => !sw.removed && sw.convergedAt == null);
  const switchesBehind = behind.map(switchLabel);

  const diverged = input.objects.filter((_, i) => states[i] === 'diverged').map(objectLabel);
  let enter: ProgressResult['enter'] = null;
  let nextDeadline: Date | null = null;
  const want = (stage: ChangeStage, detail?: string) => {
    if (stage === 'STALLED' && change.stage === 'STALLED') {
      if (stallKind(change.stages.at(-1)?.detail) === stallKind(detail)) return;
    } else if (stage === change.stage && stage !== 'STALLED') return;
    enter = { stage, ...(detail ? { detail } : {}) };
  };
  if (diverged.length > 0) {
    want('DIVERGED', `live state differs from this change and the one before: ${names(diverged)}`);
  } else if (!applied) {
    const deadline = (change.landedAt?.getTime() ?? now.getTime()) + limitMs;
    if (now.getTime() >= deadline) {
      want(
        'STALLED',
        `not applied after ${seconds(limitMs)}: ${objectsBehind.length} object${objectsBehind.length === 1 ? '' : 's'} behind: ${names(objectsBehind)}`,
      );
    } else {
      nextDeadline = new Date(deadline);
      // Live went back (or a stall or divergence ended before the limit): the landing stage again.
      if (change.stage !== landingStage(change))
        want(landingStage(change), `${objectsBehind.length} not applied: ${names(objectsBehind)}`);
    }
  } else if (behind.length === 0) {
    want('CONVERGED');
  } else {
    const appliedAt = change.appliedAt?.getTime() ?? now.getTime();
    const immediate = behind.filter((sw) => sw.immediate);
    const deadline = appliedAt + limitMs * (immediate.length > 0 ? 1 : NOT_IMMEDIATE_STALL_FACTOR);
    if (now.getTime() >= deadline) {
      const held = immediate.length > 0 ? immediate : behind;
      want(
        'STALLED',
        `not converged after ${seconds(deadline - appliedAt)}: ${held.length} switch${held.length === 1 ? '' : 'es'} behind: ${names(held.map(switchLabel))}`,
      );
    } else {
      nextDeadline = new Date(deadline);
      want('APPLIED');
    }
  }
  return { enter, objectsBehind, switchesBehind, objects, switches, nextDeadline };
}
