import {
  CONFLICT_STATUSES,
  DRAFT_ACTIONS,
  DRIFT_STATUSES,
  SYNC_DIRECTIONS,
  type DraftAction,
  type ExternalModification,
  type Resource,
} from '../../resource/resource.entity.ts';
import type { ManifestInput } from '../../resource/resource.service.ts';
import type { ConflictPath } from '../../sync/conflicts.ts';
import type { RESOLUTION_STRATEGIES } from '../../sync/conflict-resolution.ts';
import { DomainError } from '../../errors.ts';
import { NodeInterface, builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { describedEnumValues } from '../enums.ts';
import {
  connectionWithTotalCount,
  resolveKeysetConnection,
  selectedFields,
  selectedNodeFields,
} from '../pagination.ts';
import { FabricRef } from './fabric.ts';

export const SyncDirectionEnum = builder.enumType('SyncDirection', {
  description: 'Which way a resource is synchronised.',
  values: describedEnumValues(SYNC_DIRECTIONS, {
    gui_to_git: 'Edits made through the API go to Git.',
    git_to_gui: 'Git is followed; drafts of the resource are not pushed.',
    bidirectional: 'Both ways (the default).',
    disabled: 'Not synchronised.',
  }),
});
export const ConflictStatusEnum = builder.enumType('ConflictStatus', {
  description: "Whether a resource's draft conflicts with a newer Git version.",
  values: describedEnumValues(CONFLICT_STATUSES, {
    none: 'No conflict.',
    detected:
      'A pull found Git changed a field the draft changed too, differently; the draft is held back from pushes.',
    resolving: 'Resolution MANUAL chosen: the draft stays held back until resolved otherwise or discarded.',
    resolved: 'Resolved (conflictDetails.resolution says how); the draft, if kept, is pushed next.',
  }),
});
export const DraftActionEnum = builder.enumType('DraftAction', {
  description: 'What a draft does to its object when committed.',
  values: describedEnumValues(DRAFT_ACTIONS, {
    upsert: 'Creates or changes the object.',
    delete: 'Deletes the object.',
  }),
});
export const DriftStatusEnum = builder.enumType('DriftStatus', {
  description: "How a resource's Git (desired) and cluster (live) versions compare.",
  values: describedEnumValues(DRIFT_STATUSES, {
    in_sync: 'Both agree (after normalisation).',
    spec_drift: 'Both exist and differ; `drift` lists the fields.',
    desired_only: 'In Git, not in the cluster.',
    live_only: 'In the cluster, not in Git (adoptLiveResources can draft it).',
    unknown: 'Not known: no cluster connection, or the kind not listed yet or not served.',
  }),
});

export const ConflictStrategyEnum = builder.enumType('ConflictStrategy', {
  description: 'How resolveConflict settles a conflict between a draft and a newer Git version.',
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

const DesiredStateRef = builder.objectRef<Resource>('DesiredState').implement({
  description: 'The object as its managed file in Git says.',
  fields: (t) => ({
    spec: t.expose('desiredSpec', { type: 'JSON', description: "The object's spec (any Hedgehog kind's)." }),
    labels: t.expose('desiredLabels', {
      type: 'JSON',
      nullable: true,
      description: 'metadata.labels, a map of strings; null when none.',
    }),
    annotations: t.expose('desiredAnnotations', {
      type: 'JSON',
      nullable: true,
      description: 'metadata.annotations, a map of strings; null when none.',
    }),
    commit: t.exposeString('desiredCommit', {
      nullable: true,
      description: 'SHA of the commit this version was read from.',
    }),
    managedFilePath: t.exposeString('managedFilePath', {
      nullable: true,
      description: 'Path of its file in the repository, e.g. "fabric/managed/vpcs/vpc-1.yaml".',
    }),
    blobOid: t.exposeString('desiredBlobOid', { nullable: true, description: 'Git blob id of the file.' }),
    fileHash: t.exposeString('fileHash', { nullable: true, description: 'SHA-256 of the canonical file.' }),
    lastFileSync: t.expose('lastFileSync', {
      type: 'DateTime',
      nullable: true,
      description: 'When the file was last read from or written to Git.',
    }),
  }),
});

const DraftStateRef = builder.objectRef<Resource>('DraftState').implement({
  description: 'An edit made through the API that has not reached Git yet.',
  fields: (t) => ({
    action: t.field({
      type: DraftActionEnum,
      description: 'What the commit will do.',
      resolve: (resource) => resource.draftAction as DraftAction,
    }),
    apiVersion: t.exposeString('draftApiVersion', {
      nullable: true,
      description: 'The apiVersion of the drafted object; null for a DELETE.',
    }),
    spec: t.expose('draftSpec', {
      type: 'JSON',
      nullable: true,
      description: 'The drafted spec; null for a DELETE.',
    }),
    labels: t.expose('draftLabels', {
      type: 'JSON',
      nullable: true,
      description: 'Drafted metadata.labels, a map of strings; null when none.',
    }),
    annotations: t.expose('draftAnnotations', {
      type: 'JSON',
      nullable: true,
      description: 'Drafted metadata.annotations, a map of strings; null when none.',
    }),
    baseBlobOid: t.exposeString('draftBaseBlobOid', {
      nullable: true,
      description: 'The Git version (blob id) the draft started from; null for a new object.',
    }),
    draftedBy: t.exposeString('draftedBy', { nullable: true, description: 'Name of the token that drafted it.' }),
    draftedAt: t.expose('draftedAt', { type: 'DateTime', nullable: true, description: 'When it was last drafted.' }),
  }),
});

const LiveStateRef = builder.objectRef<Resource>('LiveState').implement({
  description: 'The object as the cluster has it.',
  fields: (t) => ({
    spec: t.expose('liveSpec', { type: 'JSON', nullable: true, description: "The cluster's spec; null when absent." }),
    status: t.expose('liveStatus', {
      type: 'JSON',
      nullable: true,
      description: 'The status the controllers report; null when absent.',
    }),
    labels: t.expose('liveLabels', {
      type: 'JSON',
      nullable: true,
      description: 'metadata.labels in the cluster; null when none.',
    }),
    annotations: t.expose('liveAnnotations', {
      type: 'JSON',
      nullable: true,
      description: 'metadata.annotations in the cluster; null when none.',
    }),
    resourceVersion: t.exposeString('liveResourceVersion', {
      nullable: true,
      description: 'Kubernetes metadata.resourceVersion.',
    }),
    generation: t.exposeInt('liveGeneration', { nullable: true, description: 'Kubernetes metadata.generation.' }),
    observedAt: t.expose('liveObservedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the gateway last saw this version.',
    }),
  }),
});

const ConflictPathRef = builder.objectRef<ConflictPath>('ConflictPath').implement({
  description: 'One field changed both in the draft and in Git, differently. A side without the field is null.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'JSONPath from the object root, e.g. $.spec.vlan.' }),
    base: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value in the Git version the draft started from.',
      resolve: (conflict) => conflict.base ?? null,
    }),
    ours: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value in the draft.',
      resolve: (conflict) => conflict.ours ?? null,
    }),
    theirs: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value in the new Git version.',
      resolve: (conflict) => conflict.theirs ?? null,
    }),
  }),
});

interface StoredResolution {
  strategy: (typeof RESOLUTION_STRATEGIES)[number];
  by: string;
  at: string;
}

const ConflictResolutionRef = builder.objectRef<StoredResolution>('ConflictResolution').implement({
  description: 'How a conflict was resolved.',
  fields: (t) => ({
    strategy: t.field({ type: ConflictStrategyEnum, description: 'The strategy chosen.', resolve: (r) => r.strategy }),
    by: t.exposeString('by', { description: 'Name of the token that resolved it.' }),
    at: t.field({ type: 'DateTime', description: 'When it was resolved.', resolve: (r) => new Date(r.at) }),
  }),
});

/** As pull.ts records it (`markConflict`), with the resolution added by conflict-resolution.ts. */
interface StoredConflict {
  detectedAt?: string;
  commit?: string;
  baseBlobOid?: string | null;
  theirsBlobOid?: string | null;
  paths?: ConflictPath[];
  resolution?: StoredResolution;
}

const ConflictDetailsRef = builder.objectRef<StoredConflict>('ConflictDetails').implement({
  description: 'A conflict between a draft and a newer Git version, and its resolution once chosen.',
  fields: (t) => ({
    detectedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a pull found the conflict.',
      resolve: (details) => (details.detectedAt ? new Date(details.detectedAt) : null),
    }),
    commit: t.string({
      nullable: true,
      description: 'SHA of the Git commit whose version conflicts with the draft.',
      resolve: (details) => details.commit ?? null,
    }),
    baseBlobOid: t.string({
      nullable: true,
      description: 'Blob id of the Git version the draft started from; null for a draft of a new object.',
      resolve: (details) => details.baseBlobOid ?? null,
    }),
    theirsBlobOid: t.string({
      nullable: true,
      description: 'Blob id of the new Git version.',
      resolve: (details) => details.theirsBlobOid ?? null,
    }),
    paths: t.field({
      type: [ConflictPathRef],
      description: 'Every field in conflict.',
      resolve: (details) => details.paths ?? [],
    }),
    resolution: t.field({
      type: ConflictResolutionRef,
      nullable: true,
      description: 'How it was resolved; null while unresolved.',
      resolve: (details) => details.resolution ?? null,
    }),
  }),
});

const ExternalModificationRef = builder.objectRef<ExternalModification>('ExternalModification').implement({
  description: "A change to the resource's managed file made outside the gateway (a commit by someone else).",
  fields: (t) => ({
    detectedAt: t.field({
      type: 'DateTime',
      description: 'When a pull noticed it.',
      resolve: (modification) => new Date(modification.detectedAt),
    }),
    previousHash: t.string({
      nullable: true,
      description: 'SHA-256 of the file before; null when unknown.',
      resolve: (modification) => modification.previousHash ?? null,
    }),
    currentHash: t.exposeString('currentHash', { description: 'SHA-256 of the file after.' }),
    detectionMethod: t.exposeString('detectionMethod', {
      description: 'How it was noticed, e.g. "pull:blob_oid" (the blob id changed without a gateway commit).',
    }),
    commit: t.string({
      nullable: true,
      description: 'SHA of the branch head where it was seen.',
      resolve: (modification) => modification.commit ?? null,
    }),
  }),
});

interface ProposedChange {
  pullRequestUrl: string;
  branch: string;
  commit: string | null;
  at: string;
}

const ProposedChangeRef = builder.objectRef<ProposedChange>('ProposedChange').implement({
  description: "A pull request that carries the resource's draft, when pushes go through pull requests.",
  fields: (t) => ({
    pullRequestUrl: t.exposeString('pullRequestUrl', { description: 'The pull request.' }),
    branch: t.exposeString('branch', { description: 'The branch of the pull request.' }),
    commit: t.string({
      nullable: true,
      description: 'SHA of the commit on that branch; null when the branch already held it.',
      resolve: (proposed) => proposed.commit ?? null,
    }),
    at: t.field({ type: 'DateTime', description: 'When it was proposed.', resolve: (p) => new Date(p.at) }),
  }),
});

const SyncMetadataRef = builder.objectRef<{ proposed?: ProposedChange }>('SyncMetadata').implement({
  description: 'What the gateway records about the synchronisation of one resource.',
  fields: (t) => ({
    proposed: t.field({
      type: ProposedChangeRef,
      nullable: true,
      description: 'The open pull request proposing the draft; null when none (direct pushes, or merged).',
      resolve: (metadata) => metadata.proposed ?? null,
    }),
  }),
});

export const ResourceRef = builder.objectRef<Resource>('Resource');

ResourceRef.implement({
  interfaces: [NodeInterface],
  description: 'One Hedgehog object of a fabric, with its desired (Git), draft (API) and live (cluster) states.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The UUID of the resource.' }),
    // Through the request's loader (whole rows, batched): the unit of work may hold a partly loaded Fabric.
    fabric: t.field({
      type: FabricRef,
      description: 'The fabric it belongs to.',
      resolve: (resource, _args, context) => context.loaders.fabricById.load(resource.fabric.id),
    }),
    apiVersion: t.exposeString('apiVersion', { description: 'e.g. "vpc.githedgehog.com/v1beta1".' }),
    kind: t.exposeString('kind', { description: 'e.g. "VPC".' }),
    namespace: t.exposeString('namespace', { description: 'Kubernetes namespace; "default" when not given.' }),
    name: t.exposeString('name', { description: 'Kubernetes name, unique per kind and namespace in the fabric.' }),
    desired: t.field({
      type: DesiredStateRef,
      nullable: true,
      description: 'The version in Git; null when Git does not have the object.',
      resolve: (resource) => (resource.desiredSpec != null ? resource : null),
    }),
    draft: t.field({
      type: DraftStateRef,
      nullable: true,
      description: 'The pending API edit; null when there is none.',
      resolve: (resource) => (resource.draftAction != null ? resource : null),
    }),
    live: t.field({
      type: LiveStateRef,
      nullable: true,
      description: 'The version in the cluster; null when the cluster does not have it (or is not watched).',
      resolve: (resource) => (resource.liveResourceVersion != null ? resource : null),
    }),
    hasDraft: t.boolean({ description: 'A draft is pending.', resolve: (resource) => resource.draftAction != null }),
    driftStatus: t.expose('driftStatus', { type: DriftStatusEnum, description: 'How Git and the cluster compare.' }),
    driftDetails: t.expose('driftDetails', {
      type: 'JSON',
      description: 'List of {path, desired, live}.',
      deprecationReason: 'Use `drift`, the same list typed.',
    }),
    syncDirection: t.expose('syncDirection', { type: SyncDirectionEnum, description: 'Which way it is synchronised.' }),
    conflictStatus: t.expose('conflictStatus', {
      type: ConflictStatusEnum,
      description: 'Whether its draft conflicts with Git.',
    }),
    conflictDetails: t.field({
      type: ConflictDetailsRef,
      nullable: true,
      description: 'The conflict and its resolution; null when there has been none since the draft was made.',
      resolve: (resource) => (resource.conflictDetails as StoredConflict | null) ?? null,
    }),
    externalModifications: t.field({
      type: [ExternalModificationRef],
      description: 'Changes to its file made outside the gateway, oldest first (the latest few are kept).',
      resolve: (resource) => resource.externalModifications ?? [],
    }),
    syncMetadata: t.field({
      type: SyncMetadataRef,
      description: 'What the gateway records about its synchronisation.',
      resolve: (resource) => resource.syncMetadata as { proposed?: ProposedChange },
    }),
    version: t.exposeInt('version', { description: 'Optimistic lock version; goes up with every change of the row.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the gateway first recorded it.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the row last changed.' }),
  }),
});

const ResourceManifestInput = builder.inputType('ResourceManifestInput', {
  description: 'The object as YAML text (one document) or as structured fields; exactly one of the two.',
  fields: (t) => ({
    yaml: t.string({ description: 'One YAML document, at most MAX_YAML_BYTES bytes.' }),
    object: t.field({ type: 'JSON', description: 'A Kubernetes-style object: apiVersion, kind, metadata, spec.' }),
  }),
});

function manifestInput(input: { yaml?: string | null; object?: unknown }): ManifestInput {
  const hasYaml = input.yaml != null;
  const hasObject = input.object != null;
  if (hasYaml === hasObject)
    throw new DomainError('INVALID_INPUT', 'Give the manifest either as yaml or as object, exactly one of them');
  return hasYaml ? { yaml: input.yaml as string } : { object: input.object };
}

builder.queryFields((t) => ({
  resources: t.connection(
    {
      type: ResourceRef,
      description:
        'Resources of a fabric, by kind, namespace and name, filtered by every argument given. Errors: NOT_FOUND (fabric), INVALID_INPUT (page size).',
      args: {
        fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }),
        kind: t.arg.string({ description: 'Only this kind, e.g. "VPC".' }),
        namespace: t.arg.string({ description: 'Only this namespace.' }),
        name: t.arg.string({ description: 'Only this exact name (case-sensitive).' }),
        search: t.arg.string({ description: 'Case-insensitive part of the name.' }),
        hasDraft: t.arg.boolean({ description: 'Only those with (true) or without (false) a pending draft.' }),
        conflictStatus: t.arg({ type: ConflictStatusEnum, description: 'Only this conflict status.' }),
        driftStatus: t.arg({ type: DriftStatusEnum, description: 'Only this drift status.' }),
      },
      resolve: (_root, args, context, info) =>
        resolveKeysetConnection(
          args,
          context,
          context.services.resources.pages(
            {
              fabricId: String(args.fabricId),
              kind: args.kind,
              namespace: args.namespace,
              name: args.name,
              search: args.search,
              hasDraft: args.hasDraft,
              conflictStatus: args.conflictStatus,
              driftStatus: args.driftStatus,
            },
            selectedNodeFields(info),
          ),
          { countSelected: selectedFields(info)?.has('totalCount') },
        ),
    },
    {
      name: 'ResourceConnection',
      description: 'A page of resources.',
      ...connectionWithTotalCount,
    } as never,
    { name: 'ResourceEdge', description: 'A resource with its cursor.' } as never,
  ),
  resource: t.field({
    type: ResourceRef,
    description: 'A resource by id. Errors: NOT_FOUND (FORBIDDEN for a fabric-limited token outside its fabrics).',
    args: { id: t.arg.id({ required: true, description: 'The UUID of the resource.' }) },
    resolve: (_root, args, context, info) => context.services.resources.view(String(args.id), selectedFields(info)),
  }),
  resourceByName: t.field({
    type: ResourceRef,
    description:
      'A resource by its Kubernetes identity in a fabric: kind, namespace and name, all exact. Errors: NOT_FOUND (no such resource, or no such fabric).',
    args: {
      fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }),
      kind: t.arg.string({ required: true, description: 'The kind, e.g. "VPC".' }),
      name: t.arg.string({ required: true, description: 'The exact name.' }),
      namespace: t.arg.string({
        required: true,
        defaultValue: 'default',
        description: 'The namespace; "default" when not given.',
      }),
    },
    resolve: (_root, args, context) =>
      context.services.resources.getByName({
        fabricId: String(args.fabricId),
        kind: args.kind,
        namespace: args.namespace,
        name: args.name,
      }),
  }),
}));

const MANIFEST_ERRORS = ['NOT_FOUND', 'INVALID_INPUT', 'CONFLICT'] as const;

builder.mutationFields((t) => ({
  createResource: t.field({
    type: ResourceRef,
    description: mutationDescription(
      'createResource',
      'Records a draft that creates an object, validated with the fabric (its Git state with the other drafts applied). Nothing reaches Git until the drafts are committed. INVALID_INPUT lists every finding; DUPLICATE when the object exists in Git or as a draft.',
      [...MANIFEST_ERRORS, 'DUPLICATE'],
    ),
    args: {
      fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }),
      manifest: t.arg({ type: ResourceManifestInput, required: true, description: 'The object to create.' }),
    },
    resolve: (_root, args, context) =>
      context.services.resources.createDraft(String(args.fabricId), manifestInput(args.manifest), context.actor),
  }),
  updateResource: t.field({
    type: ResourceRef,
    description: mutationDescription(
      'updateResource',
      'Records a draft that changes an object, validated like createResource. The manifest must name the same kind, namespace and name (renaming is a delete plus a create). CONFLICT when the resource changed meanwhile.',
      MANIFEST_ERRORS,
    ),
    args: {
      id: t.arg.id({ required: true, description: 'The UUID of the resource.' }),
      manifest: t.arg({ type: ResourceManifestInput, required: true, description: 'The whole new object.' }),
    },
    resolve: (_root, args, context) =>
      context.services.resources.updateDraft(String(args.id), manifestInput(args.manifest), context.actor),
  }),
  deleteResource: t.field({
    type: ResourceRef,
    nullable: true,
    description: mutationDescription(
      'deleteResource',
      'Records a draft that deletes an object; returns null when the object only existed as a draft and is gone. CONFLICT when the resource changed meanwhile.',
      ['NOT_FOUND', 'CONFLICT'],
    ),
    args: { id: t.arg.id({ required: true, description: 'The UUID of the resource.' }) },
    resolve: (_root, args, context) => context.services.resources.deleteDraft(String(args.id), context.actor),
  }),
  discardResourceDraft: t.field({
    type: ResourceRef,
    nullable: true,
    description: mutationDescription(
      'discardResourceDraft',
      'Drops the pending draft of an object (and its conflict); returns null when nothing else remained. INVALID_INPUT when it has no draft.',
      MANIFEST_ERRORS,
    ),
    args: { id: t.arg.id({ required: true, description: 'The UUID of the resource.' }) },
    resolve: (_root, args, context) => context.services.resources.discardDraft(String(args.id), context.actor),
  }),
}));
