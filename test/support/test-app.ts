import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';
import { buildApp, type App } from '../../src/app.ts';
import type { Role } from '../../src/auth/api-token.entity.ts';
import { loadConfig } from '../../src/config.ts';
import type { OpenGitHost } from '../../src/git/git-host.ts';
import { gitHostOpener } from '../../src/git/git-host-factory.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  /** http://127.0.0.1:port */
  url: string;
  /** An admin token; `graphql` sends it unless the headers say otherwise. */
  adminToken: string;
  /** A token with the given role (and fabrics), named `name`. */
  createToken(options: { role: Role; name?: string; fabricIds?: string[]; expiresAt?: Date }): Promise<string>;
  /** A graphql-ws client on the real port, authenticated as admin unless another token is given. */
  wsClient(options?: { token?: string | null } & Partial<ClientOptions>): Client;
  /** POSTs a GraphQL request to /graphql on the real port, as admin unless headers give another authorization. */
  graphql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Like graphql, but fails the test on any error and returns data. */
  graphqlOk<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Every JSON log line the app wrote so far. */
  logs(): string;
  /** SQL statements the ORM sent, in order (reset with `sql.length = 0`). */
  sql: string[];
  /** SQL statements the ORM sent for the HTTP request sent with this `x-request-id`, in order. */
  statementsOf(requestId: string): string[];
  stop(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  migrate?: boolean;
  database?: TestDatabase;
  /** The app's GitHost opener, given the one it would use (to wrap it: see git-host-hook.ts). */
  openGitHost?: (gateway: OpenGitHost) => OpenGitHost;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  // A given database is shared (a second replica); the app creates and drops only its own.
  const database = options.database ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'debug',
    // Tests poll with queries; a test about the query rate limit sets its own.
    QUERIES_PER_MINUTE: '100000',
    ...options.env,
  });
  const logStream = new PassThrough();
  const logChunks: string[] = [];
  logStream.on('data', (chunk: Buffer) => logChunks.push(chunk.toString('utf8')));
  const logger = createLogger({ level: config.logLevel, destination: logStream });
  const sql: string[] = [];
  const byRequest = new Map<string, string[]>();
  const onQuery = (statement: string, requestId: string | undefined) => {
    sql.push(statement);
    if (requestId) byRequest.set(requestId, [...(byRequest.get(requestId) ?? []), statement]);
  };
  const openGitHost = options.openGitHost?.(
    gitHostOpener({ cacheDir: config.gitCacheDir, githubApiUrl: config.githubApiUrl }),
  );
  const app = await buildApp(config, {
    logger,
    onQuery,
    migrate: options.migrate,
    onFirstAdminToken: false,
    ...(openGitHost ? { openGitHost } : {}),
  });
  await app.start();
  const createToken = async (tokenOptions: { role: Role; name?: string; fabricIds?: string[]; expiresAt?: Date }) => {
    const created = await app.services().tokens.create(
      {
        name: tokenOptions.name ?? `test-${tokenOptions.role}-${randomBytes(4).toString('hex')}`,
        role: tokenOptions.role,
        ...(tokenOptions.fabricIds ? { fabricIds: tokenOptions.fabricIds } : {}),
        ...(tokenOptions.expiresAt ? { expiresAt: tokenOptions.expiresAt } : {}),
      },
      'test',
    );
    return created.token;
  };
  const adminToken =
    options.migrate === false
      ? ''
      : await createToken({
          role: 'admin',
          name: options.database ? `test-admin-${randomBytes(4).toString('hex')}` : 'test-admin',
        });

  const graphql = async <T>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${adminToken}`,
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };

  return {
    app,
    database,
    url: app.url,
    adminToken,
    createToken,
    wsClient: ({ token = adminToken, ...clientOptions } = {}) =>
      createClient({
        url: `${app.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        ...(token === null ? {} : { connectionParams: { authorization: `Bearer ${token}` } }),
        ...clientOptions,
      }),
    graphql,
    async graphqlOk<T>(query: string, variables?: Record<string, unknown>) {
      const result = await graphql<T>(query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as T;
    },
    logs: () => logChunks.join(''),
    sql,
    statementsOf: (requestId) => byRequest.get(requestId) ?? [],
    async stop() {
      await app.stop();
      if (!options.database) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
