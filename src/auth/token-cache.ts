import type { Actor } from './tokens.ts';

export interface TokenCacheOptions {
  /** How long a token found valid is believed without asking the database again; 0 turns the cache off. */
  ttlMs: number;
  /** Tokens remembered at most (the oldest is forgotten first). */
  maxEntries?: number;
  /** The clock (tests drive it). */
  now?: () => number;
}

interface Entry {
  actor: Actor;
  until: number;
}

/**
 * Tokens recently found valid, by the SHA-256 of the token (the clear token is never kept), so
 * that a request does not cost a token lookup in the database when the same token was looked
 * up less than `ttlMs` ago. Only valid tokens are remembered: a token not found, revoked or
 * expired is looked up again every time.
 *
 * What this bounds: a token revoked through this gateway is forgotten at once (`forgetToken`,
 * called by the revocation and by the event every replica sharing the bus receives); revoked any
 * other way (SQL, a script, a replica on its own event bus), it keeps working for at most
 * `ttlMs`. An expiry is checked on every use, so an expired token is refused at its expiry.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: TokenCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The actor of a token looked up less than ttlMs ago and not expired since, if any. */
  get(tokenHash: string): Actor | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    const now = this.#now();
    if (entry.until <= now || (entry.actor.expiresAt && entry.actor.expiresAt.getTime() <= now)) {
      this.#entries.delete(tokenHash);
      return undefined;
    }
    return entry.actor;
  }

  /** Remembers a token just found valid in the database. */
  set(tokenHash: string, actor: Actor): void {
    if (this.#ttlMs <= 0) return;
    this.#entries.delete(tokenHash);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(tokenHash, { actor, until: this.#now() + this.#ttlMs });
  }

  /** Forgets a token by its id (it was revoked): its next use is looked up in the database. */
  forgetToken(tokenId: string): void {
    for (const [hash, entry] of this.#entries) if (entry.actor.tokenId === tokenId) this.#entries.delete(hash);
  }

  get size(): number {
    return this.#entries.size;
  }
}
