import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gitBlobOid, sha256Hex } from '../../src/hedgehog/canonical.ts';
import { renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { validateManifests, validateObjects } from '../../src/hedgehog/validate.ts';
import { BASE_FABRIC, at, yaml } from './helpers.ts';

describe('validateManifests', () => {
  it('returns every input object with canonical YAML, its SHA-256 and git blob id, and per-object validity', () => {
    const text = yaml`
      apiVersion: wiring.githedgehog.com/v1beta1
      kind: SwitchGroup
      metadata:
        name: fine
      ---
      apiVersion: wiring.githedgehog.com/v1beta1
      kind: SwitchGroup
      metadata:
        name: Not_Fine
    `;
    const result = validateManifests({ files: [{ path: 'groups.yaml', text }] });
    expect(result.valid).toBe(false);
    expect(result.objects.map((object) => [object.name, object.valid, object.documentIndex, object.file])).toEqual([['fine', true, 0, 'groups.yaml'], ['Not_Fine', false, 1, 'groups.yaml']]);
    const [fine] = result.objects;
    expect(fine!.canonicalYaml).toBe('apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: fine\n  namespace: default\n');
    expect(fine!.sha256).toBe(sha256Hex(fine!.canonicalYaml));
    expect(fine!.gitBlobOid).toBe(gitBlobOid(fine!.canonicalYaml));
    expect(result.errors).toMatchObject([{ code: 'NAME_INVALID', file: 'groups.yaml', documentIndex: 1, ...at(text, 'Not_Fine'), kind: 'SwitchGroup', name: 'Not_Fine' }]);
  });

  it('reports a ConfigMap as a finding, not a throw, and leaves it out of the objects', () => {
    const result = validateManifests({ files: [{ path: 'cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {}\n' }] });
    expect(result).toMatchObject({ valid: true, errors: [], objects: [], warnings: [{ code: 'NOT_HEDGEHOG_OBJECT', kind: 'ConfigMap', name: 'c', line: 2, column: 7 }] });
  });

  it('checks input together with existing objects; an input object replaces the existing one of the same name', () => {
    // Changing leaf-01's profile to a spine-only profile without ESLAG makes its ESLAG setting invalid.
    const leaf = BASE_FABRIC.find((object) => object.metadata.name === 'leaf-01')!;
    const changed = { ...leaf, spec: { ...(leaf.spec as object), profile: 'celestica-ds4000' } };
    const result = validateManifests({ files: [{ path: 'leaf.yaml', text: renderMultiDocument([changed]) }], existing: BASE_FABRIC });
    const codes = new Set(result.errors.map((finding) => finding.code));
    expect(codes.has('SWITCH_PROFILE_FEATURE')).toBe(true);
    // Connections on leaf-01 now name ports the new profile lacks, but they are existing objects:
    // their findings are the fabric's, not the input's, so only the input's findings are listed.
    expect(result.errors.every((finding) => finding.name === 'leaf-01')).toBe(true);
    expect(result.objects.map((object) => object.name)).toEqual(['leaf-01']);
  });

  it('is order-independent: shuffled documents and files give the same findings', () => {
    const text = renderMultiDocument(BASE_FABRIC);
    const broken = `${text}---\n${yaml`
      apiVersion: wiring.githedgehog.com/v1beta1
      kind: Connection
      metadata:
        name: dup-port
      spec:
        unbundled:
          link:
            server: {port: server-0001/eth9}
            switch: {port: leaf-01/E1/1/1}
    `}`;
    const baseline = validateManifests({ files: [{ path: 'f.yaml', text: broken }] });
    expect(baseline.errors.map((finding) => finding.code)).toEqual(['PORT_IN_USE']);
    const documents = broken.split(/^---\n/m);
    fc.assert(fc.property(fc.shuffledSubarray(documents, { minLength: documents.length }), (shuffled) => {
      const result = validateManifests({ files: [{ path: 'f.yaml', text: shuffled.join('---\n') }] });
      // Which of the two connections is "first" depends on order; that one port is reported once does not.
      expect(result.errors.map((finding) => [finding.code, finding.message.replace(/by other connection \S+/, '…')])).toEqual([['PORT_IN_USE', 'port leaf-01/E1/1/1 is already used …']]);
      expect(result.objects.length).toBe(BASE_FABRIC.length + 1);
    }), { numRuns: 15 });
  });

  it('reports findings from several files, each with its own file and positions, sorted by file and line', () => {
    const a = 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: A\n';
    const b = 'x: [\n';
    const result = validateManifests({ files: [{ path: 'b.yaml', text: b }, { path: 'a.yaml', text: a }] });
    expect(result.errors.map((finding) => [finding.file, finding.code, finding.line])).toEqual([['a.yaml', 'NAME_INVALID', 4], ['b.yaml', 'YAML_SYNTAX', 2]]);
  });
});

describe('validateObjects', () => {
  it('validates already-parsed objects (no positions) and reports non-objects as findings', () => {
    const result = validateObjects([
      { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'SwitchGroup', metadata: { name: 'g' } },
      'not an object',
      { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Switch', metadata: { name: 'sw' }, spec: { role: 'spine', profile: 'nope' } },
    ], { fabricConfig: { requireHydration: false } });
    expect(result.errors.map((finding) => [finding.code, finding.path, finding.line])).toEqual([
      ['NOT_AN_OBJECT', '$', undefined],
      // a switch uses VLANNamespace "default" unless it says otherwise, and there is none here
      ['REFERENCE_NOT_FOUND', '$.spec', undefined],
      ['SWITCH_PROFILE_UNKNOWN', '$.spec.profile', undefined],
    ]);
    expect(result.objects.map((object) => [object.kind, object.name, object.valid])).toEqual([['SwitchGroup', 'g', true], ['Switch', 'sw', false]]);
  });

  it('keeps positions when given source objects', () => {
    const result = validateObjects([{ object: { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'SwitchGroup', metadata: { name: 'G' } }, file: 'x.yaml', documentIndex: 4, positionOf: () => ({ line: 9, column: 3 }) }]);
    expect(result.errors).toMatchObject([{ code: 'NAME_INVALID', file: 'x.yaml', documentIndex: 4, line: 9, column: 3 }]);
  });
});
