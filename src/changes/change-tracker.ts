/**
 * Follows one fabric's open changes after they land: APPLIED, CONVERGED, STALLED, DIVERGED
 * (change-progress.ts says how; docs/changes.md, "After the commit"). One per FabricWatch, which
 * creates it, tells it what the cluster did, and stops it.
 *
 * In memory it keeps only which open change touches which object, kind and switch, and when the
 * next one would stall; never their content. It evaluates only the changes an event concerns:
 * a live batch written (the objects it changed), a kind listed again, an Agent changed (its
 * switch's changes), all Agents listed, a CHANGE_UPDATED of the fabric (a change recorded or
 * moved, by any replica), and the earliest STALLED deadline (one timer). An evaluation reads the
 * concerned changes, their objects, those objects' rows and, from memory, their switches' Agents:
 * its cost follows the change, not the fabric.
 *
 * Nothing is evaluated before the watch's first full list (the cluster is unknown until then);
 * a restart loads every open change and evaluates it once the lists are in: nothing is lost.
 * Writes go through the ORM under the row's version; on a conflict (another replica, the
 * recorder) the change is read again and evaluated again.
 */
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ClusterObject } from '../cluster/cluster-client.ts';
import { topics, type EventBus } from '../events/event-bus.ts';
import type { FabricEvent } from '../events/fabric-events.ts';
import type { Logger } from '../logger.ts';
import { publishChangeUpdated } from './change-events.ts';
import { changeProgress, type LiveRow } from './change-progress.ts';
import { enterStage } from './change-stages.ts';
import {
  ChangeObjectSchema,
  ChangeSchema,
  type Change,
  type ChangeObject,
  type ChangeStage,
  type CommittedContent,
} from './change.entity.ts';
import { JSONB_PARAMETER, jsonParameter } from '../db/json-parameter.ts';

/** Changes evaluated together (one read of each table for all of them). */
const EVALUATION_BATCH = 50;
/** Tries of one evaluation when another writer moved a change meanwhile. */
const CONFLICT_RETRIES = 5;

export interface ChangeTrackerInit {
  fabricId: string;
  orm: MikroORM;
  eventBus: EventBus;
  logger: Logger;
  /** The Agent of a switch, from the watch's cache. */
  agent(namespace: string, name: string): ClusterObject | undefined;
  /** The kind's watch has listed: its live state is known. */
  isKindSynced(kind: string): boolean;
  /** The fabric's limit; default: its `changeStallSeconds`, read when the tracker starts. */
  stallSeconds?: number | undefined;
  /** A heartbeat older than this does not count (switch-health.ts). @default 120000 */
  heartbeatStaleAfterMs?: number | undefined;
  /** @default () => new Date() */
  clock?: (() => Date) | undefined;
  /** A change applied or converged, `seconds` after it landed (metrics). */
  onReached?: ((fabricId: string, milestone: 'applied' | 'converged', seconds: number) => void) | undefined;
  /** Ends the tracking: the subscription closes, nothing is written after. */
  signal: AbortSignal;
}

interface Entry {
  objects: string[];
  kinds: string[];
  switches: string[];
  /** Epoch ms when it would stall; null: none. */
  deadline: number | null;
}

const identity = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}\u0000${name}`;
const switchKey = (namespace: string, name: string) => `${namespace}/${name}`;

export class ChangeTracker {
  readonly #init: ChangeTrackerInit;
  readonly #entries = new Map<string, Entry>();
  readonly #byObject = new Map<string, Set<string>>();
  readonly #byKind = new Map<string, Set<string>>();
  readonly #bySwitch = new Map<string, Set<string>>();
  readonly #pending = new Set<string>();
  /** CHANGE_UPDATED events this tracker published, not yet received back. */
  readonly #own = new Map<string, number>();
  #stallSeconds: number | undefined;
  #ready = false;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt: number | undefined;
  /**
   * What the cluster changed while an evaluation ran: a change it loads for the first time is not
   * in the maps yet, so its events are kept here and matched once it is remembered.
   */
  #during: { objects: Set<string>; kinds: Set<string>; switches: Set<string>; allSwitches: boolean } | undefined;

  constructor(init: ChangeTrackerInit) {
    this.#init = init;
    this.#stallSeconds = init.stallSeconds;
  }

  get #signal(): AbortSignal {
    return this.#init.signal;
  }

  /** Follows the fabric's CHANGE_UPDATED events and loads its open changes (evaluated once ready). */
  async start(): Promise<void> {
    const { eventBus, fabricId } = this.#init;
    const events = eventBus.subscribe<FabricEvent>(topics.fabric(fabricId), { signal: this.#signal });
    void (async () => {
      for await (const event of events) if (event.type === 'CHANGE_UPDATED') this.#changeUpdated(event);
    })();
    const em = this.#init.orm.em.fork();
    if (this.#stallSeconds === undefined) {
      const [fabric] = await em.execute<{ change_stall_seconds: number }[]>(
        'select change_stall_seconds from fabric where id = ?',
        [fabricId],
      );
      this.#stallSeconds = fabric?.change_stall_seconds ?? 600;
    }
    const open = await em.execute<{ id: string }[]>('select id from change where fabric_id = ? and open', [fabricId]);
    this.#schedule(open.map((row) => row.id));
  }

  /** Reads the fabric's stall limit again (it was changed) and evaluates every open change with it. */
  async reloadSettings(): Promise<void> {
    if (this.#init.stallSeconds !== undefined) return;
    const [fabric] = await this.#init.orm.em
      .fork()
      .execute<{ change_stall_seconds: number }[]>('select change_stall_seconds from fabric where id = ?', [
        this.#init.fabricId,
      ]);
    if (!fabric || fabric.change_stall_seconds === this.#stallSeconds) return;
    this.#stallSeconds = fabric.change_stall_seconds;
    this.#schedule([...this.#entries.keys()]);
  }

  /** The watch's first full lists are in: evaluate what waited. */
  ready(): void {
    if (this.#ready) return;
    this.#ready = true;
    this.#kick();
  }

  /** Live state of these objects was written. */
  liveChanged(objects: readonly { kind: string; namespace: string; name: string }[]): void {
    for (const o of objects) this.#during?.objects.add(identity(o.kind, o.namespace, o.name));
    this.#schedule(objects.flatMap((o) => [...(this.#byObject.get(identity(o.kind, o.namespace, o.name)) ?? [])]));
  }

  /** A full list of `kind` was stored (its objects may have changed without being named). */
  kindRelisted(kind: string): void {
    this.#during?.kinds.add(kind);
    this.#schedule([...(this.#byKind.get(kind) ?? [])]);
  }

  /** A switch's Agent changed. */
  agentChanged(namespace: string, name: string): void {
    this.#during?.switches.add(switchKey(namespace, name));
    this.#schedule([...(this.#bySwitch.get(switchKey(namespace, name)) ?? [])]);
  }

  /** Every Agent was listed again. */
  agentsListed(): void {
    if (this.#during) this.#during.allSwitches = true;
    this.#schedule([...this.#bySwitch.values()].flatMap((ids) => [...ids]));
  }

  /** Open changes followed now (tests, the benchmark). */
  get openChanges(): number {
    return this.#entries.size;
  }

  /** When the timer fires next (the earliest STALLED deadline); undefined when none is armed. */
  get nextDeadline(): Date | undefined {
    return this.#timerAt === undefined ? undefined : new Date(this.#timerAt);
  }

  /** Resolves when no evaluation runs or waits (tests, the benchmark). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** After the signal: clears the timer and waits for the evaluation under way (which writes nothing more). */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = undefined;
    this.#pending.clear();
    await this.idle();
  }

  #changeUpdated(event: Extract<FabricEvent, { type: 'CHANGE_UPDATED' }>): void {
    const key = ownKey(event.changeId, event.stage, event.objectsBehindCount, event.switchesBehindCount);
    const own = this.#own.get(key);
    if (own) {
      if (own > 1) this.#own.set(key, own - 1);
      else this.#own.delete(key);
      return;
    }
    this.#schedule([event.changeId]);
  }

  #schedule(ids: readonly string[]): void {
    if (this.#signal.aborted || ids.length === 0) return;
    for (const id of ids) this.#pending.add(id);
    this.#kick();
  }

  #kick(): void {
    if (this.#running || !this.#ready || this.#pending.size === 0 || this.#signal.aborted) return;
    this.#running = (async () => {
      // Events that arrive together (a burst of Agent updates) share one evaluation.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#pending.size > 0 && !this.#signal.aborted) {
        const ids = [...this.#pending].slice(0, EVALUATION_BATCH);
        for (const id of ids) this.#pending.delete(id);
        try {
          await this.#evaluate(ids);
        } catch (error) {
          if (this.#signal.aborted) return;
          this.#init.logger.error({ fabricId: this.#init.fabricId, err: error }, 'change tracking failed');
        }
      }
    })().finally(() => {
      this.#running = undefined;
      this.#arm();
      if (this.#pending.size > 0) this.#kick();
    });
  }

  /** Evaluates these changes and writes what moved; a version conflict reads them again. */
  async #evaluate(ids: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#evaluateOnce(ids);
      } catch (error) {
        if (!(error instanceof OptimisticLockError) || attempt >= CONFLICT_RETRIES) throw error;
        this.#init.logger.debug({ fabricId: this.#init.fabricId, attempt }, 'change moved meanwhile; evaluating again');
      }
    }
  }

  async #evaluateOnce(ids: string[]): Promise<void> {
    this.#during = { objects: new Set(), kinds: new Set(), switches: new Set(), allSwitches: false };
    try {
      await this.#evaluateChanges(ids);
    } finally {
      this.#during = undefined;
    }
  }

  async #evaluateChanges(ids: string[]): Promise<void> {
    const { fabricId } = this.#init;
    const em = this.#init.orm.em.fork();
    const changes = await em.find(ChangeSchema, { id: { $in: ids }, fabric: fabricId, open: true });
    const found = new Set(changes.map((c) => c.id));
    for (const id of ids) if (!found.has(id)) this.#forget(id);
    if (changes.length === 0) return;
    const open = new Set(changes.map((c) => c.id));
    // With the objects of the changes these superseded: what the cluster may still hold instead.
    const loaded = await em.find(
      ChangeObjectSchema,
      { $or: [{ change: { $in: [...open] } }, { change: { supersededBy: { $in: [...open] } } }] },
      { orderBy: { id: 'asc' } },
    );
    const objects = loaded.filter((object) => open.has(object.change.id));
    // An object has one open change at a time (recording supersedes the older): by identity.
    const earlier = new Map<string, CommittedContent[]>();
    for (const object of loaded) {
      if (open.has(object.change.id)) continue;
      const key = identity(object.kind, object.namespace, object.name);
      const contents = earlier.get(key) ?? earlier.set(key, []).get(key)!;
      if (object.previous) contents.push(object.previous);
      if (object.committed) contents.push(object.committed);
    }
    const rows = await liveRows(em, fabricId, objects);
    const now = this.#init.clock?.() ?? new Date();
    const byChange = new Map<string, ChangeObject[]>();
    for (const object of objects) {
      const id = object.change.id;
      byChange.set(id, [...(byChange.get(id) ?? []), object]);
    }
    const published: { change: Change; previous: ChangeStage }[] = [];
    const reached: { milestone: 'applied' | 'converged'; seconds: number }[] = [];
    const entries = new Map<string, Entry>();
    for (const change of changes) {
      const own = byChange.get(change.id) ?? [];
      const result = changeProgress({
        change: {
          stage: change.stage,
          stages: change.stages,
          landedAt: change.landedAt ?? null,
          appliedAt: change.appliedAt ?? null,
          switches: change.switches,
          objectsBehind: change.objectsBehind,
          switchesBehind: change.switchesBehind,
        },
        objects: own.map((object) => ({
          kind: object.kind,
          namespace: object.namespace,
          name: object.name,
          action: object.action,
          committed: object.committed ?? null,
          previous: object.previous ?? null,
          earlier: earlier.get(identity(object.kind, object.namespace, object.name)) ?? [],
          appliedAt: object.appliedAt ?? null,
          live: rows.get(identity(object.kind, object.namespace, object.name)),
          synced: this.#init.isKindSynced(object.kind),
        })),
        agent: this.#init.agent,
        now,
        stallSeconds: this.#stallSeconds ?? 600,
        heartbeatStaleAfterMs: this.#init.heartbeatStaleAfterMs ?? 120_000,
      });
      entries.set(change.id, {
        objects: own.map((o) => identity(o.kind, o.namespace, o.name)),
        kinds: [...new Set(own.map((o) => o.kind))],
        switches: change.switches.filter((sw) => !sw.removed).map((sw) => switchKey(sw.namespace, sw.name)),
        deadline: result.nextDeadline?.getTime() ?? null,
      });
      own.forEach((object, i) => {
        const appliedAt = result.objects[i]!.appliedAt;
        if ((object.appliedAt?.getTime() ?? null) !== (appliedAt?.getTime() ?? null)) object.appliedAt = appliedAt;
      });
      if (JSON.stringify(result.switches) !== JSON.stringify(change.switches)) change.switches = result.switches;
      const previous = change.stage;
      const wasApplied = change.appliedAt != null;
      const behindMoved =
        JSON.stringify(result.objectsBehind) !== JSON.stringify(change.objectsBehind) ||
        JSON.stringify(result.switchesBehind) !== JSON.stringify(change.switchesBehind);
      if (behindMoved) {
        change.objectsBehind = result.objectsBehind;
        change.switchesBehind = result.switchesBehind;
      }
      const entered = result.enter ? enterStage(change, result.enter.stage, now, result.enter.detail) : false;
      if (entered || behindMoved) published.push({ change, previous });
      const landedAt = change.landedAt?.getTime();
      if (entered && landedAt !== undefined) {
        if (!wasApplied && change.appliedAt)
          reached.push({ milestone: 'applied', seconds: (change.appliedAt.getTime() - landedAt) / 1000 });
        if (change.stage === 'CONVERGED' && change.convergedAt)
          reached.push({ milestone: 'converged', seconds: (change.convergedAt.getTime() - landedAt) / 1000 });
      }
    }
    if (this.#signal.aborted) return;
    await em.flush();
    if (this.#signal.aborted) return;
    const during = this.#during;
    for (const [id, entry] of entries) {
      const change = changes.find((c) => c.id === id)!;
      if (!change.open) {
        this.#forget(id);
        continue;
      }
      this.#remember(id, entry);
      // The cluster moved while this evaluation read it: once more, with what it has now.
      if (
        during &&
        (entry.objects.some((key) => during.objects.has(key)) ||
          entry.kinds.some((kind) => during.kinds.has(kind)) ||
          (entry.switches.length > 0 && during.allSwitches) ||
          entry.switches.some((key) => during.switches.has(key)))
      )
        this.#pending.add(id);
    }
    for (const { change, previous } of published) {
      const key = ownKey(change.id, change.stage, change.objectsBehind.length, change.switchesBehind.length);
      this.#own.set(key, (this.#own.get(key) ?? 0) + 1);
      publishChangeUpdated(this.#init.eventBus, fabricId, change, previous);
    }
    for (const { milestone, seconds } of reached) this.#init.onReached?.(fabricId, milestone, seconds);
  }

  #remember(id: string, entry: Entry): void {
    this.#forget(id);
    this.#entries.set(id, entry);
    for (const key of entry.objects) addTo(this.#byObject, key, id);
    for (const kind of entry.kinds) addTo(this.#byKind, kind, id);
    for (const key of entry.switches) addTo(this.#bySwitch, key, id);
  }

  #forget(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    for (const key of entry.objects) removeFrom(this.#byObject, key, id);
    for (const kind of entry.kinds) removeFrom(this.#byKind, kind, id);
    for (const key of entry.switches) removeFrom(this.#bySwitch, key, id);
  }

  /** One timer, at the earliest deadline; when it fires, the changes due are evaluated. */
  #arm(): void {
    if (this.#signal.aborted) return;
    let earliest: number | undefined;
    for (const entry of this.#entries.values())
      if (entry.deadline !== null && (earliest === undefined || entry.deadline < earliest)) earliest = entry.deadline;
    if (earliest === this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = earliest;
    if (earliest === undefined) return;
    const now = this.#init.clock?.() ?? new Date();
    // setTimeout holds at most ~24.8 days; a later deadline is re-armed when this one fires.
    const delay = Math.min(Math.max(0, earliest - now.getTime()), 2 ** 31 - 1);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = undefined;
      const at = (this.#init.clock?.() ?? new Date()).getTime();
      const due = [...this.#entries].filter(([, e]) => e.deadline !== null && e.deadline <= at).map(([id]) => id);
      if (due.length > 0) this.#schedule(due);
      else this.#arm();
    }, delay);
    this.#timer.unref?.();
  }
}

const ownKey = (id: string, stage: string, objects: number, switches: number) =>
  `${id} ${stage} ${objects} ${switches}`;

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(id);
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

/** The live columns of the rows of these objects, by identity: one statement on the identity index. */
async function liveRows(em: EntityManager, fabricId: string, objects: ChangeObject[]): Promise<Map<string, LiveRow>> {
  const rows = new Map<string, LiveRow>();
  if (objects.length === 0) return rows;
  const wanted = [...new Map(objects.map((o) => [identity(o.kind, o.namespace, o.name), o])).values()].map((o) => ({
    k: o.kind,
    ns: o.namespace,
    n: o.name,
  }));
  const found = await em.execute<
    {
      kind: string;
      namespace: string;
      name: string;
      live_resource_version: string | null;
      live_spec: unknown;
      live_labels: Record<string, string> | null;
      live_annotations: Record<string, string> | null;
    }[]
  >(
    `select r.kind, r.namespace, r.name, r.live_resource_version, r.live_spec, r.live_labels, r.live_annotations
     from resource r join jsonb_to_recordset(${JSONB_PARAMETER}) as x(k text, ns text, n text)
       on r.kind = x.k and r.namespace = x.ns and r.name = x.n
     where r.fabric_id = ?`,
    [jsonParameter(wanted), fabricId],
  );
  for (const row of found) {
    rows.set(identity(row.kind, row.namespace, row.name), {
      liveResourceVersion: row.live_resource_version,
      liveSpec: row.live_spec,
      liveLabels: row.live_labels,
      liveAnnotations: row.live_annotations,
    });
  }
  return rows;
}
