import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SharedResult } from '../../src/graphql/shared-subscriptions.ts';
import { resultWriter, SLOW_SUBSCRIBER_CLOSE_CODE } from '../../src/graphql/websocket.ts';

/** A real ws server and client on a free port; the server side of the one connection. */
async function socketPair() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await once(client, 'open');
  const [serverSide] = await accepted;
  return { server, client, serverSide };
}

const rawSocket = (socket: WebSocket) => (socket as unknown as { _socket: Socket })._socket;

/** The bytes the client's TCP socket receives, and the messages `ws` parses from them. */
function record(client: WebSocket) {
  const bytes: Buffer[] = [];
  const messages: string[] = [];
  rawSocket(client).on('data', (chunk: Buffer) => bytes.push(chunk));
  client.on('message', (data) => messages.push(String(data)));
  return {
    messages,
    /** Resolves with every byte received once `count` messages have arrived; then starts afresh. */
    async take(count: number): Promise<Buffer> {
      while (messages.length < count) await once(client, 'message');
      const all = Buffer.concat(bytes);
      bytes.length = 0;
      messages.length = 0;
      return all;
    },
  };
}

/**
 * A result whose `next` message (with the id `"1"`) is exactly `length` bytes: around the frame
 * length forms of RFC 6455 (7-bit up to 125, 16-bit up to 65,535, 64-bit beyond). Non-ASCII
 * text, so that characters and bytes differ.
 */
function resultOfMessageLength(length: number) {
  const message = (text: string) => JSON.stringify({ id: '1', type: 'next', payload: { data: { text } } });
  let text = 'é✓'.repeat(Math.max(0, Math.floor((length - 60) / 5)));
  while (Buffer.byteLength(message(text)) < length) text += 'x';
  expect(Buffer.byteLength(message(text))).toBe(length);
  return { data: { text } };
}

const IDS = ['1', 'b0c5e1f2-4a6d-4e8b-9c3d-2f1e0a9b8c7d', 'with "quotes" and \\ slash', 'ünïcode-✓', '\u0000nul'];

describe('resultWriter: a pre-serialised result as a graphql-ws next message', () => {
  it("writes graphql-ws's own next message with the operation id, whatever characters the id holds", async () => {
    const { server, client, serverSide } = await socketPair();
    try {
      const received: string[] = [];
      client.on('message', (data) => received.push(String(data)));
      const shared = new SharedResult({ data: { value: 1 } });
      for (const id of IDS) resultWriter(serverSide, id)(shared);
      while (received.length < IDS.length) await once(client, 'message');
      expect(received.map((text) => JSON.parse(text))).toEqual(
        IDS.map((id) => ({ id, type: 'next', payload: { data: { value: 1 } } })),
      );
    } finally {
      client.terminate();
      server.close();
    }
  });

  it('sends byte for byte the frames graphql-ws sends through ws, in every frame length form, as ONE write per message', async () => {
    const { server, client, serverSide } = await socketPair();
    const raw = rawSocket(serverSide);
    const writes: unknown[] = [];
    const write = raw.write.bind(raw) as (...args: unknown[]) => boolean;
    raw.write = ((...args: unknown[]) => {
      writes.push(args[0]);
      return write(...args);
    }) as typeof raw.write;
    try {
      const recorded = record(client);
      for (const length of [60, 125, 126, 1000, 65_535, 65_536, 200_000]) {
        const result = resultOfMessageLength(length);
        const messages = IDS.map((id) => JSON.stringify({ id, type: 'next', payload: result }));
        // What graphql-ws does: JSON.stringify of { id, type, payload }, sent with ws.send.
        for (const message of messages) serverSide.send(message);
        const expected = await recorded.take(messages.length);
        writes.length = 0;
        const shared = new SharedResult(result);
        for (const id of IDS) resultWriter(serverSide, id)(shared);
        const actual = await recorded.take(messages.length);
        expect(actual.equals(expected), `message of ${length} bytes`).toBe(true);
        // One buffer per socket and message, not a header and a payload.
        expect(writes).toHaveLength(IDS.length);
        expect(writes.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
      }
    } finally {
      client.terminate();
      server.close();
    }
  });

  it('keeps each pending message its own id when the kernel does not take the writes at once', async () => {
    const { server, client, serverSide } = await socketPair();
    try {
      const recorded = record(client);
      rawSocket(client).pause();
      const result = resultOfMessageLength(100_000);
      const shared = new SharedResult(result);
      const ids = Array.from({ length: 60 }, (_, index) => `id-${String(index).padStart(3, '0')}`);
      // Every id has the same length: one template, written in turn for each.
      for (const id of ids) resultWriter(serverSide, id)(shared);
      expect(serverSide.bufferedAmount).toBeGreaterThan(0);
      rawSocket(client).resume();
      while (recorded.messages.length < ids.length) await once(client, 'message');
      expect(recorded.messages.map((text) => JSON.parse(text).id)).toEqual(ids);
      expect(recorded.messages.every((text) => JSON.parse(text).payload.data.text === result.data.text)).toBe(true);
    } finally {
      client.terminate();
      server.close();
    }
  });

  it('is read by a real graphql-ws client: ids of several lengths, unicode, payloads over 64 KiB', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const results = [
      { data: { text: 'ünïcode ✓ "quoted"' } },
      resultOfMessageLength(300),
      resultOfMessageLength(70_000),
    ];
    // A graphql-transport-ws server by hand: ack, then every subscription gets the results
    // through resultWriter, then complete.
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
        if (message.type === 'subscribe') {
          const write = resultWriter(socket, message.id);
          for (const result of results) write(new SharedResult(result));
          socket.send(JSON.stringify({ id: message.id, type: 'complete' }));
        }
      });
    });
    let sequence = 0;
    const ids = ['7', 'a-much-longer-operation-id', 'ïd-ünïcode-✓'];
    const client = createClient({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      generateID: () => ids[sequence++]!,
    });
    try {
      const received = await Promise.all(
        ids.map(async () => {
          const values: unknown[] = [];
          for await (const value of client.iterate({ query: 'subscription { x }' })) values.push(value);
          return values;
        }),
      );
      for (const values of received) expect(values).toEqual(results);
    } finally {
      await client.dispose();
      server.close();
    }
  });

  it('closes the socket of a subscriber that does not read, instead of buffering without bound', async () => {
    const { server, client, serverSide } = await socketPair();
    try {
      // The client stops reading: what the kernel does not take stays in the server's buffer.
      rawSocket(client).pause();
      const write = resultWriter(serverSide, 'slow', 64 * 1024);
      const payload = new SharedResult({ data: { text: 'x'.repeat(4096) } });
      let writes = 0;
      while (serverSide.readyState === WebSocket.OPEN && writes < 10_000) {
        write(payload);
        writes += 1;
      }
      expect(serverSide.readyState).toBe(WebSocket.CLOSING);
      const unsent = serverSide.bufferedAmount;
      // Nothing more is buffered once it is closing.
      write(payload);
      expect(serverSide.bufferedAmount).toBe(unsent);
      // The client, reading again, gets the close code and reason.
      const closed = once(client, 'close') as Promise<[number, Buffer]>;
      rawSocket(client).resume();
      const [code, reason] = await closed;
      expect(code).toBe(SLOW_SUBSCRIBER_CLOSE_CODE);
      expect(String(reason)).toBe('Subscriber too slow: events not read');
    } finally {
      client.terminate();
      server.close();
    }
  });
});
