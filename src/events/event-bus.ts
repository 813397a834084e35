/**
 * Publish/subscribe port for live updates (operation progress, fabric events). The in-process
 * implementation serves one gateway process; a Redis or LISTEN/NOTIFY implementation of the same
 * port carries events across replicas.
 */
export interface EventBus {
  publish(topic: string, payload: unknown): void;
  /** Events published on `topic` after the call; ends when `signal` aborts or `return()` is called. */
  subscribe<T>(topic: string, options?: { signal?: AbortSignal }): AsyncIterableIterator<T>;
  subscriberCount(topic: string): number;
  /** Ends every subscription (graceful shutdown: open SSE and WebSocket streams complete). */
  close(): void;
  /** Releases what carries events between replicas, after the last publish (shutdown's last step). */
  stop?(): Promise<void>;
}

export const topics = {
  syncOperation: (operationId: string) => `sync-operation:${operationId}`,
  fabric: (fabricId: string) => `fabric:${fabricId}`,
  /** What the gateway's own modules follow about a fabric (see events/fabric-events.ts); no client subscribes. */
  fabricInternal: (fabricId: string) => `fabric-internal:${fabricId}`,
  /** `{ tokenId }` of a token just revoked: open connections that use it are closed. */
  apiTokens: 'api-tokens',
};

/** What `listen` hands each event to, in the turn that delivers it (see `InProcessEventBus`). */
export interface Listener<T = unknown> {
  push(payload: T): void;
  /** The bus closed, or the listener was removed with `close`. */
  end(): void;
}

type Subscriber = Listener;

/** A slow subscriber may hold this many undelivered events before the oldest are dropped. */
const MAX_BUFFERED_EVENTS = 10_000;

/**
 * Subscribers handed an event per turn of the event loop. Each hand-over wakes the subscriber's
 * consumer (GraphQL execution, serialisation, a socket write) in the same turn, so this bounds
 * the work one turn does for the fan-out and lets I/O (a mutation's own response) run between.
 */
const DELIVERIES_PER_TURN = 200;

interface Delivery {
  /** The topic's subscribers when the event was published (later ones do not get it). */
  subscribers: Subscriber[];
  payload: unknown;
  /** How many of `subscribers` have it already. */
  next: number;
  /** Called once the last subscriber has it (fan-out timing). */
  onDelivered?: (() => void) | undefined;
}

/**
 * Delivers in later turns of the event loop, never inside `publish`: a publisher (a mutation
 * that answers its client) goes on at once, and its response does not wait for the event to
 * reach thousands of subscribers. Each subscriber gets the events of a topic in publish order.
 */
export class InProcessEventBus implements EventBus {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  readonly #deliveries: Delivery[] = [];
  #scheduled = false;

  /** `onDelivered` runs once the last of the topic's subscribers has the event (not if it had none). */
  publish(topic: string, payload: unknown, onDelivered?: () => void): void {
    const set = this.subscribers.get(topic);
    if (!set || set.size === 0) return;
    this.#deliveries.push({ subscribers: [...set], payload, next: 0, onDelivered });
    this.#schedule();
  }

  /** Events published and not yet handed to every subscriber (tests, benchmarks). */
  get pendingDeliveries(): number {
    return this.#deliveries.length;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#deliverSome();
    });
  }

  #deliverSome(): void {
    let budget = DELIVERIES_PER_TURN;
    while (budget > 0 && this.#deliveries.length > 0) {
      const delivery = this.#deliveries[0]!;
      const end = Math.min(delivery.subscribers.length, delivery.next + budget);
      for (let index = delivery.next; index < end; index += 1) delivery.subscribers[index]!.push(delivery.payload);
      budget -= end - delivery.next;
      delivery.next = end;
      if (end === delivery.subscribers.length) {
        this.#deliveries.shift();
        delivery.onDelivered?.();
      }
    }
    if (this.#deliveries.length > 0) this.#schedule();
  }

  close(): void {
    for (const set of [...this.subscribers.values()]) for (const subscriber of [...set]) subscriber.end();
    this.subscribers.clear();
    this.#deliveries.length = 0;
  }

  subscriberCount(topic: string): number {
    return this.subscribers.get(topic)?.size ?? 0;
  }

  /**
   * Hands every event published on `topic` from now on to `listener.push`, in the turn that
   * delivers it (no iterator, no promise per event: a consumer that writes to a socket does it
   * there). The returned function removes the listener; `end` is not called then.
   */
  listen<T>(topic: string, listener: Listener<T>): () => void {
    const set = this.subscribers.get(topic) ?? new Set<Subscriber>();
    this.subscribers.set(topic, set);
    // A listener removed while an event is on its way to it does not get that event.
    let removed = false;
    const subscriber: Subscriber = {
      push(payload) {
        if (!removed) listener.push(payload as T);
      },
      end() {
        if (!removed) {
          removed = true;
          listener.end();
        }
      },
    };
    set.add(subscriber);
    return () => {
      if (removed) return;
      removed = true;
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(topic) === set) this.subscribers.delete(topic);
    };
  }

  subscribe<T>(topic: string, options: { signal?: AbortSignal } = {}): AsyncIterableIterator<T> {
    const buffered: T[] = [];
    let waiting: ((result: IteratorResult<T>) => void) | null = null;
    let done = false;
    const set = this.subscribers.get(topic) ?? new Set<Subscriber>();
    this.subscribers.set(topic, set);

    const subscriber: Subscriber = {
      push(payload) {
        if (done) return;
        if (waiting) {
          const resolve = waiting;
          waiting = null;
          resolve({ value: payload as T, done: false });
          return;
        }
        buffered.push(payload as T);
        if (buffered.length > MAX_BUFFERED_EVENTS) buffered.shift();
      },
      end() {
        finish();
      },
    };
    set.add(subscriber);

    const finish = (): IteratorResult<T> => {
      if (!done) {
        done = true;
        set.delete(subscriber);
        if (set.size === 0) this.subscribers.delete(topic);
        if (waiting) {
          const resolve = waiting;
          waiting = null;
          resolve({ value: undefined, done: true });
        }
      }
      return { value: undefined, done: true };
    };
    options.signal?.addEventListener('abort', finish, { once: true });

    const iterator: AsyncIterableIterator<T> = {
      next() {
        if (buffered.length > 0) return Promise.resolve({ value: buffered.shift() as T, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return() {
        return Promise.resolve(finish());
      },
      throw(error?: unknown) {
        finish();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
