import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { appTestWith } from '../support/app-fixture.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';

/**
 * GraphiQL in a real browser (Debian's Chromium, headless) with no network but loopback: the
 * page and its assets come from the gateway alone, the first screen says how to give it a token,
 * the schema explorer lists the gateway's types once it has one, and a subscription streams.
 * .ci/run installs chromium; without /usr/bin/chromium this file is skipped.
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve(import.meta.dirname, '../../test-results/graphiql-explorer.png');
const hasChromium = existsSync(CHROMIUM);
let browser: Browser;
let page: Page;
/** Every request the page tried that did not go to the gateway (each one refused). */
const offLoopback: string[] = [];

const it = appTestWith({ env: { GRAPHIQL: 'true' } });
it.beforeAll(async () => {
  if (!hasChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Name resolution off too, for anything the request hook does not see.
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--headless',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'blob:' || url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    offLoopback.push(url.href);
    return route.abort('internetdisconnected');
  });
  page = await context.newPage();
});
it.afterAll(async () => {
  await browser?.close();
});

/** An element's text as read (Monaco renders spaces as no-break spaces). */
const textOf = async (locator: ReturnType<Page['locator']>) =>
  ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');

/** Replaces the whole text of a Monaco editor (GraphiQL's query and headers editors). */
async function replaceEditorText(editor: ReturnType<Page['locator']>, text: string): Promise<void> {
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText types no keys, so the editor adds no closing brackets or quotes of its own.
  await page.keyboard.insertText(text);
}

it.skipIf(!hasChromium)(
  `works offline: says how to set the token, lists Fabric in the explorer, streams a subscription (runs only where ${CHROMIUM} is installed)`,
  async ({ t }) => {
    await page.goto(`${t.url}/graphql`);
    // The first screen: how to give the page a token, and a header to put it in.
    const queryEditor = page.locator('.graphiql-query-editor');
    await expect.poll(() => textOf(queryEditor), { timeout: 60_000 }).toContain('Every request needs an API token');
    const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor').last();
    await expect.poll(() => textOf(headersEditor)).toContain('Bearer <paste your API token here>');

    await replaceEditorText(headersEditor, JSON.stringify({ Authorization: `Bearer ${t.adminToken}` }));
    await page.getByRole('button', { name: /Re-fetch GraphQL schema/ }).click();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const explorer = page.locator('.graphiql-doc-explorer');
    const fabricType = explorer.locator('a.graphiql-doc-explorer-type-name', { hasText: /^Fabric$/ });
    await expect.poll(() => fabricType.count(), { timeout: 30_000 }).toBe(1);
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);

    // A subscription run from the page receives the event of a draft made elsewhere.
    const fabric = await createFabric(t);
    await replaceEditorText(
      queryEditor,
      `subscription { fabricEvents(fabricId: "${fabric.id}") { type ... on DraftChangedEvent { resourceId } } }`,
    );
    // Server-Sent Events: the response starts once the server has subscribed.
    const streamOpened = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/graphql' &&
        (response.headers()['content-type'] ?? '').includes('text/event-stream'),
    );
    await page.getByRole('button', { name: /Execute query/ }).click();
    await streamOpened;
    const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('from-the-browser-test'));
    const result = page.locator('.graphiql-response');
    await expect.poll(() => textOf(result), { timeout: 30_000 }).toContain(draft.id);
    expect(await textOf(result)).toContain('DRAFT_CHANGED');

    // The token stays out of the browser's storage (headers are not persisted).
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain(
      t.adminToken,
    );
    expect(offLoopback).toEqual([]);
  },
  180_000,
);
