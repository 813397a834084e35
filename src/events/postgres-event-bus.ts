/**
 * The event bus across gateway replicas that share one PostgreSQL database, over LISTEN/NOTIFY:
 * no extra infrastructure, and PostgreSQL delivers the notifications of one connection in the
 * order they were sent.
 *
 * - Local subscribers get every event at once, exactly as from the in-process bus.
 * - Every event is also sent as `NOTIFY <channel>` on one dedicated connection, tagged with this
 *   replica's id; each other replica hands it to its own subscribers (its own notifications are
 *   skipped, so nothing arrives twice).
 * - NOTIFY payloads are limited to 8,000 bytes: a larger event is stored in `event_payload` in
 *   the same statement and only its id is notified; receivers read it back, in order. Stored
 *   events are deleted after `retentionMs`.
 * - A lost connection is re-opened with backoff. Events published meanwhile reach this replica's
 *   subscribers only, and that is logged.
 */
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { InProcessEventBus, type EventBus } from './event-bus.ts';

/** Below PostgreSQL's 8,000-byte NOTIFY limit, with room for the envelope. */
const INLINE_LIMIT_BYTES = 7_000;
/** Most notifications sent in one statement. */
const MAX_BATCH = 500;

export interface PostgresEventBusOptions {
  connectionString: string;
  /** This replica; notifications it sent itself are skipped. */
  instanceId: string;
  logger: Logger;
  /** LISTEN/NOTIFY channel shared by the replicas of one gateway. */
  channel?: string;
  /** How long stored large events are kept for slow replicas. */
  retentionMs?: number;
  /** First delay before re-opening a lost connection (doubles up to 30 s). */
  reconnectDelayMs?: number;
}

interface Envelope {
  /** Origin replica. */
  o: string;
  /** The origin's sequence number. */
  s: number;
  /** Topic. */
  t: string;
  /** Payload, when it fitted. */
  p?: unknown;
  /** Id of the stored payload, when it did not. */
  r?: number;
}

interface UnsentEvent {
  topic: string;
  payload: unknown;
  /** The notification text, or null when it is too large and goes through `event_payload`. */
  inline: string | null;
}

export class PostgresEventBus implements EventBus {
  /** `application_name` of the bus's connection is this prefix + the instance id (start-up recovery reads it). */
  static readonly applicationNamePrefix = 'hedgehog-gateway-events:';
  readonly #local = new InProcessEventBus();
  readonly #options: Required<PostgresEventBusOptions>;
  #client: pg.Client | null = null;
  /** Incoming notifications are handled one after another, so order survives stored payloads. */
  #incoming: Promise<void> = Promise.resolve();
  /** Outgoing notifications, one after another on the connection (pg runs one query at a time). */
  #outgoing: Promise<void> = Promise.resolve();
  /** Published and not yet sent to the other replicas, in order. */
  #unsent: UnsentEvent[] = [];
  #sending = false;
  #sequence = 0;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #cleanupTimer: NodeJS.Timeout | null = null;
  #reconnectDelay: number;
  #droppedWhileDown = 0;
  #generation = 0;
  #connectedWaiters: { after: number; resolve: () => void }[] = [];

  constructor(options: PostgresEventBusOptions) {
    this.#options = { channel: 'gateway_events', retentionMs: 10 * 60_000, reconnectDelayMs: 500, ...options };
    if (!/^[a-z_][a-z0-9_]*$/.test(this.#options.channel))
      throw new Error(`invalid LISTEN channel name ${this.#options.channel}`);
    this.#reconnectDelay = this.#options.reconnectDelayMs;
  }

  /** Opens the connection and starts listening; events published before reach local subscribers only. */
  async start(): Promise<void> {
    await this.#connect();
    this.#cleanupTimer = setInterval(
      () => void this.deleteExpiredEvents(),
      Math.max(1_000, this.#options.retentionMs / 2),
    );
    this.#cleanupTimer.unref();
  }

  publish(topic: string, payload: unknown): void {
    this.#local.publish(topic, payload);
    if (!this.#client) {
      if (!this.#closed) this.#droppedWhileDown += 1;
      return;
    }
    // The sequence number keeps PostgreSQL from folding identical notifications of one statement.
    const inline = JSON.stringify({
      o: this.#options.instanceId,
      s: ++this.#sequence,
      t: topic,
      p: payload,
    } satisfies Envelope);
    this.#unsent.push({ topic, payload, inline: Buffer.byteLength(inline) <= INLINE_LIMIT_BYTES ? inline : null });
    if (!this.#sending) void this.#sendUnsent();
  }

  /**
   * Sends what was published, in order: consecutive small events in ONE statement (one round
   * trip however fast the steps come), a large one through `event_payload`.
   */
  async #sendUnsent(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#unsent.length > 0) {
        const client = this.#client;
        if (!client) {
          this.#droppedWhileDown += this.#unsent.length;
          this.#unsent = [];
          break;
        }
        const batch: string[] = [];
        while (batch.length < MAX_BATCH && typeof this.#unsent[0]?.inline === 'string')
          batch.push(this.#unsent.shift()!.inline!);
        const large = batch.length === 0 ? this.#unsent.shift()! : null;
        try {
          if (large === null) {
            // A function scan yields the array in order, so the notifications go out in that order.
            await this.#serially(() =>
              client.query('select pg_notify($1, event) from unnest($2::text[]) as events(event)', [
                this.#options.channel,
                batch,
              ]),
            );
          } else {
            const { topic, payload } = large;
            await this.#serially(() =>
              client.query(
                `with stored as (insert into event_payload (topic, payload, created_at) values ($2, $3::jsonb, now()) returning id)
               select pg_notify($1, json_build_object('o', $4::text, 's', $5::bigint, 't', $2::text, 'r', stored.id)::text) from stored`,
                [this.#options.channel, topic, JSON.stringify(payload), this.#options.instanceId, ++this.#sequence],
              ),
            );
          }
        } catch (error) {
          this.#options.logger.warn(
            { err: error, events: Math.max(batch.length, 1) },
            'events not sent to other gateway replicas',
          );
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  /** How many times the connection was opened (1 after start, +1 per reconnection). */
  get connectionGeneration(): number {
    return this.#generation;
  }

  /** Resolves once the connection is open with a generation above `after` (tests, health checks). */
  whenConnected(after = 0): Promise<void> {
    if (this.#client && this.#generation > after) return Promise.resolve();
    return new Promise((resolve) => this.#connectedWaiters.push({ after, resolve }));
  }

  subscribe<T>(topic: string, options?: { signal?: AbortSignal }): AsyncIterableIterator<T> {
    return this.#local.subscribe<T>(topic, options);
  }

  subscriberCount(topic: string): number {
    return this.#local.subscriberCount(topic);
  }

  /** Ends local subscriptions; events published afterwards (a stopping operation's last steps) still reach the other replicas. */
  close(): void {
    this.#local.close();
  }

  /** Closes the connection; call after the last publish. */
  async stop(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#local.close();
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#cleanupTimer) clearInterval(this.#cleanupTimer);
    // What was published before stop still goes out.
    while (this.#sending) await this.#outgoing;
    await this.#incoming.catch(() => {});
    await this.#outgoing;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  /** Runs `work` after everything queued before it: the connection takes one query at a time. */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#outgoing.then(work);
    this.#outgoing = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      application_name: `${PostgresEventBus.applicationNamePrefix}${this.#options.instanceId}`.slice(0, 63),
    });
    client.on('notification', (message) => {
      if (message.channel !== this.#options.channel || !message.payload) return;
      this.#incoming = this.#incoming
        .then(() => this.#deliver(client, message.payload!))
        .catch((error: unknown) =>
          this.#options.logger.warn({ err: error }, 'an event from another gateway replica could not be read'),
        );
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, null));
    await client.connect();
    await client.query(`listen ${this.#options.channel}`);
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#client = client;
    this.#generation += 1;
    for (const waiter of this.#connectedWaiters.filter((one) => one.after < this.#generation)) waiter.resolve();
    this.#connectedWaiters = this.#connectedWaiters.filter((one) => one.after >= this.#generation);
    this.#reconnectDelay = this.#options.reconnectDelayMs;
    if (this.#droppedWhileDown > 0) {
      this.#options.logger.warn(
        { events: this.#droppedWhileDown },
        'events published while the event connection was down reached this replica only',
      );
      this.#droppedWhileDown = 0;
    }
  }

  async #deliver(client: pg.Client, text: string): Promise<void> {
    const envelope = JSON.parse(text) as Envelope;
    if (envelope.o === this.#options.instanceId) return;
    if (envelope.r === undefined) {
      this.#local.publish(envelope.t, envelope.p);
      return;
    }
    const { rows } = await this.#serially(() =>
      client.query<{ payload: unknown }>('select payload from event_payload where id = $1', [envelope.r]),
    );
    if (rows[0]) this.#local.publish(envelope.t, rows[0].payload);
    else
      this.#options.logger.warn(
        { topic: envelope.t },
        'a large event from another gateway replica expired before it was read',
      );
  }

  #lost(client: pg.Client, error: Error | null): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = null;
    this.#options.logger.warn({ err: error ?? undefined }, 'event connection to PostgreSQL lost; reconnecting');
    client.end().catch(() => {});
    const retry = () => {
      this.#reconnectTimer = null;
      this.#connect().catch((reason: unknown) => {
        this.#options.logger.warn({ err: reason }, 'event connection to PostgreSQL not re-opened yet');
        this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, 30_000);
        if (!this.#closed) this.#reconnectTimer = setTimeout(retry, this.#reconnectDelay).unref();
      });
    };
    this.#reconnectTimer = setTimeout(retry, this.#reconnectDelay).unref();
  }

  /** Deletes stored large events older than `retentionMs` (run on a timer); returns how many. */
  async deleteExpiredEvents(): Promise<number> {
    try {
      const client = this.#client;
      if (!client) return 0;
      const result = await this.#serially(() =>
        client.query(`delete from event_payload where created_at <= now() - make_interval(secs => $1)`, [
          this.#options.retentionMs / 1000,
        ]),
      );
      return result.rowCount ?? 0;
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'expired events not deleted');
      return 0;
    }
  }
}
