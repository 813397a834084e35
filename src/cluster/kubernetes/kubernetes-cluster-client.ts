/**
 * ClusterClient adapter on @kubernetes/client-node 2 (this folder is the only place importing it).
 *
 * Discovery reads `/apis/<group>/<version>` (APIResourceList), lists go through CustomObjectsApi
 * with limit + continue, watches are `runListWatch` loops on the library's `Watch` (see
 * list-watch.ts for why not `makeInformer`). Works with http:// and https:// servers.
 */
import { ApisApi, CustomObjectsApi, VersionApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_BACKOFF } from '../backoff.ts';
import {
  ClusterRequestError,
  kindKey,
  objectKey,
  type ClusterClient,
  type ClusterConnection,
  type ClusterEvent,
  type ClusterObject,
  type ConnectionTestResult,
  type ListOptions,
  type WatchedKind,
  type WatchHandle,
  type WatchOptions,
  type WatchStatus,
} from '../cluster-client.ts';
import type { GatewayAddress } from '../cluster-server.ts';
import { buildKubeConfig } from './kube-config.ts';
import { toClusterRequestError } from './kube-errors.ts';
import { abortable, runListWatch } from './list-watch.ts';

export interface KubernetesClusterClientOptions {
  /** Limit for each request other than watch streams. @default 15000 */
  requestTimeoutMs?: number;
  /** Objects per list page. @default 500 */
  pageSize?: number;
  /** This gateway's listen address: a server pointing back at it is refused. */
  gateway?: GatewayAddress | undefined;
}

/** Throws ClusterConfigError (with the offending field) for unusable connection settings. */
export function createKubernetesClusterClient(
  connection: ClusterConnection,
  options: KubernetesClusterClientOptions = {},
): ClusterClient {
  return new KubernetesClusterClient(buildKubeConfig(connection, { gateway: options.gateway }), options);
}

class KubernetesClusterClient implements ClusterClient {
  readonly #kc: KubeConfig;
  readonly #customObjects: CustomObjectsApi;
  readonly #requestTimeoutMs: number;
  readonly #pageSize: number;

  constructor(kc: KubeConfig, options: KubernetesClusterClientOptions) {
    this.#kc = kc;
    this.#customObjects = kc.makeApiClient(CustomObjectsApi);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.#pageSize = options.pageSize ?? 500;
  }

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      const version = await this.#request('get server version', () => this.#kc.makeApiClient(VersionApi).getCode());
      // /version is often readable anonymously; API discovery is not, so it proves the credentials.
      await this.#request('list API groups', () => this.#kc.makeApiClient(ApisApi).getAPIVersions());
      return { ok: true, serverVersion: version.gitVersion };
    } catch (error) {
      return { ok: false, error: toClusterRequestError('connect', error).message };
    }
  }

  async discover(kinds: readonly WatchedKind[]): Promise<{ served: WatchedKind[]; missing: WatchedKind[] }> {
    const byGroupVersion = new Map<string, Promise<Set<string> | undefined>>();
    for (const kind of kinds) {
      const groupVersion = `${kind.group}/${kind.version}`;
      if (byGroupVersion.has(groupVersion)) continue;
      byGroupVersion.set(
        groupVersion,
        this.#request(`discover ${groupVersion}`, () =>
          this.#customObjects.getAPIResources({ group: kind.group, version: kind.version }),
        ).then(
          (list) => new Set(list.resources.map((resource) => `${resource.name}\u0000${resource.kind}`)),
          (error: unknown) => {
            // 404: nothing of this group/version is installed. Anything else means we cannot tell.
            if (error instanceof ClusterRequestError && error.status === 404) return undefined;
            throw error;
          },
        ),
      );
    }
    const resourcesByGroupVersion = new Map(
      await Promise.all([...byGroupVersion].map(async ([gv, promise]) => [gv, await promise] as const)),
    );
    const served: WatchedKind[] = [];
    const missing: WatchedKind[] = [];
    for (const kind of kinds) {
      const resources = resourcesByGroupVersion.get(`${kind.group}/${kind.version}`);
      (resources?.has(`${kind.plural}\u0000${kind.kind}`) ? served : missing).push(kind);
    }
    return { served, missing };
  }

  async list(
    kind: WatchedKind,
    options: ListOptions = {},
  ): Promise<{ objects: ClusterObject[]; resourceVersion: string }> {
    if (!options.namespaces) return this.#listScope(kind, undefined, options.pageSize ?? this.#pageSize);
    const objects: ClusterObject[] = [];
    let resourceVersion = '';
    for (const namespace of options.namespaces) {
      const listed = await this.#listScope(kind, namespace, options.pageSize ?? this.#pageSize);
      objects.push(...listed.objects);
      resourceVersion = listed.resourceVersion;
    }
    return { objects, resourceVersion };
  }

  watch(kinds: readonly WatchedKind[], options: WatchOptions): WatchHandle {
    const controller = new AbortController();
    const watch = new Watch(this.#kc);
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    const statuses = new Map<string, WatchStatus>();
    const chains: Promise<void>[] = [];
    const loops: Promise<void>[] = [];
    let stopped = false;

    for (const kind of kinds) {
      const key = kindKey(kind);
      const status: WatchStatus = { state: 'starting', eventCount: 0 };
      statuses.set(key, status);
      const store = new Map<string, ClusterObject>();
      let chain = Promise.resolve();
      const chainIndex = chains.push(chain) - 1;

      const emit = (event: ClusterEvent) => {
        status.eventCount++;
        status.lastEventAt = new Date();
        // Per kind, in order: the next event waits for the consumer's promise.
        chain = chain.then(async () => {
          if (stopped) return;
          try {
            await options.onEvent(event);
          } catch (error) {
            setStatus({ lastError: `onEvent failed: ${error instanceof Error ? error.message : String(error)}` });
          }
        });
        chains[chainIndex] = chain;
      };
      const setStatus = (patch: Partial<WatchStatus>) => {
        const changed =
          (patch.state !== undefined && patch.state !== status.state) ||
          (patch.lastError !== undefined && patch.lastError !== status.lastError);
        Object.assign(status, patch);
        if (changed && !(stopped && patch.state !== 'stopped')) options.onStatus?.(kind, { ...status });
      };

      const scopes: (string | undefined)[] = options.namespaces ?? [undefined];
      let running = scopes.length;
      for (const namespace of scopes) {
        loops.push(
          runListWatch({
            path: resourcePath(kind, namespace),
            watch,
            list: () => this.#listScope(kind, namespace, this.#pageSize),
            backoff,
            signal: controller.signal,
            onListed: (objects) => {
              // A relist of one namespace replaces that namespace only; consumers get the whole kind.
              for (const [k, object] of store)
                if (namespace === undefined || object.metadata.namespace === namespace) store.delete(k);
              for (const object of objects) store.set(objectKey(object), object);
              emit({ type: 'synced', kind, objects: [...store.values()] });
            },
            onChange: (type, object) => {
              if (type === 'upsert') store.set(objectKey(object), object);
              else store.delete(objectKey(object));
              emit({ type, kind, object });
            },
            onState: (state, details) => {
              if (state === 'stopped' && --running > 0) return;
              setStatus({ state, ...details });
            },
            onResourceVersion: (resourceVersion) => {
              status.resourceVersion = resourceVersion;
            },
          }),
        );
      }
    }

    return {
      stop: async () => {
        stopped = true;
        controller.abort();
        await Promise.all(loops);
        await Promise.all(chains);
      },
      status: () => new Map([...statuses].map(([key, status]) => [key, { ...status }])),
    };
  }

  /** All pages of one scope. An expired continue token (410) restarts the list, then falls back to one unpaginated request. */
  async #listScope(
    kind: WatchedKind,
    namespace: string | undefined,
    pageSize: number,
  ): Promise<{ objects: ClusterObject[]; resourceVersion: string }> {
    const operation = `list ${kind.group}/${kind.version} ${kind.plural}${namespace ? ` in namespace ${namespace}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      const limit = attempt < 3 ? pageSize : undefined;
      const objects: ClusterObject[] = [];
      let continueToken: string | undefined;
      try {
        do {
          const token = continueToken;
          const page = await this.#request(operation, () =>
            namespace === undefined
              ? this.#customObjects.listClusterCustomObject({
                  group: kind.group,
                  version: kind.version,
                  plural: kind.plural,
                  limit,
                  _continue: token,
                })
              : this.#customObjects.listNamespacedCustomObject({
                  group: kind.group,
                  version: kind.version,
                  namespace,
                  plural: kind.plural,
                  limit,
                  _continue: token,
                }),
          );
          const { items, resourceVersion, next } = readListPage(operation, page);
          objects.push(...items);
          continueToken = next;
          if (continueToken === undefined) return { objects, resourceVersion };
        } while (continueToken !== undefined);
      } catch (error) {
        if (!(error instanceof ClusterRequestError && error.status === 410 && limit !== undefined)) throw error;
      }
    }
  }

  async #request<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await abortable(call(), AbortSignal.timeout(this.#requestTimeoutMs));
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ClusterRequestError(operation, `no answer within ${this.#requestTimeoutMs} ms`);
      }
      throw toClusterRequestError(operation, error);
    }
  }
}

function resourcePath(kind: WatchedKind, namespace: string | undefined): string {
  const base = `/apis/${encodeURIComponent(kind.group)}/${encodeURIComponent(kind.version)}`;
  return namespace === undefined
    ? `${base}/${encodeURIComponent(kind.plural)}`
    : `${base}/namespaces/${encodeURIComponent(namespace)}/${encodeURIComponent(kind.plural)}`;
}

function readListPage(
  operation: string,
  page: unknown,
): { items: ClusterObject[]; resourceVersion: string; next: string | undefined } {
  const body = page as { items?: unknown; metadata?: { resourceVersion?: unknown; continue?: unknown } } | null;
  if (!body || !Array.isArray(body.items) || typeof body.metadata?.resourceVersion !== 'string') {
    throw new ClusterRequestError(operation, 'the server answered with something that is not a list');
  }
  for (const item of body.items) {
    if (typeof (item as ClusterObject | null)?.metadata?.name !== 'string')
      throw new ClusterRequestError(operation, 'a listed item has no metadata.name');
  }
  const next =
    typeof body.metadata.continue === 'string' && body.metadata.continue !== '' ? body.metadata.continue : undefined;
  return { items: body.items as ClusterObject[], resourceVersion: body.metadata.resourceVersion, next };
}
