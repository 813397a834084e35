import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { DomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * Expected failures (DomainError) reach the client with their message and a stable
 * `extensions.code`; GraphQL's own parse and validation errors pass as they are; anything else is
 * logged and replaced by a generic message, so no internal detail (SQL, paths, secrets) leaks.
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? null) : error;
    const graphQLError = error instanceof GraphQLError ? error : null;
    if (original instanceof DomainError) {
      return createGraphQLError(original.message, {
        nodes: graphQLError?.nodes,
        path: graphQLError?.path,
        extensions: { code: original.code, ...original.details },
      });
    }
    if (graphQLError && (original === null || original instanceof GraphQLError)) return graphQLError;
    logger.error({ err: original, path: graphQLError?.path }, 'unexpected error while resolving a request');
    return createGraphQLError(message, {
      nodes: graphQLError?.nodes,
      path: graphQLError?.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}
