/**
 * Keeps one fabric's drift true on the Git side and its roll-up fresh:
 * - Git-side changes arrive on the fabric's internal topic (a pull announces the rows whose desired
 *   state it changed, an ingestion the whole fabric; see events/fabric-events.ts), from any
 *   replica: their drift is recomputed here, so the drift stays true without the sync code
 *   knowing about clusters. Bursts collapse into one recompute.
 * - The fabric roll-up is a grouped count over all its rows: under a stream of live writes it runs
 *   at most every `rollupIntervalMs` (right away when idle), not once per write.
 * What a recompute and a roll-up do (store, publish) is handed in.
 */
import { topics, type EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import type { InternalFabricEvent } from '../events/fabric-events.ts';

export interface DriftFollowerOptions {
  fabricId: string;
  eventBus: EventBus;
  logger: Logger;
  /** Recomputes (and publishes) the drift of these rows, or of every row of the fabric. */
  recompute(resourceIds: readonly string[] | 'all'): Promise<void>;
  /** Stores (and publishes) the fabric's drift roll-up. */
  rollup(): Promise<void>;
  /** Ends the following: the subscription closes, nothing new is scheduled. */
  signal: AbortSignal;
  /** Least time between two roll-ups while events stream in. @default 250 */
  rollupIntervalMs?: number;
}

export class DriftFollower {
  readonly #options: DriftFollowerOptions;
  #pendingDesired: Set<string> | 'all' | undefined;
  #recomputing: Promise<void> | undefined;
  #rollupTimer: NodeJS.Timeout | undefined;
  #rollupRunning: Promise<void> | undefined;
  #lastRollupAt = 0;

  constructor(options: DriftFollowerOptions) {
    this.#options = options;
  }

  /** Subscribes to the fabric's internal events (until the signal aborts). */
  start(): void {
    const { eventBus, fabricId, signal } = this.#options;
    const events = eventBus.subscribe<InternalFabricEvent>(topics.fabricInternal(fabricId), { signal });
    void (async () => {
      for await (const event of events) {
        if (event.type === 'DESIRED_STATE_CHANGED')
          this.#desiredChanged(event.resourceIds === 'all' ? 'all' : [...event.resourceIds]);
      }
    })();
  }

  /** Asks for a roll-up: now when the last one is old enough, else once `rollupIntervalMs` has passed. */
  scheduleRollup(): void {
    const { signal, rollupIntervalMs = 250 } = this.#options;
    if (this.#rollupTimer || signal.aborted) return;
    const wait = Math.max(0, this.#lastRollupAt + rollupIntervalMs - Date.now());
    this.#rollupTimer = setTimeout(() => {
      this.#rollupTimer = undefined;
      this.#lastRollupAt = Date.now();
      this.#rollupRunning = this.#options
        .rollup()
        .catch((error: unknown) => {
          if (!signal.aborted)
            this.#options.logger.error({ fabricId: this.#options.fabricId, err: error }, 'drift roll-up failed');
        })
        .finally(() => (this.#rollupRunning = undefined));
    }, wait);
  }

  /** After the signal: drops a roll-up not yet started, and waits for the roll-up and recompute under way. */
  async finish(): Promise<void> {
    clearTimeout(this.#rollupTimer);
    await this.#rollupRunning;
    await this.#recomputing;
  }

  #desiredChanged(ids: string[] | 'all'): void {
    const { signal } = this.#options;
    if (ids === 'all' || this.#pendingDesired === 'all') this.#pendingDesired = 'all';
    else this.#pendingDesired = new Set([...(this.#pendingDesired ?? []), ...ids]);
    if (this.#recomputing) return;
    this.#recomputing = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#pendingDesired && !signal.aborted) {
        const pending = this.#pendingDesired;
        this.#pendingDesired = undefined;
        await this.#options.recompute(pending === 'all' ? 'all' : [...pending]);
      }
    })()
      .catch((error: unknown) => {
        if (!signal.aborted)
          this.#options.logger.error(
            { fabricId: this.#options.fabricId, err: error },
            'recomputing drift after a Git change failed',
          );
      })
      .finally(() => {
        this.#recomputing = undefined;
        // A change that came in after the last pass looked (in the same turn) is not left behind.
        if (this.#pendingDesired && !signal.aborted) this.#desiredChanged([]);
      });
  }
}
