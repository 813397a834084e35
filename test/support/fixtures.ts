import type { TestApp } from './test-app.ts';

/** Seeds built through the public API, as a client would. */
export async function createRepository(t: TestApp, input: Record<string, unknown> = {}) {
  const data = await t.graphqlOk<{ createGitRepository: { id: string; name: string } }>(
    `mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { id name } }`,
    { input: { name: `repo-${Math.random().toString(36).slice(2, 8)}`, url: 'file:///srv/git/fabric.git', ...input } },
  );
  return data.createGitRepository;
}

export async function createFabric(t: TestApp, input: Record<string, unknown> = {}) {
  const data = await t.graphqlOk<{ createFabric: { id: string; name: string } }>(
    `mutation($input: CreateFabricInput!) { createFabric(input: $input) { id name } }`,
    { input: { name: `fab-${Math.random().toString(36).slice(2, 8)}`, ...input } },
  );
  return data.createFabric;
}

/** A Hedgehog object that is valid on its own (no references), for tests about drafts. */
export const vlanNamespaceYaml = (
  name: string,
  range = { from: 1000, to: 1999 },
) => `apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: ${name}
spec:
  ranges:
  - from: ${range.from}
    to: ${range.to}
`;

export async function createDraft(t: TestApp, fabricId: string, yaml: string) {
  const data = await t.graphqlOk<{ createResource: { id: string; name: string } }>(
    `mutation($fabricId: ID!, $yaml: String!) { createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) { id name } }`,
    { fabricId, yaml },
  );
  return data.createResource;
}
