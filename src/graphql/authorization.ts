import {

  getOperationAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fabricScopeOf, LIMITED_TOKEN_GLOBAL_FIELDS, requiredRole } from '../auth/permissions.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import { actorMayTouchFabric, roleAllows, type Actor } from '../auth/tokens.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import { ResourceSchema } from '../resource/resource.entity.ts';
import { SyncOperationSchema } from '../sync/sync-operation.entity.ts';
import type { GraphQLContext } from './context.ts';

interface RootField {
  name: string;
  args: Record<string, unknown>;
}

function rootFields(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>) {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null;
  const rootType = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
  const fields: RootField[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(toRootField(selection));
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, seen);
      }
    }
  };
  const toRootField = (node: FieldNode): RootField => {
    const definition = rootType?.getFields()[node.name.value];
    let args: Record<string, unknown> = {};
    try {
      if (definition) args = getArgumentValues(definition, node, variables);
    } catch {
      // Invalid variables are reported by execution itself; the role check needs no arguments.
    }
    return { name: node.name.value, args };
  };
  visit(operation.selectionSet, new Set());
  return { kind: operation.operation, fields };
}

async function fabricIdsOf(em: EntityManager, field: RootField): Promise<string[] | 'global'> {
  const ids: string[] = [];
  for (const scope of fabricScopeOf(field.name, field.args)) {
    if (scope.via === 'global') return 'global';
    const value = field.args[scope.arg];
    const values = (Array.isArray(value) ? value : [value]).map(String);
    if (scope.via === 'fabricId') ids.push(...values);
    else if (scope.via === 'fabricName') {
      const fabrics = await em.find(FabricSchema, { name: { $in: values } }, { fields: ['id'] });
      ids.push(...fabrics.map((fabric) => fabric.id), ...(fabrics.length < values.length ? ['(unknown)'] : []));
    } else {
      const schema = scope.via === 'resourceId' ? ResourceSchema : SyncOperationSchema;
      const uuids = values.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
      const rows = uuids.length > 0 ? await em.find(schema as typeof ResourceSchema, { id: { $in: uuids } }, { fields: ['fabric'] }) : [];
      // Unknown ids are left for the resolver to answer NOT_FOUND.
      ids.push(...rows.map((row) => row.fabric.id));
    }
  }
  return ids;
}

export interface AuthorizationOptions {
  mutationRateLimiter: RateLimiter;
}

/**
 * Enforces roles, fabric limits and the mutation rate limit before anything executes, for HTTP,
 * SSE and WebSocket alike (all three go through this envelop pipeline).
 */
export function useAuthorization(options: AuthorizationOptions): Plugin<GraphQLContext> {
  const check = async (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
    contextValue: GraphQLContext;
  }): Promise<Error | null> => {
    const actor: Actor = args.contextValue.actor;
    const operation = rootFields(args.schema, args.document, args.operationName, args.variableValues ?? {});
    if (!operation) return null;
    for (const field of operation.fields) {
      const role = requiredRole(operation.kind, field.name);
      if (!roleAllows(actor.role, role)) {
        return createGraphQLError(`${field.name} needs the ${role} role; token ${JSON.stringify(actor.name)} has ${actor.role}`, {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      }
      if (actor.fabricIds !== null) {
        const fabricIds = await fabricIdsOf(args.contextValue.services.em, field);
        const allowed = fabricIds === 'global' ? LIMITED_TOKEN_GLOBAL_FIELDS.has(field.name) : fabricIds.every((id) => actorMayTouchFabric(actor, id));
        if (!allowed) {
          return createGraphQLError(`Token ${JSON.stringify(actor.name)} is limited to other fabrics than ${field.name} touches`, {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        }
      }
    }
    if (operation.kind === 'mutation' && !options.mutationRateLimiter.take(actor.tokenId ?? actor.name)) {
      return createGraphQLError('Too many mutations; slow down', {
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: options.mutationRateLimiter.retryAfterSeconds(actor.tokenId ?? actor.name), http: { status: 429 } },
      });
    }
    return null;
  };
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const error = await check(args as never);
      if (error) setResultAndStopExecution({ errors: [error as never] });
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const error = await check(args as never);
      if (error) setResultAndStopExecution({ errors: [error as never] });
    },
  };
}

/** Scoped tokens see only their fabrics in cross-fabric lists. */
export function visibleTo<T extends { id: string }>(actor: Actor, items: T[]): T[] {
  return actor.fabricIds === null ? items : items.filter((item) => actorMayTouchFabric(actor, item.id));
}

