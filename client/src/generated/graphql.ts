/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ConflictStatus =
  | 'DETECTED'
  | 'NONE'
  | 'RESOLVED'
  | 'RESOLVING';

export type CreateFabricInput = {
  autoCommitEnabled?: boolean | null | undefined;
  autoCommitQuietSeconds?: number | null | undefined;
  description?: string | null | undefined;
  /** null detaches the fabric from its repository. */
  gitRepositoryId?: string | number | null | undefined;
  /** Folder inside the repository, e.g. "fabrics/dc1". */
  gitopsDirectory?: string | null | undefined;
  /** null removes the cluster connection. */
  kubernetes?: KubernetesConnectionInput | null | undefined;
  name: string;
  pullIntervalSeconds?: number | null | undefined;
  status?: FabricStatus | null | undefined;
  validationSettings?: unknown;
};

export type CreateGitRepositoryInput = {
  authType?: GitAuthType | null | undefined;
  commitAuthorEmail?: string | null | undefined;
  commitAuthorName?: string | null | undefined;
  /** Write-only; null clears them. */
  credentials?: GitCredentialsInput | null | undefined;
  defaultBranch?: string | null | undefined;
  directPushEnabled?: boolean | null | undefined;
  name: string;
  provider?: GitProvider | null | undefined;
  pushBranch?: string | null | undefined;
  url: string;
  /** Write-only; null clears it. */
  webhookSecret?: string | null | undefined;
};

export type DraftAction =
  | 'DELETE'
  | 'UPSERT';

export type DriftStatus =
  | 'DESIRED_ONLY'
  | 'IN_SYNC'
  | 'LIVE_ONLY'
  | 'SPEC_DRIFT'
  | 'UNKNOWN';

/** NOT_CONFIGURED (no cluster connection), CONNECTING, WATCHING, ERROR (see error), STOPPED. */
export type FabricClusterState =
  | 'CONNECTING'
  | 'ERROR'
  | 'NOT_CONFIGURED'
  | 'STOPPED'
  | 'WATCHING';

export type FabricStatus =
  | 'ACTIVE'
  | 'DECOMMISSIONED'
  | 'MAINTENANCE'
  | 'PLANNED';

export type FabricSyncStatus =
  | 'ERROR'
  | 'IN_SYNC'
  | 'NEVER_SYNCED'
  | 'OUT_OF_SYNC'
  | 'SYNCING';

export type GitAuthType =
  | 'BASIC'
  | 'NONE'
  | 'SSH_KEY'
  | 'TOKEN';

/** Write-only. A token (GitHub or https), a username and password, or an SSH private key. */
export type GitCredentialsInput = {
  password?: string | null | undefined;
  sshPrivateKey?: string | null | undefined;
  token?: string | null | undefined;
  username?: string | null | undefined;
};

export type GitProvider =
  | 'GIT'
  | 'GITHUB';

export type GitopsDirectoryStatus =
  | 'ERROR'
  | 'INITIALIZED'
  | 'INITIALIZING'
  | 'INVALID_STRUCTURE'
  | 'NOT_INITIALIZED';

/** Write-only. Either a kubeconfig, or a server with a bearer token and CA certificate (PEM, base64). */
export type KubernetesConnectionInput = {
  caData?: string | null | undefined;
  kubeconfig?: string | null | undefined;
  namespaces?: Array<string> | null | undefined;
  server?: string | null | undefined;
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
  yaml?: string | null | undefined;
};

export type SyncOperationStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'PENDING';

export type SyncOperationType =
  | 'BIDIRECTIONAL'
  | 'CLUSTER_REFRESH'
  | 'CONFLICT_RESOLUTION'
  | 'DIRECTORY_INIT'
  | 'INGESTION'
  | 'PULL'
  | 'PUSH';

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


export type DashboardOperationsQueryQuery = { syncOperations: { totalCount: number, edges: Array<{ node: { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: string, progressDone: number, progressTotal: number, commitSha: string | null, createdAt: string } }> } };

export type DashboardOperationSubscriptionSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type DashboardOperationSubscriptionSubscription = { syncOperationUpdated: { id: string, status: SyncOperationStatus, phase: string, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, commitSha: string | null } };

export type DashboardUpdateResourceMutationMutationVariables = Exact<{
  id: string | number;
  manifest: ResourceManifestInput;
}>;


export type DashboardUpdateResourceMutationMutation = { updateResource: { id: string, kind: string, name: string, namespace: string, version: number, hasDraft: boolean, driftStatus: DriftStatus, conflictStatus: ConflictStatus, draft: { action: DraftAction, spec: unknown, draftedBy: string | null } | null, desired: { managedFilePath: string | null, commit: string | null } | null } | null };

export type OperationProgressFragment = { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: string, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, errorMessage: string | null, commitSha: string | null, pullRequestUrl: string | null, filesCreated: number, filesUpdated: number, filesDeleted: number, startedAt: string | null, completedAt: string | null };

export type OperationUpdatesSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type OperationUpdatesSubscription = { syncOperationUpdated: { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: string, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, errorMessage: string | null, commitSha: string | null, pullRequestUrl: string | null, filesCreated: number, filesUpdated: number, filesDeleted: number, startedAt: string | null, completedAt: string | null } };

export type OperationNowQueryVariables = Exact<{
  id: string | number;
}>;


export type OperationNowQuery = { syncOperation: { id: string, operationType: SyncOperationType, status: SyncOperationStatus, phase: string, progressDone: number, progressTotal: number, estimatedSecondsLeft: number | null, errorMessage: string | null, commitSha: string | null, pullRequestUrl: string | null, filesCreated: number, filesUpdated: number, filesDeleted: number, startedAt: string | null, completedAt: string | null } };

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