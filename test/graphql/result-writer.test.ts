import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
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

describe('resultWriter: a pre-serialised result as a graphql-ws next message', () => {
  it("writes graphql-ws's own next message with the operation id, whatever characters the id holds", async () => {
    const { server, client, serverSide } = await socketPair();
    try {
      const ids = ['1', 'a "quoted" \\ id', 'ünïcode-✓', '\u0000nul'];
      const received: string[] = [];
      client.on('message', (data) => received.push(String(data)));
      for (const id of ids) resultWriter(serverSide, id)(JSON.stringify({ data: { value: 1 } }));
      while (received.length < ids.length) await once(client, 'message');
      expect(received.map((text) => JSON.parse(text))).toEqual(
        ids.map((id) => ({ id, type: 'next', payload: { data: { value: 1 } } })),
      );
    } finally {
      client.terminate();
      server.close();
    }
  });

  it('closes the socket of a subscriber that does not read, instead of buffering without bound', async () => {
    const { server, client, serverSide } = await socketPair();
    try {
      // The client stops reading: what the kernel does not take stays in the server's buffer.
      (client as unknown as { _socket: { pause(): void } })._socket.pause();
      const write = resultWriter(serverSide, 'slow', 64 * 1024);
      const payload = JSON.stringify({ data: { text: 'x'.repeat(4096) } });
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
      (client as unknown as { _socket: { resume(): void } })._socket.resume();
      const [code, reason] = await closed;
      expect(code).toBe(SLOW_SUBSCRIBER_CLOSE_CODE);
      expect(String(reason)).toBe('Subscriber too slow: events not read');
    } finally {
      client.terminate();
      server.close();
    }
  });
});
