/**
 * One git command that talks to a remote, as both git-backed adapters run it (the native
 * adapter's fetch, ls-remote and push; the GitHub adapter's fetches for folders its API cuts):
 * each attempt gets a credential session of its own (an ssh key written for that attempt and
 * removed after it, the askpass environment), and a transient failure is tried again after an
 * exponential backoff with jitter, with a fresh session.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { openCredentialSession, type GitAuth } from './credentials.ts';

export interface CredentialRetryOptions {
  auth: GitAuth;
  /** The adapter's askpass script and known_hosts file (see openCredentialSession). */
  paths: { askpassScript: string; knownHostsFile: string };
  /** @default { maxAttempts: 3, baseDelayMs: 250 } */
  retry?: { maxAttempts?: number; baseDelayMs?: number } | undefined;
  /** Whether a failure is worth another attempt (a 5xx, a dropped connection). */
  isTransient: (error: unknown) => boolean;
}

/**
 * Runs `attempt` with a fresh credential environment until it succeeds, fails for a reason that
 * is not transient, or has been tried `maxAttempts` times; the last failure is thrown as it is.
 */
export async function withCredentialRetry<T>(
  options: CredentialRetryOptions,
  attempt: (env: Record<string, string>, attemptNumber: number) => Promise<T>,
): Promise<T> {
  const maxAttempts = options.retry?.maxAttempts ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 250;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const session = await openCredentialSession(options.auth, options.paths);
    try {
      return await attempt(session.env, attemptNumber);
    } catch (error) {
      if (attemptNumber >= maxAttempts || !options.isTransient(error)) throw error;
    } finally {
      await session.dispose();
    }
    await delay(baseDelayMs * 2 ** (attemptNumber - 1) * (0.5 + Math.random()));
  }
}
