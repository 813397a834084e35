/**
 * Shutdown and restarts with the real entry point (issue 11, item 9). A gateway process is stopped
 * during an operation by Ctrl-C (SIGINT to its whole process group, as a terminal sends it),
 * SIGTERM or SIGKILL, then started again on the same database. Afterwards nothing is left in
 * progress or stuck pending, the cut operation says what happened ("interrupted by shutdown", or
 * recovered as interrupted after a kill), the fabric's next operation completes at once (its
 * graphile-worker queue is not left locked by the dead process), and Git and the database agree.
 *
 * Covered: SIGINT during an ingestion, SIGTERM during a push, SIGKILL during an ingestion. Then,
 * in process: the locks start-up recovery releases (the exact state the issue found), and a
 * database restart right after a push landed (item 8).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  operationFinished,
  startGatewayProcess,
  watchOperation,
  type GatewayProcess,
  type OperationUpdate,
} from '../support/gateway-process.ts';
import { createTestDatabase, queryDatabase, testServerUrl, type TestDatabase } from '../support/database.ts';
import {
  branchHead,
  createBareRepository,
  createDeferred,
  git,
  listFiles,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import type { GitHost } from '../../src/git/git-host.ts';
import { recoverOperations } from '../../src/operations/operation-runtime.ts';
import { runGit } from '../../src/git/cli/run-git.ts';
import { commitChanges, createDraftOf, fabricRow, fileOf, operation, rows, sync, vlanNamespace } from './support.ts';

const RAW_FILES = 10;
const DOCUMENTS_PER_FILE = 100;
const DRAFTS = 2000;
/** The ingestion's phases before its commit: a stop there leaves nothing committed. */
const BEFORE_COMMIT = ['DISCOVERY', 'VALIDATION', 'CLASSIFICATION'];

let dataDir: string;
let database: TestDatabase;
let databaseUrl: string;
let remote: string;
let fabricId: string;
let token = '';
const secretKey = randomBytes(32).toString('hex');

function startGateway(options: { detached?: boolean } = {}): Promise<GatewayProcess> {
  return startGatewayProcess(
    {
      DATA_DIR: dataDir,
      GATEWAY_SECRET_KEY: secretKey,
      HEAD_CHECK: 'false',
      DATABASE_URL: database.url,
    },
    options,
  );
}

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

type Update = { status: string; phase: string };

const watch = (url: string, id: string, until: (update: OperationUpdate) => boolean) =>
  watchOperation(url, token, id, until);
const finished = operationFinished;

/** A fabric's queue that a dead process left locked never starts: this bounds the wait with a clear failure. */
async function completesSoon(gateway: GatewayProcess, id: string): Promise<Update> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `operation ${id} did not finish within 60 s of the restart (its fabric's queue is stuck):\n${gateway.lines.join('\n')}`,
          ),
        ),
      20_000,
    );
  });
  try {
    return await Promise.race([watch(gateway.url, id, finished), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

async function operationRow(url: string, id: string) {
  return (
    await graphql(
      url,
      `query($id: ID!) { syncOperation(id: $id) { status phase errorMessage commitSha events(first: 100) { edges { node { level message } } } } }`,
      { id },
    )
  ).syncOperation as {
    status: string;
    phase: string;
    errorMessage: string | null;
    commitSha: string | null;
    events: { edges: { node: { level: string; message: string } }[] };
  };
}

/** The log lines of an operation as operationRow reads them. */
function lines(row: Awaited<ReturnType<typeof operationRow>>) {
  return row.events.edges.map((edge) => edge.node);
}

/** Nothing running, nothing waiting, no job or queue lock left behind in graphile-worker's tables. */
async function expectQuiet(): Promise<void> {
  const operations = await queryDatabase<{ status: string; count: number }>(
    databaseUrl,
    `select status, count(*)::int as count from sync_operation where status in ('pending', 'in_progress') group by status`,
  );
  expect(operations).toEqual([]);
  const [locks] = await queryDatabase<{ jobs: number; queues: number }>(
    databaseUrl,
    `
    select (select count(*)::int from graphile_worker._private_jobs where locked_by is not null) as jobs,
           (select count(*)::int from graphile_worker._private_job_queues where locked_by is not null) as queues`,
  );
  expect(locks).toEqual({ jobs: 0, queues: 0 });
}

/**
 * Every managed file in Git is a row with that file's blob, and the other way round, and no
 * drafts are left; then a pull has nothing to change and records the head (an ingestion leaves
 * recording its own commit as the head to the next pull).
 */
async function expectGitAndDatabaseAgree(gateway: GatewayProcess): Promise<void> {
  await expectSameFiles();
  const pull = (
    await graphql(gateway.url, `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`, {
      id: fabricId,
    })
  ).syncFabric.id as string;
  expect(await completesSoon(gateway, pull)).toMatchObject({ status: 'COMPLETED' });
  expect(await operationRow(gateway.url, pull)).toMatchObject({ errorMessage: null });
  await expectSameFiles();
  const [fabric] = await queryDatabase<{ last_pulled_commit: string }>(
    databaseUrl,
    `select last_pulled_commit from fabric where id = $1`,
    [fabricId],
  );
  expect(fabric!.last_pulled_commit).toBe(await branchHead(remote, 'main'));
}

async function expectSameFiles(): Promise<void> {
  const listing = await git(['ls-tree', '-r', 'main', '--', 'fabric/managed/'], { cwd: remote });
  const inGit = new Map(
    listing
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [meta, file] = line.split('\t') as [string, string];
        return [file.slice('fabric/'.length), meta.split(' ')[2]!];
      }),
  );
  const rows = await queryDatabase<{ managed_file_path: string; desired_blob_oid: string }>(
    databaseUrl,
    `select distinct managed_file_path, desired_blob_oid from resource where fabric_id = $1 and managed_file_path is not null`,
    [fabricId],
  );
  expect(new Map(rows.map((row) => [row.managed_file_path, row.desired_blob_oid]))).toEqual(inGit);
  const [state] = await queryDatabase<{ drafts: number }>(
    databaseUrl,
    `select count(*)::int as drafts from resource where fabric_id = $1 and draft_action is not null`,
    [fabricId],
  );
  expect(state).toEqual({ drafts: 0 });
}

async function stopWith(gateway: GatewayProcess, signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): Promise<number | null> {
  // Ctrl-C: the terminal signals the whole foreground process group, git children included.
  if (signal === 'SIGINT') process.kill(-gateway.child.pid!, 'SIGINT');
  else gateway.child.kill(signal);
  return gateway.exited;
}

async function putRawFiles(tag: string): Promise<void> {
  const files: Record<string, string> = {};
  for (let file = 0; file < RAW_FILES; file++) {
    const documents = Array.from({ length: DOCUMENTS_PER_FILE }, (_, index) =>
      stringify(vlanNamespace(`${tag}-${file}-${index}`, 1000 + index)),
    );
    files[`fabric/raw/${tag}-${file}.yaml`] = documents.join('---\n');
  }
  await pushFromAnotherClone(remote, { files, message: `raw ${tag}` });
}

async function insertDrafts(tag: string): Promise<void> {
  // Written straight into the database: the API would validate each one (slow here).
  await queryDatabase(
    databaseUrl,
    `
    insert into resource (id, fabric_id, api_version, kind, namespace, name, draft_action, draft_api_version, draft_spec, drafted_by, drafted_at, created_at, updated_at)
    select gen_random_uuid(), $1, 'wiring.githedgehog.com/v1beta1', 'VLANNamespace', 'default', $2 || '-' || lpad(i::text, 5, '0'), 'upsert',
           'wiring.githedgehog.com/v1beta1', jsonb_build_object('ranges', jsonb_build_array(jsonb_build_object('from', 1000, 'to', 1000 + i))), 'test', now(), now(), now()
      from generate_series(1, ${DRAFTS}) as i`,
    [fabricId, tag],
  );
}

afterAll(removeScratchDirs);

describe('a gateway stopped during an operation', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-shutdown-'));
    database = await createTestDatabase();
    databaseUrl = database.url;
    remote = await createBareRepository();
    await pushFromAnotherClone(remote, {
      files: { 'fabric/raw/.gitkeep': '', ...fileOf(vlanNamespace('seed')) },
      message: 'seed',
    });
    const first = await startGateway();
    try {
      token = first.lines.join('\n').match(/hgw_[A-Za-z0-9_-]{43}/)?.[0] ?? '';
      const { createGitRepository } = await graphql(
        first.url,
        `mutation($url: String!) { createGitRepository(input: { name: "shutdown", url: $url }) { id } }`,
        { url: `file://${remote}` },
      );
      const { createFabric } = await graphql(
        first.url,
        `mutation($repo: ID!) { createFabric(input: { name: "shutdown-fabric", gitRepositoryId: $repo }) { id } }`,
        { repo: createGitRepository.id },
      );
      fabricId = createFabric.id;
      const pull = (
        await graphql(first.url, `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`, {
          id: fabricId,
        })
      ).syncFabric.id;
      expect(await watch(first.url, pull, finished)).toMatchObject({ status: 'COMPLETED' });
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  }, 120_000);

  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`${signal} during an ingestion: nothing stays in progress, the fabric's next operation completes, Git and the database agree`, async () => {
      const tag = signal.toLowerCase();
      await putRawFiles(tag);
      const gateway = await startGateway({ detached: signal === 'SIGINT' });
      const ingestion = (
        await graphql(gateway.url, `mutation($id: ID!) { ingestRaw(fabricId: $id) { id } }`, { id: fabricId })
      ).ingestRaw.id as string;
      // Reading and validating a thousand documents: the signal comes while git reads them, before the commit.
      const cut = await watch(
        gateway.url,
        ingestion,
        (update) => BEFORE_COMMIT.includes(update.phase) || finished(update),
      );
      expect(cut).toMatchObject({ status: 'IN_PROGRESS', phase: expect.toBeOneOf(BEFORE_COMMIT) });
      const code = await stopWith(gateway, signal);
      if (signal !== 'SIGKILL')
        expect({ code, log: gateway.lines.filter((line) => /"level":(50|60)/.test(line)) }).toEqual({
          code: 0,
          log: [],
        });

      const second = await startGateway();
      try {
        const row = await operationRow(second.url, ingestion);
        expect(row.status).toBe('FAILED');
        expect(row.commitSha).toBeNull();
        if (signal === 'SIGKILL')
          expect(row.errorMessage).toMatch(
            /^interrupted: the gateway process running it stopped during "(discovery|validation|classification)"/,
          );
        else
          expect(row.errorMessage).toMatch(
            /^interrupted by shutdown during "(discovery|validation|classification)"; the next operation/,
          );
        // Never a git error as the reason. (A git child can still catch the signal in the instant
        // it is being started, before it leaves the group: then a warning event says so.)
        expect(
          lines(row)
            .filter((event) => event.level === 'ERROR')
            .map((event) => event.message),
        ).toEqual([row.errorMessage]);
        expect(
          lines(row)
            .map((event) => event.message)
            .join('\n'),
        ).not.toMatch(/branch main moved/);

        const retry = (
          await graphql(second.url, `mutation($id: ID!) { ingestRaw(fabricId: $id) { id } }`, { id: fabricId })
        ).ingestRaw.id as string;
        expect(await completesSoon(second, retry)).toMatchObject({ status: 'COMPLETED' });
        expect((await listFiles(remote, 'main')).filter((file) => file.startsWith(`fabric/raw/${tag}-`))).toEqual([]);
        await expectQuiet();
        await expectGitAndDatabaseAgree(second);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    }, 180_000);
  }

  it('SIGTERM during a push: the push ends completed or interrupted, never in progress; the next push completes, Git and the database agree', async () => {
    const gateway = await startGateway();
    // After the start: the embedded database is served only while the gateway runs.
    await insertDrafts('sigterm');
    const push = (
      await graphql(gateway.url, `mutation($id: ID!) { commitChanges(fabricId: $id, message: "bulk") { id } }`, {
        id: fabricId,
      })
    ).commitChanges.id as string;
    const cut = await watch(gateway.url, push, (update) => update.phase === 'COMMITTING' || finished(update));
    expect(cut).toMatchObject({ status: 'IN_PROGRESS', phase: 'COMMITTING' });
    const code = await stopWith(gateway, 'SIGTERM');
    expect({ code, log: gateway.lines.filter((line) => /"level":(50|60)/.test(line)) }).toEqual({ code: 0, log: [] });

    const second = await startGateway();
    try {
      const row = await operationRow(second.url, push);
      // The commit was under way: it is finished and recorded, or the push stopped before it, saying so.
      if (row.status === 'COMPLETED') expect(row.commitSha).toBe(await branchHead(remote, 'main'));
      else
        expect(row).toMatchObject({
          status: 'FAILED',
          errorMessage: expect.stringMatching(/^interrupted by shutdown during /),
        });

      const retry = (
        await graphql(second.url, `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PUSH) { id } }`, {
          id: fabricId,
        })
      ).syncFabric.id as string;
      expect(await completesSoon(second, retry)).toMatchObject({ status: 'COMPLETED' });
      await expectQuiet();
      await expectGitAndDatabaseAgree(second);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 180_000);
});

/** Settles with `promise`, or fails with `what` after `ms` (a stuck queue never settles). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(what)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('start-up recovery frees a fabric queue that a stopped gateway left locked', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
  });
  afterEach(() => env.stop());

  /** An operation whose job a worker pool of a gateway that is gone locked, with the fabric's queue. */
  async function lockedByDeadPool(status: 'cancelled' | 'pending'): Promise<string> {
    const [row] = await queryDatabase<{ id: string }>(
      env.t.database.url,
      `
      insert into sync_operation (id, fabric_id, operation_type, status, trigger, initiated_by, details, created_at, updated_at)
      values (gen_random_uuid(), $1, 'pull', $2, 'api', 'test', '{}', now(), now()) returning id`,
      [env.fabricId, status],
    );
    // One transaction: the app's own workers never see the job unlocked.
    const client = new pg.Client({ connectionString: env.t.database.url });
    await client.connect();
    try {
      await client.query('begin');
      const {
        rows: [job],
      } = await client.query<{ id: string; job_queue_id: number }>(
        `select id, job_queue_id from graphile_worker.add_job('hedgehog_sync_operation', json_build_object('operationId', $1::text), queue_name := $2, max_attempts := 1)`,
        [row!.id, `fabric:${env.fabricId}`],
      );
      await client.query(
        `update graphile_worker._private_jobs set locked_by = 'pool-gone', locked_at = now() - interval '5 minutes', attempts = 1 where id = $1`,
        [job!.id],
      );
      await client.query(
        `update graphile_worker._private_job_queues set locked_by = 'pool-gone', locked_at = now() - interval '5 minutes' where id = $1`,
        [job!.job_queue_id],
      );
      await client.query('commit');
    } finally {
      await client.end();
    }
    return row!.id;
  }

  it("an ended operation's lock (Ctrl-C left it CANCELLED and the queue locked): the next operations of the fabric run", async () => {
    await lockedByDeadPool('cancelled');
    const next = (
      await env.t.graphqlOk<{ syncFabric: { id: string } }>(
        `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`,
        { id: env.fabricId },
      )
    ).syncFabric.id;
    const result = await recoverOperations(env.t.app, env.t.app.instanceId);
    expect(result.released).toEqual(['pool-gone']);
    await within(30_000, 'the fabric queue stayed locked', env.t.app.runner.idle());
    expect(await operation(env.t, next)).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    const [locks] = await queryDatabase<{ count: number }>(
      env.t.database.url,
      `select count(*)::int as count from graphile_worker._private_jobs`,
    );
    expect(locks).toEqual({ count: 0 });
  }, 90_000);

  it('an operation that was locked but never started (killed in between) runs after the restart', async () => {
    const stranded = await lockedByDeadPool('pending');
    const result = await recoverOperations(env.t.app, env.t.app.instanceId);
    expect(result.released).toEqual(['pool-gone']);
    await within(30_000, 'the stranded operation never ran', env.t.app.runner.idle());
    expect(await operation(env.t, stranded)).toMatchObject({ status: 'COMPLETED', errorMessage: null });
  }, 90_000);

  it('a pending operation whose job was failed by a forceful shutdown is queued again', async () => {
    const [row] = await queryDatabase<{ id: string }>(
      env.t.database.url,
      `
      insert into sync_operation (id, fabric_id, operation_type, status, trigger, initiated_by, details, created_at, updated_at)
      values (gen_random_uuid(), $1, 'pull', 'pending', 'api', 'test', '{}', now(), now()) returning id`,
      [env.fabricId],
    );
    const result = await recoverOperations(env.t.app, env.t.app.instanceId);
    expect(result.requeued).toEqual([row!.id]);
    await within(30_000, 'the operation never ran', env.t.app.runner.idle());
    expect(await operation(env.t, row!.id)).toMatchObject({ status: 'COMPLETED' });
  }, 90_000);
});

describe('a database restart right after a push landed', () => {
  let env: GatewayWithRemote;
  let hosts: GitHostHook;
  beforeEach(async () => {
    hosts = gitHostHook();
    env = await tAdapters[0]!.start({ openGitHost: hosts.openGitHost });
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
  });
  afterEach(async () => {
    await setConnections(true);
    await env.stop();
  });

  const databaseName = () => new URL(env.t.database.url).pathname.slice(1);
  /** Down: no new connection is accepted and every open one is cut, as when the server restarts. */
  async function setConnections(allowed: boolean): Promise<void> {
    const ADMIN_URL = await testServerUrl();
    await queryDatabase(ADMIN_URL, `alter database "${databaseName()}" allow_connections ${allowed}`);
    if (!allowed)
      await queryDatabase(
        ADMIN_URL,
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
        [databaseName()],
      );
  }

  it('the operation is not left in progress: it fails with the reason and its commit once the database is back, and the next pull repairs', async () => {
    await createDraftOf(env.t, env.fabricId, vlanNamespace('ns-new', 1500));
    const landed = createDeferred<string>();
    hosts.wrap = (host: GitHost) =>
      new Proxy(host, {
        get(target, property) {
          const value = Reflect.get(target, property, target);
          if (property !== 'commit') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<GitHost['commit']>) => {
            const result = await target.commit(...args);
            // The commit is in Git; the database goes away before the gateway records it.
            await setConnections(false);
            if (result.status === 'committed') landed.resolve(result.oid);
            return result;
          };
        },
      });
    const push = (
      await env.t.graphqlOk<{ commitChanges: { id: string } }>(
        `mutation($id: ID!) { commitChanges(fabricId: $id, message: "during a restart") { id } }`,
        { id: env.fabricId },
      )
    ).commitChanges.id;
    const commit = await landed.promise;
    // Back once the gateway has found it gone (its log says so: waiting for it, or, before the
    // fix, its job failed).
    await within(
      30_000,
      'the gateway never noticed the database was gone',
      (async () => {
        while (!/could not record the end of an operation|Failed task/.test(env.t.logs()))
          await new Promise((resolve) => setTimeout(resolve, 50));
      })(),
    );
    await setConnections(true);
    hosts.wrap = undefined;
    await within(60_000, 'the operation was never recorded', env.t.app.runner.idle());

    const recorded = await operation(env.t, push);
    expect(recorded.status).toBe('FAILED');
    expect(recorded.commitSha).toBe(commit);
    expect(recorded.errorMessage).toContain(`commit ${commit} landed, and the next pull records it`);
    expect(await branchHead(env.remote, 'main')).toBe(commit);

    // The next pull records the commit: the draft is cleared, the row holds what Git holds.
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    const state = await rows(env.t, env.fabricId);
    expect(state.get('ns-new')).toMatchObject({
      draft_action: null,
      managed_file_path: 'managed/vlannamespaces/ns-new.yaml',
      desired_spec: { ranges: [{ from: 1000, to: 1500 }] },
    });
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(commit);
    const again = await commitChanges(env.t, env.fabricId, 'nothing left');
    expect(again).toMatchObject({ status: 'COMPLETED', commitSha: null });
    expect(await branchHead(env.remote, 'main')).toBe(commit);
  }, 120_000);
});

describe('an operation that does not stop within SHUTDOWN_TIMEOUT_MS', () => {
  it("is marked interrupted, its job failed and its queue unlocked: the next gateway runs the fabric's next operation at once", async () => {
    const hosts = gitHostHook();
    const env = await tAdapters[0]!.start({ env: { SHUTDOWN_TIMEOUT_MS: '200' }, openGitHost: hosts.openGitHost });
    const release = createDeferred<void>();
    let second: TestApp | null = null;
    try {
      await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
      // The pull hangs inside a Git read (a remote that stopped answering) until the test lets it go.
      const inTree = createDeferred<void>();
      hosts.wrap = (host: GitHost) =>
        new Proxy(host, {
          get(target, property) {
            const value = Reflect.get(target, property, target);
            if (property !== 'readTree') return typeof value === 'function' ? value.bind(target) : value;
            return async (...args: Parameters<GitHost['readTree']>) => {
              inTree.resolve();
              await release.promise;
              return target.readTree(...args);
            };
          },
        });
      const stuck = (
        await env.t.graphqlOk<{ syncFabric: { id: string } }>(
          `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`,
          { id: env.fabricId },
        )
      ).syncFabric.id;
      await inTree.promise;
      await within(30_000, 'stop() waited for the stuck operation', env.t.app.stop());

      second = await startTestApp({ database: env.t.database });
      const [row] = await queryDatabase<{ status: string; error_message: string }>(
        second.database.url,
        'select status, error_message from sync_operation where id = $1',
        [stuck],
      );
      expect(row).toEqual({
        status: 'failed',
        error_message: expect.stringMatching(
          /^interrupted by shutdown during "[a-z_]+": it did not stop within 200 ms/,
        ),
      });
      const [locks] = await queryDatabase<{ count: number }>(
        second.database.url,
        `select count(*)::int as count from graphile_worker._private_job_queues where locked_by is not null`,
      );
      expect(locks).toEqual({ count: 0 });
      expect(await within(30_000, 'the fabric queue stayed locked', sync(second, env.fabricId, 'PULL'))).toMatchObject({
        status: 'COMPLETED',
        filesCreated: 1,
      });
    } finally {
      release.resolve();
      await second?.stop();
      await env.t.database.drop();
    }
  }, 90_000);
});

describe('git children and the terminal', () => {
  it('each git command runs in a process group of its own, so Ctrl-C in a terminal reaches only the gateway', async () => {
    // The "git" here is a shell printing its own process group; the test process's group is the gateway's.
    const { stdout } = await runGit(['-c', 'ps -o pgid= -p $$'], {
      gitBinary: 'sh',
      env: { PATH: process.env.PATH ?? '' },
      secrets: [],
    });
    const ours = await queryProcessGroup(process.pid);
    const childGroup = Number(stdout.toString().trim());
    expect(childGroup).toBeGreaterThan(0);
    expect(childGroup).not.toBe(ours);
  });
});

async function queryProcessGroup(pid: number): Promise<number> {
  const { stdout } = await runGit(['-c', `ps -o pgid= -p ${pid}`], {
    gitBinary: 'sh',
    env: { PATH: process.env.PATH ?? '' },
    secrets: [],
  });
  return Number(stdout.toString().trim());
}

describe('an end the database refuses to store', () => {
  it('is recorded as a plain failure saying so, never left in progress', async () => {
    const env = await tAdapters[0]!.start();
    try {
      // The database refuses the end as reported (a trigger stands in for any refusal): the row
      // must still end, with a reason the database takes.
      await queryDatabase(
        env.t.database.url,
        `create or replace function shutdown_test_refuse() returns trigger language plpgsql as $$ begin if new.error_message like '%refuse-me%' then raise exception 'injected: the database refused the end'; end if; return new; end $$`,
      );
      await queryDatabase(
        env.t.database.url,
        'create trigger shutdown_test_refuse before update on sync_operation for each row execute function shutdown_test_refuse()',
      );
      env.t.app.operationHandlers.pull = async () => {
        throw new Error('a reason to refuse-me');
      };
      const pulled = await within(30_000, 'the operation was never recorded', sync(env.t, env.fabricId, 'PULL'));
      expect(pulled.status).toBe('FAILED');
      expect(pulled.errorMessage).toMatch(/^the end of this operation could not be recorded: /);
    } finally {
      await env.stop();
    }
  }, 60_000);

  it('keeps a reason with U+0000 in it, escaped, and ends the operation', async () => {
    const env = await tAdapters[0]!.start();
    try {
      env.t.app.operationHandlers.pull = async () => {
        throw new Error('a reason with a \u0000 in it');
      };
      const pulled = await within(30_000, 'the operation was never recorded', sync(env.t, env.fabricId, 'PULL'));
      expect(pulled.status).toBe('FAILED');
      expect(pulled.errorMessage).toBe('a reason with a \\u0000 in it');
    } finally {
      await env.stop();
    }
  }, 60_000);
});
