/**
 * Pull (Git → database): from the branch head, find the files that changed, compare blob oids
 * with what the database recorded, read only the blobs that changed, and apply the result in one
 * flush (one transaction): desired state upserted or removed, external modifications recorded,
 * pending drafts merged or flagged as conflicts, `lastPulledCommit` advanced.
 *
 * Finding the changed files costs what the change costs: the host lists what changed below the
 * fabric directory since `lastPulledCommit` (`diffTree`), the database is asked about those
 * paths only, and `raw/` alone is listed whole. Without a last pulled commit, or when the host
 * cannot diff from it (a rewritten history, a change too large to list), the whole directory is
 * listed and compared with every recorded file instead, which also repairs any drift.
 *
 * All reads and progress updates happen before the writes, so the one transaction is short: it
 * never waits on Git or on another connection while it holds its locks.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../events/event-bus.ts';
import { publishDesiredStateChanged, publishFabricEvent } from '../events/fabric-events.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import { isGitHostError, type GitHost, type TreeChange, type TreeEntry } from '../git/git-host.ts';
import { sha256Hex, type HedgehogObject } from '../hedgehog/canonical.ts';
import { affectsSwitches } from '../hedgehog/impact.ts';
import type { FabricConfig } from '../hedgehog/fabric-config.ts';
import {
  parseManifestFiles,
  validateManifests,
  validateParsed,
  type ValidatedObject,
  type ValidationResult,
} from '../hedgehog/validate.ts';
import type { ExternalModification, Resource } from '../resource/resource.entity.ts';
import {
  analyzeAfterLargeWrite,
  desiredObjects,
  desiredObjectsInScope,
  insertDesiredRows,
  rowsByPathOrIdentity,
  storedBlobOids,
  type NewDesiredRow,
} from '../resource/resource.repository.ts';
import { checkCancelled } from '../operations/cancellation.ts';
import type { ReportProgress } from '../operations/operation-handler.ts';
import type { SyncOperationService } from '../operations/sync-operation.service.ts';
import type { SyncOperation } from '../operations/sync-operation.entity.ts';
import { checkConflict, conflictPathsOf } from './conflicts.ts';
import {
  clearDesired,
  clearDraft,
  draftStateOf,
  editableStateOf,
  hasAnyState,
  markConflict,
  setDesired,
  rebaseDraft,
  type EditableState,
} from '../resource/resource-state.ts';
import { changedManagedPaths, planPull, planPullFromDiff, pullPlanSize, type PullPlan } from './plan-pull.ts';
import { RAW_PREFIX, toRepositoryPath } from '../gitops/fabric-paths.ts';
import {
  contentOf,
  desiredContentOf,
  preparePullRecording,
  publishRecorded,
  sameContent,
  type RecordedStage,
  type TouchedObject,
} from '../changes/change-recorder.ts';

/** Findings that make a changed file keep its previous desired state (with a warning) instead of applying it. */
const KEEPS_PREVIOUS_STATE = new Set(['YAML_SYNTAX', 'YAML_LIMIT', 'TEXT_UNSTORABLE']);
/** Kept per resource; older entries are dropped. */
const MAX_EXTERNAL_MODIFICATIONS = 20;
/** Files logged one line each by a pull; the rest are counted in one line. */
export const MAX_FILE_LOG_LINES = 1_000;
/** Blobs read per request (GitHub's batch: no more requests than one call would make), progress after each. */
const BLOB_BATCH = 100;

export interface PullContext {
  em: EntityManager;
  operations: SyncOperationService;
  operation: SyncOperation;
  /** The operation engine's progress reporter (throttled; see operations/progress-reporter.ts). */
  progress: ReportProgress;
  signal: AbortSignal;
  fabric: Fabric;
  host: GitHost;
  branch: string;
  /** Where the pull and the push announce what they changed (events/fabric-events.ts). */
  eventBus: EventBus;
  /**
   * Compare the whole directory with every recorded file, even when the head has not moved,
   * instead of reading the diff since the last pulled commit: repairs any difference.
   */
  fullListing?: boolean;
}

export interface PullResult {
  headOid: string | null;
  upToDate: boolean;
  plan: PullPlan | null;
  /**
   * How the changed files were found: from the host's diff since the last pulled commit, or by
   * listing the whole directory. Null when there was nothing to pull.
   */
  source: { kind: 'incremental'; from: string; changedFiles: number } | { kind: 'full'; reason: string } | null;
  filesCreated: number;
  filesUpdated: number;
  filesDeleted: number;
  conflicts: number;
  /** The rows this pull flagged as in conflict (each announced with CONFLICT_DETECTED). */
  conflictedRows: Resource[];
  merged: number;
  rawFiles: string[];
}

type Identity = { kind: string; namespace: string; name: string };
const keyOf = (identity: Identity) => `${identity.kind}\u0000${identity.namespace}\u0000${identity.name}`;
const identityOf = (identity: Identity): Identity => ({
  kind: identity.kind,
  namespace: identity.namespace,
  name: identity.name,
});

export async function pullFabric(context: PullContext): Promise<PullResult> {
  const { em, progress: report, fabric, host } = context;
  const empty: PullResult = {
    headOid: null,
    upToDate: true,
    plan: null,
    source: null,
    filesCreated: 0,
    filesUpdated: 0,
    filesDeleted: 0,
    conflicts: 0,
    conflictedRows: [],
    merged: 0,
    rawFiles: [],
  };
  await report({ phase: 'reading_head' });
  const head = await host.getBranchHead(context.branch);
  if (head === null || (head === fabric.lastPulledCommit && !context.fullListing)) {
    await report({ phase: 'up_to_date' }, [
      { message: head ? `already at ${head}` : `branch ${context.branch} does not exist yet` },
    ]);
    return { ...empty, headOid: head };
  }
  checkCancelled(context.signal);

  await report({ phase: 'reading_tree' });
  const { plan, source } = await planFromGit(context, head);
  const total = pullPlanSize(plan);
  await report({ phase: 'reading_files', progressDone: 0, progressTotal: total }, [
    {
      message:
        source.kind === 'incremental'
          ? `incremental from ${source.from}: ${source.changedFiles} file(s) changed below ${fabric.gitopsDirectory || 'the repository root'}`
          : `full listing of ${fabric.gitopsDirectory || 'the repository root'} (${source.reason})`,
    },
    {
      message: `${plan.created.length} new, ${plan.changed.length} changed, ${plan.deleted.length} deleted, ${plan.unchangedCount} unchanged file(s) at ${head}`,
    },
  ]);
  checkCancelled(context.signal);

  // Only the blobs that changed, in batches: the progress bar moves as they arrive (files read).
  // Each batch is hashed and decoded as it arrives, so no more than one batch of bytes is held.
  const changedFiles = [...plan.created, ...plan.changed];
  const texts = new Map<string, string>();
  const fileHashes = new Map<string, string>();
  const decoder = new TextDecoder();
  const oids = [...new Set(changedFiles.map((file) => file.oid))];
  const filesPerOid = new Map<string, number>();
  for (const file of changedFiles) filesPerOid.set(file.oid, (filesPerOid.get(file.oid) ?? 0) + 1);
  let read = 0;
  for (let start = 0; start < oids.length; start += BLOB_BATCH) {
    const batch = oids.slice(start, start + BLOB_BATCH);
    for (const [oid, bytes] of await host.readBlobs(batch)) {
      fileHashes.set(oid, sha256Hex(bytes));
      texts.set(oid, decoder.decode(bytes));
    }
    for (const oid of batch) read += filesPerOid.get(oid) ?? 0;
    // The deleted files need no read: they count once the changed ones are in.
    if (read < changedFiles.length) await report({ progressDone: read });
    checkCancelled(context.signal);
  }
  // Every file is in (deleted ones need no read). Validation is one synchronous step over all of
  // them, and the writes one transaction: a phase of their own, so a dashboard does not see
  // reading stall while they run.
  await report({ phase: 'applying', progressDone: total });
  const touched = new Set([...changedFiles.map((file) => file.path), ...plan.deleted.map((file) => file.path)]);
  const { validation, existing, complete } = await validateChangedFiles(context, changedFiles, texts, touched);
  const existingCount = existing.length;
  const objectsByFile = new Map<string, ValidatedObject[]>();
  for (const object of validation.objects) {
    if (!object.file) continue;
    const list = objectsByFile.get(object.file) ?? objectsByFile.set(object.file, []).get(object.file)!;
    list.push(object);
  }
  // Not readable YAML, or text the database cannot store: the file's previous state is kept.
  const unreadable = new Set(
    validation.errors.filter((finding) => KEEPS_PREVIOUS_STATE.has(finding.code)).map((finding) => finding.file),
  );

  // The rows this change touches: by file path, and by identity of every object read.
  const touchedPaths = [...changedFiles.map((file) => file.path), ...plan.deleted.map((file) => file.path)];
  const identities = validation.objects.map((object) => ({
    kind: object.kind,
    namespace: object.namespace,
    name: object.name,
  }));
  const rows = await rowsByPathOrIdentity(em, fabric.id, touchedPaths, identities);
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  const byPath = new Map<string, Resource[]>();
  for (const row of rows) {
    if (!row.managedFilePath) continue;
    (byPath.get(row.managedFilePath) ?? byPath.set(row.managedFilePath, []).get(row.managedFilePath)!).push(row);
  }

  // Bases of pending drafts whose Git version changes (for the three-way merge).
  const draftBases = rows.filter((row) => row.draftAction && row.draftBaseBlobOid).map((row) => row.draftBaseBlobOid!);
  const baseStates = await readBaseStates(host, [...new Set(draftBases)]);

  // One log line per file, written with the progress (all files read: the total).
  const fileEvents: { message: string; path: string; level?: 'warning' }[] = [];
  for (const finding of validation.errors.slice(0, 50)) {
    fileEvents.push({
      level: 'warning',
      message: `${finding.code}: ${finding.message}${finding.line ? ` (line ${finding.line})` : ''}`,
      path: toRepositoryPath(fabric.gitopsDirectory, finding.file ?? ''),
    });
  }
  const changedSet = new Set(plan.changed.map((file) => file.path));
  // One line per file up to MAX_FILE_LOG_LINES, then one line counting the rest: 50,000 lines
  // (a first pull of a large fabric) were 50,000 event rows for nobody to read.
  const unlisted = new Map<string, number>();
  let listed = 0;
  const logFile = (message: string, path: string) => {
    if (listed++ < MAX_FILE_LOG_LINES) fileEvents.push({ message, path });
    else unlisted.set(message, (unlisted.get(message) ?? 0) + 1);
  };
  for (const file of changedFiles)
    logFile(
      unreadable.has(file.path)
        ? 'unreadable or not storable; previous state kept'
        : changedSet.has(file.path)
          ? 'changed'
          : 'created',
      file.repositoryPath,
    );
  for (const file of plan.deleted) logFile('deleted', toRepositoryPath(fabric.gitopsDirectory, file.path));
  const rest = [...unlisted.values()].reduce((sum, count) => sum + count, 0);
  const summary =
    rest > 0
      ? [
          {
            message: `${rest} more file(s), not listed one by one: ${[...unlisted].map(([message, count]) => `${count} ${message}`).join(', ')}`,
          },
        ]
      : [];
  // The log, one line per file: written with the next change at the latest (the throttle).
  await report({ progressDone: total }, [
    ...(changedFiles.length > 0 ? [{ message: `validated against ${existingCount} existing object(s)` }] : []),
    ...(fileEvents.length > 0 ? fileEvents : [{ message: `${total} file(s) read` }]),
    ...summary,
  ]);
  checkCancelled(context.signal);

  // ---- Writes: nothing below reads the database or waits on the network until the flush. ----
  const now = new Date();
  const result: PullResult = {
    ...empty,
    headOid: head,
    upToDate: false,
    plan,
    source,
    conflictedRows: [],
    rawFiles: plan.raw.map((file) => file.repositoryPath),
  };
  const changedIds: string[] = [];
  const inserts: NewDesiredRow[] = [];
  /** The objects whose desired content this pull changes (its change record: change-recorder.ts). */
  const touchedObjects: TouchedObject[] = [];
  const seenKeys = new Set<string>();
  for (const file of changedFiles) {
    if (unreadable.has(file.path)) {
      for (const row of byPath.get(file.path) ?? []) seenKeys.add(keyOf(row));
      continue;
    }
    const fileHash = fileHashes.get(file.oid)!;
    if (changedSet.has(file.path)) result.filesUpdated += 1;
    else result.filesCreated += 1;
    for (const object of objectsByFile.get(file.path) ?? []) {
      const key = keyOf(object);
      if (seenKeys.has(key)) continue; // the same object in two files: the first one wins
      seenKeys.add(key);
      const row = byKey.get(key);
      const theirs = editableStateOf(object.object);
      if (!row) {
        // A new row: written by the bulk insert below, never held in the unit of work.
        const id = randomUUID();
        touchedObjects.push({ ...identityOf(object), resourceId: id, previous: null, committed: contentOf(theirs) });
        inserts.push({
          id,
          kind: object.kind,
          namespace: object.namespace,
          name: object.name,
          apiVersion: theirs.apiVersion,
          spec: theirs.spec,
          labels: theirs.labels,
          annotations: theirs.annotations,
          commit: head,
          path: file.path,
          blobOid: file.oid,
          fileHash,
          at: now,
        });
        changedIds.push(id);
        continue;
      }
      if (row.desiredBlobOid && row.desiredBlobOid !== file.oid && row.fileHash !== fileHash) {
        const modification: ExternalModification = {
          detectedAt: now.toISOString(),
          previousHash: row.fileHash ?? null,
          currentHash: fileHash,
          detectionMethod: 'pull:blob_oid',
          commit: head,
        };
        row.externalModifications = [...(row.externalModifications ?? []), modification].slice(
          -MAX_EXTERNAL_MODIFICATIONS,
        );
      }
      if (row.draftAction && row.draftBaseBlobOid !== file.oid)
        tally(result, row, reconcileDraft(row, baseStates, theirs, file.oid, head, now));
      const before = desiredContentOf(row);
      if (!sameContent(before, contentOf(theirs)))
        touchedObjects.push({ ...identityOf(row), resourceId: row.id, previous: before, committed: contentOf(theirs) });
      setDesired(row, object.object, { path: file.path, blobOid: file.oid, fileHash, commit: head, at: now });
      changedIds.push(row.id);
    }
  }
  // Rows whose file is gone, or whose object left a changed file.
  let removed = 0;
  for (const path of touchedPaths) {
    for (const row of byPath.get(path) ?? []) {
      if (seenKeys.has(keyOf(row))) continue;
      if (row.draftAction && row.draftBaseBlobOid !== null)
        tally(result, row, reconcileDraft(row, baseStates, null, null, head, now));
      const before = desiredContentOf(row);
      if (before) touchedObjects.push({ ...identityOf(row), resourceId: row.id, previous: before, committed: null });
      clearDesired(row, head, now);
      if (!hasAnyState(row)) {
        em.remove(row);
        removed += 1;
      } else changedIds.push(row.id);
    }
  }
  result.filesDeleted = plan.deleted.length;
  const previousHead = fabric.lastPulledCommit ?? null;
  // Reads Git (the commits brought in) and the open proposals before the transaction.
  const recording = await preparePullRecording({
    em,
    host,
    fabric,
    branch: context.branch,
    operationId: context.operation.id,
    head,
    previousHead,
    objects: touchedObjects,
    // The fabric after the pull, for the switches the change affects: the objects read for
    // validation when they were the whole fabric, else the whole fabric read now; none when every
    // touched object is of a kind no switch Agent holds (a one-file pull stays a one-file read).
    stateAfter:
      changedFiles.length > 0
        ? async () => {
            const own = validation.objects.map((item) => item.object);
            if (previousHead !== null && touchedObjects.every((object) => !affectsSwitches(object.kind))) return own;
            return [...(complete ? existing : await desiredObjects(em, fabric.id, touched)), ...own];
          }
        : null,
  });
  fabric.lastPulledCommit = head;
  fabric.lastSyncedAt = now;
  fabric.syncStatus = 'in_sync';
  let recorded: RecordedStage[] = [];
  await writeInOneTransaction(em, async () => {
    await insertDesiredRows(em, fabric.id, inserts);
    if (recording) recorded = await recording.write(em);
  });
  publishRecorded(context.eventBus, recorded);
  await analyzeAfterLargeWrite(em, changedIds.length + removed);
  publishFabricEvent(context.eventBus, fabric.id, {
    type: 'DESIRED_STATE_CHANGED',
    commit: head,
    resourceIds: changedIds,
    created: result.filesCreated,
    updated: result.filesUpdated,
    deleted: result.filesDeleted,
  });
  publishDesiredStateChanged(context.eventBus, fabric.id, changedIds);
  for (const row of result.conflictedRows) {
    publishFabricEvent(context.eventBus, fabric.id, {
      type: 'CONFLICT_DETECTED',
      resourceId: row.id,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      paths: conflictPathsOf(row.conflictDetails),
      commit: head,
    });
  }
  return result;
}

/**
 * Validates the changed files (parsed, then checked against the rest of the fabric's desired
 * state, so a reference to an object in an unchanged file is found and a conflict with one is
 * seen). Only the existing objects the change can reach are read (hedgehog/validation-scope.ts),
 * or the whole fabric for a large change. The texts by blob oid are emptied once parsed (each
 * document keeps its file's text for positions); the objects as written and the validation's
 * records are this function's own and go when it returns: only the canonical objects stay.
 */
async function validateChangedFiles(
  context: PullContext,
  changedFiles: readonly { path: string; oid: string }[],
  texts: Map<string, string>,
  touched: ReadonlySet<string>,
): Promise<{ validation: ValidationResult; existing: HedgehogObject[]; complete: boolean }> {
  const parsed = parseManifestFiles(changedFiles.map((file) => ({ path: file.path, text: texts.get(file.oid) ?? '' })));
  texts.clear();
  const { objects: existing, complete } =
    changedFiles.length > 0
      ? await desiredObjectsInScope(
          context.em,
          context.fabric.id,
          parsed.sources.map((source) => source.object),
          touched,
        )
      : { objects: [], complete: false };
  const validation = validateParsed(parsed, {
    existing,
    fabricConfig: context.fabric.validationSettings as Partial<FabricConfig>,
  });
  return { validation, existing, complete };
}

/**
 * The pull plan at `head`: from the host's diff since `lastPulledCommit` when it can give one
 * (database asked about the changed paths only, `raw/` listed on its own), else from the whole
 * directory and every recorded file.
 */
async function planFromGit(
  context: PullContext,
  head: string,
): Promise<{ plan: PullPlan; source: NonNullable<PullResult['source']> }> {
  const { em, fabric, host } = context;
  const directory = fabric.gitopsDirectory;
  const from = fabric.lastPulledCommit;
  const changes: TreeChange[] | null = from && !context.fullListing ? await host.diffTree(from, head, directory) : null;
  checkCancelled(context.signal);
  if (from && changes) {
    const paths = changedManagedPaths(changes, directory);
    const [storedFiles, rawTree] = await Promise.all([
      storedBlobOids(em, fabric.id, paths),
      listCompletely(host, head, toRepositoryPath(directory, RAW_PREFIX.slice(0, -1))),
    ]);
    return {
      plan: planPullFromDiff({ changes, storedFiles, rawTree, directory }),
      source: { kind: 'incremental', from, changedFiles: changes.length },
    };
  }
  const tree = await listCompletely(host, head, directory);
  const storedFiles = await storedBlobOids(em, fabric.id, null);
  const reason = context.fullListing
    ? 'asked for a full listing'
    : from
      ? `${host.provider === 'github' ? 'GitHub' : 'git'} could not list the changes since ${from}`
      : 'first pull';
  return { plan: planPull({ storedFiles, headTree: tree, directory }), source: { kind: 'full', reason } };
}

/**
 * Runs `write` (native statements on `em`) and then flushes `em`, in one transaction: the
 * caller's when it is in one, else a new one.
 */
async function writeInOneTransaction(em: EntityManager, write: () => Promise<void>): Promise<void> {
  if (em.isInTransaction()) {
    await write();
    await em.flush();
    return;
  }
  await em.begin();
  try {
    await write();
    await em.commit(); // flushes first
  } catch (error) {
    await em.rollback();
    throw error;
  }
}

/**
 * `readTree`, which lists completely or fails with INCOMPLETE (the GitHost contract). A path
 * missing from the listing is taken as deleted in Git, so the pull stops there, before any write,
 * instead of removing desired state or planning files anew from part of the tree.
 */
async function listCompletely(host: GitHost, head: string, directory: string): Promise<TreeEntry[]> {
  try {
    return await host.readTree(head, directory);
  } catch (error) {
    if (!isGitHostError(error, 'INCOMPLETE')) throw error;
    throw new Error(
      `pull stopped: the listing of ${directory || 'the repository root'} at ${head} may be incomplete, so nothing was changed (no row removed, added or updated): ${error.message}`,
    );
  }
}

function tally(result: PullResult, row: Resource, outcome: 'same' | 'merged' | 'conflict'): void {
  if (outcome === 'conflict') {
    result.conflicts += 1;
    result.conflictedRows.push(row);
  }
  if (outcome === 'merged') result.merged += 1;
}

/**
 * A pending draft meets a new Git version: clear it when Git already says the same, rebase it
 * onto theirs when the fields differ, flag a conflict (draft kept, base kept) when they overlap.
 */
function reconcileDraft(
  row: Resource,
  bases: Map<string, Map<string, EditableState>>,
  theirs: EditableState | null,
  theirsOid: string | null,
  head: string,
  now: Date,
): 'same' | 'merged' | 'conflict' {
  const base = row.draftBaseBlobOid ? (bases.get(row.draftBaseBlobOid)?.get(keyOf(row)) ?? null) : null;
  const ours = row.draftAction === 'delete' ? null : draftStateOf(row);
  const check = checkConflict({ base, ours, theirs });
  if (check.outcome === 'same') {
    clearDraft(row);
    return 'same';
  }
  if (check.outcome === 'merged') {
    rebaseDraft(row, check.merged, theirsOid);
    return 'merged';
  }
  markConflict(row, {
    detectedAt: now.toISOString(),
    commit: head,
    baseBlobOid: row.draftBaseBlobOid,
    theirsBlobOid: theirsOid,
    paths: check.paths,
  });
  return 'conflict';
}

/** Parsed objects of the given blobs, by blob oid then identity. */
export async function readBaseStates(
  host: GitHost,
  oids: readonly string[],
): Promise<Map<string, Map<string, EditableState>>> {
  const states = new Map<string, Map<string, EditableState>>();
  if (oids.length === 0) return states;
  const blobs = await host.readBlobs(oids);
  const decoder = new TextDecoder();
  for (const oid of oids) {
    const validation = validateManifests({ files: [{ path: oid, text: decoder.decode(blobs.get(oid)) }] });
    states.set(oid, new Map(validation.objects.map((object) => [keyOf(object), editableStateOf(object.object)])));
  }
  return states;
}
