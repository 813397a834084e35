import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { chunkChanges } from '../../src/gitops/commit-chunks.ts';
import { renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { queryDatabase } from '../support/database.ts';
import { gitLog, listFiles, pushFromAnotherClone, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { referenceFabric, runOperation } from './support.ts';
import { tAdapters } from '../support/remote-gateway.ts';

afterAll(removeScratchDirs);

const file = (path: string, bytes: number) => ({ path, contents: 'x'.repeat(bytes - path.length) });

describe('chunkChanges', () => {
  it('one chunk when the change fits', () => {
    expect(chunkChanges({ additions: [file('a', 10)], deletions: ['raw/x'] }, { maxBytes: 100 })).toEqual([
      { additions: [file('a', 10)], deletions: ['raw/x'] },
    ]);
  });

  it('splits by size, and puts the deletions and the named files in the last chunk', () => {
    const additions = [file('a', 40), file('log', 10), file('b', 40), file('c', 40)];
    const chunks = chunkChanges({ additions, deletions: ['raw/x'] }, { maxBytes: 90, last: new Set(['log']) });
    expect(chunks.map((chunk) => chunk.additions.map((added) => added.path))).toEqual([
      ['a', 'b'],
      ['c', 'log'],
    ]);
    expect(chunks.map((chunk) => chunk.deletions)).toEqual([[], ['raw/x']]);
  });

  it('a single file above the limit still goes (alone)', () => {
    expect(
      chunkChanges({ additions: [file('big', 500), file('small', 5)], deletions: [] }, { maxBytes: 100 }).map(
        (chunk) => chunk.additions.length,
      ),
    ).toEqual([1, 1]);
  });
});

describe.each(tAdapters)('a change above GITOPS_MAX_COMMIT_BYTES on the $name adapter', (adapter) => {
  it('is committed in parts; the raw file leaves and the archive log grows only in the last', async () => {
    const env = await adapter.start({ env: { GITOPS_MAX_COMMIT_BYTES: String(16 * 1024) } });
    try {
      await pushFromAnotherClone(env.remote, { files: { 'README.md': '# x\n' } });
      await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId);
      const objects = referenceFabric();
      const pushed = await pushFromAnotherClone(env.remote, {
        files: { 'fabric/raw/reference.yaml': renderMultiDocument(objects) },
      });
      const operation = await runOperation(env.t, 'ingestRaw', env.fabricId);
      expect(operation.errorMessage).toBeNull();
      const log = await gitLog(env.remote, 'main');
      const ours = log.slice(
        0,
        log.findIndex((commit) => commit.oid === pushed),
      );
      expect(ours.length).toBeGreaterThan(1);
      expect(operation.details.commits).toEqual(ours.map((commit) => commit.oid).reverse());
      expect(ours[0]!.message).toMatch(new RegExp(`part ${ours.length} of ${ours.length}`));
      // Before the last part, raw/ still holds the file and the archive log has no entry.
      const beforeLast = ours[1]!.oid;
      expect(await listFiles(env.remote, beforeLast)).toContain('fabric/raw/reference.yaml');
      expect(await listFiles(env.remote, beforeLast)).not.toContain('fabric/.hnp/archive-log.yaml');
      expect(await listFiles(env.remote, 'main')).not.toContain('fabric/raw/reference.yaml');
      expect(parseYaml((await readFileAt(env.remote, 'main', 'fabric/.hnp/archive-log.yaml')).toString())).toHaveLength(
        1,
      );
      const rows = await queryDatabase<{ count: string }>(
        env.t.database.url,
        'select count(*) from resource where fabric_id = $1 and desired_commit = $2',
        [env.fabricId, operation.commitSha],
      );
      expect(Number(rows[0]!.count)).toBe(objects.length);
    } finally {
      await env.stop();
    }
  });
});
