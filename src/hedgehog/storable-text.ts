/**
 * Text the database cannot store. PostgreSQL `text` refuses U+0000 and `jsonb` refuses both
 * U+0000 (`\u0000 cannot be converted to text`) and a UTF-16 surrogate without its partner.
 * YAML can write either (`"\0"`, `"\uD800"`, a raw NUL byte), and so can JSON input. Validation
 * refuses such documents (finding TEXT_UNSTORABLE) before anything is written, on every path:
 * drafts, validateManifests, raw/ ingestion and pulls of managed files.
 */
import type { PathSegment } from './manifests.ts';

/** U+0000, or a surrogate half without its partner. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const UNSTORABLE_GLOBAL = new RegExp(UNSTORABLE.source, 'gu');

/** The first character a database column cannot hold, as `U+0000 (NUL)` / `a lone surrogate U+D800`; null when none. */
export function unstorableCharacter(text: string): string | null {
  const match = UNSTORABLE.exec(text);
  if (!match) return null;
  const code = match[0].charCodeAt(0);
  return code === 0 ? 'U+0000 (NUL)' : `a lone UTF-16 surrogate U+${code.toString(16).toUpperCase()}`;
}

/**
 * `text` with every such character written as its escape (`\u0000`), so that a message or log
 * line quoting hostile input can still be recorded.
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_GLOBAL, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface UnstorableText {
  /** Path of the key (the key itself is unstorable) or of the string value. */
  path: PathSegment[];
  where: 'key' | 'value';
  character: string;
}

/**
 * Every key and string of a document that the database cannot store, in document order, at most
 * `limit` of them (and how many there were). Iterative, so a deep document cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown, limit: number): { found: UnstorableText[]; total: number } {
  const found: UnstorableText[] = [];
  let total = 0;
  const note = (entry: UnstorableText) => {
    total += 1;
    if (found.length < limit) found.push(entry);
  };
  // `key` is set for a mapping's entries: the key is checked when its entry is reached.
  type Entry = { value: unknown; path: PathSegment[]; key?: string };
  const stack: Entry[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path, key } = stack.pop()!;
    if (key !== undefined) {
      const character = unstorableCharacter(key);
      if (character) note({ path, where: 'key', character });
    }
    if (typeof current === 'string') {
      const character = unstorableCharacter(current);
      if (character) note({ path, where: 'value', character });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const children: Entry[] = Array.isArray(current)
      ? current.map((item, index) => ({ value: item, path: [...path, index] }))
      : Object.entries(current).map(([name, child]) => ({ value: child, path: [...path, name], key: name }));
    // Reversed onto the stack, so findings come out in document order.
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]!);
  }
  return { found, total };
}
