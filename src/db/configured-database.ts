import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import { lockDataDir } from '../data-dir-lock.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { initOrm, migrateToLatest } from './orm.ts';

/**
 * For command-line scripts: opens the database the configuration names (starting the embedded
 * one when needed), migrates it (unless told not to), runs `work`, and closes everything whatever happens.
 *
 * The embedded server belongs to one process: a script takes DATA_DIR's lock before starting
 * it, so while a gateway runs on that DATA_DIR the script is refused (DataDirLockedError) instead
 * of starting a second server on the same folder. A PostgreSQL server of your own is shared: no
 * lock is needed.
 */
export async function withConfiguredDatabase<T>(
  config: Config,
  work: (orm: MikroORM) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const lock = config.database.kind === 'embedded' ? await lockDataDir(config.dataDir, scriptName()) : null;
  try {
    const embedded =
      config.database.kind === 'embedded'
        ? await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port })
        : null;
    try {
      const url = embedded?.url ?? (config.database as { url: string }).url;
      const orm = await initOrm({
        url,
        poolSize: config.database.poolSize,
        createDatabase: config.database.kind === 'external' && config.database.create,
      });
      try {
        if (options.migrate !== false) await migrateToLatest(orm);
        return await work(orm);
      } finally {
        await orm.close(true);
      }
    } finally {
      await embedded?.stop();
    }
  } finally {
    await lock?.release();
  }
}

/** "npm run token:create" when run through npm, else the script's file name. */
function scriptName(): string {
  const event = process.env.npm_lifecycle_event;
  return event ? `npm run ${event}` : path.basename(process.argv[1] ?? 'a script');
}
