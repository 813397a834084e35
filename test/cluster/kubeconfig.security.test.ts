import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTestWith } from '../support/app-fixture.ts';
import { stringify } from 'yaml';
import { topics } from '../../src/events/event-bus.ts';
import { FabricSchema } from '../../src/fabric/fabric.entity.ts';
import { queryDatabase, rowCounts } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';
let listener: Server;
let listenerUrl: string;
let gatewayPort: number;
/** A file in DATA_DIR, as the master key would be; its contents must never leave the process. */
let secretFile: string;
const FILE_SECRET = `FILE-SECRET-${randomBytes(8).toString('hex')}`;
const received: { url: string; headers: IncomingHttpHeaders }[] = [];
const waiters: { match: (headers: IncomingHttpHeaders) => boolean; resolve: () => void }[] = [];
/** A fabric without a cluster connection, that hostile updates must leave as it is. */
let plainFabricId: string;

const it = appTestWith({ env: { MUTATIONS_PER_MINUTE: '10000', HEAD_CHECK: 'false' } });
it.beforeAll(async ({ t }) => {
  gatewayPort = Number(new URL(t.url).port);
  secretFile = path.join(t.app.config.dataDir, 'secret.key');
  await writeFile(secretFile, FILE_SECRET);
  listener = createServer((req, res) => {
    received.push({ url: req.url ?? '', headers: req.headers });
    for (const waiter of [...waiters]) {
      if (waiter.match(req.headers)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    res
      .writeHead(401, { 'content-type': 'application/json' })
      .end('{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","code":401}');
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  plainFabricId = (await createFabric(t, { name: 'kube-plain' })).id;
});
it.afterAll(async () => {
  listener?.closeAllConnections();
  await new Promise((resolve) => listener?.close(resolve));
});

function requestWithToken(token: string): Promise<void> {
  if (received.some((request) => request.headers.authorization === `Bearer ${token}`)) return Promise.resolve();
  return new Promise((resolve) =>
    waiters.push({ match: (headers) => headers.authorization === `Bearer ${token}`, resolve }),
  );
}

/**
 * Creates a fabric whose watcher contacts the listener with a fresh token, and waits for that
 * request: everything queued before it has had its chance to reach the listener.
 */
async function barrier(t: TestApp): Promise<void> {
  const token = `BARRIER-${randomBytes(6).toString('hex')}`;
  const fabric = await createFabric(t, { kubernetes: { kubeconfig: kubeconfig({ user: { token } }) } });
  await requestWithToken(token);
  await t.graphqlOk(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
}

function listenerSawSecret(): boolean {
  return received.some((request) => JSON.stringify(request).includes(FILE_SECRET));
}

interface KubeconfigParts {
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  context?: Record<string, unknown>;
  top?: Record<string, unknown>;
  /** Second entries, not used by the current context: they are checked all the same. */
  otherCluster?: Record<string, unknown>;
  otherUser?: Record<string, unknown>;
}

function kubeconfig(parts: KubeconfigParts = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'c',
    clusters: [
      { name: 'k', cluster: { server: listenerUrl, ...parts.cluster } },
      ...(parts.otherCluster ? [{ name: 'k2', cluster: { server: listenerUrl, ...parts.otherCluster } }] : []),
    ],
    users: [
      { name: 'u', user: { token: 'INLINE-TOKEN', ...parts.user } },
      ...(parts.otherUser ? [{ name: 'u2', user: { ...parts.otherUser } }] : []),
    ],
    contexts: [{ name: 'c', context: { cluster: 'k', user: 'u', ...parts.context } }],
    ...parts.top,
  });
}

async function snapshot(t: TestApp) {
  const counts = await rowCounts(t.database.url);
  const fabrics = await queryDatabase(
    t.database.url,
    'select id, name, kubernetes_server, encrypted_kubernetes_credentials, kubernetes_namespaces, updated_at from fabric order by id',
  );
  return { counts, fabrics };
}

const createMutation = `mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }`;
const updateMutation = `mutation($id: ID!, $input: UpdateFabricInput!) { updateFabric(id: $id, input: $input) { id } }`;

type Kubernetes = Record<string, unknown>;
async function sendBoth(t: TestApp, kubernetes: () => Kubernetes) {
  return [
    await t.graphql(createMutation, {
      input: { name: `kube-${randomBytes(4).toString('hex')}`, kubernetes: kubernetes() },
    }),
    await t.graphql(updateMutation, { id: plainFabricId, input: { kubernetes: kubernetes() } }),
  ];
}

const marker = (t: TestApp) => path.join(t.app.config.dataDir, 'exec-ran');

describe('a kubeconfig may hold inline credentials only', () => {
  const refused: { field: string; parts: (t: TestApp) => KubeconfigParts }[] = [
    {
      field: 'clusters[0].cluster.certificate-authority',
      parts: () => ({ cluster: { 'certificate-authority': secretFile } }),
    },
    { field: 'clusters[0].cluster.proxy-url', parts: () => ({ cluster: { 'proxy-url': listenerUrl } }) },
    { field: 'clusters[0].cluster.unknown-field', parts: () => ({ cluster: { 'unknown-field': secretFile } }) },
    {
      field: 'clusters[1].cluster.certificate-authority',
      parts: () => ({ otherCluster: { 'certificate-authority': secretFile } }),
    },
    { field: 'users[0].user.token-file', parts: () => ({ user: { token: undefined, 'token-file': secretFile } }) },
    { field: 'users[0].user.tokenFile', parts: () => ({ user: { token: undefined, tokenFile: secretFile } }) },
    { field: 'users[0].user.client-certificate', parts: () => ({ user: { 'client-certificate': secretFile } }) },
    { field: 'users[0].user.client-key', parts: () => ({ user: { 'client-key': secretFile } }) },
    {
      field: 'users[0].user.exec',
      parts: (t) => ({
        user: { exec: { command: '/bin/touch', args: [marker(t)], apiVersion: 'client.authentication.k8s.io/v1' } },
      }),
    },
    {
      field: 'users[0].user.auth-provider',
      parts: () => ({ user: { 'auth-provider': { name: 'tokenFile', config: { tokenFile: secretFile } } } }),
    },
    { field: 'users[0].user.as', parts: () => ({ user: { as: 'system:admin' } }) },
    { field: 'users[1].user.token-file', parts: () => ({ otherUser: { 'token-file': secretFile } }) },
    { field: 'contexts[0].context.unknown-field', parts: () => ({ context: { 'unknown-field': 'x' } }) },
    { field: 'credential-files', parts: () => ({ top: { 'credential-files': [secretFile] } }) },
  ];

  it.for(refused)(
    'refuses $field (createFabric and updateFabric) naming the field, no path, nothing changed',
    async ({ field, parts }, { t }) => {
      const before = await snapshot(t);
      for (const response of await sendBoth(t, () => ({ kubeconfig: kubeconfig(parts(t)) }))) {
        expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response)).toBe('INVALID_INPUT');
        const message = response.errors?.[0]?.message ?? '';
        expect(message).toContain(field);
        expect(JSON.stringify(response)).not.toContain(t.app.config.dataDir);
        expect(JSON.stringify(response)).not.toContain(FILE_SECRET);
        expect(JSON.stringify(response)).not.toContain('ENOENT');
      }
      expect(await snapshot(t)).toEqual(before);
    },
  );

  it('answers the same for a missing file as for an existing one (no existence oracle)', async ({ t }) => {
    const existing = await t.graphql(createMutation, {
      input: { name: 'kube-oracle', kubernetes: { kubeconfig: kubeconfig({ user: { 'token-file': secretFile } }) } },
    });
    const missing = await t.graphql(createMutation, {
      input: {
        name: 'kube-oracle',
        kubernetes: { kubeconfig: kubeconfig({ user: { 'token-file': `${secretFile}.missing` } }) },
      },
    });
    expect(existing.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(missing.errors?.[0]?.message).toBe(existing.errors?.[0]?.message);
  });

  it('refuses YAML that is not a kubeconfig without quoting it', async ({ t }) => {
    const before = await snapshot(t);
    for (const text of [
      `clusters: [ {${FILE_SECRET}`,
      `- ${FILE_SECRET}`,
      `clusters: ${FILE_SECRET}`,
      kubeconfig({ top: { 'current-context': 'nowhere' } }),
    ]) {
      for (const response of await sendBoth(t, () => ({ kubeconfig: text }))) {
        expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response)).toBe('INVALID_INPUT');
        expect(JSON.stringify(response)).not.toContain(FILE_SECRET);
      }
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('accepts inline credentials (token, certificate data, username/password) and uses them', async ({ t }) => {
    const token = `INLINE-${randomBytes(6).toString('hex')}`;
    const fabric = await createFabric(t, {
      kubernetes: {
        kubeconfig: kubeconfig({
          top: { preferences: {} },
          cluster: { 'insecure-skip-tls-verify': true, 'tls-server-name': 'kube.example' },
          user: { token },
          context: { namespace: 'default' },
          otherUser: { username: 'admin', password: 'pw' },
        }),
      },
    });
    await requestWithToken(token);
    const tested = await t.graphqlOk(`mutation($f: ID!) { testClusterConnection(fabricId: $f) { ok error } }`, {
      f: fabric.id,
    });
    expect(tested.testClusterConnection.error).toContain('401');
    await t.graphqlOk(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
  });

  it('sent nothing read from a file to the listener, and ran no command', async ({ t }) => {
    await barrier(t);
    expect(listenerSawSecret()).toBe(false);
    expect(existsSync(marker(t))).toBe(false);
    expect(t.logs()).not.toContain(FILE_SECRET);
  });
});

describe('a stored kubeconfig is loaded through the same checks', () => {
  const stored: { field: string; parts: (t: TestApp) => KubeconfigParts }[] = [
    { field: 'users[0].user.token-file', parts: () => ({ user: { token: undefined, 'token-file': secretFile } }) },
    { field: 'users[1].user.token-file', parts: () => ({ otherUser: { 'token-file': secretFile } }) },
    {
      field: 'clusters[0].cluster.certificate-authority',
      parts: () => ({ cluster: { 'certificate-authority': secretFile } }),
    },
    {
      field: 'users[0].user.exec',
      parts: (t) => ({
        user: { exec: { command: '/bin/touch', args: [marker(t)], apiVersion: 'client.authentication.k8s.io/v1' } },
      }),
    },
  ];

  it.for(stored)(
    'a stored kubeconfig with $field reads no file, in testClusterConnection and in the watcher',
    async ({ field, parts }, { t }) => {
      // Written past the API, as an older gateway could have stored it.
      const em = t.app.orm.em.fork();
      const fabric = em.create(FabricSchema, {
        name: `kube-stored-${randomBytes(4).toString('hex')}`,
        kubernetesServer: listenerUrl,
        encryptedKubernetesCredentials: t.app.secretBox.sealJson({ kubeconfig: kubeconfig(parts(t)) }),
      } as never);
      await em.flush();
      const tested = await t.graphqlOk(`mutation($f: ID!) { testClusterConnection(fabricId: $f) { ok error } }`, {
        f: fabric.id,
      });
      expect(tested.testClusterConnection.ok).toBe(false);
      expect(tested.testClusterConnection.error).toContain(field);
      expect(tested.testClusterConnection.error).not.toContain(t.app.config.dataDir);

      const events = t.app.eventBus.subscribe<{ type: string; state?: string; error?: string }>(
        topics.fabric(fabric.id),
      );
      await t.app.dependencies.clusterWatchers?.fabricChanged({
        type: 'updated',
        fabricId: fabric.id,
        clusterChanged: true,
      });
      let status: { state?: string; error?: string } | undefined;
      for await (const event of events) {
        if (event.type === 'WATCH_STATUS_CHANGED' && event.state === 'error') {
          status = event;
          break;
        }
      }
      expect(status?.error).toContain(field);
      expect(status?.error).not.toContain(t.app.config.dataDir);
      await barrier(t);
      expect(listenerSawSecret()).toBe(false);
      expect(existsSync(marker(t))).toBe(false);
      await t.graphqlOk(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
    },
  );
});

describe('a Kubernetes server URL', () => {
  const credentialRows = [
    { server: 'https://admin:hunter2@kube.example:6443', secret: 'hunter2' },
    { server: 'https://hunter2@kube.example:6443', secret: 'hunter2' },
    { server: 'https://kube.example:6443/?access_token=hunter2', secret: 'hunter2' },
    { server: 'https://kube.example:6443/#hunter2', secret: 'hunter2' },
  ];

  it.for(credentialRows)(
    'with credentials in it ($server) is refused naming the credentials field, echoing nothing',
    async ({ server, secret }, { t }) => {
      const before = await snapshot(t);
      for (const response of await sendBoth(t, () => ({ server, token: 'TOKEN' }))) {
        expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response)).toBe('INVALID_INPUT');
        expect(response.errors?.[0]?.message).toContain('token');
        expect(JSON.stringify(response)).not.toContain(secret);
      }
      for (const response of await sendBoth(t, () => ({ kubeconfig: kubeconfig({ cluster: { server } }) }))) {
        expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response)).toBe('INVALID_INPUT');
        expect(response.errors?.[0]?.message).toContain('clusters[0].cluster.server');
        expect(response.errors?.[0]?.message).toContain('users[].user');
        expect(JSON.stringify(response)).not.toContain(secret);
      }
      expect(await snapshot(t)).toEqual(before);
      expect(t.logs()).not.toContain(secret);
    },
  );

  it('stored with credentials (before these checks) is shown without them and is not used', async ({ t }) => {
    const em = t.app.orm.em.fork();
    const fabric = em.create(FabricSchema, {
      name: `kube-stored-url-${randomBytes(4).toString('hex')}`,
      kubernetesServer: `http://admin:hunter2@127.0.0.1:${new URL(listenerUrl).port}/?access_token=hunter3`,
      encryptedKubernetesCredentials: t.app.secretBox.sealJson({ token: 'STORED-URL-TOKEN' }),
    } as never);
    await em.flush();
    const viewer = await t.createToken({ role: 'viewer' });
    const shown = await t.graphql(
      `query($id: ID!) { fabric(id: $id) { kubernetes { server } } }`,
      { id: fabric.id },
      { authorization: `Bearer ${viewer}` },
    );
    expect(shown.data?.fabric.kubernetes.server).toBe(`http://127.0.0.1:${new URL(listenerUrl).port}`);
    const tested = await t.graphqlOk(`mutation($f: ID!) { testClusterConnection(fabricId: $f) { ok error } }`, {
      f: fabric.id,
    });
    expect(tested.testClusterConnection).toMatchObject({
      ok: false,
      error: expect.stringContaining('server: must not contain credentials'),
    });
    expect(JSON.stringify([shown, tested])).not.toMatch(/hunter[23]/);
    expect(received.some((request) => request.headers.authorization === 'Bearer STORED-URL-TOKEN')).toBe(false);
    await t.graphqlOk(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
  });

  const targetRows = () => [
    'http://169.254.169.254/',
    'http://169.254.169.254:80/latest/meta-data/',
    'https://169.254.0.1:6443',
    'http://[fe80::1]:6443',
    'http://[febf:ffff::1]:6443',
    'http://[::ffff:169.254.169.254]/',
    `http://127.0.0.1:${gatewayPort}`,
    `http://localhost:${gatewayPort}`,
    `http://[::1]:${gatewayPort}`,
    `http://0.0.0.0:${gatewayPort}`,
    `http://2130706433:${gatewayPort}`,
    `http://[::ffff:127.0.0.1]:${gatewayPort}`,
    'http://0.0.0.0:6443',
    'http://[::]:6443',
  ];

  it('pointing at the gateway itself, link-local or unspecified addresses is refused', async ({ t }) => {
    const before = await snapshot(t);
    for (const server of targetRows()) {
      for (const kubernetes of [{ server, token: 'TOKEN' }, { kubeconfig: kubeconfig({ cluster: { server } }) }]) {
        for (const response of await sendBoth(t, () => kubernetes)) {
          expect(response.errors?.[0]?.extensions?.code, `${server}: ${JSON.stringify(response)}`).toBe(
            'INVALID_INPUT',
          );
          expect(response.errors?.[0]?.message).toMatch(/clusters\[0\]\.cluster\.server|\$\.kubernetes\.server/);
        }
      }
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('on loopback, other than the gateway, is allowed (a local test cluster)', async ({ t }) => {
    const token = `LOOPBACK-${randomBytes(6).toString('hex')}`;
    const fabric = await createFabric(t, { kubernetes: { server: listenerUrl, token } });
    await requestWithToken(token);
    await t.graphqlOk(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
  });

  it('stored pointing at the gateway itself is not contacted', async ({ t }) => {
    const em = t.app.orm.em.fork();
    const fabric = em.create(FabricSchema, {
      name: `kube-self-${randomBytes(4).toString('hex')}`,
      kubernetesServer: `http://127.0.0.1:${gatewayPort}`,
      encryptedKubernetesCredentials: t.app.secretBox.sealJson({ token: 'SELF-TOKEN' }),
    } as never);
    await em.flush();
    const tested = await t.graphqlOk(`mutation($f: ID!) { testClusterConnection(fabricId: $f) { ok error } }`, {
      f: fabric.id,
    });
    expect(tested.testClusterConnection).toMatchObject({
      ok: false,
      error: expect.stringContaining('the gateway itself'),
    });
    await t.graphqlOk(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
  });
});
