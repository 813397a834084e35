/**
 * Helpers for the change tracker tests: a change recorded straight through the ORM (as the
 * recorder records one), its CHANGE_UPDATED events in order, Agents on the test Kubernetes server.
 */
import { topics } from '../../src/events/event-bus.ts';
import type { ChangeUpdated, FabricEvent } from '../../src/events/fabric-events.ts';
import { publishChangeUpdated } from '../../src/changes/change-events.ts';
import { initialTimeline, objectLabel, switchLabel } from '../../src/changes/change-stages.ts';
import {
  ChangeObjectSchema,
  ChangeSchema,
  type ChangeObjectAction,
  type ChangeSwitch,
  type CommittedContent,
} from '../../src/changes/change.entity.ts';
import type { App } from '../../src/app.ts';
import { ChangeTracker } from '../../src/changes/change-tracker.ts';
import type { ClusterObject } from '../../src/cluster/cluster-client.ts';
import type { TestApp } from '../support/test-app.ts';
import type { KubeObject, KubeServer } from '../support/kube-server/kube-server.ts';

export interface RecordedObject {
  kind: string;
  namespace?: string;
  name: string;
  action: ChangeObjectAction;
  committed: KubeObject | null;
  previous: KubeObject | null;
}

const contentOf = (object: KubeObject | null): CommittedContent | null =>
  object
    ? {
        apiVersion: object.apiVersion,
        spec: object.spec ?? {},
        labels: object.metadata.labels ?? null,
        annotations: object.metadata.annotations ?? null,
      }
    : null;

export const affected = (name: string, overrides: Partial<ChangeSwitch> = {}): ChangeSwitch => ({
  namespace: 'default',
  name,
  removed: false,
  immediate: true,
  relations: ['vpc-attachment'],
  generationAtCommit: null,
  convergedGeneration: null,
  convergedAt: null,
  ...overrides,
});

/** A COMMITTED (or PROPOSED) change with these objects and switches, then CHANGE_UPDATED as the recorder sends it. */
export async function recordChange(
  app: App,
  fabricId: string,
  input: { objects: RecordedObject[]; switches: ChangeSwitch[]; landedAt?: Date; proposed?: boolean },
): Promise<string> {
  const em = app.orm.em.fork();
  const change = em.create(ChangeSchema, {
    fabric: fabricId,
    source: 'gateway',
    commitOid: 'c0ffee'.padEnd(40, '0'),
    branch: 'main',
    message: 'test change',
    actor: 'test',
    ...initialTimeline(input.proposed ? 'PROPOSED' : 'COMMITTED', input.landedAt ?? new Date()),
    ...(input.proposed ? { source: 'pull_request', pullRequestState: 'open' } : {}),
    objectCount: input.objects.length,
    objectsBehind: input.objects.map((o) => objectLabel({ ...o, namespace: o.namespace ?? 'default' })),
    switches: input.switches,
    switchesBehind: input.switches.filter((s) => !s.removed).map(switchLabel),
  } as never);
  for (const object of input.objects) {
    em.create(ChangeObjectSchema, {
      change,
      fabricId,
      kind: object.kind,
      namespace: object.namespace ?? 'default',
      name: object.name,
      action: object.action,
      committed: contentOf(object.committed),
      previous: contentOf(object.previous),
    } as never);
  }
  await em.flush();
  publishChangeUpdated(app.eventBus, fabricId, change, null);
  return change.id;
}

/** The CHANGE_UPDATED events of a fabric from now on, in order; `next` waits for one that matches. */
export function changeEvents(app: App, fabricId: string) {
  const controller = new AbortController();
  const seen: ChangeUpdated[] = [];
  const waiters: { match: (e: ChangeUpdated) => boolean; resolve: (e: ChangeUpdated) => void }[] = [];
  const events = app.eventBus.subscribe<FabricEvent>(topics.fabric(fabricId), { signal: controller.signal });
  void (async () => {
    for await (const event of events) {
      if (event.type !== 'CHANGE_UPDATED') continue;
      seen.push(event);
      for (const waiter of [...waiters])
        if (waiter.match(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
    }
  })();
  return {
    seen,
    /** Resolves with the first event (seen already or to come) that matches; fails after `timeoutMs`. */
    next(match: (e: ChangeUpdated) => boolean, what: string, timeoutMs = 20_000): Promise<ChangeUpdated> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for CHANGE_UPDATED: ${what}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
    close: () => controller.abort(),
  };
}

/** An Agent for `name` as the fabric controller makes it (generation 1), with the agent's status. */
export function agentObject(name: string, specVersion = 1): KubeObject {
  return {
    apiVersion: 'agent.githedgehog.com/v1beta1',
    kind: 'Agent',
    metadata: { name, namespace: 'default' },
    spec: { version: specVersion },
    status: { lastAppliedGen: 1, lastHeartbeat: new Date().toISOString() },
  };
}

/** The controller rewrites the Agent's spec (its generation goes up); the agent has not applied it yet. */
export function bumpAgent(kube: KubeServer, name: string): number {
  const current = kube.objects('Agent').find((a) => a.metadata.name === name)!;
  const spec = current.spec as { version: number };
  return kube.update({ ...current, spec: { version: spec.version + 1 } }).metadata.generation!;
}

/** The agent reports it applied its current generation (or `generation`), with a fresh heartbeat. */
export function agentApplies(kube: KubeServer, name: string, generation?: number): void {
  const current = kube.objects('Agent').find((a) => a.metadata.name === name)!;
  kube.update({
    ...current,
    status: {
      ...(current.status as object),
      lastAppliedGen: generation ?? current.metadata.generation,
      lastHeartbeat: new Date().toISOString(),
    },
  });
}

/** The Agent of leaf-1 at generation 5, as `directTracker` hands it to its tracker. */
export const leafAgent: ClusterObject = {
  apiVersion: 'agent.githedgehog.com/v1beta1',
  kind: 'Agent',
  metadata: { name: 'leaf-1', namespace: 'default', generation: 5 },
};

/**
 * A tracker built directly on the test app's database and event bus (no watch): every kind synced,
 * no stall, and `leafAgent` as every switch's Agent; `onAgent` runs at each Agent read.
 */
export function directTracker(t: TestApp, fabricId: string, controller: AbortController, onAgent = () => {}) {
  return new ChangeTracker({
    fabricId,
    orm: t.app.orm,
    eventBus: t.app.eventBus,
    logger: t.app.logger,
    signal: controller.signal,
    stallSeconds: 3600,
    isKindSynced: () => true,
    agent: () => {
      onAgent();
      return leafAgent;
    },
  });
}
