/**
 * Port locator values (`Switch.spec.portLocators`, fabric v0.129 `NormalizePortLocator`): empty
 * (the default 5 minutes), a Go duration relative to now (`10m`, `1h30m`), or an exact UTC time
 * written `YYYY-MM-DD HH:MM:SS`. Go's Default() rewrites them to expiry times and drops those
 * that expire within a second; the gateway does not rewrite them (that depends on the clock), it
 * only reads them the same way.
 */

export type PortLocatorReading = 'ok' | 'expired' | 'invalid';

const UNIT_NANOSECONDS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const DURATION = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const DURATION_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
/** time.Duration is an int64 of nanoseconds. */
const MAX_DURATION_NS = 2 ** 63 - 1;

/** Nanoseconds of a Go duration (`time.ParseDuration`), or undefined when Go refuses it. */
export function parseGoDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, number, unit] of text.matchAll(DURATION_PART)) total += Number(number) * UNIT_NANOSECONDS[unit!]!;
  if (total > MAX_DURATION_NS) return undefined;
  return text.startsWith('-') ? -total : total;
}

/** Milliseconds since the epoch of a `time.DateTime` value read in UTC, or undefined when Go refuses it. */
export function parseGoDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, 0);
  return at.getTime();
}

/** How Default() and Validate() read one value at `now` (milliseconds since the epoch). */
export function normalizePortLocator(value: string, now: number): PortLocatorReading {
  if (value === '') return 'ok';
  const duration = parseGoDuration(value);
  if (duration !== undefined) return duration < 1e9 ? 'expired' : 'ok';
  const exact = parseGoDateTime(value);
  if (exact !== undefined) return exact < now + 1000 ? 'expired' : 'ok';
  return 'invalid';
}
