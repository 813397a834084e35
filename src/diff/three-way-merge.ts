/**
 * Three-way merge of JSON values (pure): base = the common ancestor, ours = our edit,
 * theirs = the other side's edit.
 *
 * - A field changed on one side only takes that side's value.
 * - The same change on both sides is not a conflict.
 * - Different changes to the same field are a conflict; `merged` keeps theirs there.
 * - Objects merge field by field (a missing base counts as `{}` when both sides added an object).
 *   Deleting a field or object counts as a change to it, so delete-vs-modify is a conflict.
 * - Arrays are atomic: merged only when one side left it as in base.
 *
 * `merged` is `undefined` when the result is "absent" (deleted).
 */
import { definedKeys, formatPath, isPlainObject, jsonEqual, type PathSegment } from './json-path.ts';

export interface MergeConflict {
  path: string;
  segments: PathSegment[];
  base: unknown;
  ours: unknown;
  theirs: unknown;
}

export interface MergeResult {
  merged: unknown;
  conflicts: MergeConflict[];
}

export function mergeThreeWay(base: unknown, ours: unknown, theirs: unknown): MergeResult {
  const conflicts: MergeConflict[] = [];
  const merged = merge(base, ours, theirs, [], conflicts);
  return { merged, conflicts };
}

function merge(
  base: unknown,
  ours: unknown,
  theirs: unknown,
  segments: PathSegment[],
  conflicts: MergeConflict[],
): unknown {
  if (jsonEqual(ours, theirs)) return theirs;
  if (jsonEqual(base, ours)) return theirs;
  if (jsonEqual(base, theirs)) return ours;
  if (isPlainObject(ours) && isPlainObject(theirs) && (base === undefined || isPlainObject(base))) {
    const baseObject = base ?? {};
    const entries: [string, unknown][] = [];
    for (const key of definedKeys(baseObject, ours, theirs)) {
      const value = merge(baseObject[key], ours[key], theirs[key], [...segments, key], conflicts);
      if (value !== undefined) entries.push([key, value]);
    }
    // fromEntries, not assignment: a "__proto__" key must stay a plain own property.
    return Object.fromEntries(entries);
  }
  conflicts.push({ path: formatPath(segments), segments, base, ours, theirs });
  return theirs;
}
