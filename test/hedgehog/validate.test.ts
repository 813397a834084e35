import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gitBlobOid, sha256Hex } from '../../src/hedgehog/canonical.ts';
import { renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { validateManifests, validateObjects } from '../../src/hedgehog/validate.ts';
import { BASE_FABRIC, at, yaml } from './support.ts';

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
    expect(result.objects.map((object) => [object.name, object.valid, object.documentIndex, object.file])).toEqual([
      ['fine', true, 0, 'groups.yaml'],
      ['Not_Fine', false, 1, 'groups.yaml'],
    ]);
    const [fine] = result.objects;
    expect(fine!.canonicalYaml).toBe(
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: fine\n  namespace: default\n',
    );
    expect(fine!.sha256).toBe(sha256Hex(fine!.canonicalYaml));
    expect(fine!.gitBlobOid).toBe(gitBlobOid(fine!.canonicalYaml));
    expect(result.errors).toMatchObject([
      {
        code: 'NAME_INVALID',
        file: 'groups.yaml',
        documentIndex: 1,
        ...at(text, 'Not_Fine'),
        kind: 'SwitchGroup',
        name: 'Not_Fine',
      },
    ]);
  });

  it('reports a ConfigMap as a finding, not a throw, and leaves it out of the objects', () => {
    const result = validateManifests({
      files: [{ path: 'cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {}\n' }],
    });
    expect(result).toMatchObject({
      valid: true,
      errors: [],
      objects: [],
      warnings: [{ code: 'NOT_HEDGEHOG_OBJECT', kind: 'ConfigMap', name: 'c', line: 2, column: 7 }],
    });
  });

  it('checks input together with existing objects; an input object replaces the existing one of the same name', () => {
    // Giving leaf-01 a spine-only profile without ESLAG makes its own ESLAG setting invalid.
    const leaf = BASE_FABRIC.find((object) => object.metadata.name === 'leaf-01')!;
    const changed = { ...leaf, spec: { ...(leaf.spec as object), profile: 'celestica-ds4000' } };
    const result = validateManifests({
      files: [{ path: 'leaf.yaml', text: renderMultiDocument([changed]) }],
      existing: BASE_FABRIC,
    });
    expect(result.errors.filter((finding) => finding.name === 'leaf-01').map((finding) => finding.code)).toContain(
      'SWITCH_PROFILE_FEATURE',
    );
    expect(result.objects.map((object) => object.name)).toEqual(['leaf-01']);
  });

  it('reports existing objects the change breaks, without positions, and nothing they already had', () => {
    // leaf-01 without breakouts: E1/1 falls back to 1x100G, so of its server sub-ports E1/1/1..E1/1/4
    // only E1/1/1 (the alias of E1/1) remains.
    const leaf = BASE_FABRIC.find((object) => object.metadata.name === 'leaf-01')!;
    const { portBreakouts: _dropped, ...spec } = leaf.spec as { portBreakouts: unknown };
    const result = validateManifests({
      files: [{ path: 'leaf.yaml', text: renderMultiDocument([{ ...leaf, spec }]) }],
      existing: BASE_FABRIC,
    });
    expect(result.valid).toBe(false);
    expect(
      result.errors.map((finding) => [
        finding.code,
        finding.kind,
        finding.name,
        finding.path,
        finding.file,
        finding.line,
      ]),
    ).toEqual([
      [
        'PORT_NOT_ALLOWED',
        'Connection',
        'server-0002--eslag--leaf-01--leaf-02',
        '$.spec.eslag.links[0].switch.port',
        undefined,
        undefined,
      ],
      [
        'PORT_NOT_ALLOWED',
        'Connection',
        'server-0003--bundled--leaf-01',
        '$.spec.bundled.links[0].switch.port',
        undefined,
        undefined,
      ],
      [
        'PORT_NOT_ALLOWED',
        'Connection',
        'server-0003--bundled--leaf-01',
        '$.spec.bundled.links[1].switch.port',
        undefined,
        undefined,
      ],
    ]);
    expect(result.errors[0]!.message).toContain('after this change');

    // A VPC that drops a subnet breaks the attachments to it.
    const vpc = BASE_FABRIC.find((object) => object.kind === 'VPC' && object.metadata.name === 'vpc-0001')!;
    const subnets = (vpc.spec as { subnets: Record<string, unknown> }).subnets;
    const shrunk = { ...vpc, spec: { ...(vpc.spec as object), subnets: { 'subnet-2': subnets['subnet-2'] } } };
    const attachments = validateManifests({
      files: [{ path: 'vpc.yaml', text: renderMultiDocument([shrunk]) }],
      existing: BASE_FABRIC,
    });
    expect(attachments.errors.map((finding) => [finding.code, finding.kind, finding.name])).toEqual([
      ['REFERENCE_NOT_FOUND', 'ExternalPeering', 'vpc-0001--uplink'],
      ['REFERENCE_NOT_FOUND', 'VPCAttachment', 'server-0001--eslag--leaf-01--leaf-02--vpc-0001--subnet-1'],
    ]);
    expect(attachments.errors.every((finding) => finding.message.includes('has no subnet subnet-1'))).toBe(true);

    // Unchanged input: nothing new to report.
    expect(
      validateManifests({ files: [{ path: 'vpc.yaml', text: renderMultiDocument([vpc]) }], existing: BASE_FABRIC })
        .errors,
    ).toEqual([]);
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
    fc.assert(
      fc.property(fc.shuffledSubarray(documents, { minLength: documents.length }), (shuffled) => {
        const result = validateManifests({ files: [{ path: 'f.yaml', text: shuffled.join('---\n') }] });
        // Which of the two connections is "first" depends on order; that one port is reported once does not.
        expect(
          result.errors.map((finding) => [finding.code, finding.message.replace(/by other connection \S+/, '…')]),
        ).toEqual([['PORT_IN_USE', 'port leaf-01/E1/1/1 is already used …']]);
        expect(result.objects.length).toBe(BASE_FABRIC.length + 1);
      }),
      { numRuns: 15 },
    );
  });

  it('reports findings from several files, each with its own file and positions, sorted by file and line', () => {
    const a = 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: A\n';
    const b = 'x: [\n';
    const result = validateManifests({
      files: [
        { path: 'b.yaml', text: b },
        { path: 'a.yaml', text: a },
      ],
    });
    expect(result.errors.map((finding) => [finding.file, finding.code, finding.line])).toEqual([
      ['a.yaml', 'NAME_INVALID', 4],
      ['b.yaml', 'YAML_SYNTAX', 2],
    ]);
  });
});

describe('validateObjects', () => {
  it('validates already-parsed objects (no positions) and reports non-objects as findings', () => {
    const result = validateObjects(
      [
        { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'SwitchGroup', metadata: { name: 'g' } },
        'not an object',
        {
          apiVersion: 'wiring.githedgehog.com/v1beta1',
          kind: 'Switch',
          metadata: { name: 'sw' },
          spec: { role: 'spine', profile: 'nope' },
        },
      ],
      { fabricConfig: { requireHydration: false } },
    );
    expect(result.errors.map((finding) => [finding.code, finding.path, finding.line])).toEqual([
      ['NOT_AN_OBJECT', '$', undefined],
      // a switch uses VLANNamespace "default" unless it says otherwise, and there is none here
      ['REFERENCE_NOT_FOUND', '$.spec', undefined],
      ['SWITCH_PROFILE_UNKNOWN', '$.spec.profile', undefined],
    ]);
    expect(result.objects.map((object) => [object.kind, object.name, object.valid])).toEqual([
      ['SwitchGroup', 'g', true],
      ['Switch', 'sw', false],
    ]);
  });

  it('keeps positions when given source objects', () => {
    const result = validateObjects([
      {
        object: { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'SwitchGroup', metadata: { name: 'G' } },
        file: 'x.yaml',
        documentIndex: 4,
        positionOf: () => ({ line: 9, column: 3 }),
      },
    ]);
    expect(result.errors).toMatchObject([
      { code: 'NAME_INVALID', file: 'x.yaml', documentIndex: 4, line: 9, column: 3 },
    ]);
  });
});
