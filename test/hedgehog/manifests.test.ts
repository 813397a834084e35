import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/hedgehog/manifests.ts';
import { at, yaml } from './support.ts';

describe('parseManifests', () => {
  const text = yaml`
    # leading comment
    apiVersion: wiring.githedgehog.com/v1beta1
    kind: Connection
    metadata:
      name: c
    spec:
      fabric:
        links:
          - spine: {port: spine-01/E1/1}
            leaf:
              port: leaf-01/E1/2
    ---
    ---
    apiVersion: v1
    kind: ConfigMap
  `;

  it('returns plain objects with their document index (empty documents still count)', () => {
    const { documents, findings } = parseManifests(text, { file: 'f.yaml' });
    expect(findings).toEqual([]);
    expect(documents.map((document) => [document.file, document.index])).toEqual([
      ['f.yaml', 0],
      ['f.yaml', 2],
    ]);
    expect(documents[0]!.object).toMatchObject({
      kind: 'Connection',
      spec: { fabric: { links: [{ spine: { port: 'spine-01/E1/1' } }] } },
    });
  });

  it('positions scalars at their value, collections at their key, missing fields at the nearest parent', () => {
    const [document] = parseManifests(text).documents;
    expect(document!.positionOf(['spec', 'fabric', 'links', 0, 'leaf', 'port'])).toEqual(at(text, 'leaf-01/E1/2'));
    expect(document!.positionOf(['spec', 'fabric', 'links', 0, 'spine', 'port'])).toEqual(at(text, 'spine-01/E1/1'));
    expect(document!.positionOf(['spec', 'fabric'])).toEqual(at(text, 'fabric:'));
    expect(document!.positionOf(['spec', 'fabric', 'links', 0, 'leaf', 'ip'])).toEqual(at(text, 'leaf:'));
    expect(document!.positionOf(['spec', 'fabric', 'links', 7])).toEqual(at(text, 'links:'));
    expect(document!.positionOf([])).toEqual(at(text, 'apiVersion'));
  });

  it('turns malformed YAML into a finding with line and column, never a throw', () => {
    const broken = 'apiVersion: v1\nkind: [unclosed\n---\nfine: yes\n';
    const { documents, findings } = parseManifests(broken, { file: 'bad.yaml' });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toMatchObject({
      severity: 'error',
      code: 'YAML_SYNTAX',
      file: 'bad.yaml',
      documentIndex: 0,
      path: '$',
    });
    expect(findings[0]!.line).toBeGreaterThanOrEqual(2);
    expect(findings[0]!.column).toBeGreaterThanOrEqual(1);
    // the well-formed document after it is still read
    expect(documents.map((document) => document.object)).toEqual([{ fine: 'yes' }]);
  });

  it('reports duplicate keys as syntax errors at the key', () => {
    const { findings } = parseManifests('a: 1\na: 2\n');
    expect(findings).toMatchObject([{ code: 'YAML_SYNTAX', line: 2, column: 1 }]);
  });

  it('refuses alias bombs (billion laughs) instead of expanding them', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const { documents, findings } = parseManifests(levels.join('\n'));
    expect(documents).toEqual([]);
    expect(findings).toMatchObject([{ code: 'YAML_LIMIT', line: 1, column: 1 }]);
  });

  it('refuses absurd nesting and oversized texts', () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    expect(parseManifests(deep).findings).toMatchObject([{ code: 'YAML_LIMIT' }]);
    expect(parseManifests(deep, { maxDepth: 200 }).findings).toEqual([]);
    expect(parseManifests('a: 1\n', { maxBytes: 3 }).findings).toMatchObject([
      { code: 'YAML_LIMIT', line: 1, column: 1 },
    ]);
  });

  it('accepts empty input', () => {
    expect(parseManifests('')).toEqual({ documents: [], findings: [] });
    expect(parseManifests('# only a comment\n')).toEqual({ documents: [], findings: [] });
  });
});
