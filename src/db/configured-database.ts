import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { initOrm, migrateToLatest } from './orm.ts';

/**
 * For command-line scripts: opens the database the configuration names (starting the embedded
 * one when needed), migrates it (unless told not to), runs `work`, and closes everything whatever happens.
 */
export async function withConfiguredDatabase<T>(
  config: Config,
  work: (orm: MikroORM) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const embedded = config.database.kind === 'embedded' ? await startEmbeddedPostgres({ dataDir: config.database.dataDir }) : null;
  const url = embedded?.url ?? (config.database as { url: string }).url;
  const orm = await initOrm({ url, poolSize: config.database.poolSize });
  try {
    if (options.migrate !== false) await migrateToLatest(orm);
    return await work(orm);
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
}
