import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Client } from 'graphql-ws';
import { describe, expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTest } from '../support/app-fixture.ts';
import { topics } from '../../src/events/event-bus.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTest;

/** Collects results of one graphql-ws subscription; `next(n)` resolves when n have arrived. */
function subscribeWs(client: Client, query: string, variables: Record<string, unknown>) {
  const received: any[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let failure: unknown = null;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        received.push(value);
        for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      },
      error: (error) => {
        failure = error;
        for (const waiter of waiters) waiter.resolve();
      },
      complete: () => {},
    },
  );
  return {
    received,
    dispose,
    failure: () => failure,
    next: (count: number) =>
      new Promise<void>((resolve) => {
        if (received.length >= count || failure) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

/** Reads a GraphQL-over-SSE response and yields each `next` payload. */
async function* readSse(response: Response): AsyncGenerator<any> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) {
      const event = queue.shift() as EventSourceMessage;
      if (event.event === 'complete') return;
      if (event.data) yield JSON.parse(event.data);
    }
  }
}

async function waitForSubscriber(t: TestApp, topic: string) {
  // Event-driven: the bus tells how many listen; poll on the event loop until one does.
  while (t.app.eventBus.subscriberCount(topic) === 0) await new Promise((resolve) => setImmediate(resolve));
}

describe('subscriptions over graphql-ws on /graphql', () => {
  it('delivers fabric events caused by a mutation to a real WebSocket client', async ({ t }) => {
    const fabric = await createFabric(t);
    const client = t.wsClient();
    try {
      const subscription = subscribeWs(
        client,
        `subscription($f: ID!) { fabricEvents(fabricId: $f) { type fabricId ... on DraftChangedEvent { resourceId kind name action } } }`,
        { f: fabric.id },
      );
      await waitForSubscriber(t, topics.fabric(fabric.id));
      const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('ws-leaf'));
      await subscription.next(1);
      expect(subscription.received[0].data.fabricEvents).toMatchObject({
        type: 'DRAFT_CHANGED',
        fabricId: fabric.id,
        resourceId: draft.id,
        kind: 'VLANNamespace',
        name: 'ws-leaf',
        action: 'UPSERT',
      });
      subscription.dispose();
    } finally {
      await client.dispose();
    }
  });

  it('sends a late subscriber the operation as it is now, then each update in order', async ({ t }) => {
    const fabric = await createFabric(t);
    const services = t.app.services();
    const operation = await services.operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
    await services.operations.update(operation, {
      status: 'in_progress',
      phase: 'reading_tree',
      progressTotal: 3,
      startedAt: new Date(),
    });
    const client = t.wsClient();
    try {
      const subscription = subscribeWs(
        client,
        `subscription($id: ID!) { syncOperationUpdated(id: $id) { status phase progressDone progressTotal estimatedSecondsLeft events { edges { node { message } } } } }`,
        { id: operation.id },
      );
      await subscription.next(1);
      expect(subscription.received[0].data.syncOperationUpdated).toMatchObject({
        status: 'IN_PROGRESS',
        phase: 'READING_TREE',
        progressDone: 0,
      });
      for (let done = 1; done <= 3; done++) {
        await services.operations.update(operation, { progressDone: done }, [{ message: `file ${done}` }]);
      }
      await services.operations.update(operation, { status: 'completed', phase: 'done' });
      await subscription.next(5);
      const states = subscription.received.map((result) => result.data.syncOperationUpdated);
      expect(states.map((state) => state.progressDone)).toEqual([0, 1, 2, 3, 3]);
      expect(states.at(-1)).toMatchObject({ status: 'COMPLETED', phase: 'DONE', estimatedSecondsLeft: null });
      // Mid-way (1 of 3 done) the dashboard gets an estimate of the time left.
      expect(typeof states[1].estimatedSecondsLeft).toBe('number');
      expect(states.at(-1).events.edges.map((edge: { node: { message: string } }) => edge.node.message)).toEqual([
        'file 1',
        'file 2',
        'file 3',
      ]);
      subscription.dispose();
    } finally {
      await client.dispose();
    }
  });

  it('refuses a subscription to an unknown fabric with NOT_FOUND', async ({ t }) => {
    const client = t.wsClient();
    try {
      const subscription = subscribeWs(
        client,
        `subscription { fabricEvents(fabricId: "00000000-0000-0000-0000-000000000000") { type } }`,
        {},
      );
      await subscription.next(1);
      const result = subscription.received[0] ?? subscription.failure();
      expect(JSON.stringify(result)).toContain('NOT_FOUND');
    } finally {
      await client.dispose();
    }
  });
});

describe('subscriptions over SSE', () => {
  it('streams fabric events to an SSE client', async ({ t }) => {
    const fabric = await createFabric(t);
    const controller = new AbortController();
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${t.adminToken}`,
      },
      body: JSON.stringify({
        query: `subscription($f: ID!) { fabricEvents(fabricId: $f) { type ... on DraftChangedEvent { resourceId } } }`,
        variables: { f: fabric.id },
      }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = readSse(response);
    await waitForSubscriber(t, topics.fabric(fabric.id));
    const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('sse-leaf'));
    const first = await events.next();
    expect(first.value.data.fabricEvents).toEqual({ type: 'DRAFT_CHANGED', resourceId: draft.id });
    controller.abort();
    await events.return(undefined).catch(() => {});
  });
});
