/**
 * Token lookups are cached for TOKEN_CACHE_MS (auth/token-cache.ts): a request with a token
 * looked up moments ago costs no lookup, a revocation through the API takes effect at once, one
 * made behind the gateway's back within the bound, an expiry at its time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenCache } from '../../src/auth/token-cache.ts';
import type { Actor } from '../../src/auth/tokens.ts';
import { queryDatabase } from '../support/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const actor = (tokenId: string, expiresAt: Date | null = null): Actor => ({
  name: tokenId,
  role: 'viewer',
  fabricIds: null,
  tokenId,
  expiresAt,
});

describe('TokenCache', () => {
  it('believes a token for ttlMs, then asks again', () => {
    let now = 1_000;
    const cache = new TokenCache({ ttlMs: 5_000, now: () => now });
    cache.set('hash-a', actor('a'));
    now += 4_999;
    expect(cache.get('hash-a')?.tokenId).toBe('a');
    now += 1;
    expect(cache.get('hash-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('refuses at the expiry time even within ttlMs', () => {
    let now = 1_000;
    const cache = new TokenCache({ ttlMs: 60_000, now: () => now });
    cache.set('hash-a', actor('a', new Date(2_000)));
    expect(cache.get('hash-a')).toBeDefined();
    now = 2_000;
    expect(cache.get('hash-a')).toBeUndefined();
  });

  it('forgets a revoked token by its id, and the oldest token past maxEntries', () => {
    const cache = new TokenCache({ ttlMs: 60_000, maxEntries: 2 });
    cache.set('hash-a', actor('a'));
    cache.set('hash-b', actor('b'));
    cache.forgetToken('a');
    expect(cache.get('hash-a')).toBeUndefined();
    cache.set('hash-c', actor('c'));
    cache.set('hash-d', actor('d'));
    expect(cache.size).toBe(2);
    expect(cache.get('hash-b')).toBeUndefined();
    expect(cache.get('hash-d')?.tokenId).toBe('d');
  });

  it('remembers nothing with ttlMs 0', () => {
    const cache = new TokenCache({ ttlMs: 0 });
    cache.set('hash-a', actor('a'));
    expect(cache.get('hash-a')).toBeUndefined();
  });
});

describe('a gateway that caches token lookups for 60 s', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TOKEN_CACHE_MS: '60000' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const asToken = (token: string, requestId: string) =>
    t.graphql('{ fabrics { id } }', {}, { authorization: `Bearer ${token}`, 'x-request-id': requestId });
  const tokenLookups = (requestId: string) => t.statementsOf(requestId).filter((sql) => sql.includes('api_token'));

  it('looks a token up once, not on every request', async () => {
    const token = await t.createToken({ role: 'viewer' });
    expect((await asToken(token, 'cache-first')).errors).toBeUndefined();
    expect(tokenLookups('cache-first').length).toBeGreaterThan(0);
    expect((await asToken(token, 'cache-second')).errors).toBeUndefined();
    expect(tokenLookups('cache-second')).toEqual([]);
  });

  it('refuses a token revoked through the API at once', async () => {
    const token = await t.createToken({ role: 'viewer', name: 'revoked-over-api' });
    expect((await asToken(token, 'cache-before-revoke')).errors).toBeUndefined();
    const [row] = await queryDatabase<{ id: string }>(t.database.url, `select id from api_token where name = $1`, [
      'revoked-over-api',
    ]);
    await t.graphqlOk(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: row!.id });
    const after = await asToken(token, 'cache-after-revoke');
    expect(after.errors?.[0]).toMatchObject({
      message: 'The API token has been revoked',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a token revoked in the database at once on an operation sent over a WebSocket', async () => {
    const token = await t.createToken({ role: 'viewer', name: 'revoked-behind' });
    expect((await asToken(token, 'cache-ws-before')).errors).toBeUndefined();
    await queryDatabase(t.database.url, `update api_token set revoked_at = now() where name = $1`, ['revoked-behind']);
    // HTTP still believes the cached lookup (documented: up to TOKEN_CACHE_MS) ...
    expect((await asToken(token, 'cache-ws-http')).errors).toBeUndefined();
    // ... an operation over a WebSocket looks the token up again.
    const client = t.wsClient({ token, lazy: false, onNonLazyError: () => {} });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      client.on('closed', (event) => resolve(event as { code: number; reason: string })),
    );
    try {
      const result = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: '{ fabrics { id } }' }, { next: resolve, error: resolve, complete: () => {} });
      });
      expect(result).toBeDefined();
      expect(await closed).toMatchObject({ code: 4403, reason: 'The API token has been revoked' });
    } finally {
      await client.dispose();
    }
  });
});

describe('a gateway that caches token lookups for 300 ms', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TOKEN_CACHE_MS: '300' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses a token revoked in the database once the cached lookup is older than the bound', async () => {
    const token = await t.createToken({ role: 'viewer', name: 'revoked-in-sql' });
    const ask = () => t.graphql('{ fabrics { id } }', {}, { authorization: `Bearer ${token}` });
    expect((await ask()).errors).toBeUndefined();
    await queryDatabase(t.database.url, `update api_token set revoked_at = now() where name = $1`, ['revoked-in-sql']);
    await vi.waitFor(
      async () => {
        expect((await ask()).errors?.[0]?.message).toBe('The API token has been revoked');
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});
