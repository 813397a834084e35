/**
 * waitForOperation against every way `syncOperationUpdated` may end: the gateway today keeps the
 * subscription open after the final state, issue 15 makes it complete after it, and a gateway
 * shutting down completes it early. A protocol-level server plays each: graphql-ws over a real
 * `ws` socket and GraphQL over HTTP on a real port, executing the committed schema.graphql.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, graphql as execute } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  createGatewayClient,
  type GatewayClient,
  type OperationProgress,
  waitForOperation,
} from '../../client/src/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schema = buildSchema(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));

const state = (status: string, progressDone: number): OperationProgress & Record<string, unknown> => ({
  id: 'op-1',
  operationType: 'PUSH',
  status: status as OperationProgress['status'],
  phase: status === 'IN_PROGRESS' ? 'COMMITTING' : 'DONE',
  progressDone,
  progressTotal: 3,
  estimatedSecondsLeft: status === 'IN_PROGRESS' ? 2 : null,
  errorMessage: status === 'FAILED' ? 'the remote refused the push' : null,
  commitSha: status === 'COMPLETED' ? 'a'.repeat(40) : null,
  pullRequestUrl: null,
  filesCreated: progressDone,
  filesUpdated: 0,
  filesDeleted: 0,
  startedAt: '2026-01-01T00:00:00.000Z',
  completedAt: status === 'IN_PROGRESS' ? null : '2026-01-01T00:00:03.000Z',
});

interface Script {
  /** What the subscription sends, in order. */
  updates: ReturnType<typeof state>[];
  /** After the updates: complete the subscription, or keep it open until the client leaves. */
  afterwards: 'complete' | 'stay-open';
  /** What a `syncOperation` query answers. */
  now: ReturnType<typeof state>;
}

describe('waitForOperation, whichever way the subscription ends', () => {
  let server: Server;
  let client: GatewayClient;
  let script: Script;
  let httpQueries = 0;
  /** Called when a client leaves a subscription. */
  let left: () => void = () => {};

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: string;
        variables: Record<string, unknown>;
      };
      httpQueries += 1;
      const result = await execute({
        schema,
        source: body.query,
        variableValues: body.variables,
        rootValue: { syncOperation: () => script.now },
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    });
    const sockets = new WebSocketServer({ server, path: '/graphql' });
    useServer(
      {
        schema,
        roots: {
          subscription: {
            // An iterator rather than a generator: a generator waiting in an await cannot be
            // returned, and the server waits for that return before it sees the client leave.
            syncOperationUpdated: (): AsyncIterableIterator<unknown> => {
              const queue = [...script.updates];
              let stop = () => {};
              return {
                [Symbol.asyncIterator]() {
                  return this;
                },
                async next() {
                  const update = queue.shift();
                  if (update) return { done: false, value: { syncOperationUpdated: update } };
                  if (script.afterwards === 'stay-open') await new Promise<void>((resolve) => (stop = resolve));
                  return { done: true, value: undefined };
                },
                async return() {
                  left();
                  stop();
                  return { done: true, value: undefined };
                },
              };
            },
          },
        },
      },
      sockets,
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = createGatewayClient({ url: `http://127.0.0.1:${port}/graphql`, token: 'hgw_test' });
  });
  afterAll(async () => {
    await client?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const follow = async () => {
    httpQueries = 0;
    const seen: OperationProgress[] = [];
    const final = await waitForOperation(client, 'op-1', { onProgress: (operation) => seen.push(operation) });
    return { final, seen };
  };

  it('completes after the final state (issue 15): the final state is the answer, nothing else is asked', async () => {
    script = {
      updates: [state('IN_PROGRESS', 1), state('COMPLETED', 3)],
      afterwards: 'complete',
      now: state('COMPLETED', 3),
    };
    const { final, seen } = await follow();
    expect(final).toMatchObject({ status: 'COMPLETED', commitSha: 'a'.repeat(40) });
    expect(seen.map((operation) => operation.status)).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(httpQueries).toBe(0);
  });

  it('stays open after the final state (the gateway today): resolves, and ends the subscription itself', async () => {
    const ended = new Promise<void>((resolve) => {
      left = resolve;
    });
    script = {
      updates: [state('IN_PROGRESS', 2), state('FAILED', 2)],
      afterwards: 'stay-open',
      now: state('FAILED', 2),
    };
    const { final, seen } = await follow();
    expect(final).toMatchObject({ status: 'FAILED', errorMessage: 'the remote refused the push' });
    expect(seen).toHaveLength(2);
    await ended; // the server saw the client leave
    expect(httpQueries).toBe(0);
  });

  it('completes before a final state (a gateway shutting down): asks once, and returns a final state found', async () => {
    script = { updates: [state('IN_PROGRESS', 1)], afterwards: 'complete', now: state('CANCELLED', 1) };
    const { final, seen } = await follow();
    expect(final.status).toBe('CANCELLED');
    expect(seen.map((operation) => operation.status)).toEqual(['IN_PROGRESS', 'CANCELLED']);
    expect(httpQueries).toBe(1);
  });

  it('completes before a final state that has not come: rejects, saying so', async () => {
    script = { updates: [state('IN_PROGRESS', 1)], afterwards: 'complete', now: state('IN_PROGRESS', 2) };
    await expect(follow()).rejects.toThrow('the subscription to operation op-1 ended while it was IN_PROGRESS');
    expect(httpQueries).toBe(1);
  });
});
