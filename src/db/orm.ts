import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DataloaderType,
  DefaultLogger,
  type LogContext,
  type LoggerNamespace,
  type LoggerOptions,
} from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { currentRequestId, type Logger } from '../logger.ts';
import { checkDatabase } from './database-check.ts';
import { ENTITIES } from './entities.ts';
import { useFlatLiterals } from './json-parameter.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface OrmOptions {
  url: string;
  logger?: Logger;
  /**
   * Called with every SQL statement the ORM sends, the HTTP request it serves if any (tests count
   * statements with it) and its parameters (bench/read-path.ts replays a request's statements).
   */
  onQuery?: (sql: string, requestId: string | undefined, params: readonly unknown[]) => void;
  poolSize?: number;
  /** Create the database when the URL names one that does not exist (DATABASE_CREATE); default: refuse. */
  createDatabase?: boolean;
}

/** Forwards MikroORM's log lines to pino at debug level, and SQL statements to `onQuery`. */
class OrmLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly sink: { logger?: Logger; onQuery?: OrmOptions['onQuery'] },
  ) {
    super(options);
  }

  override isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    if (namespace === 'query' && this.sink.onQuery) return true;
    return super.isEnabled(namespace, context);
  }

  override log(namespace: LoggerNamespace, message: string, context?: LogContext): void {
    if (namespace === 'query' && this.sink.onQuery && context?.query) {
      this.sink.onQuery(context.query, currentRequestId(), context.params ?? []);
      if (!super.isEnabled(namespace, context)) return;
    }
    this.sink.logger?.debug({ orm: namespace }, message);
  }
}

export function ormConfig(options: OrmOptions): Options {
  return defineConfig({
    clientUrl: options.url,
    entities: ENTITIES,
    extensions: [Migrator],
    // Relations and collections asked for one by one (GraphQL fields) are batched per tick.
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    // checkDatabase decides whether a missing database may be created; MikroORM would always create it.
    ensureDatabase: false,
    debug: false,
    pool: { min: 0, max: options.poolSize ?? 10 },
    loggerFactory: (loggerOptions) =>
      new OrmLogger(loggerOptions, { logger: options.logger, onQuery: options.onQuery }),
    migrations: {
      path: MIGRATIONS_DIR,
      glob: '!(*.d).{js,ts}',
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      fileName: (timestamp, name) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
    schemaGenerator: { disableForeignKeys: false },
  });
}

/** Checks that the database can be opened (one clear error if not, see database-check.ts), then opens the ORM on it. */
export async function initOrm(options: OrmOptions): Promise<MikroORM> {
  await checkDatabase(options.url, { create: options.createDatabase ?? false, logger: options.logger });
  const orm = await MikroORM.init(ormConfig(options));
  useFlatLiterals(orm.em.getPlatform());
  return orm;
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(orm: MikroORM): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}

/** True when every checked-in migration has been applied. */
export async function migrationsAreCurrent(orm: MikroORM): Promise<boolean> {
  const pending = await orm.migrator.getPending();
  return pending.length === 0;
}
