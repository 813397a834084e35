/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query DashboardFabricsQuery {\n  fabrics {\n    id\n    name\n    status\n    syncStatus\n    driftCount\n    gitopsDirectoryStatus\n    lastSyncedAt\n  }\n}\n\nquery DashboardFabricQuery($id: ID!) {\n  fabric(id: $id) {\n    id\n    name\n    description\n    syncStatus\n    driftCount\n    driftSummary {\n      total\n      byStatus {\n        inSync\n        specDrift\n        desiredOnly\n        liveOnly\n        unknown\n      }\n      byKind {\n        kind\n        counts {\n          inSync\n          specDrift\n          desiredOnly\n          liveOnly\n          unknown\n        }\n      }\n    }\n    clusterStatus {\n      state\n      missingKinds\n    }\n  }\n}\n\nfragment Dashboard_resource on Resource {\n  id\n  kind\n  name\n  namespace\n  version\n  hasDraft\n  driftStatus\n  conflictStatus\n  draft {\n    action\n    spec\n    draftedBy\n  }\n  desired {\n    managedFilePath\n    commit\n  }\n}\n\nquery DashboardResourcesQuery($fabricId: ID!, $kind: String, $first: Int, $after: String) {\n  resources(fabricId: $fabricId, kind: $kind, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...Dashboard_resource\n      }\n    }\n  }\n}\n\nquery DashboardResourceQuery($id: ID!) {\n  resource(id: $id) {\n    ...Dashboard_resource\n    apiVersion\n    live {\n      spec\n      observedAt\n    }\n    drift {\n      path\n      desired\n      live\n    }\n  }\n}\n\nquery DashboardOperationsQuery($fabricId: ID, $first: Int) {\n  syncOperations(fabricId: $fabricId, first: $first) {\n    totalCount\n    edges {\n      node {\n        id\n        operationType\n        status\n        phase\n        progressDone\n        progressTotal\n        commitSha\n        createdAt\n      }\n    }\n  }\n}\n\nsubscription DashboardOperationSubscription($id: ID!) {\n  syncOperationUpdated(id: $id) {\n    id\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    commitSha\n  }\n}\n\nmutation DashboardUpdateResourceMutation($id: ID!, $manifest: ResourceManifestInput!) {\n  updateResource(id: $id, manifest: $manifest) {\n    ...Dashboard_resource\n  }\n}": typeof types.DashboardFabricsQueryDocument,
    "\n  fragment OperationProgress on SyncOperation {\n    id\n    operationType\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    errorMessage\n    commitSha\n    pullRequestUrl\n    filesCreated\n    filesUpdated\n    filesDeleted\n    startedAt\n    completedAt\n  }\n": typeof types.OperationProgressFragmentDoc,
    "\n  subscription OperationUpdates($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      ...OperationProgress\n    }\n  }\n": typeof types.OperationUpdatesDocument,
    "\n  query OperationNow($id: ID!) {\n    syncOperation(id: $id) {\n      ...OperationProgress\n    }\n  }\n": typeof types.OperationNowDocument,
    "\n  mutation FirstFabricCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n      provider\n    }\n  }\n": typeof types.FirstFabricCreateRepositoryDocument,
    "\n  mutation FirstFabricCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.FirstFabricCreateFabricDocument,
    "\n  mutation FirstFabricInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n    }\n  }\n": typeof types.FirstFabricInitializeDocument,
    "\n  mutation FirstFabricDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      kind\n      name\n    }\n  }\n": typeof types.FirstFabricDraftDocument,
    "\n  query FirstFabricReview($fabricId: ID!) {\n    pendingChanges(fabricId: $fabricId) {\n      changes {\n        action\n        kind\n        name\n        path\n        fieldChanges {\n          path\n        }\n      }\n      files {\n        added\n        changed\n        deleted\n      }\n      validation {\n        valid\n        errorCount\n      }\n    }\n  }\n": typeof types.FirstFabricReviewDocument,
    "\n  mutation FirstFabricCommit($fabricId: ID!, $message: String!) {\n    commitChanges(fabricId: $fabricId, message: $message) {\n      id\n    }\n  }\n": typeof types.FirstFabricCommitDocument,
    "\n  mutation ClientTestCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n    }\n  }\n": typeof types.ClientTestCreateRepositoryDocument,
    "\n  mutation ClientTestCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n      gitopsDirectoryStatus\n    }\n  }\n": typeof types.ClientTestCreateFabricDocument,
    "\n  mutation ClientTestInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n      status\n    }\n  }\n": typeof types.ClientTestInitializeDocument,
    "\n  query ClientTestFabrics($fabricId: ID!) {\n    fabrics {\n      id\n      name\n    }\n    resources(fabricId: $fabricId, first: 10) {\n      totalCount\n    }\n  }\n": typeof types.ClientTestFabricsDocument,
    "\n  mutation ClientTestDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      draft {\n        action\n      }\n    }\n  }\n": typeof types.ClientTestDraftDocument,
    "\n  query ClientTestResource($id: ID!) {\n    resource(id: $id) {\n      id\n      name\n    }\n  }\n": typeof types.ClientTestResourceDocument,
    "\n  subscription ClientTestOperationStatus($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.ClientTestOperationStatusDocument,
};
const documents: Documents = {
    "query DashboardFabricsQuery {\n  fabrics {\n    id\n    name\n    status\n    syncStatus\n    driftCount\n    gitopsDirectoryStatus\n    lastSyncedAt\n  }\n}\n\nquery DashboardFabricQuery($id: ID!) {\n  fabric(id: $id) {\n    id\n    name\n    description\n    syncStatus\n    driftCount\n    driftSummary {\n      total\n      byStatus {\n        inSync\n        specDrift\n        desiredOnly\n        liveOnly\n        unknown\n      }\n      byKind {\n        kind\n        counts {\n          inSync\n          specDrift\n          desiredOnly\n          liveOnly\n          unknown\n        }\n      }\n    }\n    clusterStatus {\n      state\n      missingKinds\n    }\n  }\n}\n\nfragment Dashboard_resource on Resource {\n  id\n  kind\n  name\n  namespace\n  version\n  hasDraft\n  driftStatus\n  conflictStatus\n  draft {\n    action\n    spec\n    draftedBy\n  }\n  desired {\n    managedFilePath\n    commit\n  }\n}\n\nquery DashboardResourcesQuery($fabricId: ID!, $kind: String, $first: Int, $after: String) {\n  resources(fabricId: $fabricId, kind: $kind, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...Dashboard_resource\n      }\n    }\n  }\n}\n\nquery DashboardResourceQuery($id: ID!) {\n  resource(id: $id) {\n    ...Dashboard_resource\n    apiVersion\n    live {\n      spec\n      observedAt\n    }\n    drift {\n      path\n      desired\n      live\n    }\n  }\n}\n\nquery DashboardOperationsQuery($fabricId: ID, $first: Int) {\n  syncOperations(fabricId: $fabricId, first: $first) {\n    totalCount\n    edges {\n      node {\n        id\n        operationType\n        status\n        phase\n        progressDone\n        progressTotal\n        commitSha\n        createdAt\n      }\n    }\n  }\n}\n\nsubscription DashboardOperationSubscription($id: ID!) {\n  syncOperationUpdated(id: $id) {\n    id\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    commitSha\n  }\n}\n\nmutation DashboardUpdateResourceMutation($id: ID!, $manifest: ResourceManifestInput!) {\n  updateResource(id: $id, manifest: $manifest) {\n    ...Dashboard_resource\n  }\n}": types.DashboardFabricsQueryDocument,
    "\n  fragment OperationProgress on SyncOperation {\n    id\n    operationType\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    errorMessage\n    commitSha\n    pullRequestUrl\n    filesCreated\n    filesUpdated\n    filesDeleted\n    startedAt\n    completedAt\n  }\n": types.OperationProgressFragmentDoc,
    "\n  subscription OperationUpdates($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      ...OperationProgress\n    }\n  }\n": types.OperationUpdatesDocument,
    "\n  query OperationNow($id: ID!) {\n    syncOperation(id: $id) {\n      ...OperationProgress\n    }\n  }\n": types.OperationNowDocument,
    "\n  mutation FirstFabricCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n      provider\n    }\n  }\n": types.FirstFabricCreateRepositoryDocument,
    "\n  mutation FirstFabricCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n    }\n  }\n": types.FirstFabricCreateFabricDocument,
    "\n  mutation FirstFabricInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n    }\n  }\n": types.FirstFabricInitializeDocument,
    "\n  mutation FirstFabricDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      kind\n      name\n    }\n  }\n": types.FirstFabricDraftDocument,
    "\n  query FirstFabricReview($fabricId: ID!) {\n    pendingChanges(fabricId: $fabricId) {\n      changes {\n        action\n        kind\n        name\n        path\n        fieldChanges {\n          path\n        }\n      }\n      files {\n        added\n        changed\n        deleted\n      }\n      validation {\n        valid\n        errorCount\n      }\n    }\n  }\n": types.FirstFabricReviewDocument,
    "\n  mutation FirstFabricCommit($fabricId: ID!, $message: String!) {\n    commitChanges(fabricId: $fabricId, message: $message) {\n      id\n    }\n  }\n": types.FirstFabricCommitDocument,
    "\n  mutation ClientTestCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n    }\n  }\n": types.ClientTestCreateRepositoryDocument,
    "\n  mutation ClientTestCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n      gitopsDirectoryStatus\n    }\n  }\n": types.ClientTestCreateFabricDocument,
    "\n  mutation ClientTestInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n      status\n    }\n  }\n": types.ClientTestInitializeDocument,
    "\n  query ClientTestFabrics($fabricId: ID!) {\n    fabrics {\n      id\n      name\n    }\n    resources(fabricId: $fabricId, first: 10) {\n      totalCount\n    }\n  }\n": types.ClientTestFabricsDocument,
    "\n  mutation ClientTestDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      draft {\n        action\n      }\n    }\n  }\n": types.ClientTestDraftDocument,
    "\n  query ClientTestResource($id: ID!) {\n    resource(id: $id) {\n      id\n      name\n    }\n  }\n": types.ClientTestResourceDocument,
    "\n  subscription ClientTestOperationStatus($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      id\n      status\n    }\n  }\n": types.ClientTestOperationStatusDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardFabricsQuery {\n  fabrics {\n    id\n    name\n    status\n    syncStatus\n    driftCount\n    gitopsDirectoryStatus\n    lastSyncedAt\n  }\n}\n\nquery DashboardFabricQuery($id: ID!) {\n  fabric(id: $id) {\n    id\n    name\n    description\n    syncStatus\n    driftCount\n    driftSummary {\n      total\n      byStatus {\n        inSync\n        specDrift\n        desiredOnly\n        liveOnly\n        unknown\n      }\n      byKind {\n        kind\n        counts {\n          inSync\n          specDrift\n          desiredOnly\n          liveOnly\n          unknown\n        }\n      }\n    }\n    clusterStatus {\n      state\n      missingKinds\n    }\n  }\n}\n\nfragment Dashboard_resource on Resource {\n  id\n  kind\n  name\n  namespace\n  version\n  hasDraft\n  driftStatus\n  conflictStatus\n  draft {\n    action\n    spec\n    draftedBy\n  }\n  desired {\n    managedFilePath\n    commit\n  }\n}\n\nquery DashboardResourcesQuery($fabricId: ID!, $kind: String, $first: Int, $after: String) {\n  resources(fabricId: $fabricId, kind: $kind, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...Dashboard_resource\n      }\n    }\n  }\n}\n\nquery DashboardResourceQuery($id: ID!) {\n  resource(id: $id) {\n    ...Dashboard_resource\n    apiVersion\n    live {\n      spec\n      observedAt\n    }\n    drift {\n      path\n      desired\n      live\n    }\n  }\n}\n\nquery DashboardOperationsQuery($fabricId: ID, $first: Int) {\n  syncOperations(fabricId: $fabricId, first: $first) {\n    totalCount\n    edges {\n      node {\n        id\n        operationType\n        status\n        phase\n        progressDone\n        progressTotal\n        commitSha\n        createdAt\n      }\n    }\n  }\n}\n\nsubscription DashboardOperationSubscription($id: ID!) {\n  syncOperationUpdated(id: $id) {\n    id\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    commitSha\n  }\n}\n\nmutation DashboardUpdateResourceMutation($id: ID!, $manifest: ResourceManifestInput!) {\n  updateResource(id: $id, manifest: $manifest) {\n    ...Dashboard_resource\n  }\n}"): (typeof documents)["query DashboardFabricsQuery {\n  fabrics {\n    id\n    name\n    status\n    syncStatus\n    driftCount\n    gitopsDirectoryStatus\n    lastSyncedAt\n  }\n}\n\nquery DashboardFabricQuery($id: ID!) {\n  fabric(id: $id) {\n    id\n    name\n    description\n    syncStatus\n    driftCount\n    driftSummary {\n      total\n      byStatus {\n        inSync\n        specDrift\n        desiredOnly\n        liveOnly\n        unknown\n      }\n      byKind {\n        kind\n        counts {\n          inSync\n          specDrift\n          desiredOnly\n          liveOnly\n          unknown\n        }\n      }\n    }\n    clusterStatus {\n      state\n      missingKinds\n    }\n  }\n}\n\nfragment Dashboard_resource on Resource {\n  id\n  kind\n  name\n  namespace\n  version\n  hasDraft\n  driftStatus\n  conflictStatus\n  draft {\n    action\n    spec\n    draftedBy\n  }\n  desired {\n    managedFilePath\n    commit\n  }\n}\n\nquery DashboardResourcesQuery($fabricId: ID!, $kind: String, $first: Int, $after: String) {\n  resources(fabricId: $fabricId, kind: $kind, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...Dashboard_resource\n      }\n    }\n  }\n}\n\nquery DashboardResourceQuery($id: ID!) {\n  resource(id: $id) {\n    ...Dashboard_resource\n    apiVersion\n    live {\n      spec\n      observedAt\n    }\n    drift {\n      path\n      desired\n      live\n    }\n  }\n}\n\nquery DashboardOperationsQuery($fabricId: ID, $first: Int) {\n  syncOperations(fabricId: $fabricId, first: $first) {\n    totalCount\n    edges {\n      node {\n        id\n        operationType\n        status\n        phase\n        progressDone\n        progressTotal\n        commitSha\n        createdAt\n      }\n    }\n  }\n}\n\nsubscription DashboardOperationSubscription($id: ID!) {\n  syncOperationUpdated(id: $id) {\n    id\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    commitSha\n  }\n}\n\nmutation DashboardUpdateResourceMutation($id: ID!, $manifest: ResourceManifestInput!) {\n  updateResource(id: $id, manifest: $manifest) {\n    ...Dashboard_resource\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OperationProgress on SyncOperation {\n    id\n    operationType\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    errorMessage\n    commitSha\n    pullRequestUrl\n    filesCreated\n    filesUpdated\n    filesDeleted\n    startedAt\n    completedAt\n  }\n"): (typeof documents)["\n  fragment OperationProgress on SyncOperation {\n    id\n    operationType\n    status\n    phase\n    progressDone\n    progressTotal\n    estimatedSecondsLeft\n    errorMessage\n    commitSha\n    pullRequestUrl\n    filesCreated\n    filesUpdated\n    filesDeleted\n    startedAt\n    completedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OperationUpdates($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      ...OperationProgress\n    }\n  }\n"): (typeof documents)["\n  subscription OperationUpdates($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      ...OperationProgress\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperationNow($id: ID!) {\n    syncOperation(id: $id) {\n      ...OperationProgress\n    }\n  }\n"): (typeof documents)["\n  query OperationNow($id: ID!) {\n    syncOperation(id: $id) {\n      ...OperationProgress\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FirstFabricCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n      provider\n    }\n  }\n"): (typeof documents)["\n  mutation FirstFabricCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n      provider\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FirstFabricCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation FirstFabricCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FirstFabricInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation FirstFabricInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FirstFabricDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      kind\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation FirstFabricDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      kind\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FirstFabricReview($fabricId: ID!) {\n    pendingChanges(fabricId: $fabricId) {\n      changes {\n        action\n        kind\n        name\n        path\n        fieldChanges {\n          path\n        }\n      }\n      files {\n        added\n        changed\n        deleted\n      }\n      validation {\n        valid\n        errorCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query FirstFabricReview($fabricId: ID!) {\n    pendingChanges(fabricId: $fabricId) {\n      changes {\n        action\n        kind\n        name\n        path\n        fieldChanges {\n          path\n        }\n      }\n      files {\n        added\n        changed\n        deleted\n      }\n      validation {\n        valid\n        errorCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FirstFabricCommit($fabricId: ID!, $message: String!) {\n    commitChanges(fabricId: $fabricId, message: $message) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation FirstFabricCommit($fabricId: ID!, $message: String!) {\n    commitChanges(fabricId: $fabricId, message: $message) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientTestCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ClientTestCreateRepository($input: CreateGitRepositoryInput!) {\n    createGitRepository(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientTestCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n      gitopsDirectoryStatus\n    }\n  }\n"): (typeof documents)["\n  mutation ClientTestCreateFabric($input: CreateFabricInput!) {\n    createFabric(input: $input) {\n      id\n      name\n      gitopsDirectoryStatus\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientTestInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ClientTestInitialize($fabricId: ID!) {\n    initializeGitopsDirectory(fabricId: $fabricId) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientTestFabrics($fabricId: ID!) {\n    fabrics {\n      id\n      name\n    }\n    resources(fabricId: $fabricId, first: 10) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query ClientTestFabrics($fabricId: ID!) {\n    fabrics {\n      id\n      name\n    }\n    resources(fabricId: $fabricId, first: 10) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientTestDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      draft {\n        action\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ClientTestDraft($fabricId: ID!, $yaml: String!) {\n    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {\n      id\n      draft {\n        action\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientTestResource($id: ID!) {\n    resource(id: $id) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query ClientTestResource($id: ID!) {\n    resource(id: $id) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientTestOperationStatus($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  subscription ClientTestOperationStatus($id: ID!) {\n    syncOperationUpdated(id: $id) {\n      id\n      status\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;