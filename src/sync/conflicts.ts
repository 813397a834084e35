/**
 * Three-way conflict detection per resource (pure). base = the Git version the draft started
 * from, ours = the draft, theirs = the new Git version. Compared on the parts a user edits:
 * apiVersion, labels, annotations and spec. `null` means "absent" (new object, deleted object).
 */
import { mergeThreeWay } from '../diff/three-way-merge.ts';
import { formatPath } from '../diff/json-path.ts';
import type { EditableState } from '../resource/resource-state.ts';

export interface ConflictPath {
  path: string;
  base: unknown;
  ours: unknown;
  theirs: unknown;
}

export type ConflictCheck =
  /** Both sides agree on the result: the draft has nothing left to push. */
  | { outcome: 'same' }
  /** Changes to different fields: the draft becomes `merged`, based on theirs. */
  | { outcome: 'merged'; merged: EditableState | null }
  | { outcome: 'conflict'; paths: ConflictPath[] };

type Comparable =
  | { apiVersion: string; metadata: { labels?: unknown; annotations?: unknown }; spec?: unknown }
  | undefined;

function comparable(state: EditableState | null): Comparable {
  if (!state) return undefined;
  const metadata: { labels?: unknown; annotations?: unknown } = {};
  if (state.labels && Object.keys(state.labels).length > 0) metadata.labels = state.labels;
  if (state.annotations && Object.keys(state.annotations).length > 0) metadata.annotations = state.annotations;
  const value: Comparable = { apiVersion: state.apiVersion, metadata };
  if (state.spec !== undefined && state.spec !== null) value.spec = state.spec;
  return value;
}

function fromComparable(value: unknown): EditableState | null {
  if (value === undefined || value === null) return null;
  const object = value as {
    apiVersion: string;
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
  };
  return {
    apiVersion: object.apiVersion,
    labels: object.metadata?.labels ?? null,
    annotations: object.metadata?.annotations ?? null,
    spec: object.spec ?? {},
  };
}

export function checkConflict(input: {
  base: EditableState | null;
  ours: EditableState | null;
  theirs: EditableState | null;
}): ConflictCheck {
  const theirs = comparable(input.theirs);
  const { merged, conflicts } = mergeThreeWay(comparable(input.base), comparable(input.ours), theirs);
  if (conflicts.length > 0) {
    return {
      outcome: 'conflict',
      paths: conflicts.map((conflict) => ({
        path: formatPath(conflict.segments),
        base: conflict.base ?? null,
        ours: conflict.ours ?? null,
        theirs: conflict.theirs ?? null,
      })),
    };
  }
  if (JSON.stringify(merged) === JSON.stringify(theirs)) return { outcome: 'same' };
  return { outcome: 'merged', merged: fromComparable(merged) };
}

/** The JSON paths a recorded conflict names (`conflictDetails.paths[].path`), for events; none when it names none. */
export function conflictPathsOf(details: unknown): string[] {
  const paths = (details as { paths?: unknown } | null)?.paths;
  if (!Array.isArray(paths)) return [];
  return paths.flatMap((entry: unknown) => {
    const path = typeof entry === 'string' ? entry : (entry as { path?: unknown } | null)?.path;
    return typeof path === 'string' ? [path] : [];
  });
}
