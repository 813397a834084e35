/**
 * Drift between the desired object (Git) and the live one (cluster), per field (pure).
 *
 * Only what a user owns is compared: `spec`, `metadata.labels` and `metadata.annotations`, after
 * the injected normaliser has removed cluster noise (fabric-owned labels, webhook defaults, …;
 * the catalog owns that list, see hedgehog-crds.md §8). Status and server-set metadata are never
 * drift.
 */
import { diffValues, type DiffOptions } from '../diff/json-diff.ts';
import type { PathSegment } from '../diff/json-path.ts';

export const DRIFT_STATUSES = ['IN_SYNC', 'SPEC_DRIFT', 'DESIRED_ONLY', 'LIVE_ONLY', 'UNKNOWN'] as const;
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

export interface DriftDifference {
  /** JSONPath from the object root: `$.spec.vlan`, `$.metadata.labels.team`. */
  path: string;
  segments: PathSegment[];
  /** `undefined` when the field is absent in Git. */
  desired: unknown;
  /** `undefined` when the field is absent in the cluster. */
  live: unknown;
}

export interface DriftResult {
  status: DriftStatus;
  differences: DriftDifference[];
}

/** A Kubernetes-shaped object; only `spec` and `metadata.labels/annotations` are read. */
export interface KubeLikeObject {
  metadata?: object;
  spec?: unknown;
}

export interface ComputeDriftInput {
  /** The object as Git has it; absent when it is not in Git. */
  desired?: KubeLikeObject | undefined;
  /** The object as the cluster has it; absent when the cluster does not have it. */
  live?: KubeLikeObject | undefined;
  /** False when the fabric has no cluster or its watch is not synced: nothing can be said. */
  clusterConnected: boolean;
  /** Applied to both sides before comparing; must not mutate its argument. */
  normalize: (object: KubeLikeObject) => KubeLikeObject;
  /** Passed on to `diffValues` (paths are from the object root, e.g. `'$.spec.permit'`). */
  diff?: DiffOptions;
}

export function computeDrift(input: ComputeDriftInput): DriftResult {
  const { desired, live } = input;
  if (!input.clusterConnected) return { status: 'UNKNOWN', differences: [] };
  if (desired === undefined && live === undefined) return { status: 'IN_SYNC', differences: [] };
  if (live === undefined) return { status: 'DESIRED_ONLY', differences: [] };
  if (desired === undefined) return { status: 'LIVE_ONLY', differences: [] };
  const differences = diffValues(
    comparable(input.normalize(desired)),
    comparable(input.normalize(live)),
    input.diff,
  ).map((d): DriftDifference => ({ path: d.path, segments: d.segments, desired: d.before, live: d.after }));
  return { status: differences.length === 0 ? 'IN_SYNC' : 'SPEC_DRIFT', differences };
}

/** The part of an object drift is about, with empty label/annotation maps counted as absent. */
function comparable(object: KubeLikeObject): Record<string, unknown> {
  const metadata = object.metadata as { labels?: unknown; annotations?: unknown } | undefined;
  return {
    metadata: { labels: nonEmpty(metadata?.labels), annotations: nonEmpty(metadata?.annotations) },
    spec: object.spec,
  };
}

function nonEmpty(map: unknown): unknown {
  return typeof map === 'object' && map !== null && Object.keys(map).length === 0 ? undefined : map;
}

export type DriftCounts = Record<DriftStatus, number>;

export interface DriftSummary {
  total: number;
  byStatus: DriftCounts;
  /** Kind → counts; every status is present (0 when none). */
  byKind: Record<string, DriftCounts>;
}

export function summarizeDrift(items: Iterable<{ kind: string; status: DriftStatus }>): DriftSummary {
  const byStatus = emptyCounts();
  const byKind = new Map<string, DriftCounts>();
  let total = 0;
  for (const { kind, status } of items) {
    total++;
    byStatus[status]++;
    let counts = byKind.get(kind);
    if (!counts) {
      counts = emptyCounts();
      byKind.set(kind, counts);
    }
    counts[status]++;
  }
  return { total, byStatus, byKind: Object.fromEntries([...byKind].sort(([a], [b]) => a.localeCompare(b))) };
}

function emptyCounts(): DriftCounts {
  return { IN_SYNC: 0, SPEC_DRIFT: 0, DESIRED_ONLY: 0, LIVE_ONLY: 0, UNKNOWN: 0 };
}
