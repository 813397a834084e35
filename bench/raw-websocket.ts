/**
 * A WebSocket client end that costs what receiving costs (bench only): a plain `net` socket that
 * does the opening handshake itself (RFC 6455, 4.1), reads the server's frames with `FrameReader`
 * (no `ws` Receiver, no message objects, no UTF-8 decoding) and hands each message on as the
 * bytes of the read it came in. bench/fanout-clients.ts uses it for thousands of subscribers per
 * process, so that the clients' CPU time per event is close to the kernel's read and a scan of
 * the bytes, not `ws`'s framing and a JSON.parse of every message.
 *
 * Server frames are never masked (a masked one is an error); control frames (ping, pong, close)
 * may come between the fragments of a message. A ping is answered with a pong (graphql-ws's
 * keep-alive closes a socket that does not answer), a close with a close.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One frame: its opcode, whether it ends its message, and its payload as `data[start, end)`. */
export type OnFrame = (opcode: number, fin: boolean, data: Buffer, start: number, end: number) => void;

/**
 * Splits the bytes read from a server into frames, whatever the reads: a frame split over
 * several reads waits for its end (the unread part is kept), several frames in one read are
 * handed on one by one, in order. The payload is a range of the read itself (no copy) when the
 * frame came whole in one read.
 */
export class FrameReader {
  readonly #onFrame: OnFrame;
  #pending: Buffer | null = null;

  constructor(onFrame: OnFrame) {
    this.#onFrame = onFrame;
  }

  /** Bytes read and not yet a whole frame. */
  get pendingBytes(): number {
    return this.#pending?.length ?? 0;
  }

  /** Reads `chunk[start, end)` (the whole chunk by default); the bytes are not kept after the call. */
  push(chunk: Buffer, start = 0, end = chunk.length): void {
    let buffer = chunk;
    let offset = start;
    let limit = end;
    if (this.#pending) {
      buffer = Buffer.concat([this.#pending, chunk.subarray(start, end)]);
      this.#pending = null;
      offset = 0;
      limit = buffer.length;
    }
    for (;;) {
      const available = limit - offset;
      if (available < 2) break;
      const first = buffer[offset]!;
      const second = buffer[offset + 1]!;
      if (second & 0x80) throw new Error('a masked frame from the server (RFC 6455, 5.1)');
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (available < 4) break;
        length = buffer.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (available < 10) break;
        length = buffer.readUInt32BE(offset + 2) * 2 ** 32 + buffer.readUInt32BE(offset + 6);
        header = 10;
      }
      if (available < header + length) break;
      const payload = offset + header;
      offset = payload + length;
      this.#onFrame(first & 0x0f, (first & 0x80) !== 0, buffer, payload, offset);
    }
    // A copy: the read's buffer is reused for the next read, only this tail is kept.
    if (offset < limit) this.#pending = Buffer.from(buffer.subarray(offset, limit));
  }
}

/** A client frame (masked, as RFC 6455 requires of clients), FIN set. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length <= 125 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | length;
  else if (header === 4) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  const start = header + 4;
  for (let index = 0; index < length; index += 1) frame[start + index] = payload[index]! ^ mask[index & 3]!;
  return frame;
}

export interface RawWebSocketHandlers {
  /** One whole text message: `data[start, end)`, its UTF-8 bytes (valid during the call only). */
  message(data: Buffer, start: number, end: number): void;
  /** The connection ended (after a close, or the TCP connection alone). */
  closed?(): void;
}

/**
 * Where every RawWebSocket of the process reads into (net's `onread`: no Buffer allocated per
 * read, no Readable stream between the read and the frame reader). A read is handled before the
 * next one is made, and what is kept of it (a frame's unread part) is copied.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/**
 * A client WebSocket on a `net` socket: `open` connects and does the handshake, asking for
 * `protocol`; `sendText` sends a text message; `close` sends a close frame and resolves when the
 * TCP connection is closed.
 */
export class RawWebSocket {
  readonly #socket: Socket;
  readonly #reader: FrameReader;
  /** Fragments of a message not yet ended (never from `ws`'s server, which sends whole frames). */
  #fragments: Buffer[] | null = null;
  #closeSent = false;

  private constructor(socket: Socket, handlers: RawWebSocketHandlers) {
    this.#socket = socket;
    this.#reader = new FrameReader((opcode, fin, data, start, end) => {
      if (opcode === OPCODE.text && fin) handlers.message(data, start, end);
      else if (opcode === OPCODE.text || opcode === OPCODE.continuation) {
        this.#fragments ??= [];
        this.#fragments.push(Buffer.from(data.subarray(start, end)));
        if (fin) {
          const whole = Buffer.concat(this.#fragments);
          this.#fragments = null;
          handlers.message(whole, 0, whole.length);
        }
      } else if (opcode === OPCODE.ping) this.#socket.write(clientFrame(OPCODE.pong, data.subarray(start, end)));
      else if (opcode === OPCODE.close) {
        if (!this.#closeSent) {
          this.#closeSent = true;
          this.#socket.write(clientFrame(OPCODE.close, data.subarray(start, Math.min(end, start + 2))));
        }
        this.#socket.end();
      }
    });
    socket.once('close', () => handlers.closed?.());
  }

  static open(host: string, port: number, path: string, protocol: string, handlers: RawWebSocketHandlers) {
    return new Promise<RawWebSocket>((resolve, reject) => {
      const key = randomBytes(16).toString('base64');
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      let head: Buffer = Buffer.alloc(0);
      let webSocket: RawWebSocket | null = null;
      const socket = connect({
        host,
        port,
        noDelay: true,
        onread: {
          buffer: READ_BUFFER,
          // `buffer` is READ_BUFFER (typed as a Uint8Array).
          callback: (length) => {
            if (webSocket) webSocket.#reader.push(READ_BUFFER, 0, length);
            else onHead(READ_BUFFER.subarray(0, length));
            return true;
          },
        },
      });
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      socket.once('error', fail);
      socket.once('connect', () =>
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
        ),
      );
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        const lines = head.subarray(0, end).toString('latin1').split('\r\n');
        const headers = new Map(
          lines.slice(1).map((line) => {
            const colon = line.indexOf(':');
            return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
          }),
        );
        if (!/^HTTP\/1\.1 101 /.test(lines[0]!)) return fail(new Error(`no upgrade: ${lines[0]}`));
        if (headers.get('sec-websocket-accept') !== accept) return fail(new Error('wrong Sec-WebSocket-Accept'));
        if (headers.get('sec-websocket-protocol') !== protocol) return fail(new Error(`protocol ${protocol} refused`));
        socket.off('error', fail);
        socket.on('error', () => socket.destroy());
        webSocket = new RawWebSocket(socket, handlers);
        // Frames sent right behind the handshake's response, in the same read.
        if (head.length > end + 4) webSocket.#reader.push(head, end + 4);
        resolve(webSocket);
      };
    });
  }

  sendText(text: string): void {
    this.#socket.write(clientFrame(OPCODE.text, Buffer.from(text)));
  }

  /** Sends a close frame (1000) and resolves once the connection is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed) return resolve();
      this.#socket.once('close', () => resolve());
      if (!this.#closeSent) {
        this.#closeSent = true;
        const code = Buffer.alloc(2);
        code.writeUInt16BE(1000);
        this.#socket.write(clientFrame(OPCODE.close, code));
      }
    });
  }
}
