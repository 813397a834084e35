import { expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTest } from '../support/app-fixture.ts';
import { createFabric } from '../support/fixtures.ts';
let fabricId: string;

const it = appTest;
it.beforeAll(async ({ t }) => {
  fabricId = (await createFabric(t, { name: 'counted' })).id;
  const services = t.app.services();
  for (let index = 0; index < 100; index++) {
    await services.resources.createDraft(
      fabricId,
      {
        object: {
          apiVersion: 'wiring.githedgehog.com/v1beta1',
          kind: 'VLANNamespace',
          metadata: { name: `ns-${index}` },
          spec: { ranges: [{ from: 1000, to: 1999 }] },
        },
      },
      { name: 'seed' },
    );
  }
  for (let index = 0; index < 20; index++) {
    const operation = await services.operations.create({ fabricId, type: 'pull', initiatedBy: 'seed' });
    await services.operations.update(operation, { status: 'completed' }, [{ message: 'a' }, { message: 'b' }]);
  }
});

/** Sends a query with its own x-request-id: the statements counted are those sent for it (TestApp.statementsOf). */
async function measured(
  t: TestApp,
  requestId: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<any> {
  const result = await t.graphql(query, variables, { 'x-request-id': requestId });
  expect(result.errors).toBeUndefined();
  return result.data;
}

/**
 * Runs `request` while other work of the same process sends statements through the same ORM
 * (as head checks, token re-checks and operations do): what is counted must be the request's.
 */
async function alongsideBackgroundWork<T>(t: TestApp, request: () => Promise<T>): Promise<T> {
  let running = true;
  const background = (async () => {
    while (running) await t.app.services().fabrics.getMany([fabricId]);
  })();
  try {
    return await request();
  } finally {
    running = false;
    await background;
  }
}

it('lists a page of 100 resources with their fabric in a constant number of statements', async ({ t }) => {
  const data = await alongsideBackgroundWork(t, () =>
    measured(
      t,
      'count-resources',
      `query($f: ID!) { resources(fabricId: $f, first: 100) { totalCount edges { node { name fabric { name gitRepository { name } } } } } }`,
      { f: fabricId },
    ),
  );
  expect(data.resources.edges).toHaveLength(100);
  expect(data.resources.edges.every((edge: any) => edge.node.fabric.name === 'counted')).toBe(true);
  // page with its count, fabrics of the page: no statement per row (the token lookup aside; the
  // fabric's existence is asked only when a page comes back empty).
  const statements = t.statementsOf('count-resources').filter((statement) => !statement.includes('api_token'));
  expect(statements.length).toBeGreaterThanOrEqual(2); // the request's own statements are seen
  expect(statements.length).toBeLessThanOrEqual(2);
});

it('lists operations with their fabric and events in a constant number of statements', async ({ t }) => {
  const data = await alongsideBackgroundWork(t, () =>
    measured(
      t,
      'count-operations',
      `query($f: ID!) { syncOperations(fabricId: $f, first: 20) { edges { node { fabric { name } events { edges { node { message } } } } } } }`,
      { f: fabricId },
    ),
  );
  expect(data.syncOperations.edges).toHaveLength(20);
  expect(data.syncOperations.edges[0].node.events.edges).toHaveLength(2);
  // page, fabrics, events (no count: totalCount is not asked for).
  const statements = t.statementsOf('count-operations').filter((statement) => !statement.includes('api_token'));
  expect(statements.length).toBeGreaterThanOrEqual(2);
  expect(statements.length).toBeLessThanOrEqual(3);
});
