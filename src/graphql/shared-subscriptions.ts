/**
 * One execution per distinct subscription, shared by every subscriber that sent the same
 * document and variables with the same authority (token, role, fabrics): a fabric event seen by
 * 5,000 dashboards is resolved once, the ONE execution result is serialised once, and that text
 * is written to each WebSocket subscriber with only its operation id around it (see
 * websocket.ts and next-frames.ts); an SSE subscriber gets the result itself, which yoga
 * serialises with that same text. Idle subscribers hold no GraphQL
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
import { type DocumentNode, type ExecutionResult, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Actor } from '../auth/tokens.ts';
import { InProcessEventBus } from '../events/event-bus.ts';

export type SubscriptionOutcome = AsyncIterable<ExecutionResult> | ExecutionResult;

/** One result of a shared execution as its subscribers' writers see it. */
export interface SerialisedResult {
  /** `JSON.stringify(result)`, made once for all subscribers. */
  readonly json: string;
  /** A value made from `json` once for all subscribers (a framed message), by the first that asks for `key`. */
  derived<T>(key: symbol, make: (json: string) => T): T;
}

/**
 * One result of a shared execution, with its JSON text made at most once for all subscribers.
 * The result itself carries a `stringify` (not enumerable) giving that text: graphql-yoga
 * serialises an SSE result with `result.stringify` when it has one, so SSE subscribers of the
 * execution get the same text without serialising the result again.
 */
export class SharedResult implements SerialisedResult {
  readonly result: ExecutionResult;
  readonly #counted: () => void;
  #json: string | undefined;
  #derived: Map<symbol, unknown> | undefined;
  constructor(result: ExecutionResult, counted: () => void = () => {}) {
    this.result = result;
    this.#counted = counted;
    if (!Object.isExtensible(result)) return;
    Object.defineProperty(result, 'stringify', {
      // yoga passes the result itself when it has nothing to strip (no errors, no `extensions.http`).
      value: (value: unknown) => (value === result ? this.json : JSON.stringify(value)),
      enumerable: false,
      configurable: true,
    });
  }

  /**
   * `JSON.stringify(result)`, computed by the first subscriber that needs it; with `errors` last,
   * where graphql-ws puts them in a `next` message (the same text as graphql-ws's own payload).
   */
  get json(): string {
    if (this.#json === undefined) {
      const { errors, ...rest } = this.result;
      this.#json = JSON.stringify(errors === undefined ? this.result : { ...rest, errors });
      this.#counted();
    }
    return this.#json;
  }

  derived<T>(key: symbol, make: (json: string) => T): T {
    this.#derived ??= new Map();
    if (!this.#derived.has(key)) this.#derived.set(key, make(this.json));
    return this.#derived.get(key) as T;
  }
}

type Item = { shared: SharedResult } | { end: true } | { error: unknown };

interface Group {
  /** The key it is shared under (the map's own string: a subscriber's copy is not kept). */
  key: string;
  topic: string;
  source: AsyncIterator<ExecutionResult>;
  ended: boolean;
}

type Opening = Promise<{ group: Group } | { outcome: ExecutionResult }>;

/** Writes one result (its JSON text, made once: `JSON.stringify` of the ExecutionResult) to one subscriber. */
export type WriteResult = (result: SerialisedResult) => void;

export interface SharedSubscriptionsOptions {
  /**
   * Called once per result of a shared execution, when it has been handed to (for WebSocket
   * subscribers: written to) the last subscriber: the seconds since the execution produced it,
   * and how many subscribers got it.
   */
  onFanOut?: (seconds: number, subscribers: number) => void;
}

/**
 * Subscription fields whose events do not depend on when a subscriber joined, so a late one may
 * join a running execution. Not `syncOperationUpdated`: it starts with the operation as it is now.
 */
const SHAREABLE_FIELDS: ReadonlySet<string> = new Set(['fabricEvents']);

/**
 * The key under which an operation may share an execution: the authority it runs with (token,
 * name, role, fabrics) and what it asks (document text, operation name, variables); null when it
 * is not a subscription of shareable root fields only.
 */
export function shareKey(
  actor: Pick<Actor, 'tokenId' | 'name' | 'role' | 'fabricIds'>,
  document: DocumentNode,
  params: { query?: string | null; operationName?: string | null; variables?: unknown },
): string | null {
  const operation = getOperationAST(document, params.operationName);
  if (operation?.operation !== 'subscription' || typeof params.query !== 'string') return null;
  const shareable = operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && SHAREABLE_FIELDS.has(selection.name.value),
  );
  if (!shareable) return null;
  return JSON.stringify([
    actor.tokenId,
    actor.name,
    actor.role,
    actor.fabricIds,
    params.query,
    params.operationName ?? null,
    params.variables ?? null,
  ]);
}

/**
 * Shares executions between SSE subscribers (HTTP requests) the way websocket.ts shares them
 * between WebSocket ones: the first subscriber's execution runs, the others follow it. Each SSE
 * subscriber still has its context built (yoga builds it before `subscribe`); yoga serialises a
 * shared result with the `stringify` it carries (SharedResult), so once for all subscribers, and
 * only frames it (`data: <text>`) per response. Operations over a WebSocket are shared there, not
 * here.
 */
export function useSharedSubscriptions(shared: SharedSubscriptions): Plugin {
  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const context = args.contextValue as {
        request?: unknown;
        actor?: Actor;
        params?: { query?: string | null; operationName?: string | null; variables?: unknown };
      };
      if (!context.request || !context.actor || !context.params) return;
      const key = shareKey(context.actor, args.document, context.params);
      if (key === null) return;
      setSubscribeFn((subscribeArgs) =>
        shared.subscribe(key, async () => (await subscribeFn(subscribeArgs)) as SubscriptionOutcome),
      );
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] === 'function';
}

export class SharedSubscriptions {
  readonly #fanOut = new InProcessEventBus();
  readonly #groups = new Map<string, { opening: Opening; group?: Group }>();
  readonly #onFanOut: SharedSubscriptionsOptions['onFanOut'];
  #sequence = 0;
  #serialisations = 0;

  constructor(options: SharedSubscriptionsOptions = {}) {
    this.#onFanOut = options.onFanOut;
  }

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

  /** Results serialised to JSON so far (once per result, whatever the number of subscribers). */
  get serialisations(): number {
    return this.#serialisations;
  }

  /**
   * The results of the execution shared under `key`, started with `start` if none runs; `start`'s
   * own outcome when it is not a stream (an error), or when `key` is null (not shareable).
   *
   * With `write`, a subscriber that joins gets each result as JSON text through `write`, in the
   * turn that delivers it, and the returned stream yields nothing: it ends when the execution
   * ends (or throws its error), and its `return()` is how the subscriber leaves.
   */
  async subscribe(
    key: string | null,
    start: () => Promise<SubscriptionOutcome>,
    write?: WriteResult,
  ): Promise<SubscriptionOutcome> {
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
      if (!opened.group.ended) return write ? this.#attach(opened.group, write) : this.#join(opened.group);
      // It ended between its start and this subscriber's turn: start another.
      if (this.#groups.get(key) === entry) this.#groups.delete(key);
    }
  }

  async #open(key: string, start: () => Promise<SubscriptionOutcome>): Opening {
    const outcome = await start();
    if (!isAsyncIterable(outcome)) return { outcome };
    const group: Group = {
      key,
      topic: `shared:${++this.#sequence}`,
      source: outcome[Symbol.asyncIterator](),
      ended: false,
    };
    void this.#pump(group);
    return { group };
  }

  async #pump(group: Group): Promise<void> {
    const counted = () => {
      this.#serialisations += 1;
    };
    try {
      for (;;) {
        const next = await group.source.next();
        if (next.done) break;
        const produced = performance.now();
        const subscribers = this.#fanOut.subscriberCount(group.topic);
        const onFanOut = this.#onFanOut;
        this.#fanOut.publish(
          group.topic,
          { shared: new SharedResult(next.value, counted) } satisfies Item,
          onFanOut && (() => onFanOut((performance.now() - produced) / 1000, subscribers)),
        );
      }
      this.#fanOut.publish(group.topic, { end: true } satisfies Item);
    } catch (error) {
      this.#fanOut.publish(group.topic, { error } satisfies Item);
    } finally {
      this.#end(group);
    }
  }

  #end(group: Group): void {
    if (group.ended) return;
    group.ended = true;
    if (this.#groups.get(group.key)?.group === group) this.#groups.delete(group.key);
  }

  /** After a subscriber left: the last one ends the shared execution (and its bus subscription). */
  async #leftGroup(group: Group): Promise<void> {
    if (!group.ended && this.#fanOut.subscriberCount(group.topic) === 0) {
      this.#end(group);
      await group.source.return?.();
    }
  }

  /** A subscriber that is written to: results go to `write` as they are delivered, the stream only ends. */
  #attach(group: Group, write: WriteResult): AsyncGenerator<ExecutionResult> {
    let settle: ((outcome: { error: unknown } | null) => void) | null = null;
    let outcome: { error: unknown } | null | undefined;
    const finish = (value: { error: unknown } | null) => {
      if (outcome !== undefined) return;
      outcome = value;
      settle?.(value);
      settle = null;
    };
    const remove = this.#fanOut.listen<Item>(group.topic, {
      push: (item) => {
        if ('shared' in item) write(item.shared);
        else finish('error' in item ? { error: item.error } : null);
      },
      end: () => finish(null),
    });
    const ending = async (ended: { error: unknown } | null): Promise<IteratorResult<ExecutionResult>> => {
      await stream.leave();
      if (ended) throw ended.error;
      return DONE;
    };
    const stream: SubscriberStream = new SubscriberStream(
      // Not an async function: an idle subscriber holds one pending promise, not a suspended frame.
      () => {
        if (outcome !== undefined) return ending(outcome);
        return new Promise<{ error: unknown } | null>((resolve) => {
          settle = resolve;
        }).then(ending);
      },
      async () => {
        remove();
        finish(null);
        await this.#leftGroup(group);
      },
    );
    return stream;
  }

  /** A subscriber that reads the results (SSE, or a WebSocket operation without a writer). */
  #join(group: Group): AsyncGenerator<ExecutionResult> {
    const items = this.#fanOut.subscribe<Item>(group.topic);
    const stream: SubscriberStream = new SubscriberStream(
      async () => {
        const next = await items.next();
        if (!next.done && 'shared' in next.value) return { value: next.value.shared.result, done: false };
        await stream.leave();
        if (!next.done && 'error' in next.value) throw next.value.error;
        return DONE;
      },
      async () => {
        await items.return?.();
        await this.#leftGroup(group);
      },
    );
    return stream;
  }
}

const DONE = { value: undefined, done: true } as const;

/**
 * What a subscriber of a shared execution holds: `next` reads as the subscriber's kind does (see
 * `#attach` and `#join`); `return`, `throw` and `asyncDispose` leave the group, once, whichever
 * comes first (the methods are the class's: an idle subscriber holds no closures for them).
 */
class SubscriberStream implements AsyncGenerator<ExecutionResult> {
  readonly next: () => Promise<IteratorResult<ExecutionResult>>;
  #leave: (() => Promise<void>) | null;

  constructor(next: () => Promise<IteratorResult<ExecutionResult>>, leave: () => Promise<void>) {
    this.next = next;
    this.#leave = leave;
  }

  /** Leaves the group (the first call does; later ones return at once). */
  async leave(): Promise<void> {
    const leave = this.#leave;
    if (!leave) return;
    this.#leave = null;
    await leave();
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.leave();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.leave();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.leave();
  }
}
