import { describe, expect } from 'vitest';
import { appTestWith } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';
let fabricId: string;

const it = appTestWith({ env: { MUTATIONS_PER_MINUTE: '1000', HEAD_CHECK: 'false' } });
it.beforeAll(async ({ t }) => {
  fabricId = (await createFabric(t, { name: 'results' })).id;
});

describe('mutation results', () => {
  it('updateResource answers the fabric it belongs to', async ({ t }) => {
    const created = await t.graphqlOk(
      `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id fabric { name } } }`,
      { f: fabricId, y: vlanNamespaceYaml('first') },
    );
    expect(created.createResource.fabric.name).toBe('results');
    const updated = await t.graphql(
      `mutation($id: ID!, $y: String!) { updateResource(id: $id, manifest: { yaml: $y }) { id fabric { id name } } }`,
      { id: created.createResource.id, y: vlanNamespaceYaml('first', { from: 1000, to: 1500 }) },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateResource.fabric).toEqual({ id: fabricId, name: 'results' });
  });

  it('keeps the results of earlier fields when a later field fails', async ({ t }) => {
    const result = await t.graphql(
      `mutation($f: ID!, $good: String!, $bad: String!) {
        good: createResource(fabricId: $f, manifest: { yaml: $good }) { id name }
        bad: createResource(fabricId: $f, manifest: { yaml: $bad }) { id name }
      }`,
      { f: fabricId, good: vlanNamespaceYaml('second'), bad: 'kind: [' },
    );
    expect(result.data?.good?.name).toBe('second');
    expect(result.data?.bad).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.path).toEqual(['bad']);
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    // What the answer says was applied is what the database holds.
    const rows = await queryDatabase(
      t.database.url,
      `select name from resource where fabric_id = $1 and name = 'second'`,
      [fabricId],
    );
    expect(rows).toHaveLength(1);
  });
});
