/**
 * ClusterClient: the gateway's port to a fabric's Kubernetes API (read only).
 *
 * Services depend on this interface; `kubernetes/kubernetes-cluster-client.ts` is the adapter on
 * `@kubernetes/client-node`. Everything here is types and small helpers, no I/O.
 */

/** One served custom resource kind, as the API server names it. */
export interface WatchedKind {
  group: string;
  version: string;
  kind: string;
  /** Resource name in URLs (`switches`, `vpcattachments`). */
  plural: string;
}

export interface ClusterObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
  };
  spec?: unknown;
  status?: unknown;
}

export type ClusterEvent =
  | { type: 'upsert'; kind: WatchedKind; object: ClusterObject }
  | { type: 'delete'; kind: WatchedKind; object: ClusterObject }
  /** The full list after a (re)list: consumers replace their view of this kind with it. */
  | { type: 'synced'; kind: WatchedKind; objects: ClusterObject[] };

export type WatchState = 'starting' | 'listing' | 'watching' | 'backoff' | 'stopped' | 'error';

export interface WatchStatus {
  state: WatchState;
  lastEventAt?: Date;
  /** ClusterEvents emitted for this kind since the watch started (a `synced` counts as one). */
  eventCount: number;
  /** Message of the last failure; never contains credentials. */
  lastError?: string;
  /** The resourceVersion the watch would resume from. */
  resourceVersion?: string;
}

export interface BackoffOptions {
  /** First delay after a failure. @default 500 */
  initialMs: number;
  /** Upper bound of the delay. @default 30000 */
  maxMs: number;
}

export interface WatchOptions {
  /** Watch only these namespaces (one stream per namespace and kind); all namespaces when absent. */
  namespaces?: string[];
  /**
   * Receives every event of every kind, in order per kind: the next event of a kind is delivered
   * only after the promise returned for the previous one settles (events wait in memory meanwhile).
   * A throw or rejection is recorded as the kind's `lastError`; the stream goes on.
   * Nothing is delivered once `stop()` has been called.
   */
  onEvent(event: ClusterEvent): void | Promise<void>;
  /** Called when a kind's `state` or `lastError` changes (not on every event: read `status()` for counts). */
  onStatus?(kind: WatchedKind, status: WatchStatus): void;
  backoff?: BackoffOptions;
}

export interface WatchHandle {
  /** Aborts every stream and pending retry; resolves once all streams are closed. */
  stop(): Promise<void>;
  /** Current status per kind, keyed by `kindKey(kind)`. */
  status(): Map<string, WatchStatus>;
}

/**
 * Builds the client of a connection; throws (or rejects) with ClusterConfigError for unusable
 * settings. It may be asynchronous: the composition root loads the Kubernetes adapter on first use.
 */
export type ClusterClientFactory = (connection: ClusterConnection) => ClusterClient | Promise<ClusterClient>;

export type ConnectionTestResult = { ok: true; serverVersion: string } | { ok: false; error: string };

export interface ClusterClient {
  /** Really contacts the API server (`/version`, then a cheap authorised request). */
  testConnection(): Promise<ConnectionTestResult>;
  /** Which kinds the server serves. A kind whose CRD is absent is `missing`, never "zero objects". */
  discover(kinds: readonly WatchedKind[]): Promise<{ served: WatchedKind[]; missing: WatchedKind[] }>;
  /**
   * Full list, paginated with limit + continue, consistent at the returned resourceVersion. With
   * `namespaces`, one list per namespace; the resourceVersion returned is the last namespace's.
   */
  list(kind: WatchedKind, options?: ListOptions): Promise<{ objects: ClusterObject[]; resourceVersion: string }>;
  /**
   * List then watch each kind from the list's resourceVersion, forever: 410 Gone relists (and emits
   * `synced`), a broken stream resumes from the last resourceVersion after an exponential backoff
   * with jitter.
   */
  watch(kinds: readonly WatchedKind[], options: WatchOptions): WatchHandle;
}

export interface ListOptions {
  namespaces?: string[];
  /** Objects per page. @default 500 */
  pageSize?: number;
}

/** How to reach a cluster: a kubeconfig (YAML text, current context) or a server with a bearer token. */
export type ClusterConnection =
  | { kubeconfig: string }
  | { server: string; token: string; caData?: string; insecureSkipTlsVerify?: boolean };

/** Failure reaching or reading the cluster; `status` is the HTTP status when there was one. */
export class ClusterRequestError extends Error {
  override readonly name = 'ClusterRequestError';
  readonly code = 'CLUSTER_REQUEST_FAILED';
  readonly status: number | undefined;
  /** What was being attempted, e.g. `list vpc.githedgehog.com/v1beta1 vpcs`. */
  readonly operation: string;
  constructor(operation: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(`${operation}: ${message}`, { cause: options.cause });
    this.operation = operation;
    this.status = options.status;
  }
}

/** Bad connection settings (unparsable kubeconfig, missing server); says which field. */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
  readonly code = 'CLUSTER_CONFIG_INVALID';
  readonly field: string;
  constructor(field: string, message: string, options: { cause?: unknown } = {}) {
    super(`${field}: ${message}`, { cause: options.cause });
    this.field = field;
  }
}

/** `group/version/plural`: a stable key for maps and status. */
export function kindKey(kind: WatchedKind): string {
  return `${kind.group}/${kind.version}/${kind.plural}`;
}

/** `namespace/name` (or `name` for cluster-scoped objects). */
export function objectKey(object: Pick<ClusterObject, 'metadata'>): string {
  return object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}
