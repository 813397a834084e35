/** Helpers for the cluster-live tests: a gateway watching a test Kubernetes API server. */
import { topics } from '../../src/events/event-bus.ts';
import { ResourceSchema } from '../../src/resource/resource.entity.ts';
import type { FabricEvent } from '../../src/events/fabric-events.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';
import type { KubeObject } from '../support/kube-server/kube-server.ts';
import type { TestApp } from '../support/test-app.ts';

export interface ResourceRow {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  desired_spec: unknown;
  draft_action: string | null;
  live_spec: unknown;
  live_labels: Record<string, string> | null;
  live_resource_version: string | null;
  live_generation: string | null;
  live_observed_at: Date | null;
  drift_status: string;
  drift_details: { path: string; desired?: unknown; live?: unknown }[];
}

export async function rows(
  t: TestApp,
  fabricId: string,
  where = 'true',
  params: unknown[] = [],
): Promise<ResourceRow[]> {
  const sql = `select * from resource where fabric_id = $1 and (${where}) order by kind, namespace, name`;
  return queryDatabase<ResourceRow & Record<string, any>>(t.database.url, sql, [fabricId, ...params]);
}

export async function row(t: TestApp, fabricId: string, kind: string, name: string): Promise<ResourceRow | undefined> {
  return (await rows(t, fabricId, 'kind = $2 and name = $3', [kind, name]))[0];
}

/**
 * Resolves when `check` holds: checked now and again after every event of the fabric (live,
 * drift and watch status changes come as events), with an overall limit so a broken feature
 * fails instead of hanging. Events wait in the subscription while a check runs, so none is missed.
 */
export async function until<T>(
  t: TestApp,
  fabricId: string,
  check: () => Promise<T | false | undefined | null>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const controller = new AbortController();
  const events = t.app.eventBus.subscribe<FabricEvent>(topics.fabric(fabricId), { signal: controller.signal });
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for (;;) {
      const result = await check();
      if (result) return result;
      const next = await events.next();
      if (next.done) throw new Error(`timed out waiting for: ${what}`);
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** A fabric connected to the test server by server + token. */
export async function connectFabric(
  t: TestApp,
  server: { url: string },
  token: string,
  extra: Record<string, unknown> = {},
) {
  return createFabric(t, { kubernetes: { server: server.url, token, ...extra } });
}

/** Writes desired (Git) state into a row as ingestion would, then asks for its drift. */
export async function setDesired(t: TestApp, fabricId: string, object: KubeObject): Promise<string> {
  const services = t.app.services();
  const namespace = object.metadata.namespace ?? 'default';
  let resource = await services.em.findOne(ResourceSchema, {
    fabric: fabricId,
    kind: object.kind,
    namespace,
    name: object.metadata.name,
  });
  resource ??= services.em.create(ResourceSchema, {
    fabric: fabricId,
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace,
    name: object.metadata.name,
  } as never);
  Object.assign(resource, {
    desiredSpec: object.spec ?? {},
    desiredLabels: object.metadata.labels ?? null,
    desiredAnnotations: object.metadata.annotations ?? null,
  });
  await services.em.flush();
  await t.app.dependencies.clusterWatchers!.recomputeDrift(services.em, [resource.id]);
  return resource.id;
}
