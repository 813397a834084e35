/**
 * What the GitOps engine applied, on the fabric's open changes (docs/changes.md, "GitOps
 * engines"): when the Argo CD Applications or Flux Kustomizations that deploy the fabric report
 * a new revision or phase, each open change's `engine` is set to the matching engine's status,
 * with `includesChange` when the revision is the change's commit or a later change's.
 *
 * Written through the ORM under the row's version (another replica may write the same change):
 * on a conflict the change is read again and re-evaluated. A CHANGE_UPDATED follows each write.
 */
import { OptimisticLockError, type EntityManager } from '@mikro-orm/postgresql';
import type { ClusterObject } from '../cluster/cluster-client.ts';
import { matchEngines, type GitopsEngineStatus } from '../cluster/gitops-engines.ts';
import type { EventBus } from '../events/event-bus.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import type { Logger } from '../logger.ts';
import { publishChangeUpdated } from './change-events.ts';
import { ChangeSchema, type Change, type ChangeEngineStatus } from './change.entity.ts';

const RETRIES = 5;

/** The engines of the cluster's objects that deploy the fabric's repository and directory. */
export async function fabricEngines(
  em: EntityManager,
  fabricId: string,
  objects: readonly ClusterObject[],
): Promise<GitopsEngineStatus[]> {
  if (objects.length === 0) return [];
  const fabric = await em.findOne(FabricSchema, { id: fabricId }, { populate: ['gitRepository'] });
  const url = fabric?.gitRepository?.$?.url;
  if (!fabric || !url) return [];
  return matchEngines(objects, { repositoryUrl: url, directory: fabric.gitopsDirectory });
}

/** The commits a change stands for: its own, its merge commit, the commits it covers. */
function commitsOf(change: Pick<Change, 'commitOid' | 'mergeCommitOid' | 'commits'>): string[] {
  return [
    change.commitOid,
    ...(change.mergeCommitOid ? [change.mergeCommitOid] : []),
    ...change.commits.map((c) => c.oid),
  ];
}

/**
 * The engine status to show on `change` (pure): the first engine whose revision includes the
 * change, else the first engine; null when no engine deploys the fabric.
 */
export function engineStatusFor(
  change: Pick<Change, 'commitOid' | 'mergeCommitOid' | 'commits'>,
  laterCommits: ReadonlySet<string>,
  engines: readonly GitopsEngineStatus[],
  now: Date,
): ChangeEngineStatus | null {
  const own = new Set(commitsOf(change));
  const includes = (revision: string | null) =>
    revision !== null &&
    (own.has(revision) || laterCommits.has(revision) || [...own].some((oid) => sameOid(oid, revision)));
  const engine = engines.find((e) => includes(e.revision)) ?? engines[0];
  if (!engine) return null;
  return {
    kind: engine.kind,
    namespace: engine.namespace,
    name: engine.name,
    revision: engine.revision,
    phase: engine.phase,
    message: engine.message,
    includesChange: includes(engine.revision),
    observedAt: now.toISOString(),
  };
}

/** A short revision (Argo may show one) names the commit it starts. */
function sameOid(oid: string, revision: string): boolean {
  return revision.length >= 7 && oid.startsWith(revision.toLowerCase());
}

function sameStatus(a: ChangeEngineStatus | null, b: ChangeEngineStatus | null): boolean {
  if (a === null || b === null) return a === b;
  const { observedAt: _a, ...left } = a;
  const { observedAt: _b, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Sets `engine` on the fabric's open changes from the engine objects of its cluster; returns the
 * ids of the changes written. `em` is a fresh fork (it is cleared between attempts).
 */
export async function recordEngineStatus(
  em: EntityManager,
  eventBus: EventBus,
  fabricId: string,
  objects: readonly ClusterObject[],
  now = new Date(),
): Promise<string[]> {
  const engines = await fabricEngines(em, fabricId, objects);
  const written: string[] = [];
  for (let attempt = 0; ; attempt++) {
    em.clear();
    const open = await em.find(ChangeSchema, { fabric: fabricId, open: true }, { orderBy: { createdAt: 'asc' } });
    if (open.length === 0) return written;
    // Later changes' commits: every change of the fabric since the oldest open one.
    const since = await em.find(
      ChangeSchema,
      { fabric: fabricId, createdAt: { $gte: open[0]!.createdAt } },
      { fields: ['id', 'createdAt', 'commitOid', 'mergeCommitOid', 'commits'], orderBy: { createdAt: 'asc' } },
    );
    const updated: { change: Change }[] = [];
    for (const change of open) {
      const later = new Set(
        since.filter((c) => c.createdAt > change.createdAt && c.id !== change.id).flatMap((c) => commitsOf(c)),
      );
      const next = engineStatusFor(change, later, engines, now);
      if (sameStatus(change.engine ?? null, next)) continue;
      change.engine = next;
      updated.push({ change });
    }
    if (updated.length === 0) return written;
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof OptimisticLockError && attempt < RETRIES) continue;
      throw error;
    }
    for (const { change } of updated) {
      written.push(change.id);
      publishChangeUpdated(eventBus, fabricId, change, change.stage);
    }
    return written;
  }
}

/**
 * Follows one fabric's engine objects: each report is recorded in turn; reports that arrive
 * while one is being written are folded into the next (only the newest counts).
 */
export function followEngines(options: {
  fabricId: string;
  fork: () => EntityManager;
  eventBus: EventBus;
  logger: Logger;
}): (objects: ClusterObject[]) => void {
  let pending: ClusterObject[] | undefined;
  let running = false;
  const run = async () => {
    running = true;
    while (pending) {
      const objects = pending;
      pending = undefined;
      try {
        await recordEngineStatus(options.fork(), options.eventBus, options.fabricId, objects);
      } catch (error) {
        options.logger.warn({ fabricId: options.fabricId, err: error }, 'could not record the GitOps engine status');
      }
    }
    running = false;
  };
  return (objects) => {
    pending = objects;
    if (!running) void run();
  };
}
