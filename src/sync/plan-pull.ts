/**
 * Pull planning (pure): which managed files of a fabric changed between what the database holds
 * and the branch head, by comparing blob oids only. No blob is read here; the caller then reads
 * exactly the blobs of `created` and `changed`, so the cost follows the change, not the fabric.
 */
import type { TreeEntry } from '../git/git-host.ts';
import { RAW_PREFIX, isManagedYaml, toFabricPath } from './fabric-paths.ts';

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
  plan.deleted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return plan;
}

export function pullPlanSize(plan: PullPlan): number {
  return plan.created.length + plan.changed.length + plan.deleted.length;
}
