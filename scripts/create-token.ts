/**
 * Creates an API token from the command line (for the first admin token of a deployment whose
 * printed one was lost, or for automation).
 *   npm run token:create -- --name ci-bot --role operator [--fabric <id> ...] [--expires 2027-01-01]
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { withConfiguredDatabase } from '../src/db/configured-database.ts';
import { TokenService } from '../src/auth/token.service.ts';
import { ROLES, type Role } from '../src/auth/api-token.entity.ts';

try {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, role: { type: 'string' }, fabric: { type: 'string', multiple: true }, expires: { type: 'string' } },
  });
  if (!values.name || !values.role || !(ROLES as readonly string[]).includes(values.role)) {
    throw new ConfigError([`usage: npm run token:create -- --name <name> --role ${ROLES.join('|')} [--fabric <id>]... [--expires <ISO date>]`]);
  }
  const config = loadConfig();
  await withConfiguredDatabase(config, async (orm) => {
    const { token, record } = await new TokenService({ em: orm.em.fork() }).create(
      { name: values.name!, role: values.role as Role, ...(values.fabric ? { fabricIds: values.fabric } : {}), ...(values.expires ? { expiresAt: new Date(values.expires) } : {}) },
      'command line',
    );
    console.log(`Created token "${record.name}" (${record.role}). It is shown only this once:\n\n    ${token}\n`);
  });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
  process.exit(1);
}
