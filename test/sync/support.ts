/** Helpers shared by the sync tests: objects, remote edits, operations through GraphQL, rows. */
import { parse as parseYaml } from 'yaml';
import { renderCanonicalYaml, managedFilePath, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { queryDatabase } from '../support/database.ts';
import type { TestApp } from '../support/test-app.ts';
import { OPERATION_FIELDS, withEventList, type OperationResult } from '../support/remote-gateway.ts';

export const vlanNamespace = (name: string, to = 1999, labels?: Record<string, string>): HedgehogObject => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  spec: { ranges: [{ from: 1000, to }] },
});

/** The file a person would commit for this object, at its canonical path below `fabric/`. */
export const fileOf = (object: HedgehogObject): Record<string, string> => ({
  [`fabric/${managedFilePath(object)}`]: renderCanonicalYaml(object),
});
export const pathOf = (object: HedgehogObject) => `fabric/${managedFilePath(object)}`;
export const yamlOf = (object: HedgehogObject) => renderCanonicalYaml(object);

export async function operation(t: TestApp, id: string): Promise<OperationResult & { pullRequestUrl: string | null }> {
  const data = await t.graphqlOk<{ syncOperation: OperationResult & { pullRequestUrl: string | null } }>(
    `query($id: ID!) { syncOperation(id: $id) { ${OPERATION_FIELDS} pullRequestUrl } }`,
    { id },
  );
  return withEventList(t, data.syncOperation);
}

/** Runs a sync through GraphQL and returns the finished operation. */
export async function sync(t: TestApp, fabricId: string, direction: 'PULL' | 'PUSH' | 'BIDIRECTIONAL') {
  const started = await t.graphqlOk<{ syncFabric: { id: string; status: string } }>(
    `mutation($id: ID!, $direction: SyncRunDirection!) { syncFabric(fabricId: $id, direction: $direction) { id status } }`,
    { id: fabricId, direction },
  );
  await t.app.runner.idle();
  return operation(t, started.syncFabric.id);
}

export async function commitChanges(t: TestApp, fabricId: string, message: string) {
  const started = await t.graphqlOk<{ commitChanges: { id: string; status: string } }>(
    `mutation($id: ID!, $message: String!) { commitChanges(fabricId: $id, message: $message) { id status } }`,
    { id: fabricId, message },
  );
  expect(started.commitChanges.status).toBe('PENDING');
  await t.app.runner.idle();
  return operation(t, started.commitChanges.id);
}

export interface Row {
  id: string;
  kind: string;
  name: string;
  desired_spec: any;
  desired_labels: any;
  desired_blob_oid: string | null;
  managed_file_path: string | null;
  file_hash: string | null;
  draft_action: string | null;
  draft_spec: any;
  draft_labels: any;
  conflict_status: string;
  conflict_details: any;
  external_modifications: any[];
  sync_metadata: any;
}

export async function rows(t: TestApp, fabricId: string): Promise<Map<string, Row>> {
  const list = await queryDatabase<Row>(t.database.url, 'select * from resource where fabric_id = $1 order by name', [
    fabricId,
  ]);
  return new Map(list.map((row) => [row.name, row]));
}

export async function fabricRow(t: TestApp, fabricId: string) {
  const [row] = await queryDatabase<{ last_pulled_commit: string | null }>(
    t.database.url,
    'select last_pulled_commit from fabric where id = $1',
    [fabricId],
  );
  return row!;
}

export async function editDraft(t: TestApp, resourceId: string, object: HedgehogObject) {
  await t.graphqlOk(
    `mutation($id: ID!, $yaml: String!) { updateResource(id: $id, manifest: { yaml: $yaml }) { id } }`,
    { id: resourceId, yaml: yamlOf(object) },
  );
}

export async function createDraftOf(t: TestApp, fabricId: string, object: HedgehogObject) {
  const data = await t.graphqlOk<{ createResource: { id: string } }>(
    `mutation($fabricId: ID!, $yaml: String!) { createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) { id } }`,
    { fabricId, yaml: yamlOf(object) },
  );
  return data.createResource.id;
}

export const parsed = (text: string | Buffer) => parseYaml(text.toString()) as HedgehogObject;
import { expect } from 'vitest';
