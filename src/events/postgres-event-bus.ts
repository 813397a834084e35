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
  /** Topic. */
  t: string;
  /** Payload, when it fitted. */
  p?: unknown;
  /** Id of the stored payload, when it did not. */
  r?: number;
}

export class PostgresEventBus implements EventBus {
  /** `application_name` of the bus's connection is this prefix + the instance id (start-up recovery reads it). */
  static readonly applicationNamePrefix = 'hedgehog-gateway-events:';
  readonly #local = new InProcessEventBus();
  readonly #options: Required<PostgresEventBusOptions>;
  #client: pg.Client | null = null;
  /** Incoming notifications are handled one after another, so order survives stored payloads. */
  #incoming: Promise<void> = Promise.resolve();
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #cleanupTimer: NodeJS.Timeout | null = null;
  #reconnectDelay: number;
  #droppedWhileDown = 0;
  #generation = 0;
  #connectedWaiters: { after: number; resolve: () => void }[] = [];

  constructor(options: PostgresEventBusOptions) {
    this.#options = { channel: 'gateway_events', retentionMs: 10 * 60_000, reconnectDelayMs: 500, ...options };
    if (!/^[a-z_][a-z0-9_]*$/.test(this.#options.channel)) throw new Error(`invalid LISTEN channel name ${this.#options.channel}`);
    this.#reconnectDelay = this.#options.reconnectDelayMs;
  }

  /** Opens the connection and starts listening; events published before reach local subscribers only. */
  async start(): Promise<void> {
    await this.#connect();
    this.#cleanupTimer = setInterval(() => void this.#deleteExpired(), Math.max(1_000, this.#options.retentionMs / 2));
    this.#cleanupTimer.unref();
  }

  publish(topic: string, payload: unknown): void {
    this.#local.publish(topic, payload);
    const client = this.#client;
    if (!client) {
      if (!this.#closed) this.#droppedWhileDown += 1;
      return;
    }
    const { channel, instanceId } = this.#options;
    const inline = JSON.stringify({ o: instanceId, t: topic, p: payload } satisfies Envelope);
    // The client runs its queries in the order they were issued: the order of publish calls.
    const sent = Buffer.byteLength(inline) <= INLINE_LIMIT_BYTES
      ? client.query('select pg_notify($1, $2)', [channel, inline])
      : client.query(
          `with stored as (insert into event_payload (topic, payload, created_at) values ($2, $3::jsonb, now()) returning id)
           select pg_notify($1, json_build_object('o', $4::text, 't', $2::text, 'r', stored.id)::text) from stored`,
          [channel, topic, JSON.stringify(payload), instanceId],
        );
    sent.catch((error: unknown) => this.#options.logger.warn({ err: error, topic }, 'event not sent to other gateway replicas'));
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
    const client = this.#client;
    this.#client = null;
    await this.#incoming.catch(() => {});
    // `end` waits for the queued notifications to be sent.
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.connectionString, application_name: `${PostgresEventBus.applicationNamePrefix}${this.#options.instanceId}`.slice(0, 63) });
    client.on('notification', (message) => {
      if (message.channel !== this.#options.channel || !message.payload) return;
      this.#incoming = this.#incoming.then(() => this.#deliver(client, message.payload!)).catch((error: unknown) =>
        this.#options.logger.warn({ err: error }, 'an event from another gateway replica could not be read'));
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
      this.#options.logger.warn({ events: this.#droppedWhileDown }, 'events published while the event connection was down reached this replica only');
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
    const { rows } = await client.query<{ payload: unknown }>('select payload from event_payload where id = $1', [envelope.r]);
    if (rows[0]) this.#local.publish(envelope.t, rows[0].payload);
    else this.#options.logger.warn({ topic: envelope.t }, 'a large event from another gateway replica expired before it was read');
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

  async #deleteExpired(): Promise<void> {
    try {
      await this.#client?.query(`delete from event_payload where created_at < now() - make_interval(secs => $1)`, [this.#options.retentionMs / 1000]);
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'expired events not deleted');
    }
  }
}
