/**
 * Per-field difference between two JSON values (pure).
 *
 * Objects are compared key by key, arrays index by index (or element by element matched on a key
 * field when `arrayKeys` names one for that array), anything else by value. A property holding
 * `undefined` and a missing property are the same thing.
 */
import { definedKeys, formatPath, isPlainObject, jsonEqual, type PathSegment } from './json-path.ts';

export interface FieldDifference {
  /** JSONPath of the field: `$.spec.vlan`, `$.spec.subnets["subnet-1"].dhcp`. */
  path: string;
  segments: PathSegment[];
  /** `undefined` when the field is absent from the first value. */
  before: unknown;
  /** `undefined` when the field is absent from the second value. */
  after: unknown;
}

export interface DiffOptions {
  /**
   * Arrays to match element by element on a key field instead of by index. Keys are the array's
   * path with every array index written `[*]` (`'$.spec.permit'`, `'$.spec.links[*].ports'`),
   * values the key field (`'name'`). When an element lacks the key or keys repeat, that array
   * falls back to comparison by index.
   */
  arrayKeys?: Readonly<Record<string, string>>;
}

export function diffValues(a: unknown, b: unknown, options: DiffOptions = {}): FieldDifference[] {
  const differences: FieldDifference[] = [];
  walk(a, b, [], options.arrayKeys, differences);
  return differences;
}

function walk(
  a: unknown,
  b: unknown,
  segments: PathSegment[],
  arrayKeys: Readonly<Record<string, string>> | undefined,
  out: FieldDifference[],
): void {
  if (a === b) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of definedKeys(a, b)) walk(a[key], b[key], [...segments, key], arrayKeys, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keyField = arrayKeys?.[patternOf(segments)];
    if (keyField !== undefined && walkKeyed(a, b, keyField, segments, arrayKeys, out)) return;
    const length = Math.max(a.length, b.length);
    for (let i = 0; i < length; i++) walk(a[i], b[i], [...segments, i], arrayKeys, out);
    return;
  }
  if (!jsonEqual(a, b)) out.push({ path: formatPath(segments), segments, before: a, after: b });
}

/** Returns false (and reports nothing) when the arrays cannot be keyed. */
function walkKeyed(
  a: readonly unknown[],
  b: readonly unknown[],
  keyField: string,
  segments: PathSegment[],
  arrayKeys: Readonly<Record<string, string>> | undefined,
  out: FieldDifference[],
): boolean {
  const before = indexByKey(a, keyField);
  const after = indexByKey(b, keyField);
  if (before === undefined || after === undefined) return false;
  const seen = new Set<string | number | boolean>();
  for (const key of [...before.keys(), ...after.keys()]) {
    if (seen.has(key)) continue;
    seen.add(key);
    walk(before.get(key), after.get(key), [...segments, { key: keyField, value: key }], arrayKeys, out);
  }
  return true;
}

function indexByKey(items: readonly unknown[], keyField: string): Map<string | number | boolean, unknown> | undefined {
  const byKey = new Map<string | number | boolean, unknown>();
  for (const item of items) {
    if (!isPlainObject(item)) return undefined;
    const key = item[keyField];
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') return undefined;
    if (byKey.has(key)) return undefined;
    byKey.set(key, item);
  }
  return byKey;
}

function patternOf(segments: readonly PathSegment[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'string') path += formatPath([segment]).slice(1);
    else path += '[*]';
  }
  return path;
}
