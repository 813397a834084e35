import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { DomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * Recognised by name, not `instanceof`: graphql ships both CommonJS and ESM builds, and an
 * error made by one build is not an instance of the other's class.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/**
 * Expected failures (DomainError) reach the client with their message and a stable
 * `extensions.code`; GraphQL's own parse and validation errors pass as they are; anything else is
 * logged and replaced by a generic message, so no internal detail (SQL, paths, secrets) leaks.
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const graphQLError = isGraphQLError(error) ? error : null;
    // The executor may wrap a thrown error more than once; the first non-GraphQL cause decides.
    let original: unknown = graphQLError ? (graphQLError.originalError ?? null) : error;
    while (isGraphQLError(original) && original.originalError) original = original.originalError;
    if (original instanceof DomainError) {
      return createGraphQLError(original.message, {
        nodes: graphQLError?.nodes,
        path: graphQLError?.path,
        extensions: { code: original.code, ...original.details },
      });
    }
    if (graphQLError && (original === null || isGraphQLError(original))) return graphQLError;
    logger.error({ err: original, path: graphQLError?.path }, 'unexpected error while resolving a request');
    return createGraphQLError(message, {
      nodes: graphQLError?.nodes,
      path: graphQLError?.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}
