/** Applies pending migrations to the configured database (embedded or DATABASE_URL) and exits. */
import '../src/node-version.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { withConfiguredDatabase } from '../src/db/configured-database.ts';
import { migrateToLatest } from '../src/db/orm.ts';
import { StartupError } from '../src/startup-error.ts';

try {
  const applied = await withConfiguredDatabase(loadConfig(), async (orm) => migrateToLatest(orm), { migrate: false });
  console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
  process.exit(1);
}
