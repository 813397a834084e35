import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting the gateway reads, parsed once at start-up. Nothing else in the code reads
 * `process.env`; everything receives the typed, frozen `Config`.
 */
const booleanFromString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const EnvironmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_CREATE: booleanFromString.default(false),
  EMBEDDED_DB_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).optional(),
  GATEWAY_SECRET_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHIQL: booleanFromString.optional(),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  MAX_YAML_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5 * 1024 * 1024),
  MAX_YAML_DOCUMENTS: z.coerce.number().int().min(1).default(50_000),
  VALIDATION_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  VALIDATION_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  VALIDATION_MAX_FINDINGS: z.coerce.number().int().min(1).default(1_000),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(12 * 1024 * 1024),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  MAX_QUERY_COST: z.coerce.number().int().min(10).default(20_000),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(1).default(30),
  MUTATIONS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  QUERIES_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  INTROSPECTION: booleanFromString.optional(),
  GIT_CACHE_DIR: z.string().min(1).optional(),
  GITHUB_API_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s):// URL')
    .optional(),
  GITOPS_MAX_COMMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(30 * 1024 * 1024),
  OPERATION_RUNNER: z.enum(['auto', 'graphile', 'in-process']).default('auto'),
  GRAPHILE_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),
  EVENT_BUS: z.enum(['auto', 'postgres', 'in-process']).default('auto'),
  OPERATION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PUSH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  HEAD_CHECK: booleanFromString.default(true),
  TOKEN_RECHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  TOKEN_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  MEMORY_RELEASE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{24,256}$/, 'must be 24 to 256 printable characters without spaces')
    .optional(),
});

export type Environment = z.infer<typeof EnvironmentSchema>;

export interface Config {
  readonly environment: 'development' | 'production' | 'test';
  readonly http: { readonly host: string; readonly port: number; readonly graphiql: boolean };
  readonly database:
    | {
        readonly kind: 'external';
        readonly url: string;
        readonly poolSize: number;
        /** DATABASE_CREATE: create the database DATABASE_URL names when it does not exist (otherwise refuse to start). */
        readonly create: boolean;
      }
    | { readonly kind: 'embedded'; readonly dataDir: string; readonly port: number; readonly poolSize: number };
  readonly dataDir: string;
  /** Raw 32-byte key, or null when the gateway should create/load one from the data directory. */
  readonly secretKey: Buffer | null;
  readonly logLevel: Environment['LOG_LEVEL'];
  readonly pagination: { readonly defaultPageSize: number; readonly maxPageSize: number };
  readonly shutdownTimeoutMs: number;
  readonly maxYamlBytes: number;
  /** Bounds of one validation request, and the worker threads that validate large inputs. */
  readonly validation: {
    readonly maxDocuments: number;
    readonly timeoutMs: number;
    /** null: one fewer than the cores, at least one. */
    readonly threads: number | null;
    readonly maxFindings: number;
  };
  readonly limits: {
    readonly maxBodyBytes: number;
    readonly maxQueryDepth: number;
    readonly maxQueryCost: number;
    readonly maxQueryAliases: number;
    readonly mutationsPerMinute: number;
    /** Query and subscription fields one token may send a minute. */
    readonly queriesPerMinute: number;
    readonly introspection: boolean;
  };
  /** Cached bare clones of the native git adapter. */
  readonly gitCacheDir: string;
  /** REST base URL used for every GitHub repository instead of the one derived from its URL (tests, proxies). */
  readonly githubApiUrl: string | null;
  /** Content per commit above which ingestion splits its change into several commits. */
  readonly gitopsMaxCommitBytes: number;
  /**
   * Sync operations run on graphile-worker queues (durable, one per fabric) or in this process
   * only; `auto` (the default) = graphile (see docs/sync.md).
   */
  readonly operationRunner: 'auto' | 'graphile' | 'in-process';
  /**
   * Where live events (operation progress, fabric events, cancel requests) travel: `postgres` =
   * LISTEN/NOTIFY, so replicas sharing the database see each other's events; `in-process` = this
   * process only; `auto` = postgres.
   */
  readonly eventBus: 'auto' | 'postgres' | 'in-process';
  /** How often graphile-worker looks for jobs when no NOTIFY told it of one (a missed notification). */
  readonly graphilePollIntervalMs: number;
  /** Fabrics whose operations this process runs at once. */
  readonly operationConcurrency: number;
  /** Commit attempts of one push when the branch keeps moving (pull, merge, retry). */
  readonly pushMaxAttempts: number;
  /** Periodic branch-head check per fabric (`pullIntervalSeconds`), so a lost webhook loses nothing. */
  readonly headCheckEnabled: boolean;
  /**
   * How often the tokens of open WebSocket and SSE connections are looked up again, so that a
   * revocation made elsewhere (another replica, a script) closes them within this time.
   */
  readonly tokenRecheckIntervalMs: number;
  /**
   * How long a token found valid is believed without a database lookup (0: looked up on every
   * request); a revocation made elsewhere than through this gateway takes effect within this time.
   */
  readonly tokenCacheMs: number;
  /**
   * How often the gateway checks whether it is quiet and holds memory it grew to and no longer
   * uses, and then hands V8's spare pages back to the system (src/memory.ts); 0: never.
   */
  readonly memoryReleaseIntervalMs: number;
  /**
   * How far V8 lets its old generation grow past what the last full collection kept before it
   * collects again, in percent (src/memory.ts, `limitHeapGrowth`); 0: V8's own factor (up to 4x).
   */
  readonly heapGrowthPercent: number;
  /** A bearer token that may read /metrics only (besides any API token of every fabric); never logged. */
  readonly metricsToken: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function decodeKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/** Parses the environment; every problem is reported at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.DEFAULT_PAGE_SIZE > e.MAX_PAGE_SIZE) problems.push('DEFAULT_PAGE_SIZE: must not exceed MAX_PAGE_SIZE');
  if (e.DATABASE_URL && !e.GATEWAY_SECRET_KEY && e.NODE_ENV === 'production') {
    problems.push('GATEWAY_SECRET_KEY: required in production with an external DATABASE_URL');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    environment: e.NODE_ENV,
    http: Object.freeze({ host: e.HOST, port: e.PORT, graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production' }),
    database: Object.freeze(
      e.DATABASE_URL
        ? {
            kind: 'external' as const,
            url: e.DATABASE_URL,
            poolSize: e.DATABASE_POOL_SIZE ?? 10,
            create: e.DATABASE_CREATE,
          }
        : {
            kind: 'embedded' as const,
            dataDir: path.join(dataDir, 'pgdata'),
            port: e.EMBEDDED_DB_PORT,
            poolSize: e.DATABASE_POOL_SIZE ?? 10,
          },
    ),
    dataDir,
    secretKey: e.GATEWAY_SECRET_KEY ? decodeKey(e.GATEWAY_SECRET_KEY) : null,
    logLevel: e.LOG_LEVEL,
    pagination: Object.freeze({ defaultPageSize: e.DEFAULT_PAGE_SIZE, maxPageSize: e.MAX_PAGE_SIZE }),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    maxYamlBytes: e.MAX_YAML_BYTES,
    validation: Object.freeze({
      maxDocuments: e.MAX_YAML_DOCUMENTS,
      timeoutMs: e.VALIDATION_TIMEOUT_MS,
      threads: e.VALIDATION_THREADS ?? null,
      maxFindings: e.VALIDATION_MAX_FINDINGS,
    }),
    limits: Object.freeze({
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxQueryDepth: e.MAX_QUERY_DEPTH,
      maxQueryCost: e.MAX_QUERY_COST,
      maxQueryAliases: e.MAX_QUERY_ALIASES,
      mutationsPerMinute: e.MUTATIONS_PER_MINUTE,
      queriesPerMinute: e.QUERIES_PER_MINUTE,
      introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
    }),
    gitCacheDir: e.GIT_CACHE_DIR ? path.resolve(e.GIT_CACHE_DIR) : path.join(dataDir, 'git-cache'),
    githubApiUrl: e.GITHUB_API_URL ?? null,
    gitopsMaxCommitBytes: e.GITOPS_MAX_COMMIT_BYTES,
    operationRunner: e.OPERATION_RUNNER,
    eventBus: e.EVENT_BUS,
    graphilePollIntervalMs: e.GRAPHILE_POLL_INTERVAL_MS,
    operationConcurrency: e.OPERATION_CONCURRENCY,
    pushMaxAttempts: e.PUSH_MAX_ATTEMPTS,
    headCheckEnabled: e.HEAD_CHECK,
    tokenRecheckIntervalMs: e.TOKEN_RECHECK_INTERVAL_MS,
    tokenCacheMs: e.TOKEN_CACHE_MS,
    memoryReleaseIntervalMs: e.MEMORY_RELEASE_INTERVAL_MS,
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT,
    metricsToken: e.METRICS_TOKEN ?? null,
  });
}
