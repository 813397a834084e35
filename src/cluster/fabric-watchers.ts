/**
 * One process's cluster watchers: a registry of one FabricWatch per fabric with a cluster
 * connection (fabric-watch.ts), with the work per fabric serialised, so a delete that arrives
 * while the watch is starting still ends with no open watch.
 *
 * Follows fabric creation, connection changes and deletion through `fabricChanged`, the one
 * callback the FabricService calls after each committed change. The client of a connection and
 * the reader of a fabric's connection (its credentials) are handed in by the composition root.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus } from '../events/event-bus.ts';
import { fabricExists, fabricIdsWithCluster } from '../fabric/fabric.repository.ts';
import type { FabricChangeNotice } from '../fabric/fabric.service.ts';
import type { Logger } from '../logger.ts';
import { followEngines } from '../changes/change-engine.ts';
import { fabricIdsOf, resourceIdsOf } from '../resource/resource.repository.ts';
import type { BackoffOptions, ClusterClientFactory, ClusterObject } from './cluster-client.ts';
import { publishDriftChanged, publishDriftSummary } from './cluster-events.ts';
import type { FabricConnection } from './fabric-connection.ts';
import {
  FabricWatch,
  type ChangeTrackingOptions,
  type FabricClusterStatus,
  type RefreshProgress,
} from './fabric-watch.ts';
import type { ChangeTracker } from '../changes/change-tracker.ts';
import {
  forgetLiveKinds,
  recomputeDrift,
  storeDriftRollup,
  type ClusterSyncState,
  type LiveChangeSummary,
} from './live-state-store.ts';

export interface FabricWatchersOptions {
  orm: MikroORM;
  eventBus: EventBus;
  logger: Logger;
  /** Builds the client of a fabric's connection (the composition root passes the Kubernetes adapter). */
  createClient: ClusterClientFactory;
  /** A fabric's cluster connection, credentials decrypted; null when it has none (or no longer exists). */
  readConnection: (fabricId: string) => Promise<FabricConnection | null>;
  /** Retry delays for discovery and for the watch streams. */
  backoff?: BackoffOptions;
  /** Told of every full list of a kind a fabric's watch receives (metrics). */
  onRelist?: (fabricId: string, kind: string) => void;
  /** Change tracking settings for every fabric's watch (the stall limit is each fabric's own). */
  changeTracking?: ChangeTrackingOptions;
}

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
    let fabricIds: string[];
    try {
      fabricIds = await fabricIdsWithCluster(em);
    } catch (error) {
      this.#options.logger.error({ err: error }, 'cluster watchers not started: fabrics cannot be read');
      return;
    }
    for (const fabricId of fabricIds) void this.#enqueue(fabricId, () => this.#startFabric(fabricId));
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
    if (!change.clusterChanged) {
      // Another setting may have changed (the stall limit of change tracking).
      if (change.type === 'updated') this.#fabrics.get(change.fabricId)?.settingsChanged();
      return Promise.resolve();
    }
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

  /** The GitOps engine objects (Argo CD, Flux) of a fabric's cluster; gitops-engines.ts matches them. */
  engines(fabricId: string): ClusterObject[] {
    return this.#fabrics.get(fabricId)?.engines() ?? [];
  }

  /** The Agent object of a switch (same name and namespace), when the cluster has one. */
  agent(fabricId: string, namespace: string, name: string): ClusterObject | undefined {
    return this.#fabrics.get(fabricId)?.agent(namespace, name);
  }

  /** The change tracker of a fabric's watch (tests and benchmarks await its evaluations). */
  changeTracker(fabricId: string): ChangeTracker | undefined {
    return this.#fabrics.get(fabricId)?.changeTracker;
  }

  /**
   * Full relist of every served kind of a fabric, each written as a replacement of the live view
   * of its kind; `onKind` is called after each kind is stored.
   */
  async refresh(
    fabricId: string,
    onKind: (progress: RefreshProgress) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<{ kinds: number; objects: number }> {
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
  async recomputeDrift(
    em: Parameters<typeof recomputeDrift>[0],
    resourceIds: readonly string[],
  ): Promise<LiveChangeSummary['drift']> {
    const changed = await recomputeDrift(em, resourceIds, this);
    const byFabric = new Map<string, LiveChangeSummary['drift']>();
    if (changed.length === 0) return changed;
    const fabricOf = await fabricIdsOf(
      em,
      changed.map((c) => c.resourceId),
    );
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
    const { orm, eventBus, logger, createClient, backoff, onRelist, changeTracking } = this.#options;
    const watch = new FabricWatch({
      fabricId,
      namespaces: settings.namespaces,
      connection: settings.connection,
      orm,
      eventBus,
      logger,
      createClient,
      backoff,
      onRelist,
      changeTracking,
      sync: this,
      onEngines: followEngines({ fabricId, fork: () => orm.em.fork(), eventBus, logger }),
      recompute: async (ids) => {
        const recomputeEm = this.#options.orm.em.fork();
        const all = ids === 'all' ? await resourceIdsOf(recomputeEm, fabricId) : ids;
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
    if (!(await fabricExists(em, fabricId))) return;
    await forgetLiveKinds(em, fabricId, 'all');
    const summary = await storeDriftRollup(em, fabricId);
    publishDriftSummary(this.#options.eventBus, fabricId, summary.byStatus);
  }
}
