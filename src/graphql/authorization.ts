import { ChangeSchema } from '../changes/change.entity.ts';
import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fabricScopeOf, LIMITED_TOKEN_GLOBAL_FIELDS, requiredRole } from '../auth/permissions.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import { actorMayTouchFabric, roleAllows, type Actor } from '../auth/tokens.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import { ResourceSchema } from '../resource/resource.entity.ts';
import { SyncOperationSchema } from '../operations/sync-operation.entity.ts';
import { isUuid } from '../errors.ts';
import type { GraphQLContext } from './context.ts';

interface RootField {
  name: string;
  /** The field's arguments with variables (and their defaults) applied; null when they cannot be worked out. */
  args: Record<string, unknown> | null;
}

type OperationKind = 'query' | 'mutation' | 'subscription';

type Analysis = NonNullable<ReturnType<typeof analyse>>;

/**
 * What `analyse` found, per schema, parsed document and operation name. yoga's parse cache hands
 * the same DocumentNode to every request with the same text, so a document is analysed once and
 * not once per request. Only what the document says is kept here (its operation kind, root fields
 * and their argument nodes); everything about the caller (role, fabrics, rate limits, variables)
 * is decided per request. Entries go with their document; an operation name that names no
 * operation is not kept, so a document has at most one entry per operation it holds (plus the
 * one without a name).
 */
const analyses = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string | null, Analysis>>>();

function rootFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): Analysis | null {
  let bySchema = analyses.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    analyses.set(schema, bySchema);
  }
  let byName = bySchema.get(document);
  if (!byName) {
    byName = new Map();
    bySchema.set(document, byName);
  }
  // `null` and `undefined` both mean "the document's only operation".
  const key = operationName ?? null;
  const known = byName.get(key);
  if (known) return known;
  const analysis = analyse(schema, document, operationName);
  if (analysis) byName.set(key, analysis);
  return analysis;
}

/**
 * The root fields the operation will run, wherever the document puts them (fragments, inline
 * fragments, aliases). `withArguments` adds their arguments as execution will see them: variables
 * coerced with their defaults applied, exactly as graphql-js does; invalid variables answer their
 * errors, before anything runs.
 */
function analyse(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName ?? undefined);
  // No such operation: execution itself answers that, and runs nothing.
  if (!operation) return null;
  const rootType =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const nodes: FieldNode[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) nodes.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, seen);
      }
    }
  };
  visit(operation.selectionSet, new Set());
  const withArguments = (
    rawVariables: Record<string, unknown>,
  ): { fields: RootField[] } | { errors: readonly GraphQLError[] } => {
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 20 });
    if (coerced.errors) return { errors: coerced.errors };
    return {
      fields: nodes.map((node) => {
        const definition = rootType?.getFields()[node.name.value];
        if (!definition) return { name: node.name.value, args: node.name.value.startsWith('__') ? {} : null };
        try {
          return { name: node.name.value, args: getArgumentValues(definition, node, coerced.coerced) };
        } catch {
          return { name: node.name.value, args: null };
        }
      }),
    };
  };
  const names: readonly string[] = nodes.map((node) => node.name.value);
  return { kind: operation.operation as OperationKind, names, withArguments };
}

/** Marks an address that names no fabric this check can see: a limited token is refused it. */
const UNKNOWN = '(unknown)';

/**
 * The fabrics a root field addresses, or 'global' for fields that span fabrics. An address that
 * cannot be resolved (an unknown id, a missing argument) is UNKNOWN, so that a limited token is
 * refused rather than let through: fail closed.
 */
async function fabricIdsOf(
  em: EntityManager,
  field: RootField & { args: Record<string, unknown> },
): Promise<string[] | 'global'> {
  const ids: string[] = [];
  for (const scope of fabricScopeOf(field.name, field.args)) {
    if (scope.via === 'global') return 'global';
    const value = field.args[scope.arg];
    const values = (Array.isArray(value) ? value : [value]).map((item) => (typeof item === 'string' ? item : UNKNOWN));
    if (scope.via === 'fabricId') ids.push(...values);
    else if (scope.via === 'fabricName') {
      const fabrics = await em.find(FabricSchema, { name: { $in: values } }, { fields: ['id'] });
      ids.push(...fabrics.map((fabric) => fabric.id), ...(fabrics.length < new Set(values).size ? [UNKNOWN] : []));
    } else {
      const schema =
        scope.via === 'resourceId' ? ResourceSchema : scope.via === 'changeId' ? ChangeSchema : SyncOperationSchema;
      const uuids = [...new Set(values.filter(isUuid))];
      const rows =
        uuids.length > 0
          ? await em.find(schema as typeof ResourceSchema, { id: { $in: uuids } }, { fields: ['fabric'] })
          : [];
      ids.push(...rows.map((row) => row.fabric.id), ...(rows.length < new Set(values).size ? [UNKNOWN] : []));
    }
  }
  return ids;
}

export interface AuthorizationOptions {
  mutationRateLimiter: RateLimiter;
  /** Queries and subscriptions, counted apart from mutations. */
  queryRateLimiter: RateLimiter;
}

const forbidden = (message: string) =>
  createGraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });

/**
 * Enforces roles, fabric limits and the rate limits before anything executes, for HTTP, SSE and
 * WebSocket alike (all three go through this envelop pipeline). The services of a limited
 * token's request check its fabrics again where they load rows (src/auth/fabric-scope.ts).
 */
export function useAuthorization(options: AuthorizationOptions): Plugin<GraphQLContext> {
  const check = async (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
    contextValue: GraphQLContext;
  }): Promise<readonly Error[] | null> => {
    const actor: Actor = args.contextValue.actor;
    const operation = rootFields(args.schema, args.document, args.operationName);
    if (!operation) return null;
    // Roles need no arguments: a wrong role is told so before anything about its variables.
    for (const name of operation.names) {
      const role = requiredRole(operation.kind, name);
      if (!roleAllows(actor.role, role))
        return [forbidden(`${name} needs the ${role} role; token ${JSON.stringify(actor.name)} has ${actor.role}`)];
    }
    const limited = rateLimited(options, operation.kind, operation.names, actor);
    if (limited) return [limited];
    if (actor.fabricIds === null) return null;
    const resolved = operation.withArguments(args.variableValues ?? {});
    if ('errors' in resolved) return resolved.errors;
    for (const field of resolved.fields) {
      const refusal = forbidden(
        `Token ${JSON.stringify(actor.name)} is limited to other fabrics than ${field.name} touches`,
      );
      if (field.args === null) return [refusal];
      const fabricIds = await fabricIdsOf(args.contextValue.services.em, { ...field, args: field.args });
      const allowed =
        fabricIds === 'global'
          ? LIMITED_TOKEN_GLOBAL_FIELDS.has(field.name)
          : fabricIds.every((id) => actorMayTouchFabric(actor, id));
      if (!allowed) return [refusal];
    }
    return null;
  };
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const errors = await check(args as never);
      if (errors) setResultAndStopExecution({ errors: errors as never });
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const errors = await check(args as never);
      if (errors) setResultAndStopExecution({ errors: errors as never });
    },
  };
}

/**
 * Each mutation field costs one from the token's mutation bucket (30 aliased mutations cost 30);
 * each query or subscription field one from its query bucket. A request is taken whole or not at all.
 */
function rateLimited(
  options: AuthorizationOptions,
  kind: OperationKind,
  fieldNames: readonly string[],
  actor: Actor,
): Error | null {
  const limiter = kind === 'mutation' ? options.mutationRateLimiter : options.queryRateLimiter;
  const what = kind === 'mutation' ? 'mutations' : 'queries';
  const cost = Math.max(1, fieldNames.filter((name) => !name.startsWith('__')).length);
  const key = actor.tokenId ?? actor.name;
  if (limiter.take(key, cost)) return null;
  const message =
    cost > limiter.perMinute
      ? `${cost} ${what} in one request are more than the ${limiter.perMinute} a minute a token may send`
      : `Too many ${what}; slow down`;
  return createGraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: limiter.retryAfterSeconds(key, cost),
      http: { status: 429 },
    },
  });
}
