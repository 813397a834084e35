/**
 * A push's progress moves DURING its commit, in the unit of its counted phase (COMMITTING: files
 * the commit writes), with an estimate: the adapter writes (native git) or encodes (GitHub) the
 * files in batches of 100 and reports after each. Both Git adapters, 250 drafts.
 *
 * No sleeps: the commit is held at the GitHost after its first batch (in the progress callback
 * the adapter awaits) until the test has seen an update with 0 < done < total, then released.
 */
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/events/event-bus.ts';
import type { CommitOptions, CommitRequest, GitHost } from '../../src/git/git-host.ts';
import { createDeferred, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { type OperationEvent, watchOperationEvents, watchOperationWs, waitForSubscribers } from './support.ts';
import { createDraftOf, pathOf, vlanNamespace, yamlOf } from '../sync/support.ts';

afterAll(removeScratchDirs);

const DRAFTS = 250;

/** Holds every commit after its first reported batch (0 < done < total) until `release`; records what was reported. */
function holdCommitMidway(hosts: GitHostHook) {
  const released = createDeferred();
  const reported: [number, number][] = [];
  hosts.wrap = (host: GitHost) =>
    new Proxy(host, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'commit') return typeof value === 'function' ? value.bind(target) : value;
        return (request: CommitRequest, options: CommitOptions = {}) =>
          (value as GitHost['commit']).call(target, request, {
            onProgress: async (done, total) => {
              reported.push([done, total]);
              await options.onProgress?.(done, total);
              if (done > 0 && done < total) await released.promise;
            },
          });
      },
    });
  return { release: () => released.resolve(), reported };
}

describe.each(tAdapters)('push progress on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  let hosts: GitHostHook;
  let client: Client;
  beforeEach(async () => {
    hosts = gitHostHook();
    env = await adapter.start({ openGitHost: hosts.openGitHost });
    client = env.t.wsClient();
  });
  afterEach(async () => {
    await client.dispose();
    await env.stop();
  });

  it('a push of 250 drafts moves during COMMITTING, with an estimate, and lands them all', async () => {
    const { t, fabricId } = env;
    const objects = Array.from({ length: DRAFTS }, (_, index) => vlanNamespace(`ns-${String(index).padStart(3, '0')}`));
    for (let start = 0; start < DRAFTS; start += 25)
      await Promise.all(objects.slice(start, start + 25).map((object) => createDraftOf(t, fabricId, object)));

    const hold = holdCommitMidway(hosts);
    const watched = watchOperationEvents(client, fabricId, { phase: 'COMMITTING' });
    await waitForSubscribers(t, topics.fabric(fabricId), 1);
    const started = await t.graphqlOk<{ commitChanges: { id: string } }>(
      `mutation($id: ID!) { commitChanges(fabricId: $id, message: "250 namespaces") { id } }`,
      { id: fabricId },
    );
    const operationId = started.commitChanges.id;
    const ws = watchOperationWs(client, operationId);
    let midway: OperationEvent;
    try {
      midway = await watched.midway;
      await waitForSubscribers(t, topics.syncOperation(operationId), 1);
    } finally {
      hold.release();
    }
    await t.app.runner.idle();

    expect(midway).toMatchObject({ operationId, operationType: 'PUSH', phase: 'COMMITTING', progressTotal: DRAFTS });
    expect(midway.progressDone).toBeGreaterThan(0);
    expect(midway.progressDone).toBeLessThan(DRAFTS);
    expect(midway.estimatedSecondsLeft).not.toBeNull();
    expect(midway.estimatedSecondsLeft).toBeGreaterThanOrEqual(0);
    // The adapter reported batch after batch (GitHub's first commit into an empty repository
    // writes its first file apart), rising to the total.
    const done = hold.reported.map(([filesDone, total]) => {
      expect(total).toBe(DRAFTS);
      return filesDone;
    });
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done).toEqual([...new Set(done)].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(DRAFTS);

    await ws.completed;
    expect(ws.states.at(-1)).toMatchObject({ status: 'COMPLETED', progressDone: DRAFTS, progressTotal: DRAFTS });
    await watched.final;
    const events = watched.events.filter((event) => event.operationId === operationId);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ status: 'COMPLETED', phase: 'DONE', progressDone: DRAFTS, progressTotal: DRAFTS });
    // Never backwards within COMMITTING, and throttled: a handful of updates, not one per file.
    const committing = events.filter((event) => event.phase === 'COMMITTING').map((event) => event.progressDone);
    expect(committing).toEqual([...committing].sort((a, b) => a - b));
    expect(events.length).toBeLessThan(30);

    // Every file landed, whole.
    for (const object of [objects[0]!, objects[137]!, objects[DRAFTS - 1]!])
      expect((await readFileAt(env.remote, 'HEAD', pathOf(object))).toString()).toBe(yamlOf(object));
  });
});
