/**
 * A draft is validated against the fabric as its drafts would leave it (resource.service.ts,
 * `validate`), read as plain rows of the columns an object needs (resource.repository.ts,
 * `effectiveObjectsOf`): not as entities with every state's JSON, which cost each draft of a
 * 10,000-object fabric some 250 MiB of heap (docs/performance.md, "Steady memory").
 */
import { expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTest;

const CREATE = `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`;
const DELETE = `mutation($id: ID!) { deleteResource(id: $id) { id } }`;

const leafYaml = (name: string, namespace = 'tenant-vlans') => `apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: ${name}
spec:
  role: server-leaf
  profile: celestica-ds3000
  vlanNamespaces: [${namespace}]
`;

it('reads the fabric for a draft as plain rows, without the live state', async ({ t }) => {
  const fabric = await createFabric(t);
  await createDraft(t, fabric.id, vlanNamespaceYaml('tenant-vlans'));
  const result = await t.graphql(CREATE, { f: fabric.id, y: leafYaml('leaf-01') }, { 'x-request-id': 'draft-read' });
  expect(result.errors).toBeUndefined();
  const reads = t.statementsOf('draft-read').filter((statement) => /^select/i.test(statement.trim()));
  // The fabric-wide read names its columns: no entity rows (every column, live state included).
  const fabricWide = reads.filter(
    (statement) => /from "?resource"?/.test(statement) && !/"?name"? = \?/.test(statement),
  );
  expect(fabricWide).toHaveLength(1);
  expect(fabricWide[0]).not.toMatch(/live_spec|"r0"\.\*/);
  // Only what the switch can reach (draft-scope.test.ts): kinds read whole, objects it names.
  expect(fabricWide[0]).toMatch(/kind in \(/);
});

it('scopes validateManifests for small YAML, and reads the whole fabric for YAML above 64 KiB', async ({ t }) => {
  const fabric = await createFabric(t);
  await createDraft(t, fabric.id, vlanNamespaceYaml('tenant-vlans'));
  const VALIDATE = `query($f: ID!, $y: String!) { validateManifests(fabricId: $f, yaml: $y) { valid errors { code } } }`;
  const readsOf = (requestId: string) =>
    t
      .statementsOf(requestId)
      .filter((statement) => /^select/i.test(statement.trim()) && /from "?resource"?/.test(statement));
  // A comment makes the same document large: validated on a worker thread, parsed only there.
  const padding = `# ${'x'.repeat(70 * 1024)}\n`;
  for (const [requestId, yaml, scoped] of [
    ['validate-small', leafYaml('leaf-01'), true],
    ['validate-large', padding + leafYaml('leaf-01'), false],
  ] as const) {
    const result = await t.graphql(VALIDATE, { f: fabric.id, y: yaml }, { 'x-request-id': requestId });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ validateManifests: { valid: true, errors: [] } });
    const reads = readsOf(requestId);
    expect(reads, requestId).toHaveLength(1);
    if (scoped) expect(reads[0]).toMatch(/kind in \(/);
    else expect(reads[0]).not.toMatch(/kind in \(/);
  }
  // The scope still finds what the input names: without the namespace, the switch refers to nothing.
  const missing = await t.graphqlOk(VALIDATE, { f: fabric.id, y: leafYaml('leaf-01', 'no-such-namespace') });
  expect(JSON.stringify(missing)).toContain('REFERENCE_NOT_FOUND');
});

it('sees drafted objects, not deleted ones, with the desired ones', async ({ t }) => {
  const fabric = await createFabric(t);
  const namespace = await createDraft(t, fabric.id, vlanNamespaceYaml('tenant-vlans'));
  await createDraft(t, fabric.id, leafYaml('leaf-01'));
  // Drafted (a new object): seen, so a second leaf naming it is valid.
  await createDraft(t, fabric.id, leafYaml('leaf-02'));
  // Deleted as a draft: no longer seen, so a third leaf naming it refers to nothing.
  await t.graphqlOk(DELETE, { id: namespace.id });
  const refused = await t.graphql(CREATE, { f: fabric.id, y: leafYaml('leaf-03') });
  expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  expect(JSON.stringify(refused.errors?.[0]?.extensions?.problems)).toContain('REFERENCE_NOT_FOUND');
});
