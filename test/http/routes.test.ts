/**
 * The HTTP routes of src/http/routes.ts answered by `app.yoga.fetch`: a real app on a real
 * database, no port opened (start() is never called).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { WEBHOOK_PATH } from '../../src/http/github-webhook.ts';
import { createTestDatabase } from '../support/database.ts';

const MAX_BODY_BYTES = 4096;

async function unstartedApp(options: { migrate?: boolean } = {}) {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-routes-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
  });
  const app = await buildApp(config, {
    logger: createLogger({ level: 'silent' }),
    migrate: options.migrate,
    onFirstAdminToken: false,
  });
  return {
    app,
    async stop() {
      await app.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe('HTTP routes through yoga.fetch, without a port', () => {
  let ready: { app: App; stop(): Promise<void> };
  let unmigrated: { app: App; stop(): Promise<void> };
  beforeAll(async () => {
    ready = await unstartedApp();
    unmigrated = await unstartedApp({ migrate: false });
  });
  afterAll(async () => {
    await ready?.stop();
    await unmigrated?.stop();
  });

  it('/healthz answers 200', async () => {
    expect((await ready.app.yoga.fetch('http://gateway/healthz')).status).toBe(200);
    expect((await unmigrated.app.yoga.fetch('http://gateway/healthz')).status).toBe(200);
  });

  it('/readyz: 200 when migrated, 503 with the reason while migrations are pending', async () => {
    const readiness = await ready.app.yoga.fetch('http://gateway/readyz');
    expect(readiness.status).toBe(200);
    expect(readiness.headers.get('content-type')).toBe('application/json');
    expect(await readiness.json()).toEqual({ status: 'ready' });
    const pending = await unmigrated.app.yoga.fetch('http://gateway/readyz');
    expect(pending.status).toBe(503);
    expect(await pending.json()).toEqual({ status: 'not_ready', reason: 'migrations pending' });
    // The path only: yoga's useReadinessCheck also answered any URL ending in /readyz.
    expect((await ready.app.yoga.fetch('http://gateway/elsewhere/readyz')).status).toBe(404);
    expect((await ready.app.yoga.fetch('http://gateway/readyz?probe=1')).status).toBe(200);
  });

  it('refuses a /graphql POST larger than MAX_BODY_BYTES (413) or of unknown size (411), before authentication', async () => {
    const body = JSON.stringify({ query: '{ fabrics { id } }', padding: 'x'.repeat(MAX_BODY_BYTES) });
    const tooLarge = await ready.app.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('connection')).toBe('close');
    expect(await tooLarge.json()).toEqual({
      errors: [
        { message: `The request body is larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: 'INVALID_INPUT' } },
      ],
    });
    // A streamed body has no Content-Length.
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(new TextEncoder().encode('{}'));
        controller.close();
      },
    });
    const unknownSize = await ready.app.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(unknownSize.status).toBe(411);
    expect((await unknownSize.json()).errors[0].extensions.code).toBe('INVALID_INPUT');
    // A length that is not a plain number (node:http refuses it on a port; yoga.fetch does not).
    for (const length of ['1e3', '30, 30', '-1', '0x1e']) {
      const malformed = await ready.app.yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': length },
        body: '{"query":"{ fabrics { id } }"}',
      });
      expect(malformed.status, length).toBe(400);
      expect((await malformed.json()).errors[0].extensions.code).toBe('INVALID_INPUT');
    }
    // Within the limit, the request goes on to authentication (no token: 401).
    const small = '{"query":"{ fabrics { id } }"}';
    const unauthenticated = await ready.app.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(small.length) },
      body: small,
    });
    expect(unauthenticated.status).toBe(401);
  });

  it('GraphQL at the other URLs yoga serves it on (/graphql/, any URL ending in /graphql) needs a token too', async () => {
    for (const url of ['http://gateway/graphql/', 'http://gateway/x?/graphql', 'http://gateway/x?q=/graphql/']) {
      const body = '{"query":"{ fabrics { id } }"}';
      const response = await ready.app.yoga.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        body,
      });
      expect(response.status, url).toBe(401);
      expect((await response.json()).errors[0].extensions.code, url).toBe('UNAUTHENTICATED');
    }
  });

  it('the GitHub webhook: POST only, and nothing without a valid signature', async () => {
    const get = await ready.app.yoga.fetch(`http://gateway${WEBHOOK_PATH}`);
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual({ error: 'POST only' });
    const unsigned = await ready.app.yoga.fetch(`http://gateway${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      body: '{"repository":{"html_url":"https://github.com/acme/fabric"}}',
    });
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).error).toMatch(/signature/);
  });
});
