/**
 * bench/raw-websocket.ts and bench/fanout-event-name.ts: the fan-out bench's cheap subscribers
 * must read exactly what `ws` reads, or its figures count the wrong thing.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { eventName } from '../../bench/fanout-event-name.ts';
import { FrameReader, OPCODE, RawWebSocket } from '../../bench/raw-websocket.ts';

/** `ws`'s own frame builder (not in its types). */
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

/** A server frame as `ws` itself builds it (unmasked). */
const serverFrame = (opcode: number, payload: Buffer, fin = true) =>
  Buffer.concat(Sender.frame(payload, { fin, opcode, mask: false, readOnly: false, rsv1: false }));

const text = (length: number) => Buffer.from('é✓x'.repeat(Math.ceil(length / 6))).subarray(0, length);

describe('FrameReader', () => {
  // Every length form of RFC 6455 (7-bit, 16-bit, 64-bit), and a ping between them.
  const frames = [
    { opcode: OPCODE.text, payload: text(10) },
    { opcode: OPCODE.text, payload: text(125) },
    { opcode: OPCODE.ping, payload: Buffer.from('keep-alive') },
    { opcode: OPCODE.text, payload: text(126) },
    { opcode: OPCODE.text, payload: text(65_535) },
    { opcode: OPCODE.text, payload: text(65_536) },
    { opcode: OPCODE.text, payload: Buffer.alloc(0) },
  ];
  const stream = Buffer.concat(frames.map(({ opcode, payload }) => serverFrame(opcode, payload)));

  const read = (chunks: Buffer[]) => {
    const seen: { opcode: number; payload: Buffer }[] = [];
    const reader = new FrameReader((opcode, fin, data, start, end) => {
      expect(fin).toBe(true);
      seen.push({ opcode, payload: Buffer.from(data.subarray(start, end)) });
    });
    for (const chunk of chunks) {
      // The reader must not keep the read's bytes: the buffer is reused (net's `onread`).
      const reused = Buffer.from(chunk);
      reader.push(reused);
      reused.fill(0);
    }
    expect(reader.pendingBytes).toBe(0);
    return seen;
  };

  it('hands on every frame of one read, in order', () => {
    expect(read([stream])).toEqual(frames);
  });

  it('hands on frames split over reads at any byte', () => {
    const cuts = [1, 2, 3, 4, 9, 10, 11, 140, 141, 142, 143, 144, 300, 65_000, 70_000, 131_000];
    for (const cut of cuts) expect(read([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(frames);
  });

  it('hands on frames read one byte at a time', () => {
    const small = Buffer.concat(frames.slice(0, 4).map(({ opcode, payload }) => serverFrame(opcode, payload)));
    const bytes = Array.from({ length: small.length }, (_, index) => small.subarray(index, index + 1));
    expect(read(bytes)).toEqual(frames.slice(0, 4));
  });

  it('reads a range of a larger buffer', () => {
    const seen: string[] = [];
    const reader = new FrameReader((_opcode, _fin, data, start, end) => seen.push(data.toString('utf8', start, end)));
    const padded = Buffer.concat([Buffer.from('xxx'), serverFrame(OPCODE.text, Buffer.from('one')), Buffer.from('yy')]);
    reader.push(padded, 3, padded.length - 2);
    expect(seen).toEqual(['one']);
  });
});

describe('eventName', () => {
  const message = (id: string, name: string) =>
    Buffer.from(
      JSON.stringify({
        id,
        type: 'next',
        payload: {
          data: { fabricEvents: { type: 'DRAFT_CHANGED', fabricId: 'f', kind: 'VLANNamespace', name, actor: 'x' } },
        },
      }),
    );

  it("finds the name in a next message's bytes, within its range only", () => {
    const one = message('1', 'many-7');
    expect(eventName(one, 0, one.length)).toBe('many-7');
    const two = Buffer.concat([Buffer.from('ab'), one, message('1', 'many-8')]);
    expect(eventName(two, 2, 2 + one.length)).toBe('many-7');
    expect(eventName(two, 2 + one.length, two.length)).toBe('many-8');
  });

  it('refuses other messages and other ids', () => {
    const other = message('2', 'many-7');
    expect(eventName(other, 0, other.length)).toBeNull();
    const ack = Buffer.from('{"type":"connection_ack"}');
    expect(eventName(ack, 0, ack.length)).toBeNull();
    const cut = message('1', 'many-7');
    expect(eventName(cut, 0, cut.indexOf('many-7'))).toBeNull();
  });
});

describe('RawWebSocket', () => {
  it('does the handshake, reads what a ws server sends, answers pings and closes cleanly', async () => {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => [...protocols][0]!,
    });
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[WebSocket]>;
    const messages: string[] = [];
    let arrived: (() => void) | null = null;
    const client = await RawWebSocket.open(
      '127.0.0.1',
      (server.address() as AddressInfo).port,
      '/x',
      'graphql-transport-ws',
      {
        message(data, start, end) {
          messages.push(data.toString('utf8', start, end));
          arrived?.();
        },
      },
    );
    try {
      const [serverSide] = await accepted;
      expect(serverSide.protocol).toBe('graphql-transport-ws');
      const received = once(serverSide, 'message');
      client.sendText('{"type":"connection_init"}');
      expect(String((await received)[0])).toBe('{"type":"connection_init"}');

      const pong = once(serverSide, 'pong');
      serverSide.ping(Buffer.from('are you there'));
      expect(String((await pong)[0])).toBe('are you there');

      // Several messages in one write (one read, most likely), and a large one (several reads).
      const sent = ['short', 'é✓'.repeat(100), 'x'.repeat(200_000), 'last'];
      const all = new Promise<void>((resolve) => {
        arrived = () => messages.length === sent.length && resolve();
      });
      for (const message of sent) serverSide.send(message);
      await all;
      expect(messages).toEqual(sent);

      const closed = once(serverSide, 'close');
      await client.close();
      expect((await closed)[0]).toBe(1000);
    } finally {
      server.close();
    }
  });
});
