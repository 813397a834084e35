/**
 * `pendingChanges` reads the fabric as plain rows of the columns each step needs
 * (sync/pending-changes.service.ts): only the drafted rows are read whole. Reading every row as an
 * entity (all three states' JSON, live state included) held several times what the review uses.
 */
import { expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTest;

const PENDING = `query($f: ID!) { pendingChanges(fabricId: $f) {
  changes { name action } validation { valid errorCount } impact { switches { name } } } }`;

it('reads the whole fabric only through named columns, and entities only for its drafts', async ({ t }) => {
  const fabric = await createFabric(t);
  await createDraft(t, fabric.id, vlanNamespaceYaml('tenant-vlans'));
  await createDraft(t, fabric.id, vlanNamespaceYaml('other-vlans'));
  const result = await t.graphql(PENDING, { f: fabric.id }, { 'x-request-id': 'pending-read' });
  expect(result.errors).toBeUndefined();
  const data = result.data as { pendingChanges: { changes: { name: string }[]; validation: { valid: boolean } } };
  expect(data.pendingChanges.changes.map((change) => change.name).sort()).toEqual(['other-vlans', 'tenant-vlans']);
  expect(data.pendingChanges.validation.valid).toBe(true);

  const reads = t
    .statementsOf('pending-read')
    .filter((statement) => /^select/i.test(statement.trim()) && /from "?resource"?/.test(statement));
  expect(reads.length).toBeGreaterThan(0);
  for (const statement of reads) {
    // No read of the resource table brings the live state back.
    expect(statement).not.toMatch(/live_spec/);
    // A read of whole rows is limited to the drafted ones.
    if (/"r0"\.\*/.test(statement)) expect(statement).toMatch(/draft_action/);
  }
});
