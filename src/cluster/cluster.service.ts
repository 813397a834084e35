/**
 * Cluster use cases of one unit of work: test a fabric's connection, adopt live-only objects as
 * drafts, read what the watchers know (status, switch health, drift), queue a cluster_refresh,
 * and that operation's steps. The long-lived watchers are FabricWatchers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, requireId } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { FabricService } from '../fabric/fabric.service.ts';
import { canonicalize } from '../hedgehog/canonical.ts';
import { cancellable } from '../operations/cancellable.ts';
import { checkCancelled } from '../operations/cancellation.ts';
import type { OperationSteps } from '../operations/operation-handler.ts';
import type { SyncOperation } from '../operations/sync-operation.entity.ts';
import type { SyncOperationService } from '../operations/sync-operation.service.ts';
import { ResourceSchema, type Resource } from '../resource/resource.entity.ts';
import { resourceIdsOf } from '../resource/resource.repository.ts';
import type { Actor } from '../resource/resource.service.ts';
import { editableStateOf, setDraft } from '../resource/resource-state.ts';
import type { ClusterClient, ClusterClientFactory, ConnectionTestResult } from './cluster-client.ts';
import { connectionOf } from './fabric-connection.ts';
import type { FabricClusterStatus } from './fabric-watch.ts';
import type { FabricWatchers } from './fabric-watchers.ts';
import { driftSummary, recomputeDrift, type StoredDriftSummary } from './live-state-store.ts';
import { switchHealth, type SwitchHealth } from './switch-health.ts';
import { fabricEngines } from '../changes/change-engine.ts';
import type { GitopsEngineStatus } from './gitops-engines.ts';

export interface ClusterServiceDependencies {
  em: EntityManager;
  fabrics: FabricService;
  eventBus: EventBus;
  /** Launches the cluster_refresh operation. */
  operations: SyncOperationService;
  /** This process's watchers (absent in scripts that do not watch clusters). */
  watchers?: FabricWatchers | undefined;
  /** Builds the client of a connection (the composition root passes the Kubernetes adapter). */
  createClient: ClusterClientFactory;
}

export class ClusterService {
  private readonly deps: ClusterServiceDependencies;

  constructor(deps: ClusterServiceDependencies) {
    this.deps = deps;
  }

  /** Watch state per kind in this gateway process. */
  status(fabric: Fabric): FabricClusterStatus {
    const status = this.watchers().status(fabric.id);
    // Saved a moment ago, its watch not started yet: say so rather than "not configured".
    return status.state === 'not_configured' && fabric.kubernetesServer
      ? { ...status, state: 'connecting' as const }
      : status;
  }

  /** The Argo CD Applications and Flux Kustomizations of the fabric's cluster that deploy its directory. */
  gitopsEngines(fabricId: string): Promise<GitopsEngineStatus[]> {
    return fabricEngines(this.deps.em, fabricId, this.deps.watchers?.engines(fabricId) ?? []);
  }

  /** The health of a Switch from its Agent object, when the cluster has one; null otherwise. */
  switchHealth(resource: Resource): SwitchHealth | null {
    if (resource.kind !== 'Switch') return null;
    const agent = this.deps.watchers?.agent(resource.fabric.id, resource.namespace, resource.name);
    return agent ? switchHealth(agent, new Date()) : null;
  }

  /** Resources of the fabric by drift status and by kind. */
  driftSummary(fabricId: string): Promise<StoredDriftSummary> {
    return driftSummary(this.deps.em, fabricId);
  }

  /** Queues a cluster_refresh (full relist, then drift recomputed); refused for a fabric with no cluster connection. */
  async startRefresh(fabricId: string, actor: string): Promise<SyncOperation> {
    const fabric = await this.deps.fabrics.get(fabricId);
    if (!fabric.kubernetesServer)
      throw new DomainError('INVALID_INPUT', 'The fabric has no cluster connection', { fabricId: fabric.id });
    return this.deps.operations.launch({
      fabricId: fabric.id,
      type: 'cluster_refresh',
      initiatedBy: actor,
      jobKey: `cluster_refresh:${fabric.id}`,
    });
  }

  /** Really contacts the fabric's API server; the error text never contains credentials. */
  async testConnection(fabricId: string): Promise<ConnectionTestResult> {
    const fabric = await this.deps.fabrics.get(fabricId);
    if (!fabric.kubernetesServer) return { ok: false, error: 'the fabric has no cluster connection' };
    const connection = connectionOf(fabric.kubernetesServer, await this.deps.fabrics.readKubernetesCredentials(fabric));
    if (!connection) return { ok: false, error: 'the fabric has a server but no credentials' };
    let client: ClusterClient;
    try {
      client = await this.deps.createClient(connection);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    return client.testConnection();
  }

  /**
   * Copies live-only objects (in the cluster, not in Git, no draft) into drafts authored by
   * `actor`, so that the next commit puts them in Git. Refuses the whole request when any id is
   * not such an object. Cluster-owned metadata (fabric labels, last-applied) is left out.
   */
  async adopt(fabricId: string, ids: readonly string[], actor: Actor): Promise<Resource[]> {
    await this.deps.fabrics.get(fabricId);
    const unique = [...new Set(ids.map((id) => requireId('Resource', id)))];
    if (unique.length === 0) throw new DomainError('INVALID_INPUT', 'Give at least one resource id to adopt');
    const resources = await this.deps.em.find(ResourceSchema, { id: { $in: unique }, fabric: fabricId });
    const found = new Map(resources.map((resource) => [resource.id, resource]));
    const problems = unique.flatMap((id, index) => {
      const resource = found.get(id);
      const path = `$.ids[${index}]`;
      if (!resource) return [{ path, id, message: 'no such resource in this fabric' }];
      if (resource.liveResourceVersion == null || resource.desiredSpec != null || resource.draftAction != null) {
        return [
          {
            path,
            id,
            message: `${resource.kind} ${resource.namespace}/${resource.name} is not live-only (it is in Git, has a draft, or is not in the cluster)`,
          },
        ];
      }
      return [];
    });
    if (problems.length > 0) {
      throw new DomainError(
        'INVALID_INPUT',
        `Only live-only resources can be adopted: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        { problems },
      );
    }
    const now = new Date();
    for (const resource of resources) {
      const clean = canonicalize({
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        metadata: {
          name: resource.name,
          namespace: resource.namespace,
          ...(resource.liveLabels ? { labels: resource.liveLabels } : {}),
          ...(resource.liveAnnotations ? { annotations: resource.liveAnnotations } : {}),
        },
        spec: resource.liveSpec ?? {},
      });
      // Live-only: no desired version, so the draft has no base.
      setDraft(resource, editableStateOf(clean), actor.name, now);
    }
    await this.deps.em.flush();
    for (const resource of resources) {
      publishFabricEvent(this.deps.eventBus, fabricId, {
        type: 'DRAFT_CHANGED',
        resourceId: resource.id,
        kind: resource.kind,
        name: resource.name,
        action: 'upsert',
        actor: actor.name,
        adopted: true,
      });
    }
    return unique.map((id) => found.get(id) as Resource);
  }

  private watchers(): FabricWatchers {
    if (!this.deps.watchers) throw new Error('cluster watchers are not running in this process');
    return this.deps.watchers;
  }
}

/**
 * The cluster_refresh operation: the fabric's watch restarted (discovery, then a full list of every
 * served kind, each replacing the live view of its kind), then drift recomputed for every row of
 * the fabric, with progress per kind.
 */
export function clusterRefreshSteps(
  watchers: FabricWatchers,
  eventBus: EventBus,
): OperationSteps<{ em: EntityManager; operations: SyncOperationService }> {
  return cancellable(eventBus, async ({ services, progress, operation, signal }) => {
    const fabricId = operation.fabric.id;
    await progress({ phase: 'listing', progressDone: 0, progressTotal: 0 }, [
      { message: 'relisting every served kind' },
    ]);
    const result = await watchers.refresh(
      fabricId,
      async ({ kind, done, total, objects, error }) => {
        await progress(
          { progressDone: done, progressTotal: total, filesProcessed: operation.filesProcessed + objects },
          [
            error
              ? { level: 'error', message: `${kind}: ${error}`, path: kind }
              : { message: `${kind}: ${objects} objects`, path: kind },
          ],
        );
      },
      signal,
    );
    // Listed: a cancel from here on leaves the rows as the relist stored them, drift not recomputed.
    checkCancelled(signal);
    await progress({ phase: 'drift' }, [{ message: 'recomputing drift' }]);
    const changed = await watchers.recomputeDrift(services.em, await resourceIdsOf(services.em, fabricId));
    const missing = watchers.status(fabricId).missingKinds;
    await progress(
      {
        phase: 'done',
        details: {
          ...operation.details,
          kinds: result.kinds,
          objects: result.objects,
          driftChanged: changed.length,
          missingKinds: missing,
        },
      },
      [
        {
          message: `${result.objects} objects in ${result.kinds} kinds${missing.length ? `; not served: ${missing.join(', ')}` : ''}`,
        },
      ],
    );
    return { filesProcessed: result.objects };
  });
}

/** Re-exported for ingestion code that has no FabricWatchers at hand (drift then UNKNOWN). */
export { recomputeDrift };
