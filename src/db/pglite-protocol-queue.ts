/**
 * The order in which PGlite's socket server hands the messages of its connections to the single
 * PGlite session. pglite-socket 0.2.17 keeps a connection's messages together only inside a
 * transaction; outside one it takes them message by message from every connection, so the
 * Parse of one connection can land between the Parse and the Bind of another, and a statement
 * runs with another statement's parameters. This queue also keeps an extended-protocol cycle
 * (Parse, Bind, Describe, Execute, Close, Flush … up to Sync) of one connection together, which
 * makes several pool connections and graphile-worker safe on the embedded database.
 *
 * It replaces the server's own queue (same methods, same contract); see embedded-postgres.ts.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Message types of the extended query protocol that precede a Sync (frontend messages). */
const EXTENDED_PROTOCOL_BEFORE_SYNC = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((type) => type.charCodeAt(0)));
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
        let bytes = 0;
        try {
          await this.#db.runExclusive(() =>
            this.#db.execProtocolRawStream(item!.message, {
              onRawData: (data) => {
                bytes += data.length;
                item!.onData(data);
              },
            }));
        } catch (error) {
          item!.reject(error);
          continue;
        }
        this.#midCycle = EXTENDED_PROTOCOL_BEFORE_SYNC.has(item!.message[0]!);
        this.#owner = this.#midCycle || this.#db.isInTransaction() ? item!.handlerId : null;
        item!.resolve(bytes);
      }
    } finally {
      this.#processing = false;
    }
  }
}
