/**
 * Coalesces one fabric's cluster events and writes them in batches. `add` only records an event
 * (per kind, per object, the last one wins; a relist replaces everything older of its kind) and
 * returns; one writer takes everything pending on the next tick, so events that arrive together
 * (a burst, a relist) share one write. A write that fails is merged back under the newer events
 * and retried. The writer is handed in (live-state-store.ts through FabricWatch in the gateway).
 */
import { objectKey, type ClusterEvent } from './cluster-client.ts';
import type { KindChanges } from './live-state-store.ts';

/** Pending changes by kind name. */
export type LiveBatch = Map<string, KindChanges>;

export interface LiveBatcherOptions {
  /** Stores one batch; a throw keeps it for a retry. */
  write(batch: LiveBatch): Promise<void>;
  /** A write failed (not after stop); the batch is retried after `retryDelayMs`. */
  onWriteFailed(error: unknown): void;
  /** A batch holding a relist of `kind` (`objects` of them) was stored. */
  onRelistStored?(kind: string, objects: number): void;
  /** Ends the batcher: later events are dropped, a retry wait is cut short. */
  signal: AbortSignal;
  /** @default 1000 */
  retryDelayMs?: number;
}

export class LiveBatcher {
  readonly #options: LiveBatcherOptions;
  #pending: LiveBatch = new Map();
  #flushing: Promise<void> | undefined;

  constructor(options: LiveBatcherOptions) {
    this.#options = options;
  }

  /** Takes one event into the pending batch; returns at once (the write happens on the next tick). */
  add(event: ClusterEvent): void {
    if (this.#options.signal.aborted) return;
    const kind = event.kind.kind;
    let changes = this.#pending.get(kind);
    if (!changes) {
      changes = { changes: new Map() };
      this.#pending.set(kind, changes);
    }
    if (event.type === 'synced') {
      changes.relisted = new Map(event.objects.map((object) => [objectKey(object), object]));
      changes.changes.clear();
    } else {
      changes.changes.set(objectKey(event.object), event.type === 'upsert' ? event.object : null);
    }
    this.#kick();
  }

  /** Resolves once the writing under way (if any) has ended. */
  idle(): Promise<void> {
    return this.#flushing ?? Promise.resolve();
  }

  #kick(): void {
    if (this.#flushing) return;
    const { signal } = this.#options;
    this.#flushing = (async () => {
      // One write per tick: events arriving together (a burst, a relist) share a transaction.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#pending.size > 0 && !signal.aborted) {
        const batch = this.#pending;
        this.#pending = new Map();
        const ok = await this.#write(batch);
        if (!ok) {
          this.#pending = mergeChanges(batch, this.#pending);
          await new Promise<void>((resolve) => {
            // Stopped since the write failed (in the same turn of the event loop): no wait.
            if (signal.aborted) return resolve();
            const timer = setTimeout(resolve, this.#options.retryDelayMs ?? 1000);
            signal.addEventListener(
              'abort',
              () => {
                clearTimeout(timer);
                resolve();
              },
              { once: true },
            );
          });
          continue;
        }
        for (const [kind, changes] of batch) {
          if (changes.relisted) this.#options.onRelistStored?.(kind, changes.relisted.size);
        }
      }
    })().finally(() => {
      this.#flushing = undefined;
      if (this.#pending.size > 0 && !signal.aborted) this.#kick();
    });
  }

  async #write(batch: LiveBatch): Promise<boolean> {
    try {
      await this.#options.write(batch);
      return true;
    } catch (error) {
      if (this.#options.signal.aborted) return true; // the fabric was deleted or the gateway is stopping
      this.#options.onWriteFailed(error);
      return false;
    }
  }
}

/** `older` then `newer`: a relist in `newer` replaces everything older of its kind. Pure. */
export function mergeChanges(older: LiveBatch, newer: LiveBatch): LiveBatch {
  const merged = new Map(older);
  for (const [kind, changes] of newer) {
    const previous = merged.get(kind);
    if (!previous || changes.relisted) {
      merged.set(kind, changes);
      continue;
    }
    merged.set(kind, {
      ...(previous.relisted ? { relisted: previous.relisted } : {}),
      changes: new Map([...previous.changes, ...changes.changes]),
    });
  }
  return merged;
}
