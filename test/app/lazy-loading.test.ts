import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';
import { HEDGEHOG_CRDS } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';

/**
 * Start-up time: the Kubernetes client (@kubernetes/client-node, ~870 modules, about half of what
 * a start loaded) is not loaded to serve; the composition root imports the adapter when a fabric
 * with a cluster connection starts watching. The gateway runs in its own process with a module
 * hook that writes down every module it loads (test/support/module-log-hook.mjs).
 */
const HOOK = pathToFileURL(path.resolve(import.meta.dirname, '../support/module-log-hook.mjs')).href;
const TOKEN = /hgw_[A-Za-z0-9_-]{43}/;
const KUBE_TOKEN = 'lazy-loading-kube-token';
const KUBERNETES_CLIENT = /\/node_modules\/@kubernetes\/client-node\//;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('lazy loading', () => {
  it('serves without the Kubernetes client, and loads it when a fabric with a cluster connection starts watching', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-lazy-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const moduleLog = path.join(dataDir, 'modules.log');
    const loaded = () => readFileSync(moduleLog, 'utf8').split('\n').filter(Boolean);

    const gateway = await startGatewayProcess({
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
      NODE_OPTIONS: `--import ${HOOK}`,
      MODULE_LOG: moduleLog,
    });
    cleanups.push(() => {
      gateway.child.kill('SIGKILL');
      return gateway.exited;
    });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    // The hook works (it saw the server's own modules), and saw no module of the Kubernetes client.
    const atReady = loaded();
    expect(atReady.some((url) => url.endsWith('/src/app.ts'))).toBe(true);
    expect(atReady.some((url) => /\/node_modules\/graphql-yoga\//.test(url))).toBe(true);
    expect(atReady.filter((url) => KUBERNETES_CLIENT.test(url))).toEqual([]);

    // A fabric with a cluster connection: its watch loads the adapter and opens watches.
    const kube = await KubeServer.start({ crds: Object.values(HEDGEHOG_CRDS), token: KUBE_TOKEN });
    cleanups.push(() => kube.close());
    const adminToken = gateway.lines.join('\n').match(TOKEN)?.[0];
    expect(adminToken).toBeDefined();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        query: 'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
        variables: { input: { name: 'lazy', kubernetes: { server: kube.url, token: KUBE_TOKEN } } },
      }),
    });
    expect(await response.json()).toMatchObject({ data: { createFabric: { id: expect.any(String) } } });
    await kube.waitForOpenWatches((open) => open > 0);
    expect(loaded().filter((url) => KUBERNETES_CLIENT.test(url)).length).toBeGreaterThan(100);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited, gateway.lines.join('\n')).toBe(0);
  }, 120_000);
});
