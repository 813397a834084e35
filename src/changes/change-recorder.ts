/**
 * Recording changes (docs/changes.md "Change records"): the stages a change enters in the sync
 * operations (COMMITTED, PROPOSED, MERGED, CLOSED, SUPERSEDED). The tracker
 * (change-tracker.ts) moves them on from there.
 *
 * - A direct push records one `gateway` change, COMMITTED, in the transaction that sets the
 *   desired state from the commit (push.ts).
 * - A push in pull-request mode records one `pull_request` change, PROPOSED, with the pull request.
 * - A pull that moves the head and changes managed objects records one change for all the commits
 *   it brings in (`external`, or `gateway` when every one of them carries the gateway's trailers:
 *   a commit of ours a crash kept from being recorded), in the pull's transaction. The objects of
 *   an open proposal whose committed content the new desired state holds exactly make it MERGED
 *   instead, and no change of their own.
 * - Recording a change that touches an object of an older open change makes that one SUPERSEDED.
 * - GitHub `pull_request` webhooks: closed and merged → MERGED, closed unmerged → CLOSED.
 *
 * Every row write goes through the ORM with its version; the rows this transaction moves are
 * locked first (`for update`), so a tracker writing the same row waits, then sees a new version
 * and re-evaluates. CHANGE_UPDATED is published after the transaction commits (`publishRecorded`).
 */
import { randomUUID } from 'node:crypto';
import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { jsonEqual } from '../diff/json-path.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { GitHost, PathCommit } from '../git/git-host.ts';
import { parseGatewayTrailers } from '../git/commit-trailers.ts';
import type { HedgehogObject } from '../hedgehog/canonical.ts';
import {
  buildImpactIndex,
  compareSwitches,
  computeImpact,
  describeImpact,
  type ImpactResult,
  type UnresolvedReference,
} from '../hedgehog/impact.ts';
import { desiredObjects } from '../resource/resource.repository.ts';
import { publishChangeUpdated } from './change-events.ts';
import { enterStage, initialTimeline, objectLabel, switchLabel } from './change-stages.ts';
import {
  ChangeSchema,
  type Change,
  type ChangeCommit,
  type ChangeObjectAction,
  type ChangeSource,
  type ChangeStage,
  type ChangeSwitch,
  type CommittedContent,
} from './change.entity.ts';
import {
  desiredContents,
  insertChangeObjects,
  objectsOfChanges,
  openChangesTouching,
  openProposals,
  recordedCommitOids,
  type NewChangeObject,
  type StoredChangeObject,
} from './change.repository.ts';

/** Commits an external change lists at most (one history page). */
export const CHANGE_COMMITS_LISTED = 20;
/** Attempts at a webhook's stage move when another writer keeps winning the row. */
const WEBHOOK_ATTEMPTS = 3;

/** One object a change touched: its content before and after (null: absent). */
export interface TouchedObject {
  kind: string;
  namespace: string;
  name: string;
  resourceId: string | null;
  previous: CommittedContent | null;
  committed: CommittedContent | null;
}

/** A stage a change entered in a transaction, to announce once it committed. */
export interface RecordedStage {
  change: Change;
  previousStage: ChangeStage | null;
}

type Identity = { kind: string; namespace: string; name: string };
const keyOf = (identity: Identity) => `${identity.kind}\u0000${identity.namespace}\u0000${identity.name}`;

/** The content a row's desired state holds (null: none). */
export function contentOf(state: {
  apiVersion: string;
  spec: unknown;
  labels: Record<string, string> | null | undefined;
  annotations: Record<string, string> | null | undefined;
}): CommittedContent {
  return {
    apiVersion: state.apiVersion,
    spec: state.spec ?? {},
    labels: state.labels && Object.keys(state.labels).length > 0 ? state.labels : null,
    annotations: state.annotations && Object.keys(state.annotations).length > 0 ? state.annotations : null,
  };
}

/** A resource row's desired content (what Git holds for it), or null when Git holds none. */
export function desiredContentOf(row: {
  apiVersion: string;
  desiredSpec?: unknown;
  desiredLabels?: Record<string, string> | null | undefined;
  desiredAnnotations?: Record<string, string> | null | undefined;
}): CommittedContent | null {
  return row.desiredSpec == null
    ? null
    : contentOf({
        apiVersion: row.apiVersion,
        spec: row.desiredSpec,
        labels: row.desiredLabels,
        annotations: row.desiredAnnotations,
      });
}

/** Same content: apiVersion, spec, labels and annotations (an empty map is none). */
export function sameContent(a: CommittedContent | null, b: CommittedContent | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.apiVersion === b.apiVersion &&
    jsonEqual(a.spec ?? {}, b.spec ?? {}) &&
    jsonEqual(a.labels ?? {}, b.labels ?? {}) &&
    jsonEqual(a.annotations ?? {}, b.annotations ?? {})
  );
}

function actionOf(object: TouchedObject): ChangeObjectAction {
  return object.previous === null ? 'create' : object.committed === null ? 'delete' : 'update';
}

function hedgehogObject(identity: Identity, content: CommittedContent): HedgehogObject {
  return {
    apiVersion: content.apiVersion,
    kind: identity.kind,
    metadata: {
      name: identity.name,
      namespace: identity.namespace,
      ...(content.labels ? { labels: content.labels } : {}),
      ...(content.annotations ? { annotations: content.annotations } : {}),
    },
    spec: content.spec,
  } as HedgehogObject;
}

/** What a change records about the switches it affects. */
export interface ChangeImpact {
  switches: ChangeSwitch[];
  summary: string;
  unresolved: string[];
}

/** The impact fields of a change, from impact.ts's result (pure). */
export function changeImpactOf(result: ImpactResult): ChangeImpact {
  return {
    switches: result.switches.map((entry) => ({
      namespace: entry.namespace,
      name: entry.name,
      removed: entry.removed,
      immediate: entry.reasons.some((reason) => reason.immediate),
      relations: [...new Set(entry.reasons.map((reason) => reason.relation))],
      generationAtCommit: null,
      convergedGeneration: null,
      convergedAt: null,
    })),
    summary: describeImpact(result),
    unresolved: unresolvedLines(result.unresolved),
  };
}

function unresolvedLines(unresolved: readonly UnresolvedReference[]): string[] {
  return unresolved.map(
    (item) =>
      `${objectLabel(item.object)} (${item.side}): ${item.field} of ${objectLabel(item.from)} names ${objectLabel(item.missing)}, which does not exist`,
  );
}

/**
 * The switches `objects` affect (pure). `state` is the fabric's desired state before or after
 * the change (the changed objects' own versions are overlaid on it). `everything`: the change
 * brings in the whole fabric (a first pull): every switch of `state` is affected by itself, and
 * no relation is followed (one pass over the objects, whatever the fabric's size).
 */
export function impactOfObjects(
  state: Iterable<HedgehogObject>,
  objects: readonly TouchedObject[],
  options: { everything?: boolean } = {},
): ChangeImpact {
  if (options.everything) {
    const switches: ChangeSwitch[] = [];
    for (const object of state) {
      if (object.kind !== 'Switch') continue;
      switches.push({
        namespace: object.metadata.namespace ?? 'default',
        name: object.metadata.name,
        removed: false,
        immediate: true,
        relations: ['switch'],
        generationAtCommit: null,
        convergedGeneration: null,
        convergedAt: null,
      });
    }
    switches.sort((a, b) =>
      a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
    );
    const names = switches.map((entry) => entry.name);
    const summary =
      names.length === 0
        ? 'affects no switches'
        : `affects ${names.length} switch${names.length === 1 ? '' : 'es'}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
    return { switches, summary, unresolved: [] };
  }
  if (objects.length > NEW_OBJECTS_BATCH && objects.every((object) => object.previous === null && object.committed))
    return impactOfNewObjects(state, objects);
  const index = buildImpactIndex(state);
  return changeImpactOf(
    computeImpact(
      index,
      objects.map((object) => ({
        action: actionOf(object),
        before: object.previous ? hedgehogObject(object, object.previous) : null,
        after: object.committed ? hedgehogObject(object, object.committed) : null,
      })),
    ),
  );
}

/** New objects walked at once by `impactOfNewObjects`. */
export const NEW_OBJECTS_BATCH = 1_000;

/**
 * `impactOfObjects` when every object is new (an ingestion of new objects), batch by batch: the
 * same answer as one `computeImpact` of them all, without holding every reason at once (at
 * 50,000 new objects, some hundred MB of reasons and their paths, of which a change keeps the
 * relations of each switch). A new object has no before side, so only the state after the change
 * is walked: the state before with every new object laid over it, indexed once. Each batch's
 * walk sees that same state (its own objects masked and laid over again, unchanged), and a
 * switch's reasons over all objects are its reasons per batch one after the other, so its
 * relations (in order of first appearance), `immediate` and `removed` come out the same
 * (`test/changes/impact-new-objects.test.ts` compares both). Unresolved references come out the
 * same, possibly in another order (a batch's own objects come last in the index's lists).
 */
function impactOfNewObjects(state: Iterable<HedgehogObject>, objects: readonly TouchedObject[]): ChangeImpact {
  const versions = objects.map((object) => hedgehogObject(object, object.committed!));
  const index = buildImpactIndex(
    (function* () {
      yield* state;
      yield* versions;
    })(),
  );
  const switches = new Map<string, ChangeSwitch & { relationSet: Set<string> }>();
  const unresolved: UnresolvedReference[] = [];
  const seen = new Set<string>();
  for (let start = 0; start < versions.length; start += NEW_OBJECTS_BATCH) {
    const result = computeImpact(
      index,
      versions.slice(start, start + NEW_OBJECTS_BATCH).map((after) => ({ action: 'create' as const, after })),
    );
    for (const entry of changeImpactOf(result).switches) {
      const key = `${entry.namespace}\u0000${entry.name}`;
      const known = switches.get(key);
      if (!known) {
        switches.set(key, { ...entry, relationSet: new Set(entry.relations) });
        continue;
      }
      known.immediate ||= entry.immediate;
      for (const relation of entry.relations) {
        if (known.relationSet.has(relation)) continue;
        known.relationSet.add(relation);
        known.relations.push(relation);
      }
    }
    for (const item of result.unresolved) {
      const key = JSON.stringify([item.side, item.object, item.field, item.from, item.missing]);
      if (seen.has(key)) continue;
      seen.add(key);
      unresolved.push(item);
    }
  }
  const list: ChangeSwitch[] = [...switches.values()]
    .map(({ relationSet: _, ...entry }) => entry)
    .sort(compareSwitches);
  return {
    switches: list,
    summary: describeImpact({
      switches: list.map((entry) => ({ ...entry, reasons: [] })),
      unresolved,
      noSwitchImpact: [],
    }),
    unresolved: unresolvedLines(unresolved),
  };
}

/** What a new change is made of, apart from its objects and impact. */
export interface ChangeHeader {
  fabricId: string;
  source: ChangeSource;
  stage: 'COMMITTED' | 'PROPOSED';
  commitOid: string;
  branch: string;
  message: string;
  actor: string | null;
  authorName: string;
  authorEmail: string;
  commits: ChangeCommit[];
  operationId: string | null;
  pullRequestUrl?: string | null;
  pullRequestNumber?: number | null;
}

/**
 * Records a change in the caller's transaction: the change row (flushed with whatever else the
 * unit of work holds), its objects (bulk insert), and the older open changes it supersedes.
 * Returns the stages entered, for `publishRecorded` once the transaction committed.
 */
export async function recordChange(
  em: EntityManager,
  header: ChangeHeader,
  objects: readonly TouchedObject[],
  impact: ChangeImpact,
  at: Date,
): Promise<RecordedStage[]> {
  const timeline = initialTimeline(header.stage, at);
  const change = em.create(ChangeSchema, {
    id: randomUUID(),
    fabric: header.fabricId,
    source: header.source,
    commitOid: header.commitOid,
    branch: header.branch,
    message: header.message,
    actor: header.actor,
    authorName: header.authorName.slice(0, 255),
    authorEmail: header.authorEmail.slice(0, 255),
    commits: header.commits,
    operationId: header.operationId,
    pullRequestUrl: header.pullRequestUrl ?? null,
    pullRequestNumber: header.pullRequestNumber ?? null,
    pullRequestState: header.stage === 'PROPOSED' ? 'open' : null,
    ...timeline,
    objectCount: objects.length,
    objectsBehind: objects.map(objectLabel),
    switches: impact.switches,
    switchesBehind: impact.switches.filter((entry) => !entry.removed).map(switchLabel),
    impactSummary: impact.summary,
    impactUnresolved: impact.unresolved,
    createdAt: at,
  } as never) as Change;
  const recorded: RecordedStage[] = [{ change, previousStage: null }];
  // Older open changes of the same objects: superseded by this one (locked, then moved).
  const older = await openChangesTouching(em, header.fabricId, objects);
  if (older.length > 0) {
    for (const previous of await lockChanges(em, older)) {
      const stage = previous.stage;
      if (!enterStage(previous, 'SUPERSEDED', at, `superseded by ${header.commitOid.slice(0, 12)}`)) continue;
      previous.supersededBy = change.id;
      recorded.push({ change: previous, previousStage: stage });
    }
  }
  await em.flush();
  await insertChangeObjects(
    em,
    { id: change.id, fabricId: header.fabricId },
    objects.map(
      (object): NewChangeObject => ({
        kind: object.kind,
        namespace: object.namespace,
        name: object.name,
        resourceId: object.resourceId,
        action: actionOf(object),
        committed: object.committed,
        previous: object.previous,
      }),
    ),
  );
  return recorded;
}

/** The changes by id, fresh and locked for this transaction (`select … for update`). */
function lockChanges(em: EntityManager, ids: readonly string[]): Promise<Change[]> {
  return em.find(
    ChangeSchema,
    { id: { $in: [...ids] } },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, orderBy: { createdAt: 'asc', id: 'asc' } },
  );
}

/** CHANGE_UPDATED for every stage entered, once the transaction that wrote them committed. */
export function publishRecorded(eventBus: EventBus, recorded: readonly RecordedStage[]): void {
  for (const { change, previousStage } of recorded)
    publishChangeUpdated(eventBus, change.fabric.id, change, previousStage);
}

/** Runs `write` in a transaction: the caller's when it is in one, else a new one (committed here). */
export async function inTransaction<T>(em: EntityManager, write: () => Promise<T>): Promise<T> {
  if (em.isInTransaction()) {
    const result = await write();
    await em.flush();
    return result;
  }
  await em.begin();
  try {
    const result = await write();
    await em.commit(); // flushes first
    return result;
  } catch (error) {
    await em.rollback();
    throw error;
  }
}

// ---- Pulls ----

/** What a pull's recording needs from before its transaction (reads of Git and the database). */
export interface PullRecording {
  /** Writes the pull's change (and MERGED moves) in the pull's transaction. */
  write: (em: EntityManager) => Promise<RecordedStage[]>;
}

export interface PullRecordingInput {
  em: EntityManager;
  host: GitHost;
  fabric: { id: string; gitopsDirectory: string };
  branch: string;
  operationId: string;
  head: string;
  /** The head the fabric was at before this pull (null: first pull). */
  previousHead: string | null;
  /** The objects whose desired content this pull changes. */
  objects: readonly TouchedObject[];
  /**
   * The fabric's desired state after the pull, when the pull has it at hand (the objects it
   * validated against and read); read from the database otherwise.
   */
  stateAfter: (() => Iterable<HedgehogObject> | Promise<Iterable<HedgehogObject>>) | null;
  /** Told when the commits could not be listed (the change is recorded without them). */
  warn?: (message: string) => void;
}

/**
 * Everything a pull's change needs that is read before the pull's transaction: the commits it
 * brings in (one history request), the open proposals and what the new state holds for their
 * objects, and the impact. Null when the pull changes no managed object and merges no proposal.
 */
export async function preparePullRecording(input: PullRecordingInput): Promise<PullRecording | null> {
  const { em, fabric } = input;
  const touched = new Map(input.objects.map((object) => [keyOf(object), object]));
  if (touched.size === 0) return null;

  // Proposals this pull may merge: every object holds its committed content now, one touched here.
  const proposals = await openProposals(em, fabric.id);
  const proposalObjects = await objectsOfChanges(
    em,
    proposals.map((proposal) => proposal.id),
  );
  const untouched = proposalObjects.filter((object) => !touched.has(keyOf(object)));
  const current = await desiredContents(em, fabric.id, untouched);
  const byProposal = new Map<string, StoredChangeObject[]>();
  for (const object of proposalObjects)
    (byProposal.get(object.changeId) ?? byProposal.set(object.changeId, []).get(object.changeId)!).push(object);
  const merged = new Set<string>();
  const mergedKeys = new Set<string>();
  for (const proposal of proposals) {
    const objects = byProposal.get(proposal.id) ?? [];
    if (objects.length === 0 || !objects.some((object) => touched.has(keyOf(object)))) continue;
    const holds = objects.every((object) => {
      const now = touched.get(keyOf(object));
      const content = now ? now.committed : (current.get(keyOf(object)) ?? null);
      return sameContent(content, object.committed);
    });
    if (!holds) continue;
    merged.add(proposal.id);
    for (const object of objects) mergedKeys.add(keyOf(object));
  }
  const own = input.objects.filter((object) => !mergedKeys.has(keyOf(object)));

  let header: ChangeHeader | null = null;
  let impact: ChangeImpact | null = null;
  if (own.length > 0) {
    const commits = await listCommits(input);
    const newest = commits[0];
    const trailers = commits.map((commit) => parseGatewayTrailers(commit.message));
    const ours = commits.length > 0 && trailers.every((trailer) => trailer.operationId !== null);
    header = {
      fabricId: fabric.id,
      source: ours ? 'gateway' : 'external',
      stage: 'COMMITTED',
      commitOid: input.head,
      branch: input.branch,
      message: newest?.message ?? '',
      actor: ours ? (trailers[0]!.actor ?? null) : null,
      authorName: newest?.authorName ?? '',
      authorEmail: newest?.authorEmail ?? '',
      commits,
      operationId: ours ? trailers[0]!.operationId : input.operationId,
    };
    const state = input.stateAfter ? await input.stateAfter() : await desiredObjects(em, fabric.id);
    impact = impactOfObjects(state, own, { everything: input.previousHead === null });
  }

  return {
    write: async (tx) => {
      const at = new Date();
      const recorded: RecordedStage[] = [];
      if (merged.size > 0) {
        for (const change of await lockChanges(tx, [...merged])) {
          if (change.stage === 'MERGED') {
            change.mergeCommitOid ??= input.head;
            continue;
          }
          const stage = change.stage;
          if (stage !== 'PROPOSED' || !enterStage(change, 'MERGED', at, `merged in ${input.head.slice(0, 12)}`))
            continue;
          change.pullRequestState = 'merged';
          change.mergeCommitOid = input.head;
          recorded.push({ change, previousStage: stage });
        }
      }
      if (header && impact) recorded.push(...(await recordChange(tx, header, own, impact, at)));
      else await tx.flush();
      return recorded;
    },
  };
}

/** The commits since the previous head that touched the fabric's directory, newest first (one request). */
async function listCommits(input: PullRecordingInput): Promise<ChangeCommit[]> {
  let page: PathCommit[];
  try {
    page = (await input.host.history(input.head, input.fabric.gitopsDirectory, { first: CHANGE_COMMITS_LISTED }))
      .commits;
  } catch (error) {
    input.warn?.(
      `the commits of the change could not be listed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return [];
  }
  const known = input.previousHead ? await recordedCommitOids(input.em, input.fabric.id) : new Set<string>();
  if (input.previousHead) known.add(input.previousHead);
  const commits: ChangeCommit[] = [];
  for (const commit of page) {
    if (known.has(commit.oid)) break;
    commits.push({
      oid: commit.oid,
      message: commit.message,
      authorName: commit.authorName,
      authorEmail: commit.authorEmail,
      committedAt: commit.committedAt,
    });
  }
  return commits;
}

// ---- Pull request webhooks ----

export interface PullRequestClosed {
  /** The fabrics of the repository the delivery came for. */
  fabricIds: readonly string[];
  number: number;
  url: string | null;
  merged: boolean;
  mergeCommitOid: string | null;
}

/**
 * A pull request was closed: its open proposals become MERGED (merged) or CLOSED. A version
 * conflict (the tracker wrote the row meanwhile) reloads and re-evaluates. Returns the changes
 * moved, already published.
 */
export async function recordPullRequestClosed(
  em: EntityManager,
  eventBus: EventBus,
  event: PullRequestClosed,
): Promise<Change[]> {
  if (event.fabricIds.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    const work = em.fork();
    try {
      const candidates = await work.find(
        ChangeSchema,
        {
          fabric: { $in: [...event.fabricIds] },
          source: 'pull_request',
          pullRequestNumber: event.number,
          stage: 'PROPOSED',
        },
        { orderBy: { createdAt: 'asc', id: 'asc' } },
      );
      const recorded: RecordedStage[] = [];
      const at = new Date();
      for (const change of candidates) {
        if (event.url && change.pullRequestUrl && change.pullRequestUrl !== event.url) continue;
        const stage = change.stage;
        const entered = event.merged
          ? enterStage(change, 'MERGED', at, `pull request #${event.number} merged`)
          : enterStage(change, 'CLOSED', at, `pull request #${event.number} closed without merging`);
        if (!entered) continue;
        change.pullRequestState = event.merged ? 'merged' : 'closed';
        if (event.merged && event.mergeCommitOid) change.mergeCommitOid = event.mergeCommitOid;
        recorded.push({ change, previousStage: stage });
      }
      await work.flush();
      publishRecorded(eventBus, recorded);
      return recorded.map((item) => item.change);
    } catch (error) {
      if (error instanceof OptimisticLockError && attempt < WEBHOOK_ATTEMPTS) continue;
      throw error;
    }
  }
}
