/**
 * Webhook replays: the delivery id is not signed, so a captured body sent again with a new id,
 * or with none, must be recognised by what is signed (the body). Every delivery is recorded
 * when it is accepted, also one folded into a pull that was already pending, and in the database,
 * so another replica (or this one after a restart) recognises it too.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHost } from '../../src/git/git-host.ts';
import { signatureOf } from '../../src/sync/webhook.ts';
import { queryDatabase } from '../support/database.ts';
import { createDeferred, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import { startTestApp } from '../support/test-app.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { fileOf, sync, vlanNamespace } from './support.ts';

afterAll(removeScratchDirs);

const SECRET = 'webhook-replay-secret-0123456789';
const github = tAdapters.find((adapter) => adapter.name === 'github')!;

let env: GatewayWithRemote;
let hosts: GitHostHook;
beforeEach(async () => {
  hosts = gitHostHook();
  env = await github.start({ env: { HEAD_CHECK: 'false' }, openGitHost: hosts.openGitHost });
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

const operations = async () =>
  (
    await queryDatabase<{ n: number }>(
      env.t.database.url,
      'select count(*)::int as n from sync_operation where fabric_id = $1',
      [env.fabricId],
    )
  )[0]!.n;

function pushEvent(after: string) {
  return {
    ref: 'refs/heads/main',
    after,
    repository: { html_url: `https://github.com/${env.github!.owner}/${env.github!.name}` },
    commits: [{ id: after, added: [], modified: ['fabric/managed/vlannamespaces/ns-a.yaml'], removed: [] }],
  };
}

async function deliver(url: string, body: Buffer, delivery: string | null) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-hub-signature-256': signatureOf(SECRET, body),
  };
  if (delivery !== null) headers['x-github-delivery'] = delivery;
  const response = await fetch(`${url}/webhooks/github`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('webhook replays', () => {
  it('a captured body sent again with a new delivery id, or none, queues nothing', async () => {
    const body = Buffer.from(JSON.stringify(pushEvent('1'.repeat(40))));
    expect((await deliver(env.t.url, body, 'genuine-1')).body.status).toBe('queued');
    await env.t.app.runner.idle();
    const before = await operations();
    for (const delivery of ['forged-new-id', null]) {
      const replay = await deliver(env.t.url, body, delivery);
      expect(replay).toMatchObject({ status: 202, body: { status: 'ignored', reason: 'delivery already seen' } });
    }
    await env.t.app.runner.idle();
    expect(await operations()).toBe(before);
  });

  it('a delivery folded into a pending pull is recorded: another replica ignores its replay', async () => {
    const first = Buffer.from(JSON.stringify(pushEvent('2'.repeat(40))));
    const second = Buffer.from(JSON.stringify(pushEvent('3'.repeat(40))));
    // A pull of an earlier delivery holds the fabric's queue (its first Git call waits), so both
    // deliveries arrive while their pull is still pending: the second folds into the first's.
    const held = createDeferred();
    const release = createDeferred();
    hosts.wrap = (host) =>
      new Proxy(host, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            hosts.wrap = undefined;
            held.resolve();
            await release.promise;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as GitHost;
    const running = await deliver(env.t.url, Buffer.from(JSON.stringify(pushEvent('1'.repeat(40)))), 'fold-0');
    expect(running.body.status).toBe('queued');
    await held.promise;
    const [a, b] = await Promise.all([deliver(env.t.url, first, 'fold-1'), deliver(env.t.url, second, 'fold-2')]);
    expect(a.body.operations).toEqual(b.body.operations);
    expect(a.body.operations).not.toEqual(running.body.operations);
    release.resolve();
    await env.t.app.runner.idle();
    const before = await operations();
    const replica = await startTestApp({
      database: env.t.database,
      migrate: false,
      env: {
        HEAD_CHECK: 'false',
        GATEWAY_SECRET_KEY: env.t.app.config.secretKey!.toString('hex'),
        ...(env.github ? { GITHUB_API_URL: env.github.url } : {}),
      },
    });
    try {
      for (const [body, delivery] of [
        [second, 'fold-2'],
        [second, 'fold-2-again'],
        [first, 'fold-1'],
      ] as const) {
        const replay = await deliver(replica.url, body, delivery);
        expect(replay).toMatchObject({ status: 202, body: { status: 'ignored', reason: 'delivery already seen' } });
      }
      await replica.app.runner.idle();
      expect(await operations()).toBe(before);
    } finally {
      await replica.stop();
    }
  });
});
