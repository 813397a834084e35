/**
 * One execution per distinct subscription, shared by every subscriber that sent the same
 * document and variables with the same authority (token, role, fabrics): a fabric event seen by
 * 5,000 dashboards is resolved once, and the ONE execution result is handed to each of them (the
 * WebSocket layer only wraps it in each subscriber's message). Idle subscribers hold no GraphQL
 * context of their own, only their place in the fan-out.
 *
 * The execution starts with the first subscriber (with its context) and ends when the last one
 * leaves; a subscriber joining later gets the events from then on, as it would from its own
 * execution. A subscription that does not start (an error such as NOT_FOUND) is not shared: each
 * subscriber runs its own and gets its own error.
 *
 * The hand-over goes through an in-process event bus, so it is spread over turns of the event
 * loop like every other delivery (see events/event-bus.ts) and never runs inside the publisher.
 */
import type { ExecutionResult } from 'graphql';
import { InProcessEventBus } from '../events/event-bus.ts';

export type SubscriptionOutcome = AsyncIterable<ExecutionResult> | ExecutionResult;

type Item = { result: ExecutionResult } | { end: true } | { error: unknown };

interface Group {
  topic: string;
  source: AsyncIterator<ExecutionResult>;
  ended: boolean;
}

type Opening = Promise<{ group: Group } | { outcome: ExecutionResult }>;

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] === 'function';
}

export class SharedSubscriptions {
  readonly #fanOut = new InProcessEventBus();
  readonly #groups = new Map<string, { opening: Opening; group?: Group }>();
  #sequence = 0;

  /** Executions running, one per distinct (authority, document, variables). */
  get executions(): number {
    return this.#groups.size;
  }

  /** Subscribers following the shared executions. */
  get subscribers(): number {
    let count = 0;
    for (const entry of this.#groups.values())
      if (entry.group) count += this.#fanOut.subscriberCount(entry.group.topic);
    return count;
  }

  /**
   * The results of the execution shared under `key`, started with `start` if none runs; `start`'s
   * own outcome when it is not a stream (an error), or when `key` is null (not shareable).
   */
  async subscribe(key: string | null, start: () => Promise<SubscriptionOutcome>): Promise<SubscriptionOutcome> {
    if (key === null) return start();
    for (;;) {
      let entry = this.#groups.get(key);
      let opener = false;
      if (!entry) {
        opener = true;
        const created: { opening: Opening; group?: Group } = { opening: this.#open(key, start) };
        entry = created;
        this.#groups.set(key, created);
        created.opening.then(
          (opened) => {
            if ('group' in opened) created.group = opened.group;
            else if (this.#groups.get(key) === created) this.#groups.delete(key);
          },
          () => {
            if (this.#groups.get(key) === created) this.#groups.delete(key);
          },
        );
      }
      let opened: Awaited<Opening>;
      try {
        opened = await entry.opening;
      } catch (error) {
        if (opener) throw error;
        return start();
      }
      if ('outcome' in opened) return opener ? opened.outcome : start();
      if (!opened.group.ended) return this.#join(key, opened.group);
      // It ended between its start and this subscriber's turn: start another.
      if (this.#groups.get(key) === entry) this.#groups.delete(key);
    }
  }

  async #open(key: string, start: () => Promise<SubscriptionOutcome>): Opening {
    const outcome = await start();
    if (!isAsyncIterable(outcome)) return { outcome };
    const group: Group = {
      topic: `shared:${++this.#sequence}`,
      source: outcome[Symbol.asyncIterator](),
      ended: false,
    };
    void this.#pump(key, group);
    return { group };
  }

  async #pump(key: string, group: Group): Promise<void> {
    try {
      for (;;) {
        const next = await group.source.next();
        if (next.done) break;
        this.#fanOut.publish(group.topic, { result: next.value } satisfies Item);
      }
      this.#fanOut.publish(group.topic, { end: true } satisfies Item);
    } catch (error) {
      this.#fanOut.publish(group.topic, { error } satisfies Item);
    } finally {
      this.#end(key, group);
    }
  }

  #end(key: string, group: Group): void {
    if (group.ended) return;
    group.ended = true;
    if (this.#groups.get(key)?.group === group) this.#groups.delete(key);
  }

  #join(key: string, group: Group): AsyncGenerator<ExecutionResult> {
    const items = this.#fanOut.subscribe<Item>(group.topic);
    let left = false;
    const leave = async () => {
      if (left) return;
      left = true;
      await items.return?.();
      // The last subscriber left: the shared execution (and its bus subscription) ends.
      if (!group.ended && this.#fanOut.subscriberCount(group.topic) === 0) {
        this.#end(key, group);
        await group.source.return?.();
      }
    };
    const done = { value: undefined, done: true } as const;
    const iterator: AsyncGenerator<ExecutionResult> = {
      async next() {
        const next = await items.next();
        if (!next.done && 'result' in next.value) return { value: next.value.result, done: false };
        await leave();
        if (!next.done && 'error' in next.value) throw next.value.error;
        return done;
      },
      async return() {
        await leave();
        return done;
      },
      async throw(error?: unknown) {
        await leave();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
      [Symbol.asyncDispose]: async () => {
        await leave();
      },
    };
    return iterator;
  }
}
