import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { getNullableType, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/scalars.ts';
import './types/git-repository.ts';
import './types/fabric.ts';
import './types/resource.ts';
import './types/sync-operation.ts';
import './types/fabric-events.ts';
import './types/gitops.ts';
import './types/cluster.ts';
import './types/sync.ts';
import './types/validation.ts';
import './types/api-token.ts';
import './types/history.ts';
import './types/change.ts';
import './types/node.ts';

/**
 * Every mutation field is nullable, whatever its definition says: a request with several mutation
 * fields runs them one after another, and a field that fails must not null the whole answer
 * (GraphQL propagates a non-null field's null to its parent) while earlier fields were applied.
 * Each field's result stands on its own, as in GitHub's API; the error names the field's path.
 */
export const schema = mapSchema(builder.toSchema(), {
  [MapperKind.MUTATION_ROOT_FIELD]: (field) => ({ ...field, type: getNullableType(field.type) }),
});

/** The SDL checked in as schema.graphql: sorted, so that diffs show only real changes. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
