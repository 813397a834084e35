/**
 * The order in which PGlite's socket server hands the messages of its connections to the single
 * PGlite session. pglite-socket 0.2.17 keeps a connection's messages together only inside a
 * transaction; outside one it takes them message by message from every connection, so the
 * Parse of one connection can land between the Parse and the Bind of another, and a statement
 * runs with another statement's parameters. This queue also keeps an extended-protocol cycle
 * (Parse, Bind, Describe, Execute, Close, Flush … up to Sync) of one connection together, which
 * makes several pool connections and graphile-worker safe on the embedded database.
 *
 * Notifications are routed too. LISTEN and NOTIFY happen in the one session, so PGlite writes a
 * NotificationResponse into the output of whichever connection's statement committed the NOTIFY.
 * The queue remembers which connection asked to LISTEN on which channel and hands each
 * notification to those connections as well (graphile-worker learns of a new job at once).
 *
 * It replaces the server's own queue (same methods, same contract); see embedded-postgres.ts.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Message types of the extended query protocol that precede a Sync (frontend messages). */
const EXTENDED_PROTOCOL_BEFORE_SYNC = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((type) => type.charCodeAt(0)));
/** Frontend messages the backend answers with ReadyForQuery: Sync and a simple Query. */
const ENDS_WITH_READY_FOR_QUERY = new Set(['S', 'Q'].map((type) => type.charCodeAt(0)));
/** A Sync message: `S` with length 4. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

export class ProtocolCycleQueue {
  readonly #db: PGlite;
  #queue: QueuedMessage[] = [];
  #processing = false;
  /** The connection the session belongs to until its transaction or protocol cycle ends. */
  #owner: number | null = null;
  /** The owner is between Parse and Sync (not merely in a transaction). */
  #midCycle = false;
  /** Channels each connection LISTENs on. */
  readonly #listening = new Map<number, Set<string>>();
  /** Where to write to each connection outside its own statements (its socket, through the handler). */
  readonly #writers = new Map<number, (data: Uint8Array) => void>();

  constructor(db: PGlite) {
    this.#db = db;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ handlerId, message, onData, resolve, reject });
      if (!this.#processing) void this.#process();
    });
  }

  getQueueLength(): number {
    return this.#queue.length;
  }

  /** A connection went away: its queued messages fail, and the session is no longer held for it. */
  clearQueueForHandler(handlerId: number): void {
    this.#listening.delete(handlerId);
    this.#writers.delete(handlerId);
    this.#queue = this.#queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** Called after clearQueueForHandler: rolls back what the gone connection left open. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.#owner !== handlerId) return;
    // End a cut-off protocol cycle first, then the transaction (`exec` takes PGlite's lock itself).
    if (this.#midCycle) await this.#db.runExclusive(() => this.#db.execProtocolRawStream(SYNC, { onRawData: () => {} }));
    if (this.#db.isInTransaction()) await this.#db.exec('ROLLBACK');
    this.#owner = null;
    this.#midCycle = false;
    void this.#process();
  }

  async #process(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      for (;;) {
        const index = this.#owner === null ? 0 : this.#queue.findIndex((item) => item.handlerId === this.#owner);
        // The owner has not sent its next message yet: everyone else waits for it.
        if (index === -1 || this.#queue.length === 0) break;
        const [item] = this.#queue.splice(index, 1);
        this.#writers.set(item!.handlerId, item!.onData);
        // PostgreSQL sends notifications when a statement ends the transaction, before
        // ReadyForQuery: only a Sync or a simple Query can carry them, never the (possibly large)
        // output of an Execute, so only those outputs are kept and scanned.
        const routing = this.#listening.size > 0 && ENDS_WITH_READY_FOR_QUERY.has(item!.message[0]!);
        const output: Uint8Array[] = [];
        let bytes = 0;
        try {
          await this.#db.runExclusive(() =>
            this.#db.execProtocolRawStream(item!.message, {
              onRawData: (data) => {
                bytes += data.length;
                if (routing) output.push(data.slice());
                item!.onData(data);
              },
            }));
        } catch (error) {
          item!.reject(error);
          continue;
        }
        await this.#followListen(item!.handlerId, item!.message);
        if (routing) this.#route(item!.handlerId, output);
        this.#midCycle = EXTENDED_PROTOCOL_BEFORE_SYNC.has(item!.message[0]!);
        this.#owner = this.#midCycle || this.#db.isInTransaction() ? item!.handlerId : null;
        item!.resolve(bytes);
      }
    } finally {
      this.#processing = false;
    }
  }

  /**
   * Follows a connection's LISTEN and UNLISTEN. The session is shared, so an UNLISTEN stops the
   * channel for every connection: it is listened to again at once when another connection still
   * wants it.
   */
  async #followListen(handlerId: number, message: Uint8Array): Promise<void> {
    const changes = listenChanges(message);
    if (changes.length === 0) return;
    const channels = this.#listening.get(handlerId) ?? new Set<string>();
    const dropped = new Set<string>();
    for (const change of changes) {
      if (change.listen) {
        channels.add(change.channel);
      } else if (change.channel === '*') {
        for (const channel of channels) dropped.add(channel);
        channels.clear();
      } else {
        channels.delete(change.channel);
        dropped.add(change.channel);
      }
    }
    if (channels.size > 0) this.#listening.set(handlerId, channels);
    else this.#listening.delete(handlerId);
    const unlistenedAll = changes.some((change) => !change.listen && change.channel === '*');
    const wantedElsewhere = new Set([...this.#listening.entries()].filter(([id]) => id !== handlerId).flatMap(([, wanted]) => [...wanted]));
    for (const channel of wantedElsewhere) {
      if (unlistenedAll || dropped.has(channel)) await this.#db.exec(`LISTEN "${channel.replace(/"/g, '""')}"`);
    }
  }

  /** Every notification in a statement's output also goes to the other connections listening on its channel. */
  #route(fromHandler: number, output: readonly Uint8Array[]): void {
    for (const notification of notificationsIn(output)) {
      for (const [handlerId, channels] of this.#listening) {
        if (handlerId === fromHandler || !channels.has(notification.channel)) continue;
        this.#writers.get(handlerId)?.(notification.message);
      }
    }
  }
}

/**
 * The LISTEN and UNLISTEN statements of a simple-protocol Query message (`Q`), in order; empty
 * for anything else (a Query that mixes them with other statements is not followed).
 */
export function listenChanges(message: Uint8Array): { listen: boolean; channel: string }[] {
  if (message[0] !== 0x51 || message.length < 6) return [];
  const text = new TextDecoder().decode(message.subarray(5, message.length - 1));
  const changes: { listen: boolean; channel: string }[] = [];
  const statement = /\s*(listen|unlisten)\s+(\*|"((?:[^"]|"")+)"|[A-Za-z_][A-Za-z0-9_$]*)\s*(;|$)/iy;
  while (statement.lastIndex < text.length) {
    const match = statement.exec(text);
    if (!match) return text.slice(statement.lastIndex).trim() === '' ? changes : [];
    const channel = match[3] !== undefined ? match[3].replace(/""/g, '"') : match[2] === '*' ? '*' : match[2]!.toLowerCase();
    changes.push({ listen: match[1]!.toLowerCase() === 'listen', channel });
    if (match[4] === '') break;
  }
  return changes;
}

/** The NotificationResponse messages (`A`) in a backend output, with their channel. */
export function notificationsIn(chunks: readonly Uint8Array[]): { channel: string; message: Uint8Array }[] {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const buffer = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)), total);
  const found: { channel: string; message: Uint8Array }[] = [];
  for (let offset = 0; offset + 5 <= buffer.length;) {
    const length = buffer.readInt32BE(offset + 1);
    const end = offset + 1 + length;
    if (length < 4 || end > buffer.length) break;
    if (buffer[offset] === 0x41 /* A */) {
      const channelStart = offset + 9; // type, length, process id
      const channelEnd = buffer.indexOf(0, channelStart);
      if (channelEnd > 0 && channelEnd < end) {
        found.push({ channel: buffer.toString('utf8', channelStart, channelEnd), message: new Uint8Array(buffer.subarray(offset, end)) });
      }
    }
    offset = end;
  }
  return found;
}
