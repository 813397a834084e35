import { brandWithType } from '@pothos/core';
import { NodeInterface, builder } from '../builder.ts';
import type { FoundNode } from '../../node/node.service.ts';

/** The object, marked with its GraphQL type so that the Node interface resolves to it. */
function branded(found: FoundNode): object {
  brandWithType(found.value, found.typename as never);
  return found.value;
}

builder.queryFields((t) => ({
  node: t.field({
    type: NodeInterface,
    nullable: true,
    description:
      'Any object by its id (Relay global object identification): a Fabric, Resource, SyncOperation, GitRepository, ApiToken or Change. Ids are UUIDs, unique across every type. Loaded with the same checks as the field of its own type; an id the token may not see (another fabric for a fabric-limited token, an API token for a non-admin) answers NOT_FOUND exactly as an id that does not exist. Errors: NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The UUID of the object.' }) },
    resolve: async (_root, args, context) => branded(await context.services.nodes.get(String(args.id), context.actor)),
  }),
  nodes: t.field({
    type: [NodeInterface],
    nullable: { list: false, items: true },
    description:
      'Several objects by id, in the order given, as `node(id:)` finds them; an id that is not found is null in the list, with a NOT_FOUND error whose path names its position. One lookup statement for all ids. Errors: INVALID_INPUT (more ids than the maximum page size), NOT_FOUND (per item).',
    args: {
      ids: t.arg.idList({ required: true, description: 'UUIDs; at most the maximum page size (MAX_PAGE_SIZE).' }),
    },
    resolve: async (_root, args, context) => {
      const found = await context.services.nodes.getMany(args.ids.map(String), context.actor);
      return found.map((item) => (item instanceof Error ? item : branded(item)));
    },
  }),
}));
