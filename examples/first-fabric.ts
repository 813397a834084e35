/**
 * A first fabric, from a script: register a Git repository, create a fabric in it, initialise its
 * GitOps directory, draft three objects, review what the commit will change, commit, and follow
 * each operation with a progress line. Uses the typed client in client/.
 *
 *   git init --bare --initial-branch=main /tmp/demo.git
 *   GATEWAY_TOKEN=hgw_... GIT_URL=file:///tmp/demo.git node examples/first-fabric.ts
 *
 * Settings (environment): GATEWAY_URL (default http://localhost:4000/graphql), GATEWAY_TOKEN (an
 * ADMIN token: it registers a repository), GIT_URL (default file:///tmp/demo.git), FABRIC_NAME
 * (default demo; also the repository record's name). test/client/first-fabric-example.test.ts
 * runs this file as it is.
 */
import {
  createGatewayClient,
  formatProgress,
  graphql,
  type OperationProgress,
  waitForOperation,
} from '../client/src/index.ts';

const url = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
const token = process.env.GATEWAY_TOKEN;
const gitUrl = process.env.GIT_URL ?? 'file:///tmp/demo.git';
const name = process.env.FABRIC_NAME ?? 'demo';
if (!token) throw new Error('Set GATEWAY_TOKEN to an ADMIN token (the one the first `npm start` printed)');

const CreateRepository = graphql(`
  mutation FirstFabricCreateRepository($input: CreateGitRepositoryInput!) {
    createGitRepository(input: $input) {
      id
      provider
    }
  }
`);

const CreateFabric = graphql(`
  mutation FirstFabricCreateFabric($input: CreateFabricInput!) {
    createFabric(input: $input) {
      id
      name
    }
  }
`);

const InitializeDirectory = graphql(`
  mutation FirstFabricInitialize($fabricId: ID!) {
    initializeGitopsDirectory(fabricId: $fabricId) {
      id
    }
  }
`);

const Draft = graphql(`
  mutation FirstFabricDraft($fabricId: ID!, $yaml: String!) {
    createResource(fabricId: $fabricId, manifest: { yaml: $yaml }) {
      id
      kind
      name
    }
  }
`);

const Review = graphql(`
  query FirstFabricReview($fabricId: ID!) {
    pendingChanges(fabricId: $fabricId) {
      changes {
        action
        kind
        name
        path
        fieldChanges {
          path
        }
      }
      files {
        added
        changed
        deleted
      }
      validation {
        valid
        errorCount
      }
    }
  }
`);

const Commit = graphql(`
  mutation FirstFabricCommit($fabricId: ID!, $message: String!) {
    commitChanges(fabricId: $fabricId, message: $message) {
      id
    }
  }
`);

/** One line that moves on a terminal; one line per update when the output is a file or a pipe. */
function showProgress(operation: OperationProgress) {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${formatProgress(operation)}`);
  else console.log(formatProgress(operation));
}

async function runToTheEnd(operationId: string): Promise<OperationProgress> {
  const operation = await waitForOperation(client, operationId, { onProgress: showProgress });
  if (process.stdout.isTTY) process.stdout.write('\n');
  if (operation.status !== 'COMPLETED') {
    throw new Error(`${operation.operationType} ended ${operation.status}: ${operation.errorMessage ?? ''}`);
  }
  return operation;
}

const objects = [
  `apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
  - from: 1000
    to: 2999
`,
  `apiVersion: vpc.githedgehog.com/v1beta1
kind: IPv4Namespace
metadata:
  name: default
spec:
  subnets:
  - 10.10.0.0/16
`,
  `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec:
  ipv4Namespace: default
  vlanNamespace: default
  subnets:
    default:
      subnet: 10.10.1.0/24
      vlan: 1001
`,
];

const client = createGatewayClient({ url, token });
// Mutation fields are nullable in the schema (an error nulls them), and `request` throws on any
// error: where it returns, they are set, hence the `!`s.
try {
  // 1. The repository's record (credentials, if any, are write-only) and a fabric in its folder fabric/.
  const repository = (await client.request(CreateRepository, { input: { name, url: gitUrl } })).createGitRepository!;
  const fabric = (
    await client.request(CreateFabric, {
      input: { name, gitRepositoryId: repository.id, gitopsDirectory: 'fabric' },
    })
  ).createFabric!;
  console.log(`fabric ${fabric.name} (${fabric.id}) in ${gitUrl} (${repository.provider})`);

  // 2. The directory layout, in one commit.
  const init = (await client.request(InitializeDirectory, { fabricId: fabric.id })).initializeGitopsDirectory!;
  await runToTheEnd(init.id);

  // 3. Drafts: each is validated with the rest of the fabric as it is sent (INVALID_INPUT lists the findings).
  for (const yaml of objects) {
    const resource = (await client.request(Draft, { fabricId: fabric.id, yaml })).createResource!;
    console.log(`drafted ${resource.kind}/${resource.name}`);
  }

  // 4. Review what the commit will change: each object and its file, the files, the fabric's findings.
  const { pendingChanges: review } = await client.request(Review, { fabricId: fabric.id });
  console.log(`${review.changes.length} pending changes:`);
  for (const change of review.changes) {
    console.log(
      `  ${change.action} ${change.kind}/${change.name} (${change.fieldChanges.length} fields) ${change.path}`,
    );
  }
  const { added, changed, deleted } = review.files;
  console.log(`files: ${added.length} added, ${changed.length} changed, ${deleted.length} deleted`);
  if (!review.validation.valid)
    throw new Error(`committed, the fabric would have ${review.validation.errorCount} errors`);

  // 5. One commit with every draft, followed to the end.
  const commit = (await client.request(Commit, { fabricId: fabric.id, message: 'First objects' })).commitChanges!;
  const pushed = await runToTheEnd(commit.id);
  console.log(`committed ${pushed.commitSha}: ${pushed.filesCreated} files created`);
} finally {
  await client.close();
}
