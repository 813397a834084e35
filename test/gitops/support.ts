/** The gitops area's helpers: run an operation through GraphQL, the reference fabric. */
import type { HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import { OPERATION_FIELDS, withEventList, type OperationResult } from '../support/remote-gateway.ts';
import type { TestApp } from '../support/test-app.ts';

/** Starts an operation through GraphQL, waits for the runner, returns the finished operation. */
export async function runOperation(
  t: TestApp,
  mutation: 'initializeGitopsDirectory' | 'ingestRaw',
  fabricId: string,
): Promise<OperationResult> {
  const started = await t.graphqlOk<Record<string, { id: string }>>(
    `mutation($id: ID!) { ${mutation}(fabricId: $id) { id } }`,
    { id: fabricId },
  );
  const id = started[mutation]!.id;
  await t.app.runner.idle();
  const done = await t.graphqlOk<{ syncOperation: OperationResult }>(
    `query($id: ID!) { syncOperation(id: $id) { ${OPERATION_FIELDS} } }`,
    { id },
  );
  return withEventList(t, done.syncOperation);
}

/** The old system's reference fabric: 2 spines, 5 leaves, ~26 connections, 3 switch groups, 2 VPCs. */
export function referenceFabric(): HedgehogObject[] {
  const objects = generateFabric({ spines: 2, leaves: 5, serversPerLeafPair: 5, vpcs: 2 });
  objects.push({
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    kind: 'SwitchGroup',
    metadata: { name: 'border', namespace: 'default' },
    spec: {},
  });
  return objects;
}
