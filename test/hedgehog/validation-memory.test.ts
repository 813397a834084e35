/**
 * What validation holds on to (issue 16, item 5: a 50,000-file first pull within 600 MB). Each
 * document keeps its file's text for positions, and a record keeps the object as written only
 * when it differs from the canonical form: the parsed objects of files already in canonical form
 * (every file the gateway wrote) can be collected while the fabric-wide rules still run on the
 * records. Checked with weak references and a forced full collection, the objects as they
 * would be held by a caller that keeps the parsed files until validation returns (the pull).
 */
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectGarbage as collect } from '../support/collect-garbage.ts';
import { stringify } from 'yaml';
import { renderCanonicalYaml, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric, renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { parseManifestFiles, validateParsed, type ValidationResult } from '../../src/hedgehog/validate.ts';

const fabric = generateFabric({ spines: 2, leaves: 4, serversPerLeafPair: 4, vpcs: 2, attachmentsPerConnection: 1 });

describe('validation of files in canonical form', () => {
  it('lets the parsed objects go once their canonical forms are recorded, positions still found', async () => {
    // Files of one object and files of several: both hold only their text afterwards.
    const files = [
      ...fabric.slice(0, 20).map((object, index) => ({ path: `one-${index}.yaml`, text: renderCanonicalYaml(object) })),
      { path: 'many.yaml', text: renderMultiDocument(fabric.slice(20)) },
    ];
    const parsed = parseManifestFiles(files);
    const written = parsed.sources.map((source) => new WeakRef(source.object as object));
    const result = validateParsed(parsed, {});
    expect(result.errors).toEqual([]);
    expect(result.objects).toHaveLength(fabric.length);

    await collect();
    // `parsed` (the caller's) and the results are still referenced here; the objects as written are not.
    const kept = written.filter((reference) => reference.deref() !== undefined).length;
    expect(kept).toBe(0);
    expect(parsed.sources.every((source, index) => source.object === result.objects[index]!.object)).toBe(true);
    // Positions are found again from the text.
    const last = parsed.sources.at(-1)!;
    expect(last.positionOf!(['metadata', 'name']).line).toBeGreaterThan(1);
  });

  it('keeps the object as written when it is not in canonical form (rules point into its lists)', async () => {
    const switchObject = fabric.find((object) => object.kind === 'Switch')!;
    // As a person might write it: groups out of order (the canonical form sorts them), unknown ones.
    const written: HedgehogObject = {
      ...switchObject,
      spec: { ...(switchObject.spec as Record<string, unknown>), groups: ['zz-group', 'aa-group'] },
    };
    const parsed = parseManifestFiles([{ path: 'switch.yaml', text: stringify(written) }]);
    const reference = new WeakRef(parsed.sources[0]!.object as object);
    const result = validateParsed(parsed, { existing: fabric.filter((object) => object !== switchObject) });
    await collect();
    expect(reference.deref()).toBeDefined();
    expect(parsed.sources[0]!.object).not.toBe(result.objects[0]!.object);
    // The finding about the unknown group points at the line it was written on.
    const finding = result.errors.find((error) => error.message.includes('zz-group'));
    expect(finding?.path).toBe('$.spec.groups[0]');
    expect(result.errors.find((error) => error.message.includes('aa-group'))?.path).toBe('$.spec.groups[1]');
  });
});

describe('the results of validation', () => {
  it('hold a small object per input object besides its canonical form', async () => {
    const objects = generateFabric({ spines: 2, leaves: 32, serversPerLeafPair: 96, vpcs: 120 });
    expect(objects.length).toBeGreaterThan(4000);
    let result: ValidationResult | null = validateParsed(
      parseManifestFiles(
        objects.map((object, index) => ({ path: `${index}.yaml`, text: renderCanonicalYaml(object) })),
      ),
      {},
    );
    expect(result.errors).toEqual([]);
    // Read the lazy fields of one result: they are computed and cached on first read.
    const first = result.objects[0]!;
    expect(first.gitBlobOid).toMatch(/^[0-9a-f]{40}$/);
    expect(first.canonicalYaml).toBe(renderCanonicalYaml(objects[0]!));
    const canonical = result.objects.map((object) => object.object);
    await collect();
    const held = v8.getHeapStatistics().used_heap_size;
    result = null;
    await collect();
    const perObject = (held - v8.getHeapStatistics().used_heap_size) / canonical.length;
    // The canonical objects stay (held above): what went is the results' own, 110-170 bytes each
    // here (an object of eight fields and three cached values). With the lazy fields made as
    // getters on each result (closures, accessor pairs, a dictionary) it was about 1,300. Some
    // 4,900 objects, so that what the test runner allocates meanwhile stays small beside them.
    expect(perObject).toBeGreaterThan(0);
    expect(perObject).toBeLessThan(400);
    expect(canonical).toHaveLength(objects.length);
  });
});
