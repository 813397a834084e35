/**
 * Push (database → Git): every pending draft of a fabric becomes ONE commit against the head the
 * database last pulled. When the head moved meanwhile: pull (which merges or flags the drafts),
 * plan again, retry, a bounded number of times. Drafts are cleared only once their commit has
 * landed, and the desired state is set from what was committed, so the next pull sees no change.
 *
 * With `directPushEnabled = false` or a `pushBranch` other than the default branch, the commit
 * goes to that branch and one pull request per fabric proposes it; the drafts stay, marked as
 * proposed with the pull request's URL, until the merge comes back through a pull.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { GitRepository } from '../fabric/git-repository.entity.ts';
import type { GitHost } from '../git/git-host.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import type { HedgehogObject } from '../hedgehog/canonical.ts';
import type { Resource } from '../resource/resource.entity.ts';
import { desiredFiles, desiredObjects, pendingDrafts } from '../resource/resource.repository.ts';
import {
  contentOf,
  desiredContentOf,
  impactOfObjects,
  inTransaction,
  publishRecorded,
  recordChange,
  sameContent,
  type ChangeHeader,
  type RecordedStage,
  type TouchedObject,
} from '../changes/change-recorder.ts';
import { toFabricPath } from '../gitops/fabric-paths.ts';
import { planPush, type PushDraft, type PushPlan } from './plan-push.ts';
import { checkCancelled } from '../operations/cancellation.ts';
import { clearDesired, clearDraft, hasAnyState, setDesired } from '../resource/resource-state.ts';
import { pullFabric, type PullContext, type PullResult } from './pull.ts';

export interface PushOptions {
  repository: GitRepository;
  /** Caller's commit message; a summary is generated when absent. */
  message?: string | null;
  actor: string;
  maxAttempts: number;
}

export interface PushResult {
  commitOid: string | null;
  branch: string;
  pullRequestUrl: string | null;
  attempts: number;
  /** Files the commit wrote: `created + updated + deleted`. */
  written: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  refused: { resourceId: string; reason: string }[];
  /** Drafts held back because they are in conflict. */
  conflicted: number;
  pulls: PullResult[];
}

export function pushTarget(repository: GitRepository, fabric: Fabric): { branch: string; viaPullRequest: boolean } {
  const pushBranch = repository.pushBranch.trim();
  if (repository.directPushEnabled && (pushBranch === '' || pushBranch === repository.defaultBranch)) {
    return { branch: repository.defaultBranch, viaPullRequest: false };
  }
  const fallback = `hedgehog-gateway/${fabric.name.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
  return {
    branch: pushBranch && pushBranch !== repository.defaultBranch ? pushBranch : fallback,
    viaPullRequest: true,
  };
}

export async function pushFabric(context: PullContext, options: PushOptions): Promise<PushResult> {
  const { em, progress, operation, fabric, host } = context;
  const target = pushTarget(options.repository, fabric);
  const result: PushResult = {
    commitOid: null,
    branch: target.branch,
    pullRequestUrl: null,
    attempts: 0,
    written: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    refused: [],
    conflicted: 0,
    pulls: [],
  };
  while (result.attempts < options.maxAttempts) {
    result.attempts += 1;
    // Git first: whatever landed since the last pull (including a commit of ours that a crash
    // kept us from recording) is merged into the drafts before anything is written.
    result.pulls.push(await pullFabric(context));
    checkCancelled(context.signal);
    const drafts = await pendingDrafts(em, fabric.id);
    const ready = drafts.filter((row) => row.conflictStatus !== 'detected' && row.conflictStatus !== 'resolving');
    result.conflicted = drafts.length - ready.length;

    const desired = await desiredFiles(em, fabric.id);
    const base = target.viaPullRequest
      ? await preparePushBranch(host, target.branch, context.branch, fabric.gitopsDirectory)
      : { headOid: fabric.lastPulledCommit ?? null, files: desired.files };
    const plan = planPush({
      drafts: ready.map(toPushDraft),
      desired: base.files,
      objectsPerFile: desired.objectsPerFile,
      directory: fabric.gitopsDirectory,
      operationId: operation.id,
      actor: options.actor,
      message: options.message,
      fabricName: fabric.name,
    });
    result.refused = plan.refused;
    await progress({ phase: 'committing', progressDone: 0, progressTotal: plan.writes.length }, [
      {
        message: `attempt ${result.attempts}: ${plan.writes.length} file change(s), ${plan.unchanged.length} draft(s) already in Git, ${result.conflicted} in conflict`,
      },
      ...plan.refused.map((refusal) => ({ level: 'warning' as const, message: refusal.reason })),
    ]);
    checkCancelled(context.signal);
    if (plan.writes.length === 0) {
      if (!target.viaPullRequest) {
        for (const row of ready) if (plan.unchanged.includes(row.id)) clearDraft(row);
        await em.flush();
      }
      result.unchanged = plan.unchanged.length;
      if (target.viaPullRequest && plan.unchanged.length > 0)
        result.pullRequestUrl = await propose(context, options, target.branch, ready, plan, null);
      return result;
    }
    const commit = await host.commit(
      {
        branch: target.branch,
        expectedHeadOid: base.headOid,
        message: plan.message,
        additions: plan.additions,
        deletions: plan.deletions,
        author: { name: options.repository.commitAuthorName, email: options.repository.commitAuthorEmail },
      },
      {
        // The adapter writes (or encodes) the files in batches: done moves with them, in this
        // phase's unit. Awaited by the adapter, so the unit of work is never used twice at once.
        onProgress: (filesDone) => progress({ progressDone: Math.min(filesDone, plan.writes.length) }),
      },
    );
    if (commit.status === 'head_moved') {
      await progress({ phase: 'head_moved' }, [
        {
          level: 'warning',
          message: `${target.branch} moved to ${commit.actualHeadOid ?? '(deleted)'} during the push; pulling and retrying`,
        },
      ]);
      continue;
    }
    result.commitOid = commit.oid;
    // Known on the row from here on, even if recording what landed fails (the end keeps it).
    operation.commitSha = commit.oid;
    result.written = plan.writes.length;
    result.created = plan.writes.filter((write) => write.change === 'create').length;
    result.updated = plan.writes.filter((write) => write.change === 'update').length;
    result.deleted = plan.writes.filter((write) => write.change === 'delete').length;
    result.unchanged = plan.unchanged.length;
    // The commit is in Git: the operation names it before anything else can fail.
    await progress({ phase: 'recording', commitSha: commit.oid });
    if (target.viaPullRequest) {
      result.pullRequestUrl = await propose(context, options, target.branch, ready, plan, commit.oid);
    } else {
      // One transaction, with `lastPulledCommit` and the change record: when it fails nothing of
      // it is applied, and the next pull reads this commit like anyone else's (its drafts then
      // match Git and are cleared; its trailers make its change the gateway's).
      let recorded: RecordedStage[] = [];
      try {
        const touched = touchedByPush(ready, plan);
        const impact = impactOfObjects(await desiredObjects(em, fabric.id), touched);
        const header = pushHeader(context, options, target.branch, commit.oid, plan.message, 'COMMITTED');
        recorded = await inTransaction(em, async () => {
          recordLanded(em, fabric, ready, plan, commit.oid);
          return recordChange(em, header, touched, impact, new Date());
        });
        publishRecorded(context.eventBus, recorded);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `commit ${commit.oid} landed on ${target.branch}, but recording it failed: ${reason}; the next pull records it`,
          { cause: error },
        );
      }
    }
    await progress({ phase: 'committed', progressDone: plan.writes.length, commitSha: commit.oid }, [
      { message: `committed ${commit.oid} on ${target.branch}` },
    ]);
    publishFabricEvent(context.eventBus, fabric.id, {
      type: 'COMMITTED',
      commit: commit.oid,
      branch: target.branch,
      files: plan.writes.length,
      operationId: operation.id,
      pullRequestUrl: result.pullRequestUrl,
    });
    return result;
  }
  throw new Error(
    `${target.branch} kept moving: ${options.maxAttempts} commit attempt(s) each found a newer head; the drafts are kept, pull and push again`,
  );
}

/** The commit landed: desired state := what was committed, drafts cleared, head recorded. */
function recordLanded(
  em: EntityManager,
  fabric: Fabric,
  rows: readonly Resource[],
  plan: PushPlan,
  commitOid: string,
): void {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const now = new Date();
  for (const write of plan.writes) {
    const row = byId.get(write.resourceId)!;
    clearDraft(row);
    if (write.change === 'delete') {
      clearDesired(row, commitOid, now);
      if (!hasAnyState(row)) em.remove(row);
      continue;
    }
    setDesired(row, write.object!, {
      path: write.path,
      blobOid: write.blobOid!,
      fileHash: write.fileHash!,
      commit: commitOid,
      at: now,
    });
  }
  for (const id of plan.unchanged) {
    const row = byId.get(id);
    if (row) clearDraft(row);
  }
  // The commit sits on the head we pulled, with exactly these changes: the database matches it.
  fabric.lastPulledCommit = commitOid;
  fabric.lastSyncedAt = now;
  fabric.syncStatus = 'in_sync';
}

/** The objects a push's commit changes: each write's row before, and what it commits. */
function touchedByPush(rows: readonly Resource[], plan: PushPlan): TouchedObject[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const touched: TouchedObject[] = [];
  for (const write of plan.writes) {
    const row = byId.get(write.resourceId);
    if (!row) continue;
    const previous = desiredContentOf(row);
    const committed =
      write.change === 'delete' || !write.object
        ? null
        : contentOf({
            apiVersion: write.object.apiVersion,
            spec: write.object.spec,
            labels: write.object.metadata.labels,
            annotations: write.object.metadata.annotations,
          });
    if (previous === null && committed === null) continue;
    if (sameContent(previous, committed)) continue;
    touched.push({
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      resourceId: row.id,
      previous,
      committed,
    });
  }
  return touched;
}

/** A push's change, before its objects: who, which commit, which branch. */
function pushHeader(
  context: PullContext,
  options: PushOptions,
  branch: string,
  commitOid: string,
  message: string,
  stage: 'COMMITTED' | 'PROPOSED',
): ChangeHeader {
  const author = { name: options.repository.commitAuthorName, email: options.repository.commitAuthorEmail };
  return {
    fabricId: context.fabric.id,
    source: 'gateway',
    stage,
    commitOid,
    branch,
    message,
    actor: options.actor,
    authorName: author.name,
    authorEmail: author.email,
    commits: [
      {
        oid: commitOid,
        message,
        authorName: author.name,
        authorEmail: author.email,
        committedAt: new Date().toISOString(),
      },
    ],
    operationId: context.operation.id,
  };
}

/** Opens or updates the fabric's pull request; the drafts stay, marked as proposed. */
async function propose(
  context: PullContext,
  options: PushOptions,
  branch: string,
  rows: readonly Resource[],
  plan: PushPlan,
  commitOid: string | null,
): Promise<string> {
  const pullRequest = await context.host.ensurePullRequest({
    headBranch: branch,
    baseBranch: context.branch,
    title: `Hedgehog gateway: changes to fabric ${context.fabric.name}`,
    body: `Proposed by the Hedgehog GitOps gateway for fabric ${context.fabric.name}.\n\n${plan.message || 'No new changes in the latest push.'}`,
  });
  const proposed = new Set([...plan.writes.map((write) => write.resourceId), ...plan.unchanged]);
  for (const row of rows) {
    if (!proposed.has(row.id)) continue;
    row.syncMetadata = {
      ...row.syncMetadata,
      proposed: { pullRequestUrl: pullRequest.url, branch, commit: commitOid, at: new Date().toISOString() },
    };
  }
  if (commitOid === null) await context.em.flush();
  else {
    // A new commit on the pull request's branch: its change, PROPOSED, with the rows' marks.
    const touched = touchedByPush(rows, plan);
    const impact = impactOfObjects(await desiredObjects(context.em, context.fabric.id), touched);
    const header = {
      ...pushHeader(context, options, branch, commitOid, plan.message, 'PROPOSED' as const),
      source: 'pull_request' as const,
      pullRequestUrl: pullRequest.url,
      pullRequestNumber: pullRequest.number,
    };
    const recorded = await inTransaction(context.em, () =>
      recordChange(context.em, header, touched, impact, new Date()),
    );
    publishRecorded(context.eventBus, recorded);
  }
  await context.progress({ pullRequestUrl: pullRequest.url }, [
    { message: `${pullRequest.created ? 'opened' : 'updated'} ${pullRequest.url}` },
  ]);
  return pullRequest.url;
}

/**
 * The push branch exists (created from the default branch's head when missing). Planned against
 * what that branch holds, so a proposal already on it is not committed again.
 */
async function preparePushBranch(host: GitHost, branch: string, defaultBranch: string, directory: string) {
  let headOid = await host.getBranchHead(branch);
  if (headOid === null) {
    const from = await host.getBranchHead(defaultBranch);
    if (from === null)
      throw new Error(`the default branch ${defaultBranch} does not exist; nothing to propose a change against`);
    await host.createBranch(branch, from);
    headOid = from;
  }
  const files = new Map<string, string>();
  for (const entry of await host.readTree(headOid, directory)) {
    const path = toFabricPath(directory, entry.path);
    if (path !== null) files.set(path, entry.oid);
  }
  return { headOid, files };
}

export function toPushDraft(row: Resource): PushDraft {
  const draft: PushDraft = {
    resourceId: row.id,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    action: row.draftAction === 'delete' ? 'delete' : 'upsert',
    currentPath: row.managedFilePath ?? null,
  };
  if (draft.action === 'upsert') {
    const metadata: HedgehogObject['metadata'] = { name: row.name, namespace: row.namespace };
    if (row.draftLabels && Object.keys(row.draftLabels).length > 0) metadata.labels = row.draftLabels;
    if (row.draftAnnotations && Object.keys(row.draftAnnotations).length > 0)
      metadata.annotations = row.draftAnnotations;
    draft.object = {
      apiVersion: row.draftApiVersion ?? row.apiVersion,
      kind: row.kind,
      metadata,
      spec: row.draftSpec ?? {},
    };
  }
  return draft;
}
