/**
 * The shape of a keyset (cursor) page as the repositories read it and the API pages it
 * (graphql/pagination.ts): no offsets, so a page deep in a list costs what the first one does.
 */

/** A sort key: the values of a list's ORDER BY columns for one row, as text. */
export type SortKey = readonly string[];

/** What a repository needs to read one page. */
export interface KeysetPage {
  /** Rows to return; the repository reads one more, so the caller knows whether more follow. */
  limit: number;
  /** Rows after this key in the list's order (exclusive). */
  after: SortKey | null;
  /** Rows before this key in the list's order (exclusive). */
  before: SortKey | null;
  /** Read from the end backwards (`last`); the rows still come back in the list's order. */
  fromEnd: boolean;
}

/** A list that can be paged by key: what a service hands the API for one filter. */
export interface KeysetList<T> {
  /** Names the list in its cursors (`resources`, `syncOperations`). */
  name: string;
  /** The fabric its cursors are valid for, or '' for a list over every fabric in scope. */
  scope: string;
  /** One check per value of the sort key (length, form); a cursor failing one is refused. */
  keyCheck: readonly ((value: string) => boolean)[];
  keyOf: (row: T) => SortKey;
  /** The page's rows in the list's order, up to `page.limit + 1` of them. */
  read: (page: KeysetPage) => Promise<T[]>;
  /** Rows matching the filter on all pages (asked only when a query selects the total). */
  count: () => Promise<number>;
  /** The page and the count in one statement, when both are wanted (one round trip instead of two). */
  readCounted?: (page: KeysetPage) => Promise<{ rows: T[]; total: number }>;
}

/**
 * The keyset condition and order of a page, for a list sorted by `columns` all in one
 * direction (`descending` for newest-first lists). `casts` gives each parameter's SQL type.
 */
export function keysetClause(
  page: KeysetPage,
  columns: readonly string[],
  options: { descending?: boolean; casts?: readonly string[] } = {},
): { conditions: string[]; params: string[]; orderBy: string } {
  const tuple = `(${columns.join(', ')})`;
  const placeholders = `(${columns.map((_, index) => (options.casts?.[index] ? `?::${options.casts[index]}` : '?')).join(', ')})`;
  const forward = options.descending ? '<' : '>';
  const backward = options.descending ? '>' : '<';
  const conditions: string[] = [];
  const params: string[] = [];
  if (page.after) {
    conditions.push(`${tuple} ${forward} ${placeholders}`);
    params.push(...page.after);
  }
  if (page.before) {
    conditions.push(`${tuple} ${backward} ${placeholders}`);
    params.push(...page.before);
  }
  // Backwards reads walk the same index the other way; the caller puts the rows back in order.
  const descending = Boolean(options.descending) !== page.fromEnd;
  const orderBy = columns.map((column) => `${column} ${descending ? 'desc' : 'asc'}`).join(', ');
  return { conditions, params, orderBy };
}
