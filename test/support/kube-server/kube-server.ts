/**
 * A Kubernetes API server for tests, on plain node:http, speaking the real wire protocol for
 * custom resources: `/version`, discovery (`/apis`, `/apis/<g>`, `/apis/<g>/<v>`), list with
 * `resourceVersion`, `limit` and `continue` (an expired continue token is a 410), and watch
 * (`?watch=1&resourceVersion=N&allowWatchBookmarks=true`) as newline-delimited JSON events ADDED,
 * MODIFIED, DELETED, BOOKMARK and ERROR (410 Expired for a resourceVersion older than the last
 * compaction). One global, monotonically increasing resourceVersion, as etcd gives.
 *
 * Lists accept `resourceVersion` but always serve the latest state (valid for the default
 * "not older than" semantics); `limit` pages come from a snapshot taken at the first page.
 *
 * Test controls change objects (notifying watchers synchronously), compact history, drop watch
 * connections (optionally mid-burst, mid-line), remove CRDs and count requests.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface KubeServerCrd {
  group: string;
  version: string;
  kind: string;
  plural: string;
  /** @default true */
  namespaced?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  status?: unknown;
}

export interface KubeServerOptions {
  crds: readonly KubeServerCrd[];
  /** When set, every request must carry `Authorization: Bearer <token>` or gets 401. */
  token?: string;
  /** Send a BOOKMARK to each bookmark-enabled watch this often; 0 = only on `sendBookmarks()`. @default 0 */
  bookmarkIntervalMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  watch: boolean;
}

export interface DropConnectionsOptions {
  /** Let each open watch send this many more events, then cut it. @default 0 (cut now) */
  afterEvents?: number;
  /** Write the first half of the next event's line before cutting. @default true */
  partialLine?: boolean;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One object change, as `onChange` listeners see it (`previous`: the object before, if any). */
export interface KubeServerChange {
  type: WatchEventType;
  object: KubeObject;
  previous: KubeObject | undefined;
}

interface LoggedEvent {
  resourceVersion: number;
  crdKey: string;
  namespace: string | undefined;
  type: WatchEventType;
  object: KubeObject;
}

interface OpenWatch {
  crdKey: string;
  namespace: string | undefined;
  response: ServerResponse;
  bookmarks: boolean;
  /** Events still allowed before the connection is cut (undefined = no cut armed). */
  cutAfter: number | undefined;
  partialLine: boolean;
  timers: NodeJS.Timeout[];
}

interface ListSnapshot {
  resourceVersion: number;
  items: KubeObject[];
}

const crdKeyOf = (crd: Pick<KubeServerCrd, 'group' | 'version' | 'plural'>): string =>
  `${crd.group}/${crd.version}/${crd.plural}`;
const objectKeyOf = (namespace: string | undefined, name: string): string =>
  namespace ? `${namespace}/${name}` : name;

export class KubeServer {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Called after each list page is built, before it is sent (e.g. to compact between pages). */
  afterListPage: ((page: { index: number; continued: boolean }) => void) | undefined;
  /**
   * Consulted before each list (not watch) request of a kind is answered: a promise it returns
   * holds the answer until it settles (e.g. to keep an operation inside its listing).
   */
  beforeList: ((kind: string) => Promise<void> | undefined) | undefined;

  readonly #server: Server;
  readonly #token: string | undefined;
  readonly #bookmarkIntervalMs: number;
  readonly #crds = new Map<string, Required<KubeServerCrd> & { served: boolean }>();
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  #log: LoggedEvent[] = [];
  #resourceVersion = 1;
  #compactedBefore = 0;
  readonly #snapshots = new Map<string, ListSnapshot>();
  #snapshotCounter = 0;
  readonly #watches = new Set<OpenWatch>();
  readonly #changeListeners = new Set<(change: KubeServerChange) => void>();
  #watchWaiters: { predicate: (n: number) => boolean; resolve: () => void }[] = [];
  #uidCounter = 0;

  private constructor(server: Server, url: string, options: KubeServerOptions) {
    this.#server = server;
    this.url = url;
    this.#token = options.token;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 0;
    for (const crd of options.crds) this.addCrd(crd);
  }

  static async start(options: KubeServerOptions): Promise<KubeServer> {
    let instance: KubeServer | undefined;
    const server = createServer((request, response) => {
      if (instance) instance.#handle(request, response);
      else response.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    instance = new KubeServer(server, `http://127.0.0.1:${port}`, options);
    return instance;
  }

  async close(): Promise<void> {
    for (const watch of this.#watches) this.#endWatch(watch, { destroy: true });
    const closed = once(this.#server, 'close');
    this.#server.close();
    this.#server.closeAllConnections();
    await closed;
  }

  // ---- test controls: CRDs -------------------------------------------------------------------

  addCrd(crd: KubeServerCrd): void {
    const key = crdKeyOf(crd);
    this.#crds.set(key, { namespaced: true, ...crd, served: true });
    if (!this.#objects.has(key)) this.#objects.set(key, new Map());
  }

  /**
   * Like deleting the CRD: its objects are deleted (watchers see DELETED), then discovery stops
   * listing the kind, its URLs answer 404 and its open watches end.
   */
  removeCrd(kind: string): void {
    const crd = this.#crdByKind(kind);
    for (const object of this.objects(kind)) this.delete(kind, object.metadata.name, object.metadata.namespace);
    crd.served = false;
    for (const watch of [...this.#watches])
      if (watch.crdKey === crdKeyOf(crd)) this.#endWatch(watch, { destroy: false });
  }

  // ---- test controls: objects ----------------------------------------------------------------

  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  /** Current objects of a kind, sorted by namespace/name, as a list would return them. */
  objects(kind: string): KubeObject[] {
    const crd = this.#crdByKind(kind);
    return [...(this.#objects.get(crdKeyOf(crd))?.values() ?? [])].sort(compareObjects);
  }

  create(object: KubeObject): KubeObject {
    const { crd, store, key, namespace } = this.#locate(object);
    if (store.has(key)) throw new Error(`kube-server: ${object.kind} ${key} already exists`);
    const stored: KubeObject = {
      ...structuredClone(object),
      metadata: {
        ...structuredClone(object.metadata),
        ...(namespace === undefined ? {} : { namespace }),
        uid: `uid-${++this.#uidCounter}`,
        resourceVersion: String(++this.#resourceVersion),
        generation: 1,
        creationTimestamp: new Date().toISOString(),
      },
    };
    store.set(key, stored);
    this.#publish(crd, namespace, 'ADDED', stored);
    this.#changed({ type: 'ADDED', object: stored, previous: undefined });
    return stored;
  }

  /** Replaces spec/status/labels/annotations; the generation goes up only when spec changes. */
  update(object: KubeObject): KubeObject {
    const { crd, store, key, namespace } = this.#locate(object);
    const current = store.get(key);
    if (!current) throw new Error(`kube-server: ${object.kind} ${key} not found`);
    const specChanged = JSON.stringify(current.spec) !== JSON.stringify(object.spec);
    const stored: KubeObject = {
      ...structuredClone(object),
      metadata: {
        ...structuredClone(object.metadata),
        ...(namespace === undefined ? {} : { namespace }),
        uid: current.metadata.uid!,
        creationTimestamp: current.metadata.creationTimestamp!,
        resourceVersion: String(++this.#resourceVersion),
        generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
      },
    };
    store.set(key, stored);
    this.#publish(crd, namespace, 'MODIFIED', stored);
    this.#changed({ type: 'MODIFIED', object: stored, previous: current });
    return stored;
  }

  apply(object: KubeObject): KubeObject {
    const { store, key } = this.#locate(object);
    return store.has(key) ? this.update(object) : this.create(object);
  }

  delete(kind: string, name: string, namespace: string | undefined = 'default'): void {
    const crd = this.#crdByKind(kind);
    const ns = crd.namespaced ? namespace : undefined;
    const store = this.#objects.get(crdKeyOf(crd))!;
    const current = store.get(objectKeyOf(ns, name));
    if (!current) throw new Error(`kube-server: ${kind} ${objectKeyOf(ns, name)} not found`);
    store.delete(objectKeyOf(ns, name));
    const tombstone = {
      ...current,
      metadata: { ...current.metadata, resourceVersion: String(++this.#resourceVersion) },
    };
    this.#publish(crd, ns, 'DELETED', tombstone);
    this.#changed({ type: 'DELETED', object: tombstone, previous: current });
  }

  /**
   * Calls `listener` synchronously after each object change (after watchers were sent the event),
   * as a controller would see it; returns the unsubscribe function.
   */
  onChange(listener: (change: KubeServerChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  // ---- test controls: history and connections -----------------------------------------------

  /** Forget history: any resourceVersion older than the current one becomes too old (410). */
  compact(): void {
    this.#compactedBefore = this.#resourceVersion;
    this.#log = [];
    for (const [id, snapshot] of this.#snapshots)
      if (snapshot.resourceVersion < this.#compactedBefore) this.#snapshots.delete(id);
  }

  /** Cut open watch connections, now or after a number of further events each. */
  dropConnections(options: DropConnectionsOptions = {}): void {
    const afterEvents = options.afterEvents ?? 0;
    for (const watch of [...this.#watches]) {
      if (afterEvents === 0) this.#endWatch(watch, { destroy: true });
      else {
        watch.cutAfter = afterEvents;
        watch.partialLine = options.partialLine ?? true;
      }
    }
  }

  /** End open watches cleanly, as a server does when a watch's request timeout is reached. */
  endWatches(): void {
    for (const watch of [...this.#watches]) this.#endWatch(watch, { destroy: false });
  }

  sendBookmarks(): void {
    for (const watch of this.#watches) if (watch.bookmarks) this.#sendBookmark(watch);
  }

  get openWatchCount(): number {
    return this.#watches.size;
  }

  /** Resolves once the number of open watch connections satisfies the predicate (or equals n). */
  waitForOpenWatches(expected: number | ((open: number) => boolean)): Promise<void> {
    const predicate = typeof expected === 'number' ? (n: number) => n === expected : expected;
    if (predicate(this.#watches.size)) return Promise.resolve();
    return new Promise((resolve) => this.#watchWaiters.push({ predicate, resolve }));
  }

  countRequests(filter: (request: RecordedRequest) => boolean): number {
    return this.requests.filter(filter).length;
  }

  // ---- protocol ----------------------------------------------------------------------------

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://kube-server');
    const query = Object.fromEntries(url.searchParams);
    const watch = query.watch === 'true' || query.watch === '1';
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, query, watch });

    if (this.#token !== undefined && request.headers.authorization !== `Bearer ${this.#token}`) {
      return sendStatus(response, 401, 'Unauthorized', 'Unauthorized');
    }
    if (request.method !== 'GET')
      return sendStatus(response, 405, 'MethodNotAllowed', `the server does not allow ${request.method} here`);

    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/version') {
      return sendJson(response, 200, {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0-kube-server',
        gitCommit: 'test',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.23',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
    }
    if (parts[0] !== 'apis')
      return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
    if (parts.length === 1) return sendJson(response, 200, this.#groupList());
    const [, group, version] = parts;
    if (parts.length === 2) {
      const entry = this.#groupList().groups.find((g) => g.name === group);
      return entry ? sendJson(response, 200, { kind: 'APIGroup', apiVersion: 'v1', ...entry }) : sendNotFound(response);
    }
    if (parts.length === 3) {
      const resources = this.#served().filter((crd) => crd.group === group && crd.version === version);
      if (resources.length === 0) return sendNotFound(response);
      return sendJson(response, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${group}/${version}`,
        resources: resources.flatMap((crd) => [
          {
            name: crd.plural,
            singularName: crd.kind.toLowerCase(),
            namespaced: crd.namespaced,
            kind: crd.kind,
            verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
            storageVersionHash: 'test',
          },
          {
            name: `${crd.plural}/status`,
            singularName: '',
            namespaced: crd.namespaced,
            kind: crd.kind,
            verbs: ['get', 'patch', 'update'],
          },
        ]),
      });
    }
    // /apis/g/v/<plural>[/name] or /apis/g/v/namespaces/<ns>/<plural>[/name]
    let namespace: string | undefined;
    let rest = parts.slice(3);
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name] = rest;
    const crd = this.#crds.get(`${group}/${version}/${plural}`);
    if (!crd?.served || rest.length > 2) return sendNotFound(response);
    const store = this.#objects.get(crdKeyOf(crd))!;
    if (name !== undefined) {
      const object = store.get(objectKeyOf(namespace, name));
      return object
        ? sendJson(response, 200, object)
        : sendStatus(response, 404, 'NotFound', `${plural} "${name}" not found`);
    }
    if (watch) return this.#watch(crd, namespace, query, response);
    const hold = this.beforeList?.(crd.kind);
    if (hold) {
      void hold.then(() => this.#list(crd, namespace, query, response));
      return;
    }
    return this.#list(crd, namespace, query, response);
  }

  #list(
    crd: Required<KubeServerCrd>,
    namespace: string | undefined,
    query: Record<string, string>,
    response: ServerResponse,
  ): void {
    const limit = query.limit === undefined ? undefined : Number(query.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      return sendStatus(response, 400, 'BadRequest', `invalid limit ${query.limit}`);
    let snapshotId: string;
    let offset = 0;
    const token = query.continue;
    if (token) {
      let decoded: { id?: unknown; offset?: unknown };
      try {
        decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof decoded;
      } catch {
        return sendStatus(response, 400, 'BadRequest', 'continue key is not valid');
      }
      if (typeof decoded.id !== 'string' || typeof decoded.offset !== 'number')
        return sendStatus(response, 400, 'BadRequest', 'continue key is not valid');
      if (!this.#snapshots.has(decoded.id)) {
        return sendStatus(
          response,
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      snapshotId = decoded.id;
      offset = decoded.offset;
    } else {
      snapshotId = String(++this.#snapshotCounter);
      const items = [...this.#objects.get(crdKeyOf(crd))!.values()]
        .filter((object) => namespace === undefined || object.metadata.namespace === namespace)
        .sort(compareObjects);
      this.#snapshots.set(snapshotId, { resourceVersion: this.#resourceVersion, items });
    }
    const snapshot = this.#snapshots.get(snapshotId)!;
    const end = limit ? Math.min(snapshot.items.length, offset + limit) : snapshot.items.length;
    const more = end < snapshot.items.length;
    if (!more) this.#snapshots.delete(snapshotId);
    this.afterListPage?.({ index: Math.ceil(offset / (limit || 1)), continued: Boolean(token) });
    sendJson(response, 200, {
      apiVersion: `${crd.group}/${crd.version}`,
      kind: `${crd.kind}List`,
      metadata: {
        resourceVersion: String(snapshot.resourceVersion),
        ...(more
          ? {
              continue: Buffer.from(JSON.stringify({ id: snapshotId, offset: end })).toString('base64url'),
              remainingItemCount: snapshot.items.length - end,
            }
          : {}),
      },
      items: snapshot.items.slice(offset, end),
    });
  }

  #watch(
    crd: Required<KubeServerCrd>,
    namespace: string | undefined,
    query: Record<string, string>,
    response: ServerResponse,
  ): void {
    const requested = query.resourceVersion;
    const fromVersion =
      requested === undefined || requested === '' || requested === '0' ? undefined : Number(requested);
    if (fromVersion !== undefined && !Number.isInteger(fromVersion))
      return sendStatus(response, 400, 'BadRequest', `invalid resourceVersion ${requested}`);
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    if (fromVersion !== undefined && fromVersion < this.#compactedBefore) {
      // The real server answers 200 and then a single ERROR event before closing.
      response.end(
        `${JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `too old resource version: ${fromVersion} (${this.#compactedBefore})`,
            reason: 'Expired',
            code: 410,
          },
        })}\n`,
      );
      return;
    }
    const watch: OpenWatch = {
      crdKey: crdKeyOf(crd),
      namespace,
      response,
      bookmarks: query.allowWatchBookmarks === 'true',
      cutAfter: undefined,
      partialLine: true,
      timers: [],
    };
    this.#watches.add(watch);
    response.on('close', () => this.#forget(watch));
    if (fromVersion === undefined) {
      for (const object of this.#objects.get(watch.crdKey)!.values()) {
        if (namespace === undefined || object.metadata.namespace === namespace) this.#send(watch, 'ADDED', object);
      }
    } else {
      for (const event of this.#log) {
        if (
          event.resourceVersion > fromVersion &&
          event.crdKey === watch.crdKey &&
          (namespace === undefined || event.namespace === namespace)
        ) {
          this.#send(watch, event.type, event.object);
        }
      }
    }
    if (watch.bookmarks && this.#bookmarkIntervalMs > 0) {
      const timer = setInterval(() => this.#sendBookmark(watch), this.#bookmarkIntervalMs);
      timer.unref();
      watch.timers.push(timer);
    }
    const timeoutSeconds = Number(query.timeoutSeconds);
    if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
      const timer = setTimeout(() => this.#endWatch(watch, { destroy: false }), timeoutSeconds * 1000);
      timer.unref();
      watch.timers.push(timer);
    }
    this.#notifyWatchWaiters();
  }

  #publish(
    crd: Required<KubeServerCrd>,
    namespace: string | undefined,
    type: WatchEventType,
    object: KubeObject,
  ): void {
    const crdKey = crdKeyOf(crd);
    this.#log.push({ resourceVersion: Number(object.metadata.resourceVersion), crdKey, namespace, type, object });
    for (const watch of [...this.#watches]) {
      if (watch.crdKey === crdKey && (watch.namespace === undefined || watch.namespace === namespace))
        this.#send(watch, type, object);
    }
  }

  #changed(change: KubeServerChange): void {
    for (const listener of [...this.#changeListeners]) listener(change);
  }

  #send(watch: OpenWatch, type: WatchEventType | 'BOOKMARK', object: unknown): void {
    if (!this.#watches.has(watch)) return;
    const line = `${JSON.stringify({ type, object })}\n`;
    if (watch.cutAfter !== undefined) {
      if (watch.cutAfter === 0) {
        if (watch.partialLine) watch.response.write(line.slice(0, Math.floor(line.length / 2)));
        this.#endWatch(watch, { destroy: true });
        return;
      }
      watch.cutAfter--;
    }
    watch.response.write(line);
  }

  #sendBookmark(watch: OpenWatch): void {
    const crd = this.#crds.get(watch.crdKey)!;
    this.#send(watch, 'BOOKMARK', {
      kind: crd.kind,
      apiVersion: `${crd.group}/${crd.version}`,
      metadata: { resourceVersion: String(this.#resourceVersion) },
    });
  }

  /** destroy: cut the socket (a broken stream); otherwise end the response cleanly. */
  #endWatch(watch: OpenWatch, options: { destroy: boolean }): void {
    if (options.destroy) {
      // Flush what was written so far (a partial line included), then cut.
      const socket = watch.response.socket;
      this.#forget(watch);
      if (socket) socket.end(() => socket.destroy());
      else watch.response.destroy();
    } else {
      this.#forget(watch);
      watch.response.end();
    }
  }

  #forget(watch: OpenWatch): void {
    if (!this.#watches.delete(watch)) return;
    for (const timer of watch.timers) clearTimeout(timer);
    this.#notifyWatchWaiters();
  }

  #notifyWatchWaiters(): void {
    const open = this.#watches.size;
    const ready = this.#watchWaiters.filter((w) => w.predicate(open));
    this.#watchWaiters = this.#watchWaiters.filter((w) => !w.predicate(open));
    for (const waiter of ready) waiter.resolve();
  }

  #served(): (Required<KubeServerCrd> & { served: boolean })[] {
    return [...this.#crds.values()].filter((crd) => crd.served);
  }

  #groupList() {
    const groups = new Map<string, string[]>();
    for (const crd of this.#served()) {
      const versions = groups.get(crd.group) ?? [];
      if (!versions.includes(crd.version)) versions.push(crd.version);
      groups.set(crd.group, versions);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    };
  }

  #crdByKind(kind: string): Required<KubeServerCrd> & { served: boolean } {
    const crd = [...this.#crds.values()].find((c) => c.kind === kind);
    if (!crd) throw new Error(`kube-server: unknown kind ${kind}`);
    return crd;
  }

  #locate(object: KubeObject) {
    const crd = [...this.#crds.values()].find(
      (c) => `${c.group}/${c.version}` === object.apiVersion && c.kind === object.kind,
    );
    if (!crd?.served) throw new Error(`kube-server: ${object.apiVersion} ${object.kind} is not served`);
    const namespace = crd.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
    return {
      crd,
      store: this.#objects.get(crdKeyOf(crd))!,
      key: objectKeyOf(namespace, object.metadata.name),
      namespace,
    };
  }
}

function compareObjects(a: KubeObject, b: KubeObject): number {
  const left = objectKeyOf(a.metadata.namespace, a.metadata.name);
  const right = objectKeyOf(b.metadata.namespace, b.metadata.name);
  return left < right ? -1 : left > right ? 1 : 0;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendStatus(response: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(response, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

function sendNotFound(response: ServerResponse): void {
  sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
}
