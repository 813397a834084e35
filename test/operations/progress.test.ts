/**
 * Progress that can drive a progress bar: on a fabric of 250 files, pull and ingestion report
 * done/total in files DURING their slowest phase (reading the files), with an estimate of the
 * time left, through `fabricEvents` (OPERATION_UPDATED); `syncOperationUpdated` completes after
 * the final state on WebSocket and SSE alike. Both Git adapters.
 *
 * No sleeps: the second batch of blobs is held at the GitHost until the test has seen an update
 * with 0 < done < total (the reporter publishes the held move within 100 ms), then released.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/events/event-bus.ts';
import type { GitHost } from '../../src/git/git-host.ts';
import { createDeferred, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import type { TestApp } from '../support/test-app.ts';
import { runOperation } from '../gitops/support.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { watchOperationEvents, watchOperationWs, waitForSubscribers } from './support.ts';
import { fileOf, vlanNamespace, yamlOf } from '../sync/support.ts';

afterAll(removeScratchDirs);

const FILES = 250;

/**
 * Holds every readBlobs call that comes after a full batch (100 blobs) was read, until `release`:
 * the operation is then mid-way through its files.
 */
function holdSecondBatch(hosts: GitHostHook) {
  const released = createDeferred();
  let fullBatchRead = false;
  hosts.wrap = (host: GitHost) =>
    new Proxy(host, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'readBlobs') return typeof value === 'function' ? value.bind(target) : value;
        return async (oids: readonly string[]) => {
          if (fullBatchRead) await released.promise;
          const blobs = await (value as GitHost['readBlobs']).call(target, oids);
          if (oids.length === 100) fullBatchRead = true;
          return blobs;
        };
      },
    });
  return { release: () => released.resolve() };
}

/** syncOperationUpdated over SSE: resolves with every state once the server sends `complete`. */
async function watchOperationSse(t: TestApp, operationId: string) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${t.adminToken}`,
    },
    body: JSON.stringify({
      query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status progressDone progressTotal } }`,
      variables: { id: operationId },
    }),
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  // Wrapped: a promise returned from an async function would be awaited with it.
  const ended = (async () => {
    const states: { status: string }[] = [];
    let completed = false;
    const parser = createParser({
      onEvent: (event: EventSourceMessage) => {
        if (event.event === 'complete') completed = true;
        else if (event.data) states.push(JSON.parse(event.data).data.syncOperationUpdated);
      },
    });
    const decoder = new TextDecoder();
    // Ends when the server ends the stream: it does after `complete`.
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      parser.feed(decoder.decode(chunk, { stream: true }));
    return { states, completed };
  })();
  return { ended };
}

describe.each(tAdapters)('progress on the $name adapter', (adapter) => {
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

  /** Runs `start` with the second batch held, checks the midway update and the completions, returns the events. */
  async function followOperation(start: () => Promise<string>, type: string, phase: string) {
    const { t, fabricId } = env;
    const hold = holdSecondBatch(hosts);
    const watched = watchOperationEvents(client, fabricId);
    await waitForSubscribers(t, topics.fabric(fabricId), 1);
    const operationId = await start();
    const ws = watchOperationWs(client, operationId);
    const sse = await watchOperationSse(t, operationId).catch((error: unknown) => {
      hold.release();
      throw error;
    });
    const midway = await watched.midway;
    // Both transports follow the operation before it is let go past its first batch.
    await waitForSubscribers(t, topics.syncOperation(operationId), 2);
    hold.release();
    await t.app.runner.idle();

    expect(midway).toMatchObject({ operationId, operationType: type, phase, progressTotal: FILES });
    expect(midway.progressDone).toBeGreaterThan(0);
    expect(midway.progressDone).toBeLessThan(FILES);
    expect(midway.estimatedSecondsLeft).not.toBeNull();
    expect(midway.estimatedSecondsLeft).toBeGreaterThanOrEqual(0);

    // The WebSocket subscription completes after the final state; so does the SSE stream.
    await ws.completed;
    expect(ws.states.at(-1)).toMatchObject({ status: 'COMPLETED' });
    const streamed = await sse.ended;
    expect(streamed.completed).toBe(true);
    expect(streamed.states.at(-1)).toMatchObject({ status: 'COMPLETED' });
    await watched.final;
    return watched.events.filter((event) => event.operationId === operationId);
  }

  it('a pull of 250 files moves during reading_files, with an estimate, and its subscriptions complete', async () => {
    const { t, fabricId } = env;
    const objects = Array.from({ length: FILES }, (_, index) => vlanNamespace(`ns-${String(index).padStart(3, '0')}`));
    await pushFromAnotherClone(env.remote, { files: Object.assign({}, ...objects.map(fileOf)), message: 'seed' });
    const events = await followOperation(
      async () => {
        const started = await t.graphqlOk<{ syncFabric: { id: string } }>(
          `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`,
          { id: fabricId },
        );
        return started.syncFabric.id;
      },
      'PULL',
      'READING_FILES',
    );
    const last = events.at(-1)!;
    expect(last).toMatchObject({ status: 'COMPLETED', phase: 'DONE', progressDone: FILES, progressTotal: FILES });
    expect(last.estimatedSecondsLeft).toBeNull();
    // Throttled: a handful of updates for 250 files, not one per file.
    expect(events.length).toBeLessThan(30);
  });

  it('an ingestion of 250 raw files moves while it reads them, with an estimate, and its subscriptions complete', async () => {
    const { t, fabricId } = env;
    await runOperation(t, 'initializeGitopsDirectory', fabricId);
    const files: Record<string, string> = {};
    for (let index = 0; index < FILES; index++)
      files[`fabric/raw/ns-${String(index).padStart(3, '0')}.yaml`] = yamlOf(vlanNamespace(`raw-${index}`));
    await pushFromAnotherClone(env.remote, { files, message: 'raw files' });
    const events = await followOperation(
      async () => {
        const started = await t.graphqlOk<{ ingestRaw: { id: string } }>(
          `mutation($id: ID!) { ingestRaw(fabricId: $id) { id } }`,
          { id: fabricId },
        );
        return started.ingestRaw.id;
      },
      'INGESTION',
      'VALIDATION',
    );
    expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', phase: 'DONE', progressDone: FILES });
  });
});
