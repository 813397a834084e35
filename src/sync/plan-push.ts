/**
 * Push planning (pure): all drafts of a fabric become ONE file change set in canonical form.
 * A draft whose canonical file equals what Git already has produces nothing (no empty commits,
 * no echo of what came from Git); a delete of a file Git no longer has produces nothing either.
 */
import { withGatewayTrailers } from '../git/commit-trailers.ts';
import type { FileAddition, FileDeletion } from '../git/git-host.ts';
import {
  gitBlobOid,
  managedFilePath,
  renderCanonicalYaml,
  sha256Hex,
  type HedgehogObject,
} from '../hedgehog/canonical.ts';
import { toRepositoryPath } from '../gitops/fabric-paths.ts';

export interface PushDraft {
  resourceId: string;
  kind: string;
  namespace: string;
  name: string;
  action: 'upsert' | 'delete';
  /** The draft as a manifest (upserts only). */
  object?: HedgehogObject;
  /** Where the object lives in Git now (relative to the fabric directory), if anywhere. */
  currentPath?: string | null;
}

export interface PushPlanInput {
  drafts: readonly PushDraft[];
  /** Files Git has, by path relative to the fabric directory → blob oid. */
  desired: ReadonlyMap<string, string>;
  directory: string;
  /** How many objects each file holds (a multi-object file cannot be rewritten for one of them). */
  objectsPerFile?: ReadonlyMap<string, number>;
  operationId: string;
  actor: string;
  /** The caller's own words; a summary is generated when absent. */
  message?: string | null;
  fabricName: string;
}

export interface PlannedWrite {
  resourceId: string;
  kind: string;
  name: string;
  change: 'create' | 'update' | 'delete';
  /** Relative to the fabric directory. */
  path: string;
  /** For create/update: what the desired state becomes once the commit lands. */
  object?: HedgehogObject;
  blobOid?: string;
  fileHash?: string;
}

export interface PushPlan {
  additions: FileAddition[];
  deletions: FileDeletion[];
  writes: PlannedWrite[];
  /** Drafts Git already matches: cleared without a commit. */
  unchanged: string[];
  /** Drafts that cannot be written, with the reason; they stay pending. */
  refused: { resourceId: string; reason: string }[];
  /** Empty when there is nothing to commit. */
  message: string;
}

export function planPush(input: PushPlanInput): PushPlan {
  const plan: PushPlan = { additions: [], deletions: [], writes: [], unchanged: [], refused: [], message: '' };
  const deleted = new Set<string>();
  const written = new Map<string, string>();
  const shared = (path: string) => (input.objectsPerFile?.get(path) ?? 1) > 1;
  const deleteFile = (path: string) => {
    if (deleted.has(path)) return;
    deleted.add(path);
    plan.deletions.push({ path: toRepositoryPath(input.directory, path) });
  };

  for (const draft of [...input.drafts].sort(byIdentity)) {
    const label = `${draft.kind} ${draft.namespace}/${draft.name}`;
    if (draft.currentPath && shared(draft.currentPath)) {
      plan.refused.push({
        resourceId: draft.resourceId,
        reason: `${label} lives in ${draft.currentPath} together with other objects; split that file in Git first`,
      });
      continue;
    }
    if (draft.action === 'delete') {
      if (draft.currentPath && input.desired.has(draft.currentPath)) {
        deleteFile(draft.currentPath);
        plan.writes.push({
          resourceId: draft.resourceId,
          kind: draft.kind,
          name: draft.name,
          change: 'delete',
          path: draft.currentPath,
        });
      } else {
        plan.unchanged.push(draft.resourceId);
      }
      continue;
    }
    if (!draft.object) throw new Error(`draft ${draft.resourceId} is an upsert without an object`);
    const text = renderCanonicalYaml(draft.object);
    const path = managedFilePath(draft.object);
    const blobOid = gitBlobOid(text);
    const inPlace = !draft.currentPath || draft.currentPath === path;
    if (inPlace && input.desired.get(path) === blobOid) {
      plan.unchanged.push(draft.resourceId);
      continue;
    }
    const previous = written.get(path);
    if (previous !== undefined) {
      plan.refused.push({
        resourceId: draft.resourceId,
        reason: `${label} would be written to ${path}, which another draft writes`,
      });
      continue;
    }
    written.set(path, draft.resourceId);
    if (!inPlace && draft.currentPath && input.desired.has(draft.currentPath)) deleteFile(draft.currentPath);
    plan.additions.push({ path: toRepositoryPath(input.directory, path), contents: text });
    plan.writes.push({
      resourceId: draft.resourceId,
      kind: draft.kind,
      name: draft.name,
      change: input.desired.has(path) ? 'update' : 'create',
      path,
      object: draft.object,
      blobOid,
      fileHash: sha256Hex(text),
    });
  }
  // A file both re-added and deleted (a rename onto a freed path) is an addition only.
  plan.deletions = plan.deletions.filter(
    (deletion) => !plan.additions.some((addition) => addition.path === deletion.path),
  );
  if (plan.writes.length > 0) plan.message = commitMessage(input, plan.writes);
  return plan;
}

function commitMessage(input: PushPlanInput, writes: readonly PlannedWrite[]): string {
  const count = (change: PlannedWrite['change']) => writes.filter((write) => write.change === change).length;
  const parts = [
    count('create') && `${count('create')} created`,
    count('update') && `${count('update')} updated`,
    count('delete') && `${count('delete')} deleted`,
  ].filter(Boolean);
  const headline = input.message?.trim().split('\n')[0] || `${input.fabricName}: ${parts.join(', ')}`;
  const rest = input.message?.trim().split('\n').slice(1).join('\n').trim();
  const listed = writes.slice(0, 50).map((write) => `- ${write.change} ${write.kind} ${write.name} (${write.path})`);
  if (writes.length > listed.length) listed.push(`- ... and ${writes.length - listed.length} more`);
  const body = [rest, `${parts.join(', ')}:`, listed.join('\n')].filter(Boolean).join('\n\n');
  return withGatewayTrailers(`${headline}\n\n${body}`, input);
}

function byIdentity(a: PushDraft, b: PushDraft): number {
  const left = `${a.kind}\u0000${a.namespace}\u0000${a.name}`;
  const right = `${b.kind}\u0000${b.namespace}\u0000${b.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}
