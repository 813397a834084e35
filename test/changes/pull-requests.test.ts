/**
 * Changes proposed through pull requests (docs/changes.md "Stages"), on the GitHub test server:
 * a push without direct push records a PROPOSED change; the merge brought back by a pull makes it
 * MERGED without an external change of its own; signed `pull_request` webhooks make it MERGED
 * (and queue the pull) or CLOSED.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/sync/webhook.ts';
import { queryDatabase } from '../support/database.ts';
import { removeScratchDirs, pushFromAnotherClone } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { commitChanges, editDraft, fileOf, rows, sync, vlanNamespace } from '../sync/support.ts';
import { changeEvents, changeObjectRows, changeRows, mergeOnRemote } from './support.ts';

afterAll(removeScratchDirs);

const SECRET = 'change-webhook-secret-0123456789';
const github = tAdapters.find((adapter) => adapter.name === 'github')!;

let env: GatewayWithRemote;
beforeEach(async () => {
  env = await github.start({ env: { HEAD_CHECK: 'false' } });
  const repository = await env.t.graphqlOk<{ fabric: { gitRepository: { id: string } } }>(
    `query($id: ID!) { fabric(id: $id) { gitRepository { id } } }`,
    { id: env.fabricId },
  );
  await env.t.graphqlOk(
    `mutation($id: ID!, $secret: String!) { updateGitRepository(id: $id, input: { directPushEnabled: false, webhookSecret: $secret }) { id } }`,
    { id: repository.fabric.gitRepository.id, secret: SECRET },
  );
  await pushFromAnotherClone(env.remote, {
    files: { ...fileOf(vlanNamespace('ns-a')), ...fileOf(vlanNamespace('ns-b')) },
    message: 'seed',
  });
  await sync(env.t, env.fabricId, 'PULL');
});
afterEach(() => env.stop());

/** Edits ns-a through the API and pushes it: one pull request. */
async function propose(to: number) {
  const state = await rows(env.t, env.fabricId);
  await editDraft(env.t, state.get('ns-a')!.id, vlanNamespace('ns-a', to));
  const pushed = await commitChanges(env.t, env.fabricId, `resize ns-a to ${to}`);
  expect(pushed).toMatchObject({ status: 'COMPLETED', errorMessage: null });
  return pushed;
}

async function deliver(event: string, payload: unknown) {
  const body = Buffer.from(JSON.stringify(payload));
  const response = await fetch(`${env.t.url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': signatureOf(SECRET, body),
    },
    body: new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const closedEvent = (number: number, url: string, merged: boolean, mergeSha: string | null = null) => ({
  action: 'closed',
  number,
  pull_request: { number, html_url: url, merged, merge_commit_sha: mergeSha },
  repository: { html_url: `https://github.com/${env.github!.owner}/${env.github!.name}` },
});

describe('changes proposed in pull requests', () => {
  it('a push records a PROPOSED change; the merge pulled back makes it MERGED, with no external change', async () => {
    const listening = changeEvents(env);
    const pushed = await propose(1100);
    const branch = pushed.details.push.branch as string;
    let changes = await changeRows(env);
    expect(changes).toHaveLength(2);
    const proposed = changes[1]!;
    const number = Number(pushed.pullRequestUrl!.split('/').at(-1));
    expect(proposed).toMatchObject({
      source: 'pull_request',
      stage: 'PROPOSED',
      branch,
      commit_oid: pushed.commitSha,
      pull_request_url: pushed.pullRequestUrl,
      pull_request_number: number,
      pull_request_state: 'open',
      landed_at: null,
      object_count: 1,
    });
    expect(await changeObjectRows(env, proposed.id)).toEqual([
      expect.objectContaining({
        name: 'ns-a',
        action: 'update',
        committed: expect.objectContaining({ spec: { ranges: [{ from: 1000, to: 1100 }] } }),
      }),
    ]);

    const merge = await mergeOnRemote(env, branch, number);
    await sync(env.t, env.fabricId, 'PULL');
    await listening.stop();
    changes = await changeRows(env);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({
      id: proposed.id,
      stage: 'MERGED',
      pull_request_state: 'merged',
      merge_commit_oid: merge,
      open: true,
    });
    expect(changes[1]!.landed_at).not.toBeNull();
    expect(changes[1]!.stages.map((entry) => entry.stage)).toEqual(['PROPOSED', 'MERGED']);
    expect(listening.events.map((event) => [event.changeId, event.stage, event.previousStage])).toEqual([
      [proposed.id, 'PROPOSED', null],
      [changes[0]!.id, 'SUPERSEDED', 'COMMITTED'],
      [proposed.id, 'MERGED', 'PROPOSED'],
    ]);
  });

  it('a merge that brings in something else besides is MERGED, and the rest is an external change', async () => {
    const pushed = await propose(1100);
    const branch = pushed.details.push.branch as string;
    const number = Number(pushed.pullRequestUrl!.split('/').at(-1));
    await mergeOnRemote(env, branch, number);
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-b', 1300)), message: 'resize ns-b' });
    await sync(env.t, env.fabricId, 'PULL');
    const changes = await changeRows(env);
    expect(changes.map((change) => [change.source, change.stage])).toEqual([
      ['external', 'SUPERSEDED'],
      ['pull_request', 'MERGED'],
      ['external', 'COMMITTED'],
    ]);
    expect((await changeObjectRows(env, changes[2]!.id)).map((object) => object.name)).toEqual(['ns-b']);
  });

  it('a merge that changed the proposal on the way is not MERGED: the pulled content is an external change', async () => {
    const pushed = await propose(1100);
    const number = Number(pushed.pullRequestUrl!.split('/').at(-1));
    const branch = pushed.details.push.branch as string;
    await mergeOnRemote(env, branch, number);
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a', 1150)), message: 'reviewer fix' });
    await sync(env.t, env.fabricId, 'PULL');
    const changes = await changeRows(env);
    // The proposal's object got content it did not commit: superseded by the external change.
    expect(changes.map((change) => [change.source, change.stage])).toEqual([
      ['external', 'SUPERSEDED'],
      ['pull_request', 'SUPERSEDED'],
      ['external', 'COMMITTED'],
    ]);
  });

  it('a signed webhook: closed unmerged → CLOSED (final); nothing queued', async () => {
    const pushed = await propose(1100);
    const number = Number(pushed.pullRequestUrl!.split('/').at(-1));
    // Unsigned or wrongly signed: refused, nothing moves.
    const forged = await fetch(`${env.t.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-hub-signature-256': 'sha256=00',
      },
      body: JSON.stringify(closedEvent(number, pushed.pullRequestUrl!, false)),
    });
    expect(forged.status).toBe(401);
    expect((await changeRows(env))[1]).toMatchObject({ stage: 'PROPOSED' });
    // Another pull request's number, another action: ignored.
    expect((await deliver('pull_request', closedEvent(number + 7, pushed.pullRequestUrl!, false))).body).toMatchObject({
      status: 'ignored',
    });
    expect(
      (await deliver('pull_request', { ...closedEvent(number, pushed.pullRequestUrl!, false), action: 'reopened' }))
        .body,
    ).toMatchObject({
      status: 'ignored',
    });

    const listening = changeEvents(env);
    const delivered = await deliver('pull_request', closedEvent(number, pushed.pullRequestUrl!, false));
    await listening.stop();
    expect(delivered).toMatchObject({ status: 202, body: { status: 'recorded', operations: [] } });
    const change = (await changeRows(env))[1]!;
    expect(change).toMatchObject({ stage: 'CLOSED', open: false, pull_request_state: 'closed', landed_at: null });
    expect(listening.events).toEqual([
      expect.objectContaining({ changeId: change.id, stage: 'CLOSED', previousStage: 'PROPOSED' }),
    ]);
    // Closed is final: a later "merged" delivery moves nothing.
    expect((await deliver('pull_request', closedEvent(number, pushed.pullRequestUrl!, true))).body).toMatchObject({
      status: 'ignored',
    });
  });

  it('a signed webhook: closed and merged → MERGED and a pull queued, which records no external change', async () => {
    const pushed = await propose(1100);
    const number = Number(pushed.pullRequestUrl!.split('/').at(-1));
    const merge = await mergeOnRemote(env, pushed.details.push.branch as string, number);
    const delivered = await deliver('pull_request', closedEvent(number, pushed.pullRequestUrl!, true, merge));
    expect(delivered).toMatchObject({ status: 202, body: { status: 'recorded' } });
    expect(delivered.body.operations).toHaveLength(1);
    expect((await changeRows(env))[1]).toMatchObject({
      stage: 'MERGED',
      merge_commit_oid: merge,
      pull_request_state: 'merged',
    });
    await env.t.app.runner.idle();
    const [operation] = await queryDatabase<{ status: string; last: string | null }>(
      env.t.database.url,
      'select o.status, f.last_pulled_commit as last from sync_operation o join fabric f on f.id = o.fabric_id where o.id = $1',
      [delivered.body.operations[0]],
    );
    expect(operation).toEqual({ status: 'completed', last: merge });
    const changes = await changeRows(env);
    expect(changes.map((change) => [change.source, change.stage])).toEqual([
      ['external', 'SUPERSEDED'],
      ['pull_request', 'MERGED'],
    ]);
  });
});
