/**
 * A token bucket per key: `perMinute` units a minute, with bursts up to the same number.
 * Pure apart from the clock, which is passed in.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(readonly perMinute: number) {}

  /** Takes `cost` units from the key's bucket, all or none; false when it has fewer. */
  take(key: string, cost = 1, now = Date.now()): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.updatedAt) / 60_000) * this.perMinute);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Seconds until the key has `cost` units again (at least 1 when it has not now). */
  retryAfterSeconds(key: string, cost = 1): number {
    const bucket = this.buckets.get(key);
    if (!bucket || bucket.tokens >= cost) return 0;
    return Math.max(1, Math.ceil(((cost - bucket.tokens) / this.perMinute) * 60));
  }
}
