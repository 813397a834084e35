/** Removes secrets (and any `user:password@` in URLs) from text that may reach logs or errors. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; such secrets are refused at construction.
    if (secret.length >= 4) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}
