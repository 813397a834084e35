import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { GitRepositorySchema } from './git-repository.entity.ts';

export const FABRIC_STATUSES = ['planned', 'active', 'maintenance', 'decommissioned'] as const;
export const GITOPS_DIRECTORY_STATUSES = [
  'not_initialized',
  'initializing',
  'initialized',
  'error',
  'invalid_structure',
] as const;
export const FABRIC_SYNC_STATUSES = ['never_synced', 'in_sync', 'out_of_sync', 'syncing', 'error'] as const;

export const FabricSchema = defineEntity({
  name: 'Fabric',
  tableName: 'fabric',
  uniques: [{ properties: ['gitRepository', 'gitopsDirectory'], name: 'fabric_repository_directory_unique' }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    name: p.string().length(255).unique(),
    description: p.text().default(''),
    status: p.enum(FABRIC_STATUSES).default('planned'),
    // A repository in use cannot be deleted: the foreign key restricts, the service explains.
    gitRepository: () => p.manyToOne(GitRepositorySchema).nullable().deleteRule('restrict').ref(),
    gitopsDirectory: p.string().length(1024).default('fabric'),
    gitopsDirectoryStatus: p.enum(GITOPS_DIRECTORY_STATUSES).default('not_initialized'),
    directoryInitError: p.text().nullable(),
    lastDirectorySync: p.datetime().nullable(),
    lastPulledCommit: p.string().length(64).nullable(),
    syncStatus: p.enum(FABRIC_SYNC_STATUSES).default('never_synced'),
    lastSyncedAt: p.datetime().nullable(),
    /** Kubernetes API server URL; the credentials that go with it are sealed below. */
    kubernetesServer: p.text().nullable(),
    /** Sealed JSON: `{ kubeconfig }` or `{ token, caData }`. */
    encryptedKubernetesCredentials: p.text().nullable().lazy(),
    hasKubernetesCredentials: p
      .formula<boolean>((columns) => `${columns.encryptedKubernetesCredentials} is not null`)
      .type('boolean')
      .persist(false),
    /** Namespaces to watch; empty = all namespaces. */
    kubernetesNamespaces: p
      .json<string[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    /** Roll-up by drift status, kept current by the cluster watchers. */
    driftCounts: p
      .json<Record<string, number>>()
      .defaultRaw(`'{}'`)
      .onCreate(() => ({})),
    driftCount: p.integer().default(0),
    pullIntervalSeconds: p.integer().default(60),
    autoCommitEnabled: p.boolean().default(false),
    autoCommitQuietSeconds: p.integer().default(30),
    /** A change not applied, or not converged, this long after it landed (or applied) is STALLED. */
    changeStallSeconds: p.integer().default(600),
    /** Per-fabric overrides of the validation settings (reserved subnets, hydration, ...). */
    validationSettings: p
      .json<Record<string, unknown>>()
      .defaultRaw(`'{}'`)
      .onCreate(() => ({})),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type Fabric = InferEntity<typeof FabricSchema>;
