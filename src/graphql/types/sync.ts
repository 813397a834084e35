import type { RESOLUTION_STRATEGIES } from '../../sync/conflict-resolution.ts';
import { SYNC_DIRECTIONS } from '../../sync/sync-commands.ts';
import { builder } from '../builder.ts';
import { SyncOperationRef } from './sync-operation.ts';

const SyncRunDirectionEnum = builder.enumType('SyncRunDirection', {
  description:
    'PULL: Git to the gateway. PUSH: drafts to Git (it pulls first). BIDIRECTIONAL: pull then push, one operation.',
  values: Object.fromEntries(SYNC_DIRECTIONS.map((value) => [value, { value }])) as Record<
    (typeof SYNC_DIRECTIONS)[number],
    { value: (typeof SYNC_DIRECTIONS)[number] }
  >,
});

export const ConflictStrategyEnum = builder.enumType('ConflictStrategy', {
  values: {
    GUI_WINS: { value: 'GUI_WINS', description: 'Keep the draft, rebase it on the Git version and push it.' },
    GIT_WINS: { value: 'GIT_WINS', description: 'Drop the draft; the Git version stands.' },
    MERGE: {
      value: 'MERGE',
      description: 'Store the given merged manifest as the draft (validated); the next push writes it.',
    },
    MANUAL: {
      value: 'MANUAL',
      description: 'Keep the draft flagged (status RESOLVING) and out of pushes until resolved otherwise or discarded.',
    },
  } as const satisfies Record<(typeof RESOLUTION_STRATEGIES)[number], unknown>,
});

builder.mutationFields((t) => ({
  syncFabric: t.field({
    type: SyncOperationRef,
    description:
      'Starts a sync run; returns the operation at once (PENDING). Queued pulls of one fabric collapse into one.',
    args: {
      fabricId: t.arg.id({ required: true }),
      direction: t.arg({ type: SyncRunDirectionEnum, required: true }),
      fullListing: t.arg.boolean({
        required: false,
        description:
          'Compare every file of the GitOps directory with the database, even when the branch has not moved, instead of only what changed since the last pull. Repairs any difference; costs what the fabric costs.',
      }),
    },
    resolve: (_root, args, context) =>
      context.services.sync.start({
        fabricId: String(args.fabricId),
        direction: args.direction,
        actor: context.actor.name,
        fullListing: args.fullListing === true,
      }),
  }),
  commitChanges: t.field({
    type: SyncOperationRef,
    description:
      'Commits every draft of the fabric as ONE commit with this message (or proposes it in a pull request); returns the push operation at once.',
    args: { fabricId: t.arg.id({ required: true }), message: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.sync.commit({
        fabricId: String(args.fabricId),
        message: args.message,
        actor: context.actor.name,
      }),
  }),
  resolveConflict: t.field({
    type: SyncOperationRef,
    description: 'Resolves a detected conflict; recorded as a CONFLICT_RESOLUTION operation, returned at once.',
    args: {
      resourceId: t.arg.id({ required: true }),
      strategy: t.arg({ type: ConflictStrategyEnum, required: true }),
      merged: t.arg({
        type: 'JSON',
        description: 'The merged manifest (apiVersion, kind, metadata, spec); MERGE only.',
      }),
    },
    resolve: (_root, args, context) =>
      context.services.sync.resolveConflict({
        resourceId: String(args.resourceId),
        strategy: args.strategy,
        merged: args.merged ?? undefined,
        actor: context.actor.name,
      }),
  }),
  cancelSyncOperation: t.field({
    type: SyncOperationRef,
    description: 'Cancels a queued operation at once, or stops a running one at its next step boundary.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.operations.cancel({ operationId: String(args.id), actor: context.actor.name }),
  }),
}));
