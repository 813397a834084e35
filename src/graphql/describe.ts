import { MUTATION_ROLES } from '../auth/permissions.ts';
import type { ErrorCode } from '../errors.ts';

/** Every mutation can answer these: no or a bad token, a role or fabric limit, the rate limit. */
export const COMMON_MUTATION_ERRORS = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED'] as const satisfies ErrorCode[];

/**
 * A mutation's description: what it does, the role it needs (from src/auth/permissions.ts, the one
 * place roles are decided) and every `extensions.code` it can answer, on a last line starting
 * "Errors:" that clients and test/graphql/schema-descriptions.test.ts read.
 */
export function mutationDescription(field: string, text: string, codes: readonly ErrorCode[]): string {
  const role = (MUTATION_ROLES[field] ?? 'admin').toUpperCase();
  const all = [...new Set([...COMMON_MUTATION_ERRORS, ...codes])];
  return `${text}\n\nRole: ${role}.\nErrors: ${all.join(', ')}.`;
}
