/**
 * Cursors of the history connections (pure). A listing is pinned to the branch head its first
 * page saw, so later pages continue the same listing even when the branch moves meanwhile: the
 * cursor carries that head and the Git host's own position after it, as base64url text.
 */
import { DomainError } from '../errors.ts';

const HEAD = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const HOST_CURSOR = /^[\u0021-\u007e ]{1,200}$/;
const ENCODED = /^[A-Za-z0-9_-]{1,400}$/;

export interface HistoryPosition {
  /** The commit the listing starts from. */
  head: string;
  /** The Git host's cursor of the last commit already listed. */
  after: string;
}

export function encodeHistoryCursor(position: HistoryPosition): string {
  return Buffer.from(`${position.head}.${position.after}`, 'utf8').toString('base64url');
}

/** INVALID_INPUT for anything this gateway did not hand out (NUL bytes, other encodings, oversized text). */
export function decodeHistoryCursor(cursor: string): HistoryPosition {
  const refuse = () =>
    new DomainError('INVALID_INPUT', 'The cursor is not one this listing handed out', {
      problems: [{ path: '$.after', message: 'not a cursor of this listing' }],
    });
  if (!ENCODED.test(cursor)) throw refuse();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const dot = text.indexOf('.');
  const head = text.slice(0, dot);
  const after = text.slice(dot + 1);
  if (dot === -1 || !HEAD.test(head) || !HOST_CURSOR.test(after)) throw refuse();
  return { head, after };
}
