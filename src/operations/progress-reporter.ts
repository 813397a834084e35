/**
 * The operation engine's progress reporter: what a handler's `progress(change, events)` goes
 * through. A change that only moves the counters (`progressDone`, `progressTotal`,
 * `filesProcessed`) is published at most every `intervalMs` (100 ms), and a move held back is
 * published by a timer at the end of that interval, so while something moves subscribers hear of
 * it at least every interval, never more often. Any other change (a phase, a status, a commit,
 * details) is written and published at once, with whatever counters and log lines were held.
 *
 * Writes to the operation row are throttled the same way: a held-back move is written with the
 * next report that falls due (or the operation's end). The timer never touches the unit of work
 * the handler runs in (that would race its flushes): it only publishes a snapshot with the held
 * counters applied (`preview`).
 */
import type { OperationChange, OperationEventInput } from './sync-operation.service.ts';

/** Counters a handler moves many times per phase; everything else is written at once. */
const COUNTER_KEYS = new Set<keyof OperationChange>(['progressDone', 'progressTotal', 'filesProcessed']);

export const PROGRESS_INTERVAL_MS = 100;

export interface ProgressReporterOptions {
  /** Writes the change and log lines to the operation and publishes the result. */
  write(change: OperationChange, events: OperationEventInput[]): Promise<void>;
  /** Publishes the operation as it would be with `change` applied, without writing it. */
  preview(change: OperationChange): void;
  intervalMs?: number;
  now?: () => number;
}

export class ProgressReporter {
  readonly #options: Required<Omit<ProgressReporterOptions, 'now'>> & { now: () => number };
  #held: OperationChange = {};
  #heldEvents: OperationEventInput[] = [];
  /** When the operation was last published (written, or previewed by the timer). */
  #lastPublishedAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: ProgressReporterOptions) {
    this.#options = { intervalMs: PROGRESS_INTERVAL_MS, now: () => performance.now(), ...options };
  }

  /** What handlers call (`ReportProgress`). */
  readonly report = async (change: OperationChange, events: OperationEventInput[] = []): Promise<void> => {
    if (this.#closed) return this.#options.write(change, events);
    this.#held = { ...this.#held, ...change };
    this.#heldEvents.push(...events);
    const keys = Object.keys(change);
    const countersOnly = keys.length > 0 && keys.every((key) => COUNTER_KEYS.has(key as keyof OperationChange));
    const due = this.#options.now() - this.#lastPublishedAt >= this.#options.intervalMs;
    if (!countersOnly || due) return this.#writeHeld();
    this.#schedule();
  };

  /** Stops the timer and hands back what is held (the operation's end writes it with its own change). */
  close(): { change: OperationChange; events: OperationEventInput[] } {
    this.#closed = true;
    this.#clearTimer();
    const held = { change: this.#held, events: this.#heldEvents };
    this.#held = {};
    this.#heldEvents = [];
    return held;
  }

  async #writeHeld(): Promise<void> {
    this.#clearTimer();
    const change = this.#held;
    const events = this.#heldEvents;
    this.#held = {};
    this.#heldEvents = [];
    this.#lastPublishedAt = this.#options.now();
    await this.#options.write(change, events);
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastPublishedAt + this.#options.intervalMs - this.#options.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#closed || Object.keys(this.#held).length === 0) return;
      this.#lastPublishedAt = this.#options.now();
      this.#options.preview({ ...this.#held });
    }, wait);
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
