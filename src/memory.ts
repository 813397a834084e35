import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Handing V8's spare heap pages back to the system once the gateway is quiet.
 *
 * V8 keeps the pages its heap grew to: after a pull of 10,000 objects a full collection brings
 * the heap in use back to about 50 MiB, yet the 180 MiB of pages the peak took stay resident,
 * pooled for reuse. V8 releases them only in a collection that reduces memory, which its memory
 * reducer starts only in a process it believes to be in the background or short of memory; Node
 * tells it neither, so in a server it never happens (measured: 352 MiB resident for a minute at
 * rest, 57 MiB of it V8's heap). V8's memory saver mode (`--memory-saver-mode`) would release
 * them, but it makes every collection under load a compacting one: a 10,000-object pull took 2.7
 * times its CPU time. So the gateway asks for the release itself, only when it is quiet:
 * docs/performance.md, "Steady memory".
 */

/**
 * Bounds how far V8's old generation grows past what the last full collection kept before the
 * next one starts: to `percent` more (a factor of 1 + percent/100) instead of V8's own factor,
 * which under a steady allocation rate goes up to 4x. The pages a peak between collections took
 * stay pooled afterwards, so that peak is the resident set under load. `0` leaves V8's factor.
 * Takes effect at the next full collection.
 */
export function limitHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0)
    throw new RangeError(`heap growth must be a whole percent >= 0, not ${percent}`);
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** What the releaser looks at each interval. */
export interface MemorySample {
  /** Resident set now (bytes). */
  rss: number;
  /** Share of the interval the event loop was busy (0..1). */
  utilization: number;
}

export interface ReleasePolicy {
  /** The event loop busy at most this share of the interval counts as quiet. */
  quietUtilization: number;
  /** Release only when the resident set grew by at least this much since the last release (bytes). */
  minGrowthBytes: number;
}

export const DEFAULT_RELEASE_POLICY: ReleasePolicy = { quietUtilization: 0.05, minGrowthBytes: 48 * 2 ** 20 };

/**
 * Whether to release now: the process was quiet over the last interval and holds at least
 * `minGrowthBytes` more than after the last release (or the start). A process that stays large
 * because it needs the memory is not released again and again: the baseline is what a release
 * left.
 */
export function shouldReleaseMemory(sample: MemorySample, baselineRss: number, policy: ReleasePolicy): boolean {
  return sample.utilization <= policy.quietUtilization && sample.rss - baselineRss >= policy.minGrowthBytes;
}

/** V8's `gc()` without `--expose-gc` on the command line (nor `gc` on the global object). */
function collector(): (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void {
  v8.setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc');
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

let lastResort: ReturnType<typeof collector> | null = null;

/**
 * Collects everything collectable and hands the free pages back (what V8 does on a low-memory
 * notification: repeated full collections, then the page pool released). Blocks the event loop
 * for one to a few full collections (130 ms of CPU with 57 MiB live). Returns the resident set
 * before and after (bytes).
 */
export function releaseMemory(): { before: number; after: number } {
  lastResort ??= collector();
  const before = process.memoryUsage.rss();
  lastResort({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return { before, after: process.memoryUsage.rss() };
}

/**
 * Every `intervalMs`, releases memory when `shouldReleaseMemory` says so. The timer does not keep
 * the process alive; `stop()` ends it.
 */
export function startMemoryReleaser(options: {
  intervalMs: number;
  policy?: ReleasePolicy;
  onRelease?: (result: { before: number; after: number }) => void;
}): { stop(): void } {
  const policy = options.policy ?? DEFAULT_RELEASE_POLICY;
  let baseline = process.memoryUsage.rss();
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const sample = {
      rss: process.memoryUsage.rss(),
      utilization: performance.eventLoopUtilization(now, last).utilization,
    };
    last = now;
    if (sample.rss < baseline) baseline = sample.rss;
    if (!shouldReleaseMemory(sample, baseline, policy)) return;
    const result = releaseMemory();
    baseline = result.after;
    last = performance.eventLoopUtilization(); // the collection itself is not load
    options.onRelease?.(result);
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
