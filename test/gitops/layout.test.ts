import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MANAGED_KINDS } from '../../src/hedgehog/catalog.ts';
import { gitBlobOid } from '../../src/hedgehog/canonical.ts';
import {
  LAYOUT_FOLDERS,
  MANIFEST_PATH,
  directoryLayout,
  managedFilesToRead,
  planDirectoryInit,
  validateDirectory,
  type DirectoryEntry,
} from '../../src/gitops/layout.ts';

const identity = { fabricName: 'fab-1', gatewayVersion: '9.9.9' };
const entry = (path: string, contents = ''): DirectoryEntry => ({
  path,
  oid: gitBlobOid(contents),
  size: contents.length,
  mode: '100644',
});
const initialised = () => directoryLayout(identity).map((file) => entry(file.path, file.contents));
const textsOf = (files: { path: string; contents: string }[]) =>
  new Map(files.map((file) => [file.path, file.contents]));

describe('directory layout', () => {
  it('has README, manifest, raw/, unmanaged/ and one folder per managed kind', () => {
    const paths = directoryLayout(identity).map((file) => file.path);
    expect(paths).toEqual([
      'README.md',
      '.hnp/manifest.yaml',
      'raw/.gitkeep',
      'unmanaged/.gitkeep',
      ...MANAGED_KINDS.map((info) => `managed/${info.directory}/.gitkeep`),
    ]);
    expect(parseYaml(directoryLayout(identity)[1]!.contents)).toMatchObject({
      layoutVersion: 1,
      fabric: 'fab-1',
      gatewayVersion: '9.9.9',
    });
    expect(directoryLayout(identity)[0]!.contents).toContain('raw/');
  });

  it('planDirectoryInit: everything for an empty directory, nothing for a complete one', () => {
    expect(planDirectoryInit([], identity)).toHaveLength(2 + LAYOUT_FOLDERS.length);
    expect(planDirectoryInit(initialised(), identity)).toEqual([]);
  });

  it('planDirectoryInit adds only what is missing, never replaces, and needs no .gitkeep in a folder that has files', () => {
    const existing = [
      entry('README.md', 'my own readme'),
      entry('managed/switchs/leaf-01.yaml', 'x'),
      entry('raw/drop.yaml', 'y'),
    ];
    const plan = planDirectoryInit(existing, identity).map((file) => file.path);
    expect(plan).not.toContain('README.md');
    expect(plan).not.toContain('managed/switchs/.gitkeep');
    expect(plan).not.toContain('raw/.gitkeep');
    expect(plan).toContain(MANIFEST_PATH);
    expect(plan).toContain('unmanaged/.gitkeep');
    expect(plan).toHaveLength(1 + LAYOUT_FOLDERS.length - 2);
  });
});

describe('validateDirectory', () => {
  it('an empty directory is not initialised; a fresh layout is valid', () => {
    expect(validateDirectory([], new Map()).status).toBe('not_initialized');
    expect(validateDirectory(initialised(), textsOf(directoryLayout(identity)))).toEqual({
      status: 'initialized',
      findings: [],
    });
  });

  it('reports missing folders and a missing manifest', () => {
    const entries = initialised().filter((file) => file.path !== 'raw/.gitkeep' && file.path !== MANIFEST_PATH);
    const report = validateDirectory(entries, textsOf(directoryLayout(identity)));
    expect(report.status).toBe('invalid_structure');
    expect(report.findings.map((finding) => [finding.code, finding.path])).toEqual([
      ['MANIFEST_MISSING', '.hnp/manifest.yaml'],
      ['FOLDER_MISSING', 'raw/'],
    ]);
  });

  it('reports an unknown layout version', () => {
    const files = directoryLayout(identity).map((file) =>
      file.path === MANIFEST_PATH ? { ...file, contents: 'layoutVersion: 7\n' } : file,
    );
    expect(
      validateDirectory(
        files.map((file) => entry(file.path, file.contents)),
        textsOf(files),
      ).findings,
    ).toEqual([expect.objectContaining({ code: 'MANIFEST_INVALID', message: expect.stringContaining('7') })]);
  });

  it('reports unknown files, files in the wrong kind folder, names that do not match, and unreadable files', () => {
    const sw = (name: string, namespace?: string) =>
      `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}spec: {}\n`;
    const extra = [
      { path: 'managed/notes.txt', contents: 'hello' },
      { path: 'managed/widgets/a.yaml', contents: sw('a') },
      { path: 'managed/switchs/readme.md', contents: '#' },
      { path: 'managed/connections/leaf-01.yaml', contents: sw('leaf-01') },
      { path: 'managed/switchs/leaf-02.yaml', contents: sw('leaf-03') },
      { path: 'managed/switchs/leaf-04.yaml', contents: sw('leaf-04', 'lab') },
      { path: 'managed/switchs/lab-leaf-05.yaml', contents: sw('leaf-05', 'lab') },
      { path: 'managed/switchs/two.yaml', contents: `${sw('two')}---\n${sw('two')}` },
      { path: 'managed/switchs/broken.yaml', contents: 'kind: [' },
      { path: 'managed/switchs/leaf-06.yaml', contents: sw('leaf-06') },
    ];
    const files = [...directoryLayout(identity), ...extra];
    const entries = files.map((file) => entry(file.path, file.contents));
    expect(managedFilesToRead(entries).map((file) => file.path)).not.toContain('managed/widgets/a.yaml');
    const report = validateDirectory(entries, textsOf(files));
    expect(report.findings.map((finding) => `${finding.code} ${finding.path}`)).toEqual([
      'WRONG_KIND_FOLDER managed/connections/leaf-01.yaml',
      'UNKNOWN_FILE managed/notes.txt',
      'UNREADABLE_FILE managed/switchs/broken.yaml',
      'NAME_MISMATCH managed/switchs/leaf-02.yaml',
      'NAME_MISMATCH managed/switchs/leaf-04.yaml',
      'UNKNOWN_FILE managed/switchs/readme.md',
      'UNREADABLE_FILE managed/switchs/two.yaml',
      'UNKNOWN_FILE managed/widgets/a.yaml',
    ]);
    expect(report.findings.find((finding) => finding.path === 'managed/switchs/leaf-04.yaml')!.message).toContain(
      'managed/switchs/lab-leaf-04.yaml',
    );
  });
});
