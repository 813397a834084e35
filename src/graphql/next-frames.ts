/**
 * graphql-ws `next` messages of one shared result, framed as WebSocket text frames once per
 * event instead of once per socket: `{"id":<id>,"type":"next","payload":<result>}` is the text
 * graphql-ws itself sends (JSON.stringify of `{ id, type, payload }`), so the frame for one id is
 * a template (the frame header, which depends only on the total length, and the message around
 * the id) with the subscriber's id written in. Subscribers whose ids have the same byte length
 * (graphql-ws's client sends UUIDs: all of them) share one template; each socket gets ONE
 * Buffer written, where `ws.send` builds a header and writes header and text (a cork, two
 * writes and an uncork: a `writev`) and encodes the text to UTF-8 again for every socket.
 *
 * A template is reused for the next socket when the previous write took it whole (the kernel
 * copied it: the socket has nothing left unwritten); a write that is still pending keeps its
 * buffer, and the next socket gets a copy.
 */
import type { Socket } from 'node:net';

const BEFORE_ID = Buffer.from('{"id":');
const AFTER_ID = Buffer.from(',"type":"next","payload":');
const END = 0x7d; // '}'
/** FIN with the text opcode: one unfragmented text frame, uncompressed (RSV1 clear). */
const FIN_TEXT = 0x81;

/** An id as graphql-ws puts it in a message: its JSON text, and that text's UTF-8 length. */
export interface FramedId {
  readonly json: string;
  readonly bytes: number;
}

export function framedId(id: string): FramedId {
  const json = JSON.stringify(id);
  return { json, bytes: Buffer.byteLength(json) };
}

interface Template {
  buffer: Buffer;
  /** Where the id's JSON text starts in `buffer`. */
  idOffset: number;
}

/** The length of an unmasked frame's header for a payload of `length` bytes (RFC 6455, 5.2). */
function headerLength(length: number): number {
  if (length <= 125) return 2;
  if (length < 65536) return 4;
  return 10;
}

export class NextFrames {
  readonly #payload: Buffer;
  readonly #templates = new Map<number, Template>();

  constructor(json: string) {
    this.#payload = Buffer.from(json);
  }

  /** The whole frame (header and message) for `id`, as `ws` would build it for a server; a copy. */
  frame(id: FramedId): Buffer {
    const template = this.#template(id.bytes);
    template.buffer.write(id.json, template.idOffset, 'utf8');
    return Buffer.from(template.buffer);
  }

  /**
   * Writes the `next` message for `id` on `socket` (the raw socket under a WebSocket that is
   * open, uncompressed and has nothing queued in `ws`'s sender) as ONE write.
   */
  write(socket: Socket, id: FramedId): void {
    const template = this.#template(id.bytes);
    template.buffer.write(id.json, template.idOffset, 'utf8');
    socket.write(template.buffer);
    // Still pending (the kernel did not take it whole, or earlier writes wait): the stream
    // holds this buffer until it is written, so the next socket gets a copy to write its id in.
    if (socket.writableLength !== 0) template.buffer = Buffer.from(template.buffer);
  }

  #template(idBytes: number): Template {
    let template = this.#templates.get(idBytes);
    if (template) return template;
    const payload = this.#payload;
    const length = BEFORE_ID.length + idBytes + AFTER_ID.length + payload.length + 1;
    const header = headerLength(length);
    const buffer = Buffer.allocUnsafe(header + length);
    buffer[0] = FIN_TEXT;
    if (header === 2) buffer[1] = length;
    else if (header === 4) {
      buffer[1] = 126;
      buffer.writeUInt16BE(length, 2);
    } else {
      buffer[1] = 127;
      buffer.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
      buffer.writeUInt32BE(length >>> 0, 6);
    }
    let offset = header;
    offset += BEFORE_ID.copy(buffer, offset);
    const idOffset = offset;
    offset += idBytes;
    offset += AFTER_ID.copy(buffer, offset);
    offset += payload.copy(buffer, offset);
    buffer[offset] = END;
    template = { buffer, idOffset };
    this.#templates.set(idBytes, template);
    return template;
  }
}
