/**
 * The YAML printer for canonical objects. Canonical objects are plain JSON data, so a small
 * printer suffices; it is several times faster than a general one, which matters when a
 * 10,000-object fabric is validated. Keys keep their order (the canonical form orders them).
 *
 * Strings stay plain only when no YAML 1.1 or 1.2 reader could take them for something else
 * (a number, boolean, null, date, or syntax); everything else is double-quoted with JSON escapes,
 * which YAML's double-quoted style shares, plus escapes for characters YAML does not allow raw.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PLAIN_CHARACTERS = /^[A-Za-z0-9_][A-Za-z0-9_./:-]*$/;
const RESERVED_WORDS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const NUMBER_LIKE = [
  /^[0-9][0-9_]*$/, // integers, YAML 1.1 octal (017)
  /^0[xXoObB]/, // hex, octal, binary
  /^[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/, // YAML 1.1 sexagesimal (1:20)
  /^[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/, // floats (1.5, 1., 1e5)
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // YAML 1.1 timestamps
];
/** Characters YAML does not allow unescaped, or that YAML 1.1 reads as line breaks. */
const NEEDS_ESCAPE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function isPlainSafe(text: string): boolean {
  return (
    PLAIN_CHARACTERS.test(text) &&
    !text.endsWith(':') &&
    !RESERVED_WORDS.test(text) &&
    !NUMBER_LIKE.some((pattern) => pattern.test(text))
  );
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (isPlainSafe(value)) return value;
  return JSON.stringify(value).replace(
    NEEDS_ESCAPE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function isCollection(value: Json): value is Json[] | { [key: string]: Json } {
  return value !== null && typeof value === 'object';
}

function isEmpty(value: Json[] | { [key: string]: Json }): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function emitBlock(value: Json[] | { [key: string]: Json }, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!isCollection(item) || isEmpty(item)) {
        lines.push(`${pad}- ${isCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
        continue;
      }
      // The item's block starts on the dash line: print it one level deeper, then splice.
      const start = lines.length;
      emitBlock(item, indent + 2, lines);
      lines[start] = `${pad}- ${lines[start]!.slice(indent + 2)}`;
    }
    return;
  }
  for (const [key, member] of Object.entries(value)) {
    const name = scalar(key);
    if (!isCollection(member)) lines.push(`${pad}${name}: ${scalar(member)}`);
    else if (isEmpty(member)) lines.push(`${pad}${name}: ${Array.isArray(member) ? '[]' : '{}'}`);
    else {
      lines.push(`${pad}${name}:`);
      emitBlock(member, Array.isArray(member) ? indent + 2 : indent + 2, lines);
    }
  }
}

/** Block-style YAML for a JSON object (one document, trailing newline). */
export function printYamlDocument(value: { [key: string]: unknown }): string {
  const lines: string[] = [];
  emitBlock(value as { [key: string]: Json }, 0, lines);
  return lines.length === 0 ? '{}\n' : `${lines.join('\n')}\n`;
}
