import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { GraphQLError } from 'graphql';
import type { Client } from 'graphql-ws';
import { PassThrough } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { appTestWith } from '../support/app-fixture.ts';
import { createErrorMasker } from '../../src/graphql/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { ResourceSchema } from '../../src/resource/resource.entity.ts';
import { queryDatabase, rowCounts } from '../support/database.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';
let fast: TestApp;
const MAX_BODY_BYTES = 256 * 1024;

const it = appTestWith({
  env: {
    TOKEN_RECHECK_INTERVAL_MS: '600000',
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    INTROSPECTION: 'false',
    MUTATIONS_PER_MINUTE: '1000',
    HEAD_CHECK: 'false',
  },
});

async function token(app: TestApp, options: { role?: 'viewer' | 'operator' | 'admin'; expiresAt?: Date } = {}) {
  const created = await app.app.services().tokens.create(
    {
      name: `sockets-${Math.random().toString(36).slice(2, 9)}`,
      role: options.role ?? 'admin',
      ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    },
    'test',
  );
  return { token: created.token, id: created.record.id };
}

/** The close event of a graphql-ws client's socket (registered before the socket opens). */
function closeOf(client: Client): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    client.on('closed', (event) =>
      resolve({ code: (event as { code: number }).code, reason: String((event as { reason: string }).reason) }),
    );
  });
}

/** Opens `syncOperationUpdated` over the client and resolves once its first result arrived. */
async function openSubscription(app: TestApp, client: Client) {
  const fabric = await createFabric(app);
  const operation = await app.app
    .services()
    .operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
  const received: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    client.subscribe(
      { query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status } }`, variables: { id: operation.id } },
      {
        next: (value) => {
          received.push(value);
          resolve();
        },
        error: reject,
        complete: () => {},
      },
    );
  });
  return { operation, received };
}

/** Sends one operation over the client: its result, or the error the client reported. */
function sendOver(client: Client, query: string, variables: Record<string, unknown> = {}) {
  return new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
    let result: unknown;
    client.subscribe(
      { query, variables },
      {
        next: (value) => {
          result = value;
        },
        error: (error) => resolve({ error }),
        complete: () => resolve({ result }),
      },
    );
  });
}

/** Opens a subscription over SSE; `events` yields every SSE event (next, complete) as it comes. */
async function openSse(app: TestApp, bearer: string) {
  const fabric = await createFabric(app);
  const operation = await app.app
    .services()
    .operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({
      query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status } }`,
      variables: { id: operation.id },
    }),
  });
  expect(response.status).toBe(200);
  async function* events(): AsyncGenerator<EventSourceMessage> {
    const queue: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => queue.push(event) });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      while (queue.length > 0) yield queue.shift() as EventSourceMessage;
    }
  }
  const stream = events();
  const first = await stream.next();
  expect(JSON.parse(first.value!.data)).toMatchObject({ data: { syncOperationUpdated: { status: 'PENDING' } } });
  /** Every event after the first until the server ends the response. */
  const rest = async () => {
    const seen: { event?: string; data: unknown }[] = [];
    for await (const event of stream)
      seen.push({ event: event.event, data: event.data ? JSON.parse(event.data) : null });
    return seen;
  };
  return { rest };
}

const revokeOver = (app: TestApp, id: string) =>
  app.graphqlOk(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id });
const revokeInDatabase = (app: TestApp, id: string) =>
  queryDatabase(app.database.url, 'update api_token set revoked_at = now() where id = $1', [id]);

const tableCounts = (app: TestApp) =>
  rowCounts(app.database.url, ['git_repository', 'fabric', 'resource', 'sync_operation', 'api_token']);

describe('a token that stops working ends the connections it opened', () => {
  it('revoked through the API: an open WebSocket is closed with 4403 and the reason', async ({ t }) => {
    const { token: bearer, id } = await token(t, { role: 'viewer' });
    const client = t.wsClient({ token: bearer });
    const closed = closeOf(client);
    try {
      await openSubscription(t, client);
      await revokeOver(t, id);
      expect(await closed).toEqual({ code: 4403, reason: 'The API token has been revoked' });
    } finally {
      await client.dispose();
    }
  });

  it('revoked behind its back: the next operation sent over the socket is refused and changes nothing', async ({
    t,
  }) => {
    const { token: bearer, id } = await token(t);
    const client = t.wsClient({ token: bearer, lazy: false, onNonLazyError: () => {} });
    const closed = closeOf(client);
    try {
      await openSubscription(t, client);
      // A script or another replica revokes it; this replica is not told and `t` does not poll in time.
      await revokeInDatabase(t, id);
      const before = await tableCounts(t);
      const sent = await sendOver(client, `mutation { createFabric(input: { name: "after-revoke" }) { id } }`);
      expect(sent.result).toBeUndefined();
      expect(await closed).toEqual({ code: 4403, reason: 'The API token has been revoked' });
      expect(await tableCounts(t)).toEqual(before);
      expect(await queryDatabase(t.database.url, `select id from fabric where name = 'after-revoke'`)).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it('expired: an open WebSocket is closed at the expiry time', async ({ t }) => {
    const { token: bearer } = await token(t, { role: 'viewer', expiresAt: new Date(Date.now() + 1_500) });
    const client = t.wsClient({ token: bearer });
    const closed = closeOf(client);
    try {
      await openSubscription(t, client);
      expect(await closed).toEqual({ code: 4403, reason: 'The API token has expired' });
    } finally {
      await client.dispose();
    }
  });

  it('revoked through the API: an SSE stream ends with an UNAUTHENTICATED error event', async ({ t }) => {
    const { token: bearer, id } = await token(t, { role: 'viewer' });
    const sse = await openSse(t, bearer);
    const rest = sse.rest();
    await revokeOver(t, id);
    const events = await rest;
    expect(events[0]).toMatchObject({
      event: 'next',
      data: { errors: [{ message: 'The API token has been revoked', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    expect(events.at(-1)?.event).toBe('complete');
  });

  it('expired: an SSE stream ends at the expiry time', async ({ t }) => {
    const { token: bearer } = await token(t, { role: 'viewer', expiresAt: new Date(Date.now() + 1_500) });
    const sse = await openSse(t, bearer);
    const events = await sse.rest();
    expect(events[0]).toMatchObject({
      event: 'next',
      data: { errors: [{ message: 'The API token has expired', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('other connections keep working', async ({ t }) => {
    const { token: bearer, id } = await token(t, { role: 'viewer' });
    const doomed = t.wsClient({ token: bearer });
    const kept = t.wsClient();
    const closed = closeOf(doomed);
    try {
      await openSubscription(t, doomed);
      const { received } = await openSubscription(t, kept);
      await revokeOver(t, id);
      await closed;
      const sent = await sendOver(kept, `{ fabrics { id } }`);
      expect(sent.result).toMatchObject({ data: { fabrics: expect.any(Array) } });
      expect(received).toHaveLength(1);
    } finally {
      await doomed.dispose();
      await kept.dispose();
    }
  });
});

describe('one rule for the token on every transport: Authorization: Bearer <token>', () => {
  const post = (t: TestApp, authorization: string | null) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
      body: JSON.stringify({ query: '{ fabrics { id } }' }),
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { errors: { message: string; extensions: { code: string } }[] },
    }));

  it('HTTP: no token, and a token without `Bearer `, each say what was wrong', async ({ t }) => {
    const none = await post(t, null);
    expect(none.status).toBe(401);
    expect(none.body.errors[0]).toEqual({
      message: 'No API token was sent: send `Authorization: Bearer <token>`',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    for (const value of [t.adminToken, `Basic ${t.adminToken}`, `Bearer`, `Bearer a b`]) {
      const wrong = await post(t, value);
      expect(wrong.status).toBe(401);
      expect(wrong.body.errors[0]).toEqual({
        message: 'Authorization must be `Bearer <token>`',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
    expect(JSON.stringify(await post(t, t.adminToken))).not.toContain(t.adminToken);
  });

  const connectWith = (t: TestApp, connectionParams: Record<string, unknown> | undefined) => {
    const client = t.wsClient({
      token: null,
      lazy: false,
      onNonLazyError: () => {},
      ...(connectionParams ? { connectionParams } : {}),
    });
    const outcome = new Promise<unknown>((resolve) => {
      client.on('connected', () => resolve('connected'));
      client.on('closed', (event) =>
        resolve({ code: (event as { code: number }).code, reason: String((event as { reason: string }).reason) }),
      );
    });
    return { client, outcome };
  };

  it('WebSocket: a bare token is refused like over HTTP, with the same message', async ({ t }) => {
    const { client, outcome } = connectWith(t, { authorization: t.adminToken });
    expect(await outcome).toEqual({ code: 4403, reason: 'Authorization must be `Bearer <token>`' });
    await client.dispose();
  });

  it('WebSocket: no token says so', async ({ t }) => {
    const { client, outcome } = connectWith(t, undefined);
    expect(await outcome).toEqual({
      code: 4403,
      reason: 'No API token was sent: send `Authorization: Bearer <token>`',
    });
    await client.dispose();
  });

  it('WebSocket: an unknown token gets the same reason as over HTTP', async ({ t }) => {
    const { client, outcome } = connectWith(t, { authorization: `Bearer hgw_${'A'.repeat(43)}` });
    expect(await outcome).toEqual({ code: 4403, reason: 'The API token is not valid' });
    await client.dispose();
  });

  it('WebSocket: `Bearer <token>` connects', async ({ t }) => {
    const { client, outcome } = connectWith(t, { authorization: `Bearer ${t.adminToken}` });
    expect(await outcome).toBe('connected');
    await client.dispose();
  });
});

describe('WebSocket messages are capped like HTTP bodies', () => {
  it('a message above MAX_BODY_BYTES closes the socket with 1009 and the gateway keeps serving', async ({ t }) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => {});
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${t.adminToken}`, padding: 'x'.repeat(MAX_BODY_BYTES + 1) },
      }),
    );
    expect(await closed).toBe(1009);

    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const client = t.wsClient();
    try {
      expect((await sendOver(client, `{ fabrics { id } }`)).result).toMatchObject({
        data: { fabrics: expect.any(Array) },
      });
    } finally {
      await client.dispose();
    }
  });
});

describe('a document that does not parse, over WebSocket', () => {
  it('is answered with the syntax error; the socket stays open', async ({ t }) => {
    const client = t.wsClient();
    const closed = closeOf(client);
    try {
      const sent = await sendOver(client, `{ fabrics { id `);
      expect(sent.error).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Syntax Error/) })]);
      expect((await sendOver(client, `{ fabrics { id } }`)).result).toMatchObject({
        data: { fabrics: expect.any(Array) },
      });
      expect(await Promise.race([closed, Promise.resolve('open')])).toBe('open');
    } finally {
      await client.dispose();
    }
  });
});

describe('no "Did you mean" suggestions when introspection is off', () => {
  it('HTTP and WebSocket answer without suggestions, and say what was wrong', async ({ t }) => {
    const field = await t.graphql(`{ fabricz { id } }`);
    expect(field.errors?.[0]?.message).toBe('Cannot query field "fabricz" on type "Query".');
    const argument = await t.graphql(`{ fabrics(firts: 1) { id } }`);
    expect(argument.errors?.[0]?.message).not.toMatch(/did you mean/i);
    const enumValue = await t.graphql(
      `mutation($r: Role!) { createApiToken(input: { name: "suggest", role: $r }) { token } }`,
      { r: 'ADMN' },
    );
    expect(enumValue.errors?.[0]?.message).toContain('"ADMN"');
    expect(enumValue.errors?.[0]?.message).not.toMatch(/did you mean/i);
    const client = t.wsClient();
    try {
      const sent = await sendOver(client, `{ fabricz { id } }`);
      expect(JSON.stringify(sent)).toContain('Cannot query field');
      expect(JSON.stringify(sent)).not.toMatch(/did you mean/i);
    } finally {
      await client.dispose();
    }
  });
});

describe('the log holds nothing a client typed', () => {
  const SECRET = 'ghp_SECRETVALUE0123456789abcdefghijklmnopq';
  const TYPED = 'typed-by-the-client-7f3a';

  const logLines = (t: TestApp) =>
    t
      .logs()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);

  it('an expected failure (INVALID_INPUT) logs at info or lower, without the document, the secret or the input', async ({
    t,
  }) => {
    const before = t.logs().length;
    const result = await t.graphql(
      `mutation CreateRepo { createGitRepository(input: { name: "${TYPED}", url: "ftp://${TYPED}.invalid/repo", credentials: { token: "${SECRET}" } }) { id } }`,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const written = t.logs().slice(before);
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain(TYPED);
    expect(written).not.toContain('createGitRepository(input');
    const lines = written
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.every((line) => line.level <= 30)).toBe(true);
    expect(lines.some((line) => /INVALID_INPUT/.test(JSON.stringify(line)))).toBe(true);
  });

  it('an unexpected failure logs the operation name and the error class, nothing the client typed', async ({ t }) => {
    await queryDatabase(t.database.url, 'alter table git_repository rename to git_repository_gone');
    const before = t.logs().length;
    try {
      const result = await t.graphql(
        `mutation CreateRepo($name: String!) { createGitRepository(input: { name: $name, url: "https://github.com/acme/${TYPED}", credentials: { token: "${SECRET}" } }) { id } }`,
        { name: TYPED },
      );
      expect(result.errors?.[0]).toMatchObject({
        message: 'Unexpected error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    } finally {
      await queryDatabase(t.database.url, 'alter table git_repository_gone rename to git_repository');
    }
    const written = t.logs().slice(before);
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain(TYPED);
    expect(written).not.toContain('createGitRepository(input');
    const logged = logLines(t).find(
      (line) => line.msg === 'unexpected error while resolving a request' && line.operationName === 'CreateRepo',
    );
    expect(logged).toMatchObject({
      level: 50,
      operationName: 'CreateRepo',
      path: ['createGitRepository'],
      error: { class: expect.stringMatching(/TableNotFound/) },
    });
  });

  it('the request line has its own fields only: no query string, no header', async ({ t }) => {
    // The line is written without redaction (it was half its cost): it must hold nothing else.
    const requestId = `request-line-${crypto.randomUUID()}`;
    const before = t.logs().length;
    const response = await fetch(
      `${t.url}/graphql?query=${encodeURIComponent(`{ __typename }`)}&token=${SECRET}&typed=${TYPED}`,
      { headers: { authorization: `Bearer ${t.adminToken}`, 'x-request-id': requestId, 'x-typed': TYPED } },
    );
    expect(response.status).toBe(200);
    await response.text();
    const line = logLines(t).find((candidate) => candidate.msg === 'request' && candidate.requestId === requestId);
    expect(line).toBeDefined();
    const { time, ...rest } = line!;
    expect(Object.keys(rest).sort()).toEqual(
      ['durationMs', 'level', 'method', 'msg', 'path', 'requestId', 'service', 'status'].sort(),
    );
    expect(line).toMatchObject({ method: 'GET', path: '/graphql', status: 200, level: 30 });
    expect(typeof time).toBe('string');
    const written = t.logs().slice(before);
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain(TYPED);
    expect(written).not.toContain(t.adminToken);
  });

  it('a GraphQL document or variables handed to the logger by mistake are redacted', () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    const logger = createLogger({ level: 'info', destination: stream });
    logger.info(
      { query: `mutation { x(token: "${SECRET}") }`, params: { variables: { token: SECRET }, document: SECRET } },
      'oops',
    );
    expect(lines.join('')).toContain('"msg":"oops"');
    expect(lines.join('')).not.toContain(SECRET);
  });
});

describe('a lost optimistic lock is a CONFLICT', () => {
  it('two concurrent updates of one resource: the loser is told to reload and retry', async ({ t }) => {
    const fabric = await createFabric(t);
    const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('locked'));
    const first = t.app.services().em;
    const second = t.app.services().em;
    const mine = await first.findOneOrFail(ResourceSchema, { id: draft.id });
    const theirs = await second.findOneOrFail(ResourceSchema, { id: draft.id });
    mine.draftedBy = 'first';
    theirs.draftedBy = 'second';
    await first.flush();
    const lost = await second.flush().then(
      () => null,
      (error: unknown) => error,
    );
    expect(lost).toBeInstanceOf(Error);

    const stream = new PassThrough();
    const masked = createErrorMasker(createLogger({ level: 'silent', destination: stream }))(
      new GraphQLError('lock', { originalError: lost as Error, path: ['updateResource'] }),
      'Unexpected error.',
    ) as GraphQLError;
    expect(masked.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(masked.message).toMatch(/changed by someone else.*reload.*retry/i);
    expect(masked.path).toEqual(['updateResource']);
  });
});

describe('a gateway that re-checks tokens every 200 ms, with introspection on', () => {
  beforeAll(async () => {
    fast = await startTestApp({ env: { TOKEN_RECHECK_INTERVAL_MS: '200', HEAD_CHECK: 'false' } });
  });
  afterAll(async () => {
    await fast?.stop();
  });

  it('revoked by a script or another replica: the periodic check closes WebSocket and SSE', async () => {
    const { token: bearer, id } = await token(fast, { role: 'viewer' });
    const client = fast.wsClient({ token: bearer });
    const closed = closeOf(client);
    try {
      await openSubscription(fast, client);
      const sse = await openSse(fast, bearer);
      const rest = sse.rest();
      await revokeInDatabase(fast, id);
      expect(await closed).toEqual({ code: 4403, reason: 'The API token has been revoked' });
      expect((await rest)[0]).toMatchObject({ data: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    } finally {
      await client.dispose();
    }
  });

  it('with introspection on (development), suggestions stay', async () => {
    const field = await fast.graphql(`{ fabricz { id } }`);
    expect(field.errors?.[0]?.message).toMatch(/Did you mean .*"fabrics"/);
  });
});
