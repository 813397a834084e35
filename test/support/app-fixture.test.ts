/**
 * The app fixture itself (app-fixture.ts): started with the file's options, once for the whole
 * file, shared by its describes.
 */
import { describe, expect } from 'vitest';
import { appTestWith } from './app-fixture.ts';
import type { TestApp } from './test-app.ts';

const it = appTestWith({ env: { LOG_LEVEL: 'info' } });
const seen: TestApp[] = [];

describe('one app per file', () => {
  it('the first test that asks for `t` gets a running app, started with the options given', async ({ t }) => {
    seen.push(t);
    expect(t.app.config.logLevel).toBe('info');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(await t.graphqlOk('{ fabrics { id } }')).toEqual({ fabrics: [] });
  });

  it('every later test of the file gets the same app, still running', async ({ t }) => {
    seen.push(t);
    expect(seen[1]).toBe(seen[0]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});

describe('in another describe of the same file', () => {
  it('is still the same app', ({ t }) => {
    expect(seen.length).toBeGreaterThan(0);
    expect(t).toBe(seen[0]);
  });
});
