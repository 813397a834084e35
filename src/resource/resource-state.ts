/**
 * The one place that writes a resource row's desired and draft states (pure: it changes the row
 * object it is given and reads nothing else). Pull, push, ingestion, adoption, API edits and
 * conflict resolution all go through it, so a new column or rule changes here only. The live
 * state is written by cluster/live-state-store.ts in SQL; the rule for removing a row is here.
 */
import type { Resource } from './resource.entity.ts';

type StringMap = Record<string, string>;

/**
 * The parts of an object a user edits, as the three-way merge compares them: apiVersion,
 * labels, annotations, spec. `null` labels or annotations mean none (an empty map is the same).
 */
export interface EditableState {
  apiVersion: string;
  labels: StringMap | null;
  annotations: StringMap | null;
  spec: unknown;
}

/** The shape of a manifest these helpers read: a parsed, validated or canonical object. */
export interface EditableObject {
  apiVersion: string;
  metadata: { labels?: StringMap | undefined; annotations?: StringMap | undefined };
  spec?: unknown;
}

/** The row fields the helpers read and write (a plain object with them is enough in tests). */
export type ResourceStateRow = Pick<
  Resource,
  | 'apiVersion'
  | 'desiredSpec'
  | 'desiredLabels'
  | 'desiredAnnotations'
  | 'desiredCommit'
  | 'managedFilePath'
  | 'desiredBlobOid'
  | 'fileHash'
  | 'lastFileSync'
  | 'draftAction'
  | 'draftApiVersion'
  | 'draftSpec'
  | 'draftLabels'
  | 'draftAnnotations'
  | 'draftBaseBlobOid'
  | 'draftedBy'
  | 'draftedAt'
  | 'liveSpec'
  | 'liveResourceVersion'
  | 'conflictStatus'
  | 'conflictDetails'
>;

/** Where a desired state was read from or written to. */
export interface DesiredSource {
  /** Managed file path, relative to the fabric's directory. */
  path: string;
  blobOid: string;
  /** SHA-256 of the file's bytes. */
  fileHash: string;
  commit: string;
  at: Date;
}

/** An empty map and no map are the same: both are stored as null. */
export function nonEmpty(map: StringMap | null | undefined): StringMap | null {
  return map && Object.keys(map).length > 0 ? map : null;
}

/** The editable state of a manifest: labels and annotations only when there are some, spec `{}` when absent. */
export function editableStateOf(object: EditableObject): EditableState {
  return {
    apiVersion: object.apiVersion,
    labels: nonEmpty(object.metadata.labels),
    annotations: nonEmpty(object.metadata.annotations),
    spec: object.spec ?? {},
  };
}

/** Desired state := what Git holds at `source` (the object's apiVersion becomes the row's). */
export function setDesired(row: ResourceStateRow, object: EditableObject, source: DesiredSource): void {
  const state = editableStateOf(object);
  row.apiVersion = state.apiVersion;
  row.desiredSpec = state.spec;
  row.desiredLabels = state.labels;
  row.desiredAnnotations = state.annotations;
  row.desiredCommit = source.commit;
  row.managedFilePath = source.path;
  row.desiredBlobOid = source.blobOid;
  row.fileHash = source.fileHash;
  row.lastFileSync = source.at;
}

/** The object is no longer in Git as of `commit`. Whether the row stays: `hasAnyState`. */
export function clearDesired(row: ResourceStateRow, commit: string, at: Date): void {
  Object.assign(row, {
    desiredSpec: null,
    desiredLabels: null,
    desiredAnnotations: null,
    desiredCommit: commit,
    managedFilePath: null,
    desiredBlobOid: null,
    fileHash: null,
    lastFileSync: at,
  });
}

/**
 * The draft's content: a state to write (upsert) or null (delete). Who and when are left as they
 * are; `draftBy` sets them with the base. The conflict status is left alone.
 */
export function setDraftState(row: ResourceStateRow, state: EditableState | null): void {
  if (state === null) {
    Object.assign(row, {
      draftAction: 'delete',
      draftApiVersion: row.apiVersion,
      draftSpec: null,
      draftLabels: null,
      draftAnnotations: null,
    });
    return;
  }
  Object.assign(row, {
    draftAction: 'upsert',
    draftApiVersion: state.apiVersion,
    draftSpec: state.spec ?? {},
    draftLabels: nonEmpty(state.labels),
    draftAnnotations: nonEmpty(state.annotations),
  });
}

/**
 * A draft edit by `actor`: the content (null = delete), based on the desired version the row
 * holds now (its blob oid; null for an object not in Git).
 */
export function setDraft(row: ResourceStateRow, state: EditableState | null, actor: string, at: Date): void {
  setDraftState(row, state);
  row.draftBaseBlobOid = row.desiredBlobOid ?? null;
  row.draftedBy = actor;
  row.draftedAt = at;
}

/**
 * The draft rebased onto a new Git version (a pull merged it cleanly): its content is the merge,
 * its base that version (blob oid; null when the object left Git), and no conflict is left.
 * Who drafted it and when stay as they are.
 */
export function rebaseDraft(row: ResourceStateRow, merged: EditableState | null, baseBlobOid: string | null): void {
  setDraftState(row, merged);
  row.draftBaseBlobOid = baseBlobOid;
  row.conflictStatus = 'none';
  row.conflictDetails = null;
}

/** The draft kept as it is, now based on Git's version `baseBlobOid` (GUI_WINS: the next push writes it over Git's). */
export function rebaseDraftBase(row: ResourceStateRow, baseBlobOid: string | null): void {
  row.draftBaseBlobOid = baseBlobOid;
}

/** No draft any more (pushed, discarded, or Git already says the same); its conflict goes with it. */
export function clearDraft(row: ResourceStateRow): void {
  Object.assign(row, {
    draftAction: null,
    draftApiVersion: null,
    draftSpec: null,
    draftLabels: null,
    draftAnnotations: null,
    draftBaseBlobOid: null,
    draftedBy: null,
    draftedAt: null,
    conflictStatus: 'none',
    conflictDetails: null,
  });
}

/** The draft overlaps a new Git version: kept, with its base, and held back from pushes. */
export function markConflict(row: ResourceStateRow, details: Record<string, unknown>): void {
  row.conflictStatus = 'detected';
  row.conflictDetails = details;
}

/**
 * A resolution was applied to the row's conflict: `resolved` (the row takes part in pushes again)
 * or `resolving` (MANUAL: still held back). The resolution is recorded beside the conflict's own
 * details; the draft itself is changed by the caller through `setDraft`/`clearDraft`/`rebaseDraft`.
 */
export function recordResolution(
  row: ResourceStateRow,
  status: 'resolved' | 'resolving',
  resolution: Record<string, unknown>,
): void {
  row.conflictStatus = status;
  row.conflictDetails = { ...((row.conflictDetails as Record<string, unknown> | null) ?? {}), resolution };
}

/** The draft as an editable state (an upsert's content; the caller knows whether it is a delete). */
export function draftStateOf(row: ResourceStateRow): EditableState {
  return {
    apiVersion: row.draftApiVersion ?? row.apiVersion,
    labels: row.draftLabels ?? null,
    annotations: row.draftAnnotations ?? null,
    spec: row.draftSpec ?? {},
  };
}

/** The desired state as an editable state, or null when the object is not in Git. */
export function desiredStateOf(row: ResourceStateRow): EditableState | null {
  if (row.desiredSpec == null) return null;
  return {
    apiVersion: row.apiVersion,
    labels: row.desiredLabels ?? null,
    annotations: row.desiredAnnotations ?? null,
    spec: row.desiredSpec,
  };
}

/** In Git or in the cluster (a draft aside). */
export function hasDesiredOrLive(row: ResourceStateRow): boolean {
  return row.desiredSpec != null || row.liveSpec != null || row.liveResourceVersion != null;
}

/** A row exists while any of its states does: when this is false, the row is removed. */
export function hasAnyState(row: ResourceStateRow): boolean {
  return row.draftAction != null || hasDesiredOrLive(row);
}
