/**
 * A pull costs what the change costs: after the first pull, the gateway asks the host what
 * changed since the last pulled commit (`diffTree`), reads only those blobs, asks the database
 * about those paths only, and lists `raw/` alone. A rewritten history (the last pulled commit is
 * no longer an ancestor) falls back to listing the whole directory. Both adapters, both databases;
 * structural costs only (calls, requests, statements), never timings.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { GitHost } from '../../src/git/git-host.ts';
import { gitBlobOid, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { queryDatabase } from '../support/database.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { gitHostHook, type GitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { fabricRow, fileOf, operation, pathOf, rows, sync, vlanNamespace, yamlOf } from './support.ts';

afterAll(removeScratchDirs);

interface HostCalls {
  diffTree: string[][];
  readTree: string[];
  blobsRead: string[];
}

/** Records what the pull asks of the GitHost (the real adapter still answers). */
function recordHostCalls(hosts: GitHostHook): HostCalls {
  const calls: HostCalls = { diffTree: [], readTree: [], blobsRead: [] };
  hosts.wrap = (host: GitHost) =>
    new Proxy(host, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (property === 'diffTree') calls.diffTree.push(args as string[]);
          if (property === 'readTree') calls.readTree.push(args[1] as string);
          if (property === 'readBlobs') calls.blobsRead.push(...(args[0] as string[]));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return calls;
}

/** GitHub requests per operation name made while `work` ran. */
async function gitHubRequestsDuring(
  env: GatewayWithRemote,
  work: () => Promise<unknown>,
): Promise<Record<string, number>> {
  const before = new Map(env.github!.requests);
  await work();
  const delta: Record<string, number> = {};
  for (const [operation, count] of env.github!.requests) {
    const made = count - (before.get(operation) ?? 0);
    if (made > 0) delta[operation] = made;
  }
  return delta;
}

const messages = (operation: { events: { message: string }[] }) => operation.events.map((event) => event.message);
const FULL_READ = /managed_file_path is not null/;

describe.each(tAdapters)('incremental pull on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  let hosts: GitHostHook;
  let seedHead: string;
  beforeEach(async () => {
    hosts = gitHostHook();
    env = await adapter.start({ openGitHost: hosts.openGitHost });
    const seed = ['ns-a', 'ns-b', 'ns-c', 'ns-d', 'ns-e'].map((name) => fileOf(vlanNamespace(name)));
    seedHead = await pushFromAnotherClone(env.remote, {
      // A file waiting in raw/ that is not YAML stays there (nothing to ingest): every pull must still see it.
      files: Object.assign({ 'README.md': '# fabric\n', 'fabric/raw/notes.txt': 'not yaml\n' }, ...seed),
      message: 'seed',
    });
    const first = await sync(env.t, env.fabricId, 'PULL');
    expect(first).toMatchObject({ status: 'COMPLETED', filesCreated: 5 });
    expect(messages(first)).toContain('full listing of fabric (first pull)');
  });
  afterEach(() => env.stop());

  it('one changed file: diffed from the last pulled commit, one blob read, only raw/ listed, only its path asked of the database', async () => {
    const calls = recordHostCalls(hosts);
    const head = await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-c', 1500)), 'elsewhere/notes.md': 'outside the fabric\n' },
    });
    env.t.sql.length = 0;
    let pulled!: Awaited<ReturnType<typeof sync>>;
    const pull = async () => {
      pulled = await sync(env.t, env.fabricId, 'PULL');
    };
    const requests = env.github ? await gitHubRequestsDuring(env, pull) : await pull().then(() => null);

    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 0, filesUpdated: 1, filesDeleted: 0 });
    expect(messages(pulled)).toContain(`incremental from ${seedHead}: 1 file(s) changed below fabric`);
    expect(messages(pulled)).toContain(`0 new, 1 changed, 0 deleted, 0 unchanged file(s) at ${head}`);
    expect(calls.diffTree).toEqual([[seedHead, head, 'fabric']]);
    expect(calls.readTree).toEqual(['fabric/raw']);
    expect(calls.blobsRead).toEqual([gitBlobOid(yamlOf(vlanNamespace('ns-c', 1500)))]);
    // The file waiting in raw/ was found although this change did not touch it.
    expect(pulled.details.pull.rawFiles).toBe(1);
    // No statement reads every recorded file of the fabric.
    expect(env.t.sql.filter((statement) => FULL_READ.test(statement))).toEqual([]);
    // raw/ is listed by resolving its tree oid (GraphQL) and reading it in one REST answer; the
    // change record lists the commits the pull brings in with one history page.
    if (requests)
      expect(requests).toEqual({
        BranchHead: 1,
        'rest:compare': 1,
        ResolveTree: 1,
        'rest:getTree': 1,
        ReadBlobs: 1,
        PathHistory: 1,
      });

    const state = await rows(env.t, env.fabricId);
    expect([...state.keys()]).toEqual(['ns-a', 'ns-b', 'ns-c', 'ns-d', 'ns-e']);
    expect(state.get('ns-c')).toMatchObject({
      desired_spec: { ranges: [{ from: 1000, to: 1500 }] },
      desired_blob_oid: gitBlobOid(yamlOf(vlanNamespace('ns-c', 1500))),
    });
    expect(state.get('ns-c')!.external_modifications).toEqual([
      expect.objectContaining({ detectionMethod: 'pull:blob_oid', commit: head }),
    ]);
    expect(state.get('ns-a')!.desired_blob_oid).toBe(gitBlobOid(yamlOf(vlanNamespace('ns-a'))));
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(head);
  });

  it('a file deleted in Git removes its row; a new one is created; both read incrementally', async () => {
    const calls = recordHostCalls(hosts);
    const head = await pushFromAnotherClone(env.remote, {
      files: fileOf(vlanNamespace('ns-f', 1300)),
      deletions: [pathOf(vlanNamespace('ns-b'))],
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 1, filesUpdated: 0, filesDeleted: 1 });
    expect(messages(pulled)).toContain(`incremental from ${seedHead}: 2 file(s) changed below fabric`);
    expect(calls.blobsRead).toEqual([gitBlobOid(yamlOf(vlanNamespace('ns-f', 1300)))]);
    expect(calls.readTree).toEqual(['fabric/raw']);
    expect([...(await rows(env.t, env.fabricId)).keys()]).toEqual(['ns-a', 'ns-c', 'ns-d', 'ns-e', 'ns-f']);
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(head);
  });

  it('fullListing compares the whole directory even with the head unchanged, and repairs what the database got wrong', async () => {
    // The database no longer matches Git (a restored backup, a hand edit): a diff cannot see it.
    await queryDatabase(
      env.t.database.url,
      `update resource set desired_spec = '{"ranges":[]}'::jsonb, desired_blob_oid = $1 where fabric_id = $2 and name = 'ns-b'`,
      ['0'.repeat(40), env.fabricId],
    );
    const incremental = await sync(env.t, env.fabricId, 'PULL');
    expect(incremental.details.pull.upToDate).toBe(true);
    expect((await rows(env.t, env.fabricId)).get('ns-b')!.desired_spec).toEqual({ ranges: [] });

    const calls = recordHostCalls(hosts);
    const started = await env.t.graphqlOk<{ syncFabric: { id: string } }>(
      `mutation($id: ID!) { syncFabric(fabricId: $id, direction: PULL, fullListing: true) { id } }`,
      { id: env.fabricId },
    );
    await env.t.app.runner.idle();
    const full = await operation(env.t, started.syncFabric.id);
    expect(full).toMatchObject({ status: 'COMPLETED', filesUpdated: 1, filesCreated: 0, filesDeleted: 0 });
    expect(messages(full)).toContain('full listing of fabric (asked for a full listing)');
    expect(full.details.pull.source).toEqual({ kind: 'full', reason: 'asked for a full listing' });
    expect(calls.diffTree).toEqual([]);
    expect(calls.blobsRead).toEqual([gitBlobOid(yamlOf(vlanNamespace('ns-b')))]);
    const repaired = (await rows(env.t, env.fabricId)).get('ns-b')!;
    expect(repaired).toMatchObject({
      desired_spec: { ranges: [{ from: 1000, to: 1999 }] },
      desired_blob_oid: gitBlobOid(yamlOf(vlanNamespace('ns-b'))),
    });
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(seedHead);
  });

  it('a rewritten history (force push) is read in full and still yields the right rows', async () => {
    // Pulled: ns-a changed, ns-g added. Then that commit is amended away: ns-a changed otherwise,
    // ns-g gone again, ns-b deleted, ns-h added.
    const pulledHead = await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-a', 1500)), ...fileOf(vlanNamespace('ns-g')) },
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({
      status: 'COMPLETED',
      filesCreated: 1,
      filesUpdated: 1,
    });
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(pulledHead);

    const calls = recordHostCalls(hosts);
    const rewritten = await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-a', 1600)), ...fileOf(vlanNamespace('ns-h')) },
      deletions: [pathOf(vlanNamespace('ns-g')), pathOf(vlanNamespace('ns-b'))],
      message: 'rewritten',
      amend: true,
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 1, filesUpdated: 1, filesDeleted: 2 });
    expect(calls.diffTree).toEqual([[pulledHead, rewritten, 'fabric']]);
    expect(calls.readTree).toEqual(['fabric']);
    expect(messages(pulled)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^full listing of fabric \\(.* could not list the changes since ${pulledHead}\\)$`),
      ),
    );

    const state = await rows(env.t, env.fabricId);
    expect([...state.keys()]).toEqual(['ns-a', 'ns-c', 'ns-d', 'ns-e', 'ns-h']);
    expect(state.get('ns-a')).toMatchObject({
      desired_spec: { ranges: [{ from: 1000, to: 1600 }] },
      desired_blob_oid: gitBlobOid(yamlOf(vlanNamespace('ns-a', 1600))),
    });
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(rewritten);

    // And from there on, incremental again.
    const next = await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-d', 1700)) });
    const after = await sync(env.t, env.fabricId, 'PULL');
    expect(after).toMatchObject({ status: 'COMPLETED', filesUpdated: 1 });
    expect(messages(after)).toContain(`incremental from ${rewritten}: 1 file(s) changed below fabric`);
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(next);
  });

  it("the gateway's own commit is recorded when pushed: the next pull diffs from it and reads only the newer change", async () => {
    const state = await rows(env.t, env.fabricId);
    await env.t.graphqlOk(
      `mutation($id: ID!, $yaml: String!) { updateResource(id: $id, manifest: { yaml: $yaml }) { id } }`,
      {
        id: state.get('ns-e')!.id,
        yaml: yamlOf(vlanNamespace('ns-e', 1100)),
      },
    );
    const pushed = await sync(env.t, env.fabricId, 'PUSH');
    expect(pushed).toMatchObject({ status: 'COMPLETED' });
    expect(pushed.commitSha).toMatch(/^[0-9a-f]{40}$/);

    const calls = recordHostCalls(hosts);
    await pushFromAnotherClone(env.remote, { files: fileOf(vlanNamespace('ns-d', 1200)) });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesUpdated: 1 });
    expect(messages(pulled)).toContain(`incremental from ${pushed.commitSha}: 1 file(s) changed below fabric`);
    expect(calls.blobsRead).toEqual([gitBlobOid(yamlOf(vlanNamespace('ns-d', 1200)))]);
    expect((await rows(env.t, env.fabricId)).get('ns-e')!.external_modifications).toEqual([]);
  });

  it('a changed file is validated against the whole fabric: objects it names that Git already has are found, a missing one is reported', async () => {
    const group: HedgehogObject = {
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'SwitchGroup',
      metadata: { name: 'border', namespace: 'default' },
      spec: {},
    };
    await pushFromAnotherClone(env.remote, { files: { ...fileOf(vlanNamespace('default')), ...fileOf(group) } });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: 2 });
    // One new file: a switch in group border, using the VLANNamespace default (both from earlier commits).
    const leaf = (name: string, groups: string[]): HedgehogObject => ({
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'Switch',
      metadata: { name, namespace: 'default' },
      spec: { role: 'server-leaf', profile: 'vs', groups },
    });
    await pushFromAnotherClone(env.remote, { files: fileOf(leaf('leaf-01', ['border'])) });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 1 });
    expect(messages(pulled).filter((message) => message.startsWith('REFERENCE_NOT_FOUND'))).toEqual([]);
    // A group that exists nowhere is still reported.
    await pushFromAnotherClone(env.remote, { files: fileOf(leaf('leaf-02', ['spine-side'])) });
    const missing = await sync(env.t, env.fabricId, 'PULL');
    expect(messages(missing).filter((message) => message.startsWith('REFERENCE_NOT_FOUND'))).toEqual([
      'REFERENCE_NOT_FOUND: switch group spine-side does not exist (line 8)',
    ]);
  });

  it('files an ingestion already recorded count as unchanged for the pull that records its commit', async () => {
    const calls = recordHostCalls(hosts);
    const raw = ['ns-r1', 'ns-r2'].map((name) => stringify(vlanNamespace(name, 1200))).join('---\n');
    const external = await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/import.yaml': raw } });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect(pulled.commitSha).toMatch(/^[0-9a-f]{40}$/);
    // The pull that found raw/import.yaml, then the one that records the ingestion commit.
    expect(messages(pulled)).toEqual(
      expect.arrayContaining([
        `incremental from ${seedHead}: 1 file(s) changed below fabric`,
        // raw/import.yaml gone, two files in managed/, the archive log
        `incremental from ${external}: 4 file(s) changed below fabric`,
        `0 new, 0 changed, 0 deleted, 2 unchanged file(s) at ${pulled.commitSha}`,
      ]),
    );
    expect(calls.blobsRead.filter((oid) => oid !== gitBlobOid(raw))).toEqual([]);
    // (The ingestion itself still lists the whole directory, to place the objects: not the pull's cost.)
    const state = await rows(env.t, env.fabricId);
    expect(state.get('ns-r1')).toMatchObject({
      managed_file_path: 'managed/vlannamespaces/ns-r1.yaml',
      external_modifications: [],
    });
    expect((await fabricRow(env.t, env.fabricId)).last_pulled_commit).toBe(pulled.commitSha);
  });
});
