/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Whether a resource's draft conflicts with a newer Git version. */
export type ConflictStatus =
  /** A pull found Git changed a field the draft changed too, differently; the draft is held back from pushes. */
  | 'DETECTED'
  /** No conflict. */
  | 'NONE'
  /** Resolved (conflictDetails.resolution says how); the draft, if kept, is pushed next. */
  | 'RESOLVED'
  /** Resolution MANUAL chosen: the draft stays held back until resolved otherwise or discarded. */
  | 'RESOLVING';

/** A new fabric. Only the name is required. */
export type CreateFabricInput = {
  /** Commit drafts automatically after a quiet time (default false). */
  autoCommitEnabled?: boolean | null | undefined;
  /** Quiet time before an automatic commit, 1 to 86400 s (default 30). */
  autoCommitQuietSeconds?: number | null | undefined;
  /** Seconds a change may take to apply, and then to converge, before it is STALLED: 10 to 604800 (default 600). */
  changeStallSeconds?: number | null | undefined;
  /** Free text, at most 10000 characters. */
  description?: string | null | undefined;
  /** null detaches the fabric from its repository. */
  gitRepositoryId?: string | number | null | undefined;
  /** Folder inside the repository, e.g. "fabrics/dc1". */
  gitopsDirectory?: string | null | undefined;
  /** null removes the cluster connection. */
  kubernetes?: KubernetesConnectionInput | null | undefined;
  /** Unique name, 1 to 255 characters. */
  name: string;
  /** Seconds between head checks, 10 to 86400 (default 60). */
  pullIntervalSeconds?: number | null | undefined;
  /** Lifecycle status (default PLANNED). */
  status?: FabricStatus | null | undefined;
  /** Overrides of the validation settings; replaces the stored ones whole ({} clears them). */
  validationSettings?: ValidationSettingsInput | null | undefined;
};

/** A new repository record. Name and URL are required. */
export type CreateGitRepositoryInput = {
  /** Default NONE. */
  authType?: GitAuthType | null | undefined;
  /** Author email of the commits (default "hnp-sync@hedgehog.gitops"). */
  commitAuthorEmail?: string | null | undefined;
  /** Author name of the commits (default "HNP Bidirectional Sync"). */
  commitAuthorName?: string | null | undefined;
  /** Write-only; null clears them. */
  credentials?: GitCredentialsInput | null | undefined;
  /** A valid branch name (default "main"). */
  defaultBranch?: string | null | undefined;
  /** Commit straight to the default branch (default true). */
  directPushEnabled?: boolean | null | undefined;
  /** Unique name, 1 to 255 characters. */
  name: string;
  /** Default: GITHUB for https://github.com/ URLs, else GIT. */
  provider?: GitProvider | null | undefined;
  /** Branch pushes go to; empty for the default branch (default ""). */
  pushBranch?: string | null | undefined;
  /** https://, ssh:// or git@host:path, at most 2048 characters, without credentials. */
  url: string;
  /** Write-only, 8 to 1024 characters; null clears it. */
  webhookSecret?: string | null | undefined;
};

/** What a draft does to its object when committed. */
export type DraftAction =
  /** Deletes the object. */
  | 'DELETE'
  /** Creates or changes the object. */
  | 'UPSERT';

/** How a resource's Git (desired) and cluster (live) versions compare. */
export type DriftStatus =
  /** In Git, not in the cluster. */
  | 'DESIRED_ONLY'
  /** Both agree (after normalisation). */
  | 'IN_SYNC'
  /** In the cluster, not in Git (adoptLiveResources can draft it). */
  | 'LIVE_ONLY'
  /** Both exist and differ; `drift` lists the fields. */
  | 'SPEC_DRIFT'
  /** Not known: no cluster connection, or the kind not listed yet or not served. */
  | 'UNKNOWN';

/** How this gateway process watches a fabric's cluster. */
export type FabricClusterState =
  /** Finding the served kinds and starting the watches. */
  | 'CONNECTING'
  /** The cluster could not be reached or refused; error says why. */
  | 'ERROR'
  /** The fabric has no cluster connection. */
  | 'NOT_CONFIGURED'
  /** Watching stopped. */
  | 'STOPPED'
  /** Every served kind is watched. */
  | 'WATCHING';

/** The fabric topology. */
export type FabricMode =
  /** Spines and leaves (the only mode since 25.05). */
  | 'SPINE_LEAF';

/** The fabric's lifecycle, set by its admins; informational (the gateway treats every status alike). */
export type FabricStatus =
  /** Deployed and in service. */
  | 'ACTIVE'
  /** Out of service; kept for its history. */
  | 'DECOMMISSIONED'
  /** In service, under maintenance. */
  | 'MAINTENANCE'
  /** Being designed; not deployed yet. */
  | 'PLANNED';

/** Whether a pull or push has completed for the fabric. This version sets NEVER_SYNCED and IN_SYNC only; the operations (syncOperations) tell what runs, failed or waits. */
export type FabricSyncStatus =
  /** Reserved; not set by this version. */
  | 'ERROR'
  /** A pull or push has completed (lastSyncedAt says when). */
  | 'IN_SYNC'
  /** No pull or push has completed yet. */
  | 'NEVER_SYNCED'
  /** Reserved; not set by this version. */
  | 'OUT_OF_SYNC'
  /** Reserved; not set by this version. */
  | 'SYNCING';

/** One entry of fab.yaml `gateway.communities`; each priority at most once. */
export type GatewayCommunityInput = {
  /** The BGP community, e.g. "50001:0". */
  community: string;
  /** The priority, 0 or more (0 is the highest). */
  priority: number;
};

/** Which of the stored credentials are used. */
export type GitAuthType =
  /** A username and password (https). */
  | 'BASIC'
  /** No credentials (a public repository, or a local path in tests). */
  | 'NONE'
  /** An SSH private key. */
  | 'SSH_KEY'
  /** An access token (GitHub, or https). */
  | 'TOKEN';

/** Write-only. A token (GitHub or https), a username and password, or an SSH private key. */
export type GitCredentialsInput = {
  /** A password, at most 4096 characters (authType BASIC). */
  password?: string | null | undefined;
  /** An SSH private key in OpenSSH PEM form (authType SSH_KEY). */
  sshPrivateKey?: string | null | undefined;
  /** An access token, at most 4096 characters (authType TOKEN). */
  token?: string | null | undefined;
  /** A username (authType BASIC). */
  username?: string | null | undefined;
};

/** How the gateway talks to a Git repository. */
export type GitProvider =
  /** Plain git over https or ssh (the git command line). */
  | 'GIT'
  /** GitHub's GraphQL and REST APIs (github.com or GitHub Enterprise); pull requests supported. */
  | 'GITHUB';

/** The state of the fabric's GitOps directory in its repository, as last checked or initialised. */
export type GitopsDirectoryStatus =
  /** Initialisation failed; directoryInitError says why. */
  | 'ERROR'
  /** The layout is complete. */
  | 'INITIALIZED'
  /** A directory_init operation is creating the layout. */
  | 'INITIALIZING'
  /** The last check found departures from the layout (validateGitopsDirectory lists them). */
  | 'INVALID_STRUCTURE'
  /** Never initialised or checked (see initializeGitopsDirectory). */
  | 'NOT_INITIALIZED';

/** hhfab's `--hydrate-mode`: how validation treats a wiring without addresses and ASNs. */
export type HydrationMode =
  /** hhfab's default: a wiring with no hydrated field is hydrated; a partly hydrated one is refused. */
  | 'IF_NOT_PRESENT'
  /** The wiring must be fully hydrated (every address and ASN set). */
  | 'NEVER'
  /** Whatever is there is hydrated over. */
  | 'OVERRIDE';

/** Write-only. Either a kubeconfig, or a server with a bearer token and CA certificate (PEM, base64). */
export type KubernetesConnectionInput = {
  /** The server's CA certificate, PEM in base64, with server. */
  caData?: string | null | undefined;
  /** A whole kubeconfig (YAML), at most 1 MiB; its current context is used. */
  kubeconfig?: string | null | undefined;
  /** Namespaces to watch; omit or empty for all. */
  namespaces?: Array<string> | null | undefined;
  /** API server URL (https), without a kubeconfig. */
  server?: string | null | undefined;
  /** Bearer token, with server. */
  token?: string | null | undefined;
};

/** What a draft does to its object. */
export type PendingChangeAction =
  /** The object is new: Git has no file for it yet. */
  | 'CREATE'
  /** The object is removed: its file is deleted. */
  | 'DELETE'
  /** The object exists in Git and changes. */
  | 'UPDATE';

/** The object as YAML text (one document) or as structured fields; exactly one of the two. */
export type ResourceManifestInput = {
  /** A Kubernetes-style object: apiVersion, kind, metadata, spec. */
  object?: unknown;
  /** One YAML document, at most MAX_YAML_BYTES bytes. */
  yaml?: string | null | undefined;
};

/**
 * What an operation is doing. The phases of each operation type, in order (some are skipped when there is nothing to do):
 * - DIRECTORY_INIT: QUEUED → STARTING → READING → COMMITTING → RECORDING → DONE (progress counts files the initialisation commit adds)
 * - INGESTION: QUEUED → STARTING → DISCOVERY → VALIDATION → CLASSIFICATION → COMMITTING → RECORDING → DONE (progress counts raw files read and validated)
 * - PULL: QUEUED → STARTING → READING_HEAD → UP_TO_DATE → READING_TREE → READING_FILES → APPLYING → INGEST_RAW → INGEST_DISCOVERY → INGEST_VALIDATION → INGEST_CLASSIFICATION → INGEST_COMMITTING → INGEST_RECORDING → INGEST_DONE → DONE (progress counts changed files (read, then applied))
 * - PUSH: QUEUED → STARTING → READING_HEAD → UP_TO_DATE → READING_TREE → READING_FILES → APPLYING → COMMITTING → HEAD_MOVED → RECORDING → COMMITTED → INGEST_RAW → INGEST_DISCOVERY → INGEST_VALIDATION → INGEST_CLASSIFICATION → INGEST_COMMITTING → INGEST_RECORDING → INGEST_DONE → DONE (progress counts changed files of the pull before the commit, then files the commit writes)
 * - BIDIRECTIONAL: QUEUED → STARTING → READING_HEAD → UP_TO_DATE → READING_TREE → READING_FILES → APPLYING → COMMITTING → HEAD_MOVED → RECORDING → COMMITTED → INGEST_RAW → INGEST_DISCOVERY → INGEST_VALIDATION → INGEST_CLASSIFICATION → INGEST_COMMITTING → INGEST_RECORDING → INGEST_DONE → DONE (progress counts changed files of the pull before the commit, then files the commit writes)
 * - CONFLICT_RESOLUTION: QUEUED → STARTING → RESOLVED → READING_HEAD → UP_TO_DATE → READING_TREE → READING_FILES → APPLYING → COMMITTING → HEAD_MOVED → RECORDING → COMMITTED → INGEST_RAW → INGEST_DISCOVERY → INGEST_VALIDATION → INGEST_CLASSIFICATION → INGEST_COMMITTING → INGEST_RECORDING → INGEST_DONE → DONE (progress counts as push, when the resolution pushes (GUI_WINS))
 * - CLUSTER_REFRESH: QUEUED → STARTING → LISTING → DRIFT → DONE (progress counts kinds listed)
 */
export type SyncOperationPhase =
  /** A pull validates the files it read and writes the desired state in one transaction (one synchronous step: progress stays at the total). */
  | 'APPLYING'
  /** Ingestion: deciding where each object goes (managed/, unmanaged/, conflict). */
  | 'CLASSIFICATION'
  /** A push landed its commit and recorded it. */
  | 'COMMITTED'
  /** Writing the commit. For a push or directory init, progress counts the files the commit writes: it moves as the adapter writes their blobs (native git) or encodes them into the request (GitHub), in batches of 100; sending the commit (one atomic request or push) is one step after the last batch. */
  | 'COMMITTING'
  /** Ingestion: listing the YAML files waiting in raw/. */
  | 'DISCOVERY'
  /** The work finished (the status says how). */
  | 'DONE'
  /** Cluster refresh: recomputing drift for every resource of the fabric. */
  | 'DRIFT'
  /** The branch moved during the push: pulling again before retrying the commit. */
  | 'HEAD_MOVED'
  /** Ingestion inside a pull or push: deciding where each object goes. */
  | 'INGEST_CLASSIFICATION'
  /** Ingestion inside a pull or push: writing the ingestion commit. */
  | 'INGEST_COMMITTING'
  /** Ingestion inside a pull or push: listing the YAML files waiting in raw/. */
  | 'INGEST_DISCOVERY'
  /** Ingestion inside a pull or push finished; the pull that records its commit follows. */
  | 'INGEST_DONE'
  /** Files were found in raw/: ingesting them inside this operation. */
  | 'INGEST_RAW'
  /** Ingestion inside a pull or push: recording the ingestion commit in the database. */
  | 'INGEST_RECORDING'
  /** Ingestion inside a pull or push: reading and validating the raw files (progress counts raw files). */
  | 'INGEST_VALIDATION'
  /** Cluster refresh: listing every served kind again. Progress counts kinds: it moves as each kind is listed. */
  | 'LISTING'
  /** Recorded and waiting for a runner; nothing has started. */
  | 'QUEUED'
  /** Reading the GitOps directory to see what its layout lacks. */
  | 'READING'
  /** Reading the changed files from Git. Progress counts files (created, changed and deleted): it moves as blobs arrive. */
  | 'READING_FILES'
  /** Reading the head commit of the branch. */
  | 'READING_HEAD'
  /** Finding the files that changed since the last pulled commit (or listing the whole directory). */
  | 'READING_TREE'
  /** The commit landed; recording it in the database. */
  | 'RECORDING'
  /** A conflict resolution was applied to the resource. */
  | 'RESOLVED'
  /** Claimed by a runner; the first step is about to run. */
  | 'STARTING'
  /** The branch head is the commit last pulled: nothing to read. */
  | 'UP_TO_DATE'
  /** Ingestion: reading and validating the raw files. Progress counts raw files: it moves as they are read. */
  | 'VALIDATION';

/** Where an operation is in its life; COMPLETED, FAILED and CANCELLED are final. */
export type SyncOperationStatus =
  /** Cancelled before or while running (final). */
  | 'CANCELLED'
  /** Finished successfully (final). */
  | 'COMPLETED'
  /** Stopped by an error; errorMessage says why (final). */
  | 'FAILED'
  /** Running. */
  | 'IN_PROGRESS'
  /** Queued; not started. */
  | 'PENDING';

/** What an operation does; its operationDetails type follows from it. */
export type SyncOperationType =
  /** Pull then push (syncFabric BIDIRECTIONAL). */
  | 'BIDIRECTIONAL'
  /** Relists the fabric's cluster and recomputes drift (refreshCluster). */
  | 'CLUSTER_REFRESH'
  /** Applies a conflict resolution (resolveConflict). */
  | 'CONFLICT_RESOLUTION'
  /** Creates the GitOps directory layout (initializeGitopsDirectory). */
  | 'DIRECTORY_INIT'
  /** Moves the YAML files of raw/ into managed/ and unmanaged/ (ingestRaw). */
  | 'INGESTION'
  /** Reads Git into the database (syncFabric PULL, webhook, head check). */
  | 'PULL'
  /** Commits the drafts to Git (commitChanges, syncFabric PUSH, auto-commit). */
  | 'PUSH';

/** The fabric's validation settings: the fields given override hhfab's defaults; an absent or null field keeps the default. Replaces the stored settings whole. Checked like the rest of the input (INVALID_INPUT names each bad field). */
export type ValidationSettingsInput = {
  /** Control node VIP, an IPv4 address no switch may use (default 172.30.0.1). */
  controlVIP?: string | null | undefined;
  /** Fabric MTU in bytes, 1 to 65535 (default 9100). */
  fabricMTU?: number | null | undefined;
  /** The topology (default SPINE_LEAF). */
  fabricMode?: FabricMode | null | undefined;
  /** Fabric link subnet, an IPv4 CIDR (default 172.30.128.0/17). */
  fabricSubnet?: string | null | undefined;
  /** Gateway ASN, an integer from 1 to 4294967295 (default 65534). */
  gatewayASN?: number | null | undefined;
  /** fab.yaml `gateway.communities`; a gateway group has at most as many members as entries (default ten, 50001:0 to 50001:9). */
  gatewayCommunities?: Array<GatewayCommunityInput> | null | undefined;
  /** Gateway kinds are allowed (fab.yaml `gateway.enable`; default true). */
  gatewayEnabled?: boolean | null | undefined;
  /** How a wiring without addresses and ASNs is treated (default IF_NOT_PRESENT). */
  hydrationMode?: HydrationMode | null | undefined;
  /** Celestica SONiC+ switch profiles exist (fab.yaml `fabric.includeCLSP`; default false). */
  includeCLSP?: boolean | null | undefined;
  /** The Cumulus VX switch profile exists (fab.yaml `fabric.includeCumulus`; default false). */
  includeCumulus?: boolean | null | undefined;
  /** Last leaf ASN, an integer from 1 to 4294967295 (default 65533). */
  leafASNEnd?: number | null | undefined;
  /** First leaf ASN, an integer from 1 to 4294967295 (default 65101). */
  leafASNStart?: number | null | undefined;
  /** First address of the management DHCP range; switch management IPs must be below it (default 172.30.4.0). */
  managementDHCPStart?: string | null | undefined;
  /** Management subnet, an IPv4 CIDR (default 172.30.0.0/21). */
  managementSubnet?: string | null | undefined;
  /** MCLAG session subnet, an IPv4 CIDR (default 172.30.95.0/31). */
  mclagSessionSubnet?: string | null | undefined;
  /** Protocol (loopback) subnet, an IPv4 CIDR (default 172.30.8.0/22). */
  protocolSubnet?: string | null | undefined;
  /** Proxy external subnet, an IPv4 CIDR (default 172.30.16.0/22). */
  proxyExternalSubnet?: string | null | undefined;
  /** Older spelling of hydrationMode NEVER, read when no hydrationMode is given. */
  requireHydration?: boolean | null | undefined;
  /** Bytes the server-facing MTU is below the fabric MTU, 0 to 65535 (default 64). */
  serverFacingMTUOffset?: number | null | undefined;
  /** ASN of the spines, an integer from 1 to 4294967295 (Float: GraphQL Int is 32-bit; default 65100). */
  spineASN?: number | null | undefined;
  /** VLANs reserved for the TH5 workaround (default 3900-3999). */
  th5WorkaroundVLANRange?: VlanRangeInput | null | undefined;
  /** VLANs reserved for VPC IRB interfaces (default 3000-3899). */
  vpcIRBVLANRange?: VlanRangeInput | null | undefined;
  /** VPC peerings are refused (default false). */
  vpcPeeringDisabled?: boolean | null | undefined;
  /** VPC workaround subnet, an IPv4 CIDR (default 172.30.96.0/19). */
  vpcWorkaroundSubnet?: string | null | undefined;
  /** VTEP subnet, an IPv4 CIDR (default 172.30.12.0/22). */
  vtepSubnet?: string | null | undefined;
};

/** An inclusive range of VLAN ids (1 to 4094). */
export type VlanRangeInput = {
  /** First VLAN id of the range. */
  from: number;
  /** Last VLAN id of the range (inclusive). */
  to: number;
};

export type DashboardFabricsQueryQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardFabricsQueryQuery = { fabrics: Array<{ id: string, name: string, status: FabricStatus, syncStatus: FabricSyncStatus, driftCount: number, gitopsDirectoryStatus: GitopsDirectoryStatus, lastSyncedAt: string | null }> };

export type DashboardFabricQueryQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardFabricQueryQuery = { fabric: { id: string, name: string, description: string, syncStatus: FabricSyncStatus, driftCount: number, driftSummary: { total: number, byStatus: { inSync: number, specDrift: number, desiredOnly: number, liveOnly: number, unknown: number }, byKind: Array<{ kind: string, counts: { inSync: number, specDrift: number, desiredOnly: number, liveOnly: number, unknown: number } }> }, clusterStatus: { state: FabricClusterState, missingKinds: Array<string> } } };

export type Dashboard_ResourceFragment = { id: string, kind: string, name: string, namespace: string, version: number, hasDraft: boolean, driftStatus: DriftStatus, conflictStatus: ConflictStatus, draft: { action: DraftAction, spec: unknown, draftedBy: string | null } | null, desired: { managedFilePath: string | null, commit: string | null } | null };

export type DashboardResourcesQueryQueryVariables = Exact<{
  fabricId: string | number;
  kind?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DashboardResourcesQueryQuery = { resources: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, kind: string, name: string, namespace: string, version: number, hasDraft: boolean, driftStatus: DriftStatus, conflictStatus: ConflictStatus, draft: { action: DraftAction, spec: unknown, draftedBy: string | null } | null, desired: { managedFilePath: string | null, commit: string | null } | null } }> } };

export type DashboardResourceQueryQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardResourceQueryQuery = { resource: { apiVersion: string, id: string, kind: string, name: string, namespace: string, version: number, hasDraft: boolean, driftStatus: DriftStatus, conflictStatus: ConflictStatus, live: { spec: unknown, observedAt: string | null } | null, drift: Array<{ path: string, desired: unknown, live: unknown }>, draft: { action: DraftAction, spec: unknown, draftedBy: string | null } | null, desired: { managedFilePath: string | null, commit: string | null } | null } };

export type DashboardOperationsQueryQueryVariables = Exact<{
  fabricId?: string | number | null | undefined;
  first?: number | null | undefined;
}>;


export type DashboardOperationsQueryQuery = { syncOperations: { totalCount: number, edges: Array<{ node: { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: SyncOperationPhase, progressDone: number, progressTotal: number, commitSha: string | null, createdAt: string } }> } };

export type DashboardOperationSubscriptionSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type DashboardOperationSubscriptionSubscription = { syncOperationUpdated: { id: string, status: SyncOperationStatus, phase: SyncOperationPhase, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, commitSha: string | null } };

export type DashboardUpdateResourceMutationMutationVariables = Exact<{
  id: string | number;
  manifest: ResourceManifestInput;
}>;


export type DashboardUpdateResourceMutationMutation = { updateResource: { id: string, kind: string, name: string, namespace: string, version: number, hasDraft: boolean, driftStatus: DriftStatus, conflictStatus: ConflictStatus, draft: { action: DraftAction, spec: unknown, draftedBy: string | null } | null, desired: { managedFilePath: string | null, commit: string | null } | null } | null };

export type OperationProgressFragment = { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: SyncOperationPhase, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, errorMessage: string | null, commitSha: string | null, pullRequestUrl: string | null, filesCreated: number, filesUpdated: number, filesDeleted: number, startedAt: string | null, completedAt: string | null };

export type OperationUpdatesSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type OperationUpdatesSubscription = { syncOperationUpdated: { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: SyncOperationPhase, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, errorMessage: string | null, commitSha: string | null, pullRequestUrl: string | null, filesCreated: number, filesUpdated: number, filesDeleted: number, startedAt: string | null, completedAt: string | null } };

export type OperationNowQueryVariables = Exact<{
  id: string | number;
}>;


export type OperationNowQuery = { syncOperation: { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: SyncOperationPhase, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, errorMessage: string | null, commitSha: string | null, pullRequestUrl: string | null, filesCreated: number, filesUpdated: number, filesDeleted: number, startedAt: string | null, completedAt: string | null } };

export type FirstFabricCreateRepositoryMutationVariables = Exact<{
  input: CreateGitRepositoryInput;
}>;


export type FirstFabricCreateRepositoryMutation = { createGitRepository: { id: string, provider: GitProvider } | null };

export type FirstFabricCreateFabricMutationVariables = Exact<{
  input: CreateFabricInput;
}>;


export type FirstFabricCreateFabricMutation = { createFabric: { id: string, name: string } | null };

export type FirstFabricInitializeMutationVariables = Exact<{
  fabricId: string | number;
}>;


export type FirstFabricInitializeMutation = { initializeGitopsDirectory: { id: string } | null };

export type FirstFabricDraftMutationVariables = Exact<{
  fabricId: string | number;
  yaml: string;
}>;


export type FirstFabricDraftMutation = { createResource: { id: string, kind: string, name: string } | null };

export type FirstFabricReviewQueryVariables = Exact<{
  fabricId: string | number;
}>;


export type FirstFabricReviewQuery = { pendingChanges: { changes: Array<{ action: PendingChangeAction, kind: string, name: string, path: string, fieldChanges: Array<{ path: string }> }>, files: { added: Array<string>, changed: Array<string>, deleted: Array<string> }, validation: { valid: boolean, errorCount: number } } };

export type FirstFabricCommitMutationVariables = Exact<{
  fabricId: string | number;
  message: string;
}>;


export type FirstFabricCommitMutation = { commitChanges: { id: string } | null };

export type ClientTestCreateRepositoryMutationVariables = Exact<{
  input: CreateGitRepositoryInput;
}>;


export type ClientTestCreateRepositoryMutation = { createGitRepository: { id: string } | null };

export type ClientTestCreateFabricMutationVariables = Exact<{
  input: CreateFabricInput;
}>;


export type ClientTestCreateFabricMutation = { createFabric: { id: string, name: string, gitopsDirectoryStatus: GitopsDirectoryStatus } | null };

export type ClientTestInitializeMutationVariables = Exact<{
  fabricId: string | number;
}>;


export type ClientTestInitializeMutation = { initializeGitopsDirectory: { id: string, status: SyncOperationStatus } | null };

export type ClientTestFabricsQueryVariables = Exact<{
  fabricId: string | number;
}>;


export type ClientTestFabricsQuery = { fabrics: Array<{ id: string, name: string }>, resources: { totalCount: number } };

export type ClientTestDraftMutationVariables = Exact<{
  fabricId: string | number;
  yaml: string;
}>;


export type ClientTestDraftMutation = { createResource: { id: string, draft: { action: DraftAction } | null } | null };

export type ClientTestResourceQueryVariables = Exact<{
  id: string | number;
}>;


export type ClientTestResourceQuery = { resource: { id: string, name: string } };

export type ClientTestOperationStatusSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ClientTestOperationStatusSubscription = { syncOperationUpdated: { id: string, status: SyncOperationStatus } };

export const Dashboard_ResourceFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Dashboard_resource"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Resource"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"hasDraft"}},{"kind":"Field","name":{"kind":"Name","value":"driftStatus"}},{"kind":"Field","name":{"kind":"Name","value":"conflictStatus"}},{"kind":"Field","name":{"kind":"Name","value":"draft"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"draftedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"desired"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"managedFilePath"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}}]}}]}}]} as unknown as DocumentNode<Dashboard_ResourceFragment, unknown>;
export const OperationProgressFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OperationProgress"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SyncOperation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operationType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"progressDone"}},{"kind":"Field","name":{"kind":"Name","value":"progressTotal"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedSecondsLeft"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitSha"}},{"kind":"Field","name":{"kind":"Name","value":"pullRequestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"filesCreated"}},{"kind":"Field","name":{"kind":"Name","value":"filesUpdated"}},{"kind":"Field","name":{"kind":"Name","value":"filesDeleted"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<OperationProgressFragment, unknown>;
export const DashboardFabricsQueryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardFabricsQuery"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fabrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"syncStatus"}},{"kind":"Field","name":{"kind":"Name","value":"driftCount"}},{"kind":"Field","name":{"kind":"Name","value":"gitopsDirectoryStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncedAt"}}]}}]}}]} as unknown as DocumentNode<DashboardFabricsQueryQuery, DashboardFabricsQueryQueryVariables>;
export const DashboardFabricQueryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardFabricQuery"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fabric"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"syncStatus"}},{"kind":"Field","name":{"kind":"Name","value":"driftCount"}},{"kind":"Field","name":{"kind":"Name","value":"driftSummary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"byStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inSync"}},{"kind":"Field","name":{"kind":"Name","value":"specDrift"}},{"kind":"Field","name":{"kind":"Name","value":"desiredOnly"}},{"kind":"Field","name":{"kind":"Name","value":"liveOnly"}},{"kind":"Field","name":{"kind":"Name","value":"unknown"}}]}},{"kind":"Field","name":{"kind":"Name","value":"byKind"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inSync"}},{"kind":"Field","name":{"kind":"Name","value":"specDrift"}},{"kind":"Field","name":{"kind":"Name","value":"desiredOnly"}},{"kind":"Field","name":{"kind":"Name","value":"liveOnly"}},{"kind":"Field","name":{"kind":"Name","value":"unknown"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"clusterStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"missingKinds"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardFabricQueryQuery, DashboardFabricQueryQueryVariables>;
export const DashboardResourcesQueryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardResourcesQuery"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resources"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"Dashboard_resource"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Dashboard_resource"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Resource"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"hasDraft"}},{"kind":"Field","name":{"kind":"Name","value":"driftStatus"}},{"kind":"Field","name":{"kind":"Name","value":"conflictStatus"}},{"kind":"Field","name":{"kind":"Name","value":"draft"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"draftedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"desired"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"managedFilePath"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}}]}}]}}]} as unknown as DocumentNode<DashboardResourcesQueryQuery, DashboardResourcesQueryQueryVariables>;
export const DashboardResourceQueryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardResourceQuery"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resource"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"Dashboard_resource"}},{"kind":"Field","name":{"kind":"Name","value":"apiVersion"}},{"kind":"Field","name":{"kind":"Name","value":"live"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"observedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"drift"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"desired"}},{"kind":"Field","name":{"kind":"Name","value":"live"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Dashboard_resource"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Resource"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"hasDraft"}},{"kind":"Field","name":{"kind":"Name","value":"driftStatus"}},{"kind":"Field","name":{"kind":"Name","value":"conflictStatus"}},{"kind":"Field","name":{"kind":"Name","value":"draft"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"draftedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"desired"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"managedFilePath"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}}]}}]}}]} as unknown as DocumentNode<DashboardResourceQueryQuery, DashboardResourceQueryQueryVariables>;
export const DashboardOperationsQueryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardOperationsQuery"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncOperations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operationType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"progressDone"}},{"kind":"Field","name":{"kind":"Name","value":"progressTotal"}},{"kind":"Field","name":{"kind":"Name","value":"commitSha"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardOperationsQueryQuery, DashboardOperationsQueryQueryVariables>;
export const DashboardOperationSubscriptionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardOperationSubscription"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncOperationUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"progressDone"}},{"kind":"Field","name":{"kind":"Name","value":"progressTotal"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedSecondsLeft"}},{"kind":"Field","name":{"kind":"Name","value":"commitSha"}}]}}]}}]} as unknown as DocumentNode<DashboardOperationSubscriptionSubscription, DashboardOperationSubscriptionSubscriptionVariables>;
export const DashboardUpdateResourceMutationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardUpdateResourceMutation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"manifest"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ResourceManifestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateResource"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"manifest"},"value":{"kind":"Variable","name":{"kind":"Name","value":"manifest"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"Dashboard_resource"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Dashboard_resource"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Resource"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"hasDraft"}},{"kind":"Field","name":{"kind":"Name","value":"driftStatus"}},{"kind":"Field","name":{"kind":"Name","value":"conflictStatus"}},{"kind":"Field","name":{"kind":"Name","value":"draft"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"draftedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"desired"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"managedFilePath"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}}]}}]}}]} as unknown as DocumentNode<DashboardUpdateResourceMutationMutation, DashboardUpdateResourceMutationMutationVariables>;
export const OperationUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"OperationUpdates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncOperationUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"OperationProgress"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OperationProgress"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SyncOperation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operationType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"progressDone"}},{"kind":"Field","name":{"kind":"Name","value":"progressTotal"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedSecondsLeft"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitSha"}},{"kind":"Field","name":{"kind":"Name","value":"pullRequestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"filesCreated"}},{"kind":"Field","name":{"kind":"Name","value":"filesUpdated"}},{"kind":"Field","name":{"kind":"Name","value":"filesDeleted"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<OperationUpdatesSubscription, OperationUpdatesSubscriptionVariables>;
export const OperationNowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OperationNow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncOperation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"OperationProgress"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OperationProgress"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SyncOperation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operationType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"progressDone"}},{"kind":"Field","name":{"kind":"Name","value":"progressTotal"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedSecondsLeft"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitSha"}},{"kind":"Field","name":{"kind":"Name","value":"pullRequestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"filesCreated"}},{"kind":"Field","name":{"kind":"Name","value":"filesUpdated"}},{"kind":"Field","name":{"kind":"Name","value":"filesDeleted"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]} as unknown as DocumentNode<OperationNowQuery, OperationNowQueryVariables>;
export const FirstFabricCreateRepositoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FirstFabricCreateRepository"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateGitRepositoryInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createGitRepository"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}}]}}]}}]} as unknown as DocumentNode<FirstFabricCreateRepositoryMutation, FirstFabricCreateRepositoryMutationVariables>;
export const FirstFabricCreateFabricDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FirstFabricCreateFabric"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateFabricInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createFabric"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<FirstFabricCreateFabricMutation, FirstFabricCreateFabricMutationVariables>;
export const FirstFabricInitializeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FirstFabricInitialize"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"initializeGitopsDirectory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<FirstFabricInitializeMutation, FirstFabricInitializeMutationVariables>;
export const FirstFabricDraftDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FirstFabricDraft"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"yaml"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createResource"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}},{"kind":"Argument","name":{"kind":"Name","value":"manifest"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"yaml"},"value":{"kind":"Variable","name":{"kind":"Name","value":"yaml"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<FirstFabricDraftMutation, FirstFabricDraftMutationVariables>;
export const FirstFabricReviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FirstFabricReview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pendingChanges"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"fieldChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"files"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"added"}},{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"validation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"valid"}},{"kind":"Field","name":{"kind":"Name","value":"errorCount"}}]}}]}}]}}]} as unknown as DocumentNode<FirstFabricReviewQuery, FirstFabricReviewQueryVariables>;
export const FirstFabricCommitDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FirstFabricCommit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"message"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commitChanges"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}},{"kind":"Argument","name":{"kind":"Name","value":"message"},"value":{"kind":"Variable","name":{"kind":"Name","value":"message"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<FirstFabricCommitMutation, FirstFabricCommitMutationVariables>;
export const ClientTestCreateRepositoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientTestCreateRepository"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateGitRepositoryInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createGitRepository"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ClientTestCreateRepositoryMutation, ClientTestCreateRepositoryMutationVariables>;
export const ClientTestCreateFabricDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientTestCreateFabric"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateFabricInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createFabric"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"gitopsDirectoryStatus"}}]}}]}}]} as unknown as DocumentNode<ClientTestCreateFabricMutation, ClientTestCreateFabricMutationVariables>;
export const ClientTestInitializeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientTestInitialize"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"initializeGitopsDirectory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ClientTestInitializeMutation, ClientTestInitializeMutationVariables>;
export const ClientTestFabricsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClientTestFabrics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fabrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<ClientTestFabricsQuery, ClientTestFabricsQueryVariables>;
export const ClientTestDraftDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientTestDraft"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"yaml"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createResource"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fabricId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fabricId"}}},{"kind":"Argument","name":{"kind":"Name","value":"manifest"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"yaml"},"value":{"kind":"Variable","name":{"kind":"Name","value":"yaml"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"draft"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}}]}}]}}]}}]} as unknown as DocumentNode<ClientTestDraftMutation, ClientTestDraftMutationVariables>;
export const ClientTestResourceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClientTestResource"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resource"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ClientTestResourceQuery, ClientTestResourceQueryVariables>;
export const ClientTestOperationStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ClientTestOperationStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncOperationUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ClientTestOperationStatusSubscription, ClientTestOperationStatusSubscriptionVariables>;