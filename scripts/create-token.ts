/**
 * Creates an API token from the command line (for the first admin token of a deployment whose
 * printed one was lost, or for automation).
 *   npm run token:create -- --name ci-bot --role operator [--fabric <id> ...] [--expires 2027-01-01]
 */
import '../src/node-version.ts';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DataDirLockedError } from '../src/data-dir-lock.ts';
import { withConfiguredDatabase } from '../src/db/configured-database.ts';
import { TokenService } from '../src/auth/token.service.ts';
import { ROLES, type Role } from '../src/auth/api-token.entity.ts';

try {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      fabric: { type: 'string', multiple: true },
      expires: { type: 'string' },
    },
  });
  if (!values.name || !values.role || !(ROLES as readonly string[]).includes(values.role)) {
    throw new ConfigError([
      `usage: npm run token:create -- --name <name> --role ${ROLES.join('|')} [--fabric <id>]... [--expires <ISO date>]`,
    ]);
  }
  const config = loadConfig();
  await withConfiguredDatabase(config, async (orm) => {
    const { token, record } = await new TokenService({ em: orm.em.fork() }).create(
      {
        name: values.name!,
        role: values.role as Role,
        ...(values.fabric ? { fabricIds: values.fabric } : {}),
        ...(values.expires ? { expiresAt: new Date(values.expires) } : {}),
      },
      'command line',
    );
    console.log(`Created token "${record.name}" (${record.role}). It is shown only this once:\n\n    ${token}\n`);
  });
} catch (error) {
  if (error instanceof DataDirLockedError && error.holder.holder === 'gateway') {
    // Only the running gateway can write to its embedded database; a copy opened here would diverge.
    console.error(
      `A gateway (pid ${error.holder.pid}) runs on DATA_DIR ${error.dataDir} with the embedded database, which only that process can open: ` +
        'create the token through it with the createApiToken mutation (sent with an admin token), or stop the gateway first.',
    );
    process.exit(1);
  }
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
  process.exit(1);
}
