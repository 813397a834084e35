/**
 * Generates a migration from the difference between the entities and a scratch database that has
 * every existing migration applied. Usage: `npm run migration:create -- name`. Uses a throwaway
 * embedded PostgreSQL server, so no server of your own is needed.
 */
import { startTemporaryPostgres } from '../src/db/embedded-postgres.ts';
import { initOrm } from '../src/db/orm.ts';

const name = process.argv[2];
const database = await startTemporaryPostgres();
const orm = await initOrm({ url: database.url, poolSize: 1 });
try {
  await orm.migrator.up();
  const result = await orm.migrator.create(undefined, false, false, name);
  if (result.diff.up.length === 0) console.log('No changes: the migrations already match the entities.');
  else console.log(`Created ${result.fileName}`);
} finally {
  await orm.close(true);
  await database.stop();
}
