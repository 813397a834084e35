import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTest;

const SAMPLES = new URL('../../../shared/hedgehog-samples/', import.meta.url);
/** The samples live beside the checkout, not in it: their tests are skipped, saying so, without them. */
const PRESENT = existsSync(SAMPLES);
const needsSamples = PRESENT ? '' : ` (skipped: ${fileURLToPath(SAMPLES)} is absent)`;
const VALIDATE = `query($yaml: String!, $fabricId: ID) { validateManifests(yaml: $yaml, fabricId: $fabricId) {
  valid errors { severity code message line column path kind name documentIndex } warnings { code }
  objects { kind name valid canonicalYaml sha256 gitBlobOid } } }`;

const leafYaml = (name: string) => `apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: ${name}
spec:
  role: server-leaf
  profile: celestica-ds3000
  vlanNamespaces: [tenant-vlans]
`;

describe('validateManifests', () => {
  it.skipIf(!PRESENT)(
    `reports every finding of a real sample with its position, and changes nothing${needsSamples}`,
    async ({ t }) => {
      const yaml = await readFile(new URL('09-docs-build-wiring-sample-spine-leaf.yaml', SAMPLES), 'utf8');
      const before = await queryDatabase<{ n: string }>(t.database.url, 'select count(*) as n from resource');
      const data = await t.graphqlOk(VALIDATE, { yaml });
      const result = data.validateManifests;
      expect(result.valid).toBe(false);
      // The docs sample's Gateway sits in namespace `fab`, which the fabric refuses.
      const namespaceError = result.errors.find(
        (error: any) => error.kind === 'Gateway' && error.path === '$.metadata.namespace',
      );
      expect(namespaceError).toMatchObject({ severity: 'ERROR' });
      expect(namespaceError.line).toBeGreaterThan(1);
      expect(namespaceError.column).toBeGreaterThanOrEqual(1);
      expect(result.objects.filter((object: any) => object.kind === 'Switch')).toHaveLength(6);
      expect(result.objects[0].canonicalYaml).toMatch(/^apiVersion: /);
      expect(result.objects[0].gitBlobOid).toMatch(/^[0-9a-f]{40}$/);
      const after = await queryDatabase<{ n: string }>(t.database.url, 'select count(*) as n from resource');
      expect(after).toEqual(before);
    },
  );

  it.skipIf(!PRESENT)(`refuses the legacy v1alpha2 sample, naming what replaced it${needsSamples}`, async ({ t }) => {
    const yaml = await readFile(new URL('08-fabric-v0.20.0-collapsedcore-vlab-v1alpha2.yaml', SAMPLES), 'utf8');
    const result = (await t.graphqlOk(VALIDATE, { yaml })).validateManifests;
    expect(result.valid).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.every((error: any) => typeof error.line === 'number')).toBe(true);
    expect(result.errors[0].message).toMatch(/v1beta1|replaced|removed/i);
  });

  it('checks input together with the fabric (Git state with drafts applied) when given a fabricId', async ({ t }) => {
    const fabric = await createFabric(t);
    const alone = (await t.graphqlOk(VALIDATE, { yaml: leafYaml('leaf-01') })).validateManifests;
    expect(alone.errors.map((error: any) => error.code)).toContain('REFERENCE_NOT_FOUND');
    await createDraft(t, fabric.id, vlanNamespaceYaml('tenant-vlans'));
    const together = (await t.graphqlOk(VALIDATE, { yaml: leafYaml('leaf-01'), fabricId: fabric.id }))
      .validateManifests;
    expect(together.errors).toEqual([]);
    expect(together.valid).toBe(true);
  });
});

describe('drafts are validated before they are stored', () => {
  it('refuses an invalid Hedgehog object with codes and positions, and stores nothing', async ({ t }) => {
    const fabric = await createFabric(t);
    const result = await t.graphql(
      `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
      {
        f: fabric.id,
        y: `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: Bad_Name\nspec:\n  role: server-leaf\n`,
      },
    );
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('INVALID_INPUT');
    const problems = error?.extensions?.problems as { code: string; path: string; line: number; column: number }[];
    expect(problems.map((problem) => [problem.code, problem.path])).toEqual(
      expect.arrayContaining([
        ['NAME_INVALID', '$.metadata.name'],
        ['SCHEMA_REQUIRED', '$.spec.profile'],
      ]),
    );
    expect(problems.find((problem) => problem.code === 'NAME_INVALID')).toMatchObject({ line: 4, column: 9 });
    // Strict decoding, as hhfab does: an unknown field is refused with its position.
    const unknown = await t.graphql(
      `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
      {
        f: fabric.id,
        y: `${vlanNamespaceYaml('strict')}  unknownField: 1\n`,
      },
    );
    expect(unknown.errors?.[0]?.extensions?.problems?.[0]).toMatchObject({
      code: 'SCHEMA_UNKNOWN_FIELD',
      path: '$.spec.unknownField',
      line: 9,
    });
    const rows = await queryDatabase(t.database.url, 'select id from resource where fabric_id = $1', [fabric.id]);
    expect(rows).toEqual([]);
  });

  it('refuses a document that is not a Hedgehog object, and a removed API', async ({ t }) => {
    const fabric = await createFabric(t);
    for (const yaml of [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {}\n',
      'apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Switch\nmetadata:\n  name: old\nspec: {}\n',
    ]) {
      const result = await t.graphql(
        `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
        { f: fabric.id, y: yaml },
      );
      expect(result.errors?.[0]?.extensions?.code, yaml).toBe('INVALID_INPUT');
    }
  });

  it('stores the canonical form (defaults filled, fabric labels dropped)', async ({ t }) => {
    const fabric = await createFabric(t);
    const data = await t.graphqlOk(
      `mutation($f: ID!, $o: JSON!) { createResource(fabricId: $f, manifest: { object: $o }) { namespace draft { labels spec } } }`,
      {
        f: fabric.id,
        o: {
          apiVersion: 'wiring.githedgehog.com/v1beta1',
          kind: 'VLANNamespace',
          metadata: { name: 'canonical', labels: { 'fabric.githedgehog.com/owned': 'x', team: 'net' } },
          spec: { ranges: [{ from: 2100, to: 2199 }] },
        },
      },
    );
    expect(data.createResource).toEqual({
      namespace: 'default',
      draft: { labels: { team: 'net' }, spec: { ranges: [{ from: 2100, to: 2199 }] } },
    });
  });
});
