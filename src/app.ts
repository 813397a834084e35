import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ClusterConnection } from './cluster/cluster-client.ts';
import { clusterRefreshSteps } from './cluster/cluster.service.ts';
import { readFabricConnection } from './cluster/fabric-connection.ts';
import { FabricWatchers } from './cluster/fabric-watchers.ts';
import type { GatewayAddress } from './cluster/cluster-server.ts';
import { createKubernetesClusterClient } from './cluster/kubernetes/kubernetes-cluster-client.ts';
import type { Config } from './config.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.ts';
import { initOrm, migrateToLatest, migrationsAreCurrent } from './db/orm.ts';
import { topics, type EventBus } from './events/event-bus.ts';
import { createEventBus } from './events/create-event-bus.ts';
import type { OpenGitHost } from './git/git-host.ts';
import { gitHostOpener } from './git/git-host-factory.ts';
import { FabricService } from './fabric/fabric.service.ts';
import type { GraphQLContext, RequestServices } from './graphql/context.ts';
import { createErrorMasker, describeError, useNoSuggestions } from './graphql/errors.ts';
import { closeReason, createAuthentication, LiveConnections, TOKEN_CLOSE_CODE } from './graphql/authentication.ts';
import { useAuthorization } from './graphql/authorization.ts';
import { ensureFirstAdminToken, printFirstAdminToken } from './auth/bootstrap.ts';
import { FabricScope } from './auth/fabric-scope.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import type { Actor } from './auth/tokens.ts';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { registerGitopsOperations } from './gitops/gitops-operations.ts';
import { registerSyncHandlers } from './sync/sync-handlers.ts';
import { createGitHubWebhookHandler, WEBHOOK_PATH } from './http/github-webhook.ts';
import { startHeadChecks, type HeadCheckDependencies } from './sync/head-check.ts';
import { openFabricGit, type OpenGit } from './sync/git-access.ts';
import { graphiqlOptions, renderOfflineGraphiQL } from './http/graphiql.ts';
import { schema } from './graphql/schema.ts';
import { createLogger, withRequestLog, yogaLogger, type Logger } from './logger.ts';
import { SecretBox } from './secrets/secret-box.ts';
import { resolveSecretKey } from './secrets/secret-key.ts';
import { createServices, type ServiceDependencies, type Services } from './services.ts';
import { workerPoolManifestValidator } from './manifest-validator/worker-pool-validator.ts';
import { listenFailure } from './startup-error.ts';
import { executeOperation } from './operations/execute-operation.ts';
import type { OperationHandlers } from './operations/operation-handler.ts';
import type { OperationJob, OperationRunner } from './operations/operation-runner.ts';
import { createOperationRunner, defaultInstanceId, recoverOperations, stopOperations } from './operations/operation-runtime.ts';
import { GatewayMetrics } from './metrics/metrics.ts';
import { countPublished } from './metrics/counted-event-bus.ts';
import { useGraphQLMetrics } from './metrics/graphql-metrics.ts';
import { metricSources } from './metrics/sources.ts';
import { createMetricsRoute, METRICS_PATH } from './http/metrics-route.ts';

export interface AppOptions {
  logger?: Logger;
  /** Every SQL statement the ORM sends, with the HTTP request it serves if any (tests count statements with it). */
  onQuery?: (sql: string, requestId: string | undefined) => void;
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
  /** http://host:port of the running server (after start). */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Services bound to a fresh unit of work, for scripts and tests (`scope`: as a fabric-limited token's request). */
  services(options?: { scope?: FabricScope }): RequestServices;
}

type ServerContext = Record<string, unknown>;

/** What graphql-ws's `extra` holds for one socket: the ws socket and request, and the token it opened with. */
interface SocketExtra {
  socket: import('ws').WebSocket;
  request: import('node:http').IncomingMessage;
  token?: string;
}

/** Queries refused for their depth, cost or aliases get a stable code like every other refusal. */
const tagTooComplex = (_context: unknown, error: { extensions: Record<string, unknown> }) => {
  error.extensions['code'] = 'QUERY_TOO_COMPLEX';
};

/** The composition root: builds the database, the services, GraphQL over HTTP, SSE and WebSocket. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl: string;
  if (config.database.kind === 'embedded') {
    embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port, logger });
    databaseUrl = embedded.url;
  } else {
    databaseUrl = config.database.url;
  }

  const orm = await initOrm({
    url: databaseUrl, logger, onQuery: options.onQuery, poolSize: config.database.poolSize,
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

  const secretBox = new SecretBox(await resolveSecretKey({ configuredKey: config.secretKey, dataDir: config.dataDir, logger }));
  const instanceId = defaultInstanceId();
  const metrics = options.metrics ?? new GatewayMetrics();
  const sharedBus = await createEventBus({ config, logger, orm, databaseUrl, instanceId });
  const eventBus = countPublished(sharedBus, metrics.published);

  const operationHandlers: OperationHandlers<Services> = {};
  // The only place adapters are chosen: the GitHost of a repository is GitHub's API or the git CLI.
  const openGitHost = options.openGitHost ?? gitHostOpener({ cacheDir: config.gitCacheDir, githubApiUrl: config.githubApiUrl, github: metrics.github, cli: { onCommand: metrics.gitCommand } });
  const openGit: OpenGit = (unitOfWork, fabricId, operationId) => openFabricGit(openGitHost, unitOfWork, fabricId, operationId);
  registerGitopsOperations(operationHandlers);
  registerSyncHandlers(operationHandlers, { eventBus, config, openGit });
  // OPERATION_RUNNER: graphile-worker queues in this database (default) or this process only.
  const runner = await createOperationRunner({
    config, logger, orm, databaseUrl, instanceId,
    execute: (operationId, runOptions) => executeOperation({ handlers: operationHandlers, openUnitOfWork: services, logger, onEnded: (...ended) => metrics.operationEnded(...ended) }, operationId, runOptions),
  });
  // Large manifests are validated on worker threads so that no request holds the event loop.
  const validator = workerPoolManifestValidator({
    maxBytes: config.maxYamlBytes, maxDocuments: config.validation.maxDocuments, maxFindings: config.validation.maxFindings,
    timeoutMs: config.validation.timeoutMs, inlineBytes: 64 * 1024, ...(config.validation.threads ? { threads: config.validation.threads } : {}),
  });
  // The port is known once the server listens (PORT=0 picks one); start() sets it.
  const gatewayAddress: GatewayAddress = { host: config.http.host, port: config.http.port || undefined };
  // The one Kubernetes adapter: the watchers and the connection test build their clients with it.
  const createClusterClient = (connection: ClusterConnection) => createKubernetesClusterClient(connection, { gateway: gatewayAddress });
  const operationQueue = { accepts: (type: keyof typeof operationHandlers) => operationHandlers[type] !== undefined, enqueue: (job: OperationJob) => runner.enqueue(job) };
  const dependencies: ServiceDependencies = { orm, config, logger, secretBox, eventBus, validator, operationQueue, gatewayAddress, openGitHost, createClusterClient };
  // The one place a unit of work is opened: requests, operations, the webhook, the head check.
  const services = (options: { scope?: FabricScope } = {}): RequestServices => createServices(dependencies, options);
  // With migrations pending (only when started with migrate: false) the tables may not exist yet:
  // serve /readyz saying so, and touch nothing else.
  const schemaReady = options.migrate !== false || (await migrationsAreCurrent(orm));
  if (schemaReady) await recoverOperations({ orm, eventBus: sharedBus, logger, runner }, instanceId);
  // Cluster watchers: started with the server, stopped before the ORM closes.
  // A fabric's connection is read (credentials decrypted) by the fabric domain, in a unit of work of its own.
  const clusterWatchers = new FabricWatchers({
    orm, eventBus, logger: logger.child({ component: 'cluster' }), createClient: createClusterClient, onRelist: metrics.relisted,
    readConnection: (fabricId) => readFabricConnection(new FabricService({ em: orm.em.fork(), secretBox }), fabricId),
  });
  dependencies.clusterWatchers = clusterWatchers;
  operationHandlers.cluster_refresh = clusterRefreshSteps(clusterWatchers);
  const githubWebhook = createGitHubWebhookHandler({ openUnitOfWork: services, logger });
  const headCheck: HeadCheckDependencies = { openUnitOfWork: services, openGit, logger };
  let headChecks: { stop(): Promise<void> } | null = null;
  // Token checks have a unit of work of their own (its reads bypass the identity map).
  const { tokens } = services();
  // Open WebSocket and SSE connections end when their token stops working (see authentication.ts).
  const connections = new LiveConnections({
    check: (tokenIds) => tokens.whyUnusable(tokenIds),
    intervalMs: config.tokenRecheckIntervalMs,
    logger,
  });
  const authentication = createAuthentication((token) => tokens.authenticate(token), connections);
  metrics.observe(metricSources({ orm, watchStatus: (fabricId) => clusterWatchers.status(fabricId), liveConnections: () => connections.size }));
  const metricsRoute = createMetricsRoute({ metrics, metricsToken: config.metricsToken, authenticate: (token) => tokens.authenticate(token), logger });
  const mutationRateLimiter = new RateLimiter(config.limits.mutationsPerMinute);
  const queryRateLimiter = new RateLimiter(config.limits.queriesPerMinute);

  const yoga: YogaServerInstance<ServerContext, GraphQLContext> = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: config.http.graphiql ? graphiqlOptions : false,
    renderGraphiQL: renderOfflineGraphiQL,
    landingPage: false,
    logging: yogaLogger(logger),
    // Suggestions ("Did you mean …?") name parts of the schema: off together with introspection.
    maskedErrors: { maskError: createErrorMasker(logger, { suggestions: config.limits.introspection }) },
    plugins: [
      useGraphQLMetrics(metrics),
      authentication.plugin,
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      ...(config.limits.introspection ? [] : [useDisableIntrospection(), useNoSuggestions()]),
      maxDepthPlugin({ n: config.limits.maxQueryDepth, ignoreIntrospection: true, onReject: [tagTooComplex] }),
      costLimitPlugin({ maxCost: config.limits.maxQueryCost, ignoreIntrospection: true, onReject: [tagTooComplex] }),
      maxAliasesPlugin({ n: config.limits.maxQueryAliases, onReject: [tagTooComplex] }),
      useAuthorization({ mutationRateLimiter, queryRateLimiter }),
    ],
    context: (initial): GraphQLContext => {
      const request = (initial as { request?: Request }).request;
      const requestId = request?.headers.get('x-request-id') ?? randomUUID();
      const actor = authentication.actorOf(request) ?? (initial as { actor?: Actor }).actor;
      // Unreachable through the server (authentication runs first); a guard against wiring mistakes.
      if (!actor) throw new Error('request reached the schema without an authenticated actor');
      // A limited token's services load rows of its fabrics only, whatever the resolvers ask for.
      const requestServices = services({ scope: new FabricScope(actor.fabricIds) });
      return {
        requestId,
        actor,
        services: requestServices,
        eventBus,
        logger: logger.child({ requestId }),
        pagination: config.pagination,
        loaders: {
          // Batching only, no caching: a subscription keeps its context for as long as it runs.
          operationEvents: new DataLoader(async (ids: readonly string[]) => {
            const byOperation = await requestServices.operations.eventsOf(ids);
            return ids.map((id) => byOperation.get(id) ?? []);
          }, { cache: false }),
          fabricById: new DataLoader(async (ids: readonly string[]) => {
            const fabrics = await requestServices.fabrics.getMany(ids);
            return ids.map((id) => fabrics.get(id) ?? new Error(`Fabric ${id} does not exist`));
          }, { cache: false }),
        },
      };
    },
  });

  const readiness = async (): Promise<{ ready: boolean; reason?: string }> => {
    try {
      await orm.em.getConnection().execute('select 1');
      if (!(await migrationsAreCurrent(orm))) return { ready: false, reason: 'migrations pending' };
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
    }
  };

  const server: Server = createServer(withRequestLog(logger, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === WEBHOOK_PATH) {
      void githubWebhook(req, res);
      return;
    }
    if (path === METRICS_PATH) {
      void metricsRoute(req, res);
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method === 'POST' && path === '/graphql') {
      // Refused before anything is read: a body larger than the limit, or one whose size is not given.
      const length = Number(req.headers['content-length'] ?? Number.NaN);
      if (Number.isNaN(length)) {
        res.writeHead(411, { 'content-type': 'application/json' }).end('{"errors":[{"message":"Content-Length is required","extensions":{"code":"INVALID_INPUT"}}]}');
        return;
      }
      if (length > config.limits.maxBodyBytes) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' })
          .end(`{"errors":[{"message":"The request body is larger than ${config.limits.maxBodyBytes} bytes","extensions":{"code":"INVALID_INPUT"}}]}`);
        req.destroy();
        return;
      }
    }
    if (path === '/readyz') {
      void readiness().then((result) => {
        res
          .writeHead(result.ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: result.ready ? 'ready' : 'not_ready', reason: result.reason }));
      });
      return;
    }
    void yoga(req, res);
  }));

  // A message larger than an HTTP body may be is refused unread: the socket is closed with 1009.
  // The WebSocket server takes the HTTP server's upgrades but not its 'error' events (with
  // `server:` it re-emits them, and graphql-ws prints a port in use as "Internal error emitted on
  // the WebSocket server"): start() reports listen failures itself.
  const webSockets = new WebSocketServer({ noServer: true, path: yoga.graphqlEndpoint, maxPayload: config.limits.maxBodyBytes });
  server.on('upgrade', (request, socket, head) => {
    if (!webSockets.shouldHandle(request)) {
      socket.destroy();
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => webSockets.emit('connection', webSocket, request));
  });
  const webSocketServer = useServer(
    {
      execute: (args) => (args.rootValue as { execute: typeof import('graphql').execute }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: typeof import('graphql').subscribe }).subscribe(args),
      onConnect: async (context) => {
        const extra = context.extra as SocketExtra;
        const authenticated = await authentication.authenticateConnection(context.connectionParams);
        if ('reason' in authenticated) {
          // Closed here with the reason; graphql-ws's own close (4403 "Forbidden") then does nothing.
          extra.socket.close(TOKEN_CLOSE_CODE, closeReason(authenticated.reason));
          return false;
        }
        extra.token = authenticated.token;
        const release = connections.open(authenticated.actor, (reason) => extra.socket.close(TOKEN_CLOSE_CODE, closeReason(reason)));
        extra.socket.once('close', release);
        return true;
      },
      onSubscribe: async (context, _id, payload) => {
        // Every operation sent over the socket is authenticated again: a token revoked or expired
        // since the socket opened runs nothing, and the socket is closed.
        const extra = context.extra as SocketExtra;
        const authenticated = await authentication.authenticateAgain(extra.token);
        if ('reason' in authenticated) {
          extra.socket.close(TOKEN_CLOSE_CODE, closeReason(authenticated.reason));
          return [createGraphQLError(authenticated.reason, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        // The same envelop pipeline and context factory as HTTP and SSE.
        const enveloped = yoga.getEnveloped({
          ...context,
          actor: authenticated.actor,
          req: context.extra.request,
          socket: context.extra.socket,
          params: payload,
        });
        // A syntax error is the client's: answered as an error of this operation (like over HTTP),
        // not thrown, which would close the socket and print the error on stderr.
        let document: ReturnType<typeof enveloped.parse>;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args = {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        const errors = enveloped.validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        return args;
      },
    },
    webSockets,
  );

  const app: App = {
    config,
    logger,
    orm,
    eventBus,
    secretBox,
    databaseUrl,
    runner,
    instanceId,
    dependencies,
    operationHandlers,
    headCheck,
    metrics,
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
          await connections.recheck([event.tokenId]).catch((error: unknown) => logger.warn({ error: describeError(error) }, 'could not re-check a revoked token'));
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
