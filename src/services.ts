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
 *
 * Built on first use: the unit of work (`em.fork`) and each service are made when first asked
 * for, so a request that reads one resource builds one service, and `{ __typename }` none
 * (docs/performance.md, "The fixed cost of a request").
 */
export function createServices(deps: ServiceDependencies, options: { scope?: FabricScope } = {}): Services {
  return new LazyServices(deps, options.scope ?? FabricScope.unlimited);
}

class LazyServices implements Services {
  #em: EntityManager | undefined;
  #gitRepositories: GitRepositoryService | undefined;
  #fabrics: FabricService | undefined;
  #resources: ResourceService | undefined;
  #operations: SyncOperationService | undefined;
  #tokens: TokenService | undefined;
  #changes: ChangeService | undefined;
  #gitops: GitopsService | undefined;
  #sync: SyncCommands | undefined;
  #cluster: ClusterService | undefined;
  #history: GitHistoryService | undefined;
  #pendingChanges: PendingChangesService | undefined;
  #nodes: NodeService | undefined;

  constructor(
    private readonly deps: ServiceDependencies,
    private readonly scope: FabricScope,
  ) {}

  get em(): EntityManager {
    this.#em ??= this.deps.orm.em.fork();
    return this.#em;
  }

  get gitRepositories(): GitRepositoryService {
    this.#gitRepositories ??= new GitRepositoryService({ em: this.em, secretBox: this.deps.secretBox });
    return this.#gitRepositories;
  }

  get fabrics(): FabricService {
    const { deps } = this;
    this.#fabrics ??= new FabricService({
      em: this.em,
      scope: this.scope,
      secretBox: deps.secretBox,
      gatewayAddress: deps.gatewayAddress,
      onChange: (change) => deps.clusterWatchers?.fabricChanged(change),
    });
    return this.#fabrics;
  }

  get resources(): ResourceService {
    const services = this;
    this.#resources ??= new ResourceService({
      // Forked when a method first uses it: `view` (the API's resource(id)) reads through the
      // connection alone, and a fork was 4 % of that request's CPU time.
      get em() {
        return services.em;
      },
      connection: () => this.deps.orm.em.getConnection(),
      scope: this.scope,
      eventBus: this.deps.eventBus,
      maxYamlBytes: this.deps.config.maxYamlBytes,
      validator: this.deps.validator,
    });
    return this.#resources;
  }

  get operations(): SyncOperationService {
    this.#operations ??= new SyncOperationService({
      em: this.em,
      scope: this.scope,
      eventBus: this.deps.eventBus,
      queue: this.deps.operationQueue,
    });
    return this.#operations;
  }

  get tokens(): TokenService {
    this.#tokens ??= new TokenService({ em: this.em, cache: this.deps.tokenCache });
    return this.#tokens;
  }

  get changes(): ChangeService {
    this.#changes ??= new ChangeService({ em: this.em, scope: this.scope, eventBus: this.deps.eventBus });
    return this.#changes;
  }

  get gitops(): GitopsService {
    this.#gitops ??= new GitopsService({
      em: this.em,
      fabrics: this.fabrics,
      gitRepositories: this.gitRepositories,
      eventBus: this.deps.eventBus,
      config: this.deps.config,
      operations: this.operations,
      openGitHost: this.deps.openGitHost,
    });
    return this.#gitops;
  }

  get sync(): SyncCommands {
    this.#sync ??= new SyncCommands({
      fabrics: this.fabrics,
      gitRepositories: this.gitRepositories,
      resources: this.resources,
      operations: this.operations,
    });
    return this.#sync;
  }

  get cluster(): ClusterService {
    this.#cluster ??= new ClusterService({
      em: this.em,
      fabrics: this.fabrics,
      eventBus: this.deps.eventBus,
      operations: this.operations,
      watchers: this.deps.clusterWatchers,
      createClient: this.deps.createClusterClient,
    });
    return this.#cluster;
  }

  get history(): GitHistoryService {
    this.#history ??= new GitHistoryService({
      fabrics: this.fabrics,
      gitRepositories: this.gitRepositories,
      resources: this.resources,
      openGitHost: this.deps.openGitHost,
      defaultPageSize: this.deps.config.pagination.defaultPageSize,
      maxPageSize: this.deps.config.pagination.maxPageSize,
    });
    return this.#history;
  }

  get pendingChanges(): PendingChangesService {
    this.#pendingChanges ??= new PendingChangesService({
      em: this.em,
      fabrics: this.fabrics,
      gitRepositories: this.gitRepositories,
      validator: this.deps.validator,
      openGitHost: this.deps.openGitHost,
    });
    return this.#pendingChanges;
  }

  get nodes(): NodeService {
    this.#nodes ??= new NodeService({
      em: this.em,
      scope: this.scope,
      maxIds: this.deps.config.pagination.maxPageSize,
      fabrics: this.fabrics,
      resources: this.resources,
      operations: this.operations,
      gitRepositories: this.gitRepositories,
      tokens: this.tokens,
      changes: this.changes,
    });
    return this.#nodes;
  }
}
