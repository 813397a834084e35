/**
 * Keyset (cursor) paging for the API's Relay connections. A page is read from the index that
 * matches the list's sort order, starting after (or before) the sort key its cursor carries, so
 * the last page costs what the first does; `totalCount` is counted only when a query selects it.
 *
 * Cursors are opaque to clients: base64url of `[version, list, scope, ...sort key]`. They are
 * validated (length, alphabet, shape, NUL bytes) and tied to the list and the fabric they were
 * made for: a cursor of another list or of another fabric is refused with INVALID_INPUT rather
 * than silently paging somewhere else.
 */
import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { KeysetList, SortKey } from '../db/keyset-page.ts';
import { DomainError } from '../errors.ts';
import type { GraphQLContext } from './context.ts';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
}

/** The connection as the schema's resolvers see it; `totalCount` is counted when resolved. */
export interface KeysetConnection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

const CURSOR_VERSION = 1;
/** A cursor longer than this is not one of ours (keys are at most a few hundred characters). */
export const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(list: string, scope: string, key: SortKey): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, list, scope, ...key]), 'utf8').toString('base64url');
}

/** The sort key of a cursor of `list` in `scope`, or INVALID_INPUT naming the argument. */
export function decodeCursor(
  argument: 'after' | 'before',
  cursor: string,
  list: Pick<KeysetList<unknown>, 'name' | 'scope' | 'keyCheck'>,
): SortKey {
  const refuse = (message: string) =>
    new DomainError('INVALID_INPUT', `Argument "${argument}" ${message}`, {
      problems: [{ path: `$.${argument}`, message }],
    });
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor))
    throw refuse('is not a cursor of this list');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('is not a cursor of this list');
  }
  if (
    !Array.isArray(decoded) ||
    decoded[0] !== CURSOR_VERSION ||
    decoded[1] !== list.name ||
    typeof decoded[2] !== 'string' ||
    decoded.length !== 3 + list.keyCheck.length
  )
    throw refuse('is not a cursor of this list');
  if (decoded[2] !== list.scope) throw refuse('is a cursor of another fabric');
  const key = decoded.slice(3);
  for (const [index, check] of list.keyCheck.entries()) {
    const value = key[index];
    if (typeof value !== 'string' || value.includes('\u0000') || !check(value))
      throw refuse('is not a cursor of this list');
  }
  return key as string[];
}

/** `first` and `last` are whole numbers from 0 to the maximum page size, or INVALID_INPUT (never silently cut). */
function checkPageSizes(args: ConnectionArgs, maxPageSize: number): void {
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value != null && (!Number.isInteger(value) || value < 0 || value > maxPageSize)) {
      throw new DomainError('INVALID_INPUT', `Argument "${name}" must be between 0 and ${maxPageSize}`, {
        problems: [{ path: `$.${name}`, message: `at most ${maxPageSize}` }],
      });
    }
  }
}

/**
 * Resolves a Relay connection page by page over `list`: `first` (with `after`, and `before` as an
 * upper bound) reads forwards, `last` (with `before`, and `after` as a lower bound) backwards.
 * Asking for more than the configured maximum, or for `first` and `last` together, is refused
 * with a clear error rather than silently cut.
 */
export async function resolveKeysetConnection<T>(
  args: ConnectionArgs,
  context: Pick<GraphQLContext, 'pagination'>,
  list: KeysetList<T>,
  /** The query selects totalCount: a list that can reads it with the page, in one statement. */
  options: { countSelected?: boolean } = {},
): Promise<KeysetConnection<T>> {
  const { maxPageSize, defaultPageSize } = context.pagination;
  checkPageSizes(args, maxPageSize);
  if (args.first != null && args.last != null)
    throw new DomainError('INVALID_INPUT', 'Give "first" or "last", not both', {
      problems: [{ path: '$.last', message: 'not together with first' }],
    });
  const after = args.after != null ? decodeCursor('after', args.after, list) : null;
  const before = args.before != null ? decodeCursor('before', args.before, list) : null;
  const fromEnd = args.last != null;
  const limit = (fromEnd ? args.last : args.first) ?? defaultPageSize;
  let counted: Promise<number> | null = null;
  const totalCount = () => {
    counted ??= list.count();
    return counted;
  };
  const page = { limit, after, before, fromEnd };
  let rows: T[];
  if (limit > 0 && options.countSelected && list.readCounted) {
    const read = await list.readCounted(page);
    rows = read.rows;
    counted = Promise.resolve(read.total);
  } else {
    rows = limit === 0 ? [] : await list.read(page);
  }
  const more = rows.length > limit;
  const nodes = more ? (fromEnd ? rows.slice(rows.length - limit) : rows.slice(0, limit)) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(list.name, list.scope, list.keyOf(node)), node }));
  return {
    edges,
    pageInfo: {
      // Relay's rule: in the direction not paged, whether a cursor was given.
      hasNextPage: fromEnd ? before !== null : more,
      hasPreviousPage: fromEnd ? more : after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** Options for `t.connection`'s connection type: every connection tells its total, counted only when asked. */
export const connectionWithTotalCount = {
  fields: (t: {
    int: (options: {
      description: string;
      resolve: (connection: { totalCount: () => Promise<number> }) => Promise<number>;
    }) => unknown;
  }) => ({
    totalCount: t.int({
      description: 'Items matching the filter, on all pages.',
      resolve: (connection) => connection.totalCount(),
    }),
  }),
};

/**
 * The fields a query selects on the nodes of a connection (`edges { node { … } }`), fragments
 * included; null when it cannot tell (the caller then reads every column).
 */
export function selectedNodeFields(info: GraphQLResolveInfo): ReadonlySet<string> | null {
  return selectedFieldsOnce(nodeFieldsOf, info, ['edges', 'node']);
}

/** The fields a query selects on the object a field returns, fragments included; null when it cannot tell. */
export function selectedFields(info: GraphQLResolveInfo): ReadonlySet<string> | null {
  return selectedFieldsOnce(fieldsOf, info, []);
}

/**
 * Found once per field of a parsed document (yoga's parse cache hands every request with the same
 * text the same document, and a field's node with its fragments decides the answer), so the sets
 * are shared: callers only read them, and the repository keeps its select list for each.
 */
const fieldsOf = new WeakMap<FieldNode, ReadonlySet<string> | null>();
const nodeFieldsOf = new WeakMap<FieldNode, ReadonlySet<string> | null>();

function selectedFieldsOnce(
  found: WeakMap<FieldNode, ReadonlySet<string> | null>,
  info: GraphQLResolveInfo,
  at: readonly string[],
): ReadonlySet<string> | null {
  const [node] = info.fieldNodes;
  if (info.fieldNodes.length !== 1 || !node) return selectedFieldsAt(info, at);
  let fields = found.get(node);
  if (fields === undefined) {
    fields = selectedFieldsAt(info, at);
    found.set(node, fields);
  }
  return fields;
}

function selectedFieldsAt(info: GraphQLResolveInfo, at: readonly string[]): Set<string> | null {
  const fields = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined, path: readonly string[]): boolean => {
    if (!selectionSet) return true;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (path.length === 0) fields.add(name);
        else if (name === path[0] && !visit(selection.selectionSet, path.slice(1))) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet, path)) return false;
      } else {
        const fragment = info.fragments[selection.name.value];
        if (!fragment || !visit(fragment.selectionSet, path)) return false;
      }
    }
    return true;
  };
  for (const node of info.fieldNodes) if (!visit(node.selectionSet, at)) return null;
  return fields;
}

/**
 * Resolves a Relay connection over an offset-paged list, for lists that are short and append-only
 * (an operation's log, read a page at a time by the loader that batches the operations of one
 * request); the API's long lists (resources, operations) page by keyset above. The same limits:
 * more than the configured maximum is refused, not cut.
 */
export async function resolveOffsetPagedConnection<T>(
  args: ConnectionArgs,
  context: Pick<GraphQLContext, 'pagination'>,
  load: (page: { offset: number; limit: number }) => Promise<{ items: T[]; totalCount: number }>,
) {
  const { maxPageSize, defaultPageSize } = context.pagination;
  checkPageSizes(args, maxPageSize);
  let totalCount = 0;
  try {
    const connection = await resolveOffsetConnection(
      { args, defaultSize: defaultPageSize, maxSize: maxPageSize },
      async ({ offset, limit }) => {
        const result = await load({ offset, limit });
        totalCount = result.totalCount;
        return result.items;
      },
    );
    return { ...connection, totalCount: async () => totalCount };
  } catch (error) {
    if (error instanceof Error && error.name === 'PothosValidationError') {
      throw new DomainError('INVALID_INPUT', error.message);
    }
    throw error;
  }
}
