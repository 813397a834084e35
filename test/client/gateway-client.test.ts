/**
 * The typed client against a real gateway on a real port: requests over HTTP, subscriptions over
 * graphql-ws (Node's own WebSocket), waitForOperation on real operations, and the refusals a
 * script meets (a bad token, another fabric's operation, NUL bytes, unknown ids) as GatewayErrors
 * with the server's code, with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createGatewayClient,
  GatewayError,
  type GatewayClient,
  graphql,
  type OperationProgress,
  waitForOperation,
} from '../../client/src/index.ts';
import { createBareRepository, gitLog, removeScratchDirs } from '../support/git-fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const CreateRepository = graphql(`
  mutation ClientTestCreateRepository($input: CreateGitRepositoryInput!) {
    createGitRepository(input: $input) {
      id
    }
  }
`);

const CreateFabric = graphql(`
  mutation ClientTestCreateFabric($input: CreateFabricInput!) {
    createFabric(input: $input) {
      id
      name
      gitopsDirectoryStatus
    }
  }
`);

const Initialize = graphql(`
  mutation ClientTestInitialize($fabricId: ID!) {
    initializeGitopsDirectory(fabricId: $fabricId) {
      id
      status
    }
  }
`);

const FabricsAndDrafts = graphql(`
  query ClientTestFabrics($fabricId: ID!) {
    fabrics {
      id
      name
    }
    resources(fabricId: $fabricId, first: 10) {
      totalCount
    }
  }
`);

const Draft = graphql(`
  mutation ClientTestDraft($fabricId: ID!, $yaml: String!) {
    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {
      id
      draft {
        action
      }
    }
  }
`);

const OneResource = graphql(`
  query ClientTestResource($id: ID!) {
    resource(id: $id) {
      id
      name
    }
  }
`);

const OperationStatus = graphql(`
  subscription ClientTestOperationStatus($id: ID!) {
    syncOperationUpdated(id: $id) {
      id
      status
    }
  }
`);

describe('the typed client', () => {
  let t: TestApp;
  let client: GatewayClient;
  let remote: string;
  let fabricId: string;

  beforeAll(async () => {
    t = await startTestApp();
    client = createGatewayClient({ url: `${t.url}/graphql`, token: t.adminToken });
    remote = await createBareRepository();
    const repository = (await client.request(CreateRepository, { input: { name: 'lab', url: `file://${remote}` } }))
      .createGitRepository!;
    const fabric = (await client.request(CreateFabric, { input: { name: 'dc1', gitRepositoryId: repository.id } }))
      .createFabric!;
    fabricId = fabric.id;
    expect(fabric.gitopsDirectoryStatus).toBe('NOT_INITIALIZED');
  });
  afterAll(async () => {
    await client?.close();
    await t?.stop();
    await removeScratchDirs();
  });

  it('types results and variables by the document', async () => {
    const data = await client.request(FabricsAndDrafts, { fabricId });
    expectTypeOf(data.fabrics).toEqualTypeOf<{ id: string; name: string }[]>();
    expectTypeOf(data.resources.totalCount).toEqualTypeOf<number>();
    expect(data).toEqual({ fabrics: [{ id: fabricId, name: 'dc1' }], resources: { totalCount: 0 } });
    // The compiler refuses what the server would: a missing or misspelt variable.
    // @ts-expect-error fabricId is required
    const missing = await client.request(FabricsAndDrafts).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(GatewayError);
    // The server's variable errors carry no extensions.code today.
    expect((missing as GatewayError).message).toMatch(/\$fabricId/);
    // @ts-expect-error no variable fabric
    await expect(client.request(FabricsAndDrafts, { fabric: fabricId })).rejects.toBeInstanceOf(GatewayError);
  });

  it('waitForOperation reports every state and resolves on the final one', async () => {
    const started = (await client.request(Initialize, { fabricId })).initializeGitopsDirectory!;
    const seen: OperationProgress[] = [];
    const final = await waitForOperation(client, started.id, { onProgress: (operation) => seen.push(operation) });
    expect(final.status).toBe('COMPLETED');
    expect(final.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(seen.at(-1)).toEqual(final);
    // How many states come before depends on how far the runner got when the subscription began.
    expect(seen.slice(0, -1).every((operation) => ['PENDING', 'IN_PROGRESS'].includes(operation.status))).toBe(true);
    expect((await gitLog(remote, 'main'))[0]?.oid).toBe(final.commitSha);

    // An operation that already ended: its state comes first, and that is the answer.
    const again: OperationProgress[] = [];
    const same = await waitForOperation(client, started.id, { onProgress: (operation) => again.push(operation) });
    expect(same).toEqual(final);
    expect(again).toEqual([final]);
  });

  it('subscribe yields typed events and leaving the loop ends the subscription', async () => {
    const started = (await client.request(Initialize, { fabricId })).initializeGitopsDirectory!;
    const statuses: string[] = [];
    for await (const event of client.subscribe(OperationStatus, { id: started.id })) {
      expectTypeOf(event.syncOperationUpdated.status).toEqualTypeOf<
        'CANCELLED' | 'COMPLETED' | 'FAILED' | 'IN_PROGRESS' | 'PENDING'
      >();
      statuses.push(event.syncOperationUpdated.status);
      break;
    }
    expect(statuses).toHaveLength(1);
    // The same socket serves the next subscription.
    expect((await waitForOperation(client, started.id)).status).toBe('COMPLETED');
  });

  describe('refusals come back as GatewayErrors with the server code, and change nothing', () => {
    it('a token the gateway does not know, on HTTP and on the WebSocket', async () => {
      const stranger = createGatewayClient({ url: `${t.url}/graphql`, token: 'hgw_not-a-real-token' });
      try {
        const refused = await stranger.request(FabricsAndDrafts, { fabricId }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(GatewayError);
        expect((refused as GatewayError).code).toBe('UNAUTHENTICATED');
        const closed = await waitForOperation(stranger, '00000000-0000-0000-0000-000000000000').catch(
          (error: unknown) => error,
        );
        expect(closed).toBeInstanceOf(GatewayError);
        expect((closed as GatewayError).code).toBe('WEBSOCKET_4403');
      } finally {
        await stranger.close();
      }
    });

    it("another fabric's operation, with a token limited to one fabric", async () => {
      const other = (await client.request(CreateFabric, { input: { name: 'dc2' } })).createFabric!;
      const operations = await t.graphqlOk<{ syncOperations: { edges: { node: { id: string } }[] } }>(
        `query($f: ID) { syncOperations(fabricId: $f, first: 1) { edges { node { id } } } }`,
        { f: fabricId },
      );
      const operationId = operations.syncOperations.edges[0]!.node.id;
      const limited = createGatewayClient({
        url: `${t.url}/graphql`,
        token: await t.createToken({ role: 'viewer', fabricIds: [other.id] }),
      });
      try {
        const refused = await waitForOperation(limited, operationId).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(GatewayError);
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain((refused as GatewayError).code);
      } finally {
        await limited.close();
      }
    });

    it('unknown ids, malformed ids and NUL bytes', async () => {
      const before = (await client.request(FabricsAndDrafts, { fabricId })).resources.totalCount;
      for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', 'a\u0000b']) {
        const refused = await client.request(OneResource, { id }).catch((error: unknown) => error);
        expect(refused, id).toBeInstanceOf(GatewayError);
        expect(['NOT_FOUND', 'INVALID_INPUT'], id).toContain((refused as GatewayError).code);
        const unknown = await waitForOperation(client, id).catch((error: unknown) => error);
        expect(unknown, id).toBeInstanceOf(GatewayError);
        expect(['NOT_FOUND', 'INVALID_INPUT'], id).toContain((unknown as GatewayError).code);
      }
      const nul = await client
        .request(Draft, { fabricId, yaml: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\u0000\n' })
        .catch((error: unknown) => error);
      expect(nul).toBeInstanceOf(GatewayError);
      expect((nul as GatewayError).code).toBe('INVALID_INPUT');
      expect((await client.request(FabricsAndDrafts, { fabricId })).resources.totalCount).toBe(before);
    });

    it('a body that is not GraphQL (a wrong URL) is an HTTP error, not a crash', async () => {
      const lost = createGatewayClient({ url: `${t.url}/nowhere`, token: t.adminToken });
      const refused = await lost.request(FabricsAndDrafts, { fabricId }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(GatewayError);
      expect((refused as GatewayError).code).toBe('HTTP_404');
    });
  });
});
