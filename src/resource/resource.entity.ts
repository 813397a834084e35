import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { FabricSchema } from '../fabric/fabric.entity.ts';

export const SYNC_DIRECTIONS = ['gui_to_git', 'git_to_gui', 'bidirectional', 'disabled'] as const;
export const CONFLICT_STATUSES = ['none', 'detected', 'resolving', 'resolved'] as const;
export const DRAFT_ACTIONS = ['upsert', 'delete'] as const;
export const DRIFT_STATUSES = ['in_sync', 'spec_drift', 'desired_only', 'live_only', 'unknown'] as const;

export type DraftAction = (typeof DRAFT_ACTIONS)[number];
export type StringMap = Record<string, string>;

export interface ExternalModification {
  detectedAt: string;
  previousHash: string | null;
  currentHash: string;
  detectionMethod: string;
  commit?: string;
}

/**
 * One Hedgehog object of a fabric with its three optional states: desired (Git), draft (an API
 * edit not yet committed) and live (the cluster). A row exists while any state does.
 */
export const ResourceSchema = defineEntity({
  name: 'Resource',
  tableName: 'resource',
  uniques: [{ properties: ['fabric', 'kind', 'namespace', 'name'], name: 'resource_identity_unique' }],
  indexes: [
    { properties: ['fabric', 'kind', 'name'], name: 'resource_fabric_kind_name_idx' },
    // The rows of the files a pull changes (storedBlobOids, rowsByPathOrIdentity).
    { properties: ['fabric', 'managedFilePath'], name: 'resource_fabric_path_idx' },
    { properties: ['fabric', 'conflictStatus'], name: 'resource_fabric_conflict_idx' },
    { properties: ['fabric', 'driftStatus'], name: 'resource_fabric_drift_idx' },
    { properties: ['fabric', 'draftAction'], name: 'resource_fabric_draft_idx' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    fabric: () => p.manyToOne(FabricSchema).deleteRule('cascade').ref(),
    apiVersion: p.string().length(255),
    kind: p.string().length(128),
    namespace: p.string().length(253).default('default'),
    name: p.string().length(253),

    desiredSpec: p.json<unknown>().nullable(),
    desiredLabels: p.json<StringMap>().nullable(),
    desiredAnnotations: p.json<StringMap>().nullable(),
    desiredCommit: p.string().length(64).nullable(),
    managedFilePath: p.text().nullable(),
    desiredBlobOid: p.string().length(64).nullable(),
    /** SHA-256 of the canonical file's bytes. */
    fileHash: p.string().length(64).nullable(),
    lastFileSync: p.datetime().nullable(),

    draftAction: p.enum(DRAFT_ACTIONS).nullable(),
    draftApiVersion: p.string().length(255).nullable(),
    draftSpec: p.json<unknown>().nullable(),
    draftLabels: p.json<StringMap>().nullable(),
    draftAnnotations: p.json<StringMap>().nullable(),
    /** Blob oid of the desired version the draft was based on (null for a new object). */
    draftBaseBlobOid: p.string().length(64).nullable(),
    draftedBy: p.string().length(255).nullable(),
    draftedAt: p.datetime().nullable(),

    liveSpec: p.json<unknown>().nullable(),
    liveStatus: p.json<unknown>().nullable(),
    liveLabels: p.json<StringMap>().nullable(),
    liveAnnotations: p.json<StringMap>().nullable(),
    liveResourceVersion: p.string().length(64).nullable(),
    liveGeneration: p.bigint('number').nullable(),
    liveObservedAt: p.datetime().nullable(),

    /** Cached result of comparing desired with live, kept current on every change of either. */
    driftStatus: p.enum(DRIFT_STATUSES).default('unknown'),
    driftDetails: p
      .json<unknown[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),

    syncDirection: p.enum(SYNC_DIRECTIONS).default('bidirectional'),
    conflictStatus: p.enum(CONFLICT_STATUSES).default('none'),
    conflictDetails: p.json<unknown>().nullable(),
    externalModifications: p
      .json<ExternalModification[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    syncMetadata: p
      .json<Record<string, unknown>>()
      .defaultRaw(`'{}'`)
      .onCreate(() => ({})),

    version: p.integer().version(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type Resource = InferEntity<typeof ResourceSchema>;
