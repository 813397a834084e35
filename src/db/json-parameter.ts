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
