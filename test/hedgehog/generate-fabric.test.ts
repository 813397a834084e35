import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFabric, renderMultiDocument, splitIntoFiles } from '../../src/hedgehog/generate-fabric.ts';
import { validateManifests } from '../../src/hedgehog/validate.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('generateFabric', () => {
  for (const options of [
    { spines: 1, leaves: 1 },
    { spines: 2, leaves: 3, serversPerLeafPair: 4 },
    { spines: 2, leaves: 8, serversPerLeafPair: 16, vpcs: 10, subnetsPerVpc: 3, attachmentsPerConnection: 2 },
    { spines: 4, leaves: 32, serversPerLeafPair: 24, vpcs: 60 },
  ]) {
    it(`validates clean, hydrated: ${JSON.stringify(options)}`, () => {
      const objects = generateFabric(options);
      const result = validateManifests({
        files: [{ path: 'fabric.yaml', text: renderMultiDocument(objects) }],
        fabricConfig: { requireHydration: true },
      });
      expect([...result.errors, ...result.warnings].slice(0, 5)).toEqual([]);
      expect(result.objects).toHaveLength(objects.length);
    });
  }

  it('has the expected shape: ESLAG pairs, eslag/bundled/unbundled servers, /31 fabric links, attachments, peerings, an external', () => {
    const objects = generateFabric({ spines: 2, leaves: 4, serversPerLeafPair: 8, vpcs: 4 });
    const count = (kind: string) => objects.filter((object) => object.kind === kind).length;
    expect({
      Switch: count('Switch'),
      SwitchGroup: count('SwitchGroup'),
      Server: count('Server'),
      VPC: count('VPC'),
      VPCPeering: count('VPCPeering'),
      External: count('External'),
    }).toEqual({ Switch: 6, SwitchGroup: 2, Server: 16, VPC: 4, VPCPeering: 2, External: 1 });
    const types = objects
      .filter((object) => object.kind === 'Connection')
      .map((object) => Object.keys(object.spec as object)[0]);
    expect(
      Object.fromEntries(
        ['fabric', 'eslag', 'bundled', 'unbundled', 'external'].map((type) => [
          type,
          types.filter((t) => t === type).length,
        ]),
      ),
    ).toEqual({ fabric: 8, eslag: 8, bundled: 4, unbundled: 4, external: 1 });
    const fabric = objects.find((object) => object.metadata.name === 'spine-01--fabric--leaf-01')!.spec as {
      fabric: { links: { spine: { ip: string }; leaf: { ip: string } }[] };
    };
    expect(fabric.fabric.links[0]).toMatchObject({ spine: { ip: '172.30.128.0/31' }, leaf: { ip: '172.30.128.1/31' } });
  });

  it('is deterministic', () => {
    expect(renderMultiDocument(generateFabric({ spines: 2, leaves: 4 }))).toBe(
      renderMultiDocument(generateFabric({ spines: 2, leaves: 4 })),
    );
  });

  it('reaches ~10,000 objects', () => {
    const objects = generateFabric({
      spines: 4,
      leaves: 64,
      serversPerLeafPair: 56,
      vpcs: 400,
      attachmentsPerConnection: 3,
    });
    expect(objects.length).toBeGreaterThanOrEqual(9_900);
  });

  it('refuses sizes the chosen switch profiles cannot hold', () => {
    expect(() => generateFabric({ spines: 9, leaves: 4 })).toThrow(RangeError);
    expect(() => generateFabric({ spines: 2, leaves: 129 })).toThrow(RangeError);
    expect(() => generateFabric({ spines: 2, leaves: 2, serversPerLeafPair: 97 })).toThrow(RangeError);
  });

  it('split files validate clean together, and an object order change does not matter', () => {
    const objects = generateFabric({ spines: 2, leaves: 4, serversPerLeafPair: 4 });
    const files = splitIntoFiles(objects, 5);
    expect(files.map((file) => file.path)).toEqual([
      'fabric-1.yaml',
      'fabric-2.yaml',
      'fabric-3.yaml',
      'fabric-4.yaml',
      'fabric-5.yaml',
    ]);
    expect(validateManifests({ files }).errors).toEqual([]);
    expect(validateManifests({ files: [...files].reverse() }).errors).toEqual([]);
  });
});

describe('scripts/generate-fabric.ts (CLI)', () => {
  it('writes one file, or N split files, that validate clean', () => {
    const directory = mkdtempSync(join(tmpdir(), 'hh-generate-'));
    try {
      const tsx = join(ROOT, 'node_modules/.bin/tsx');
      execFileSync(
        tsx,
        ['scripts/generate-fabric.ts', '--spines', '2', '--leaves', '4', '--out', join(directory, 'one.yaml')],
        { cwd: ROOT, stdio: 'pipe' },
      );
      const single = readFileSync(join(directory, 'one.yaml'), 'utf8');
      expect(validateManifests({ files: [{ path: 'one.yaml', text: single }] })).toMatchObject({
        valid: true,
        errors: [],
        warnings: [],
      });

      execFileSync(
        tsx,
        [
          'scripts/generate-fabric.ts',
          '--spines',
          '2',
          '--leaves',
          '4',
          '--split-files',
          '3',
          '--out',
          join(directory, 'split'),
        ],
        { cwd: ROOT, stdio: 'pipe' },
      );
      const names = readdirSync(join(directory, 'split')).sort();
      expect(names).toEqual(['fabric-1.yaml', 'fabric-2.yaml', 'fabric-3.yaml']);
      const files = names.map((name) => ({ path: name, text: readFileSync(join(directory, 'split', name), 'utf8') }));
      expect(validateManifests({ files }).valid).toBe(true);
      expect(files.map((file) => file.text).join('---\n')).toBe(single);

      expect(() =>
        execFileSync(tsx, ['scripts/generate-fabric.ts', '--spines', 'many'], { cwd: ROOT, stdio: 'pipe' }),
      ).toThrow(/--spines must be a non-negative integer/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
