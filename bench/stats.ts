import { readFileSync } from 'node:fs';

/** Figures for benchmark output: nearest-rank percentiles over unsorted samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The middle sample (the upper one of two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * CPU time of this process and of the children it has waited for (git, in the sync benchmarks),
 * user + system, in ms (Linux /proc; USER_HZ 100, so 10 ms steps). Less dependent on what else
 * the machine runs than wall time; the PostgreSQL server's work is not in it.
 */
export function processCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state ppid ... utime (index 11), stime, cutime, cstime.
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
}
