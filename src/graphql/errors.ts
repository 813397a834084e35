import { OptimisticLockError } from '@mikro-orm/core';
import { Kind, parse, type GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { DomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * Recognised by name, not `instanceof`: graphql ships both CommonJS and ESM builds, and an
 * error made by one build is not an instance of the other's class.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

export interface ErrorMaskerOptions {
  /**
   * Whether messages keep graphql-js's "Did you mean …?" hints. They name fields, arguments and
   * enum values of the schema, so they go off with introspection. @default true
   */
  suggestions?: boolean;
}

const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** A message without graphql-js's "Did you mean …?" hints. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '').trim();
}

function stripSuggestions(error: GraphQLError): GraphQLError {
  const message = withoutSuggestions(error.message);
  if (message === error.message) return error;
  return createGraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
}

/** Strips suggestions from validation errors, on every transport (HTTP, SSE and WebSocket validate through it). */
export function useNoSuggestions(): Plugin {
  return {
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length > 0)
          setResult(result.map((error) => (isGraphQLError(error) ? stripSuggestions(error) : error)));
      },
  };
}

/** Each document's operations by position, parsed once however many of its fields fail. */
const operationsBySource = new WeakMap<object, { start: number; end: number; name: string | null }[]>();

/** The name of the operation an error was raised in, read from the document (null: anonymous). */
function operationNameOf(error: GraphQLError | null): string | null | undefined {
  const at = error?.nodes?.[0]?.loc?.start;
  const source = error?.source;
  if (at === undefined || !source?.body) return undefined;
  let operations = operationsBySource.get(source);
  if (!operations) {
    operations = [];
    try {
      for (const definition of parse(source.body).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.loc) {
          operations.push({
            start: definition.loc.start,
            end: definition.loc.end,
            name: definition.name?.value ?? null,
          });
        }
      }
    } catch {
      // Not a document: nothing to name.
    }
    operationsBySource.set(source, operations);
  }
  return operations.find((operation) => operation.start <= at && at < operation.end)?.name;
}

const SAFE_CODE = /^[\w.-]{1,40}$/;

/**
 * What the log may say about an unexpected error: its class, a code (a SQLSTATE, an errno name)
 * and the stack frames, of it and of its causes. Never the message: messages of driver and
 * library errors quote SQL parameters and other input.
 */
export function describeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { class: typeof error };
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .map((line) => line.trim());
  return {
    class: error.constructor?.name && error.constructor.name !== 'Error' ? error.constructor.name : error.name,
    ...((typeof code === 'string' || typeof code === 'number') && SAFE_CODE.test(String(code)) ? { code } : {}),
    frames,
    ...(error.cause !== undefined && depth < 3 ? { cause: describeError(error.cause, depth + 1) } : {}),
  };
}

/**
 * Expected failures (DomainError) reach the client with their message and a stable
 * `extensions.code`, and are logged at info with the code only. GraphQL's own parse and
 * validation errors pass as they are. A lost optimistic lock is a CONFLICT. Anything else is
 * logged (operation name, path, error class and stack frames; never the document, the variables
 * or the message) and replaced by a generic message, so no internal detail (SQL, paths, secrets)
 * leaks and nothing a client typed reaches the log.
 */
export function createErrorMasker(logger: Logger, options: ErrorMaskerOptions = {}) {
  const suggestions = options.suggestions ?? true;
  return (error: unknown, message: string): Error => {
    const graphQLError = isGraphQLError(error) ? error : null;
    // The executor may wrap a thrown error more than once; the first non-GraphQL cause decides.
    let original: unknown = graphQLError ? (graphQLError.originalError ?? null) : error;
    while (isGraphQLError(original) && original.originalError) original = original.originalError;
    const expected = (code: string, text: string, details: Record<string, unknown> = {}) => {
      logger.info({ code, path: graphQLError?.path, operationName: operationNameOf(graphQLError) }, 'request refused');
      return createGraphQLError(text, {
        nodes: graphQLError?.nodes,
        path: graphQLError?.path,
        extensions: { code, ...details },
      });
    };
    if (original instanceof DomainError) return expected(original.code, original.message, original.details);
    if (original instanceof OptimisticLockError) {
      return expected('CONFLICT', 'The object was changed by someone else since it was read; reload it and retry');
    }
    if (graphQLError && (original === null || isGraphQLError(original))) {
      const code = graphQLError.extensions?.code;
      if (typeof code === 'string')
        logger.info({ code, path: graphQLError.path, operationName: operationNameOf(graphQLError) }, 'request refused');
      return suggestions ? graphQLError : stripSuggestions(graphQLError);
    }
    logger.error(
      { operationName: operationNameOf(graphQLError), path: graphQLError?.path, error: describeError(original) },
      'unexpected error while resolving a request',
    );
    return createGraphQLError(message, {
      nodes: graphQLError?.nodes,
      path: graphQLError?.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}
