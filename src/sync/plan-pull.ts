/**
 * Pull planning (pure): which managed files of a fabric changed between what the database holds
 * and the branch head, by comparing blob oids only. No blob is read here; the caller then reads
 * exactly the blobs of `created` and `changed`, so the cost follows the change, not the fabric.
 *
 * Two ways in, one plan out:
 * - `planPullFromDiff`: from the files Git says changed since the last pulled commit
 *   (`GitHost.diffTree`) and the database's rows for those paths only. Nothing here grows with
 *   the fabric.
 * - `planPull`: from the whole directory at the head and every file the database records. The
 *   fallback when there is no last pulled commit or the host cannot diff from it; it also
 *   repairs anything the database holds that Git no longer has.
 */
import { byPath, type TreeChange, type TreeEntry } from '../git/git-host.ts';
import { RAW_PREFIX, isManagedYaml, toFabricPath } from '../gitops/fabric-paths.ts';

export interface PullPlanInput {
  /** Managed files the database knows, by path relative to the fabric directory → blob oid. */
  storedFiles: ReadonlyMap<string, string>;
  /** `readTree(head, directory)`: paths relative to the repository root. */
  headTree: readonly TreeEntry[];
  /** The fabric's GitOps directory (`fabric`, `` for the root). */
  directory: string;
}

export interface PlannedFile {
  /** Relative to the fabric directory. */
  path: string;
  /** Relative to the repository root (what Git calls it). */
  repositoryPath: string;
  oid: string;
}

export interface PullPlan {
  created: PlannedFile[];
  changed: (PlannedFile & { previousOid: string })[];
  deleted: { path: string; previousOid: string }[];
  /** Files waiting in `raw/` for ingestion. */
  raw: PlannedFile[];
  /**
   * Files whose blob the database already records: every other managed file for `planPull`; for
   * `planPullFromDiff`, changed files already recorded (by a push or an ingestion) only.
   */
  unchangedCount: number;
}

export function planPull(input: PullPlanInput): PullPlan {
  const plan: PullPlan = { created: [], changed: [], deleted: [], raw: [], unchangedCount: 0 };
  const seen = new Set<string>();
  for (const entry of input.headTree) {
    const path = toFabricPath(input.directory, entry.path);
    if (path === null) continue;
    const file = { path, repositoryPath: entry.path, oid: entry.oid };
    if (path.startsWith(RAW_PREFIX)) {
      plan.raw.push(file);
      continue;
    }
    if (!isManagedYaml(path)) continue;
    seen.add(path);
    const previousOid = input.storedFiles.get(path);
    if (previousOid === undefined) plan.created.push(file);
    else if (previousOid !== entry.oid) plan.changed.push({ ...file, previousOid });
    else plan.unchangedCount += 1;
  }
  for (const [path, previousOid] of input.storedFiles) {
    if (!seen.has(path)) plan.deleted.push({ path, previousOid });
  }
  plan.deleted.sort(byPath);
  return plan;
}

export function pullPlanSize(plan: PullPlan): number {
  return plan.created.length + plan.changed.length + plan.deleted.length;
}

export interface DiffPlanInput {
  /** `diffTree(lastPulledCommit, head, directory)`: paths relative to the repository root. */
  changes: readonly TreeChange[];
  /**
   * What the database records for the paths of `changedManagedPaths(changes)` (relative to the
   * fabric directory) → blob oid. Other paths may be present and are ignored.
   */
  storedFiles: ReadonlyMap<string, string>;
  /** `readTree(head, <directory>/raw)`: every file waiting in `raw/`, not only changed ones. */
  rawTree: readonly TreeEntry[];
  directory: string;
}

/**
 * The managed files a diff touches, relative to the fabric directory: the only paths whose
 * stored blob oids `planPullFromDiff` needs.
 */
export function changedManagedPaths(changes: readonly TreeChange[], directory: string): string[] {
  const paths = new Set<string>();
  for (const change of changes) {
    const path = toFabricPath(directory, change.path);
    if (path !== null && isManagedYaml(path)) paths.add(path);
  }
  return [...paths].sort();
}

/**
 * The plan from a diff: a path Git added or modified is created when the database has no row
 * for it, changed when the row's oid differs, and unchanged when the row already has this blob
 * (a push or an ingestion recorded it). A deleted path counts only when the database holds it.
 */
export function planPullFromDiff(input: DiffPlanInput): PullPlan {
  const plan: PullPlan = { created: [], changed: [], deleted: [], raw: [], unchangedCount: 0 };
  for (const entry of input.rawTree) {
    const path = toFabricPath(input.directory, entry.path);
    if (path?.startsWith(RAW_PREFIX)) plan.raw.push({ path, repositoryPath: entry.path, oid: entry.oid });
  }
  const changesByPath = new Map<string, TreeChange>();
  for (const change of input.changes) changesByPath.set(change.path, change);
  for (const change of [...changesByPath.values()].sort(byPath)) {
    const path = toFabricPath(input.directory, change.path);
    if (path === null || !isManagedYaml(path)) continue;
    const previousOid = input.storedFiles.get(path);
    if (change.oid === null) {
      if (previousOid !== undefined) plan.deleted.push({ path, previousOid });
      continue;
    }
    const file = { path, repositoryPath: change.path, oid: change.oid };
    if (previousOid === undefined) plan.created.push(file);
    else if (previousOid !== change.oid) plan.changed.push({ ...file, previousOid });
    else plan.unchangedCount += 1;
  }
  return plan;
}
