/**
 * A dashboard's documents (client/documents/Dashboard.graphql) through a normalised-cache client,
 * urql with @urql/exchange-graphcache, against a real gateway: urql adds `__typename` to every
 * selection and graphcache keys entities by `__typename` and `id`. Proven here: the gateway answers
 * `__typename` everywhere (subscriptions too); the types without an `id` are exactly the ones the
 * schema says, and embedding them (a `keys` entry returning null) silences every cache warning; a
 * mutation's result updates the resource inside a cached list without a refetch; a subscription's
 * updates reach a cached list of operations; queries the cache can answer send nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, fetchExchange, subscriptionExchange, type OperationResult } from '@urql/core';
import { cacheExchange, type KeyingConfig } from '@urql/exchange-graphcache';
import {
  buildSchema,
  type DocumentNode,
  getNamedType,
  introspectionFromSchema,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DashboardFabricQueryDocument,
  DashboardFabricsQueryDocument,
  DashboardOperationSubscriptionDocument,
  DashboardOperationsQueryDocument,
  DashboardResourceQueryDocument,
  DashboardResourcesQueryDocument,
  DashboardUpdateResourceMutationDocument,
  type DashboardResourcesQueryQuery,
} from '../../client/src/generated/graphql.ts';
import { createBareRepository, removeScratchDirs } from '../support/git-fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schema = buildSchema(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
const DOCUMENTS: DocumentNode[] = [
  DashboardFabricsQueryDocument,
  DashboardFabricQueryDocument,
  DashboardResourcesQueryDocument,
  DashboardResourceQueryDocument,
  DashboardOperationsQueryDocument,
  DashboardOperationSubscriptionDocument,
  DashboardUpdateResourceMutationDocument,
];

/** Object types the documents select into that have no `id` (graphcache cannot key them). */
function typesWithoutId(documents: DocumentNode[]): string[] {
  const found = new Set<string>();
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const typeInfo = new TypeInfo(schema);
  for (const document of documents) {
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        SelectionSet() {
          const type = getNamedType(typeInfo.getType() ?? typeInfo.getParentType() ?? undefined);
          if (isObjectType(type) && !roots.has(type) && !('id' in type.getFields()) && !('_id' in type.getFields())) {
            found.add(type.name);
          }
        },
      }),
    );
  }
  return [...found].sort();
}

const EMBEDDED = typesWithoutId(DOCUMENTS);

const vlans = (name: string, from: number) => `apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: ${name}
spec:
  ranges:
  - from: ${from}
    to: ${from + 99}
`;

interface Dashboard {
  client: Client;
  /** Operation names sent over HTTP, in order. */
  sent: string[];
  /** Graphcache's warnings. */
  warnings: string[];
  /** Results' data as they came from the gateway (HTTP responses, WebSocket messages). */
  received: unknown[];
}

/** Paths of objects without a __typename in a result (urql asks for it on every selection). */
function objectsWithoutTypename(value: unknown, at = '$'): string[] {
  // The root (data) is the operation's type; urql asks for __typename below it.
  if (at === '$' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, child]) => objectsWithoutTypename(child, `$.${key}`));
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => objectsWithoutTypename(item, `${at}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.__typename !== 'string') return [at];
  const type = schema.getType(record.__typename);
  const fields = isObjectType(type) ? type.getFields() : {};
  return Object.entries(record)
    .filter(([key]) => getNamedType(fields[key]?.type)?.name !== 'JSON') // JSON values are not GraphQL objects
    .flatMap(([key, child]) => objectsWithoutTypename(child, `${at}.${key}`));
}

describe('a dashboard on urql with graphcache', () => {
  let t: TestApp;
  let fabricId: string;
  let resourceIds: Map<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    const remote = await createBareRepository();
    const repository = await t.graphqlOk<{ createGitRepository: { id: string } }>(
      `mutation($url: String!) { createGitRepository(input: { name: "lab", url: $url }) { id } }`,
      { url: `file://${remote}` },
    );
    const fabric = await t.graphqlOk<{ createFabric: { id: string } }>(
      `mutation($r: ID!) { createFabric(input: { name: "dc1", gitRepositoryId: $r }) { id } }`,
      { r: repository.createGitRepository.id },
    );
    fabricId = fabric.createFabric.id;
    resourceIds = new Map();
    for (const [name, from] of [
      ['committed', 1000],
      ['drafted', 1200],
      ['other', 1400],
    ] as const) {
      const created = await t.graphqlOk<{ createResource: { id: string } }>(
        `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
        { f: fabricId, y: vlans(name, from) },
      );
      resourceIds.set(name, created.createResource.id);
      // The first one reaches Git, so that resources carry a desired state too.
      if (name === 'committed') {
        await t.graphqlOk(`mutation($f: ID!) { commitChanges(fabricId: $f, message: "one") { id } }`, { f: fabricId });
        await t.app.runner.idle();
      }
    }
  });
  afterAll(async () => {
    await t?.stop();
    await removeScratchDirs();
  });

  function dashboard(keys: KeyingConfig | undefined): Dashboard & { close(): Promise<void> } {
    const sent: string[] = [];
    const warnings: string[] = [];
    const received: unknown[] = [];
    const ws = t.wsClient();
    const client = new Client({
      url: `${t.url}/graphql`,
      preferGetMethod: false,
      fetchOptions: { headers: { authorization: `Bearer ${t.adminToken}` } },
      fetch: async (input, init) => {
        sent.push((JSON.parse(String(init?.body)) as { operationName: string }).operationName);
        const response = await fetch(input, init);
        received.push(((await response.clone().json()) as { data: unknown }).data);
        return response;
      },
      exchanges: [
        cacheExchange({
          schema: introspectionFromSchema(schema),
          ...(keys ? { keys } : {}),
          resolvers: { Query: { resource: (_parent, args) => ({ __typename: 'Resource', id: args.id as string }) } },
          logger: (severity, message) => {
            if (severity !== 'debug') warnings.push(message);
          },
        }),
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({
              unsubscribe: ws.subscribe(
                { ...request, query: request.query ?? '' },
                {
                  ...sink,
                  next: (result: Parameters<typeof sink.next>[0]) => {
                    received.push(result.data);
                    sink.next(result);
                  },
                },
              ),
            }),
          }),
        }),
      ],
    });
    return { client, sent, warnings, received, close: async () => void (await ws.dispose()) };
  }

  /** Runs the read-only dashboard queries once. */
  async function browse(client: Client) {
    const results = [
      await client.query(DashboardFabricsQueryDocument, {}).toPromise(),
      await client.query(DashboardFabricQueryDocument, { id: fabricId }).toPromise(),
      await client.query(DashboardResourcesQueryDocument, { fabricId, first: 10 }).toPromise(),
      await client.query(DashboardResourceQueryDocument, { id: resourceIds.get('committed')! }).toPromise(),
      await client.query(DashboardOperationsQueryDocument, { fabricId, first: 10 }).toPromise(),
    ] as const;
    for (const result of results) expect(result.error).toBeUndefined();
    return results;
  }

  it(`needs a keys entry exactly for the types without an id (today: ${EMBEDDED.join(', ')})`, async () => {
    const bare = dashboard(undefined);
    try {
      await browse(bare.client);
      const unkeyed = new Set(bare.warnings.map((message) => /create a `keys` config for `(\w+)`/.exec(message)?.[1]));
      expect(unkeyed.size).toBeGreaterThan(0);
      // Every type graphcache could not key is one the schema gives no id; no warning of another kind.
      expect(
        [...unkeyed].every((type) => type !== undefined && EMBEDDED.includes(type)),
        bare.warnings.join('\n'),
      ).toBe(true);
    } finally {
      await bare.close();
    }
    const keyed = dashboard(Object.fromEntries(EMBEDDED.map((type) => [type, () => null])));
    try {
      await browse(keyed.client);
      expect(keyed.warnings).toEqual([]);
    } finally {
      await keyed.close();
    }
  });

  describe('with the id-less types embedded', () => {
    let d: ReturnType<typeof dashboard>;
    beforeAll(() => {
      d = dashboard(Object.fromEntries(EMBEDDED.map((type) => [type, () => null])));
    });
    afterAll(() => d.close());

    it('gets __typename on every object, and answers from the cache what it already has', async () => {
      const results = await browse(d.client);
      // urql asked for __typename in every selection, and the gateway sent it on every object.
      expect(d.received).toHaveLength(5);
      for (const data of d.received) expect(objectsWithoutTypename(data)).toEqual([]);
      const [fabrics, fabric, resources] = results;
      expect(fabrics.data!.fabrics).toEqual([expect.objectContaining({ id: fabricId, name: 'dc1' })]);
      expect(fabric.data!.fabric.driftSummary).toMatchObject({ total: 3, byKind: [{ kind: 'VLANNamespace' }] });
      expect(resources.data!.resources.totalCount).toBe(3);
      expect(d.sent).toEqual([
        'DashboardFabricsQuery',
        'DashboardFabricQuery',
        'DashboardResourcesQuery',
        'DashboardResourceQuery',
        'DashboardOperationsQuery',
      ]);

      // Asked again: every answer comes from the cache (resource(id) through its resolver), nothing is sent.
      const again = await browse(d.client);
      expect(d.sent).toHaveLength(5);
      expect(again.map((result) => result.data)).toEqual(results.map((result) => result.data));
      // One Resource entity, whichever query reached it.
      const committed = again[3].data!.resource;
      const inList = again[2].data!.resources.edges.find((edge) => edge.node.id === committed.id)!.node;
      expect(inList.name).toBe(committed.name);
      expect(inList.desired?.managedFilePath).toBe(committed.desired?.managedFilePath);
    });

    it("puts a mutation's result into the cached list without a refetch", async () => {
      const watched: OperationResult<DashboardResourcesQueryQuery>[] = [];
      let onResult = () => {};
      const subscription = d.client
        .query(DashboardResourcesQueryDocument, { fabricId, first: 10 })
        .subscribe((result) => {
          watched.push(result);
          onResult();
        });
      try {
        const spec = (result: (typeof watched)[number] | undefined) =>
          result?.data?.resources.edges.find((edge) => edge.node.id === resourceIds.get('drafted'))?.node.draft?.spec as
            | { ranges: { from: number; to: number }[] }
            | undefined;
        const sentBefore = d.sent.length;
        expect(spec(watched.at(-1))).toEqual({ ranges: [{ from: 1200, to: 1299 }] });

        const changed = new Promise<void>((resolve) => {
          onResult = () => {
            if (spec(watched.at(-1))?.ranges[0]?.from === 1600) resolve();
          };
        });
        const mutation = await d.client
          .mutation(DashboardUpdateResourceMutationDocument, {
            id: resourceIds.get('drafted')!,
            manifest: { yaml: vlans('drafted', 1600) },
          })
          .toPromise();
        expect(mutation.error).toBeUndefined();
        await changed;
        expect(spec(watched.at(-1))).toEqual({ ranges: [{ from: 1600, to: 1699 }] });
        expect(d.sent.slice(sentBefore)).toEqual(['DashboardUpdateResourceMutation']);
      } finally {
        subscription.unsubscribe();
      }
    });

    it("brings a subscription's updates into the cached list of operations", async () => {
      const started = await t.graphqlOk<{ initializeGitopsDirectory: { id: string } }>(
        `mutation($f: ID!) { initializeGitopsDirectory(fabricId: $f) { id } }`,
        { f: fabricId },
      );
      const operationId = started.initializeGitopsDirectory.id;
      const sentBefore = d.sent.length;
      const receivedBefore = d.received.length;
      const statusInList = (result: OperationResult | undefined) =>
        (
          result?.data as { syncOperations: { edges: { node: { id: string; status: string } }[] } } | undefined
        )?.syncOperations.edges.find((edge) => edge.node.id === operationId)?.node.status;

      let listed: OperationResult | undefined;
      let onList = () => {};
      // The list is fetched once (network-only: the cached list predates the operation).
      const list = d.client
        .query(DashboardOperationsQueryDocument, { fabricId, first: 10 }, { requestPolicy: 'network-only' })
        .subscribe((result) => {
          listed = result;
          onList();
        });
      const updates: { status: string }[] = [];
      const finished = new Promise<void>((resolve, reject) => {
        const updatesSubscription = d.client
          .subscription(DashboardOperationSubscriptionDocument, { id: operationId })
          .subscribe((result) => {
            if (result.error) reject(result.error);
            const update = result.data?.syncOperationUpdated;
            if (!update) return;
            updates.push(update);
            if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(update.status)) {
              updatesSubscription.unsubscribe();
              resolve();
            }
          });
      });
      try {
        await finished;
        expect(updates.at(-1)?.status).toBe('COMPLETED');
        // urql asked for __typename in the subscription too, and the gateway sent it with every update.
        const wire = d.received.slice(receivedBefore);
        expect(wire.length).toBeGreaterThanOrEqual(updates.length);
        for (const data of wire) expect(objectsWithoutTypename(data)).toEqual([]);
        // The list shows the final status: written into the SyncOperation entity by the subscription.
        await new Promise<void>((resolve) => {
          onList = () => {
            if (statusInList(listed) === 'COMPLETED') resolve();
          };
          onList();
        });
        expect(d.sent.slice(sentBefore)).toEqual(['DashboardOperationsQuery']);
      } finally {
        list.unsubscribe();
      }
    });
  });
});
