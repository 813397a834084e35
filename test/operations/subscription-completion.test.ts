/**
 * `syncOperationUpdated` completes after a final state: for an operation that already ended (one
 * snapshot, then complete) and for one cancelled while subscribed, over WebSocket and SSE alike.
 */
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { topics } from '../../src/events/event-bus.ts';
import { createFabric } from '../support/fixtures.ts';
import { createDeferred } from '../support/git-fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.stop();
});

const QUERY = `subscription($id: ID!) { syncOperationUpdated(id: $id) { status } }`;

/** Every state the WebSocket subscription sent; resolves when the server completes it. */
function overWebSocket(operationId: string) {
  const client = t.wsClient();
  const states: string[] = [];
  const completed = createDeferred<string[]>();
  client.subscribe<{ syncOperationUpdated: { status: string } }>(
    { query: QUERY, variables: { id: operationId } },
    {
      next: (result) => {
        if (result.data) states.push(result.data.syncOperationUpdated.status);
      },
      error: (error) => completed.reject(error),
      complete: () => completed.resolve(states),
    },
  );
  return completed.promise.finally(() => client.dispose());
}

/** Every state the SSE stream sent; resolves once the server ends the stream, with whether it sent `complete`. */
async function overSse(operationId: string) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${t.adminToken}`,
    },
    body: JSON.stringify({ query: QUERY, variables: { id: operationId } }),
  });
  const states: string[] = [];
  let completed = false;
  const parser = createParser({
    onEvent: (event) => {
      if (event.event === 'complete') completed = true;
      else if (event.data) states.push(JSON.parse(event.data).data.syncOperationUpdated.status);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
    parser.feed(decoder.decode(chunk, { stream: true }));
  return { states, completed };
}

it('an operation that already ended: one snapshot, then complete', async () => {
  const fabric = await createFabric(t);
  const services = t.app.services();
  const operation = await services.operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
  await services.operations.update(operation, { status: 'completed', phase: 'done', completedAt: new Date() });
  expect(await overWebSocket(operation.id)).toEqual(['COMPLETED']);
  expect(await overSse(operation.id)).toEqual({ states: ['COMPLETED'], completed: true });
});

it('an operation cancelled while followed: its states, CANCELLED last, then complete on both transports', async () => {
  const fabric = await createFabric(t);
  const services = t.app.services();
  // Recorded, not queued: it stays pending until cancelled.
  const operation = await services.operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
  const ws = overWebSocket(operation.id);
  const sse = overSse(operation.id);
  while (t.app.eventBus.subscriberCount(topics.syncOperation(operation.id)) < 2)
    await new Promise((resolve) => setImmediate(resolve));
  await services.operations.cancel({ operationId: operation.id, actor: 'test' });
  expect(await ws).toEqual(['PENDING', 'CANCELLED']);
  expect(await sse).toEqual({ states: ['PENDING', 'CANCELLED'], completed: true });
  // Nothing is left listening.
  expect(t.app.eventBus.subscriberCount(topics.syncOperation(operation.id))).toBe(0);
});
