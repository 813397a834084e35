/**
 * The change a commit will make (pure): the fabric's drafts run through the push planner
 * (`plan-push.ts`) exactly as a push would, then described for a review screen. For every draft:
 * its action, the per-field differences from its desired state (`diff/json-diff.ts`), the file it
 * writes in canonical YAML and a unified diff against what Git holds there (`diff/file-diff.ts`),
 * and whether the commit takes it; for the commit: the files it adds, changes and deletes.
 *
 * The service reads the Git side (the texts named by `gitReadsFor`) and hands it in; nothing
 * here does I/O.
 */
import { diffValues, type FieldDifference } from '../diff/json-diff.ts';
import { unifiedFileDiff } from '../diff/file-diff.ts';
import { managedFilePath, renderCanonicalYaml, type HedgehogObject } from '../hedgehog/canonical.ts';
import { toFabricPath, toRepositoryPath } from '../gitops/fabric-paths.ts';
import { buildImpactIndex, computeImpact, type ImpactResult, type ObjectChange } from '../hedgehog/impact.ts';
import { planPush, type PushDraft, type PushPlan, type PushPlanInput } from './plan-push.ts';

/** A draft as the push sees it, with the desired state it changes. */
export interface PendingDraft extends PushDraft {
  /** The object as Git has it now (the desired state); null when it is new. */
  desired: HedgehogObject | null;
  /** Why the push leaves this draft out (a conflict to resolve first); absent when it is ready. */
  heldBack?: string | null;
}

export interface PendingChangesInput extends Omit<PushPlanInput, 'drafts' | 'operationId' | 'actor' | 'message'> {
  drafts: readonly PendingDraft[];
}

/** What happens to a draft when the drafts are committed now. */
export type PendingStatus =
  /** The commit writes (or deletes) its file. */
  | 'included'
  /** Git already holds exactly this: the draft is cleared without a commit. */
  | 'unchanged'
  /** It cannot be written (see `reason`); it stays pending. */
  | 'refused'
  /** It is in conflict; the push leaves it out until the conflict is resolved. */
  | 'held_back';

export interface PendingChange {
  resourceId: string;
  kind: string;
  namespace: string;
  name: string;
  /** From the object's point of view: new, changed, or removed. */
  action: 'create' | 'update' | 'delete';
  status: PendingStatus;
  reason: string | null;
  /** Repository path the commit writes or deletes. */
  path: string;
  /** Repository path the object leaves, when its file moves; null otherwise. */
  previousPath: string | null;
  /** Per-field differences from the desired state (from `{}` for a new object, to `{}` for a deleted one). */
  fields: FieldDifference[];
  /** What Git holds at the object's file now; null when there is no such file. */
  before: string | null;
  /** The canonical YAML the commit writes; null for a delete. */
  after: string | null;
  /** Unified diff of `before` and `after` (`''` when they are equal). */
  diff: string;
  /** Names of the switches whose Agents this draft alone changes (`hedgehog/impact.ts`); filled by `draftImpact`. */
  affectedSwitches?: string[];
}

export interface PendingChanges {
  changes: PendingChange[];
  /** Repository paths, sorted: exactly the additions and deletions the commit will carry. */
  files: { added: string[]; changed: string[]; deleted: string[] };
}

/** The plan a push would make from these drafts (conflicted ones left out, as the push does). */
export function planPendingPush(input: PendingChangesInput): PushPlan {
  return planPush({
    ...input,
    drafts: input.drafts.filter((draft) => !draft.heldBack),
    operationId: 'pending',
    actor: 'pending',
    message: null,
  });
}

/** Where each draft's file is in Git now (fabric-relative path), or null when it has none. */
function currentFileOf(draft: PendingDraft, desired: ReadonlyMap<string, string>): string | null {
  if (draft.currentPath && desired.has(draft.currentPath)) return draft.currentPath;
  if (draft.object) {
    const path = managedFilePath(draft.object);
    if (desired.has(path)) return path;
  }
  return null;
}

/** The blobs whose texts `describePendingChanges` needs: Git's current file of every draft. */
export function gitReadsFor(input: PendingChangesInput): string[] {
  const oids = new Set<string>();
  for (const draft of input.drafts) {
    const path = currentFileOf(draft, input.desired);
    const oid = path === null ? undefined : input.desired.get(path);
    if (oid) oids.add(oid);
  }
  return [...oids].sort();
}

/**
 * Describes the drafts and the commit. `texts`: Git's blobs by oid (those `gitReadsFor` named);
 * a missing one reads as an absent file.
 */
export function describePendingChanges(
  input: PendingChangesInput,
  texts: ReadonlyMap<string, string>,
  plan: PushPlan = planPendingPush(input),
): PendingChanges {
  const written = new Map(plan.writes.map((write) => [write.resourceId, write]));
  const refused = new Map(plan.refused.map((refusal) => [refusal.resourceId, refusal.reason]));
  const unchanged = new Set(plan.unchanged);
  const changes = [...input.drafts].sort(byIdentity).map((draft): PendingChange => {
    const current = currentFileOf(draft, input.desired);
    const before = current === null ? null : (texts.get(input.desired.get(current) ?? '') ?? null);
    const target = draft.object ? managedFilePath(draft.object) : (draft.currentPath ?? current ?? '');
    const after = draft.action === 'delete' || !draft.object ? null : renderCanonicalYaml(draft.object);
    const status: PendingStatus = draft.heldBack
      ? 'held_back'
      : written.has(draft.resourceId)
        ? 'included'
        : refused.has(draft.resourceId)
          ? 'refused'
          : unchanged.has(draft.resourceId)
            ? 'unchanged'
            : 'refused';
    const path = toRepositoryPath(input.directory, target);
    const previousPath =
      current !== null && current !== target && draft.action !== 'delete'
        ? toRepositoryPath(input.directory, current)
        : null;
    return {
      resourceId: draft.resourceId,
      kind: draft.kind,
      namespace: draft.namespace,
      name: draft.name,
      action: draft.action === 'delete' ? 'delete' : draft.desired ? 'update' : 'create',
      status,
      reason: draft.heldBack ?? refused.get(draft.resourceId) ?? null,
      path,
      previousPath,
      fields: diffValues(draft.desired ?? {}, draft.action === 'delete' ? {} : (draft.object ?? {})),
      before,
      after,
      diff: unifiedFileDiff(
        { path: current === null ? path : toRepositoryPath(input.directory, current), text: before },
        { path, text: after },
      ),
    };
  });
  const isNew = (repositoryPath: string) => {
    const path = toFabricPath(input.directory, repositoryPath);
    return path === null || !input.desired.has(path);
  };
  const additions = plan.additions.map((addition) => addition.path);
  return {
    changes,
    files: {
      added: additions.filter(isNew).sort(),
      changed: additions.filter((path) => !isNew(path)).sort(),
      deleted: plan.deletions.map((deletion) => deletion.path).sort(),
    },
  };
}

function byIdentity(a: PushDraft, b: PushDraft): number {
  const left = `${a.kind}\u0000${a.namespace}\u0000${a.name}`;
  const right = `${b.kind}\u0000${b.namespace}\u0000${b.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The object change a draft makes, for the impact function (a delete of an object Git lacks is none). */
function objectChangeOf(draft: PendingDraft): ObjectChange | null {
  if (draft.action === 'delete') return draft.desired ? { action: 'delete', before: draft.desired } : null;
  if (!draft.object) return null;
  return draft.desired
    ? { action: 'update', before: draft.desired, after: draft.object }
    : { action: 'create', after: draft.object };
}

/**
 * Which switches the drafts affect (`hedgehog/impact.ts`), over the desired state they change:
 * for the drafts the commit carries together (held-back ones left out, as the push leaves them
 * out), and for each draft alone (its names, by resource id).
 */
export function draftImpact(
  desiredObjects: Iterable<HedgehogObject>,
  drafts: readonly PendingDraft[],
): { impact: ImpactResult; switchesByResource: Map<string, string[]> } {
  const index = buildImpactIndex(desiredObjects);
  const switchesByResource = new Map<string, string[]>();
  const carried: ObjectChange[] = [];
  for (const draft of drafts) {
    const change = objectChangeOf(draft);
    const alone = change ? computeImpact(index, [change]).switches.map((item) => item.name) : [];
    switchesByResource.set(draft.resourceId, alone);
    if (change && !draft.heldBack) carried.push(change);
  }
  return { impact: computeImpact(index, carried), switchesByResource };
}
