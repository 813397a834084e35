/**
 * A change's timeline (pure): the one way a stage is entered, so the recorder and the tracker
 * keep `stage`, `stageAt`, `stages`, `open` and the milestone times in agreement.
 */
import { FINAL_CHANGE_STAGES, type ChangeStage, type ChangeStageEntry } from './change.entity.ts';

/** The fields of a change its timeline is made of. */
export interface ChangeTimeline {
  stage: ChangeStage;
  stageAt: Date;
  stages: ChangeStageEntry[];
  open: boolean;
  landedAt?: Date | null | undefined;
  appliedAt?: Date | null | undefined;
  convergedAt?: Date | null | undefined;
}

/** The stage a change starts in, when it is recorded. */
export function initialTimeline(stage: 'COMMITTED' | 'PROPOSED', at: Date, detail?: string): ChangeTimeline {
  const entry: ChangeStageEntry = { stage, at: at.toISOString(), ...(detail ? { detail } : {}) };
  return {
    stage,
    stageAt: at,
    stages: [entry],
    open: true,
    landedAt: stage === 'COMMITTED' ? at : null,
    appliedAt: null,
    convergedAt: null,
  };
}

/**
 * Enters `stage` at `at`. Returns false (and changes nothing) when the change is in a final stage
 * already, or already in `stage` with the same detail. A later stage's milestone time is kept once
 * set: a change that stalls after it applied keeps its `appliedAt`.
 */
export function enterStage(change: ChangeTimeline, stage: ChangeStage, at: Date, detail?: string): boolean {
  if (FINAL_CHANGE_STAGES.has(change.stage)) return false;
  const last = change.stages.at(-1);
  if (change.stage === stage && (last?.detail ?? undefined) === (detail || undefined)) return false;
  change.stages = [...change.stages, { stage, at: at.toISOString(), ...(detail ? { detail } : {}) }];
  change.stage = stage;
  change.stageAt = at;
  change.open = !FINAL_CHANGE_STAGES.has(stage);
  if ((stage === 'COMMITTED' || stage === 'MERGED') && !change.landedAt) change.landedAt = at;
  if (stage === 'APPLIED' && !change.appliedAt) change.appliedAt = at;
  if (stage === 'CONVERGED') {
    if (!change.appliedAt) change.appliedAt = at;
    change.convergedAt = at;
  }
  return true;
}

/** "kind namespace/name": how objects are named in `objectsBehind` and in stage details. */
export function objectLabel(object: { kind: string; namespace: string; name: string }): string {
  return `${object.kind} ${object.namespace}/${object.name}`;
}

/** "namespace/name": how switches are named in `switchesBehind`. */
export function switchLabel(sw: { namespace: string; name: string }): string {
  return `${sw.namespace}/${sw.name}`;
}
