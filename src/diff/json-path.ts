/**
 * Paths into JSON documents: a list of segments plus its JSONPath rendering.
 * `$.spec.vlan`, `$.spec.subnets["subnet-1"].dhcp`, `$.spec.ports[2]`,
 * `$.spec.permit[?(@.name=="a")]` (an element of an array compared by key).
 */

/** Selects the element of an array whose `key` field equals `value` (arrays diffed by key). */
export interface KeySelector {
  readonly key: string;
  readonly value: string | number | boolean;
}

export type PathSegment = string | number | KeySelector;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string')
      path += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
    else
      path += `[?(@.${IDENTIFIER.test(segment.key) ? segment.key : JSON.stringify(segment.key)}==${JSON.stringify(segment.value)})]`;
  }
  return path;
}

/** A plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep equality on JSON values where a property holding `undefined` counts as absent
 * (YAML/JSON round trips drop them, so they must not show up as differences).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    let definedInA = 0;
    for (const key of Object.keys(a)) {
      if (a[key] === undefined) continue;
      definedInA++;
      if (!jsonEqual(a[key], b[key])) return false;
    }
    let definedInB = 0;
    for (const key of Object.keys(b)) if (b[key] !== undefined) definedInB++;
    return definedInA === definedInB;
  }
  // NaN never occurs in JSON; numbers, strings, booleans and null compare by value above.
  return false;
}

/** Keys whose value is defined in any of the objects, in first-seen order. */
export function definedKeys(...sources: readonly Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const key of Object.keys(source)) {
      if (source[key] === undefined || seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
    }
  }
  return keys;
}
