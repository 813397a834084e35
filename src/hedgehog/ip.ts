/**
 * IPv4 helpers used by the rules: addresses as unsigned 32-bit numbers, prefixes as
 * `{ network, length }`. Pure; nothing here throws on bad input, parsers return undefined.
 */
import { isIPv6 } from 'node:net';

export interface Ipv4Prefix {
  /** Address as written (not masked), as an unsigned 32-bit number. */
  readonly address: number;
  /** Network address (address with host bits cleared). */
  readonly network: number;
  readonly length: number;
  /** Last address of the prefix. */
  readonly broadcast: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function maskOf(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export function parseIpv4Prefix(text: string): Ipv4Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === undefined || !/^(3[0-2]|[12]?\d)$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  const network = (address & maskOf(length)) >>> 0;
  const broadcast = (network | (~maskOf(length) >>> 0)) >>> 0;
  return { address, network, length, broadcast };
}

/** True when the text is a prefix with no host bits set (`10.0.0.0/8`, not `10.0.0.1/8`). */
export function isCanonicalPrefix(prefix: Ipv4Prefix): boolean {
  return prefix.address === prefix.network;
}

export function prefixContains(outer: Ipv4Prefix, address: number): boolean {
  return address >= outer.network && address <= outer.broadcast;
}

export function prefixWithin(inner: Ipv4Prefix, outer: Ipv4Prefix): boolean {
  return inner.network >= outer.network && inner.broadcast <= outer.broadcast;
}

export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}

export function formatPrefix(prefix: Pick<Ipv4Prefix, 'network' | 'length'>): string {
  return `${formatIpv4(prefix.network)}/${prefix.length}`;
}

/**
 * Finds overlapping pairs among many prefixes in O(n log n): sort by start, sweep keeping the
 * furthest end seen. Returns each overlapping item with the earlier item it overlaps.
 */
export function findOverlaps<T>(items: readonly { prefix: Ipv4Prefix; item: T }[]): { item: T; other: T }[] {
  const sorted = [...items].sort((a, b) => a.prefix.network - b.prefix.network || a.prefix.length - b.prefix.length);
  const result: { item: T; other: T }[] = [];
  let widest: { prefix: Ipv4Prefix; item: T } | undefined;
  for (const entry of sorted) {
    if (widest && entry.prefix.network <= widest.prefix.broadcast) {
      result.push({ item: entry.item, other: widest.item });
    }
    if (!widest || entry.prefix.broadcast > widest.prefix.broadcast) widest = entry;
  }
  return result;
}

/** An IPv6 address as Go's net.ParseIP / netip.ParseAddr read it (no zone). */
export function isIpv6Address(text: string): boolean {
  return !text.includes('%') && isIPv6(text);
}

/** An IPv6 prefix as net.ParseCIDR / netip.ParsePrefix read it: `<address>/<0-128>`. */
export function isIpv6Prefix(text: string): boolean {
  const slash = text.lastIndexOf('/');
  return (
    slash > 0 &&
    isIpv6Address(text.slice(0, slash)) &&
    /^(0|[1-9][0-9]?|1[01][0-9]|12[0-8])$/.test(text.slice(slash + 1))
  );
}

/** Octet counts `net.ParseMAC` accepts: EUI-48, EUI-64 and 20-octet IP over InfiniBand. */
const MAC_OCTETS = new Set([6, 8, 20]);
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;
const HEX_QUAD = /^[0-9a-fA-F]{4}$/;

/**
 * Go's `net.ParseMAC` then `String()`: every form ParseMAC reads (`00:00:5e:00:53:01`,
 * `00-00-5E-00-53-01`, `0000.5e00.5301`; 6, 8 or 20 octets) comes back lower-case and
 * colon-separated; undefined when ParseMAC would fail.
 */
export function normalizeMac(text: string): string | undefined {
  if (text.length < 14 || text.length > 59) return undefined;
  let octets: string[];
  if (text[2] === ':' || text[2] === '-') {
    const parts = text.split(text[2]);
    if (!parts.every((part) => HEX_PAIR.test(part))) return undefined;
    octets = parts;
  } else if (text[4] === '.') {
    const parts = text.split('.');
    if (!parts.every((part) => HEX_QUAD.test(part))) return undefined;
    octets = parts.flatMap((part) => [part.slice(0, 2), part.slice(2)]);
  } else {
    return undefined;
  }
  if (!MAC_OCTETS.has(octets.length)) return undefined;
  return octets.map((octet) => octet.toLowerCase()).join(':');
}
