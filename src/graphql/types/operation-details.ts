/**
 * `SyncOperation.operationDetails`: what each operation type records in its `details`, typed. One
 * object type per operation type (PUSH and BIDIRECTIONAL share one: a bidirectional run is a push
 * that pulls first), all implementing the OperationDetails interface.
 */
import type { OperationType } from '../../operations/sync-operation.entity.ts';
import type { Conflict, StageCounters } from '../../gitops/ingestion-plan.ts';
import type { RESOLUTION_STRATEGIES } from '../../sync/conflict-resolution.ts';
import { builder } from '../builder.ts';
import { ConflictStrategyEnum, ResourceRef } from './resource.ts';

/** What resolves each member: the operation's type and its stored details. */
export interface DetailsOf {
  type: OperationType;
  details: Record<string, unknown>;
}

type Stored = Record<string, unknown>;
const record = (value: unknown): Stored | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Stored) : null;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const integer = (value: unknown): number => (typeof value === 'number' ? value : 0);

const DETAIL_TYPE_OF: Record<OperationType, string> = {
  directory_init: 'DirectoryInitOperationDetails',
  ingestion: 'IngestionOperationDetails',
  pull: 'PullOperationDetails',
  push: 'PushOperationDetails',
  bidirectional: 'PushOperationDetails',
  conflict_resolution: 'ConflictResolutionOperationDetails',
  cluster_refresh: 'ClusterRefreshOperationDetails',
};

const RunnerRef = builder.objectRef<Stored>('OperationRunner').implement({
  description: 'Which gateway process runs or ran the operation.',
  fields: (t) => ({
    instanceId: t.string({
      nullable: true,
      description: 'The gateway process (instance id); null when not recorded.',
      resolve: (runner) => text(runner.instanceId),
    }),
    workerId: t.string({
      nullable: true,
      description: "graphile-worker's worker id, for the durable runner; null otherwise.",
      resolve: (runner) => text(runner.workerId),
    }),
    jobId: t.string({
      nullable: true,
      description: "graphile-worker's job id, for the durable runner; null otherwise.",
      resolve: (runner) => text(runner.jobId),
    }),
  }),
});

export const OperationDetailsInterface = builder.interfaceRef<DetailsOf>('OperationDetails').implement({
  description:
    'What an operation records beside its counters, typed per operation type (`... on PullOperationDetails`).',
  resolveType: (value) => DETAIL_TYPE_OF[value.type],
  fields: (t) => ({
    runner: t.field({
      type: RunnerRef,
      nullable: true,
      description: 'The process that runs or ran it; null before it started.',
      resolve: ({ details }) => record(details.runner),
    }),
    cancelRequestedBy: t.string({
      nullable: true,
      description: 'Who asked to cancel it while it ran; null when nobody did.',
      resolve: ({ details }) => text(details.cancelRequestedBy),
    }),
  }),
});

const implementing = { interfaces: [OperationDetailsInterface] };

const IngestionStagesRef = builder.objectRef<StageCounters>('IngestionStages').implement({
  description: 'Counters of each ingestion stage.',
  fields: (t) => ({
    rawFiles: t.int({ description: 'YAML files found in raw/.', resolve: (s) => s.discovery.rawFiles }),
    skippedFiles: t.int({
      description: 'Files in raw/ left alone (not YAML, or too large).',
      resolve: (s) => s.discovery.skipped,
    }),
    documents: t.int({ description: 'YAML documents read.', resolve: (s) => s.validation.documents }),
    errors: t.int({ description: 'Validation errors found.', resolve: (s) => s.validation.errors }),
    warnings: t.int({ description: 'Validation warnings found.', resolve: (s) => s.validation.warnings }),
    toManaged: t.int({
      description: 'Documents that became managed objects.',
      resolve: (s) => s.classification.toManaged,
    }),
    toUnmanaged: t.int({
      description: 'Documents moved to unmanaged/ with their reason.',
      resolve: (s) => s.classification.toUnmanaged,
    }),
    conflicts: t.int({
      description: 'Documents naming an object that already exists differently.',
      resolve: (s) => s.classification.conflicts,
    }),
    emptyDocuments: t.int({ description: 'Empty documents skipped.', resolve: (s) => s.classification.empty }),
    created: t.int({ description: 'Managed files created.', resolve: (s) => s.processing.created }),
    updated: t.int({ description: 'Managed files updated.', resolve: (s) => s.processing.updated }),
    unchanged: t.int({ description: 'Managed files already identical.', resolve: (s) => s.processing.unchanged }),
    unmanagedFiles: t.int({ description: 'Files written to unmanaged/.', resolve: (s) => s.processing.unmanagedFiles }),
    rawFilesRemoved: t.int({ description: 'Files removed from raw/.', resolve: (s) => s.archive.rawFilesRemoved }),
    logEntries: t.int({ description: 'Lines added to the ingestion log.', resolve: (s) => s.archive.logEntries }),
  }),
});

const IngestionConflictRef = builder.objectRef<Conflict>('IngestionConflict').implement({
  description: 'A raw document naming an object the directory already holds differently; it went to unmanaged/.',
  fields: (t) => ({
    sourcePath: t.exposeString('sourcePath', { description: 'The raw file, relative to the fabric directory.' }),
    documentIndex: t.exposeInt('documentIndex', { description: '0-based index of the document in it.' }),
    kind: t.exposeString('kind', { description: 'Kind of the object.' }),
    namespace: t.exposeString('namespace', { description: 'Namespace of the object.' }),
    name: t.exposeString('name', { description: 'Name of the object.' }),
    managedPath: t.exposeString('managedPath', { description: 'The managed file that holds the object.' }),
  }),
});

const IngestionOutcomeRef = builder.objectRef<Stored>('IngestionOutcome').implement({
  description: 'The ingestion of raw/ that ran inside a pull or push.',
  fields: (t) => ({
    stages: t.field({
      type: IngestionStagesRef,
      nullable: true,
      description: 'Counters per stage; null until the ingestion has planned.',
      resolve: (details) => (record(details.stages) as StageCounters | null) ?? null,
    }),
    sourceCommit: t.string({
      nullable: true,
      description: 'SHA of the branch head the raw files were read at.',
      resolve: (details) => text(details.sourceCommit),
    }),
    conflicts: t.field({
      type: [IngestionConflictRef],
      description: 'Raw documents that conflicted with existing objects.',
      resolve: (details) => (Array.isArray(details.conflicts) ? (details.conflicts as Conflict[]) : []),
    }),
    commits: t.stringList({
      description: 'SHAs of the commits made, oldest first, when the change was split into several.',
      resolve: (details) => (Array.isArray(details.commits) ? (details.commits as string[]) : []),
    }),
    commitSha: t.string({
      nullable: true,
      description: 'SHA of the ingestion commit; null when it made none.',
      resolve: (details) => text(details.commitSha),
    }),
    filesCreated: t.int({ description: 'Managed files it created.', resolve: (d) => integer(d.filesCreated) }),
    filesUpdated: t.int({ description: 'Managed files it updated.', resolve: (d) => integer(d.filesUpdated) }),
    filesDeleted: t.int({ description: 'Files it deleted (raw/).', resolve: (d) => integer(d.filesDeleted) }),
  }),
});

const PullSourceKindEnum = builder.enumType('PullSourceKind', {
  description: 'How a pull found the changed files.',
  values: {
    INCREMENTAL: { value: 'incremental' as const, description: "From the host's diff since the last pulled commit." },
    FULL: { value: 'full' as const, description: 'By listing the whole directory.' },
  },
});

const PullSourceRef = builder.objectRef<Stored>('PullSource').implement({
  description: 'How a pull found the changed files.',
  fields: (t) => ({
    kind: t.field({
      type: PullSourceKindEnum,
      description: 'Incremental or full.',
      resolve: (source) => (source.kind === 'full' ? 'full' : 'incremental'),
    }),
    from: t.string({
      nullable: true,
      description: 'INCREMENTAL: the commit the diff started from; null for FULL.',
      resolve: (source) => text(source.from),
    }),
    changedFiles: t.int({
      nullable: true,
      description: 'INCREMENTAL: files changed below the directory; null for FULL.',
      resolve: (source) => (typeof source.changedFiles === 'number' ? source.changedFiles : null),
    }),
    reason: t.string({
      nullable: true,
      description: 'FULL: why the whole directory was listed; null for INCREMENTAL.',
      resolve: (source) => text(source.reason),
    }),
  }),
});

const PullOutcomeRef = builder.objectRef<Stored>('PullOutcome').implement({
  description: 'What a pull found and did.',
  fields: (t) => ({
    head: t.string({
      nullable: true,
      description: 'SHA of the branch head pulled; null when the branch is absent.',
      resolve: (p) => text(p.head),
    }),
    upToDate: t.boolean({ description: 'Nothing was new since the last pull.', resolve: (p) => p.upToDate === true }),
    conflicts: t.int({
      description: 'Drafts found in conflict with the new Git versions.',
      resolve: (p) => integer(p.conflicts),
    }),
    merged: t.int({
      description: 'Drafts merged with the new Git versions (different fields).',
      resolve: (p) => integer(p.merged),
    }),
    rawFiles: t.int({ description: 'Files waiting in raw/.', resolve: (p) => integer(p.rawFiles) }),
    source: t.field({
      type: PullSourceRef,
      nullable: true,
      description: 'How the changed files were found; null when there was nothing to pull.',
      resolve: (p) => record(p.source),
    }),
  }),
});

const RefusedDraftRef = builder.objectRef<Stored>('RefusedDraft').implement({
  description: 'A draft a push did not write, with the reason.',
  fields: (t) => ({
    resourceId: t.id({ description: 'The UUID of the resource.', resolve: (r) => String(r.resourceId) }),
    reason: t.string({ description: 'Why it was not written.', resolve: (r) => String(r.reason) }),
  }),
});

const PushOutcomeRef = builder.objectRef<Stored>('PushOutcome').implement({
  description: 'What a push wrote.',
  fields: (t) => ({
    branch: t.string({ description: 'The branch pushed to.', resolve: (p) => String(p.branch ?? '') }),
    attempts: t.int({
      description: 'Attempts made (the branch may move meanwhile).',
      resolve: (p) => integer(p.attempts),
    }),
    written: t.int({ description: 'Files the commit wrote.', resolve: (p) => integer(p.written) }),
    unchanged: t.int({ description: 'Drafts whose file already held them.', resolve: (p) => integer(p.unchanged) }),
    conflicted: t.int({
      description: 'Drafts held back because they are in conflict.',
      resolve: (p) => integer(p.conflicted),
    }),
    refused: t.field({
      type: [RefusedDraftRef],
      description: 'Drafts not written, each with why.',
      resolve: (p) => (Array.isArray(p.refused) ? (p.refused as Stored[]) : []),
    }),
  }),
});

builder.objectRef<DetailsOf>('PullOperationDetails').implement({
  ...implementing,
  description: 'Details of a PULL.',
  fields: (t) => ({
    fullListing: t.boolean({
      description: 'The whole directory was compared (syncFabric fullListing).',
      resolve: ({ details }) => details.fullListing === true,
    }),
    seenHead: t.string({
      nullable: true,
      description: 'The new branch head the head check saw, for a scheduled pull; null otherwise.',
      resolve: ({ details }) => text(details.seenHead),
    }),
    pull: t.field({
      type: PullOutcomeRef,
      nullable: true,
      description: 'What the pull did; null until it finished.',
      resolve: ({ details }) => record(details.pull),
    }),
    ingestion: t.field({
      type: IngestionOutcomeRef,
      nullable: true,
      description: 'The ingestion of raw/ that followed; null when raw/ was empty.',
      resolve: ({ details }) => record(details.ingestion),
    }),
  }),
});

builder.objectRef<DetailsOf>('PushOperationDetails').implement({
  ...implementing,
  description: 'Details of a PUSH or BIDIRECTIONAL run (a push pulls first).',
  fields: (t) => ({
    message: t.string({
      nullable: true,
      description: 'The commit message given (commitChanges, auto-commit); null for a generated summary.',
      resolve: ({ details }) => text(details.message),
    }),
    fullListing: t.boolean({
      description: 'The pull before it compared the whole directory.',
      resolve: ({ details }) => details.fullListing === true,
    }),
    push: t.field({
      type: PushOutcomeRef,
      nullable: true,
      description: 'What the push wrote; null until it finished.',
      resolve: ({ details }) => record(details.push),
    }),
    ingestion: t.field({
      type: IngestionOutcomeRef,
      nullable: true,
      description: 'The ingestion of raw/ that followed; null when raw/ was empty.',
      resolve: ({ details }) => record(details.ingestion),
    }),
  }),
});

builder.objectRef<DetailsOf>('IngestionOperationDetails').implement({
  ...implementing,
  description: 'Details of an INGESTION (ingestRaw).',
  fields: (t) => ({
    stages: t.field({
      type: IngestionStagesRef,
      nullable: true,
      description: 'Counters per stage; null until the ingestion has planned.',
      resolve: ({ details }) => (record(details.stages) as StageCounters | null) ?? null,
    }),
    sourceCommit: t.string({
      nullable: true,
      description: 'SHA of the branch head the raw files were read at.',
      resolve: ({ details }) => text(details.sourceCommit),
    }),
    conflicts: t.field({
      type: [IngestionConflictRef],
      description: 'Raw documents that conflicted with existing objects.',
      resolve: ({ details }) => (Array.isArray(details.conflicts) ? (details.conflicts as Conflict[]) : []),
    }),
    commits: t.stringList({
      description: 'SHAs of the commits made, oldest first, when the change was split into several.',
      resolve: ({ details }) => (Array.isArray(details.commits) ? (details.commits as string[]) : []),
    }),
  }),
});

builder.objectRef<DetailsOf>('DirectoryInitOperationDetails').implement({
  ...implementing,
  description: "Details of a DIRECTORY_INIT (initializeGitopsDirectory); its commit is the operation's commitSha.",
  fields: (t) => ({
    commits: t.stringList({
      description: 'SHAs of the commits made, oldest first, when the change was split into several.',
      resolve: ({ details }) => (Array.isArray(details.commits) ? (details.commits as string[]) : []),
    }),
  }),
});

interface StoredManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: unknown; annotations?: unknown };
  spec?: unknown;
}

const ManifestRef = builder.objectRef<StoredManifest>('Manifest').implement({
  description: 'A Hedgehog object as stored (canonical form); its spec stays JSON (every kind has its own).',
  fields: (t) => ({
    apiVersion: t.string({ description: 'e.g. "vpc.githedgehog.com/v1beta1".', resolve: (m) => m.apiVersion ?? '' }),
    kind: t.string({ description: 'e.g. "VPC".', resolve: (m) => m.kind ?? '' }),
    name: t.string({ description: 'metadata.name.', resolve: (m) => m.metadata?.name ?? '' }),
    namespace: t.string({
      description: 'metadata.namespace; "default" when not given.',
      resolve: (m) => m.metadata?.namespace ?? 'default',
    }),
    labels: t.field({
      type: 'JSON',
      nullable: true,
      description: 'metadata.labels, a map of strings; null when none.',
      resolve: (m) => m.metadata?.labels ?? null,
    }),
    annotations: t.field({
      type: 'JSON',
      nullable: true,
      description: 'metadata.annotations, a map of strings; null when none.',
      resolve: (m) => m.metadata?.annotations ?? null,
    }),
    spec: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The spec; null when absent.',
      resolve: (m) => m.spec ?? null,
    }),
  }),
});

builder.objectRef<DetailsOf>('ConflictResolutionOperationDetails').implement({
  ...implementing,
  description: 'Details of a CONFLICT_RESOLUTION (resolveConflict).',
  fields: (t) => ({
    resourceId: t.id({
      description: 'The UUID of the resource.',
      resolve: ({ details }) => String(details.resourceId),
    }),
    resource: t.field({
      type: ResourceRef,
      nullable: true,
      description: 'The resource; null when it no longer exists.',
      resolve: async ({ details }, _args, context) => {
        try {
          return await context.services.resources.get(String(details.resourceId));
        } catch {
          return null;
        }
      },
    }),
    strategy: t.field({
      type: ConflictStrategyEnum,
      description: 'The strategy chosen.',
      resolve: ({ details }) => details.strategy as (typeof RESOLUTION_STRATEGIES)[number],
    }),
    merged: t.field({
      type: ManifestRef,
      nullable: true,
      description: 'MERGE: the merged manifest stored as the draft (canonical form); null for other strategies.',
      resolve: ({ details }) => (record(details.merged) as StoredManifest | null) ?? null,
    }),
  }),
});

builder.objectRef<DetailsOf>('ClusterRefreshOperationDetails').implement({
  ...implementing,
  description: 'Details of a CLUSTER_REFRESH (refreshCluster); null fields until it finished.',
  fields: (t) => ({
    kinds: t.int({
      nullable: true,
      description: 'Kinds listed.',
      resolve: ({ details }) => (typeof details.kinds === 'number' ? details.kinds : null),
    }),
    objects: t.int({
      nullable: true,
      description: 'Objects listed.',
      resolve: ({ details }) => (typeof details.objects === 'number' ? details.objects : null),
    }),
    driftChanged: t.int({
      nullable: true,
      description: 'Resources whose drift status changed.',
      resolve: ({ details }) => (typeof details.driftChanged === 'number' ? details.driftChanged : null),
    }),
    missingKinds: t.stringList({
      description: 'Kinds the cluster does not serve.',
      resolve: ({ details }) => (Array.isArray(details.missingKinds) ? (details.missingKinds as string[]) : []),
    }),
  }),
});
