import { SYNC_DIRECTIONS } from '../../sync/sync-commands.ts';
import { builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { ConflictStrategyEnum } from './resource.ts';
import { SyncOperationRef } from './sync-operation.ts';

const DIRECTION_TEXT = {
  PULL: 'Git to the gateway: the database takes what the branch holds.',
  PUSH: 'Drafts to Git, as one commit (it pulls first).',
  BIDIRECTIONAL: 'Pull then push, in one operation.',
} as const satisfies Record<(typeof SYNC_DIRECTIONS)[number], string>;

const SyncRunDirectionEnum = builder.enumType('SyncRunDirection', {
  description: 'Which way a sync run goes.',
  values: Object.fromEntries(
    SYNC_DIRECTIONS.map((value) => [value, { value, description: DIRECTION_TEXT[value] }]),
  ) as Record<(typeof SYNC_DIRECTIONS)[number], { value: (typeof SYNC_DIRECTIONS)[number]; description: string }>,
});

builder.mutationFields((t) => ({
  syncFabric: t.field({
    type: SyncOperationRef,
    description: mutationDescription(
      'syncFabric',
      'Starts a sync run; returns the operation at once (PENDING). Queued pulls of one fabric collapse into one. INVALID_INPUT when the fabric has no Git repository.',
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: {
      fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }),
      direction: t.arg({ type: SyncRunDirectionEnum, required: true, description: 'Which way to go.' }),
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
    description: mutationDescription(
      'commitChanges',
      'Commits every draft of the fabric as ONE commit with this message (or proposes it in a pull request); returns the PUSH operation at once. INVALID_INPUT for an empty or too long message, or a fabric without a Git repository.',
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: {
      fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }),
      message: t.arg.string({ required: true, description: 'The commit message, 1 to 10000 characters.' }),
    },
    resolve: (_root, args, context) =>
      context.services.sync.commit({
        fabricId: String(args.fabricId),
        message: args.message,
        actor: context.actor.name,
      }),
  }),
  resolveConflict: t.field({
    type: SyncOperationRef,
    description: mutationDescription(
      'resolveConflict',
      'Resolves a detected conflict; recorded as a CONFLICT_RESOLUTION operation, returned at once. INVALID_INPUT when the resource has no conflict, MERGE lacks `merged` (or another strategy gives it), or the merged manifest is invalid (every finding listed).',
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: {
      resourceId: t.arg.id({ required: true, description: 'The UUID of the resource in conflict.' }),
      strategy: t.arg({ type: ConflictStrategyEnum, required: true, description: 'How to resolve it.' }),
      merged: t.arg({
        type: 'JSON',
        description:
          'The merged manifest (apiVersion, kind, metadata, spec) of the same kind, namespace and name; MERGE only. JSON, as object specs of every kind are.',
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
    description: mutationDescription(
      'cancelSyncOperation',
      'Cancels a queued operation at once, or stops a running one at its next step boundary. INVALID_INPUT when it has already ended.',
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: { id: t.arg.id({ required: true, description: 'The UUID of the operation.' }) },
    resolve: (_root, args, context) =>
      context.services.operations.cancel({ operationId: String(args.id), actor: context.actor.name }),
  }),
}));
