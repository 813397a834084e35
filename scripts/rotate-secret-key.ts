/**
 * Re-encrypts every stored credential under a new key.
 *   NEW_GATEWAY_SECRET_KEY=$(openssl rand -hex 32) npm run rotate-secret-key
 * The current key is the usual one (GATEWAY_SECRET_KEY, or the data directory's secret.key).
 * Stop the gateway first; then start it with GATEWAY_SECRET_KEY set to the new key.
 */
import '../src/node-version.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { withConfiguredDatabase } from '../src/db/configured-database.ts';
import { createLogger } from '../src/logger.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { resolveSecretKey } from '../src/secrets/secret-key.ts';
import { reencryptSecrets } from '../src/secrets/reencrypt.ts';

try {
  const config = loadConfig();
  const newKeyText = process.env.NEW_GATEWAY_SECRET_KEY ?? '';
  const newKey = /^[0-9a-fA-F]{64}$/.test(newKeyText)
    ? Buffer.from(newKeyText, 'hex')
    : Buffer.from(newKeyText, 'base64');
  if (newKey.length !== 32)
    throw new ConfigError(['NEW_GATEWAY_SECRET_KEY: must be 32 bytes as 64 hex characters or base64']);
  const logger = createLogger({ level: 'warn' });
  const from = new SecretBox(
    await resolveSecretKey({ configuredKey: config.secretKey, dataDir: config.dataDir, logger }),
  );
  const to = new SecretBox(newKey);
  await withConfiguredDatabase(config, async (orm) => {
    const result = await reencryptSecrets(orm, { from, to });
    console.log(
      `Re-encrypted ${result.reencrypted} secret(s); ${result.alreadyCurrent} already used the new key (${to.keyId}).`,
    );
    console.log('Now start the gateway with GATEWAY_SECRET_KEY set to the new key.');
  });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
  process.exit(1);
}
