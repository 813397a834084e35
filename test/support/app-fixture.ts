/**
 * The app as a vitest fixture: `appTest` (or `appTestWith(options)`) is a `test` whose callbacks
 * receive `t`, a running gateway (see test-app.ts). The fixture is file-scoped: one app is started
 * for the first test of a file that asks for it, shared by the file's tests, and stopped after the
 * file's last test, so a file pays for one start as with a `beforeAll`, and a file whose tests are
 * all filtered out (`-t`) starts none.
 *
 *   const it = appTestWith({ env: { HEAD_CHECK: 'false' } });
 *   it('lists fabrics', async ({ t }) => { expect(await t.graphqlOk('{ fabrics { id } }')).toEqual(...) });
 *   it.beforeAll(async ({ t }) => { fabricId = (await createFabric(t)).id }); // suite hooks get it too
 *
 * Call appTestWith at the top level of the file (vitest refuses a file-scoped fixture declared
 * inside a describe); a describe that alone needs the app can alias it (`const it = withToken`).
 * Tests that start several apps on purpose (replicas on one database, a restart, a second app
 * with other settings) call startTestApp themselves.
 */
import { test } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.ts';

/** A `test` whose callbacks and suite hooks receive `t`, one app per file started with `options`. */
export function appTestWith(options: TestAppOptions = {}) {
  // vitest reads the fixture's dependencies from the first parameter's destructuring: none here.
  // biome-ignore lint/correctness/noEmptyPattern: vitest requires an object pattern
  return test.extend('t', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestApp> => {
    const t = await startTestApp(options);
    onCleanup(() => t.stop());
    return t;
  });
}

/** A `test` whose callbacks receive `t`, one app per file with the default settings. */
export const appTest = appTestWith();
