import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.ts';

/**
 * Returns the configured key, or the one kept in the data directory, creating it on first use.
 * Only the embedded set-up relies on the file: with it, a newcomer's `npm start` works without
 * any setting, and the warning says what to do for a real deployment.
 */
export async function resolveSecretKey(options: {
  configuredKey: Buffer | null;
  dataDir: string;
  logger: Logger;
}): Promise<Buffer> {
  if (options.configuredKey) return options.configuredKey;
  const keyFile = path.join(options.dataDir, 'secret.key');
  try {
    const text = (await readFile(keyFile, 'utf8')).trim();
    return Buffer.from(text, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  options.logger.warn(
    { keyFile },
    'GATEWAY_SECRET_KEY is not set: generated a key in the data directory. Set GATEWAY_SECRET_KEY for any real deployment and keep it safe; without it the stored credentials cannot be read.',
  );
  return key;
}
