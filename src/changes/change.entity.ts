/**
 * Change tracking (docs/changes.md): one Change per commit that changed a fabric's managed files
 * (the gateway's own push, a pull request it proposed, or the external commits one pull brought
 * in), the objects it touched with what it committed, and its stages with their times.
 *
 * Recording (COMMITTED, PROPOSED, MERGED, CLOSED, SUPERSEDED) happens in the sync operations
 * (src/changes/change-recorder.ts); following (APPLIED, CONVERGED, STALLED, DIVERGED) in the
 * process that watches the fabric's cluster (src/changes/change-tracker.ts). Both move a change
 * only through `enterStage` (change-stages.ts), under the row's version (optimistic lock).
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import type { StringMap } from '../resource/resource.entity.ts';

export const CHANGE_STAGES = [
  'PROPOSED',
  'COMMITTED',
  'MERGED',
  'CLOSED',
  'APPLIED',
  'CONVERGED',
  'STALLED',
  'SUPERSEDED',
  'DIVERGED',
] as const;
export type ChangeStage = (typeof CHANGE_STAGES)[number];

/** Stages after which nothing moves a change any more. */
export const FINAL_CHANGE_STAGES: ReadonlySet<ChangeStage> = new Set(['CONVERGED', 'CLOSED', 'SUPERSEDED']);

/** gateway: pushed by the gateway to the branch; pull_request: proposed by it; external: brought in by a pull. */
export const CHANGE_SOURCES = ['gateway', 'pull_request', 'external'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

export const PULL_REQUEST_STATES = ['open', 'merged', 'closed'] as const;
export type PullRequestState = (typeof PULL_REQUEST_STATES)[number];

export const CHANGE_OBJECT_ACTIONS = ['create', 'update', 'delete'] as const;
export type ChangeObjectAction = (typeof CHANGE_OBJECT_ACTIONS)[number];

/** One entry of a change's timeline. */
export interface ChangeStageEntry {
  stage: ChangeStage;
  /** ISO 8601. */
  at: string;
  /** Why, in a sentence: "2 objects not applied after 600 s: VPC default/vpc-1, ...". */
  detail?: string;
}

/** A commit a change covers (an external change may cover several, newest first). */
export interface ChangeCommit {
  oid: string;
  message: string;
  authorName: string;
  authorEmail: string;
  /** ISO 8601. */
  committedAt: string;
}

/** A switch the change affects (impact.ts), and how far its Agent got. */
export interface ChangeSwitch {
  namespace: string;
  name: string;
  /** The change removes the switch: no Agent is expected to converge. */
  removed: boolean;
  /** False when every reason is one the fabric controller applies only at the switch's next reconcile. */
  immediate: boolean;
  /** The relations that tie the change to the switch (`vpc-attachment`, ...), without duplicates. */
  relations: string[];
  /** The Agent's `metadata.generation` when the change was recorded (null: no Agent then). */
  generationAtCommit: number | null;
  /** The generation the agent applied that counts for this change, once it did. */
  convergedGeneration: number | null;
  /** ISO 8601, once converged. */
  convergedAt: string | null;
}

/** What a GitOps engine (Argo CD Application, Flux Kustomization) last reported for the fabric. */
export interface ChangeEngineStatus {
  kind: 'Application' | 'Kustomization';
  namespace: string;
  name: string;
  /** Argo `status.sync.revision`, Flux `status.lastAppliedRevision` (its commit part). */
  revision: string | null;
  /** Argo `status.operationState.phase` / `status.sync.status`; Flux Ready condition reason. */
  phase: string | null;
  message: string | null;
  /** The revision is this change's commit or a later change's. */
  includesChange: boolean;
  /** ISO 8601. */
  observedAt: string;
}

/** An object's content as committed (what APPLIED compares the live object with). */
export interface CommittedContent {
  apiVersion: string;
  spec: unknown;
  labels: StringMap | null;
  annotations: StringMap | null;
}

export const ChangeSchema = defineEntity({
  name: 'Change',
  tableName: 'change',
  indexes: [
    // Pages newest first by (createdAt, id), one fabric's.
    { properties: ['fabric', 'createdAt', 'id'], name: 'change_fabric_created_id_idx' },
    { properties: ['fabric', 'stage'], name: 'change_fabric_stage_idx' },
    { properties: ['fabric', 'open'], name: 'change_fabric_open_idx' },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    fabric: () => p.manyToOne(FabricSchema).deleteRule('cascade').ref(),
    source: p.enum(CHANGE_SOURCES),
    /** The commit (for a pull request: its head commit on the push branch; for an external change: the newest). */
    commitOid: p.string().length(64),
    branch: p.string().length(255),
    message: p.text().default(''),
    /** Who asked for it: the token's actor for the gateway's pushes; null for external commits. */
    actor: p.string().length(255).nullable(),
    authorName: p.string().length(255).default(''),
    authorEmail: p.string().length(255).default(''),
    /** The commits an external change covers (newest first); one entry for the gateway's own. */
    commits: p
      .json<ChangeCommit[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    /** The operation (push or pull) that recorded it. Not a foreign key: operations may be pruned. */
    operationId: p.uuid().nullable(),
    pullRequestUrl: p.text().nullable(),
    pullRequestNumber: p.integer().nullable(),
    pullRequestState: p.enum(PULL_REQUEST_STATES).nullable(),
    /** The default branch's commit that brought the proposal in (MERGED). */
    mergeCommitOid: p.string().length(64).nullable(),

    stage: p.enum(CHANGE_STAGES),
    stageAt: p.datetime(),
    /** Every stage entered, oldest first. */
    stages: p
      .json<ChangeStageEntry[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    /** Not in a final stage: followed by the tracker. */
    open: p.boolean().default(true),
    /** When the change reached the default branch (COMMITTED or MERGED): the apply clock starts here. */
    landedAt: p.datetime().nullable(),
    appliedAt: p.datetime().nullable(),
    convergedAt: p.datetime().nullable(),

    objectCount: p.integer().default(0),
    /** Objects whose live state does not yet equal what this change committed ("kind namespace/name"). */
    objectsBehind: p
      .json<string[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    switches: p
      .json<ChangeSwitch[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    /** Switches not yet converged ("namespace/name"). */
    switchesBehind: p
      .json<string[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    /** impact.ts's `describeImpact`: "affects 3 switches: leaf-01, ...". */
    impactSummary: p.text().default(''),
    /** References the impact function could not resolve, in words. */
    impactUnresolved: p
      .json<string[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    engine: p.json<ChangeEngineStatus>().nullable(),
    /** The later change that touched the same objects first (SUPERSEDED). */
    supersededBy: p.uuid().nullable(),

    version: p.integer().version(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type Change = InferEntity<typeof ChangeSchema>;

/** One object a change touched, with what it committed and what it replaced. */
export const ChangeObjectSchema = defineEntity({
  name: 'ChangeObject',
  tableName: 'change_object',
  indexes: [
    { properties: ['change'], name: 'change_object_change_idx' },
    // resource.changes, and the tracker's "which open changes touch this object".
    { properties: ['fabricId', 'kind', 'namespace', 'name'], name: 'change_object_identity_idx' },
    { properties: ['resourceId'], name: 'change_object_resource_idx' },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    change: () => p.manyToOne(ChangeSchema).deleteRule('cascade').ref(),
    /** The change's fabric, repeated for the identity index. */
    fabricId: p.uuid(),
    /** The resource row when the change was recorded (rows of deleted objects go away). */
    resourceId: p.uuid().nullable(),
    kind: p.string().length(128),
    namespace: p.string().length(253),
    name: p.string().length(253),
    action: p.enum(CHANGE_OBJECT_ACTIONS),
    /** What the change committed; null for a delete. */
    committed: p.json<CommittedContent>().nullable(),
    /** The desired content before the change; null for a create. */
    previous: p.json<CommittedContent>().nullable(),
    /** When the live object first equalled `committed` (or was gone, for a delete). */
    appliedAt: p.datetime().nullable(),
  },
});

export type ChangeObject = InferEntity<typeof ChangeObjectSchema>;
