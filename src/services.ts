import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ClusterClientFactory } from './cluster/cluster-client.ts';
import type { FabricWatchers } from './cluster/fabric-watchers.ts';
import type { GatewayAddress } from './cluster/cluster-server.ts';
import type { Config } from './config.ts';
import type { EventBus } from './events/event-bus.ts';
import type { OpenGitHost } from './git/git-host.ts';
import { FabricScope } from './auth/fabric-scope.ts';
import type { TokenCache } from './auth/token-cache.ts';
import { TokenService } from './auth/token.service.ts';
import { ClusterService } from './cluster/cluster.service.ts';
import { FabricService } from './fabric/fabric.service.ts';
import { GitRepositoryService } from './fabric/git-repository.service.ts';
import { GitopsService } from './gitops/gitops.service.ts';
import type { Logger } from './logger.ts';
import type { ManifestValidator } from './manifest-validator/manifest-validator.ts';
import { NodeService } from './node/node.service.ts';
import { ResourceService } from './resource/resource.service.ts';
import type { SecretBox } from './secrets/secret-box.ts';
import { SyncOperationService, type OperationQueue } from './operations/sync-operation.service.ts';
import { SyncCommands } from './sync/sync-commands.ts';
import { GitHistoryService } from './sync/git-history.service.ts';
import { PendingChangesService } from './sync/pending-changes.service.ts';
import { ChangeService } from './changes/change.service.ts';

/** What every service may depend on; built once by the composition root. */
export interface ServiceDependencies {
  orm: MikroORM;
  config: Config;
  logger: Logger;
  secretBox: SecretBox;
  eventBus: EventBus;
  /** Where manifests are validated (large inputs on worker threads). */
  validator: ManifestValidator;
  /** Where `operations.launch` sends operations (the composition root's runner and handler table). */
  operationQueue: OperationQueue;
  /** Where this gateway listens (port set once it does): cluster servers may not point back at it. */
  gatewayAddress?: GatewayAddress;
  /** Builds the client of a fabric's cluster connection (the Kubernetes adapter, chosen by app.ts). */
  createClusterClient: ClusterClientFactory;
  /** The process's cluster watchers (absent in scripts that do not watch clusters). */
  clusterWatchers?: FabricWatchers;
  /** Opens the GitHost of a repository; the composition root chooses the adapters (tests wrap them). */
  openGitHost: OpenGitHost;
  /** The process's cache of tokens recently found valid (absent: every token check asks the database). */
  tokenCache?: TokenCache;
}

/** Services bound to one unit of work (one request, one job). */
export interface Services {
  em: EntityManager;
  gitRepositories: GitRepositoryService;
  fabrics: FabricService;
  resources: ResourceService;
  operations: SyncOperationService;
  gitops: GitopsService;
  tokens: TokenService;
  /** Start a sync run, commit the drafts, resolve a conflict (each an operation, returned pending). */
  sync: SyncCommands;
  cluster: ClusterService;
  /** Commits of a resource's file or a fabric's directory, and reverting a resource to one of them. */
  history: GitHistoryService;
  /** What committing the drafts would change now (files, diffs, findings). */
  pendingChanges: PendingChangesService;
  /** Any object by its id (Relay's `node`), loaded through the service that owns it. */
  nodes: NodeService;
  /** Change records: pages, one by id, pull request webhooks (docs/changes.md). */
  changes: ChangeService;
}

/**
 * `scope`: the fabrics this unit of work may load (a request of a fabric-limited token); every
 * load of a fabric, resource or operation by id or by list checks it. Unlimited by default.
 */
export function createServices(deps: ServiceDependencies, options: { scope?: FabricScope } = {}): Services {
  const em = deps.orm.em.fork();
  const scope = options.scope ?? FabricScope.unlimited;
  const services: Omit<Services, 'gitops' | 'sync' | 'cluster' | 'history' | 'pendingChanges' | 'nodes'> = {
    em,
    gitRepositories: new GitRepositoryService({ em, secretBox: deps.secretBox }),
    fabrics: new FabricService({
      em,
      scope,
      secretBox: deps.secretBox,
      gatewayAddress: deps.gatewayAddress,
      onChange: (change) => deps.clusterWatchers?.fabricChanged(change),
    }),
    resources: new ResourceService({
      em,
      scope,
      eventBus: deps.eventBus,
      maxYamlBytes: deps.config.maxYamlBytes,
      validator: deps.validator,
    }),
    operations: new SyncOperationService({ em, scope, eventBus: deps.eventBus, queue: deps.operationQueue }),
    tokens: new TokenService({ em, cache: deps.tokenCache }),
    changes: new ChangeService({ em, scope, eventBus: deps.eventBus }),
  };
  const gitops = new GitopsService({
    em,
    fabrics: services.fabrics,
    gitRepositories: services.gitRepositories,
    eventBus: deps.eventBus,
    config: deps.config,
    operations: services.operations,
    openGitHost: deps.openGitHost,
  });
  const sync = new SyncCommands(services);
  const cluster = new ClusterService({
    em,
    fabrics: services.fabrics,
    eventBus: deps.eventBus,
    operations: services.operations,
    watchers: deps.clusterWatchers,
    createClient: deps.createClusterClient,
  });
  const history = new GitHistoryService({
    fabrics: services.fabrics,
    gitRepositories: services.gitRepositories,
    resources: services.resources,
    openGitHost: deps.openGitHost,
    defaultPageSize: deps.config.pagination.defaultPageSize,
    maxPageSize: deps.config.pagination.maxPageSize,
  });
  const pendingChanges = new PendingChangesService({
    em,
    fabrics: services.fabrics,
    gitRepositories: services.gitRepositories,
    validator: deps.validator,
    openGitHost: deps.openGitHost,
  });
  const nodes = new NodeService({ ...services, scope, maxIds: deps.config.pagination.maxPageSize });
  return { ...services, gitops, sync, cluster, history, pendingChanges, nodes };
}
