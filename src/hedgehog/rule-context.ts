/**
 * What rules see: every object (input and existing) indexed by kind and name, the fabric config,
 * and a `report` that turns a JSON path into a positioned finding.
 */
import type { HedgehogObject } from './canonical.ts';
import type { FabricConfig, HydrationStatus } from './fabric-config.ts';
import type { FindingCode, Severity } from './findings.ts';
import type { PathSegment, SourcePosition } from './manifests.ts';

export interface ObjectRecord {
  kind: string;
  name: string;
  namespace: string;
  /** Canonical object (defaults applied), as the webhooks validate it. */
  object: HedgehogObject;
  /** The object as written, for finding positions in lists the canonical form re-sorted. */
  raw: unknown;
  file?: string;
  documentIndex?: number;
  positionOf?: (path: readonly PathSegment[]) => SourcePosition;
  /** Ordinal in load order, so "first wins" reports are deterministic. */
  order: number;
}

export interface RuleFinding {
  /** @default 'error' */
  severity?: Severity;
  code: FindingCode;
  message: string;
  path: readonly PathSegment[];
}

export interface RuleContext {
  readonly config: FabricConfig;
  /** The wiring's hydration status (input and existing objects together), as hhfab computes it. */
  readonly hydration: HydrationStatus;
  report(record: ObjectRecord, finding: RuleFinding): void;
  /** Object of a kind by name, in the record's namespace. */
  lookup(kind: string, namespace: string, name: string): ObjectRecord | undefined;
  /** All objects of a kind, in load order. */
  all(kind: string): readonly ObjectRecord[];
}

/**
 * Severity for a missing hydrated field, as hhfab's `ensureHydrated` would treat the wiring: an
 * error with hydration mode `never`, and with `if-not-present` when the wiring is partly
 * hydrated; otherwise a warning (hhfab fills the field).
 */
export function hydrationSeverity(ctx: Pick<RuleContext, 'config' | 'hydration'>): Severity {
  const mode = ctx.config.hydrationMode;
  if (mode === 'never') return 'error';
  if (mode === 'if-not-present' && ctx.hydration === 'partial') return 'error';
  return 'warning';
}

/**
 * Index of `value` in the record's raw list at `listPath`, so findings about lists the canonical
 * form sorted still point at the line the user wrote. Falls back to `fallback`.
 */
export function rawListIndex(
  record: ObjectRecord,
  listPath: readonly PathSegment[],
  matches: (item: unknown) => boolean,
  fallback: number,
): number {
  let node: unknown = record.raw;
  for (const segment of listPath) {
    if (node === null || typeof node !== 'object') return fallback;
    node = (node as Record<string | number, unknown>)[segment];
  }
  if (!Array.isArray(node)) return fallback;
  const index = node.findIndex(matches);
  return index < 0 ? fallback : index;
}
