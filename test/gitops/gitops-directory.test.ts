/**
 * Directory initialisation and ingestion end to end, on both adapters: a person pushes YAML into
 * raw/ with the git CLI, the gateway ingests it through GraphQL, and the remote (read back with
 * git), the rows and the operation log are checked.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LAYOUT_FOLDERS } from '../../src/gitops/layout.ts';
import { queryDatabase } from '../support/database.ts';
import {
  git,
  gitLog,
  listFiles,
  pushFromAnotherClone,
  readFileAt,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { runOperation } from './support.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';

afterAll(removeScratchDirs);

const MIXED_YAML = `# Namespaces, a group, and two documents the gateway cannot manage
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
  - from: 1000
    to: 2999
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: IPv4Namespace
metadata:
  name: default
spec:
  subnets: [10.0.0.0/16]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-ours
data:
  colour: blue
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: SwitchGroup
metadata:
  name: border
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  colour: blue
`;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(tAdapters)('GitOps directory on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await adapter.start();
    // A repository that already has a commit: on GitHub, the first commit of an EMPTY repository
    // takes two (see docs/gitops-directory.md).
    await pushFromAnotherClone(env.remote, { files: { 'README.md': '# Network\n' }, message: 'Initial commit' });
  });
  afterEach(() => env.stop());

  it('initialises the directory in one commit, and a second run commits nothing', async () => {
    const before = await gitLog(env.remote, 'main');
    const operation = await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
    expect(operation).toMatchObject({
      status: 'COMPLETED',
      operationType: 'DIRECTORY_INIT',
      filesCreated: 2 + LAYOUT_FOLDERS.length,
    });

    const log = await gitLog(env.remote, 'main');
    expect(log).toHaveLength(before.length + 1);
    expect(log[0]!.oid).toBe(operation.commitSha);
    expect(log[0]!.message).toContain(`Gateway-Operation: ${operation.id}`);
    // The actor is whoever called the mutation (the API token's name), recorded on the operation and in the commit.
    expect(operation.initiatedBy).not.toBe('system');
    expect(log[0]!.message).toContain(`Gateway-Actor: ${operation.initiatedBy}`);
    const files = await listFiles(env.remote, 'main');
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'fabric/README.md',
        'fabric/.hnp/manifest.yaml',
        'fabric/raw/.gitkeep',
        'fabric/unmanaged/.gitkeep',
        'fabric/managed/switchs/.gitkeep',
        'fabric/managed/vpcattachments/.gitkeep',
      ]),
    );
    expect(files).toHaveLength(1 + 2 + LAYOUT_FOLDERS.length);
    const manifest = parseYaml((await readFileAt(env.remote, 'main', 'fabric/.hnp/manifest.yaml')).toString());
    expect(manifest).toMatchObject({ layoutVersion: 1, gatewayVersion: expect.any(String) });

    const again = await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
    expect(again).toMatchObject({ status: 'COMPLETED', commitSha: null, filesCreated: 0 });
    expect(await gitLog(env.remote, 'main')).toHaveLength(before.length + 1);

    const { fabric } = await env.t.graphqlOk<{
      fabric: { gitopsDirectoryStatus: string; directoryInitError: string | null; lastDirectorySync: string | null };
    }>(`query($id: ID!) { fabric(id: $id) { gitopsDirectoryStatus directoryInitError lastDirectorySync } }`, {
      id: env.fabricId,
    });
    expect(fabric).toMatchObject({
      gitopsDirectoryStatus: 'INITIALIZED',
      directoryInitError: null,
      lastDirectorySync: expect.any(String),
    });
    const { validateGitopsDirectory } = await env.t.graphqlOk<{
      validateGitopsDirectory: { status: string; valid: boolean; findings: unknown[]; commit: string };
    }>(
      `mutation($id: ID!) { validateGitopsDirectory(fabricId: $id) { status valid commit findings { code path message } } }`,
      { id: env.fabricId },
    );
    expect(validateGitopsDirectory).toEqual({ status: 'INITIALIZED', valid: true, findings: [], commit: log[0]!.oid });
  });

  it('ingests a partly invalid multi-document file pushed with git in one commit: objects to managed/, the rest to unmanaged/ with reasons, rows and archive log', async () => {
    await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
    const pushed = await pushFromAnotherClone(env.remote, {
      files: { 'fabric/raw/mixed.yaml': MIXED_YAML, 'fabric/raw/notes.txt': 'not yaml\n' },
      message: 'Drop wiring into raw/',
    });
    const before = await gitLog(env.remote, 'main');

    const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
    expect(operation.errorMessage).toBeNull();
    expect(operation).toMatchObject({
      status: 'COMPLETED',
      operationType: 'INGESTION',
      filesProcessed: 1,
      filesCreated: 3 + 2,
      filesDeleted: 1,
    });
    expect(operation.details.stages).toEqual({
      discovery: { rawFiles: 1, skipped: 1 },
      validation: { documents: 5, errors: 2, warnings: 2 },
      classification: { toManaged: 3, toUnmanaged: 2, conflicts: 0, empty: 0 },
      processing: { created: 3, updated: 0, unchanged: 0, unmanagedFiles: 1 },
      archive: { rawFilesRemoved: 1, logEntries: 1 },
    });
    expect(operation.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'WARNING',
          path: 'fabric/raw/notes.txt',
          message: expect.stringContaining('NOT_YAML'),
        }),
        expect.objectContaining({
          path: 'fabric/raw/mixed.yaml',
          message: expect.stringContaining('3 object(s) to managed/, 2 document(s) to fabric/unmanaged/mixed.yaml'),
        }),
        expect.objectContaining({
          level: 'WARNING',
          path: 'fabric/raw/mixed.yaml',
          message: expect.stringMatching(
            /document 4 \(Switch leaf-01\) invalid: SCHEMA_(?:REQUIRED|UNKNOWN_FIELD) at line \d+/,
          ),
        }),
      ]),
    );

    // One commit, with counts and trailers.
    const log = await gitLog(env.remote, 'main');
    expect(log).toHaveLength(before.length + 1);
    expect(log[0]!.parents).toEqual([pushed]);
    expect(log[0]!.oid).toBe(operation.commitSha);
    expect(log[0]!.message).toMatch(
      /^Ingest raw\/: 3 created, 0 updated, 2 documents moved to unmanaged\/, 1 raw file archived/,
    );
    expect(log[0]!.message).toContain(`Gateway-Operation: ${operation.id}`);

    // The tree.
    const files = await listFiles(env.remote, 'main');
    expect(files).not.toContain('fabric/raw/mixed.yaml');
    expect(files).toContain('fabric/raw/notes.txt'); // left alone
    expect(files).toEqual(
      expect.arrayContaining([
        'fabric/managed/vlannamespaces/default.yaml',
        'fabric/managed/ipv4namespaces/default.yaml',
        'fabric/managed/switchgroups/border.yaml',
        'fabric/unmanaged/mixed.yaml',
        'fabric/unmanaged/mixed.yaml.reason.yaml',
        'fabric/.hnp/archive-log.yaml',
      ]),
    );
    expect(files.filter((path) => path.startsWith('fabric/managed/') && !path.endsWith('.gitkeep'))).toHaveLength(3);
    const ipv4 = (await readFileAt(env.remote, 'main', 'fabric/managed/ipv4namespaces/default.yaml')).toString();
    expect(parseYaml(ipv4)).toEqual({
      apiVersion: 'vpc.githedgehog.com/v1beta1',
      kind: 'IPv4Namespace',
      metadata: { name: 'default', namespace: 'default' },
      spec: { subnets: ['10.0.0.0/16'] },
    });
    const kept = (await readFileAt(env.remote, 'main', 'fabric/unmanaged/mixed.yaml')).toString();
    expect(kept).toContain('kind: ConfigMap');
    expect(kept).toContain('colour: blue');
    expect(kept).not.toContain('VLANNamespace');
    const reasons = parseYaml(
      (await readFileAt(env.remote, 'main', 'fabric/unmanaged/mixed.yaml.reason.yaml')).toString(),
    );
    expect(reasons).toMatchObject({ source: 'raw/mixed.yaml', sourceCommit: pushed, operation: operation.id });
    expect(reasons.documents).toEqual([
      expect.objectContaining({
        index: 2,
        kind: 'ConfigMap',
        reason: 'not_managed',
        findings: [expect.objectContaining({ code: 'NOT_HEDGEHOG_OBJECT', line: expect.any(Number) })],
      }),
      expect.objectContaining({
        index: 4,
        kind: 'Switch',
        name: 'leaf-01',
        reason: 'invalid',
        findings: expect.arrayContaining([
          expect.objectContaining({
            code: 'SCHEMA_UNKNOWN_FIELD',
            line: MIXED_YAML.split('\n').lastIndexOf('  colour: blue') + 1,
            path: '$.spec.colour',
          }),
        ]),
      }),
    ]);

    // The archive log.
    const archive = parseYaml((await readFileAt(env.remote, 'main', 'fabric/.hnp/archive-log.yaml')).toString());
    expect(archive).toEqual([
      expect.objectContaining({
        path: 'raw/mixed.yaml',
        sourceCommit: pushed,
        operation: operation.id,
        objects: [
          'managed/vlannamespaces/default.yaml',
          'managed/ipv4namespaces/default.yaml',
          'managed/switchgroups/border.yaml',
        ],
        unmanaged: { path: 'unmanaged/mixed.yaml', documents: 2, conflicts: 0 },
      }),
    ]);

    // The rows: desired state only, never drafts, with path, blob oid and hash of the committed file.
    const rows = await queryDatabase<Record<string, any>>(
      env.t.database.url,
      `select kind, name, desired_spec, desired_commit, managed_file_path, desired_blob_oid, file_hash, last_file_sync, draft_action from resource where fabric_id = $1 order by kind`,
      [env.fabricId],
    );
    expect(rows.map((row) => `${row.kind}/${row.name}`)).toEqual([
      'IPv4Namespace/default',
      'SwitchGroup/border',
      'VLANNamespace/default',
    ]);
    for (const row of rows) {
      const bytes = await readFileAt(env.remote, 'main', `fabric/${row.managed_file_path}`);
      expect(row).toMatchObject({
        desired_commit: operation.commitSha,
        draft_action: null,
        file_hash: sha256(bytes),
        last_file_sync: expect.anything(),
      });
      expect(row.desired_blob_oid).toBe(
        await git(['--git-dir', env.remote, 'rev-parse', `main:fabric/${row.managed_file_path}`]),
      );
    }
    expect(rows[0]!.desired_spec).toEqual({ subnets: ['10.0.0.0/16'] });

    // Nothing left to ingest: no commit.
    const idle = await runOperation(env.t, 'ingestRaw', env.fabricId);
    expect(idle).toMatchObject({ status: 'COMPLETED', commitSha: null, filesProcessed: 0 });
    expect(await gitLog(env.remote, 'main')).toHaveLength(before.length + 1);
  });

  it('keeps a managed file that differs from an incoming object (conflict), rewrites one only written differently (update), and skips identical ones', async () => {
    await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
    await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/first.yaml': MIXED_YAML } });
    await runOperation(env.t, 'ingestRaw', env.fabricId);
    // Someone edits one managed file by hand and reformats another without changing it.
    const edited =
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets: [10.1.0.0/16]\n';
    const reformatted =
      '# hand formatted\nkind: SwitchGroup\napiVersion: wiring.githedgehog.com/v1beta1\nmetadata: {name: border}\n';
    await pushFromAnotherClone(env.remote, {
      files: {
        'fabric/managed/ipv4namespaces/default.yaml': edited,
        'fabric/managed/switchgroups/border.yaml': reformatted,
      },
    });
    const second = `${MIXED_YAML.split('---\n').slice(0, 2).join('---\n')}---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: border\n`;
    await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/second.yaml': second } });
    const before = await gitLog(env.remote, 'main');

    const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
    expect(operation.status).toBe('COMPLETED');
    expect(operation.details.stages.processing).toEqual({ created: 0, updated: 1, unchanged: 1, unmanagedFiles: 1 });
    expect(operation.details.stages.classification).toMatchObject({ toManaged: 2, toUnmanaged: 1, conflicts: 1 });
    expect(operation.details.conflicts).toEqual([
      expect.objectContaining({
        kind: 'IPv4Namespace',
        name: 'default',
        managedPath: 'managed/ipv4namespaces/default.yaml',
        sourcePath: 'raw/second.yaml',
      }),
    ]);
    expect(await gitLog(env.remote, 'main')).toHaveLength(before.length + 1);
    expect((await readFileAt(env.remote, 'main', 'fabric/managed/ipv4namespaces/default.yaml')).toString()).toBe(
      edited,
    );
    expect((await readFileAt(env.remote, 'main', 'fabric/managed/switchgroups/border.yaml')).toString()).not.toContain(
      'hand formatted',
    );
    const reasons = parseYaml(
      (await readFileAt(env.remote, 'main', 'fabric/unmanaged/second.yaml.reason.yaml')).toString(),
    );
    expect(reasons.documents).toEqual([
      expect.objectContaining({
        index: 1,
        reason: 'conflict',
        findings: [expect.objectContaining({ code: 'MANAGED_CONFLICT' })],
      }),
    ]);
    expect(await listFiles(env.remote, 'main')).not.toContain('fabric/raw/second.yaml');
  });

  it('after a conflict keeps a managed file, the rest of raw/ is checked against that file: a duplicate switch IP is reported', async () => {
    // Fully hydrated leaves (a partly hydrated wiring is refused as a whole, as hhfab does).
    const leaf = (name: string, ip: string) => {
      const n = Number(name.slice(-1));
      return `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: ${name}\nspec:\n  role: server-leaf\n  profile: vs\n  asn: ${65100 + n}\n  protocolIP: 172.30.8.${n}/32\n  vtepIP: 172.30.12.${n}/32\n  ip: ${ip}\n`;
    };
    const vlans = MIXED_YAML.split('---\n')[0]!;
    await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
    await pushFromAnotherClone(env.remote, {
      files: { 'fabric/raw/first.yaml': `${vlans}---\n${leaf('leaf-01', '172.30.0.10/21')}` },
    });
    expect((await runOperation(env.t, 'ingestRaw', env.fabricId)).details.stages.classification).toMatchObject({
      toManaged: 2,
      toUnmanaged: 0,
    });
    // leaf-01 again, readdressed (a conflict: its managed file stays), and leaf-02 taking leaf-01's kept address.
    await pushFromAnotherClone(env.remote, {
      files: {
        'fabric/raw/second.yaml': `${leaf('leaf-01', '172.30.0.11/21')}---\n${leaf('leaf-02', '172.30.0.10/21')}`,
      },
    });
    const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
    expect(operation.status).toBe('COMPLETED');
    expect(operation.details.stages.classification).toMatchObject({ toManaged: 0, toUnmanaged: 2, conflicts: 1 });
    const reasons = parseYaml(
      (await readFileAt(env.remote, 'main', 'fabric/unmanaged/second.yaml.reason.yaml')).toString(),
    );
    expect(reasons.documents).toEqual([
      expect.objectContaining({ index: 0, name: 'leaf-01', reason: 'conflict' }),
      expect.objectContaining({
        index: 1,
        name: 'leaf-02',
        reason: 'invalid',
        findings: expect.arrayContaining([
          expect.objectContaining({
            code: 'DUPLICATE_IP',
            line: 23,
            column: 7,
            path: '$.spec.ip',
            message: 'management IP 172.30.0.10/21 is already in use by switch leaf-01 (ip)',
          }),
        ]),
      }),
    ]);
    expect(await listFiles(env.remote, 'main')).not.toContain('fabric/managed/switchs/leaf-02.yaml');
  });

  it('testGitRepository contacts the remote and records the outcome', async () => {
    const { testGitRepository } = await env.t.graphqlOk<{
      testGitRepository: { connectionStatus: string; lastValidatedAt: string | null; validationError: string | null };
    }>(`mutation($id: ID!) { testGitRepository(id: $id) { connectionStatus lastValidatedAt validationError } }`, {
      id: env.repositoryId,
    });
    expect(testGitRepository).toMatchObject({
      connectionStatus: 'CONNECTED',
      validationError: null,
      lastValidatedAt: expect.any(String),
    });
  });
});
