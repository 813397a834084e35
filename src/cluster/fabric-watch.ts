/**
 * The watch of one fabric's cluster: discovery of the served Hedgehog kinds (retried with backoff),
 * one watch per served kind, and its status. Events of the managed kinds go to a LiveBatcher that
 * writes them to the resource rows (live-state-store.ts) and publishes what changed; Agent events
 * go to an AgentCache (switch health); a DriftFollower recomputes drift after Git-side changes
 * and keeps the fabric's roll-up fresh; a ChangeTracker moves the fabric's open changes through
 * APPLIED, CONVERGED, STALLED and DIVERGED from what the batches and Agent events changed.
 * Argo CD and Flux objects (optional CRDs, gitops-engines.ts) go to an EngineCache; `onEngines`
 * hears when they move.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { ChangeTracker } from '../changes/change-tracker.ts';
import type { EventBus } from '../events/event-bus.ts';
import { MANAGED_KINDS } from '../hedgehog/catalog.ts';
import type { Logger } from '../logger.ts';
import { AGENT_KIND, AgentCache, isAgentKind } from './agent-cache.ts';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import {
  kindKey,
  type BackoffOptions,
  type ClusterClient,
  type ClusterClientFactory,
  type ClusterConnection,
  type ClusterEvent,
  type ClusterObject,
  type WatchedKind,
  type WatchHandle,
  type WatchState,
} from './cluster-client.ts';
import { EVENT_ITEM_LIMIT, publishDriftChanged, publishDriftSummary } from './cluster-events.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import { DriftFollower } from './drift-follower.ts';
import { ENGINE_KINDS, EngineCache, isEngineKind } from './gitops-engines.ts';
import { LiveBatcher, type LiveBatch } from './live-batcher.ts';
import { applyLiveChanges, forgetLiveKinds, storeDriftRollup, type ClusterSyncState } from './live-state-store.ts';

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

/** The managed kinds (rows) and Agent (switch health), as the ClusterClient names them. */
export const WATCHED_KINDS: readonly WatchedKind[] = [...MANAGED_KINDS, ...(AGENT_KIND ? [AGENT_KIND] : [])].map(
  ({ group, version, kind, plural }) => ({ group, version, kind, plural }),
);

export interface FabricWatchInit {
  fabricId: string;
  connection: ClusterConnection | undefined;
  namespaces: string[] | undefined;
  orm: MikroORM;
  eventBus: EventBus;
  logger: Logger;
  createClient: ClusterClientFactory;
  /** Retry delays for discovery and for the watch streams. */
  backoff?: BackoffOptions | undefined;
  sync: ClusterSyncState;
  /** Recomputes (and publishes) the drift of these rows, or of every row of the fabric. */
  recompute: (resourceIds: readonly string[] | 'all') => Promise<void>;
  /** Told of every full list of a kind received (metrics). */
  onRelist?: ((fabricId: string, kind: string) => void) | undefined;
  /** Told when the GitOps engine objects (Argo CD, Flux; gitops-engines.ts) of the cluster change. */
  onEngines?: ((objects: ClusterObject[]) => void) | undefined;
  /** Change tracking settings (change-tracker.ts); the stall limit defaults to the fabric's. */
  changeTracking?: ChangeTrackingOptions | undefined;
}

export interface ChangeTrackingOptions {
  /** Overrides the fabric's `changeStallSeconds`. */
  stallSeconds?: number | undefined;
  /** A heartbeat older than this does not count for convergence. @default 120000 */
  heartbeatStaleAfterMs?: number | undefined;
  clock?: (() => Date) | undefined;
  /** A change applied or converged `seconds` after it landed (metrics). */
  onReached?: ((fabricId: string, milestone: 'applied' | 'converged', seconds: number) => void) | undefined;
}

/** The watchers of one fabric. */
export class FabricWatch {
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
  /** Served at start, then answered 404 (CRD removed): reported missing until listed again. */
  readonly #unserved = new Set<string>();
  #retryTimer: NodeJS.Timeout | undefined;
  #discoveryAttempt = 0;
  readonly #syncListeners = new Set<(event: { kind: string; objects: number; error?: string }) => void>();
  readonly #syncAborts = new Set<() => void>();
  /** Objects in the last stored relist of each kind (progress of a refresh). */
  readonly #stored = new Map<string, number>();
  readonly #stopSignal = new AbortController();
  readonly #agents = new AgentCache();
  /** GitOps engine kinds the cluster serves (optional CRDs: never missing, never an error). */
  #engineKinds: WatchedKind[] = [];
  readonly #engines = new EngineCache();
  readonly #batcher: LiveBatcher;
  readonly #follower: DriftFollower;
  readonly #tracker: ChangeTracker;

  constructor(init: FabricWatchInit) {
    this.#init = init;
    const { fabricId, eventBus, logger, orm } = init;
    const signal = this.#stopSignal.signal;
    this.#batcher = new LiveBatcher({
      signal,
      write: (batch) => this.#write(batch),
      onWriteFailed: (error) => logger.error({ fabricId, err: error }, 'writing live state failed; retrying'),
      onRelistStored: (kind, objects) => {
        this.#stored.set(kind, objects);
        this.#tracker.kindRelisted(kind);
        if (this.isKindSynced(kind)) this.#notifySynced({ kind, objects });
      },
    });
    this.#tracker = new ChangeTracker({
      fabricId,
      orm,
      eventBus,
      logger,
      signal,
      agent: (namespace, name) => this.#agents.get(namespace, name),
      isKindSynced: (kind) => this.isKindSynced(kind),
      ...init.changeTracking,
    });
    this.#follower = new DriftFollower({
      fabricId,
      eventBus,
      logger,
      signal,
      recompute: init.recompute,
      rollup: async () =>
        publishDriftSummary(eventBus, fabricId, (await storeDriftRollup(orm.em.fork(), fabricId)).byStatus),
    });
  }

  get #fabricId(): string {
    return this.#init.fabricId;
  }

  get #stopped(): boolean {
    return this.#stopSignal.signal.aborted;
  }

  async start(): Promise<void> {
    if (!this.#init.connection) return this.#fail('the fabric has a server but no credentials');
    try {
      this.#client = await this.#init.createClient(this.#init.connection);
    } catch (error) {
      return this.#fail(messageOf(error));
    }
    // Stopped while the adapter was loading: start nothing.
    if (this.#stopped) return;
    this.#follower.start();
    await this.#tracker.start().catch((error: unknown) => {
      if (!this.#stopped)
        this.#init.logger.error({ fabricId: this.#fabricId, err: error }, 'change tracking could not start');
    });
    if (this.#stopped) return;
    await this.#discoverAndWatch();
  }

  async stop(): Promise<void> {
    for (const abort of this.#syncAborts) abort();
    this.#syncAborts.clear();
    this.#stopSignal.abort();
    clearTimeout(this.#retryTimer);
    await this.#handle?.stop();
    await this.#batcher.idle();
    await this.#follower.finish();
    await this.#tracker.stop();
    this.#state = 'stopped';
  }

  isKindSynced(kind: string): boolean {
    if (this.#stopped || this.#unserved.has(kind) || !this.#served.some((k) => k.kind === kind)) return false;
    return (this.#relists.get(kind) ?? 0) >= (this.#init.namespaces?.length ?? 1);
  }

  agent(namespace: string, name: string): ClusterObject | undefined {
    return this.#agents.get(namespace, name);
  }

  /** The GitOps engine objects of the cluster (gitops-engines.ts matches them to the fabric). */
  engines(): ClusterObject[] {
    return this.#engines.objects();
  }

  /** The tracker of the fabric's open changes (tests and benchmarks await its evaluations). */
  get changeTracker(): ChangeTracker {
    return this.#tracker;
  }

  /** The fabric's settings changed (its stall limit): the tracker reads them again. */
  settingsChanged(): void {
    void this.#tracker.reloadSettings().catch((error: unknown) => {
      if (!this.#stopped)
        this.#init.logger.error({ fabricId: this.#fabricId, err: error }, 'reading the stall limit failed');
    });
  }

  status(): FabricClusterStatus {
    const live = this.#handle?.status();
    const kinds: KindWatchStatus[] = WATCHED_KINDS.filter(
      (k) => this.#served.includes(k) || this.#missing.includes(k),
    ).map((kind) => {
      if (this.#missing.includes(kind))
        return {
          kind: kind.kind,
          group: kind.group,
          version: kind.version,
          state: 'missing',
          synced: false,
          eventCount: 0,
        };
      const status = live?.get(kindKey(kind));
      return {
        kind: kind.kind,
        group: kind.group,
        version: kind.version,
        state: this.#stopped ? 'stopped' : (status?.state ?? 'starting'),
        synced: this.isKindSynced(kind.kind),
        eventCount: status?.eventCount ?? 0,
        ...(status?.lastEventAt ? { lastEventAt: status.lastEventAt } : {}),
        ...(status?.lastError ? { lastError: status.lastError } : {}),
        ...(status?.resourceVersion ? { resourceVersion: status.resourceVersion } : {}),
      };
    });
    return {
      fabricId: this.#fabricId,
      state: this.#state,
      kinds,
      missingKinds: [...this.#missing.map((k) => k.kind), ...this.#unserved],
      startedAt: this.#startedAt,
      ...(this.#error ? { error: this.#error } : {}),
    };
  }

  /**
   * Resolves once every served kind has been listed and stored since the watch started, calling
   * `onKind` after each (in order). A kind whose watch fails counts as done with its error; the
   * promise then rejects with every error once all kinds are accounted for.
   */
  initialSync(
    onKind: (progress: RefreshProgress) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<{ kinds: number; objects: number }> {
    if (this.#state === 'error' || !this.#handle)
      return Promise.reject(new Error(this.#error ?? 'the cluster is not connected'));
    const total = this.#served.length;
    const done = new Set<string>();
    const errors: string[] = [];
    let objects = 0;
    let progress = Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        this.#syncListeners.delete(listener);
        signal?.removeEventListener('abort', aborted);
        void progress.then(
          () =>
            error
              ? reject(error)
              : errors.length > 0
                ? reject(new Error(errors.join('; ')))
                : resolve({ kinds: total, objects }),
          reject,
        );
      };
      const listener = (event: { kind: string; objects: number; error?: string }) => {
        if (done.has(event.kind) || !this.#served.some((k) => k.kind === event.kind)) return;
        done.add(event.kind);
        objects += event.objects;
        if (event.error) errors.push(`${event.kind}: ${event.error}`);
        const report: RefreshProgress = {
          kind: event.kind,
          done: done.size,
          total,
          objects: event.objects,
          ...(event.error ? { error: event.error } : {}),
        };
        progress = progress.then(() => onKind(report));
        if (done.size === total) finish();
      };
      const aborted = () => finish(new Error('cancelled'));
      signal?.addEventListener('abort', aborted, { once: true });
      this.#syncListeners.add(listener);
      this.#syncAborts.add(() =>
        finish(new Error("the fabric's watch stopped (fabric deleted, connection changed or gateway stopping)")),
      );
      // Kinds already stored (or failed) before the listener was added.
      const statuses = this.#handle?.status();
      for (const kind of this.#served) {
        if (kind.kind === 'Agent' ? this.#agents.listed : this.isKindSynced(kind.kind) && this.#stored.has(kind.kind)) {
          listener({
            kind: kind.kind,
            objects: kind.kind === 'Agent' ? this.#agents.size : (this.#stored.get(kind.kind) ?? 0),
          });
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
    this.#init.logger.warn({ fabricId: this.#fabricId, error }, 'cluster watch cannot start');
    publishFabricEvent(this.#init.eventBus, this.#fabricId, { type: 'WATCH_STATUS_CHANGED', state: 'error', error });
  }

  async #discoverAndWatch(): Promise<void> {
    if (this.#stopped || !this.#client) return;
    try {
      // Engine CRDs are optional: any failure to discover them means none.
      const [{ served, missing }, engines] = await Promise.all([
        this.#client.discover(WATCHED_KINDS),
        this.#client.discover(ENGINE_KINDS).catch(() => ({ served: [] })),
      ]);
      if (this.#stopped) return;
      this.#served = served;
      this.#missing = missing;
      this.#engineKinds = engines.served;
    } catch (error) {
      // Unreachable or refusing API server: retry with the same backoff as the watch streams.
      this.#fail(`discovery failed: ${messageOf(error)}`);
      const delay = backoffDelay(this.#discoveryAttempt++, this.#init.backoff ?? DEFAULT_BACKOFF);
      this.#retryTimer = setTimeout(() => void this.#discoverAndWatch(), delay);
      return;
    }
    this.#state = 'watching';
    this.#error = undefined;
    const missingManaged = this.#missing.filter((k) => k.kind !== 'Agent').map((k) => k.kind);
    if (missingManaged.length > 0) {
      // A kind the cluster does not serve has no live objects and unknown drift (never "zero objects").
      const em = this.#init.orm.em.fork();
      await forgetLiveKinds(em, this.#fabricId, missingManaged).catch((error: unknown) =>
        this.#init.logger.warn({ fabricId: this.#fabricId, err: error }, 'could not clear live state of missing kinds'),
      );
    }
    publishFabricEvent(this.#init.eventBus, this.#fabricId, {
      type: 'WATCH_STATUS_CHANGED',
      state: 'watching',
      servedKinds: this.#served.map((k) => k.kind),
      missingKinds: this.#missing.map((k) => k.kind),
    });
    this.#handle = this.#client.watch([...this.#served, ...this.#engineKinds], {
      ...(this.#init.namespaces ? { namespaces: this.#init.namespaces } : {}),
      ...(this.#init.backoff ? { backoff: this.#init.backoff } : {}),
      onEvent: (event) => this.#accept(event),
      onStatus: (kind, status) => {
        if (isEngineKind(kind)) return;
        if (status.state === 'error')
          this.#notifySynced({ kind: kind.kind, objects: 0, error: status.lastError ?? 'error' });
        if (status.state === 'error' && /\(404\)/.test(status.lastError ?? '') && !this.#unserved.has(kind.kind)) {
          // The CRD went away: its objects are gone and its drift is unknown, never "zero objects".
          this.#unserved.add(kind.kind);
          this.#relists.delete(kind.kind);
          void this.#forgetKind(kind.kind);
        }
        publishFabricEvent(this.#init.eventBus, this.#fabricId, {
          type: 'WATCH_STATUS_CHANGED',
          kind: kind.kind,
          state: status.state,
          ...(status.lastError ? { lastError: status.lastError } : {}),
        });
      },
    });
    // Changes move once the cluster is known: every served kind listed (or failed) once.
    const ready = () => this.#tracker.ready();
    this.initialSync(async () => {}).then(ready, ready);
  }

  /** Agent events update the cache; events of managed kinds go to the batcher (written on the next tick). */
  #accept(event: ClusterEvent): void {
    if (this.#stopped) return;
    if (isEngineKind(event.kind)) {
      if (this.#engines.apply(event)) this.#init.onEngines?.(this.#engines.objects());
      return;
    }
    if (event.type === 'synced') this.#init.onRelist?.(this.#fabricId, event.kind.kind);
    if (isAgentKind(event.kind)) {
      this.#agents.apply(event);
      if (event.type === 'synced') this.#notifySynced({ kind: 'Agent', objects: event.objects.length });
      if (event.type === 'synced') this.#tracker.agentsListed();
      else this.#tracker.agentChanged(event.object.metadata.namespace ?? 'default', event.object.metadata.name);
      // Health is computed when read (it ages with the heartbeat); subscribers learn that it moved.
      publishFabricEvent(this.#init.eventBus, this.#fabricId, {
        type: 'SWITCH_HEALTH_CHANGED',
        ...(event.type === 'synced'
          ? { count: event.objects.length }
          : { namespace: event.object.metadata.namespace ?? 'default', name: event.object.metadata.name }),
      });
      return;
    }
    if (event.type === 'synced') {
      this.#unserved.delete(event.kind.kind);
      this.#relists.set(event.kind.kind, (this.#relists.get(event.kind.kind) ?? 0) + 1);
    }
    this.#batcher.add(event);
  }

  async #forgetKind(kind: string): Promise<void> {
    await this.#batcher.idle();
    if (this.#stopped) return;
    try {
      await forgetLiveKinds(this.#init.orm.em.fork(), this.#fabricId, [kind]);
      publishFabricEvent(this.#init.eventBus, this.#fabricId, {
        type: 'LIVE_CHANGED',
        kind,
        cleared: true,
        count: 0,
        resources: [],
      });
      this.#follower.scheduleRollup();
    } catch (error) {
      this.#init.logger.error(
        { fabricId: this.#fabricId, kind, err: error },
        'could not clear live state of a kind no longer served',
      );
    }
  }

  /** One batch in one transaction, then what changed published; a throw makes the batcher retry. */
  async #write(batch: LiveBatch): Promise<void> {
    const { orm, eventBus } = this.#init;
    const summary = await applyLiveChanges(orm.em.fork(), this.#fabricId, batch, this.#init.sync);
    this.#tracker.liveChanged(summary.live);
    if (summary.live.length > 0) {
      publishFabricEvent(eventBus, this.#fabricId, {
        type: 'LIVE_CHANGED',
        count: summary.live.length,
        removed: summary.removed,
        resources: summary.live.slice(0, EVENT_ITEM_LIMIT),
      });
    }
    if (summary.drift.length > 0) publishDriftChanged(eventBus, this.#fabricId, summary.drift);
    if (summary.drift.length > 0 || summary.removed > 0) this.#follower.scheduleRollup();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
