/** Retry delays for watch streams (pure apart from the injected random source). */
import type { BackoffOptions } from './cluster-client.ts';

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (0 = first retry): exponential, capped, with "full jitter"
 * in the upper half so that many watchers that broke together do not reconnect together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
