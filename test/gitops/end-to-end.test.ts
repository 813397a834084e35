/**
 * Real inputs through the whole pipeline on both adapters: every public sample at once, and a
 * fabric shaped like the old system's reference (2 spines, 5 leaves, ~26 connections, 3 switch
 * groups, 2 VPCs). Also: the branch moving mid-ingestion, GitHub request counts, refusals.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { renderCanonicalYaml } from '../../src/hedgehog/canonical.ts';
import { renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric, createRepository } from '../support/fixtures.ts';
import { gitLog, listFiles, pushFromAnotherClone, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { startTestApp } from '../support/test-app.ts';
import { referenceFabric, runOperation } from './support.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';

afterAll(removeScratchDirs);

/** The samples live beside the checkout, not in it: their test is skipped, saying so, without them. */
const SAMPLES_DIR = join(import.meta.dirname, '../../../shared/hedgehog-samples');
const PRESENT = existsSync(SAMPLES_DIR);
const samples = PRESENT
  ? readdirSync(SAMPLES_DIR)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
  : [];

function documentCount(text: string): number {
  const documents = parseAllDocuments(text);
  return Array.isArray(documents) ? documents.length : 0;
}

describe.each(tAdapters)('end to end on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await adapter.start();
    await pushFromAnotherClone(env.remote, { files: { 'README.md': '# Network\n' } });
    await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
  });
  afterEach(() => env.stop());

  it.skipIf(!PRESENT)(
    `ingests every sample at once in one commit and accounts for every document${PRESENT ? '' : ` (skipped: ${SAMPLES_DIR} is absent)`}`,
    async () => {
      const files = Object.fromEntries(
        samples.map((name) => [`fabric/raw/samples/${name}`, readFileSync(join(SAMPLES_DIR, name), 'utf8')]),
      );
      await pushFromAnotherClone(env.remote, { files });
      const before = await gitLog(env.remote, 'main');
      const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
      expect(operation.errorMessage).toBeNull();
      expect(await gitLog(env.remote, 'main')).toHaveLength(before.length + 1);

      const tree = await listFiles(env.remote, 'main');
      expect(tree.filter((path) => path.startsWith('fabric/raw/') && path !== 'fabric/raw/.gitkeep')).toEqual([]);
      const archive = parseYaml((await readFileAt(env.remote, 'main', 'fabric/.hnp/archive-log.yaml')).toString()) as {
        path: string;
        objects: string[];
        unmanaged: { documents: number } | null;
        emptyDocuments: number;
      }[];
      expect(archive.map((entry) => entry.path).sort()).toEqual(samples.map((name) => `raw/samples/${name}`));
      for (const entry of archive) {
        const text = files[`fabric/${entry.path}`]!;
        // Nothing silently dropped: every document is a managed object, kept in unmanaged/, or empty.
        const unmanaged = entry.unmanaged?.documents ?? 0;
        if (entry.path.includes('08-fabric')) expect(entry.objects).toEqual([]); // legacy v1alpha2: nothing managed
        expect(entry.objects.length + unmanaged + entry.emptyDocuments, entry.path).toBe(documentCount(text));
      }
      const managed = tree.filter((path) => path.startsWith('fabric/managed/') && !path.endsWith('.gitkeep'));
      const rows = await queryDatabase<{ managed_file_path: string }>(
        env.t.database.url,
        'select managed_file_path from resource where fabric_id = $1',
        [env.fabricId],
      );
      expect(rows.map((row) => `fabric/${row.managed_file_path}`).sort()).toEqual(managed);
      expect(managed.length).toBeGreaterThan(150);
      const stages = operation.details.stages;
      expect(stages.discovery.rawFiles).toBe(samples.length);
      expect(stages.classification.toManaged).toBe(managed.length);
    },
  );

  it('ingests the reference-shaped fabric: every object managed, one commit, rows match the files', async () => {
    const objects = referenceFabric();
    const kinds = (kind: string) => objects.filter((object) => object.kind === kind).length;
    expect([kinds('Switch'), kinds('SwitchGroup'), kinds('VPC')]).toEqual([7, 3, 2]);
    expect(kinds('Connection')).toBeGreaterThanOrEqual(24);
    expect(kinds('Connection')).toBeLessThanOrEqual(28);
    await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/reference.yaml': renderMultiDocument(objects) } });
    const requestsBefore = env.github?.requestCount() ?? 0;
    const commitsBefore = env.github?.requestCount('CreateCommitOnBranch') ?? 0;
    const before = await gitLog(env.remote, 'main');

    const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
    expect(operation.errorMessage).toBeNull();
    expect(operation.details.stages.classification).toEqual({
      toManaged: objects.length,
      toUnmanaged: 0,
      conflicts: 0,
      empty: 0,
    });
    expect(await gitLog(env.remote, 'main')).toHaveLength(before.length + 1);
    for (const object of objects.slice(0, 12)) {
      const rows = await queryDatabase<{ managed_file_path: string }>(
        env.t.database.url,
        'select managed_file_path from resource where fabric_id = $1 and kind = $2 and name = $3',
        [env.fabricId, object.kind, object.metadata.name],
      );
      expect((await readFileAt(env.remote, 'main', `fabric/${rows[0]!.managed_file_path}`)).toString()).toBe(
        renderCanonicalYaml(object),
      );
    }
    const [{ count }] = (await queryDatabase<{ count: string }>(
      env.t.database.url,
      'select count(*) from resource where fabric_id = $1 and desired_commit = $2',
      [env.fabricId, operation.commitSha],
    )) as [{ count: string }];
    expect(Number(count)).toBe(objects.length);
    if (env.github) {
      // head, tree, one blob batch, permission check, one commit: well under 10 requests.
      const requests = env.github.requestCount() - requestsBefore;
      expect(requests).toBeLessThanOrEqual(10);
      expect(env.github.requestCount('CreateCommitOnBranch') - commitsBefore).toBe(1);
    }
  });

  // The GitHub test server can move the branch inside the commit request; the native adapter's
  // lease refusal is covered by the contract suite (test/git).
  it.runIf(adapter.name === 'github')(
    're-reads and plans again when the branch moves between reading and committing, still one commit',
    async () => {
      await pushFromAnotherClone(env.remote, {
        files: { 'fabric/raw/reference.yaml': renderMultiDocument(referenceFabric().slice(0, 10)) },
      });
      let moved = '';
      const moveOnce = async () => {
        if (moved) return;
        moved = await pushFromAnotherClone(env.remote, {
          files: { 'fabric/raw/late.yaml': renderMultiDocument(referenceFabric().slice(10, 12)) },
          message: 'pushed meanwhile',
        });
      };
      env.github!.state.beforeCommit = moveOnce;
      const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
      expect(operation.errorMessage).toBeNull();
      const log = await gitLog(env.remote, 'main');
      expect(log[0]!.parents).toEqual([moved]);
      expect(operation.details.stages.discovery.rawFiles).toBe(2); // the late file was ingested too
      expect(operation.events.some((event) => event.message.includes('moved while ingesting'))).toBe(true);
      expect(log.filter((commit) => commit.message.includes(`Gateway-Operation: ${operation.id}`))).toHaveLength(1);
    },
  );
});

describe.each(tAdapters)('an EMPTY repository on the $name adapter', (adapter) => {
  it('is initialised in one commit by native git, in two on GitHub (createCommitOnBranch cannot write into an empty repository)', async () => {
    const env = await adapter.start();
    try {
      const operation = await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
      expect(operation.errorMessage).toBeNull();
      const log = await gitLog(env.remote, 'main');
      expect(log).toHaveLength(adapter.name === 'github' ? 2 : 1);
      expect(log[0]!.oid).toBe(operation.commitSha);
      expect((await listFiles(env.remote, 'main')).filter((path) => path.startsWith('fabric/'))).toHaveLength(
        operation.filesCreated,
      );
      expect((await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId)).commitSha).toBeNull();
      expect(await gitLog(env.remote, 'main')).toHaveLength(log.length);
    } finally {
      await env.stop();
    }
  });
});

describe('refusals', () => {
  it('a fabric without a repository is INVALID_INPUT, and a refused token never shows in validationError', async () => {
    const t = await startTestApp();
    try {
      const fabric = await createFabric(t);
      for (const mutation of ['initializeGitopsDirectory', 'ingestRaw']) {
        const result = await t.graphql(`mutation($id: ID!) { ${mutation}(fabricId: $id) { id } }`, { id: fabric.id });
        expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
        expect(result.errors?.[0]?.message).toContain('has no Git repository');
      }
      const secret = 'ghp_notTheRightToken_0123456789abcdef';
      const repository = await createRepository(t, {
        url: 'http://127.0.0.1:9/nobody/nothing.git',
        provider: 'GIT',
        credentials: { token: secret },
      });
      const { testGitRepository } = await t.graphqlOk<{
        testGitRepository: { connectionStatus: string; validationError: string };
      }>(`mutation($id: ID!) { testGitRepository(id: $id) { connectionStatus validationError } }`, {
        id: repository.id,
      });
      expect(testGitRepository.connectionStatus).toBe('FAILED');
      expect(testGitRepository.validationError).toBeTruthy();
      expect(testGitRepository.validationError).not.toContain(secret);
      expect(t.logs()).not.toContain(secret);
    } finally {
      await t.stop();
    }
  });
});
