/**
 * Expected failures, each with a stable code that API clients can rely on. The GraphQL layer
 * passes these through with `extensions.code`; anything else is masked and logged.
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'DUPLICATE'
  | 'IN_USE'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED';

export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
  /** JSON path inside the document, e.g. `$.metadata.name`. */
  path?: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) =>
  new DomainError('NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`, { id });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `text` is a row id: our ids are UUIDs. */
export const isUuid = (text: string): boolean => UUID.test(text);

/** Ids are UUIDs; anything else cannot name a row, so it is "not found" rather than a database error. */
export function requireId(what: string, id: string): string {
  if (!isUuid(id)) throw notFound(what, id);
  return id;
}
