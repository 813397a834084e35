/**
 * `fabricEvents` yields typed events: every event type arrives over a real WebSocket as its own
 * object type with typed fields (enums in upper case), caused by the real flows that publish it
 * (native Git remote, the Kubernetes test server); `types:` filters on the server; hostile
 * arguments are refused with a code and subscribe nothing.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../src/events/event-bus.ts';
import { createFabric } from '../support/fixtures.ts';
import { createDeferred, pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { HEDGEHOG_CRDS, switchObject, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import type { TestApp } from '../support/test-app.ts';
import { runOperation } from '../gitops/support.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { commitChanges, createDraftOf, editDraft, rows, sync, vlanNamespace, yamlOf, fileOf } from '../sync/support.ts';

const EVENT_FIELDS = `__typename type fabricId at
  ... on DraftChangedEvent { resourceId kind name action actor adopted }
  ... on OperationUpdatedEvent { operationId operationType status phase progressDone progressTotal estimatedSecondsLeft }
  ... on CommittedEvent { commit branch files operationId pullRequestUrl }
  ... on DesiredStateChangedEvent { commit resourceIds created updated deleted }
  ... on ConflictDetectedEvent { resourceId kind namespace name paths commit }
  ... on ConflictResolvedEvent { resourceId strategy kind namespace name paths }
  ... on GitopsDirectoryInitializedEvent { commit operationId files }
  ... on GitopsIngestedEvent { commit operationId created updated rawFiles unmanaged conflicts }
  ... on LiveChangedEvent { count removed clearedKind resources { resourceId kind namespace name action } }
  ... on DriftChangedEvent { count changes { resourceId kind namespace name from to } }
  ... on DriftSummaryChangedEvent { driftCount driftCounts { inSync specDrift desiredOnly liveOnly unknown } }
  ... on WatchStatusChangedEvent { watchedKind state error servedKinds missingKinds }
  ... on SwitchHealthChangedEvent { agentCount switchNamespace switchName }
  ... on ChangeUpdatedEvent { changeId commit stage previousStage objectsBehind objectsBehindCount switchesBehind switchesBehindCount change { id source stage } }`;

type Event = Record<string, any> & { __typename: string; type: string };

/** The fabric's events over one WebSocket subscription; `next(type, match)` resolves on the first such event (past or future). */
function collect(client: Client, fabricId: string, types?: string[]) {
  const events: Event[] = [];
  const waiters: { test: (event: Event) => boolean; resolve: (event: Event) => void }[] = [];
  const failed = createDeferred<never>();
  client.subscribe<{ fabricEvents: Event }>(
    {
      query: `subscription($f: ID!, $types: [FabricEventType!]) { fabricEvents(fabricId: $f, types: $types) { ${EVENT_FIELDS} } }`,
      variables: { f: fabricId, types: types ?? null },
    },
    {
      next: (result) => {
        if (result.errors) failed.reject(new Error(JSON.stringify(result.errors)));
        const event = result.data?.fabricEvents;
        if (!event) return;
        events.push(event);
        for (const waiter of [...waiters])
          if (waiter.test(event)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
      },
      error: (error) => failed.reject(error),
      complete: () => {},
    },
  );
  failed.promise.catch(() => {});
  return {
    events,
    next(type: string, match: (event: Event) => boolean = () => true): Promise<Event> {
      const test = (event: Event) => event.type === type && match(event);
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      const arrived = createDeferred<Event>();
      waiters.push({ test, resolve: arrived.resolve });
      return Promise.race([arrived.promise, failed.promise]);
    },
  };
}

async function waitForSubscribers(t: TestApp, topic: string, count: number) {
  while (t.app.eventBus.subscriberCount(topic) < count) await new Promise((resolve) => setImmediate(resolve));
}

const SHA = /^[0-9a-f]{40}$/;
const UUID = /^[0-9a-f-]{36}$/;
const stamped = (fabricId: string, typename: string) => ({
  __typename: typename,
  fabricId,
  at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
});

afterAll(removeScratchDirs);

describe('typed fabric events from the Git flows (native git remote)', () => {
  let env: GatewayWithRemote;
  let client: Client;
  let all: ReturnType<typeof collect>;
  let filtered: ReturnType<typeof collect>;
  beforeAll(async () => {
    env = await tAdapters[0]!.start();
    client = env.t.wsClient();
    all = collect(client, env.fabricId);
    filtered = collect(client, env.fabricId, ['DRAFT_CHANGED', 'COMMITTED']);
    await waitForSubscribers(env.t, topics.fabric(env.fabricId), 2);
  });
  afterAll(async () => {
    await client?.dispose();
    await env?.stop();
  });

  it('GITOPS_DIRECTORY_INITIALIZED and OPERATION_UPDATED', async () => {
    const operation = await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
    expect(await all.next('GITOPS_DIRECTORY_INITIALIZED')).toEqual({
      ...stamped(env.fabricId, 'GitopsDirectoryInitializedEvent'),
      type: 'GITOPS_DIRECTORY_INITIALIZED',
      commit: operation.commitSha,
      operationId: operation.id,
      files: operation.filesCreated,
    });
    expect(
      await all.next(
        'OPERATION_UPDATED',
        (event) => event.operationId === operation.id && event.status === 'COMPLETED',
      ),
    ).toEqual({
      ...stamped(env.fabricId, 'OperationUpdatedEvent'),
      type: 'OPERATION_UPDATED',
      operationId: operation.id,
      operationType: 'DIRECTORY_INIT',
      status: 'COMPLETED',
      phase: 'DONE',
      progressDone: operation.filesCreated,
      progressTotal: operation.filesCreated,
      estimatedSecondsLeft: null,
    });
  });

  it('DRAFT_CHANGED and COMMITTED (sha, branch, files, no pull request on a direct push)', async () => {
    const draftId = await createDraftOf(env.t, env.fabricId, vlanNamespace('ns-a'));
    expect(await all.next('DRAFT_CHANGED', (event) => event.resourceId === draftId)).toEqual({
      ...stamped(env.fabricId, 'DraftChangedEvent'),
      type: 'DRAFT_CHANGED',
      resourceId: draftId,
      kind: 'VLANNamespace',
      name: 'ns-a',
      action: 'UPSERT',
      actor: expect.any(String),
      adopted: false,
    });
    const pushed = await commitChanges(env.t, env.fabricId, 'add ns-a');
    expect(pushed.status).toBe('COMPLETED');
    expect(await all.next('COMMITTED')).toEqual({
      ...stamped(env.fabricId, 'CommittedEvent'),
      type: 'COMMITTED',
      commit: pushed.commitSha,
      branch: 'main',
      files: 1,
      operationId: pushed.id,
      pullRequestUrl: null,
    });
    expect(pushed.commitSha).toMatch(SHA);
  });

  it('CHANGE_UPDATED: a push records a COMMITTED change (objects behind, no switches for a namespace)', async () => {
    await createDraftOf(env.t, env.fabricId, vlanNamespace('ns-change'));
    const pushed = await commitChanges(env.t, env.fabricId, 'add ns-change');
    expect(pushed.status).toBe('COMPLETED');
    const event = await all.next('CHANGE_UPDATED', (candidate) => candidate.commit === pushed.commitSha);
    expect(event).toEqual({
      ...stamped(env.fabricId, 'ChangeUpdatedEvent'),
      type: 'CHANGE_UPDATED',
      changeId: expect.stringMatching(UUID),
      commit: pushed.commitSha,
      stage: 'COMMITTED',
      previousStage: null,
      objectsBehind: ['VLANNamespace default/ns-change'],
      objectsBehindCount: 1,
      switchesBehind: [],
      switchesBehindCount: 0,
      change: { id: event.changeId, source: 'GATEWAY', stage: 'COMMITTED' },
    });
  });

  it('DESIRED_STATE_CHANGED names the rows a pull changed', async () => {
    const head = await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-b')) });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
    const nsB = (await rows(env.t, env.fabricId)).get('ns-b')!;
    expect(await all.next('DESIRED_STATE_CHANGED', (event) => event.commit === head)).toEqual({
      ...stamped(env.fabricId, 'DesiredStateChangedEvent'),
      type: 'DESIRED_STATE_CHANGED',
      commit: head,
      resourceIds: [nsB.id],
      created: 1,
      updated: 0,
      deleted: 0,
    });
  });

  it('CONFLICT_DETECTED when a pull meets a draft on the same field, then CONFLICT_RESOLVED with its paths', async () => {
    const nsA = (await rows(env.t, env.fabricId)).get('ns-a')!;
    await editDraft(env.t, nsA.id, vlanNamespace('ns-a', 1100));
    const head = await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a', 1800)) });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
    expect(await all.next('CONFLICT_DETECTED')).toEqual({
      ...stamped(env.fabricId, 'ConflictDetectedEvent'),
      type: 'CONFLICT_DETECTED',
      resourceId: nsA.id,
      kind: 'VLANNamespace',
      namespace: 'default',
      name: 'ns-a',
      paths: ['$.spec.ranges'],
      commit: head,
    });
    await env.t.graphqlOk(`mutation($id: ID!) { resolveConflict(resourceId: $id, strategy: GIT_WINS) { id } }`, {
      id: nsA.id,
    });
    await env.t.app.runner.idle();
    expect(await all.next('CONFLICT_RESOLVED')).toEqual({
      ...stamped(env.fabricId, 'ConflictResolvedEvent'),
      type: 'CONFLICT_RESOLVED',
      resourceId: nsA.id,
      strategy: 'GIT_WINS',
      kind: 'VLANNamespace',
      namespace: 'default',
      name: 'ns-a',
      paths: ['$.spec.ranges'],
    });
  });

  it('GITOPS_INGESTED with its counts', async () => {
    await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/ns-c.yaml': yamlOf(vlanNamespace('ns-c')) } });
    const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
    expect(operation.status).toBe('COMPLETED');
    expect(await all.next('GITOPS_INGESTED')).toEqual({
      ...stamped(env.fabricId, 'GitopsIngestedEvent'),
      type: 'GITOPS_INGESTED',
      commit: operation.commitSha,
      operationId: operation.id,
      created: 1,
      updated: 0,
      rawFiles: 1,
      unmanaged: 0,
      conflicts: 0,
    });
  });

  it('types: filters on the server (only the types asked for arrive)', async () => {
    // By now the fabric had operations, pulls, conflicts and ingestion: the filtered one saw only its two types.
    expect(all.events.some((event) => event.type === 'OPERATION_UPDATED')).toBe(true);
    expect(new Set(filtered.events.map((event) => event.type))).toEqual(new Set(['DRAFT_CHANGED', 'COMMITTED']));
    expect(filtered.events).toEqual(
      all.events.filter((event) => event.type === 'DRAFT_CHANGED' || event.type === 'COMMITTED'),
    );
  });
});

describe('typed fabric events from the cluster (Kubernetes test server)', () => {
  const TOKEN = 'kube-token-for-typed-events';
  let t: TestApp;
  let kube: KubeServer;
  let client: Client;
  let fabricId: string;
  let events: ReturnType<typeof collect>;
  beforeAll(async () => {
    kube = await KubeServer.start({
      crds: Object.values(HEDGEHOG_CRDS).filter((crd) => crd.kind !== 'Gateway'),
      token: TOKEN,
    });
    kube.create(vpc('vpc-1', 1001));
    kube.create(switchObject('leaf-1'));
    kube.create({
      apiVersion: 'agent.githedgehog.com/v1beta1',
      kind: 'Agent',
      metadata: { name: 'leaf-1', namespace: 'default' },
      status: { lastHeartbeat: new Date().toISOString(), lastAppliedGen: 1, lastAttemptGen: 1, version: 'v0.87.4' },
    });
    const env = await tAdapters[0]!.start();
    t = env.t;
    client = t.wsClient();
    // Subscribed before the cluster is connected: the watch's first events are seen too.
    fabricId = (await createFabric(t)).id;
    events = collect(client, fabricId);
    await waitForSubscribers(t, topics.fabric(fabricId), 1);
    await t.graphqlOk(
      `mutation($id: ID!, $server: String!, $token: String!) { updateFabric(id: $id, input: { kubernetes: { server: $server, token: $token } }) { id } }`,
      { id: fabricId, server: kube.url, token: TOKEN },
    );
  });
  afterAll(async () => {
    await client?.dispose();
    await t?.stop();
    await kube?.close();
  });

  it('WATCH_STATUS_CHANGED for the fabric (served and missing kinds) and per kind', async () => {
    expect(await all().next('WATCH_STATUS_CHANGED', (event) => event.watchedKind === null)).toEqual({
      ...stamped(fabricId, 'WatchStatusChangedEvent'),
      type: 'WATCH_STATUS_CHANGED',
      watchedKind: null,
      state: 'WATCHING',
      error: null,
      servedKinds: expect.arrayContaining(['VPC', 'Switch', 'Agent']),
      missingKinds: expect.arrayContaining(['Gateway']),
    });
    expect(await all().next('WATCH_STATUS_CHANGED', (event) => event.watchedKind === 'VPC')).toMatchObject({
      __typename: 'WatchStatusChangedEvent',
      watchedKind: 'VPC',
      state: expect.stringMatching(/^(STARTING|LISTING|WATCHING)$/),
      servedKinds: null,
      missingKinds: null,
    });
  });

  it('LIVE_CHANGED names the resources whose live state was written', async () => {
    const live = await all().next('LIVE_CHANGED', (event) =>
      event.resources.some((resource: { name: string }) => resource.name === 'vpc-1'),
    );
    expect(live).toMatchObject({ ...stamped(fabricId, 'LiveChangedEvent'), removed: 0, clearedKind: null });
    expect(live.count).toBeGreaterThanOrEqual(1);
    expect(live.resources).toContainEqual({
      resourceId: expect.stringMatching(UUID),
      kind: 'VPC',
      namespace: 'default',
      name: 'vpc-1',
      action: 'UPSERT',
    });
  });

  it('DRIFT_CHANGED and DRIFT_SUMMARY_CHANGED carry drift statuses as enums', async () => {
    const drift = await all().next('DRIFT_CHANGED', (event) =>
      event.changes.some((change: { name: string }) => change.name === 'vpc-1'),
    );
    expect(drift).toMatchObject(stamped(fabricId, 'DriftChangedEvent'));
    expect(drift.changes.find((change: { name: string }) => change.name === 'vpc-1')).toEqual({
      resourceId: expect.stringMatching(UUID),
      kind: 'VPC',
      namespace: 'default',
      name: 'vpc-1',
      from: expect.stringMatching(/^(IN_SYNC|SPEC_DRIFT|DESIRED_ONLY|LIVE_ONLY|UNKNOWN)$/),
      to: 'LIVE_ONLY',
    });
    const summary = await all().next('DRIFT_SUMMARY_CHANGED', (event) => event.driftCounts.liveOnly >= 2);
    expect(summary).toMatchObject({
      ...stamped(fabricId, 'DriftSummaryChangedEvent'),
      driftCounts: { inSync: 0, specDrift: 0, desiredOnly: 0, liveOnly: expect.any(Number), unknown: 0 },
    });
    expect(summary.driftCount).toBe(summary.driftCounts.liveOnly);
  });

  it('SWITCH_HEALTH_CHANGED when the Agents are listed, and when one changes', async () => {
    expect(await all().next('SWITCH_HEALTH_CHANGED', (event) => event.agentCount !== null)).toEqual({
      ...stamped(fabricId, 'SwitchHealthChangedEvent'),
      type: 'SWITCH_HEALTH_CHANGED',
      agentCount: 1,
      switchNamespace: null,
      switchName: null,
    });
    kube.update({
      apiVersion: 'agent.githedgehog.com/v1beta1',
      kind: 'Agent',
      metadata: { name: 'leaf-1', namespace: 'default' },
      status: { lastHeartbeat: new Date().toISOString(), lastAppliedGen: 2, lastAttemptGen: 2, version: 'v0.87.4' },
    });
    expect(await all().next('SWITCH_HEALTH_CHANGED', (event) => event.switchName === 'leaf-1')).toEqual({
      ...stamped(fabricId, 'SwitchHealthChangedEvent'),
      type: 'SWITCH_HEALTH_CHANGED',
      agentCount: null,
      switchNamespace: 'default',
      switchName: 'leaf-1',
    });
  });

  function all() {
    return events;
  }
});

describe('hostile fabricEvents arguments', () => {
  let env: GatewayWithRemote;
  beforeAll(async () => {
    env = await tAdapters[0]!.start();
  });
  afterAll(async () => {
    await env?.stop();
  });

  /** The first result or error of a subscription, and whether anything subscribed to the fabric topic. */
  async function attempt(client: Client, query: string, variables: Record<string, unknown>) {
    const outcome = createDeferred<unknown>();
    client.subscribe(
      { query, variables },
      { next: (value) => outcome.resolve(value), error: (error) => outcome.resolve(error), complete: () => {} },
    );
    return outcome.promise;
  }

  const codeOf = (outcome: unknown): string | undefined => {
    const errors = Array.isArray(outcome) ? outcome : (outcome as { errors?: unknown[] }).errors;
    return (errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;
  };

  it.each([
    [
      'an unknown type',
      'subscription($f: ID!) { fabricEvents(fabricId: $f, types: [NOT_AN_EVENT]) { type } }',
      {},
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a lower-case type in a variable',
      'subscription($f: ID!, $types: [FabricEventType!]) { fabricEvents(fabricId: $f, types: $types) { type } }',
      { types: ['committed'] },
      'BAD_USER_INPUT',
    ],
    [
      'a type with a NUL byte',
      'subscription($f: ID!, $types: [FabricEventType!]) { fabricEvents(fabricId: $f, types: $types) { type } }',
      { types: ['COMMITTED\u0000'] },
      'BAD_USER_INPUT',
    ],
    [
      'a null inside the list',
      'subscription($f: ID!, $types: [FabricEventType!]) { fabricEvents(fabricId: $f, types: $types) { type } }',
      { types: [null] },
      'BAD_USER_INPUT',
    ],
  ])('refuses %s with a code and subscribes nothing', async (_name, query, variables, code) => {
    const client = env.t.wsClient();
    try {
      const outcome = await attempt(client, query, { f: env.fabricId, ...variables });
      expect(codeOf(outcome)).toBe(code);
      expect(env.t.app.eventBus.subscriberCount(topics.fabric(env.fabricId))).toBe(0);
    } finally {
      await client.dispose();
    }
  });

  it("refuses another fabric's events to a token limited to one fabric, and subscribes nothing", async () => {
    const other = await createFabric(env.t);
    const token = await env.t.createToken({ role: 'viewer', name: 'one-fabric', fabricIds: [env.fabricId] });
    const client = env.t.wsClient({ token });
    try {
      const outcome = await attempt(
        client,
        'subscription($f: ID!) { fabricEvents(fabricId: $f, types: [COMMITTED]) { type } }',
        { f: other.id },
      );
      expect(codeOf(outcome)).toBe('FORBIDDEN');
      expect(env.t.app.eventBus.subscriberCount(topics.fabric(other.id))).toBe(0);
      // Its own fabric is allowed.
      const own = collect(client, env.fabricId, ['DRAFT_CHANGED']);
      await waitForSubscribers(env.t, topics.fabric(env.fabricId), 1);
      const draftId = await createDraftOf(env.t, env.fabricId, vlanNamespace('mine'));
      expect(await own.next('DRAFT_CHANGED')).toMatchObject({ resourceId: draftId, action: 'UPSERT' });
    } finally {
      await client.dispose();
    }
  });
});
