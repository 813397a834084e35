import { topics } from '../../events/event-bus.ts';
import type { FabricEvent } from '../../events/fabric-events.ts';
import { builder } from '../builder.ts';

const FabricEventRef = builder.objectRef<FabricEvent>('FabricEvent').implement({
  description:
    'Something happened in a fabric: a draft changed, an operation progressed, live state or drift changed. `data` holds the whole event.',
  fields: (t) => ({
    type: t.string({ description: 'DRAFT_CHANGED, OPERATION_UPDATED, ...', resolve: (event) => event.type }),
    fabricId: t.id({ resolve: (event) => event.fabricId }),
    resourceId: t.id({ nullable: true, resolve: (event) => ('resourceId' in event ? event.resourceId : null) }),
    operationId: t.id({ nullable: true, resolve: (event) => ('operationId' in event ? event.operationId : null) }),
    at: t.field({ type: 'DateTime', resolve: (event) => new Date(event.at) }),
    data: t.field({ type: 'JSON', resolve: (event) => event }),
  }),
});

builder.subscriptionFields((t) => ({
  fabricEvents: t.field({
    type: FabricEventRef,
    description: 'Every event of one fabric, as it happens.',
    args: { fabricId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, context) => {
      // Fails with NOT_FOUND for an unknown fabric instead of waiting forever.
      await context.services.fabrics.get(String(args.fabricId));
      return context.eventBus.subscribe<FabricEvent>(topics.fabric(String(args.fabricId)));
    },
    resolve: (event) => event,
  }),
}));
