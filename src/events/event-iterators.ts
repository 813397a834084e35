/**
 * Iterators over event-bus subscriptions that let go of the subscription the moment their
 * consumer leaves. An async generator cannot: `return()` on a generator waiting inside
 * `for await` is queued until the next event arrives, and on a quiet topic the bus listener (and
 * everything the subscriber holds) stays until then. These end the bus subscription first,
 * which settles the waiting `next()` at once.
 */

/** Yields the events of `source` that `keep` accepts; `return()` ends `source` at once. */
export function filterEvents<T>(source: AsyncIterator<T>, keep: (event: T) => boolean): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * `generator`, whose `return()` first ends `source` (the bus subscription it waits on), so a
 * generator parked in `for await (... of source)` finishes (its `finally` runs) without waiting
 * for another event.
 */
export function endingWith<T>(generator: AsyncGenerator<T>, source: AsyncIterator<unknown>): AsyncGenerator<T> {
  const wrapped: AsyncGenerator<T> = {
    next: (...args) => generator.next(...args),
    async return(value) {
      await source.return?.();
      return generator.return(value as T);
    },
    async throw(error?: unknown) {
      await source.return?.();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
    [Symbol.asyncDispose]: async () => {
      await wrapped.return(undefined as T);
    },
  };
  return wrapped;
}
