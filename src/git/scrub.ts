import { scrubUrlCredentials } from './repository-url.ts';

/** Removes secrets (and any credentials a URL carries, see repository-url.ts) from text that may reach logs or errors. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = scrubUrlCredentials(text);
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; such secrets are refused at construction.
    if (secret.length >= 4) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}
