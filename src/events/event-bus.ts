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

interface Subscriber {
  push(payload: unknown): void;
  end(): void;
}

/** A slow subscriber may hold this many undelivered events before the oldest are dropped. */
const MAX_BUFFERED_EVENTS = 10_000;

export class InProcessEventBus implements EventBus {
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  publish(topic: string, payload: unknown): void {
    for (const subscriber of this.subscribers.get(topic) ?? []) subscriber.push(payload);
  }

  close(): void {
    for (const set of [...this.subscribers.values()]) for (const subscriber of [...set]) subscriber.end();
    this.subscribers.clear();
  }

  subscriberCount(topic: string): number {
    return this.subscribers.get(topic)?.size ?? 0;
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
