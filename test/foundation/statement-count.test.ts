import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFabric } from '../support/fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let fabricId: string;
beforeAll(async () => {
  t = await startTestApp();
  fabricId = (await createFabric(t, { name: 'counted' })).id;
  const services = t.app.services();
  for (let index = 0; index < 100; index++) {
    await services.resources.createDraft(
      fabricId,
      { object: { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'VLANNamespace', metadata: { name: `ns-${index}` }, spec: { ranges: [{ from: 1000, to: 1999 }] } } },
      { name: 'seed' },
    );
  }
  for (let index = 0; index < 20; index++) {
    const operation = await services.operations.create({ fabricId, type: 'pull', initiatedBy: 'seed' });
    await services.operations.update(operation, { status: 'completed' }, [{ message: 'a' }, { message: 'b' }]);
  }
});
afterAll(async () => {
  await t?.stop();
});

it('lists a page of 100 resources with their fabric in a constant number of statements', async () => {
  t.sql.length = 0;
  const data = await t.graphqlOk(
    `query($f: ID!) { resources(fabricId: $f, first: 100) { totalCount edges { node { name fabric { name gitRepository { name } } } } } }`,
    { f: fabricId },
  );
  expect(data.resources.edges).toHaveLength(100);
  expect(data.resources.edges.every((edge: any) => edge.node.fabric.name === 'counted')).toBe(true);
  // fabric exists, page, count, fabrics of the page: no statement per row (the token lookup aside).
  expect(t.sql.filter((statement) => !statement.includes('api_token')).length).toBeLessThanOrEqual(4);
});

it('lists operations with their fabric and events in a constant number of statements', async () => {
  t.sql.length = 0;
  const data = await t.graphqlOk(
    `query($f: ID!) { syncOperations(fabricId: $f, first: 20) { edges { node { fabric { name } events { message } } } } }`,
    { f: fabricId },
  );
  expect(data.syncOperations.edges).toHaveLength(20);
  expect(data.syncOperations.edges[0].node.events).toHaveLength(2);
  expect(t.sql.filter((statement) => !statement.includes('api_token')).length).toBeLessThanOrEqual(4);
});
