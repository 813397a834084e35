import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { DomainError } from '../errors.ts';
import type { Page } from '../db/page.ts';
import type { GraphQLContext } from './context.ts';

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
}

/**
 * Resolves a Relay connection over an offset-paged list. Asking for more than the configured
 * maximum is refused with a clear error rather than silently cut.
 */
export async function resolvePagedConnection<T>(
  args: ConnectionArgs,
  context: GraphQLContext,
  load: (page: Page) => Promise<{ items: T[]; totalCount: number }>,
) {
  const { maxPageSize, defaultPageSize } = context.pagination;
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value != null && (value < 0 || value > maxPageSize)) {
      throw new DomainError('INVALID_INPUT', `Argument "${name}" must be between 0 and ${maxPageSize}`, {
        problems: [{ path: `$.${name}`, message: `at most ${maxPageSize}` }],
      });
    }
  }
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
    return { ...connection, totalCount };
  } catch (error) {
    if (error instanceof Error && error.name === 'PothosValidationError') {
      throw new DomainError('INVALID_INPUT', error.message);
    }
    throw error;
  }
}

/** Options for `t.connection`'s connection type: every connection tells its total. */
export const connectionWithTotalCount = {
  fields: (t: {
    int: (options: { description: string; resolve: (connection: { totalCount: number }) => number }) => unknown;
  }) => ({
    totalCount: t.int({
      description: 'Items matching the filter, on all pages.',
      resolve: (connection) => connection.totalCount,
    }),
  }),
};
