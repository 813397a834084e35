import {
  CONFLICT_STATUSES,
  DRAFT_ACTIONS,
  DRIFT_STATUSES,
  SYNC_DIRECTIONS,
  type DraftAction,
  type Resource,
} from '../../resource/resource.entity.ts';
import type { ManifestInput } from '../../resource/resource.service.ts';
import { DomainError } from '../../errors.ts';
import { builder } from '../builder.ts';
import { enumValues } from '../enums.ts';
import {
  connectionWithTotalCount,
  resolveKeysetConnection,
  selectedFields,
  selectedNodeFields,
} from '../pagination.ts';
import { FabricRef } from './fabric.ts';

export const SyncDirectionEnum = builder.enumType('SyncDirection', { values: enumValues(SYNC_DIRECTIONS) });
export const ConflictStatusEnum = builder.enumType('ConflictStatus', { values: enumValues(CONFLICT_STATUSES) });
export const DraftActionEnum = builder.enumType('DraftAction', { values: enumValues(DRAFT_ACTIONS) });
export const DriftStatusEnum = builder.enumType('DriftStatus', { values: enumValues(DRIFT_STATUSES) });

const DesiredStateRef = builder.objectRef<Resource>('DesiredState').implement({
  description: 'The object as its managed file in Git says.',
  fields: (t) => ({
    spec: t.expose('desiredSpec', { type: 'JSON' }),
    labels: t.expose('desiredLabels', { type: 'JSON', nullable: true }),
    annotations: t.expose('desiredAnnotations', { type: 'JSON', nullable: true }),
    commit: t.exposeString('desiredCommit', { nullable: true }),
    managedFilePath: t.exposeString('managedFilePath', { nullable: true }),
    blobOid: t.exposeString('desiredBlobOid', { nullable: true }),
    fileHash: t.exposeString('fileHash', { nullable: true, description: 'SHA-256 of the canonical file.' }),
    lastFileSync: t.expose('lastFileSync', { type: 'DateTime', nullable: true }),
  }),
});

const DraftStateRef = builder.objectRef<Resource>('DraftState').implement({
  description: 'An edit made through the API that has not reached Git yet.',
  fields: (t) => ({
    action: t.field({ type: DraftActionEnum, resolve: (resource) => resource.draftAction as DraftAction }),
    apiVersion: t.exposeString('draftApiVersion', { nullable: true }),
    spec: t.expose('draftSpec', { type: 'JSON', nullable: true }),
    labels: t.expose('draftLabels', { type: 'JSON', nullable: true }),
    annotations: t.expose('draftAnnotations', { type: 'JSON', nullable: true }),
    baseBlobOid: t.exposeString('draftBaseBlobOid', {
      nullable: true,
      description: 'The Git version the draft started from.',
    }),
    draftedBy: t.exposeString('draftedBy', { nullable: true }),
    draftedAt: t.expose('draftedAt', { type: 'DateTime', nullable: true }),
  }),
});

const LiveStateRef = builder.objectRef<Resource>('LiveState').implement({
  description: 'The object as the cluster has it.',
  fields: (t) => ({
    spec: t.expose('liveSpec', { type: 'JSON', nullable: true }),
    status: t.expose('liveStatus', { type: 'JSON', nullable: true }),
    labels: t.expose('liveLabels', { type: 'JSON', nullable: true }),
    annotations: t.expose('liveAnnotations', { type: 'JSON', nullable: true }),
    resourceVersion: t.exposeString('liveResourceVersion', { nullable: true }),
    generation: t.exposeInt('liveGeneration', { nullable: true }),
    observedAt: t.expose('liveObservedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const ResourceRef = builder.objectRef<Resource>('Resource');

ResourceRef.implement({
  description: 'One Hedgehog object of a fabric, with its desired (Git), draft (API) and live (cluster) states.',
  fields: (t) => ({
    id: t.exposeID('id'),
    // Through the request's loader (whole rows, batched): the unit of work may hold a partly loaded Fabric.
    fabric: t.field({
      type: FabricRef,
      resolve: (resource, _args, context) => context.loaders.fabricById.load(resource.fabric.id),
    }),
    apiVersion: t.exposeString('apiVersion'),
    kind: t.exposeString('kind'),
    namespace: t.exposeString('namespace'),
    name: t.exposeString('name'),
    desired: t.field({
      type: DesiredStateRef,
      nullable: true,
      resolve: (resource) => (resource.desiredSpec != null ? resource : null),
    }),
    draft: t.field({
      type: DraftStateRef,
      nullable: true,
      resolve: (resource) => (resource.draftAction != null ? resource : null),
    }),
    live: t.field({
      type: LiveStateRef,
      nullable: true,
      resolve: (resource) => (resource.liveResourceVersion != null ? resource : null),
    }),
    hasDraft: t.boolean({ resolve: (resource) => resource.draftAction != null }),
    driftStatus: t.expose('driftStatus', { type: DriftStatusEnum }),
    driftDetails: t.expose('driftDetails', { type: 'JSON', description: 'List of {path, desired, live}.' }),
    syncDirection: t.expose('syncDirection', { type: SyncDirectionEnum }),
    conflictStatus: t.expose('conflictStatus', { type: ConflictStatusEnum }),
    conflictDetails: t.expose('conflictDetails', { type: 'JSON', nullable: true }),
    externalModifications: t.expose('externalModifications', { type: 'JSON' }),
    syncMetadata: t.expose('syncMetadata', { type: 'JSON' }),
    version: t.exposeInt('version'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ResourceManifestInput = builder.inputType('ResourceManifestInput', {
  description: 'The object as YAML text (one document) or as structured fields; exactly one of the two.',
  fields: (t) => ({
    yaml: t.string(),
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
      args: {
        fabricId: t.arg.id({ required: true }),
        kind: t.arg.string(),
        namespace: t.arg.string(),
        search: t.arg.string({ description: 'Case-insensitive part of the name.' }),
        hasDraft: t.arg.boolean(),
        conflictStatus: t.arg({ type: ConflictStatusEnum }),
        driftStatus: t.arg({ type: DriftStatusEnum }),
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
    connectionWithTotalCount as never,
  ),
  resource: t.field({
    type: ResourceRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => context.services.resources.view(String(args.id), selectedFields(info)),
  }),
}));

builder.mutationFields((t) => ({
  createResource: t.field({
    type: ResourceRef,
    description: 'Records a draft that creates an object. Nothing reaches Git until the drafts are committed.',
    args: { fabricId: t.arg.id({ required: true }), manifest: t.arg({ type: ResourceManifestInput, required: true }) },
    resolve: (_root, args, context) =>
      context.services.resources.createDraft(String(args.fabricId), manifestInput(args.manifest), context.actor),
  }),
  updateResource: t.field({
    type: ResourceRef,
    description: 'Records a draft that changes an object.',
    args: { id: t.arg.id({ required: true }), manifest: t.arg({ type: ResourceManifestInput, required: true }) },
    resolve: (_root, args, context) =>
      context.services.resources.updateDraft(String(args.id), manifestInput(args.manifest), context.actor),
  }),
  deleteResource: t.field({
    type: ResourceRef,
    nullable: true,
    description:
      'Records a draft that deletes an object; returns null when the object only existed as a draft and is gone.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.resources.deleteDraft(String(args.id), context.actor),
  }),
  discardResourceDraft: t.field({
    type: ResourceRef,
    nullable: true,
    description: 'Drops the pending draft of an object; returns null when nothing else remained.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.resources.discardDraft(String(args.id), context.actor),
  }),
}));
