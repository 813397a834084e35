/**
 * Crash safety with the real entry point: a gateway process is killed (SIGKILL) during a large
 * push, restarted on the same database, and must end consistent: the cut operation is marked
 * failed with the reason, and the next push leaves exactly one commit with the drafts (the
 * first one, if it had landed, is found by the pull and never made twice).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/hedgehog/canonical.ts';
import {
  operationFinished,
  startGatewayProcess,
  watchOperation,
  type GatewayProcess,
  type OperationUpdate,
} from '../support/gateway-process.ts';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database.ts';
import {
  createBareRepository,
  gitLog,
  listFiles,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { fileOf, vlanNamespace, yamlOf } from './support.ts';

const DRAFTS = 2000;
let dataDir: string;
let database: TestDatabase;
let databaseUrl: string;
const secretKey = randomBytes(32).toString('hex');

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-crash-'));
  database = await createTestDatabase();
  databaseUrl = database.url;
});
afterAll(async () => {
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
  await removeScratchDirs();
});

async function startGateway(): Promise<GatewayProcess> {
  return startGatewayProcess({
    DATA_DIR: dataDir,
    GATEWAY_SECRET_KEY: secretKey,
    HEAD_CHECK: 'false',
    DATABASE_URL: database.url,
  });
}

let token = '';
async function graphql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const watch = (url: string, id: string, until: (update: OperationUpdate) => boolean) =>
  watchOperation(url, token, id, until);
const finished = operationFinished;

it('a gateway killed during a large push is consistent after a restart; the commit is made once', async () => {
  const remote = await createBareRepository();
  await pushFromAnotherClone(remote, { files: fileOf(vlanNamespace('seed')), message: 'seed' });

  const first = await startGateway();
  token = first.lines.join('\n').match(/hgw_[A-Za-z0-9_-]{43}/)?.[0] ?? '';
  const { createGitRepository } = await graphql(
    first.url,
    `mutation($url: String!) { createGitRepository(input: { name: "crash", url: $url }) { id } }`,
    { url: `file://${remote}` },
  );
  const { createFabric } = await graphql(
    first.url,
    `mutation($repo: ID!) { createFabric(input: { name: "crash-fabric", gitRepositoryId: $repo }) { id } }`,
    { repo: createGitRepository.id },
  );
  const fabricId = createFabric.id as string;
  const pull = (
    await graphql(first.url, `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`, {
      id: fabricId,
    })
  ).syncFabric.id;
  expect(await watch(first.url, pull, finished)).toMatchObject({ status: 'COMPLETED' });

  // Many drafts, written straight into the database (the API would validate each one: slow here).
  await queryDatabase(
    databaseUrl,
    `
    insert into resource (id, fabric_id, api_version, kind, namespace, name, draft_action, draft_api_version, draft_spec, drafted_by, drafted_at, created_at, updated_at)
    select gen_random_uuid(), $1, 'wiring.githedgehog.com/v1beta1', 'VLANNamespace', 'default', 'ns-' || lpad(i::text, 5, '0'), 'upsert',
           'wiring.githedgehog.com/v1beta1', jsonb_build_object('ranges', jsonb_build_array(jsonb_build_object('from', 1000, 'to', 1000 + i))), 'test', now(), now(), now()
      from generate_series(1, ${DRAFTS}) as i`,
    [fabricId],
  );

  const push = (
    await graphql(first.url, `mutation($id: ID!) { commitChanges(fabricId: $id, message: "bulk") { id } }`, {
      id: fabricId,
    })
  ).commitChanges.id as string;
  const cut = await watch(first.url, push, (update) => update.phase === 'COMMITTING' || finished(update));
  expect(cut).toMatchObject({ status: 'IN_PROGRESS', phase: 'COMMITTING' });
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await startGateway();
  try {
    const recovered = await graphql(second.url, `query($id: ID!) { syncOperation(id: $id) { status errorMessage } }`, {
      id: push,
    });
    expect(recovered.syncOperation.status).toBe('FAILED');
    expect(recovered.syncOperation.errorMessage).toMatch(/^interrupted: /);

    const retry = (
      await graphql(second.url, `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PUSH) { id } }`, {
        id: fabricId,
      })
    ).syncFabric.id as string;
    expect(await watch(second.url, retry, finished)).toMatchObject({ status: 'COMPLETED' });

    // Exactly one commit after the seed carries the drafts, whichever side of the commit the kill fell on.
    const commits = await gitLog(remote, 'main');
    expect(commits.map((commit) => commit.message.split('\n')[0])).toHaveLength(2);
    expect(commits[1]!.message).toBe('seed');
    const files = (await listFiles(remote, 'main')).filter((file) => file.startsWith('fabric/managed/'));
    expect(files).toHaveLength(DRAFTS + 1);
    const [counts] = await queryDatabase<{ drafts: number; rows: number; stale: number }>(
      databaseUrl,
      `
      select count(*) filter (where draft_action is not null)::int as drafts, count(*)::int as rows,
             count(*) filter (where name = 'ns-00007' and desired_blob_oid <> $2)::int as stale
        from resource where fabric_id = $1`,
      [fabricId, gitBlobOid(yamlOf(vlanNamespace('ns-00007', 1007)))],
    );
    expect(counts).toEqual({ drafts: 0, rows: DRAFTS + 1, stale: 0 });
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
}, 180_000);
