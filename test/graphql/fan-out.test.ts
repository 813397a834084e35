import { once } from 'node:events';
import type { Client } from 'graphql-ws';
import { describe, expect, vi } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { WebSocket } from 'ws';
import { topics } from '../../src/events/event-bus.ts';
import type { TestApp } from '../support/test-app.ts';
import { appTest } from '../support/app-fixture.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTest;

const FABRIC_EVENTS = `subscription($f: ID!, $types: [FabricEventType!]) {
  fabricEvents(fabricId: $f, types: $types) { type fabricId ... on DraftChangedEvent { name action } }
}`;

/** Collects results of one graphql-ws subscription; `next(n)` resolves when n have arrived. */
function subscribeWs(client: Client, query: string, variables: Record<string, unknown>) {
  const received: any[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        received.push(value);
        for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      },
      error: () => {},
      complete: () => {},
    },
  );
  return {
    received,
    dispose,
    next: (count: number) =>
      new Promise<void>((resolve) => {
        if (received.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

/** Turns of the event loop until `condition` holds (the bus and the sockets are event-driven). */
async function until(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** A graphql-transport-ws subscriber on a raw socket, so the test can stop reading from it. */
async function rawSubscriber(t: TestApp, fabricId: string, id = 'paused') {
  const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  await once(socket, 'open');
  const messages: any[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${t.adminToken}` } }));
  await until(() => messages.some((message) => message.type === 'connection_ack'));
  socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: FABRIC_EVENTS, variables: { f: fabricId } } }));
  const raw: string[] = [];
  socket.on('message', (data) => raw.push(String(data)));
  return { socket, messages, raw };
}

describe('fan-out of fabric events over graphql-ws and SSE', () => {
  it('runs ONE execution for subscribers with the same token, document and variables, and each gets the event', async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const other = await createFabric(t);
    const client = t.wsClient();
    try {
      const same = Array.from({ length: 5 }, () => subscribeWs(client, FABRIC_EVENTS, { f: fabric.id }));
      const elsewhere = subscribeWs(client, FABRIC_EVENTS, { f: other.id });
      await until(() => t.app.sharedSubscriptions.subscribers === 6);
      // One bus listener per distinct subscription, not per subscriber.
      expect(t.app.sharedSubscriptions.executions).toBe(2);
      expect(t.app.eventBus.subscriberCount(topics.fabric(fabric.id))).toBe(1);
      expect(t.app.eventBus.subscriberCount(topics.fabric(other.id))).toBe(1);

      await createDraft(t, fabric.id, vlanNamespaceYaml('shared-leaf'));
      await Promise.all(same.map((subscription) => subscription.next(1)));
      for (const subscription of same)
        expect(subscription.received[0].data.fabricEvents).toMatchObject({
          type: 'DRAFT_CHANGED',
          fabricId: fabric.id,
          name: 'shared-leaf',
          action: 'UPSERT',
        });
      expect(elsewhere.received).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it('does not share an execution between tokens of different authority', async ({ t }) => {
    const fabric = await createFabric(t);
    const viewerToken = await t.createToken({ role: 'viewer', fabricIds: [fabric.id] });
    const admin = t.wsClient();
    const viewer = t.wsClient({ token: viewerToken });
    try {
      const asAdmin = subscribeWs(admin, FABRIC_EVENTS, { f: fabric.id });
      const asViewer = subscribeWs(viewer, FABRIC_EVENTS, { f: fabric.id });
      await until(() => t.app.sharedSubscriptions.subscribers === 2);
      expect(t.app.sharedSubscriptions.executions).toBe(2);
      await createDraft(t, fabric.id, vlanNamespaceYaml('two-tokens'));
      await Promise.all([asAdmin.next(1), asViewer.next(1)]);
      expect(asViewer.received[0].data.fabricEvents.name).toBe('two-tokens');
    } finally {
      await Promise.all([admin.dispose(), viewer.dispose()]);
    }
  });

  it('frees the bus listener as soon as subscribers leave, with a type filter and without one, on a quiet fabric', async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const topic = topics.fabric(fabric.id);
    const client = t.wsClient();
    try {
      const filtered = subscribeWs(client, FABRIC_EVENTS, { f: fabric.id, types: ['COMMITTED'] });
      const all = subscribeWs(client, FABRIC_EVENTS, { f: fabric.id });
      await until(() => t.app.eventBus.subscriberCount(topic) === 2);
      filtered.dispose();
      // No event comes: the filtered subscription must still let go of its listener at once.
      await until(() => t.app.eventBus.subscriberCount(topic) === 1);
      all.dispose();
      await until(() => t.app.eventBus.subscriberCount(topic) === 0);
      expect(t.app.sharedSubscriptions.executions).toBe(0);
      expect(t.app.sharedSubscriptions.subscribers).toBe(0);
    } finally {
      await client.dispose();
    }
  });

  it('frees the bus listener of syncOperationUpdated when its subscriber leaves before the next change', async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const services = t.app.services();
    const operation = await services.operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
    await services.operations.update(operation, { status: 'in_progress', startedAt: new Date() });
    const topic = topics.syncOperation(operation.id);
    const client = t.wsClient();
    try {
      const subscription = subscribeWs(client, `subscription($id: ID!) { syncOperationUpdated(id: $id) { status } }`, {
        id: operation.id,
      });
      await subscription.next(1);
      expect(t.app.eventBus.subscriberCount(topic)).toBe(1);
      subscription.dispose();
      await until(() => t.app.eventBus.subscriberCount(topic) === 0);
    } finally {
      await client.dispose();
    }
  });

  it('does not share syncOperationUpdated: a later subscriber with the same document still gets the current state first', async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const services = t.app.services();
    const operation = await services.operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
    await services.operations.update(operation, { status: 'in_progress', startedAt: new Date() });
    const query = `subscription($id: ID!) { syncOperationUpdated(id: $id) { status } }`;
    const client = t.wsClient();
    try {
      const first = subscribeWs(client, query, { id: operation.id });
      await first.next(1);
      const second = subscribeWs(client, query, { id: operation.id });
      await second.next(1);
      expect(second.received[0].data.syncOperationUpdated.status).toBe('IN_PROGRESS');
      expect(t.app.sharedSubscriptions.executions).toBe(0);
    } finally {
      await client.dispose();
    }
  });

  it("answers a mutation while a subscriber's socket is paused, and the other subscribers still get the event", async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const paused = await rawSubscriber(t, fabric.id);
    const client = t.wsClient();
    try {
      const reading = subscribeWs(client, FABRIC_EVENTS, { f: fabric.id });
      await until(() => t.app.sharedSubscriptions.subscribers === 2);
      (paused.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('paused-leaf'));
      expect(draft.name).toBe('paused-leaf');
      await reading.next(1);
      expect(reading.received[0].data.fabricEvents.name).toBe('paused-leaf');
      expect(paused.messages.filter((message) => message.type === 'next')).toEqual([]);
      (paused.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      await until(() => paused.messages.some((message) => message.type === 'next'));
    } finally {
      paused.socket.close();
      await client.dispose();
    }
  });

  it('serialises each shared result ONCE, and writes it to every socket as its own next message', async ({ t }) => {
    const fabric = await createFabric(t);
    // Ids of every form a client may choose (graphql-ws's own client sends UUIDs).
    const ids = ['1', 'b0c5e1f2-4a6d-4e8b-9c3d-2f1e0a9b8c7d', 'with "quotes" and \\ slash', 'ünïcode-✓'];
    const subscribers = await Promise.all(ids.map((id) => rawSubscriber(t, fabric.id, id)));
    try {
      await until(() => t.app.sharedSubscriptions.subscribers === ids.length);
      expect(t.app.sharedSubscriptions.executions).toBe(1);
      const serialisedBefore = t.app.sharedSubscriptions.serialisations;
      const fannedOutBefore = (await t.app.metrics.subscriptionFanOut.get()).values.find(
        (value) => value.metricName === 'gateway_subscription_fanout_seconds_count',
      )!.value;

      await createDraft(t, fabric.id, vlanNamespaceYaml('once-leaf'));
      await until(() => subscribers.every((subscriber) => subscriber.messages.some((m) => m.type === 'next')));

      expect(t.app.sharedSubscriptions.serialisations - serialisedBefore).toBe(1);
      const texts = subscribers.map((subscriber) => subscriber.raw.find((text) => text.includes('"next"'))!);
      const payloads = new Set(texts.map((text) => JSON.stringify(JSON.parse(text).payload)));
      expect(payloads.size).toBe(1);
      texts.forEach((text, index) => {
        const message = JSON.parse(text);
        // The message graphql-ws itself would send: its id, type and payload, nothing else.
        expect(Object.keys(message)).toEqual(['id', 'type', 'payload']);
        expect(message).toMatchObject({
          id: ids[index],
          type: 'next',
          payload: { data: { fabricEvents: { type: 'DRAFT_CHANGED', fabricId: fabric.id, name: 'once-leaf' } } },
        });
      });
      // The server's own fan-out time is recorded once for that result.
      const fannedOut = (await t.app.metrics.subscriptionFanOut.get()).values.find(
        (value) => value.metricName === 'gateway_subscription_fanout_seconds_count',
      )!.value;
      expect(fannedOut - fannedOutBefore).toBe(1);
    } finally {
      for (const subscriber of subscribers) subscriber.socket.close();
    }
    await until(() => t.app.sharedSubscriptions.executions === 0);
    expect(t.app.sharedSubscriptions.subscribers).toBe(0);
    expect(t.app.eventBus.subscriberCount(topics.fabric(fabric.id))).toBe(0);
  });

  it('sends complete to a subscriber that stops, and the others go on getting events', async ({ t }) => {
    const fabric = await createFabric(t);
    const staying = await rawSubscriber(t, fabric.id, 'staying');
    const leaving = await rawSubscriber(t, fabric.id, 'leaving');
    try {
      await until(() => t.app.sharedSubscriptions.subscribers === 2);
      leaving.socket.send(JSON.stringify({ id: 'leaving', type: 'complete' }));
      await until(() => t.app.sharedSubscriptions.subscribers === 1);
      await createDraft(t, fabric.id, vlanNamespaceYaml('after-leave'));
      await until(() => staying.messages.some((message) => message.type === 'next'));
      // Its socket stays open and may subscribe again; the one that left got nothing more.
      expect(leaving.messages.filter((message) => message.type === 'next')).toEqual([]);
      expect(leaving.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      staying.socket.close();
      leaving.socket.close();
    }
  });

  it('shares one execution between SSE subscribers too, and ends it when the last one leaves', async ({ t }) => {
    const fabric = await createFabric(t);
    const topic = topics.fabric(fabric.id);
    const streams = [0, 1, 2].map(() => sseSubscriber(t, fabric.id));
    try {
      await Promise.all(streams.map((stream) => stream.opened));
      await until(() => t.app.sharedSubscriptions.subscribers === 3);
      expect(t.app.sharedSubscriptions.executions).toBe(1);
      expect(t.app.eventBus.subscriberCount(topic)).toBe(1);
      await createDraft(t, fabric.id, vlanNamespaceYaml('sse-shared'));
      for (const stream of streams) {
        const first = await stream.events.next();
        expect(first.value.data.fabricEvents).toMatchObject({ type: 'DRAFT_CHANGED', name: 'sse-shared' });
      }
      streams[0]!.controller.abort();
      await until(() => t.app.sharedSubscriptions.subscribers === 2);
      expect(t.app.eventBus.subscriberCount(topic)).toBe(1);
    } finally {
      for (const stream of streams) stream.controller.abort();
    }
    await until(() => t.app.sharedSubscriptions.executions === 0);
    expect(t.app.eventBus.subscriberCount(topic)).toBe(0);
  });

  it('serialises a shared result ONCE for all its SSE subscribers and WebSocket subscribers together', async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const streams = [0, 1, 2].map(() => sseSubscriber(t, fabric.id));
    const sockets = await Promise.all(['ws-1', 'ws-2'].map((id) => rawSubscriber(t, fabric.id, id)));
    // Every JSON.stringify of this event's result, whoever makes it (yoga's SSE processor included).
    const stringify = vi.spyOn(JSON, 'stringify');
    const ofEvent = () =>
      stringify.mock.calls.filter(([value]) => (value as any)?.data?.fabricEvents?.name === 'sse-once').length;
    try {
      await Promise.all(streams.map((stream) => stream.opened));
      await until(() => t.app.sharedSubscriptions.subscribers === 5);
      expect(t.app.sharedSubscriptions.executions).toBe(1);
      const serialisedBefore = t.app.sharedSubscriptions.serialisations;
      await createDraft(t, fabric.id, vlanNamespaceYaml('sse-once'));
      const texts: string[] = [];
      for (const stream of streams) {
        const first = await stream.texts.next();
        texts.push(first.value);
      }
      await until(() => sockets.every((socket) => socket.messages.some((m) => m.type === 'next')));
      expect(ofEvent()).toBe(1);
      expect(t.app.sharedSubscriptions.serialisations - serialisedBefore).toBe(1);
      // Every subscriber got the same text: the WebSocket ones inside their next message.
      expect(new Set(texts).size).toBe(1);
      expect(JSON.parse(texts[0]!).data.fabricEvents).toMatchObject({ type: 'DRAFT_CHANGED', name: 'sse-once' });
      for (const socket of sockets) expect(socket.raw.find((text) => text.includes('"next"'))).toContain(texts[0]);
    } finally {
      stringify.mockRestore();
      for (const stream of streams) stream.controller.abort();
      for (const socket of sockets) socket.socket.close();
    }
    await until(() => t.app.sharedSubscriptions.executions === 0);
  });

  it('does not share between an SSE subscriber and one of another token', async ({ t }) => {
    const fabric = await createFabric(t);
    const viewerToken = await t.createToken({ role: 'viewer', fabricIds: [fabric.id] });
    const streams = [sseSubscriber(t, fabric.id), sseSubscriber(t, fabric.id, viewerToken)];
    try {
      await Promise.all(streams.map((stream) => stream.opened));
      await until(() => t.app.sharedSubscriptions.subscribers === 2);
      expect(t.app.sharedSubscriptions.executions).toBe(2);
    } finally {
      for (const stream of streams) stream.controller.abort();
    }
    await until(() => t.app.sharedSubscriptions.executions === 0);
  });

  it('shares nothing for SSE subscribers refused a fabric: each gets its own error, and nothing runs', async ({
    t,
  }) => {
    const fabric = await createFabric(t);
    const other = await createFabric(t);
    const viewerToken = await t.createToken({ role: 'viewer', fabricIds: [fabric.id] });
    for (const fabricId of [other.id, 'not-a-fabric\u0000', '00000000-0000-4000-8000-000000000000']) {
      const streams = [sseSubscriber(t, fabricId, viewerToken), sseSubscriber(t, fabricId, viewerToken)];
      try {
        for (const stream of streams) {
          const first = await stream.events.next();
          expect(first.value.errors?.[0]?.extensions?.code).toMatch(/NOT_FOUND|FORBIDDEN|BAD_USER_INPUT/);
        }
        expect(t.app.sharedSubscriptions.executions).toBe(0);
        expect(t.app.eventBus.subscriberCount(topics.fabric(other.id))).toBe(0);
      } finally {
        for (const stream of streams) stream.controller.abort();
      }
    }
  });
});

/** A GraphQL-over-SSE subscriber to the fabric's events; `events` yields each payload, `texts` each data text. */
function sseSubscriber(t: TestApp, fabricId: string, token = t.adminToken) {
  const controller = new AbortController();
  const response = fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: FABRIC_EVENTS, variables: { f: fabricId } }),
    signal: controller.signal,
  });
  async function* read(): AsyncGenerator<string> {
    const queue: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => queue.push(event) });
    const decoder = new TextDecoder();
    for await (const chunk of (await response).body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      while (queue.length > 0) {
        const event = queue.shift()!;
        if (event.event === 'complete') return;
        if (event.data) yield event.data;
      }
    }
  }
  async function* parsed(texts: AsyncGenerator<string>): AsyncGenerator<any> {
    for await (const text of texts) yield JSON.parse(text);
  }
  const texts = read();
  return { controller, opened: response, texts, events: parsed(texts) };
}
