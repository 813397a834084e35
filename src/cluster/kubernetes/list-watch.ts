/**
 * A small informer loop for one kind in one scope (all namespaces or one namespace), on the
 * library's `Watch` (one HTTP stream of newline-delimited events):
 *
 *   list (paginated) ─► watch from the list's resourceVersion ─► stream ends
 *        ▲                         │ 410 Gone (ERROR event or HTTP 410): relist
 *        └─────────────────────────┤ broken stream / error: backoff with jitter, resume from the
 *                                  │   last resourceVersion seen (events and bookmarks)
 *                                  └ idle timeout, or a clean end after events, bookmarks or 1 s:
 *                                      resume at once
 *
 * Why not `makeInformer`: in client-node 2.0 it stops for good on any error other than 410 or an
 * idle timeout (the caller must restart it), its backoff is fixed (1 s … 30 s, no jitter, not
 * configurable), a relist comes out as per-object add/update/delete callbacks rather than one
 * "here is the full list" (which our `synced` event needs), and `stop()` does not wait for the
 * stream to close. Pagination it leaves to the list function either way.
 */
import type { Watch } from '@kubernetes/client-node';
import { backoffDelay } from '../backoff.ts';
import type { BackoffOptions, ClusterObject, WatchState } from '../cluster-client.ts';
import { describeKubeError } from './kube-errors.ts';

export interface ListWatchOptions {
  /** Watch URL path, e.g. `/apis/vpc.githedgehog.com/v1beta1/namespaces/default/vpcs`. */
  path: string;
  watch: Watch;
  list(): Promise<{ objects: ClusterObject[]; resourceVersion: string }>;
  backoff: BackoffOptions;
  signal: AbortSignal;
  onListed(objects: ClusterObject[]): void;
  onChange(type: 'upsert' | 'delete', object: ClusterObject): void;
  onState(state: WatchState, details: { lastError?: string; resourceVersion?: string }): void;
  onResourceVersion(resourceVersion: string): void;
}

interface StreamEnd {
  /** Events (not bookmarks) received on this stream. */
  received: number;
  /** BOOKMARK events received: proof the stream was healthy, though nothing changed. */
  bookmarks: number;
  /** How long the stream was open, in ms. */
  durationMs: number;
  resourceVersion: string | undefined;
  gone: boolean;
  error: { status: number | undefined; message: string; idleTimeout: boolean } | undefined;
}

export async function runListWatch(options: ListWatchOptions): Promise<void> {
  const { signal } = options;
  let resourceVersion: string | undefined;
  let attempt = 0;
  let goneInARow = 0;
  while (!signal.aborted) {
    if (resourceVersion === undefined) {
      options.onState('listing', {});
      try {
        const listed = await abortable(options.list(), signal);
        options.onListed(listed.objects);
        resourceVersion = listed.resourceVersion;
        options.onResourceVersion(resourceVersion);
      } catch (error) {
        if (signal.aborted) break;
        const described = describeKubeError(error);
        options.onState(isPermanent(described.status) ? 'error' : 'backoff', {
          lastError: `list: ${described.message}`,
        });
        await sleep(backoffDelay(attempt++, options.backoff), signal);
        continue;
      }
    }
    const end = await streamOnce(options, resourceVersion);
    if (signal.aborted) break;
    if (end.resourceVersion !== undefined) resourceVersion = end.resourceVersion;
    if (end.received > 0) attempt = 0;
    if (end.gone) {
      // History is gone: only a new list is consistent. Relist at once, but do not spin when a
      // server answers 410 to every fresh list's resourceVersion.
      resourceVersion = undefined;
      options.onState('listing', { lastError: 'watch: resourceVersion expired (410 Gone); relisting' });
      if (end.received === 0 && goneInARow++ > 0) await sleep(backoffDelay(attempt++, options.backoff), signal);
      continue;
    }
    goneInARow = 0;
    // The CRD went away: relist once it is back rather than resume a history that no longer exists.
    if (end.error?.status === 404) resourceVersion = undefined;
    // A server closing a stream that lived a while (its request timeout) or an idle timeout is routine.
    if (end.error === undefined ? end.received + end.bookmarks > 0 || end.durationMs >= 1_000 : end.error.idleTimeout)
      continue;
    const message = end.error?.message ?? 'stream closed by the server without events';
    options.onState(isPermanent(end.error?.status) ? 'error' : 'backoff', { lastError: `watch: ${message}` });
    await sleep(backoffDelay(attempt++, options.backoff), signal);
  }
  options.onState('stopped', {});
}

/** One watch request; resolves when the stream has ended (never rejects). */
function streamOnce(options: ListWatchOptions, resourceVersion: string): Promise<StreamEnd> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    let received = 0;
    let bookmarks = 0;
    let lastVersion: string | undefined;
    let gone = false;
    let errorEvent: string | undefined;
    let controller: AbortController | undefined;
    let settled = false;
    // Stopping never waits for the server: until the response headers arrive there is no
    // controller to abort, so the stream ends here and the request is aborted once it answers.
    const onAbort = () => {
      controller?.abort();
      finish(undefined);
    };
    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      const isGone = gone || describeKubeError(error).status === 410;
      const described = error && !isGone && !options.signal.aborted ? describeKubeError(error) : undefined;
      resolve({
        received,
        bookmarks,
        durationMs: performance.now() - startedAt,
        resourceVersion: lastVersion,
        gone: isGone,
        error:
          described ??
          (errorEvent === undefined ? undefined : { status: undefined, message: errorEvent, idleTimeout: false }),
      });
    };
    const onLine = (type: string, object: unknown) => {
      if (settled) return;
      const version = resourceVersionOf(object);
      switch (type) {
        case 'ADDED':
        case 'MODIFIED':
        case 'DELETED':
          if (!isClusterObject(object)) return;
          received++;
          options.onChange(type === 'DELETED' ? 'delete' : 'upsert', object);
          break;
        case 'BOOKMARK':
          bookmarks++;
          break;
        case 'ERROR': {
          const status = object as { code?: unknown; message?: unknown };
          if (status.code === 410) gone = true;
          else errorEvent = `error event ${String(status.code ?? '')}: ${String(status.message ?? '')}`.slice(0, 300);
          return;
        }
        default:
          return;
      }
      if (version !== undefined) {
        lastVersion = version;
        options.onResourceVersion(version);
      }
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    options.watch
      .watch(options.path, { resourceVersion, allowWatchBookmarks: true }, onLine, finish)
      .then((watchController) => {
        controller = watchController;
        if (options.signal.aborted) watchController.abort();
        else if (!settled) options.onState('watching', { resourceVersion });
      }, finish);
  });
}

function isPermanent(status: number | undefined): boolean {
  return status === 401 || status === 403 || status === 404;
}

function resourceVersionOf(object: unknown): string | undefined {
  const metadata = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof metadata?.resourceVersion === 'string' && metadata.resourceVersion !== ''
    ? metadata.resourceVersion
    : undefined;
}

function isClusterObject(object: unknown): object is ClusterObject {
  const metadata = (object as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof metadata?.name === 'string';
}

/** Settles with the promise, or rejects as soon as the signal aborts (the request is then abandoned). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
