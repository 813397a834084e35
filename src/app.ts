import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { clusterRefreshSteps } from './cluster/cluster.service.ts';
import { FabricWatchers } from './cluster/fabric-watchers.ts';
import type { Config } from './config.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.ts';
import { initOrm, migrateToLatest, migrationsAreCurrent } from './db/orm.ts';
import { InProcessEventBus, type EventBus } from './events/event-bus.ts';
import type { GraphQLContext, RequestServices } from './graphql/context.ts';
import { createErrorMasker } from './graphql/errors.ts';
import { registerGitopsOperations } from './gitops/gitops-operations.ts';
import { registerSyncHandlers } from './sync/sync-handlers.ts';
import { createGitHubWebhookHandler, WEBHOOK_PATH } from './http/github-webhook.ts';
import { startHeadChecks } from './sync/head-check.ts';
import { schema } from './graphql/schema.ts';
import { createLogger, withRequestLog, type Logger } from './logger.ts';
import { SecretBox } from './secrets/secret-box.ts';
import { resolveSecretKey } from './secrets/secret-key.ts';
import { createServices, type ServiceDependencies } from './services.ts';
import { executeOperation, type OperationHandlers } from './sync/launch-operation.ts';
import type { OperationRunner } from './sync/operation-runner.ts';
import { createOperationRunner, defaultInstanceId, recoverOperations } from './sync/sync-runtime.ts';

export interface AppOptions {
  logger?: Logger;
  /** Every SQL statement the ORM sends (tests count statements with it). */
  onQuery?: (sql: string) => void;
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly orm: MikroORM;
  readonly eventBus: EventBus;
  readonly secretBox: SecretBox;
  readonly databaseUrl: string;
  readonly runner: OperationRunner;
  readonly dependencies: ServiceDependencies;
  /** http://host:port of the running server (after start). */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Services bound to a fresh unit of work, for scripts and tests. */
  services(): RequestServices;
}

type ServerContext = Record<string, unknown>;

/** The composition root: builds the database, the services, GraphQL over HTTP, SSE and WebSocket. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl: string;
  if (config.database.kind === 'embedded') {
    embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port });
    databaseUrl = embedded.url;
    logger.info({ dataDir: config.database.dataDir }, 'embedded PostgreSQL (PGlite) started');
  } else {
    databaseUrl = config.database.url;
  }

  const orm = await initOrm({ url: databaseUrl, logger, onQuery: options.onQuery });
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
  const eventBus = new InProcessEventBus();

  const operationHandlers: OperationHandlers = {};
  registerGitopsOperations(operationHandlers);
  registerSyncHandlers(operationHandlers);
  // OPERATION_RUNNER: graphile-worker queues in this database (default) or this process only.
  const instanceId = defaultInstanceId();
  const runner = await createOperationRunner({
    config, logger, orm, databaseUrl, instanceId,
    execute: (operationId, runOptions) => executeOperation(dependencies, operationId, runOptions),
  });
  const dependencies: ServiceDependencies = { orm, config, logger, secretBox, eventBus, runner, operationHandlers };
  await recoverOperations(dependencies, instanceId);
  // Cluster watchers: started with the server, stopped before the ORM closes.
  const clusterWatchers = new FabricWatchers({ orm, secretBox, eventBus, logger: logger.child({ component: 'cluster' }) });
  dependencies.clusterWatchers = clusterWatchers;
  operationHandlers.cluster_refresh = clusterRefreshSteps(clusterWatchers);
  const services = (): RequestServices => createServices(dependencies);
  const githubWebhook = createGitHubWebhookHandler(dependencies);
  let headChecks: { stop(): Promise<void> } | null = null;

  const yoga: YogaServerInstance<ServerContext, GraphQLContext> = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: config.http.graphiql ? { subscriptionsProtocol: 'WS' } : false,
    landingPage: false,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error(args.map(String).join(' ')),
    },
    maskedErrors: { maskError: createErrorMasker(logger) },
    context: (initial): GraphQLContext => {
      const request = (initial as { request?: Request }).request;
      const requestId = request?.headers.get('x-request-id') ?? randomUUID();
      const requestServices = services();
      return {
        requestId,
        actor: { name: 'anonymous' },
        services: requestServices,
        dependencies,
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
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
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

  const webSockets = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const webSocketServer = useServer(
    {
      execute: (args) => (args.rootValue as { execute: typeof import('graphql').execute }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: typeof import('graphql').subscribe }).subscribe(args),
      onSubscribe: async (context, _id, payload) => {
        // The same envelop pipeline and context factory as HTTP and SSE.
        const enveloped = yoga.getEnveloped({
          ...context,
          req: context.extra.request,
          socket: context.extra.socket,
          params: payload,
        });
        const args = {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document: enveloped.parse(payload.query),
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
    dependencies,
    url: '',
    services,
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, config.http.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      app.url = `http://${config.http.host === 'localhost' ? 'localhost' : host}:${address.port}`;
      // Lost webhooks lose nothing: each fabric's branch head is compared every pullIntervalSeconds.
      if (config.headCheckEnabled) headChecks = startHeadChecks(dependencies);
      await clusterWatchers.start();
    },
    async stop() {
      // Stop accepting, end subscriptions so their streams complete, let requests finish, then close.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      eventBus.close();
      await webSocketServer.dispose();
      server.closeIdleConnections();
      const timeout = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      if (server.listening) await closed;
      clearTimeout(timeout);
      // Running operations see their signal aborted and stop at the next step boundary.
      await headChecks?.stop();
      await runner.close();
      await clusterWatchers.stop();
      await orm.close(true);
      await embedded?.stop();
    },
  };
  return app;
}
