/**
 * A JSON document as one query parameter, for the statements that take many rows at once
 * (`jsonb_to_recordset(${JSONB_PARAMETER})`: bulk inserts, lookups by thousands of identities).
 *
 * MikroORM 7 does not send bind parameters with `em.execute`: it writes them into the SQL text
 * (`Platform.formatQuery`), and PostgreSQL's string literal is built one character at a time
 * (`escapeLiteral`: `escaped += c`). A JSON string of 1.5 MB became a V8 rope of 1.5 million
 * pieces, about 33 bytes of heap per character: the 25 batches of 2,000 rows of a 50,000-object
 * first pull and its change record allocated more than 1 GB that way, and held the gateway's
 * resident set some 250 MB higher while writing (docs/performance.md, "Big fabrics").
 *
 * As bytes, the same document is written as one hex literal (`E'\\x…'`, from
 * `Buffer#toString('hex')`: a flat string twice its size, built natively), which the statement
 * decodes back: `convert_from(…::bytea, 'UTF8')::jsonb`.
 */

/** The SQL of one JSON parameter given by `jsonParameter` (a `?` placeholder, as em.execute takes them). */
export const JSONB_PARAMETER = "convert_from(?::bytea, 'UTF8')::jsonb";

/** `value` as JSON in UTF-8 bytes, for a `JSONB_PARAMETER` placeholder. */
export function jsonParameter(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * PostgreSQL's string literal as MikroORM writes it (`BasePostgreSqlPlatform#escapeLiteral`: quotes
 * and backslashes doubled, ` E'…'` when there is a backslash), built natively instead of one
 * character at a time. Every value MikroORM writes into the SQL text goes through it: a JSON
 * column the unit of work flushes is quoted here, such as a change's `objectsBehind` of 50,000
 * labels (about 2 MB) on a first pull, which held some 66 MB of heap as a rope of one piece per
 * character (docs/performance.md, "Big fabrics"). The same text, flat: about its own size.
 */
export function escapeLiteral(text: string): string {
  const hasBackslash = text.includes('\\');
  const escaped = `'${text.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
  return hasBackslash ? ` E${escaped}` : escaped;
}

/** Makes the ORM's platform quote string literals with `escapeLiteral` (the same text, flat). */
export function useFlatLiterals(platform: object): void {
  if (!('escapeLiteral' in platform) || typeof platform.escapeLiteral !== 'function')
    throw new Error('the ORM platform has no escapeLiteral to replace (MikroORM changed)');
  Object.defineProperty(platform, 'escapeLiteral', { value: escapeLiteral, configurable: true, writable: true });
}
