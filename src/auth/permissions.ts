import type { Role } from './api-token.entity.ts';

/**
 * Who may call what: the one place roles are decided. Queries and subscriptions need `viewer`;
 * every mutation is listed with its role, and a mutation missing from the list needs `admin` (a
 * test fails until it is listed, so a new mutation is always a decision).
 *
 * viewer: read everything, subscribe. operator: plus drafts, sync, conflicts, cluster refresh.
 * admin: plus repositories, fabrics, credentials and tokens.
 */
export const MUTATION_ROLES: Readonly<Record<string, Role>> = {
  createResource: 'operator',
  updateResource: 'operator',
  deleteResource: 'operator',
  discardResourceDraft: 'operator',
  revertResource: 'operator',
  adoptLiveResources: 'operator',
  initializeGitopsDirectory: 'operator',
  validateGitopsDirectory: 'operator',
  ingestRaw: 'operator',
  syncFabric: 'operator',
  commitChanges: 'operator',
  resolveConflict: 'operator',
  cancelSyncOperation: 'operator',
  refreshCluster: 'operator',
  testClusterConnection: 'operator',
  createGitRepository: 'admin',
  updateGitRepository: 'admin',
  deleteGitRepository: 'admin',
  testGitRepository: 'admin',
  createFabric: 'admin',
  updateFabric: 'admin',
  deleteFabric: 'admin',
  createApiToken: 'admin',
  revokeApiToken: 'admin',
};

export function requiredRole(operation: 'query' | 'mutation' | 'subscription', field: string): Role {
  if (field.startsWith('__')) return 'viewer';
  if (operation === 'mutation') return MUTATION_ROLES[field] ?? 'admin';
  return ADMIN_ONLY_READS.has(field) ? 'admin' : 'viewer';
}

/** Reads that show who may do what are for admins only. */
const ADMIN_ONLY_READS = new Set(['apiTokens']);

/**
 * How a root field names the fabric it touches, for tokens limited to some fabrics. `global`
 * fields span fabrics: a limited token may use only those listed in LIMITED_TOKEN_GLOBAL_FIELDS
 * (whose results are filtered to its fabrics) and is refused the others.
 */
export type FabricScope =
  | { via: 'fabricId'; arg: string }
  | { via: 'fabricName'; arg: string }
  | { via: 'resourceId'; arg: string }
  | { via: 'operationId'; arg: string }
  | { via: 'changeId'; arg: string }
  | { via: 'global' };

export function fabricScopeOf(field: string, args: Record<string, unknown>): FabricScope[] {
  const scopes: FabricScope[] = [];
  const has = (name: string) => args[name] !== undefined && args[name] !== null;
  if (has('fabricId')) scopes.push({ via: 'fabricId', arg: 'fabricId' });
  if (FABRIC_ID_FIELDS.has(field) && has('id')) scopes.push({ via: 'fabricId', arg: 'id' });
  if (field === 'fabric' && has('name')) scopes.push({ via: 'fabricName', arg: 'name' });
  if (RESOURCE_ID_FIELDS.has(field)) scopes.push({ via: 'resourceId', arg: has('resourceId') ? 'resourceId' : 'id' });
  if (OPERATION_ID_FIELDS.has(field) && has('id')) scopes.push({ via: 'operationId', arg: 'id' });
  if (CHANGE_ID_FIELDS.has(field)) scopes.push({ via: 'changeId', arg: 'id' });
  return scopes.length > 0 ? scopes : [{ via: 'global' }];
}

const FABRIC_ID_FIELDS = new Set(['fabric', 'updateFabric', 'deleteFabric']);
const RESOURCE_ID_FIELDS = new Set([
  'resource',
  'updateResource',
  'deleteResource',
  'discardResourceDraft',
  'revertResource',
  'resolveConflict',
]);
const OPERATION_ID_FIELDS = new Set(['syncOperation', 'syncOperationUpdated', 'cancelSyncOperation']);
const CHANGE_ID_FIELDS = new Set(['change']);

/** Cross-fabric fields a fabric-limited token may still call; their results are filtered. */
export const LIMITED_TOKEN_GLOBAL_FIELDS = new Set([
  'fabrics',
  // Loaded through the owning service: outside the token's fabrics answers NOT_FOUND.
  'node',
  'nodes',
  'validateManifests',
  '__typename',
  '__schema',
  '__type',
]);
