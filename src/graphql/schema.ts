import { lexicographicSortSchema, printSchema } from 'graphql';
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

export const schema = builder.toSchema();

/** The SDL checked in as schema.graphql: sorted, so that diffs show only real changes. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
