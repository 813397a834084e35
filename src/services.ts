import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ClusterClient, ClusterConnection } from './cluster/cluster-client.ts';
import type { FabricWatchers } from './cluster/fabric-watchers.ts';
import type { GatewayAddress } from './cluster/kubernetes/cluster-server.ts';
import type { Config } from './config.ts';
import type { EventBus } from './events/event-bus.ts';
import type { GitHost } from './git/git-host.ts';
import { FabricScope } from './auth/fabric-scope.ts';
import { TokenService } from './auth/token.service.ts';
import { FabricService } from './fabric/fabric.service.ts';
import { GitRepositoryService } from './fabric/git-repository.service.ts';
import { GitopsService } from './gitops/gitops.service.ts';
import type { Logger } from './logger.ts';
import type { ManifestValidator } from './manifest-validator/manifest-validator.ts';
import { ResourceService } from './resource/resource.service.ts';
import type { SecretBox } from './secrets/secret-box.ts';
import type { OperationHandlers } from './sync/launch-operation.ts';
import type { OperationRunner } from './sync/operation-runner.ts';
import { SyncOperationService } from './sync/sync-operation.service.ts';

/** What every service may depend on; built once by the composition root. */
export interface ServiceDependencies {
  orm: MikroORM;
  config: Config;
  logger: Logger;
  secretBox: SecretBox;
  eventBus: EventBus;
  /** Where manifests are validated (large inputs on worker threads). */
  validator: ManifestValidator;
  runner: OperationRunner;
  /** The work of each operation type, registered by the composition root. */
  operationHandlers: OperationHandlers;
  /** Where this gateway listens (port set once it does): cluster servers may not point back at it. */
  gatewayAddress?: GatewayAddress;
  /** Builds the client of a fabric's cluster connection (the Kubernetes adapter, chosen by app.ts). */
  createClusterClient: (connection: ClusterConnection) => ClusterClient;
  /** The process's cluster watchers (absent in scripts that do not watch clusters). */
  clusterWatchers?: FabricWatchers;
  /** Wraps every GitHost the sync opens (instrumentation; tests stage races at the remote with it). */
  wrapGitHost?: (host: GitHost, context: { fabricId: string; operationId: string }) => GitHost;
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
}

/**
 * `scope`: the fabrics this unit of work may load (a request of a fabric-limited token); every
 * load of a fabric, resource or operation by id or by list checks it. Unlimited by default.
 */
export function createServices(deps: ServiceDependencies, options: { scope?: FabricScope } = {}): Services {
  const em = deps.orm.em.fork();
  const scope = options.scope ?? FabricScope.unlimited;
  const services: Omit<Services, 'gitops'> = {
    em,
    gitRepositories: new GitRepositoryService({ em, secretBox: deps.secretBox }),
    fabrics: new FabricService({ em, scope, secretBox: deps.secretBox, gatewayAddress: deps.gatewayAddress, onChange: (change) => deps.clusterWatchers?.fabricChanged(change) }),
    resources: new ResourceService({ em, scope, eventBus: deps.eventBus, maxYamlBytes: deps.config.maxYamlBytes, validator: deps.validator }),
    operations: new SyncOperationService({ em, scope, eventBus: deps.eventBus }),
    tokens: new TokenService({ em }),
  };
  const gitops = new GitopsService({
    em, fabrics: services.fabrics, gitRepositories: services.gitRepositories, eventBus: deps.eventBus, config: deps.config,
    ...(deps.wrapGitHost ? { wrapGitHost: deps.wrapGitHost } : {}),
  });
  return { ...services, gitops };
}
