/** Helpers for watch tests: fold a client's events into a view and wait on conditions, never on time. */
import {
  kindKey,
  type ClusterClient,
  type ClusterEvent,
  type WatchedKind,
  type WatchHandle,
  type WatchStatus,
} from '../../src/cluster/cluster-client.ts';
import { applyClusterEvent, type LiveView } from '../../src/cluster/live-view.ts';
import type { KubeServer } from '../support/kube-server/kube-server.ts';

export interface WatchHarness {
  view: LiveView;
  events: ClusterEvent[];
  statuses: { kind: WatchedKind; status: WatchStatus }[];
  handle: WatchHandle;
  /** Resolves when the predicate holds after an event or status change (or already holds). */
  until(predicate: () => boolean): Promise<void>;
  /** Resolves when the client's view of the kind equals the server's objects (names and resourceVersions). */
  untilInSyncWith(server: KubeServer, kind: WatchedKind): Promise<void>;
}

export function watchInto(
  client: ClusterClient,
  kinds: readonly WatchedKind[],
  options: { namespaces?: string[] } = {},
): WatchHarness {
  const view: LiveView = new Map();
  const events: ClusterEvent[] = [];
  const statuses: { kind: WatchedKind; status: WatchStatus }[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const handle = client.watch(kinds, {
    ...(options.namespaces ? { namespaces: options.namespaces } : {}),
    // Short delays keep reconnects quick; the tests wait on events, not on these.
    backoff: { initialMs: 5, maxMs: 50 },
    onEvent(event) {
      events.push(event);
      applyClusterEvent(view, event);
      notify();
    },
    onStatus(kind, status) {
      statuses.push({ kind, status });
      notify();
    },
  });
  const until = (predicate: () => boolean) =>
    new Promise<void>((resolve) => {
      if (predicate()) return resolve();
      const waiter = () => {
        if (!predicate()) return;
        waiters.delete(waiter);
        resolve();
      };
      waiters.add(waiter);
    });
  return {
    view,
    events,
    statuses,
    handle,
    until,
    untilInSyncWith: (server, kind) => until(() => viewEqualsServer(view, server, kind)),
  };
}

export function viewEqualsServer(view: LiveView, server: KubeServer, kind: WatchedKind): boolean {
  const mine = view.get(kindKey(kind));
  const theirs = server.objects(kind.kind);
  if (!mine || mine.size !== theirs.length) return false;
  return theirs.every(
    (object) =>
      mine.get(`${object.metadata.namespace}/${object.metadata.name}`)?.metadata.resourceVersion ===
      object.metadata.resourceVersion,
  );
}
