import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { printSortedSchema } from '../../src/graphql/schema.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('health and readiness', () => {
  let ready: TestApp;
  let unmigrated: TestApp;
  beforeAll(async () => {
    ready = await startTestApp();
    unmigrated = await startTestApp({ migrate: false });
  });
  afterAll(async () => {
    await ready?.stop();
    await unmigrated?.stop();
  });

  it('answers /healthz while the process is up and /readyz when the database is migrated', async () => {
    const health = await fetch(`${ready.url}/healthz`);
    expect(health.status).toBe(200);
    const readiness = await fetch(`${ready.url}/readyz`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toEqual({ status: 'ready' });
  });

  it('is not ready while migrations are pending', async () => {
    const readiness = await fetch(`${unmigrated.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'not_ready', reason: 'migrations pending' });
  });

  it('tags responses with a request id in the logs', async () => {
    await ready.graphql(`{ fabrics { id } }`, undefined, { 'x-request-id': 'req-abc-123' });
    await ready.graphql(`{ fabric(id: "not-a-uuid") { id } }`, undefined, { 'x-request-id': 'req-abc-124' });
    expect(ready.logs()).toMatch(/"level":\d+,"time":"[^"]+","service":"hedgehog-gitops-gateway"/);
  });
});

describe('schema.graphql', () => {
  it('is printed from the current schema', async () => {
    const checkedIn = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn === printSortedSchema(), 'schema.graphql is stale: run `npm run print-schema` and commit it').toBe(
      true,
    );
  });
});

describe('configuration', () => {
  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', GATEWAY_SECRET_KEY: 'short', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort();
      expect(problems).toEqual(['DATABASE_URL', 'GATEWAY_SECRET_KEY', 'LOG_LEVEL', 'PORT']);
    }
  });

  it('defaults to the embedded database on localhost:4000 with GraphiQL in development', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: 'localhost', port: 4000, graphiql: true });
    expect(config.database.kind).toBe('embedded');
    expect(
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', GATEWAY_SECRET_KEY: 'a'.repeat(64) }).http
        .graphiql,
    ).toBe(false);
  });

  it('requires a secret key in production with an external database', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).toThrow(/GATEWAY_SECRET_KEY/);
  });
});
