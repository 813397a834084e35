/**
 * Triggers and live progress, end to end on the GitHub test server: the webhook (signature,
 * relevance, duplicates), the periodic head check, and progress events in order at a
 * graphql-ws client.
 */
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signatureOf } from '../../src/sync/webhook.ts';
import { checkHeadsOnce } from '../../src/sync/head-check.ts';
import { queryDatabase } from '../support/database.ts';
import { createDeferred, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { fileOf, rows, sync, vlanNamespace } from './support.ts';

afterAll(removeScratchDirs);

const SECRET = 'webhook-secret-for-tests-0123';
const github = tAdapters.find((adapter) => adapter.name === 'github')!;

let env: GatewayWithRemote;
let hosts: GitHostHook;
beforeEach(async () => {
  hosts = gitHostHook();
  env = await github.start({ openGitHost: hosts.openGitHost });
  const repository = await env.t.graphqlOk<{ fabric: { gitRepository: { id: string } } }>(
    `query($id: ID!) { fabric(id: $id) { gitRepository { id } } }`,
    { id: env.fabricId },
  );
  await env.t.graphqlOk(
    `mutation($id: ID!, $secret: String!) { updateGitRepository(id: $id, input: { webhookSecret: $secret }) { id } }`,
    { id: repository.fabric.gitRepository.id, secret: SECRET },
  );
  await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
  await sync(env.t, env.fabricId, 'PULL');
});
afterEach(() => env.stop());

const operationCount = async () =>
  (
    await queryDatabase<{ n: number }>(
      env.t.database.url,
      'select count(*)::int as n from sync_operation where fabric_id = $1',
      [env.fabricId],
    )
  )[0]!.n;

function pushEvent(overrides: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    repository: {
      html_url: `https://github.com/${env.github!.owner}/${env.github!.name}`,
      full_name: `${env.github!.owner}/${env.github!.name}`,
    },
    commits: [{ id: 'x', added: [], modified: ['fabric/managed/vlannamespaces/ns-a.yaml'], removed: [] }],
    ...overrides,
  };
}

async function deliver(
  payload: unknown,
  options: { event?: string; delivery?: string; signature?: string | null; secret?: string } = {},
) {
  const body = Buffer.from(JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': options.event ?? 'push',
    'x-github-delivery': options.delivery ?? crypto.randomUUID(),
  };
  const signature = options.signature === undefined ? signatureOf(options.secret ?? SECRET, body) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(`${env.t.url}/webhooks/github`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('POST /webhooks/github', () => {
  it('refuses a bad or missing signature with 401 and queues nothing', async () => {
    const before = await operationCount();
    expect((await deliver(pushEvent(), { secret: 'not-the-secret-at-all' })).status).toBe(401);
    expect((await deliver(pushEvent(), { signature: null })).status).toBe(401);
    expect((await deliver(pushEvent(), { signature: `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    const body = Buffer.from(JSON.stringify(pushEvent()));
    // A valid signature of another body does not carry over.
    expect(
      (await deliver({ ...pushEvent(), ref: 'refs/heads/other' }, { signature: signatureOf(SECRET, body) })).status,
    ).toBe(401);
    await env.t.app.runner.idle();
    expect(await operationCount()).toBe(before);
    expect(env.t.logs()).not.toContain(SECRET);
  });

  it('a relevant push queues one pull that brings the change in; a repeated delivery is ignored', async () => {
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a', 1400)) });
    const before = await operationCount();
    const first = await deliver(pushEvent(), { delivery: 'delivery-1' });
    expect(first).toMatchObject({ status: 202, body: { status: 'queued' } });
    expect(first.body.operations).toHaveLength(1);
    const again = await deliver(pushEvent(), { delivery: 'delivery-1' });
    expect(again).toMatchObject({ status: 202, body: { status: 'ignored', reason: 'delivery already seen' } });
    await env.t.app.runner.idle();
    expect(await operationCount()).toBe(before + 1);
    const [operation] = await queryDatabase<{ operation_type: string; trigger: string; status: string }>(
      env.t.database.url,
      'select operation_type, trigger, status from sync_operation where id = $1',
      [first.body.operations[0]],
    );
    expect(operation).toEqual({ operation_type: 'pull', trigger: 'webhook', status: 'completed' });
    expect((await rows(env.t, env.fabricId)).get('ns-a')!.desired_spec).toEqual({ ranges: [{ from: 1000, to: 1400 }] });
  });

  it('acknowledges and ignores what does not concern a fabric', async () => {
    const before = await operationCount();
    expect(await deliver(pushEvent({ ref: 'refs/heads/feature' }))).toMatchObject({
      status: 202,
      body: { status: 'ignored' },
    });
    expect(
      await deliver(pushEvent({ commits: [{ added: ['docs/readme.md'], modified: [], removed: [] }] })),
    ).toMatchObject({ status: 202, body: { status: 'ignored' } });
    expect(await deliver({ zen: 'hi', repository: pushEvent().repository }, { event: 'ping' })).toMatchObject({
      status: 202,
      body: { status: 'pong' },
    });
    expect(await deliver({ action: 'opened', repository: pushEvent().repository }, { event: 'issues' })).toMatchObject({
      status: 202,
      body: { status: 'ignored' },
    });
    await env.t.app.runner.idle();
    expect(await operationCount()).toBe(before);
  });
});

describe('periodic head check', () => {
  it('queues a pull when the branch moved without a webhook, and nothing when it did not', async () => {
    expect((await checkHeadsOnce(env.t.app.headCheck)).queued).toEqual([]);
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-b')) });
    const check = await checkHeadsOnce(env.t.app.headCheck);
    expect(check.queued).toHaveLength(1);
    await env.t.app.runner.idle();
    expect([...(await rows(env.t, env.fabricId)).keys()]).toEqual(['ns-a', 'ns-b']);
    expect((await checkHeadsOnce(env.t.app.headCheck)).queued).toEqual([]);
  });
});

describe('live progress', () => {
  it("a graphql-ws subscriber receives the operation's steps in order, ending completed", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++)
      Object.assign(files, fileOf(vlanNamespace(`bulk-${String(i).padStart(2, '0')}`, 1000 + i)));
    await pushFromAnotherClone(env.remote, { files });
    // Queue a long-running operation first so the pull waits and the subscription sees it all.
    const gate = createDeferred<void>();
    const blockerStarted = createDeferred<void>();
    env.t.app.operationHandlers.cluster_refresh = async () => {
      blockerStarted.resolve();
      await gate.promise;
    };
    await env.t.app
      .services()
      .operations.launch({ fabricId: env.fabricId, type: 'cluster_refresh', initiatedBy: 'test' });
    await blockerStarted.promise;
    const started = await env.t.graphqlOk<{ syncFabric: { id: string } }>(
      `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`,
      { id: env.fabricId },
    );

    const client = createClient({
      url: `${env.t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${(env.t as { adminToken?: string }).adminToken ?? ''}` },
    });
    const received: { status: string; phase: string; progressDone: number; progressTotal: number }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ syncOperationUpdated: (typeof received)[number] }>(
        {
          query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status phase progressDone progressTotal } }`,
          variables: { id: started.syncFabric.id },
        },
        {
          next: (message) => {
            const update = message.data!.syncOperationUpdated;
            received.push(update);
            if (received.length === 1) gate.resolve(); // subscribed: let the queue move
            if (update.status === 'COMPLETED' || update.status === 'FAILED') resolve();
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    await done;
    await client.dispose();
    expect(received[0]).toMatchObject({ status: 'PENDING' });
    expect(received.at(-1)).toMatchObject({ status: 'COMPLETED', phase: 'DONE', progressDone: 30, progressTotal: 30 });
    const phases = received.map((update) => update.phase).filter((phase, index, all) => phase !== all[index - 1]);
    expect(phases).toEqual(['QUEUED', 'STARTING', 'READING_HEAD', 'READING_TREE', 'READING_FILES', 'APPLYING', 'DONE']);
    const progress = received.map((update) => update.progressDone);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });
});

describe('cancelSyncOperation', () => {
  const cancel = (id: string) =>
    env.t.graphqlOk<{ cancelSyncOperation: { status: string } }>(
      `mutation($id: ID!) { cancelSyncOperation(id: $id) { status } }`,
      { id },
    );
  const status = async (id: string) =>
    (
      await queryDatabase<{ status: string; error_message: string | null }>(
        env.t.database.url,
        'select status, error_message from sync_operation where id = $1',
        [id],
      )
    )[0]!;

  it('a queued operation is cancelled at once and never runs; a running one stops at the next step with nothing written', async () => {
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-b')) });
    const before = await queryDatabase(env.t.database.url, 'select last_pulled_commit from fabric where id = $1', [
      env.fabricId,
    ]);
    // The pull blocks inside readTree until released; meanwhile a second pull waits in the queue.
    const inTree = createDeferred<void>();
    const release = createDeferred<void>();
    hosts.wrap = (host) =>
      new Proxy(host, {
        get(target, property) {
          const value = Reflect.get(target, property, target);
          if (property !== 'readTree') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<typeof host.readTree>) => {
            inTree.resolve();
            await release.promise;
            return target.readTree(...args);
          };
        },
      });
    const running = (
      await env.t.graphqlOk<{ syncFabric: { id: string } }>(
        `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`,
        { id: env.fabricId },
      )
    ).syncFabric.id;
    await inTree.promise;
    const queued = (
      await env.t.graphqlOk<{ commitChanges: { id: string } }>(
        `mutation($id: ID!) { commitChanges(fabricId: $id, message: "later") { id } }`,
        { id: env.fabricId },
      )
    ).commitChanges.id;
    expect((await cancel(queued)).cancelSyncOperation.status).toBe('CANCELLED');
    expect((await cancel(running)).cancelSyncOperation.status).toBe('IN_PROGRESS');
    release.resolve();
    await env.t.app.runner.idle();
    expect(await status(running)).toEqual({ status: 'cancelled', error_message: 'cancelled' });
    expect(await status(queued)).toEqual({ status: 'cancelled', error_message: 'cancelled' });
    // Nothing of the cut pull was written.
    expect([...(await rows(env.t, env.fabricId)).keys()]).toEqual(['ns-a']);
    expect(
      await queryDatabase(env.t.database.url, 'select last_pulled_commit from fabric where id = $1', [env.fabricId]),
    ).toEqual(before);
    const refused = await env.t.graphql(`mutation($id: ID!) { cancelSyncOperation(id: $id) { status } }`, {
      id: running,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });
});

describe('auto-commit after a quiet period', () => {
  it('pushes the drafts of a fabric that enabled it once they are quiet; never twice for the same drafts', async () => {
    const { checkAutoCommitsOnce } = await import('../../src/sync/head-check.ts');
    const { editDraft } = await import('./support.ts');
    const resource = (await rows(env.t, env.fabricId)).get('ns-a')!;
    await editDraft(env.t, resource.id, vlanNamespace('ns-a', 1234));
    // Off by default.
    expect(await checkAutoCommitsOnce(env.t.app.headCheck, { now: Date.now() + 3_600_000 })).toEqual([]);
    await env.t.graphqlOk(
      `mutation($id: ID!) { updateFabric(id: $id, input: { autoCommitEnabled: true, autoCommitQuietSeconds: 30 }) { id } }`,
      { id: env.fabricId },
    );
    // Not quiet long enough yet.
    expect(await checkAutoCommitsOnce(env.t.app.headCheck, { now: Date.now() })).toEqual([]);
    const queued = await checkAutoCommitsOnce(env.t.app.headCheck, { now: Date.now() + 31_000 });
    expect(queued).toHaveLength(1);
    await env.t.app.runner.idle();
    const [operation] = await queryDatabase<{ status: string; commit_sha: string | null; initiated_by: string }>(
      env.t.database.url,
      'select status, commit_sha, initiated_by from sync_operation where id = $1',
      [queued[0]],
    );
    expect(operation).toMatchObject({ status: 'completed', initiated_by: 'auto-commit' });
    expect(operation!.commit_sha).toMatch(/^[0-9a-f]{40}$/);
    expect((await rows(env.t, env.fabricId)).get('ns-a')).toMatchObject({
      draft_action: null,
      desired_spec: { ranges: [{ from: 1000, to: 1234 }] },
    });
    expect(await checkAutoCommitsOnce(env.t.app.headCheck, { now: Date.now() + 3_600_000 })).toEqual([]);
  });
});
