/**
 * Text the database cannot store (issue 11, high 3): PostgreSQL text and jsonb refuse U+0000,
 * and jsonb refuses a lone UTF-16 surrogate. Such text is refused at validation time, on every
 * path: a draft gets INVALID_INPUT with a TEXT_UNSTORABLE finding and changes nothing; a raw/
 * document goes to unmanaged/ with its reason while its neighbours are ingested; a managed file
 * pushed by someone else keeps the previous desired state with a warning. And the mechanism: a
 * recording step that fails after a commit landed ends the operation FAILED with that commit,
 * and the next pull repairs the database. Both databases, real git, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { GitHost } from '../../src/git/git-host.ts';
import { findUnstorableText, storableText } from '../../src/hedgehog/storable-text.ts';
import { validateManifests } from '../../src/hedgehog/validate.ts';
import { queryDatabase, rowCounts } from '../support/database.ts';
import {
  branchHead,
  git,
  listFiles,
  pushFromAnotherClone,
  readFileAt,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { gitHostHook } from '../support/git-host-hook.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { fileOf, rows, sync, vlanNamespace, yamlOf } from './support.ts';

let env: GatewayWithRemote;
let nsA: string;
const hosts = gitHostHook();

beforeAll(async () => {
  env = await tAdapters[0]!.start({
    env: { MUTATIONS_PER_MINUTE: '1000', HEAD_CHECK: 'false' },
    openGitHost: hosts.openGitHost,
  });
  await pushFromAnotherClone(env.remote, {
    files: { 'README.md': '# fabric\n', ...fileOf(vlanNamespace('ns-a')) },
    message: 'seed',
  });
  expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: 1 });
  nsA = (await rows(env.t, env.fabricId)).get('ns-a')!.id;
});
afterAll(async () => {
  await env?.stop();
  await removeScratchDirs();
});

const db = <T extends Record<string, any>>(sql: string, params: unknown[] = []) =>
  queryDatabase<T>(env.t.database.url, sql, params);

async function snapshot() {
  const counts = await rowCounts(env.t.database.url);
  const resources = await db(
    'select id, name, draft_action, draft_spec, draft_labels, draft_annotations, desired_spec, desired_labels, desired_blob_oid, version from resource order by id',
  );
  return { counts, resources, gitHead: await branchHead(env.remote, 'main') };
}

/** Every managed file in Git has the row that records its blob, and no row records a file Git lacks. */
async function expectDatabaseMatchesGit() {
  const listing = await git(['--git-dir', env.remote, 'ls-tree', '-r', 'main', 'fabric/managed/']);
  const files = new Map(
    listing
      .split('\n')
      .filter((line) => line.endsWith('.yaml'))
      .map((line) => {
        const [meta, path] = line.split('\t');
        return [path!.slice('fabric/'.length), meta!.split(' ')[2]!];
      }),
  );
  const recorded = await db<{ managed_file_path: string; desired_blob_oid: string }>(
    'select managed_file_path, desired_blob_oid from resource where fabric_id = $1 and managed_file_path is not null',
    [env.fabricId],
  );
  expect(new Map(recorded.map((row) => [row.managed_file_path, row.desired_blob_oid]))).toEqual(files);
  const [fabric] = await db<{ last_pulled_commit: string }>('select last_pulled_commit from fabric where id = $1', [
    env.fabricId,
  ]);
  expect(fabric!.last_pulled_commit).toBe(await branchHead(env.remote, 'main'));
}

const manifest = (metadata: string, spec = '  ranges:\n  - from: 1000\n    to: 1999\n') =>
  `apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n${metadata}spec:\n${spec}`;

interface DraftCase {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  /** Where the finding must point. */
  finding: { path: string; line?: number };
}

const createYaml = (yaml: string) => ({
  query: `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
  variables: () => ({ f: env.fabricId, y: yaml }),
});
const createObject = (object: unknown) => ({
  query: `mutation($f: ID!, $o: JSON!) { createResource(fabricId: $f, manifest: { object: $o }) { id } }`,
  variables: () => ({ f: env.fabricId, o: object }),
});
const vlanObject = (
  metadata: Record<string, unknown>,
  spec: Record<string, unknown> = { ranges: [{ from: 1000, to: 1999 }] },
) => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name: 'ns-object', ...metadata },
  spec,
});

const draftCases: DraftCase[] = [
  {
    name: 'yaml: NUL (escaped) in a label value',
    ...createYaml(manifest('  name: ns-nul\n  labels:\n    team: "net\\0work"\n')),
    finding: { path: '$.metadata.labels.team', line: 6 },
  },
  {
    name: 'yaml: a raw NUL byte in an annotation value',
    ...createYaml(manifest('  name: ns-nul\n  annotations:\n    note: net\u0000work\n')),
    finding: { path: '$.metadata.annotations.note', line: 6 },
  },
  {
    name: 'yaml: NUL in a label key',
    ...createYaml(manifest('  name: ns-nul\n  labels:\n    "te\\0am": network\n')),
    finding: { path: '$.metadata.labels["te\\u0000am"]', line: 6 },
  },
  {
    name: 'yaml: NUL in a spec key',
    ...createYaml(manifest('  name: ns-nul\n', '  ranges:\n  - from: 1000\n    to: 1999\n  "x\\0": 1\n')),
    finding: { path: '$.spec["x\\u0000"]', line: 9 },
  },
  {
    name: 'yaml: NUL in the name',
    ...createYaml(manifest('  name: "ns\\0nul"\n')),
    finding: { path: '$.metadata.name', line: 4 },
  },
  {
    name: 'yaml: a lone UTF-16 surrogate in a label value',
    ...createYaml(manifest('  name: ns-nul\n  labels:\n    team: "\\uD800"\n')),
    finding: { path: '$.metadata.labels.team', line: 6 },
  },
  {
    name: 'object: NUL in a label value',
    ...createObject(vlanObject({ labels: { team: 'net\u0000work' } })),
    finding: { path: '$.metadata.labels.team' },
  },
  {
    name: 'object: NUL in an annotation key',
    ...createObject(vlanObject({ annotations: { 'no\u0000te': 'x' } })),
    finding: { path: '$.metadata.annotations["no\\u0000te"]' },
  },
  {
    name: 'object: a lone surrogate in a spec value',
    ...createObject(vlanObject({}, { ranges: [{ from: 1000, to: 1999 }], extra: '\udc00' })),
    finding: { path: '$.spec.extra' },
  },
  {
    name: 'updateResource: NUL in a label value of an existing object',
    query: `mutation($id: ID!, $y: String!) { updateResource(id: $id, manifest: { yaml: $y }) { id } }`,
    variables: () => ({ id: nsA, y: manifest('  name: ns-a\n  namespace: default\n  labels:\n    team: "a\\0b"\n') }),
    finding: { path: '$.metadata.labels.team', line: 7 },
  },
  {
    name: 'updateResource: object with NUL in a label key',
    query: `mutation($id: ID!, $o: JSON!) { updateResource(id: $id, manifest: { object: $o }) { id } }`,
    variables: () => ({ id: nsA, o: { ...vlanObject({ name: 'ns-a', labels: { 'a\u0000': 'b' } }) } }),
    finding: { path: '$.metadata.labels["a\\u0000"]' },
  },
];

describe('the rule (pure)', () => {
  it('finds NUL and lone surrogates in keys and values, in document order, bounded; pairs are fine', () => {
    const document = { a: 'ok \u{1F600}', b: ['x', 'y\u0000'], 'c\u0000': { d: '\ud800', e: 'x\udc00' }, f: 'ok' };
    expect(findUnstorableText(document, 10)).toEqual({
      total: 4,
      found: [
        { path: ['b', 1], where: 'value', character: 'U+0000 (NUL)' },
        { path: ['c\u0000'], where: 'key', character: 'U+0000 (NUL)' },
        { path: ['c\u0000', 'd'], where: 'value', character: 'a lone UTF-16 surrogate U+D800' },
        { path: ['c\u0000', 'e'], where: 'value', character: 'a lone UTF-16 surrogate U+DC00' },
      ],
    });
    expect(findUnstorableText(document, 1)).toMatchObject({ total: 4, found: [{ path: ['b', 1] }] });
    expect(storableText('a\u0000b\ud800c\u{1F600}')).toBe('a\\u0000b\\ud800c\u{1F600}');
  });

  it('a document with many such strings gets 20 findings, the last one counting the rest; an emoji is valid', () => {
    const labels = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`l${index}`, `"v\\0${index}"`]));
    const text = manifest(
      `  name: ns-many\n  labels:\n${Object.entries(labels)
        .map(([key, value]) => `    ${key}: ${value}\n`)
        .join('')}`,
    );
    const result = validateManifests({ files: [{ path: 'many.yaml', text }] });
    expect(result.errors).toHaveLength(20);
    expect(
      result.errors.every(
        (finding) =>
          finding.code === 'TEXT_UNSTORABLE' && finding.kind === 'VLANNamespace' && finding.name === 'ns-many',
      ),
    ).toBe(true);
    expect(result.errors.map((finding) => finding.message).join('\n')).toContain('10 more in this document');
    expect(result.objects).toEqual([]);
    const emoji = validateManifests({
      files: [
        { path: 'emoji.yaml', text: manifest('  name: ns-emoji\n  annotations:\n    note: "\\U0001F600 \u{1F600}"\n') },
      ],
    });
    expect(emoji).toMatchObject({ valid: true, errors: [] });
  });
});

describe('drafts holding text the database cannot store', () => {
  it.each(draftCases)('$name: INVALID_INPUT with a TEXT_UNSTORABLE finding, nothing changed', async (item) => {
    const before = await snapshot();
    const response = await env.t.graphql(item.query, item.variables());
    const error = response.errors?.[0];
    expect(error?.extensions?.code).toBe('INVALID_INPUT');
    const problems = error?.extensions?.problems as { code?: string; path: string; line?: number }[];
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'TEXT_UNSTORABLE',
        path: item.finding.path,
        ...(item.finding.line ? { line: item.finding.line } : {}),
      }),
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('validateManifests reports the finding with its position and changes nothing', async () => {
    const before = await snapshot();
    const data = await env.t.graphqlOk(
      `query($f: ID, $y: String!) { validateManifests(fabricId: $f, yaml: $y) { valid errors { code path line column } } }`,
      { f: env.fabricId, y: manifest('  name: ns-nul\n  labels:\n    team: "net\\0work"\n') },
    );
    expect(data.validateManifests).toEqual({
      valid: false,
      errors: [{ code: 'TEXT_UNSTORABLE', path: '$.metadata.labels.team', line: 6, column: 11 }],
    });
    expect(await snapshot()).toEqual(before);
  });
});

describe('raw/ and managed files holding such text', () => {
  it('raw/: the bad document goes to unmanaged/ with its reason, its neighbour is ingested, the operation completes', async () => {
    const bad = manifest('  name: ns-bad\n  labels:\n    team: "net\\0work"\n');
    const rawText = `${yamlOf(vlanNamespace('ns-good', 1300))}---\n${bad}`;
    await pushFromAnotherClone(env.remote, {
      files: {
        'fabric/raw/mixed.yaml': rawText,
        'fabric/raw/bytes.yaml': manifest('  name: ns-bytes\n  annotations:\n    a: x\u0000y\n'),
      },
      message: 'an import with NUL',
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect(pulled.commitSha).toBe(await branchHead(env.remote, 'main'));

    const files = await listFiles(env.remote, 'main');
    expect(files).not.toContain('fabric/raw/mixed.yaml');
    expect(files).toEqual(
      expect.arrayContaining([
        'fabric/managed/vlannamespaces/ns-good.yaml',
        'fabric/unmanaged/mixed.yaml',
        'fabric/unmanaged/mixed.yaml.reason.yaml',
        'fabric/unmanaged/bytes.yaml',
        'fabric/unmanaged/bytes.yaml.reason.yaml',
      ]),
    );
    expect(files).not.toContain('fabric/managed/vlannamespaces/ns-bad.yaml');
    // The document is kept as written; the reason names the code and the position.
    expect((await readFileAt(env.remote, 'main', 'fabric/unmanaged/mixed.yaml')).toString()).toBe(bad);
    const reason = parseYaml(
      (await readFileAt(env.remote, 'main', 'fabric/unmanaged/mixed.yaml.reason.yaml')).toString(),
    );
    expect(reason.documents).toEqual([
      expect.objectContaining({
        index: 1,
        kind: 'VLANNamespace',
        name: 'ns-bad',
        reason: 'invalid',
        findings: [
          expect.objectContaining({
            code: 'TEXT_UNSTORABLE',
            path: '$.metadata.labels.team',
            line: rawText.split('\n').findIndex((line) => line.includes('team:')) + 1,
            column: 11,
          }),
        ],
      }),
    ]);
    const bytesReason = parseYaml(
      (await readFileAt(env.remote, 'main', 'fabric/unmanaged/bytes.yaml.reason.yaml')).toString(),
    );
    expect(bytesReason.documents[0].findings[0]).toMatchObject({
      code: 'TEXT_UNSTORABLE',
      path: '$.metadata.annotations.a',
    });

    const state = await rows(env.t, env.fabricId);
    expect(state.get('ns-good')).toMatchObject({
      managed_file_path: 'managed/vlannamespaces/ns-good.yaml',
      desired_spec: { ranges: [{ from: 1000, to: 1300 }] },
    });
    expect(state.has('ns-bad')).toBe(false);
    expect(state.has('ns-bytes')).toBe(false);
    await expectDatabaseMatchesGit();
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
  });

  it('a managed file edited by someone else with NUL: previous desired state kept, a warning, later pulls complete', async () => {
    const before = (await rows(env.t, env.fabricId)).get('ns-a')!;
    const path = 'fabric/managed/vlannamespaces/ns-a.yaml';
    const head = await pushFromAnotherClone(env.remote, {
      files: {
        [path]: manifest(
          '  name: ns-a\n  namespace: default\n  labels:\n    team: "a\\0b"\n',
          '  ranges:\n  - from: 1000\n    to: 1777\n',
        ),
      },
      message: 'someone adds a NUL',
    });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect(pulled.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'WARNING', path, message: expect.stringContaining('TEXT_UNSTORABLE') }),
        expect.objectContaining({ path, message: expect.stringContaining('previous state kept') }),
      ]),
    );
    const after = (await rows(env.t, env.fabricId)).get('ns-a')!;
    expect(after).toMatchObject({
      desired_spec: before.desired_spec,
      desired_blob_oid: before.desired_blob_oid,
      desired_labels: before.desired_labels,
      managed_file_path: before.managed_file_path,
    });
    expect(
      (
        await db<{ last_pulled_commit: string }>('select last_pulled_commit from fabric where id = $1', [env.fabricId])
      )[0]!.last_pulled_commit,
    ).toBe(head);

    // Nothing is stuck: the next change pulls normally, and a fix of the file is taken.
    await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-later')), ...fileOf(vlanNamespace('ns-a', 1888)) },
      message: 'fixed',
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    const fixed = await rows(env.t, env.fabricId);
    expect(fixed.get('ns-a')!.desired_spec).toEqual({ ranges: [{ from: 1000, to: 1888 }] });
    expect(fixed.has('ns-later')).toBe(true);
    await expectDatabaseMatchesGit();
    expect(await db(`select id from sync_operation where status in ('pending', 'in_progress')`)).toEqual([]);
  });
});

/**
 * Fault injection: right after a commit of the gateway landed, a trigger makes every write to
 * `resource` fail (what a value PostgreSQL refuses did), so the recording step fails. Installed
 * through the GitHost test hook, removed before the repairing pull.
 */
describe('a recording step that fails after the commit landed', () => {
  const refuseResourceWrites = async () => {
    await db(
      `create or replace function nul_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'injected: the database refused the row'; end $$`,
    );
    await db(
      'create trigger nul_test_refuse before insert or update or delete on resource for each row execute function nul_test_refuse()',
    );
  };
  const allowResourceWrites = () => db('drop trigger if exists nul_test_refuse on resource');
  const failRecordingAfterCommit = () => {
    hosts.wrap = (host: GitHost) =>
      new Proxy(host, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          if (property !== 'commit') return value.bind(target);
          return async (...args: Parameters<GitHost['commit']>) => {
            const result = await target.commit(...args);
            if (result.status === 'committed') await refuseResourceWrites();
            return result;
          };
        },
      });
  };
  afterAll(async () => {
    hosts.wrap = undefined;
    await allowResourceWrites();
  });

  it('push: FAILED (not IN_PROGRESS) with the commit it made; the next pull completes and the database matches Git', async () => {
    const rowsBefore = await rows(env.t, env.fabricId);
    await env.t.graphqlOk(
      `mutation($id: ID!, $yaml: String!) { updateResource(id: $id, manifest: { yaml: $yaml }) { id } }`,
      { id: nsA, yaml: yamlOf(vlanNamespace('ns-a', 1444)) },
    );
    failRecordingAfterCommit();
    const pushed = await sync(env.t, env.fabricId, 'PUSH');
    hosts.wrap = undefined;
    await allowResourceWrites();
    const head = await branchHead(env.remote, 'main');
    expect(pushed).toMatchObject({ status: 'FAILED', commitSha: head });
    expect(pushed.errorMessage).toContain(head);
    expect(pushed.errorMessage).toContain('the next pull records it');
    expect(await db('select jsonb_typeof(details) as type from sync_operation where id = $1', [pushed.id])).toEqual([
      { type: 'object' },
    ]);
    // Not recorded: the row still has its old desired state and the draft, the pointer did not move.
    const stale = (await rows(env.t, env.fabricId)).get('ns-a')!;
    expect(stale).toMatchObject({ desired_blob_oid: rowsBefore.get('ns-a')!.desired_blob_oid, draft_action: 'upsert' });

    const repaired = await sync(env.t, env.fabricId, 'PULL');
    expect(repaired).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect((await rows(env.t, env.fabricId)).get('ns-a')).toMatchObject({
      desired_spec: { ranges: [{ from: 1000, to: 1444 }] },
      draft_action: null,
      conflict_status: 'none',
    });
    await expectDatabaseMatchesGit();
    expect(await db(`select id from sync_operation where status in ('pending', 'in_progress')`)).toEqual([]);
  });

  it('pull: a refused write ends the pull FAILED, the pointer stays, the next pull applies the change', async () => {
    const [before] = await db<{ last_pulled_commit: string }>('select last_pulled_commit from fabric where id = $1', [
      env.fabricId,
    ]);
    await pushFromAnotherClone(env.remote, {
      files: fileOf(vlanNamespace('ns-refused', 1666)),
      message: 'a new object',
    });
    await refuseResourceWrites();
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    await allowResourceWrites();
    expect(pulled).toMatchObject({ status: 'FAILED', commitSha: null });
    expect(pulled.errorMessage).toContain('injected');
    expect(
      await db<{ last_pulled_commit: string }>('select last_pulled_commit from fabric where id = $1', [env.fabricId]),
    ).toEqual([before]);
    expect((await rows(env.t, env.fabricId)).has('ns-refused')).toBe(false);

    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect((await rows(env.t, env.fabricId)).get('ns-refused')).toMatchObject({
      desired_spec: { ranges: [{ from: 1000, to: 1666 }] },
    });
    await expectDatabaseMatchesGit();
  });

  it('ingestion: FAILED (not IN_PROGRESS) with the commit it made; the next pull records the ingested objects', async () => {
    await pushFromAnotherClone(env.remote, {
      files: { 'fabric/raw/late.yaml': yamlOf(vlanNamespace('ns-late', 1555)) },
      message: 'raw file',
    });
    failRecordingAfterCommit();
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    hosts.wrap = undefined;
    await allowResourceWrites();
    const head = await branchHead(env.remote, 'main');
    expect(pulled).toMatchObject({ status: 'FAILED', commitSha: head });
    expect(await listFiles(env.remote, 'main')).toContain('fabric/managed/vlannamespaces/ns-late.yaml');

    const repaired = await sync(env.t, env.fabricId, 'PULL');
    expect(repaired).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect((await rows(env.t, env.fabricId)).get('ns-late')).toMatchObject({
      desired_spec: { ranges: [{ from: 1000, to: 1555 }] },
    });
    await expectDatabaseMatchesGit();
    expect(await db(`select id from sync_operation where status in ('pending', 'in_progress')`)).toEqual([]);
  });
});
