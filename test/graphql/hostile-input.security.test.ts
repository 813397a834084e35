import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { appTestWith } from '../support/app-fixture.ts';
import { queryDatabase, rowCounts } from '../support/database.ts';
import { createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';
import { branchHead, createBareRepository, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
let fabricId: string;
/** A fabric backed by a real bare repository, initialised and ingested, whose head must not move. */
let gitFabricId: string;
let bareRepository: string;
let tokens: { viewer: string; expired: string; revoked: string; otherFabric: string };

const it = appTestWith({ env: { MUTATIONS_PER_MINUTE: '1000', HEAD_CHECK: 'false' } });
it.beforeAll(async ({ t }) => {
  const repository = await t.graphqlOk(
    `mutation { createGitRepository(input: { name: "hostile", url: "https://github.com/acme/hostile", webhookSecret: "${WEBHOOK_SECRET}" }) { id } }`,
  );
  fabricId = (
    await createFabric(t, {
      name: 'hostile',
      gitRepositoryId: repository.createGitRepository.id,
      gitopsDirectory: 'fabric',
    })
  ).id;
  bareRepository = await createBareRepository();
  await pushFromAnotherClone(bareRepository, { files: { 'fabric/raw/wiring.yaml': vlanNamespaceYaml('from-git') } });
  const gitRepository = await t.graphqlOk(
    `mutation($url: String!) { createGitRepository(input: { name: "hostile-git", url: $url }) { id } }`,
    { url: `file://${bareRepository}` },
  );
  gitFabricId = (await createFabric(t, { name: 'hostile-git', gitRepositoryId: gitRepository.createGitRepository.id }))
    .id;
  for (const mutation of ['initializeGitopsDirectory', 'ingestRaw']) {
    await t.graphqlOk(`mutation($f: ID!) { ${mutation}(fabricId: $f) { id } }`, { f: gitFabricId });
    await t.app.runner.idle();
  }
  const ingested = await queryDatabase(
    t.database.url,
    'select desired_blob_oid from resource where fabric_id = $1 and desired_blob_oid is not null',
    [gitFabricId],
  );
  expect(ingested).toHaveLength(1);
  // A genuine delivery, so that sending it again is a replay.
  expect((await sendWebhook(t, { secret: WEBHOOK_SECRET, delivery: 'delivery-1' })).status).toBeLessThan(300);
  await t.app.runner.idle();
  const other = await createFabric(t, { name: 'hostile-other' });
  const expiring = await t.app
    .services()
    .tokens.create({ name: 'expired', role: 'admin', expiresAt: new Date(Date.now() + 60_000) }, 'test');
  await queryDatabase(
    t.database.url,
    `update api_token set expires_at = now() - interval '1 minute' where name = 'expired'`,
  );
  const revoked = await t.app.services().tokens.create({ name: 'revoked', role: 'admin' }, 'test');
  await t.app.services().tokens.revoke(revoked.record.id);
  tokens = {
    viewer: await t.createToken({ role: 'viewer' }),
    expired: expiring.token,
    revoked: revoked.token,
    otherFabric: await t.createToken({ role: 'admin', fabricIds: [other.id] }),
  };
});
it.afterAll(async () => {
  await removeScratchDirs();
});

const WEBHOOK_SECRET = 'hostile-webhook-secret';
const PUSH = JSON.stringify({
  ref: 'refs/heads/main',
  repository: { html_url: 'https://github.com/acme/hostile', clone_url: 'https://github.com/acme/hostile.git' },
  commits: [{ id: 'a'.repeat(40), added: ['fabric/raw/new.yaml'], modified: [], removed: [] }],
});

async function sendWebhook(t: TestApp, options: { secret: string; delivery: string }) {
  const signature = `sha256=${createHmac('sha256', options.secret).update(PUSH).digest('hex')}`;
  const response = await fetch(`${t.url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': options.delivery,
      'x-hub-signature-256': signature,
    },
    body: PUSH,
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function snapshot(t: TestApp) {
  const counts = await rowCounts(t.database.url);
  const resources = await queryDatabase(
    t.database.url,
    'select id, name, draft_spec, desired_spec, desired_blob_oid, live_spec, live_resource_version, version from resource order by id',
  );
  return { counts, resources, gitHead: await branchHead(bareRepository, 'main') };
}

const billionLaughs = `apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: lol
  annotations:
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
spec:
  ranges: [{ from: 1000, to: 1099 }]
`;

const nestedYaml = `apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: deep\nspec:\n  ranges: ${'['.repeat(2000)}${']'.repeat(2000)}\n`;
// Written as text: building it with JSON.stringify would overflow the test's own stack.
const nestedSpec = `${'{"nested":'.repeat(5000)}{}${'}'.repeat(5000)}`;

const create = (yaml: string) => ({
  query: `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
  variables: () => ({ f: fabricId, y: yaml }),
});

interface HostileCase {
  name: string;
  send(t: TestApp): Promise<{ status: number; body: any }>;
  expect: { status?: number; code: string };
}

async function post(t: TestApp, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}`, ...headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed };
}

const gql =
  (request: { query: string; variables: () => Record<string, unknown> }, headers: Record<string, string> = {}) =>
  (t: TestApp) =>
    post(t, JSON.stringify({ query: request.query, variables: request.variables() }), headers);

const cases: HostileCase[] = [
  { name: 'a YAML alias bomb (billion laughs)', send: gql(create(billionLaughs)), expect: { code: 'INVALID_INPUT' } },
  { name: 'YAML nested 2,000 levels deep', send: gql(create(nestedYaml)), expect: { code: 'INVALID_INPUT' } },
  {
    name: 'a JSON manifest nested 5,000 levels deep',
    send: (t) =>
      post(
        t,
        `{"query":"mutation($f: ID!, $o: JSON!) { createResource(fabricId: $f, manifest: { object: $o }) { id } }","variables":{"f":"${fabricId}","o":{"apiVersion":"wiring.githedgehog.com/v1beta1","kind":"VLANNamespace","metadata":{"name":"deep-json"},"spec":${nestedSpec}}}}`,
      ),
    expect: { code: 'INVALID_INPUT' },
  },
  {
    name: 'a 50 MB body',
    send: (t) => post(t, JSON.stringify({ query: '{ fabrics { id } }', padding: 'x'.repeat(50 * 1024 * 1024) })),
    expect: { status: 413, code: 'INVALID_INPUT' },
  },
  {
    // yoga serves GraphQL at /graphql/ and at any URL ending in /graphql as well: the limit holds there.
    name: 'a 20 MB body sent to /graphql/',
    send: async (t) => {
      const response = await fetch(`${t.url}/graphql/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
        body: JSON.stringify({ query: '{ fabrics { id } }', padding: 'x'.repeat(20 * 1024 * 1024) }),
      });
      return { status: response.status, body: await response.json() };
    },
    expect: { status: 413, code: 'INVALID_INPUT' },
  },
  {
    name: 'a name with ../',
    send: gql(create(vlanNamespaceYaml('../../etc/passwd'))),
    expect: { code: 'INVALID_INPUT' },
  },
  {
    name: 'a name with a NUL byte',
    send: gql(create(vlanNamespaceYaml('"bad\\0name"'))),
    expect: { code: 'INVALID_INPUT' },
  },
  {
    name: 'a look-alike Unicode name (Cyrillic а)',
    send: gql(create(vlanNamespaceYaml('v\u0430lid-looking'))),
    expect: { code: 'INVALID_INPUT' },
  },
  {
    name: 'an unknown Hedgehog kind',
    send: gql(create('apiVersion: wiring.githedgehog.com/v1beta1\nkind: Router\nmetadata:\n  name: r1\nspec: {}\n')),
    expect: { code: 'INVALID_INPUT' },
  },
  {
    name: 'a huge page size (literal: refused by the cost limit)',
    send: gql({
      query: `query($f: ID!) { resources(fabricId: $f, first: 1000000) { totalCount } }`,
      variables: () => ({ f: fabricId }),
    }),
    expect: { code: 'QUERY_TOO_COMPLEX' },
  },
  {
    name: 'a huge page size (variable: refused by the page cap)',
    send: gql({
      query: `query($f: ID!, $n: Int) { resources(fabricId: $f, first: $n) { totalCount } }`,
      variables: () => ({ f: fabricId, n: 1_000_000 }),
    }),
    expect: { code: 'INVALID_INPUT' },
  },
  {
    name: 'too many aliases',
    send: gql({
      query: `{ ${Array.from({ length: 200 }, (_, index) => `a${index}: fabrics { id }`).join(' ')} }`,
      variables: () => ({}),
    }),
    expect: { code: 'QUERY_TOO_COMPLEX' },
  },
  {
    name: 'an expensive query',
    send: gql({
      query: `query($f: ID!) { ${Array.from({ length: 25 }, (_, index) => `r${index}: resources(fabricId: $f, first: 100) { edges { node { id name kind fabric { name gitRepository { name url } } desired { spec } draft { spec } live { spec } } } }`).join(' ')} }`,
      variables: () => ({ f: fabricId }),
    }),
    expect: { code: 'QUERY_TOO_COMPLEX' },
  },
  {
    name: 'no token',
    send: gql(create(vlanNamespaceYaml('no-token')), { authorization: '' }),
    expect: { status: 401, code: 'UNAUTHENTICATED' },
  },
  {
    name: 'a malformed token',
    send: gql(create(vlanNamespaceYaml('bad-token')), { authorization: 'Bearer not-a-token' }),
    expect: { status: 401, code: 'UNAUTHENTICATED' },
  },
  {
    name: 'a forged token of the right shape',
    send: gql(create(vlanNamespaceYaml('forged')), { authorization: `Bearer hgw_${'A'.repeat(43)}` }),
    expect: { status: 401, code: 'UNAUTHENTICATED' },
  },
  {
    name: 'an expired token',
    send: (t) => gql(create(vlanNamespaceYaml('expired')), { authorization: `Bearer ${tokens.expired}` })(t),
    expect: { status: 401, code: 'UNAUTHENTICATED' },
  },
  {
    name: 'a revoked token',
    send: (t) => gql(create(vlanNamespaceYaml('revoked')), { authorization: `Bearer ${tokens.revoked}` })(t),
    expect: { status: 401, code: 'UNAUTHENTICATED' },
  },
  {
    name: 'the wrong role',
    send: (t) => gql(create(vlanNamespaceYaml('viewer-write')), { authorization: `Bearer ${tokens.viewer}` })(t),
    expect: { code: 'FORBIDDEN' },
  },
  {
    name: 'a token limited to another fabric',
    send: (t) => gql(create(vlanNamespaceYaml('elsewhere')), { authorization: `Bearer ${tokens.otherFabric}` })(t),
    expect: { code: 'FORBIDDEN' },
  },
  {
    name: 'a viewer asking to ingest the Git-backed fabric',
    send: (t) =>
      gql(
        { query: `mutation($f: ID!) { ingestRaw(fabricId: $f) { id } }`, variables: () => ({ f: gitFabricId }) },
        { authorization: `Bearer ${tokens.viewer}` },
      )(t),
    expect: { code: 'FORBIDDEN' },
  },
  {
    name: 'a path-traversal name drafted into the Git-backed fabric',
    send: (t) =>
      gql({
        query: `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
        variables: () => ({ f: gitFabricId, y: vlanNamespaceYaml('../../../.git/config') }),
      })(t),
    expect: { code: 'INVALID_INPUT' },
  },
  {
    name: 'a webhook with a forged signature',
    send: async (t) => {
      const result = await sendWebhook(t, { secret: 'not-the-secret', delivery: 'forged-1' });
      return {
        status: result.status,
        body: { errors: [{ extensions: { code: result.status === 401 ? 'UNAUTHENTICATED' : 'ACCEPTED' } }] },
      };
    },
    expect: { status: 401, code: 'UNAUTHENTICATED' },
  },
  {
    name: 'a replayed webhook delivery',
    send: async (t) => {
      const result = await sendWebhook(t, { secret: WEBHOOK_SECRET, delivery: 'delivery-1' });
      return {
        status: result.status,
        body: {
          errors: [{ extensions: { code: JSON.stringify(result.body).includes('seen') ? 'IGNORED' : 'QUEUED' } }],
        },
      };
    },
    expect: { code: 'IGNORED' },
  },
  {
    // A browser can send this from any site without a preflight; it can never attach a bearer token.
    name: 'a cross-site form POST (text/plain, no token)',
    send: async (t) => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{"query":"mutation { deleteFabric(id: \\"x\\") }"}',
      });
      return { status: response.status, body: await response.json() };
    },
    expect: { status: 401, code: 'UNAUTHENTICATED' },
  },
];

describe('hostile input changes nothing', () => {
  for (const hostile of cases) {
    it(`refuses ${hostile.name}`, async ({ t }) => {
      const before = await snapshot(t);
      const { status, body } = await hostile.send(t);
      if (hostile.expect.status) expect(status).toBe(hostile.expect.status);
      const codes = ((body as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map(
        (error) => error.extensions?.code,
      );
      expect(codes, JSON.stringify(body).slice(0, 500)).toContain(hostile.expect.code);
      expect(await snapshot(t)).toEqual(before);
      // The gateway is still up and answering.
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });
  }
});

/**
 * Sends raw bytes to the gateway's port and returns everything it answers until it closes the
 * connection. The client does not half-close its side: node:http aborts the requests still being
 * answered when the client's FIN arrives, so the answer would depend on timing. Every exchange
 * here ends with `Connection: close` or a parse error, on which the server closes.
 */
async function rawExchange(t: TestApp, text: string): Promise<string> {
  const { hostname, port } = new URL(t.url);
  const socket = connect({ host: hostname, port: Number(port) });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // The server may reset the connection after its last answer (a parse error): what came before counts.
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.on('error', () => {});
  });
  socket.write(text);
  await closed;
  return Buffer.concat(chunks).toString('latin1');
}

describe('a request body is its Content-Length (the only body limit, http/body-size-limit.ts)', () => {
  it('bytes after it are read as the next request, not as more body', async ({ t }) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const answer = await rawExchange(
      t,
      `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nAuthorization: Bearer ${t.adminToken}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`,
    );
    const responses = answer.split(/(?=HTTP\/1\.1 )/);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(responses[0]).toContain('{"data":{"__typename":"Query"}}');
    expect(responses[1]).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a length together with Transfer-Encoding is refused before anything runs', async ({ t }) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const answer = await rawExchange(
      t,
      `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nAuthorization: Bearer ${t.adminToken}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).not.toContain('__typename');
  });

  it('a chunked body without a length is refused (411)', async ({ t }) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const answer = await rawExchange(
      t,
      `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nAuthorization: Bearer ${t.adminToken}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 411 /);
    expect(answer).not.toContain('"data"');
  });

  it('a POST to a URL nothing serves is 404 whatever its framing; a body of unknown size is not read', async ({
    t,
  }) => {
    const chunked = await rawExchange(
      t,
      'POST /nowhere HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 404 /);
    // A chunked body that never ends, on a connection the client keeps: answered, then closed.
    const endless = await rawExchange(
      t,
      'POST /nowhere HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n',
    );
    expect(endless).toMatch(/^HTTP\/1\.1 404 /);
    // A length beyond the limit (MAX_BODY_BYTES, 12 MiB by default), of which a few bytes come: the same.
    const tooLarge = await rawExchange(
      t,
      'POST /nowhere HTTP/1.1\r\nHost: gateway\r\nContent-Length: 1000000000\r\n\r\n{}',
    );
    expect(tooLarge).toMatch(/^HTTP\/1\.1 404 /);
    // Within the limit, the body is read past and the connection goes on.
    const pipelined = await rawExchange(
      t,
      'POST /nowhere HTTP/1.1\r\nHost: gateway\r\nContent-Length: 2\r\n\r\n{}GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n',
    );
    const responses = pipelined.split(/(?=HTTP\/1\.1 )/);
    expect(responses.map((response) => response.slice(0, 12))).toEqual(['HTTP/1.1 404', 'HTTP/1.1 200']);
  });
});

describe('limits that need their own settings', () => {
  it('rate-limits mutations per token', async () => {
    const limited = await startTestApp({ env: { MUTATIONS_PER_MINUTE: '3' } });
    try {
      const fabric = await createFabric(limited); // 1
      const codes: (string | undefined)[] = [];
      for (let index = 0; index < 4; index++) {
        const result = await limited.graphql(
          `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
          { f: fabric.id, y: vlanNamespaceYaml(`rl-${index}`) },
        );
        codes.push(result.errors?.[0]?.extensions?.code);
      }
      expect(codes).toEqual([undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });

  it('turns introspection off in production unless enabled', async () => {
    const production = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const result = await production.graphql(`{ __schema { queryType { name } } }`);
      expect(result.errors?.length).toBeGreaterThan(0);
      const page = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('GraphiQL');
    } finally {
      await production.stop();
    }
  });
});
