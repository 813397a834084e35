import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { ClusterClientFactory } from './cluster/cluster-client.ts';
import { clusterRefreshSteps } from './cluster/cluster.service.ts';
import { readFabricConnection } from './cluster/fabric-connection.ts';
import { FabricWatchers } from './cluster/fabric-watchers.ts';
import type { GatewayAddress } from './cluster/cluster-server.ts';
import type { Config } from './config.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.ts';
import { initOrm, migrateToLatest, migrationsAreCurrent } from './db/orm.ts';
import { topics, type EventBus } from './events/event-bus.ts';
import { createEventBus } from './events/create-event-bus.ts';
import type { OpenGitHost } from './git/git-host.ts';
import { gitHostOpener } from './git/git-host-factory.ts';
import { FabricService } from './fabric/fabric.service.ts';
import { openFabricGit } from './fabric/fabric-git.ts';
import { createContext, type GraphQLContext, type RequestServices } from './graphql/context.ts';
import { createErrorMasker, describeError, useNoSuggestions } from './graphql/errors.ts';
import { createAuthentication, LiveConnections } from './graphql/authentication.ts';
import { TokenCache } from './auth/token-cache.ts';
import { useAuthorization } from './graphql/authorization.ts';
import { SharedSubscriptions, useSharedSubscriptions } from './graphql/shared-subscriptions.ts';
import { attachWebSocket } from './graphql/websocket.ts';
import { ensureFirstAdminToken, printFirstAdminToken } from './auth/bootstrap.ts';
import type { FabricScope } from './auth/fabric-scope.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { registerGitopsOperations } from './gitops/gitops-operations.ts';
import { registerSyncHandlers } from './sync/sync-handlers.ts';
import { startHeadChecks, type HeadCheckDependencies } from './sync/head-check.ts';
import type { OpenGit } from './sync/git-access.ts';
import { graphiqlOptions, renderOfflineGraphiQL } from './http/graphiql.ts';
import { databaseReadiness, HEALTH_ENDPOINT, httpRoutes } from './http/routes.ts';
import { schema } from './graphql/schema.ts';
import { createLogger, withRequestLog, yogaLogger, type Logger } from './logger.ts';
import { SecretBox } from './secrets/secret-box.ts';
import { resolveSecretKey } from './secrets/secret-key.ts';
import { createServices, type ServiceDependencies, type Services } from './services.ts';
import { workerPoolManifestValidator } from './manifest-validator/worker-pool-validator.ts';
import { SMALL_YAML_BYTES } from './manifest-validator/manifest-validator.ts';
import { listenFailure } from './startup-error.ts';
import { executeOperation } from './operations/execute-operation.ts';
import type { OperationHandlers } from './operations/operation-handler.ts';
import type { OperationRunner } from './operations/operation-runner.ts';
import {
  createOperationRunner,
  defaultInstanceId,
  recoverOperations,
  stopOperations,
} from './operations/operation-runtime.ts';
import { GatewayMetrics } from './metrics/metrics.ts';
import { countPublished } from './metrics/counted-event-bus.ts';
import { useGraphQLMetrics } from './metrics/graphql-metrics.ts';
import { metricSources } from './metrics/sources.ts';
import type { OperationQueue } from './operations/sync-operation.service.ts';

export interface AppOptions {
  logger?: Logger;
  /** Every SQL statement the ORM sends, with the HTTP request it serves if any and its parameters (see db/orm.ts). */
  onQuery?: (sql: string, requestId: string | undefined, params: readonly unknown[]) => void;
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
  /** Where the first admin token goes on a first start; default: printed to stderr. `false`: none is made. */
  onFirstAdminToken?: ((token: string) => void) | false;
  /** Opens the GitHost of a repository; default: GitHub's API or the git CLI (`gitHostOpener`). Tests wrap it. */
  openGitHost?: OpenGitHost;
  /** The Prometheus registry the app records into (default: a new one; tests may share or read it). */
  metrics?: GatewayMetrics;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly orm: MikroORM;
  readonly eventBus: EventBus;
  readonly secretBox: SecretBox;
  readonly databaseUrl: string;
  readonly runner: OperationRunner;
  /** This process among the gateway's replicas (recorded with the operations it runs). */
  readonly instanceId: string;
  readonly dependencies: ServiceDependencies;
  /** The work of each operation type (tests replace a handler to stage one). */
  readonly operationHandlers: OperationHandlers<Services>;
  /** What the periodic head check is given (tests run one round with it). */
  readonly headCheck: HeadCheckDependencies;
  /** What GET /metrics serves. */
  readonly metrics: GatewayMetrics;
  /** WebSocket subscriptions sharing one execution per (authority, document, variables). */
  readonly sharedSubscriptions: SharedSubscriptions;
  /** Every HTTP route and GraphQL; `yoga.fetch` answers a request without a port (tests). */
  readonly yoga: YogaServerInstance<ServerContext, GraphQLContext>;
  /** http://host:port of the running server (after start). */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Services bound to a fresh unit of work, for scripts and tests (`scope`: as a fabric-limited token's request). */
  services(options?: { scope?: FabricScope }): RequestServices;
}

type ServerContext = Record<string, unknown>;

/** Queries refused for their depth, cost or aliases get a stable code like every other refusal. */
const tagTooComplex = (_context: unknown, error: { extensions: Record<string, unknown> }) => {
  error.extensions.code = 'QUERY_TOO_COMPLEX';
};

/**
 * The composition root, top to bottom: the database; the infrastructure (secrets, event bus,
 * adapters, validator, cluster watchers, operation runner); the services; the transports (HTTP
 * routes and GraphQL over HTTP, SSE and WebSocket); start and stop. Each part is built once, after
 * what it needs, and not changed afterwards.
 */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });

  // Database.
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl: string;
  if (config.database.kind === 'embedded') {
    embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port, logger });
    databaseUrl = embedded.url;
  } else {
    databaseUrl = config.database.url;
  }
  const orm = await initOrm({
    url: databaseUrl,
    logger,
    onQuery: options.onQuery,
    poolSize: config.database.poolSize,
    createDatabase: config.database.kind === 'external' && config.database.create,
  });
  try {
    if (options.migrate !== false) {
      const applied = await migrateToLatest(orm);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    }
  } catch (error) {
    await orm.close(true);
    await embedded?.stop();
    throw error;
  }
  // With migrations pending (only when started with migrate: false) the tables may not exist yet:
  // serve /readyz saying so, and touch nothing else.
  const schemaReady = options.migrate !== false || (await migrationsAreCurrent(orm));

  // Infrastructure.
  const secretBox = new SecretBox(
    await resolveSecretKey({ configuredKey: config.secretKey, dataDir: config.dataDir, logger }),
  );
  const instanceId = defaultInstanceId();
  const metrics = options.metrics ?? new GatewayMetrics();
  const sharedBus = await createEventBus({ config, logger, databaseUrl, instanceId });
  // Every publication is counted (gateway_events_published_total).
  const eventBus = countPublished(sharedBus, metrics.published);
  // The only place adapters are chosen: the GitHost of a repository is GitHub's API or the git CLI.
  const openGitHost =
    options.openGitHost ??
    gitHostOpener({
      cacheDir: config.gitCacheDir,
      githubApiUrl: config.githubApiUrl,
      github: metrics.github,
      cli: { onCommand: metrics.gitCommand },
    });
  const openGit: OpenGit = ({ fabrics, gitRepositories }, fabricId, operationId) =>
    openFabricGit({ fabrics, gitRepositories, openGitHost }, fabricId, operationId);
  // Large manifests are validated on worker threads so that no request holds the event loop.
  const validator = workerPoolManifestValidator({
    maxBytes: config.maxYamlBytes,
    maxDocuments: config.validation.maxDocuments,
    maxFindings: config.validation.maxFindings,
    timeoutMs: config.validation.timeoutMs,
    inlineBytes: SMALL_YAML_BYTES,
    ...(config.validation.threads ? { threads: config.validation.threads } : {}),
  });
  // The port is known once the server listens (PORT=0 picks one); start() sets it.
  const gatewayAddress: GatewayAddress = { host: config.http.host, port: config.http.port || undefined };
  // The one Kubernetes adapter: the watchers and the connection test build their clients with it.
  // Loaded on first use: @kubernetes/client-node was ~870 of the ~3,000 modules a start loaded and
  // about a third of its CPU time, in a gateway that may have no fabric with a cluster connection
  // (docs/architecture.md, "Start-up").
  const createClusterClient: ClusterClientFactory = async (connection) => {
    const { createKubernetesClusterClient } = await import('./cluster/kubernetes/kubernetes-cluster-client.ts');
    return createKubernetesClusterClient(connection, { gateway: gatewayAddress });
  };
  // Cluster watchers: started with the server, stopped before the ORM closes.
  // A fabric's connection is read (credentials decrypted) by the fabric domain, in a unit of work of its own.
  const clusterWatchers = new FabricWatchers({
    orm,
    eventBus,
    logger: logger.child({ component: 'cluster' }),
    createClient: createClusterClient,
    onRelist: metrics.relisted,
    changeTracking: { onReached: metrics.changeReached },
    readConnection: (fabricId) => readFabricConnection(new FabricService({ em: orm.em.fork(), secretBox }), fabricId),
  });
  // Every operation type's work, registered before the runner starts.
  const operationHandlers: OperationHandlers<Services> = {
    cluster_refresh: clusterRefreshSteps(clusterWatchers, eventBus),
  };
  registerGitopsOperations(operationHandlers, { eventBus });
  registerSyncHandlers(operationHandlers, { eventBus, config, openGit });
  // OPERATION_RUNNER: graphile-worker queues in this database (default) or this process only.
  // The runner runs operations in units of work opened by `services` below, and services queue
  // operations on the runner: both are referred to by closures, awaited before anything runs.
  const runnerStarting = createOperationRunner({
    config,
    logger,
    orm,
    databaseUrl,
    instanceId,
    execute: (operationId, runOptions) =>
      executeOperation(
        {
          handlers: operationHandlers,
          openUnitOfWork: services,
          logger,
          onEnded: (...ended) => metrics.operationEnded(...ended),
        },
        operationId,
        runOptions,
      ),
  });
  const operationQueue: OperationQueue = {
    accepts: (type) => operationHandlers[type] !== undefined,
    enqueue: async (job) => (await runnerStarting).enqueue(job),
  };

  // Services.
  // Tokens recently found valid: a request costs no token lookup when its token was looked up less
  // than TOKEN_CACHE_MS ago (auth/token-cache.ts says what that bounds).
  const tokenCache = new TokenCache({ ttlMs: config.tokenCacheMs });
  const dependencies: ServiceDependencies = {
    tokenCache,
    orm,
    config,
    logger,
    secretBox,
    eventBus,
    validator,
    operationQueue,
    gatewayAddress,
    openGitHost,
    createClusterClient,
    clusterWatchers,
  };
  // The one place a unit of work is opened: requests, operations, the webhook, the head check.
  const services = (options: { scope?: FabricScope } = {}): RequestServices => createServices(dependencies, options);
  const runner = await runnerStarting;
  // Recovery checks whether the bus is PostgreSQL's own (LISTEN/NOTIFY), so it gets the unwrapped one.
  if (schemaReady) await recoverOperations({ orm, eventBus: sharedBus, logger, runner }, instanceId);
  const headCheck: HeadCheckDependencies = { openUnitOfWork: services, openGit, logger };
  let headChecks: { stop(): Promise<void> } | null = null;

  // Transports.
  // Token checks have a unit of work of their own (its reads bypass the identity map).
  const { tokens } = services();
  // Open WebSocket and SSE connections end when their token stops working (see authentication.ts).
  const connections = new LiveConnections({
    check: (tokenIds) => tokens.whyUnusable(tokenIds),
    intervalMs: config.tokenRecheckIntervalMs,
    logger,
  });
  const authentication = createAuthentication(
    (token) => tokens.authenticate(token),
    connections,
    (token) => tokens.authenticate(token, { fresh: true }),
  );
  metrics.observe(
    metricSources({
      orm,
      watchStatus: (fabricId) => clusterWatchers.status(fabricId),
      liveConnections: () => connections.size,
    }),
  );
  // One execution per distinct fabricEvents subscription, over WebSocket and SSE alike.
  const sharedSubscriptions = new SharedSubscriptions({
    onFanOut: (seconds) => metrics.subscriptionFanOut.observe(seconds),
  });
  const yoga: YogaServerInstance<ServerContext, GraphQLContext> = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: config.http.graphiql ? graphiqlOptions : false,
    renderGraphiQL: renderOfflineGraphiQL,
    landingPage: false,
    // The body limit is useBodySizeLimit's (http/body-size-limit.ts says why yoga's is off).
    maxRequestBodySize: false,
    healthCheckEndpoint: HEALTH_ENDPOINT,
    logging: yogaLogger(logger),
    // Suggestions ("Did you mean …?") name parts of the schema: off together with introspection.
    maskedErrors: { maskError: createErrorMasker(logger, { suggestions: config.limits.introspection }) },
    plugins: [
      useGraphQLMetrics(metrics),
      // /readyz, the GitHub webhook, /metrics and the /graphql body size limit (src/http/routes.ts).
      ...httpRoutes({
        readiness: databaseReadiness(orm),
        maxBodyBytes: config.limits.maxBodyBytes,
        githubWebhook: { openUnitOfWork: services, logger },
        metrics: {
          metrics,
          metricsToken: config.metricsToken,
          authenticate: (token) => tokens.authenticate(token),
          logger,
        },
      }),
      authentication.plugin,
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      ...(config.limits.introspection ? [] : [useDisableIntrospection(), useNoSuggestions()]),
      maxDepthPlugin({ n: config.limits.maxQueryDepth, ignoreIntrospection: true, onReject: [tagTooComplex] }),
      costLimitPlugin({ maxCost: config.limits.maxQueryCost, ignoreIntrospection: true, onReject: [tagTooComplex] }),
      maxAliasesPlugin({ n: config.limits.maxQueryAliases, onReject: [tagTooComplex] }),
      useAuthorization({
        mutationRateLimiter: new RateLimiter(config.limits.mutationsPerMinute),
        queryRateLimiter: new RateLimiter(config.limits.queriesPerMinute),
      }),
      useSharedSubscriptions(sharedSubscriptions),
    ],
    context: createContext({
      openUnitOfWork: services,
      actorOf: authentication.actorOf,
      eventBus,
      pagination: config.pagination,
    }),
  });
  const server: Server = createServer(withRequestLog(logger, yoga));
  const webSocketServer = attachWebSocket(server, yoga, authentication, {
    connections,
    maxPayload: config.limits.maxBodyBytes,
    shared: sharedSubscriptions,
  });

  const app: App = {
    config,
    logger,
    orm,
    eventBus,
    sharedSubscriptions,
    secretBox,
    databaseUrl,
    runner,
    instanceId,
    dependencies,
    operationHandlers,
    headCheck,
    metrics,
    yoga,
    url: '',
    services,
    async start() {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(listenFailure(error, config.http));
        server.once('error', onError);
        server.listen(config.http.port, config.http.host, () => {
          server.off('error', onError);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      gatewayAddress.port = address.port;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      app.url = `http://${config.http.host === 'localhost' ? 'localhost' : host}:${address.port}`;
      connections.start();
      // A token revoked through any replica sharing the event bus ends its connections at once.
      void (async () => {
        for await (const event of eventBus.subscribe<{ tokenId: string }>(topics.apiTokens)) {
          tokenCache.forgetToken(event.tokenId);
          await connections
            .recheck([event.tokenId])
            .catch((error: unknown) =>
              logger.warn({ error: describeError(error) }, 'could not re-check a revoked token'),
            );
        }
      })();
      // Lost webhooks lose nothing: each fabric's branch head is compared every pullIntervalSeconds.
      if (schemaReady) {
        if (config.headCheckEnabled) headChecks = startHeadChecks(headCheck);
        await clusterWatchers.start();
      }
      // Only now that it serves: a token printed by a start that then fails (a port in use) is lost.
      if (schemaReady && options.onFirstAdminToken !== false) {
        await ensureFirstAdminToken(services().tokens, options.onFirstAdminToken ?? printFirstAdminToken);
      }
    },
    async stop() {
      // Operations first, at once (Ctrl-C, SIGTERM): they stop at their next step boundary and
      // record "interrupted by shutdown" while requests drain; see stopOperations.
      const headChecksStopped = headChecks?.stop();
      const operationsStopped = stopOperations({ runner, openUnitOfWork: services }, config.shutdownTimeoutMs);
      // Stop accepting, end subscriptions so their streams complete, let requests finish, then close.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      eventBus.close();
      await webSocketServer.dispose();
      connections.stop();
      server.closeIdleConnections();
      const timeout = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      if (server.listening) await closed;
      clearTimeout(timeout);
      await headChecksStopped;
      await operationsStopped;
      await clusterWatchers.stop();
      await validator.close();
      await eventBus.stop?.();
      await orm.close(true);
      await embedded?.stop();
    },
  };
  return app;
}
