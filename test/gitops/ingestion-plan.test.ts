import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { gitBlobOid, renderCanonicalYaml } from '../../src/hedgehog/canonical.ts';
import { validateManifests } from '../../src/hedgehog/validate.ts';
import {
  appendArchiveLog,
  discoverRawFiles,
  ingestionCommitSubject,
  managedPathsToCompare,
  planIngestion,
  splitDocuments,
  unsafePathReason,
  type RawFile,
} from '../../src/gitops/ingestion-plan.ts';
import type { DirectoryEntry } from '../../src/gitops/layout.ts';

const entry = (path: string, options: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  path,
  oid: 'a'.repeat(40),
  size: 10,
  mode: '100644',
  ...options,
});
const group = (name: string, extra = '') =>
  `apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: ${name}\n${extra}`;
const vlans =
  'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges:\n  - from: 1000\n    to: 2999\n';
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n';

function plan(
  rawFiles: RawFile[],
  options: { tree?: Map<string, string>; managedTexts?: Map<string, string>; archiveLog?: string | null } = {},
) {
  const validation = validateManifests({ files: rawFiles });
  const tree = options.tree ?? new Map<string, string>();
  return planIngestion({
    rawFiles,
    validation,
    tree,
    managedTexts: options.managedTexts ?? new Map(),
    archiveLog: options.archiveLog ?? null,
    sourceCommit: 'c'.repeat(40),
    operationId: 'op-1',
    actor: 'alice',
    at: '2026-01-01T00:00:00.000Z',
  });
}
const added = (result: ReturnType<typeof plan>) => new Map(result.additions.map((file) => [file.path, file.contents]));

describe('discovery', () => {
  it('takes raw/**/*.yaml|yml and reports everything else without following it', () => {
    const result = discoverRawFiles(
      [
        entry('raw/.gitkeep'),
        entry('raw/a.yaml'),
        entry('raw/deep/b.YML'),
        entry('raw/c.json'),
        entry('raw/link.yaml', { mode: '120000' }),
        entry('raw/big.yaml', { size: 101 }),
        entry('raw/../etc/passwd.yaml'),
        entry('raw/x\0.yaml'),
        entry('/raw/abs.yaml'),
        entry('managed/switchs/a.yaml'),
      ],
      { maxBytes: 100 },
    );
    expect(result.files.map((file) => file.path)).toEqual(['raw/a.yaml', 'raw/deep/b.YML']);
    expect(result.skipped.map((skip) => [skip.path, skip.code])).toEqual([
      ['raw/c.json', 'NOT_YAML'],
      ['raw/link.yaml', 'SYMLINK'],
      ['raw/big.yaml', 'TOO_LARGE'],
      ['raw/../etc/passwd.yaml', 'PATH_REFUSED'],
      ['raw/x\\u0000.yaml', 'PATH_REFUSED'],
    ]);
  });

  it('refuses .., ., empty segments, absolute paths, backslashes and control characters', () => {
    for (const path of [
      'raw/../x.yaml',
      'raw/./x.yaml',
      'raw//x.yaml',
      '/raw/x.yaml',
      'C:/raw/x.yaml',
      'raw\\x.yaml',
      'raw/x\n.yaml',
      'raw/x\0.yaml',
    ]) {
      expect(unsafePathReason(path), path).toBeDefined();
    }
    expect(unsafePathReason('raw/ok/x.yaml')).toBeUndefined();
  });
});

describe('splitDocuments', () => {
  it('keeps each document as written, comments included, markers dropped', () => {
    expect(splitDocuments('# head\na: 1\n---\n# two\nb: 2\n...\n---\nc: 3')).toEqual([
      { index: 0, text: '# head\na: 1\n' },
      { index: 1, text: '# two\nb: 2\n' },
      { index: 2, text: 'c: 3\n' },
    ]);
  });
});

describe('planIngestion', () => {
  it('writes a valid object canonically to managed/<kind>s/<name>.yaml and removes the raw file', () => {
    const result = plan([{ path: 'raw/a.yaml', text: `${vlans}---\n${group('g1')}` }]);
    const files = added(result);
    expect(files.get('managed/vlannamespaces/default.yaml')).toBe(renderCanonicalYaml(parseYaml(vlans)));
    expect(files.get('managed/switchgroups/g1.yaml')).toBe(renderCanonicalYaml(parseYaml(group('g1'))));
    expect(result.deletions).toEqual(['raw/a.yaml']);
    expect(result.counters.processing).toEqual({ created: 2, updated: 0, unchanged: 0, unmanagedFiles: 0 });
    expect([...files.keys()].filter((path) => path.startsWith('unmanaged/'))).toEqual([]);
    expect(ingestionCommitSubject(result)).toBe(
      'Ingest raw/: 2 created, 0 updated, 0 documents moved to unmanaged/, 1 raw file archived',
    );
  });

  it('a partly invalid file: valid documents managed, the others kept in unmanaged/ with every finding and its position', () => {
    const text = `${group('g1')}---\n${configMap}---\n${group('g2', 'spec:\n  bogus: 1\n')}`;
    const result = plan([{ path: 'raw/sub/mixed.yaml', text }]);
    const files = added(result);
    expect(files.has('managed/switchgroups/g1.yaml')).toBe(true);
    expect(files.has('managed/switchgroups/g2.yaml')).toBe(false);
    expect(files.get('unmanaged/sub/mixed.yaml')).toBe(`${configMap}---\n${group('g2', 'spec:\n  bogus: 1\n')}`);
    const reasons = parseYaml(files.get('unmanaged/sub/mixed.yaml.reason.yaml')!);
    expect(reasons.documents).toEqual([
      {
        index: 1,
        kind: 'ConfigMap',
        name: 'cm',
        reason: 'not_managed',
        findings: [expect.objectContaining({ code: 'NOT_HEDGEHOG_OBJECT', line: 7 })],
      },
      {
        index: 2,
        kind: 'SwitchGroup',
        name: 'g2',
        reason: 'invalid',
        findings: [expect.objectContaining({ code: 'SCHEMA_UNKNOWN_FIELD', line: 18, path: '$.spec.bogus' })],
      },
    ]);
    expect(result.counters.classification).toEqual({ toManaged: 1, toUnmanaged: 2, conflicts: 0, empty: 0 });
    expect(result.deletions).toEqual(['raw/sub/mixed.yaml']);
  });

  it('a file with nothing manageable is kept byte for byte; an unreadable file too', () => {
    const broken = 'kind: [\n';
    const result = plan([
      { path: 'raw/cm.yaml', text: `# mine\n${configMap}` },
      { path: 'raw/broken.yaml', text: broken },
    ]);
    const files = added(result);
    expect(files.get('unmanaged/cm.yaml')).toBe(`# mine\n${configMap}`);
    expect(files.get('unmanaged/broken.yaml')).toBe(broken);
    expect(parseYaml(files.get('unmanaged/broken.yaml.reason.yaml')!).documents[0]).toMatchObject({
      reason: 'invalid',
      findings: [expect.objectContaining({ code: 'YAML_SYNTAX' })],
    });
    expect(result.deletions.sort()).toEqual(['raw/broken.yaml', 'raw/cm.yaml']);
  });

  it('identical managed file: unchanged; same object written differently: updated; a different object: conflict, managed file kept', () => {
    const canonical = renderCanonicalYaml(parseYaml(group('g1')));
    const tree = new Map([
      ['managed/switchgroups/g1.yaml', gitBlobOid(canonical)],
      ['managed/switchgroups/g2.yaml', gitBlobOid('reformatted')],
      ['managed/switchgroups/g3.yaml', gitBlobOid('different')],
    ]);
    const rawFiles = [{ path: 'raw/a.yaml', text: `${group('g1')}---\n${group('g2')}---\n${group('g3')}` }];
    expect(managedPathsToCompare(validateManifests({ files: rawFiles }), tree)).toEqual([
      'managed/switchgroups/g2.yaml',
      'managed/switchgroups/g3.yaml',
    ]);
    const managedTexts = new Map([
      [
        'managed/switchgroups/g2.yaml',
        'metadata: {name: g2}\nkind: SwitchGroup\napiVersion: wiring.githedgehog.com/v1beta1\n',
      ],
      [
        'managed/switchgroups/g3.yaml',
        `${group('g3')}metadata:\n  labels: {team: b}\n`.replace(
          /metadata:\n {2}name: g3\nmetadata:/,
          'metadata:\n  name: g3\n  labels: {team: b}\nx:',
        ),
      ],
    ]);
    const result = plan(rawFiles, { tree, managedTexts });
    expect(result.objects.map((object) => [object.managedPath, object.outcome])).toEqual([
      ['managed/switchgroups/g1.yaml', 'unchanged'],
      ['managed/switchgroups/g2.yaml', 'updated'],
    ]);
    expect(result.conflicts).toEqual([
      expect.objectContaining({ managedPath: 'managed/switchgroups/g3.yaml', name: 'g3', documentIndex: 2 }),
    ]);
    const files = added(result);
    expect(files.has('managed/switchgroups/g1.yaml')).toBe(false);
    expect(files.has('managed/switchgroups/g3.yaml')).toBe(false);
    expect(files.get('managed/switchgroups/g2.yaml')).toBe(renderCanonicalYaml(parseYaml(group('g2'))));
    expect(parseYaml(files.get('unmanaged/a.yaml.reason.yaml')!).documents[0]).toMatchObject({
      reason: 'conflict',
      findings: [expect.objectContaining({ code: 'MANAGED_CONFLICT' })],
    });
  });

  it('a second definition of the same object goes to unmanaged/ as a duplicate, never overwriting the first', () => {
    const result = plan([
      { path: 'raw/a.yaml', text: group('g1') },
      {
        path: 'raw/b.yaml',
        text: group('g1', 'metadata:\n  labels: {x: y}\n').replace(/\nmetadata:\n {2}labels/, '\n  labels'),
      },
    ]);
    expect(result.objects.map((object) => object.sourcePath)).toEqual(['raw/a.yaml']);
    expect(result.unmanaged).toEqual([
      expect.objectContaining({
        sourcePath: 'raw/b.yaml',
        findings: [expect.objectContaining({ code: 'DUPLICATE_OBJECT' })],
      }),
    ]);
  });

  it('does not overwrite an unmanaged file from an earlier run; empty documents are counted', () => {
    const result = plan([{ path: 'raw/cm.yaml', text: `${configMap}---\n# only a comment\n` }], {
      tree: new Map([['unmanaged/cm.yaml', 'x'.repeat(40)]]),
    });
    expect(result.files[0]).toMatchObject({
      unmanagedPath: 'unmanaged/cm-2.yaml',
      reasonPath: 'unmanaged/cm-2.yaml.reason.yaml',
      emptyDocuments: 1,
    });
    expect(result.counters.classification.empty).toBe(1);
  });

  it('appends to the archive log without touching earlier entries', () => {
    const earlier = '# log\n- path: raw/old.yaml\n  objects: []\n';
    const result = plan([{ path: 'raw/a.yaml', text: group('g1') }], { archiveLog: earlier });
    const log = added(result).get('.hnp/archive-log.yaml')!;
    expect(log.startsWith(earlier)).toBe(true);
    expect(parseYaml(log)).toEqual([
      { path: 'raw/old.yaml', objects: [] },
      {
        path: 'raw/a.yaml',
        sourceCommit: 'c'.repeat(40),
        archivedAt: '2026-01-01T00:00:00.000Z',
        operation: 'op-1',
        actor: 'alice',
        objects: ['managed/switchgroups/g1.yaml'],
        unmanaged: null,
        emptyDocuments: 0,
      },
    ]);
    expect(appendArchiveLog(null, [{ a: 1 }])).toMatch(/^# Ingestion archive log/);
  });

  it('never writes outside managed/ even if an object name slipped through validation', () => {
    const rawFiles = [{ path: 'raw/a.yaml', text: group('g1') }];
    const validation = validateManifests({ files: rawFiles });
    validation.objects[0]!.object.metadata.name = '../../../.git/hooks/x';
    const result = planIngestion({
      rawFiles,
      validation,
      tree: new Map(),
      managedTexts: new Map(),
      archiveLog: null,
      sourceCommit: 'c'.repeat(40),
      operationId: 'op',
      actor: 'a',
      at: 'now',
    });
    expect(result.additions.map((file) => file.path).filter((path) => path.includes('..'))).toEqual([]);
    expect(result.unmanaged).toEqual([
      expect.objectContaining({ findings: [expect.objectContaining({ code: 'PATH_REFUSED' })] }),
    ]);
  });

  it('nothing to ingest means no changes', () => {
    expect(plan([]).hasChanges).toBe(false);
  });
});
