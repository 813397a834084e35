/**
 * Change records (docs/changes.md): the `Change` node with its objects, switches and timeline;
 * `changes` and `change` queries; `Resource.changes`, `Fabric.changes` and `Fabric.lastChange`.
 * Reads go through ChangeService, which checks the token's fabric scope on every load.
 */
import {
  CHANGE_OBJECT_ACTIONS,
  CHANGE_SOURCES,
  CHANGE_STAGES,
  PULL_REQUEST_STATES,
  type Change,
  type ChangeCommit,
  type ChangeEngineStatus,
  type ChangeObject,
  type ChangeStageEntry,
  type ChangeSwitch,
} from '../../changes/change.entity.ts';
import { DomainError } from '../../errors.ts';
import { NodeInterface, builder } from '../builder.ts';
import { describedEnumValues } from '../enums.ts';
import { connectionWithTotalCount, resolveKeysetConnection } from '../pagination.ts';
import { FabricRef } from './fabric.ts';
import { ResourceRef } from './resource.ts';
import { SyncOperationRef } from './sync-operation.ts';

export const ChangeStageEnum = builder.enumType('ChangeStage', {
  description:
    'Where a change is on its way from the commit to the switches (docs/changes.md "Stages"). CONVERGED, CLOSED and SUPERSEDED are final.',
  values: describedEnumValues(CHANGE_STAGES, {
    PROPOSED: 'Committed to the branch of a pull request the gateway opened; not on the default branch yet.',
    COMMITTED: 'On the default branch (a direct push, or an external commit a pull brought in).',
    MERGED: 'Its pull request was merged: on the default branch.',
    CLOSED: 'Its pull request was closed without merging (final).',
    APPLIED: "Every object's live state equals what the change committed (deleted objects are gone).",
    CONVERGED: "Every affected switch's Agent applied a generation observed after the commit (final).",
    STALLED: 'Not applied, or not converged, within the fabric’s changeStallSeconds; the detail names what is behind.',
    SUPERSEDED: 'A later change touched the same objects before this one converged (final).',
    DIVERGED: 'The live state of one of its objects differs from both this change and what it replaced.',
  }),
});

export const ChangeSourceEnum = builder.enumType('ChangeSource', {
  description: 'Where a change came from.',
  values: describedEnumValues(CHANGE_SOURCES, {
    gateway:
      "Pushed by the gateway to the default branch (or one of its commits a pull brought in, by the commit's trailers).",
    pull_request: 'Proposed by the gateway in a pull request.',
    external: 'Commits made outside the gateway, brought in by one pull (one change per pull).',
  }),
});

const PullRequestStateEnum = builder.enumType('ChangePullRequestState', {
  description: 'The state of the pull request that proposed a change.',
  values: describedEnumValues(PULL_REQUEST_STATES, {
    open: 'Open: waiting for review.',
    merged: 'Merged into the default branch.',
    closed: 'Closed without merging.',
  }),
});

const ChangeObjectActionEnum = builder.enumType('ChangeObjectAction', {
  description: 'What a change did to an object.',
  values: describedEnumValues(CHANGE_OBJECT_ACTIONS, {
    create: 'Added it to Git.',
    update: 'Changed its content in Git.',
    delete: 'Removed it from Git.',
  }),
});

const ChangeStageEntryRef = builder.objectRef<ChangeStageEntry>('ChangeStageEntry').implement({
  description: "One stage a change entered, in its timeline's order.",
  fields: (t) => ({
    stage: t.expose('stage', { type: ChangeStageEnum, description: 'The stage entered.' }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (entry) => new Date(entry.at) }),
    detail: t.string({
      nullable: true,
      description: 'Why, in a sentence (e.g. which objects or switches are behind); null when nothing to add.',
      resolve: (entry) => entry.detail ?? null,
    }),
  }),
});

const ChangeCommitRef = builder.objectRef<ChangeCommit>('ChangeCommit').implement({
  description: 'A commit a change covers.',
  fields: (t) => ({
    oid: t.exposeString('oid', { description: 'The commit SHA.' }),
    message: t.exposeString('message', { description: 'Its whole message, trailers included.' }),
    authorName: t.exposeString('authorName', { description: 'Its author.' }),
    authorEmail: t.exposeString('authorEmail', { description: "Its author's email." }),
    committedAt: t.field({
      type: 'DateTime',
      description: 'When it was committed.',
      resolve: (commit) => new Date(commit.committedAt),
    }),
  }),
});

const ChangeAuthorRef = builder.objectRef<{ name: string; email: string }>('ChangeAuthor').implement({
  description: 'Who wrote the commit (the newest one, for a change covering several).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name; empty when unknown.' }),
    email: t.exposeString('email', { description: 'Email; empty when unknown.' }),
  }),
});

const ChangePullRequestRef = builder
  .objectRef<{ url: string | null; number: number | null; state: Change['pullRequestState'] }>('ChangePullRequest')
  .implement({
    description: 'The pull request that proposed a change.',
    fields: (t) => ({
      url: t.exposeString('url', { nullable: true, description: 'Its web address.' }),
      number: t.exposeInt('number', { nullable: true, description: 'Its number in the repository.' }),
      state: t.field({
        type: PullRequestStateEnum,
        nullable: true,
        description: 'Open, merged or closed, as the gateway last saw it.',
        resolve: (pullRequest) => pullRequest.state,
      }),
    }),
  });

const ChangeSwitchRef = builder.objectRef<ChangeSwitch>('ChangeSwitch').implement({
  description: 'A switch a change affects (docs/changes.md "Impact"), and how far its Agent got.',
  fields: (t) => ({
    namespace: t.exposeString('namespace', { description: "The Switch's namespace." }),
    name: t.exposeString('name', { description: "The Switch's name (its Agent has the same)." }),
    removed: t.exposeBoolean('removed', {
      description: 'The change removes the switch: no Agent is expected to converge.',
    }),
    immediate: t.exposeBoolean('immediate', {
      description: "False when every reason is one the fabric controller applies only at the switch's next reconcile.",
    }),
    relations: t.exposeStringList('relations', {
      description: 'How the change reaches the switch (impact relations, e.g. "vpc-attachment").',
    }),
    generationAtCommit: t.exposeInt('generationAtCommit', {
      nullable: true,
      description: "The Agent's metadata.generation when the change was recorded; null when unknown or no Agent then.",
    }),
    convergedGeneration: t.exposeInt('convergedGeneration', {
      nullable: true,
      description: 'The generation the Agent applied that counts for this change; null until it did.',
    }),
    convergedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the switch converged for this change; null until it did.',
      resolve: (entry) => (entry.convergedAt ? new Date(entry.convergedAt) : null),
    }),
  }),
});

const ChangeEngineRef = builder.objectRef<ChangeEngineStatus>('ChangeEngine').implement({
  description: 'What the GitOps engine (Argo CD Application or Flux Kustomization) last reported for the fabric.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: '"Application" (Argo CD) or "Kustomization" (Flux).' }),
    namespace: t.exposeString('namespace', { description: 'Its namespace.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    revision: t.exposeString('revision', { nullable: true, description: 'The revision it applied; null when none.' }),
    phase: t.exposeString('phase', { nullable: true, description: 'Its sync phase or Ready reason; null when none.' }),
    message: t.exposeString('message', { nullable: true, description: 'Its status message; null when none.' }),
    includesChange: t.exposeBoolean('includesChange', {
      description: "The revision is this change's commit or a later change's.",
    }),
    observedAt: t.field({
      type: 'DateTime',
      description: 'When the gateway read it.',
      resolve: (engine) => new Date(engine.observedAt),
    }),
  }),
});

const ChangeObjectRef = builder.objectRef<ChangeObject>('ChangeObject').implement({
  description: 'One object a change touched, with what it committed and what it replaced.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'e.g. "VPC".' }),
    namespace: t.exposeString('namespace', { description: 'Its namespace.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    action: t.expose('action', { type: ChangeObjectActionEnum, description: 'Created, updated or deleted.' }),
    resource: t.field({
      type: ResourceRef,
      nullable: true,
      description: 'The resource now; null when its row is gone (a deleted object).',
      resolve: async (object, _args, context) => {
        if (!object.resourceId) return null;
        try {
          return await context.services.resources.get(object.resourceId);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
          throw error;
        }
      },
    }),
    committed: t.expose('committed', {
      type: 'JSON',
      nullable: true,
      description: 'What the change committed: {apiVersion, spec, labels, annotations}; null for a delete.',
    }),
    previous: t.expose('previous', {
      type: 'JSON',
      nullable: true,
      description: 'The desired content before the change, same shape; null for a create.',
    }),
    appliedAt: t.expose('appliedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When its live state first equalled what the change committed (or was gone); null before.',
    }),
  }),
});

export const ChangeRef = builder.objectRef<Change>('Change');

ChangeRef.implement({
  interfaces: [NodeInterface],
  description:
    'One commit (or, for external commits, the commits of one pull) that changed a fabric’s managed objects, followed from the commit to the switches (docs/changes.md).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The UUID of the change.' }),
    fabric: t.field({
      type: FabricRef,
      description: 'The fabric it changed.',
      resolve: (change, _args, context) => context.loaders.fabricById.load(change.fabric.id),
    }),
    source: t.expose('source', { type: ChangeSourceEnum, description: 'Where it came from.' }),
    commit: t.exposeString('commitOid', {
      description:
        'The commit SHA (for a pull request: its commit on the push branch; for external commits: the head pulled).',
    }),
    branch: t.exposeString('branch', { description: 'The branch the commit is on.' }),
    message: t.exposeString('message', { description: "The commit's message (the newest commit's for several)." }),
    actor: t.exposeString('actor', {
      nullable: true,
      description: "Who asked the gateway for it (the token's name); null for external commits.",
    }),
    author: t.field({
      type: ChangeAuthorRef,
      description: "The commit's author.",
      resolve: (change) => ({ name: change.authorName, email: change.authorEmail }),
    }),
    commits: t.field({
      type: [ChangeCommitRef],
      description:
        'The commits it covers, newest first (external changes: those a pull brought in, at most 20; the gateway’s: its one commit).',
      resolve: (change) => change.commits ?? [],
    }),
    operation: t.field({
      type: SyncOperationRef,
      nullable: true,
      description: 'The push or pull that recorded it (or the operation named by its trailers); null once pruned.',
      resolve: async (change, _args, context) => {
        if (!change.operationId) return null;
        try {
          return await context.services.operations.get(change.operationId);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
          throw error;
        }
      },
    }),
    pullRequest: t.field({
      type: ChangePullRequestRef,
      nullable: true,
      description: 'The pull request that proposed it; null when it did not come through one.',
      resolve: (change) =>
        change.pullRequestUrl || change.pullRequestNumber
          ? {
              url: change.pullRequestUrl ?? null,
              number: change.pullRequestNumber ?? null,
              state: change.pullRequestState ?? null,
            }
          : null,
    }),
    mergeCommit: t.exposeString('mergeCommitOid', {
      nullable: true,
      description: 'The default branch’s commit that merged its pull request; null when not merged.',
    }),
    stage: t.expose('stage', { type: ChangeStageEnum, description: 'Where it is now.' }),
    stageAt: t.expose('stageAt', { type: 'DateTime', description: 'When it entered its stage.' }),
    stages: t.field({
      type: [ChangeStageEntryRef],
      description: 'Every stage it entered, oldest first: its timeline.',
      resolve: (change) => change.stages ?? [],
    }),
    open: t.exposeBoolean('open', { description: 'Not in a final stage: still followed.' }),
    landedAt: t.expose('landedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it reached the default branch (COMMITTED or MERGED); null while proposed or closed.',
    }),
    appliedAt: t.expose('appliedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was first APPLIED; null before.',
    }),
    convergedAt: t.expose('convergedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it CONVERGED; null before.',
    }),
    objectCount: t.exposeInt('objectCount', { description: 'Objects it touched (no read of the objects).' }),
    objects: t.connection(
      {
        type: ChangeObjectRef,
        description:
          'The objects it touched, in the order recorded, a page at a time (one statement per change asked). Errors: INVALID_INPUT (page size, cursor).',
        resolve: (change, args, context) =>
          resolveKeysetConnection(args, context, context.services.changes.objectsOf(change)),
      },
      {
        name: 'ChangeObjectConnection',
        description: "A page of a change's objects.",
        ...connectionWithTotalCount,
      } as never,
      { name: 'ChangeObjectEdge', description: 'An object of the change with its cursor.' } as never,
    ),
    objectsBehind: t.field({
      type: ['String'],
      description: 'Objects whose live state does not yet equal what it committed ("kind namespace/name").',
      resolve: (change) => change.objectsBehind ?? [],
    }),
    switches: t.field({
      type: [ChangeSwitchRef],
      description: 'The switches it affects, by namespace and name.',
      resolve: (change) => change.switches ?? [],
    }),
    switchesBehind: t.field({
      type: ['String'],
      description: 'Affected switches not yet converged ("namespace/name").',
      resolve: (change) => change.switchesBehind ?? [],
    }),
    impactSummary: t.exposeString('impactSummary', {
      description: 'The switches it affects, in words: "affects 3 switches: leaf-01, ...".',
    }),
    impactUnresolved: t.field({
      type: ['String'],
      description: 'References the impact could not follow (objects that do not exist), in words.',
      resolve: (change) => change.impactUnresolved ?? [],
    }),
    engine: t.field({
      type: ChangeEngineRef,
      nullable: true,
      description: 'What the GitOps engine last reported for it; null when the cluster has none watched.',
      resolve: (change) => change.engine ?? null,
    }),
    supersededBy: t.field({
      type: ChangeRef,
      nullable: true,
      description: 'The later change that touched the same objects (SUPERSEDED); null otherwise.',
      resolve: (change, _args, context) =>
        change.supersededBy ? context.loaders.changeById.load(change.supersededBy) : null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When its record last changed.' }),
  }),
});

/** One connection type for every list of changes (`changes`, `Fabric.changes`, `Resource.changes`). */
const ChangeConnectionRef = builder.connectionObject(
  {
    type: ChangeRef,
    name: 'ChangeConnection',
    description: 'A page of changes, newest first.',
    ...connectionWithTotalCount,
  } as never,
  { name: 'ChangeEdge', description: 'A change with its cursor.' } as never,
);

builder.queryFields((t) => ({
  changes: t.connection(
    {
      type: ChangeRef,
      description:
        'Changes, newest first, of one fabric or of every fabric the token may see. Errors: NOT_FOUND (fabric), FORBIDDEN (a fabric outside the token’s), INVALID_INPUT (page size, cursor).',
      args: {
        fabricId: t.arg.id({ description: 'Only this fabric (UUID); omit for every fabric the token may see.' }),
        stage: t.arg({ type: ChangeStageEnum, description: 'Only changes in this stage.' }),
      },
      resolve: (_root, args, context) =>
        resolveKeysetConnection(
          args,
          context,
          context.services.changes.pages({
            fabricId: args.fabricId == null ? null : String(args.fabricId),
            stage: args.stage ?? null,
          }),
        ),
    },
    ChangeConnectionRef as never,
  ),
  change: t.field({
    type: ChangeRef,
    description: 'A change by id. Errors: NOT_FOUND (FORBIDDEN for a fabric outside the token’s).',
    args: { id: t.arg.id({ required: true, description: 'The UUID of the change.' }) },
    resolve: (_root, args, context) => context.services.changes.get(String(args.id)),
  }),
}));

builder.objectFields(ResourceRef, (t) => ({
  changes: t.connection(
    {
      type: ChangeRef,
      description:
        'The changes that touched this object (by kind, namespace and name: a deleted and recreated object keeps its history), newest first. Errors: INVALID_INPUT (page size, cursor).',
      resolve: (resource, args, context) =>
        resolveKeysetConnection(
          args,
          context,
          context.services.changes.objectPages({
            fabricId: resource.fabric.id,
            kind: resource.kind,
            namespace: resource.namespace,
            name: resource.name,
          }),
        ),
    },
    ChangeConnectionRef as never,
  ),
}));

builder.objectFields(FabricRef, (t) => ({
  lastChange: t.field({
    type: ChangeRef,
    nullable: true,
    description:
      'The newest change recorded; null before the first. Fabrics listed together read theirs in one statement.',
    resolve: (fabric, _args, context) => context.loaders.lastChangeOf.load(fabric.id),
  }),
  changes: t.connection(
    {
      type: ChangeRef,
      description:
        "The fabric's changes, newest first (as `changes(fabricId:)`). Errors: INVALID_INPUT (page size, cursor).",
      args: { stage: t.arg({ type: ChangeStageEnum, description: 'Only changes in this stage.' }) },
      resolve: (fabric, args, context) =>
        resolveKeysetConnection(
          args,
          context,
          context.services.changes.pages({ fabricId: fabric.id, stage: args.stage ?? null }),
        ),
    },
    ChangeConnectionRef as never,
  ),
}));
