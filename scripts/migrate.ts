/** Applies pending migrations to the configured database (embedded or DATABASE_URL) and exits. */
import { ConfigError, loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { initOrm, migrateToLatest } from '../src/db/orm.ts';

try {
  const config = loadConfig();
  const embedded = config.database.kind === 'embedded' ? await startEmbeddedPostgres({ dataDir: config.database.dataDir }) : null;
  const orm = await initOrm({ url: embedded?.url ?? (config.database as { url: string }).url, poolSize: config.database.poolSize });
  try {
    const applied = await migrateToLatest(orm);
    console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
