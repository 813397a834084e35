import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { GraphQLContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  // Counted when the field is resolved, so a query that does not ask for it does not pay for it.
  Connection: { totalCount: () => Promise<number> };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [RelayPlugin],
  // Fields are non-null unless they say otherwise, so the schema tells clients what can be missing.
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // The Node interface comes from the plugin; `node` and `nodes` are our own fields
    // (src/graphql/types/node.ts): ids are plain UUIDs, unique across tables, so the type of an id
    // is found with one lookup, and the object is loaded through its service (roles, fabric scope).
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    nodeTypeOptions: {
      description:
        'An object with an id unique across every type (a UUID), which `node(id:)` finds again (Relay global object identification).',
    },
    idFieldOptions: { description: 'The UUID of the object, unique across every type.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection stands in the whole list (Relay).' },
    hasNextPageFieldOptions: { description: 'More items follow the last one of this page.' },
    hasPreviousPageFieldOptions: { description: 'More items come before the first one of this page.' },
    startCursorFieldOptions: {
      description: "The first edge's cursor (pass as `before` for the previous page); null on an empty page.",
    },
    endCursorFieldOptions: {
      description: "The last edge's cursor (pass as `after` for the next page); null on an empty page.",
    },
    cursorFieldOptions: { description: 'Opaque position of this edge, for `after` or `before`.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    edgesFieldOptions: { nullable: false, description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Whether pages come before or after this one, and their cursors.' },
    firstArgOptions: { description: 'Items after `after`, at most the configured maximum page size.' },
    lastArgOptions: { description: 'Items before `before`, at most the configured maximum page size.' },
    afterArgOptions: { description: 'Cursor of the edge after which the page starts (from `pageInfo.endCursor`).' },
    beforeArgOptions: {
      description: 'Cursor of the edge before which the page ends (from `pageInfo.startCursor`).',
    },
  },
});

/** The Relay `Node` interface every object with a UUID id implements. */
export const NodeInterface = builder.nodeInterfaceRef();

builder.queryType({ description: 'What can be read. Every field needs a token with at least the VIEWER role.' });
builder.mutationType({
  description:
    'What can be changed. Each field lists the role it needs and its error codes (`extensions.code`); fields run one after another, and a failing field answers null with its error while the others stand.',
});
builder.subscriptionType({
  description: 'Live updates, over WebSocket (graphql-transport-ws) or Server-Sent Events. VIEWER role.',
});
