/**
 * What an ingestion's plan holds on to (issue 16, item 5: a 50,000-object ingestion within
 * 600 MB). The service commits the plan's files, drops their contents, and writes the rows from
 * the plan's objects: those must not keep validation's results alive, each of which holds its
 * canonical YAML once read (about 25 MB of text at 50,000 objects, besides the commit's own copy).
 * Checked with weak references and a forced full collection, as the service holds them: the plan
 * kept, the validation result and the raw texts dropped.
 */
import { describe, expect, it } from 'vitest';
import { collectGarbage as collect } from '../support/collect-garbage.ts';
import { planIngestion, type IngestionPlan } from '../../src/gitops/ingestion-plan.ts';
import { generateFabric, renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { validateManifests } from '../../src/hedgehog/validate.ts';

const fabric = generateFabric({ spines: 2, leaves: 4, serversPerLeafPair: 8, vpcs: 4, attachmentsPerConnection: 2 });

/** Validated and planned as the service does, in a function whose frame ends. */
function planned(): { plan: IngestionPlan; validated: WeakRef<object>[] } {
  const rawFiles = [
    { path: 'raw/a.yaml', text: renderMultiDocument(fabric.slice(0, 60)) },
    { path: 'raw/b.yaml', text: renderMultiDocument(fabric.slice(60)) },
  ];
  const validation = validateManifests({ files: rawFiles });
  expect(validation.errors).toEqual([]);
  const plan = planIngestion({
    rawFiles,
    validation,
    tree: new Map(),
    managedTexts: new Map(),
    archiveLog: null,
    sourceCommit: 'c0ffee',
    operationId: 'op',
    actor: 'tester',
    at: '2026-01-01T00:00:00.000Z',
  });
  return { plan, validated: validation.objects.map((object) => new WeakRef(object)) };
}

describe("an ingestion plan's objects", () => {
  it('do not keep the validation results (and their canonical YAML) once the files are committed', async () => {
    const { plan, validated } = planned();
    expect(plan.objects).toHaveLength(fabric.length);
    const byPath = new Map(plan.additions.map((file) => [file.path, file.contents]));
    // What the rows are written from is all there: identity, canonical object, the file's hashes.
    for (const { object, managedPath } of plan.objects) {
      expect(object.gitBlobOid).toMatch(/^[0-9a-f]{40}$/);
      expect(object.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(byPath.get(managedPath)).toContain(`name: ${object.name}\n`);
      expect(object.object.kind).toBe(object.kind);
    }
    // The service drops the files' contents once committed (gitops.service.ts).
    plan.additions = [];

    await collect();
    const kept = validated.filter((reference) => reference.deref() !== undefined).length;
    expect(kept).toBe(0);
    expect(plan.objects[0]!.object.object.metadata.name).toBe(fabric[0]!.metadata.name);
  });
});
