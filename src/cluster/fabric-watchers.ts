/**
 * One process's cluster watchers: for every fabric with a cluster connection, a ClusterClient,
 * discovery of the served Hedgehog kinds and one watch per served kind; their events are
 * coalesced and written to the resource rows in batches (live-state-store.ts), with drift
 * recomputed and fabric events published after each write.
 *
 * Follows fabric creation, connection changes and deletion through `fabricChanged`, the one
 * callback the FabricService calls after each committed change. Work per fabric is serialised, so
 * a delete that arrives while the watch is starting still ends with no open watch. The client of
 * a connection and the reader of a fabric's connection (its credentials) are handed in by the
 * composition root.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { topics, type EventBus } from '../events/event-bus.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import type { FabricChangeNotice } from '../fabric/fabric.service.ts';
import { KIND_CATALOG, MANAGED_KINDS } from '../hedgehog/catalog.ts';
import type { Logger } from '../logger.ts';
import type { FabricEvent } from '../resource/resource.service.ts';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import {
  kindKey,
  objectKey,
  type BackoffOptions,
  type ClusterClient,
  type ClusterConnection,
  type ClusterEvent,
  type ClusterObject,
  type WatchedKind,
  type WatchHandle,
  type WatchState,
} from './cluster-client.ts';
import type { FabricConnection } from './fabric-connection.ts';
import {
  applyLiveChanges,
  forgetLiveKinds,
  recomputeDrift,
  driftedCount,
  storeDriftRollup,
  type ClusterSyncState,
  type DriftCountsByStatus,
  type KindChanges,
  type LiveChangeSummary,
} from './live-state-store.ts';

/** One kind of a refresh, stored (or failed, with `error`). */
export interface RefreshProgress {
  kind: string;
  done: number;
  total: number;
  objects: number;
  error?: string;
}

export interface KindWatchStatus {
  kind: string;
  group: string;
  version: string;
  /** `missing` when the cluster does not serve the kind (its CRD is not installed). */
  state: WatchState | 'missing';
  /** A full list of the kind has been received: drift of its objects is known. */
  synced: boolean;
  eventCount: number;
  lastEventAt?: Date;
  lastError?: string;
  resourceVersion?: string;
}

export type FabricClusterState = 'not_configured' | 'connecting' | 'watching' | 'error' | 'stopped';

export interface FabricClusterStatus {
  fabricId: string;
  state: FabricClusterState;
  /** Why the fabric's cluster cannot be watched (bad settings, discovery failed); never credentials. */
  error?: string;
  /** Served kinds (watched) and missing kinds, in catalog order. */
  kinds: KindWatchStatus[];
  missingKinds: string[];
  startedAt?: Date;
}

export interface FabricWatchersOptions {
  orm: MikroORM;
  eventBus: EventBus;
  logger: Logger;
  /** Builds the client of a fabric's connection (the composition root passes the Kubernetes adapter). */
  createClient: (connection: ClusterConnection) => ClusterClient;
  /** A fabric's cluster connection, credentials decrypted; null when it has none (or no longer exists). */
  readConnection: (fabricId: string) => Promise<FabricConnection | null>;
  /** Retry delays for discovery and for the watch streams. */
  backoff?: BackoffOptions;
}

/** The managed kinds (rows) and Agent (switch health), as the ClusterClient names them. */
const AGENT_KIND = KIND_CATALOG.find((info) => info.kind === 'Agent' && info.group === 'agent.githedgehog.com');
export const WATCHED_KINDS: readonly WatchedKind[] = [...MANAGED_KINDS, ...(AGENT_KIND ? [AGENT_KIND] : [])].map(
  ({ group, version, kind, plural }) => ({ group, version, kind, plural }),
);

/** Resources listed by name in one LIVE_CHANGED / DRIFT_CHANGED event; the rest are counted. */
const EVENT_ITEM_LIMIT = 100;
/** Least time between two roll-ups of one fabric while events stream in. */
const ROLLUP_INTERVAL_MS = 250;

export class FabricWatchers implements ClusterSyncState {
  readonly #options: FabricWatchersOptions;
  readonly #fabrics = new Map<string, FabricWatch>();
  /** Per-fabric chain of start/stop work, so changes apply in order. */
  readonly #queue = new Map<string, Promise<void>>();
  #closed = false;

  constructor(options: FabricWatchersOptions) {
    this.#options = options;
  }

  /**
   * Starts watchers for every fabric that has a cluster connection; resolves once they are queued
   * (an unreachable API server must not hold up the gateway's start). A database that cannot be
   * read yet (migrations pending) is logged, not thrown: the server still answers /readyz.
   */
  async start(): Promise<void> {
    const em = this.#options.orm.em.fork();
    let fabrics: { id: string }[];
    try {
      fabrics = await em.find(FabricSchema, { kubernetesServer: { $ne: null } }, { fields: ['id'] });
    } catch (error) {
      this.#options.logger.error({ err: error }, 'cluster watchers not started: fabrics cannot be read');
      return;
    }
    for (const fabric of fabrics) void this.#enqueue(fabric.id, () => this.#startFabric(fabric.id));
  }

  /** Stops every watcher and waits for pending writes. */
  async stop(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#queue.values()]);
    await Promise.all([...this.#fabrics.values()].map((watch) => watch.stop()));
    this.#fabrics.clear();
  }

  /**
   * Called after a fabric change is committed. A deletion resolves once the fabric's watches are
   * closed; a (re)start goes on in the background (discovery may wait on an unreachable server).
   */
  fabricChanged(change: FabricChangeNotice): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (change.type === 'deleted') return this.#enqueue(change.fabricId, () => this.#stopFabric(change.fabricId));
    if (!change.clusterChanged) return Promise.resolve();
    void this.#enqueue(change.fabricId, async () => {
      await this.#stopFabric(change.fabricId);
      const started = await this.#startFabric(change.fabricId);
      // The connection was removed: what we knew of the cluster is no longer true.
      if (!started && !this.#closed) await this.#forgetCluster(change.fabricId);
    });
    return Promise.resolve();
  }

  isKindSynced(fabricId: string, kind: string): boolean {
    return this.#fabrics.get(fabricId)?.isKindSynced(kind) ?? false;
  }

  status(fabricId: string): FabricClusterStatus {
    return this.#fabrics.get(fabricId)?.status() ?? { fabricId, state: 'not_configured', kinds: [], missingKinds: [] };
  }

  /** The Agent object of a switch (same name and namespace), when the cluster has one. */
  agent(fabricId: string, namespace: string, name: string): ClusterObject | undefined {
    return this.#fabrics.get(fabricId)?.agent(namespace, name);
  }

  /**
   * Full relist of every served kind of a fabric, each written as a replacement of the live view
   * of its kind; `onKind` is called after each kind is stored.
   */
  async refresh(fabricId: string, onKind: (progress: RefreshProgress) => Promise<void>, signal?: AbortSignal): Promise<{ kinds: number; objects: number }> {
    // A restart: discovery again (a CRD installed since is picked up), then every kind listed and
    // watched from its list, so no event older than the list can land after it.
    await this.#enqueue(fabricId, async () => {
      await this.#stopFabric(fabricId);
      await this.#startFabric(fabricId);
    });
    const watch = this.#fabrics.get(fabricId);
    if (!watch) throw new Error('the fabric has no cluster connection');
    return watch.initialSync(onKind, signal);
  }

  /**
   * Recomputes the drift of rows after their desired state changed (Git ingestion, pull), stores
   * the fabric roll-ups and publishes DRIFT_CHANGED. `em` is the caller's, after its commit.
   */
  async recomputeDrift(em: Parameters<typeof recomputeDrift>[0], resourceIds: readonly string[]): Promise<LiveChangeSummary['drift']> {
    const changed = await recomputeDrift(em, resourceIds, this);
    const byFabric = new Map<string, LiveChangeSummary['drift']>();
    if (changed.length === 0) return changed;
    const rows = await em.execute<{ id: string; fabric_id: string }[]>(
      `select id, fabric_id from resource where id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
      [JSON.stringify(changed.map((c) => c.resourceId))],
    );
    const fabricOf = new Map(rows.map((row) => [row.id, row.fabric_id]));
    for (const change of changed) {
      const fabricId = fabricOf.get(change.resourceId);
      if (fabricId) byFabric.set(fabricId, [...(byFabric.get(fabricId) ?? []), change]);
    }
    for (const [fabricId, changes] of byFabric) {
      const summary = await storeDriftRollup(em, fabricId);
      publishDriftChanged(this.#options.eventBus, fabricId, changes);
      publishDriftSummary(this.#options.eventBus, fabricId, summary.byStatus);
    }
    return changed;
  }

  #enqueue(fabricId: string, work: () => Promise<unknown>): Promise<void> {
    const previous = this.#queue.get(fabricId) ?? Promise.resolve();
    const next = previous.then(work).then(
      () => undefined,
      (error: unknown) => this.#options.logger.error({ fabricId, err: error }, 'cluster watcher change failed'),
    );
    this.#queue.set(fabricId, next);
    void next.finally(() => {
      if (this.#queue.get(fabricId) === next) this.#queue.delete(fabricId);
    });
    return next;
  }

  /** Returns false when the fabric (no longer) has a cluster connection. */
  async #startFabric(fabricId: string): Promise<boolean> {
    if (this.#closed) return false;
    const settings = await this.#options.readConnection(fabricId);
    if (!settings) return false;
    const watch = new FabricWatch({
      fabricId,
      namespaces: settings.namespaces,
      connection: settings.connection,
      options: this.#options,
      sync: this,
      recompute: async (ids) => {
        const recomputeEm = this.#options.orm.em.fork();
        const all = ids === 'all'
          ? (await recomputeEm.execute<{ id: string }[]>('select id from resource where fabric_id = ?', [fabricId])).map((row) => row.id)
          : ids;
        await this.recomputeDrift(recomputeEm, all);
      },
    });
    this.#fabrics.set(fabricId, watch);
    await watch.start();
    return true;
  }

  async #stopFabric(fabricId: string): Promise<void> {
    const watch = this.#fabrics.get(fabricId);
    if (!watch) return;
    this.#fabrics.delete(fabricId);
    await watch.stop();
  }

  async #forgetCluster(fabricId: string): Promise<void> {
    const em = this.#options.orm.em.fork();
    const exists = await em.count(FabricSchema, { id: fabricId });
    if (exists === 0) return;
    await forgetLiveKinds(em, fabricId, 'all');
    const summary = await storeDriftRollup(em, fabricId);
    publishDriftSummary(this.#options.eventBus, fabricId, summary.byStatus);
  }
}

interface FabricWatchInit {
  fabricId: string;
  /** Recomputes (and publishes) the drift of these rows, or of every row of the fabric. */
  recompute: (resourceIds: readonly string[] | 'all') => Promise<void>;
  namespaces: string[] | undefined;
  connection: ClusterConnection | undefined;
  options: FabricWatchersOptions;
  sync: ClusterSyncState;
}

/** The watchers of one fabric. */
class FabricWatch {
  readonly #init: FabricWatchInit;
  #client: ClusterClient | undefined;
  #handle: WatchHandle | undefined;
  #state: FabricClusterState = 'connecting';
  #error: string | undefined;
  #served: WatchedKind[] = [];
  #missing: WatchedKind[] = [];
  readonly #startedAt = new Date();
  /** Relists received per kind name; synced once every namespace scope has been listed. */
  readonly #relists = new Map<string, number>();
  readonly #agents = new Map<string, ClusterObject>();
  /** Served at start, then answered 404 (CRD removed): reported missing until listed again. */
  readonly #unserved = new Set<string>();
  #pending = new Map<string, KindChanges>();
  #flushing: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #discoveryAttempt = 0;
  #stopped = false;
  #pendingDesired: Set<string> | 'all' | undefined;
  readonly #syncListeners = new Set<(event: { kind: string; objects: number; error?: string }) => void>();
  readonly #syncAborts = new Set<() => void>();
  /** Objects in the last stored relist of each kind (progress of a refresh). */
  readonly #stored = new Map<string, number>();
  #agentsListed = false;
  #recomputing: Promise<void> | undefined;
  #rollupTimer: NodeJS.Timeout | undefined;
  #rollupRunning: Promise<void> | undefined;
  #lastRollupAt = 0;
  #stopSignal = new AbortController();

  constructor(init: FabricWatchInit) {
    this.#init = init;
  }

  get #fabricId(): string {
    return this.#init.fabricId;
  }

  async start(): Promise<void> {
    if (!this.#init.connection) return this.#fail('the fabric has a server but no credentials');
    try {
      this.#client = this.#init.options.createClient(this.#init.connection);
    } catch (error) {
      return this.#fail(messageOf(error));
    }
    this.#followDesiredState();
    await this.#discoverAndWatch();
  }

  /**
   * Git-side changes arrive as fabric events (a pull publishes DESIRED_STATE_CHANGED with the
   * rows it changed, an ingestion GITOPS_INGESTED): their drift is recomputed here, so the drift
   * stays true without the sync code knowing about clusters. Bursts collapse into one recompute.
   */
  #followDesiredState(): void {
    const events = this.#init.options.eventBus.subscribe<FabricEvent>(topics.fabric(this.#fabricId), { signal: this.#stopSignal.signal });
    void (async () => {
      for await (const event of events) {
        if (event.type === 'DESIRED_STATE_CHANGED' && Array.isArray(event['resourceIds'])) this.#desiredChanged(event['resourceIds'].map(String));
        else if (event.type === 'DESIRED_STATE_CHANGED' || event.type === 'GITOPS_INGESTED') this.#desiredChanged('all');
      }
    })();
  }

  #desiredChanged(ids: string[] | 'all'): void {
    if (ids === 'all' || this.#pendingDesired === 'all') this.#pendingDesired = 'all';
    else this.#pendingDesired = new Set([...(this.#pendingDesired ?? []), ...ids]);
    if (this.#recomputing) return;
    this.#recomputing = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#pendingDesired && !this.#stopped) {
        const pending = this.#pendingDesired;
        this.#pendingDesired = undefined;
        await this.#init.recompute(pending === 'all' ? 'all' : [...pending]);
      }
    })()
      .catch((error: unknown) => {
        if (!this.#stopped) this.#init.options.logger.error({ fabricId: this.#fabricId, err: error }, 'recomputing drift after a Git change failed');
      })
      .finally(() => (this.#recomputing = undefined));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const abort of this.#syncAborts) abort();
    this.#syncAborts.clear();
    this.#stopSignal.abort();
    clearTimeout(this.#retryTimer);
    await this.#handle?.stop();
    await this.#flushing;
    clearTimeout(this.#rollupTimer);
    await this.#rollupRunning;
    await this.#recomputing;
    this.#state = 'stopped';
  }

  isKindSynced(kind: string): boolean {
    if (this.#stopped || this.#unserved.has(kind) || !this.#served.some((k) => k.kind === kind)) return false;
    return (this.#relists.get(kind) ?? 0) >= (this.#init.namespaces?.length ?? 1);
  }

  agent(namespace: string, name: string): ClusterObject | undefined {
    return this.#agents.get(`${namespace}/${name}`) ?? (namespace === 'default' ? this.#agents.get(name) : undefined);
  }

  status(): FabricClusterStatus {
    const live = this.#handle?.status();
    const kinds: KindWatchStatus[] = WATCHED_KINDS.filter((k) => this.#served.includes(k) || this.#missing.includes(k)).map((kind) => {
      if (this.#missing.includes(kind)) return { kind: kind.kind, group: kind.group, version: kind.version, state: 'missing', synced: false, eventCount: 0 };
      const status = live?.get(kindKey(kind));
      return {
        kind: kind.kind, group: kind.group, version: kind.version,
        state: this.#stopped ? 'stopped' : (status?.state ?? 'starting'),
        synced: this.isKindSynced(kind.kind),
        eventCount: status?.eventCount ?? 0,
        ...(status?.lastEventAt ? { lastEventAt: status.lastEventAt } : {}),
        ...(status?.lastError ? { lastError: status.lastError } : {}),
        ...(status?.resourceVersion ? { resourceVersion: status.resourceVersion } : {}),
      };
    });
    return {
      fabricId: this.#fabricId, state: this.#state, kinds, missingKinds: [...this.#missing.map((k) => k.kind), ...this.#unserved], startedAt: this.#startedAt,
      ...(this.#error ? { error: this.#error } : {}),
    };
  }

  /**
   * Resolves once every served kind has been listed and stored since the watch started, calling
   * `onKind` after each (in order). A kind whose watch fails counts as done with its error; the
   * promise then rejects with every error once all kinds are accounted for.
   */
  initialSync(onKind: (progress: RefreshProgress) => Promise<void>, signal?: AbortSignal): Promise<{ kinds: number; objects: number }> {
    if (this.#state === 'error' || !this.#handle) return Promise.reject(new Error(this.#error ?? 'the cluster is not connected'));
    const total = this.#served.length;
    const done = new Set<string>();
    const errors: string[] = [];
    let objects = 0;
    let progress = Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        this.#syncListeners.delete(listener);
        signal?.removeEventListener('abort', aborted);
        void progress.then(() => (error ? reject(error) : errors.length > 0 ? reject(new Error(errors.join('; '))) : resolve({ kinds: total, objects })), reject);
      };
      const listener = (event: { kind: string; objects: number; error?: string }) => {
        if (done.has(event.kind) || !this.#served.some((k) => k.kind === event.kind)) return;
        done.add(event.kind);
        objects += event.objects;
        if (event.error) errors.push(`${event.kind}: ${event.error}`);
        const report: RefreshProgress = { kind: event.kind, done: done.size, total, objects: event.objects, ...(event.error ? { error: event.error } : {}) };
        progress = progress.then(() => onKind(report));
        if (done.size === total) finish();
      };
      const aborted = () => finish(new Error('cancelled'));
      signal?.addEventListener('abort', aborted, { once: true });
      this.#syncListeners.add(listener);
      this.#syncAborts.add(() => finish(new Error('the fabric\'s watch stopped (fabric deleted, connection changed or gateway stopping)')));
      // Kinds already stored (or failed) before the listener was added.
      const statuses = this.#handle?.status();
      for (const kind of this.#served) {
        if (kind.kind === 'Agent' ? this.#agentsListed : this.isKindSynced(kind.kind) && this.#stored.has(kind.kind)) {
          listener({ kind: kind.kind, objects: kind.kind === 'Agent' ? this.#agents.size : (this.#stored.get(kind.kind) ?? 0) });
        } else if (statuses?.get(kindKey(kind))?.state === 'error') {
          listener({ kind: kind.kind, objects: 0, error: statuses.get(kindKey(kind))?.lastError ?? 'error' });
        }
      }
      if (total === 0) finish();
    });
  }

  #notifySynced(event: { kind: string; objects: number; error?: string }): void {
    for (const listener of [...this.#syncListeners]) listener(event);
  }

  #fail(error: string): void {
    this.#state = 'error';
    this.#error = error;
    this.#init.options.logger.warn({ fabricId: this.#fabricId, error }, 'cluster watch cannot start');
    publish(this.#init.options.eventBus, this.#fabricId, { type: 'WATCH_STATUS_CHANGED', state: 'error', error });
  }

  async #discoverAndWatch(): Promise<void> {
    if (this.#stopped || !this.#client) return;
    try {
      const { served, missing } = await this.#client.discover(WATCHED_KINDS);
      if (this.#stopped) return;
      this.#served = served;
      this.#missing = missing;
    } catch (error) {
      // Unreachable or refusing API server: retry with the same backoff as the watch streams.
      this.#fail(`discovery failed: ${messageOf(error)}`);
      const delay = backoffDelay(this.#discoveryAttempt++, this.#init.options.backoff ?? DEFAULT_BACKOFF);
      this.#retryTimer = setTimeout(() => void this.#discoverAndWatch(), delay);
      return;
    }
    this.#state = 'watching';
    this.#error = undefined;
    const missingManaged = this.#missing.filter((k) => k.kind !== 'Agent').map((k) => k.kind);
    if (missingManaged.length > 0) {
      // A kind the cluster does not serve has no live objects and unknown drift (never "zero objects").
      const em = this.#init.options.orm.em.fork();
      await forgetLiveKinds(em, this.#fabricId, missingManaged).catch((error: unknown) =>
        this.#init.options.logger.warn({ fabricId: this.#fabricId, err: error }, 'could not clear live state of missing kinds'),
      );
    }
    publish(this.#init.options.eventBus, this.#fabricId, {
      type: 'WATCH_STATUS_CHANGED', state: 'watching', servedKinds: this.#served.map((k) => k.kind), missingKinds: this.#missing.map((k) => k.kind),
    });
    this.#handle = this.#client.watch(this.#served, {
      ...(this.#init.namespaces ? { namespaces: this.#init.namespaces } : {}),
      ...(this.#init.options.backoff ? { backoff: this.#init.options.backoff } : {}),
      onEvent: (event) => this.#accept(event),
      onStatus: (kind, status) => {
        if (status.state === 'error') this.#notifySynced({ kind: kind.kind, objects: 0, error: status.lastError ?? 'error' });
        if (status.state === 'error' && /\(404\)/.test(status.lastError ?? '') && !this.#unserved.has(kind.kind)) {
          // The CRD went away: its objects are gone and its drift is unknown, never "zero objects".
          this.#unserved.add(kind.kind);
          this.#relists.delete(kind.kind);
          void this.#forgetKind(kind.kind);
        }
        publish(this.#init.options.eventBus, this.#fabricId, {
          type: 'WATCH_STATUS_CHANGED', kind: kind.kind, state: status.state, ...(status.lastError ? { lastError: status.lastError } : {}),
        });
      },
    });
  }

  /** Takes one event into the pending batch; returns at once (the write happens on the next tick). */
  #accept(event: ClusterEvent): void {
    if (this.#stopped) return;
    if (event.kind.kind === 'Agent' && event.kind.group === 'agent.githedgehog.com') {
      if (event.type === 'synced') {
        this.#agents.clear();
        for (const object of event.objects) this.#agents.set(objectKey(object), object);
        this.#agentsListed = true;
        this.#notifySynced({ kind: 'Agent', objects: event.objects.length });
      } else if (event.type === 'upsert') this.#agents.set(objectKey(event.object), event.object);
      else this.#agents.delete(objectKey(event.object));
      // Health is computed when read (it ages with the heartbeat); subscribers learn that it moved.
      publish(this.#init.options.eventBus, this.#fabricId, {
        type: 'SWITCH_HEALTH_CHANGED',
        ...(event.type === 'synced' ? { count: event.objects.length } : { namespace: event.object.metadata.namespace ?? 'default', name: event.object.metadata.name }),
      });
      return;
    }
    const kind = event.kind.kind;
    let changes = this.#pending.get(kind);
    if (!changes) this.#pending.set(kind, (changes = { changes: new Map() }));
    if (event.type === 'synced') {
      this.#unserved.delete(kind);
      this.#relists.set(kind, (this.#relists.get(kind) ?? 0) + 1);
      changes.relisted = new Map(event.objects.map((object) => [objectKey(object), object]));
      changes.changes.clear();
    } else {
      changes.changes.set(objectKey(event.object), event.type === 'upsert' ? event.object : null);
    }
    this.#kick();
  }

  #kick(): void {
    if (this.#flushing) return;
    this.#flushing = (async () => {
      // One write per tick: events arriving together (a burst, a relist) share a transaction.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#pending.size > 0 && !this.#stopped) {
        const batch = this.#pending;
        this.#pending = new Map();
        const ok = await this.#write(batch);
        if (!ok) {
          this.#pending = mergeChanges(batch, this.#pending);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 1000);
            this.#stopSignal.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
          });
          continue;
        }
        for (const [kind, changes] of batch) {
          if (!changes.relisted) continue;
          this.#stored.set(kind, changes.relisted.size);
          if (this.isKindSynced(kind)) this.#notifySynced({ kind, objects: changes.relisted.size });
        }
      }
    })().finally(() => {
      this.#flushing = undefined;
      if (this.#pending.size > 0 && !this.#stopped) this.#kick();
    });
  }

  async #forgetKind(kind: string): Promise<void> {
    await this.#flushing;
    if (this.#stopped) return;
    try {
      await forgetLiveKinds(this.#init.options.orm.em.fork(), this.#fabricId, [kind]);
      publish(this.#init.options.eventBus, this.#fabricId, { type: 'LIVE_CHANGED', kind, cleared: true, count: 0, resources: [] });
      this.#scheduleRollup();
    } catch (error) {
      this.#init.options.logger.error({ fabricId: this.#fabricId, kind, err: error }, 'could not clear live state of a kind no longer served');
    }
  }

  /**
   * The fabric roll-up is a grouped count over all its rows: under a stream of events it runs at
   * most every ROLLUP_INTERVAL_MS (right away when idle), not once per write.
   */
  #scheduleRollup(): void {
    if (this.#rollupTimer || this.#stopped) return;
    const wait = Math.max(0, this.#lastRollupAt + ROLLUP_INTERVAL_MS - Date.now());
    this.#rollupTimer = setTimeout(() => {
      this.#rollupTimer = undefined;
      this.#lastRollupAt = Date.now();
      this.#rollupRunning = storeDriftRollup(this.#init.options.orm.em.fork(), this.#fabricId)
        .then((summary) => publishDriftSummary(this.#init.options.eventBus, this.#fabricId, summary.byStatus))
        .catch((error: unknown) => {
          if (!this.#stopped) this.#init.options.logger.error({ fabricId: this.#fabricId, err: error }, 'drift roll-up failed');
        })
        .finally(() => (this.#rollupRunning = undefined));
    }, wait);
  }

  async #write(batch: Map<string, KindChanges>): Promise<boolean> {
    const { orm, eventBus, logger } = this.#init.options;
    const em = orm.em.fork();
    try {
      const summary = await applyLiveChanges(em, this.#fabricId, batch, this.#init.sync);
      if (summary.live.length > 0) {
        publish(eventBus, this.#fabricId, {
          type: 'LIVE_CHANGED', count: summary.live.length, removed: summary.removed,
          resources: summary.live.slice(0, EVENT_ITEM_LIMIT),
        });
      }
      if (summary.drift.length > 0) publishDriftChanged(eventBus, this.#fabricId, summary.drift);
      if (summary.drift.length > 0 || summary.removed > 0) this.#scheduleRollup();
      return true;
    } catch (error) {
      if (this.#stopped) return true; // the fabric was deleted or the gateway is stopping
      logger.error({ fabricId: this.#fabricId, err: error }, 'writing live state failed; retrying');
      return false;
    }
  }
}

/** `older` then `newer`: a relist in `newer` replaces everything older of its kind. */
function mergeChanges(older: Map<string, KindChanges>, newer: Map<string, KindChanges>): Map<string, KindChanges> {
  const merged = new Map(older);
  for (const [kind, changes] of newer) {
    const previous = merged.get(kind);
    if (!previous || changes.relisted) {
      merged.set(kind, changes);
      continue;
    }
    merged.set(kind, {
      ...(previous.relisted ? { relisted: previous.relisted } : {}),
      changes: new Map([...previous.changes, ...changes.changes]),
    });
  }
  return merged;
}

function publishDriftChanged(eventBus: EventBus, fabricId: string, changes: LiveChangeSummary['drift']): void {
  publish(eventBus, fabricId, { type: 'DRIFT_CHANGED', count: changes.length, changes: changes.slice(0, EVENT_ITEM_LIMIT) });
}

function publishDriftSummary(eventBus: EventBus, fabricId: string, driftCounts: DriftCountsByStatus): void {
  publish(eventBus, fabricId, { type: 'DRIFT_SUMMARY_CHANGED', driftCounts, driftCount: driftedCount(driftCounts) });
}

function publish(eventBus: EventBus, fabricId: string, fields: { type: string; [key: string]: unknown }): void {
  const event: FabricEvent = { ...fields, fabricId, at: new Date().toISOString() };
  eventBus.publish(topics.fabric(fabricId), event);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
