import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { appTestWith } from '../support/app-fixture.ts';
import { rowCounts } from '../support/database.ts';
import { vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTestWith({
  env: {
    MUTATIONS_PER_MINUTE: '1000',
    HEAD_CHECK: 'false',
    MAX_YAML_DOCUMENTS: '60000',
    VALIDATION_MAX_FINDINGS: '10',
  },
});

const VALIDATE =
  'query($y: String!) { validateManifests(yaml: $y) { valid errorCount warningCount findingsTruncated errors { code } objects { name } } }';

/** `count` valid VLANNamespaces, one document each. */
function manyObjects(count: number): string {
  return Array.from({ length: count }, (_, index) => vlanNamespaceYaml(`ns-${index}`)).join('---\n');
}

const tableCounts = (t: TestApp) => rowCounts(t.database.url);

describe('validateManifests is bounded', () => {
  it('answers /healthz while a large validation runs on a worker thread', async ({ t }) => {
    const viewer = await t.createToken({ role: 'viewer' });
    const before = t.app.dependencies.validator.stats().completedOnWorkers;
    let settled = false;
    const validation = t
      .graphql(VALIDATE, { y: manyObjects(5_000) }, { authorization: `Bearer ${viewer}` })
      .finally(() => {
        settled = true;
      });
    // Wait until the work has reached a worker thread, then ask the event loop for something else.
    await expect
      .poll(() => t.app.dependencies.validator.stats().runningOnWorkers, { timeout: 20_000, interval: 5 })
      .toBe(1);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(settled).toBe(false);
    const result = await validation;
    expect(result.errors).toBeUndefined();
    expect(result.data?.validateManifests.valid).toBe(true);
    expect(result.data?.validateManifests.objects).toHaveLength(5_000);
    expect(t.app.dependencies.validator.stats().completedOnWorkers).toBe(before + 1);
  });

  it('gives the same answer on a worker thread as on the event loop', async ({ t }) => {
    const duplicate = `${manyObjects(3_000)}---\n${vlanNamespaceYaml('ns-7')}`;
    const small = `${vlanNamespaceYaml('a')}---\n${vlanNamespaceYaml('a')}`;
    const large = (await t.graphqlOk(VALIDATE, { y: duplicate })).validateManifests;
    const inline = (await t.graphqlOk(VALIDATE, { y: small })).validateManifests;
    expect(large.valid).toBe(false);
    expect(inline.valid).toBe(false);
    expect(large.errors.map((e: { code: string }) => e.code)).toEqual(
      inline.errors.map((e: { code: string }) => e.code),
    );
  });

  it('refuses more documents than MAX_YAML_DOCUMENTS before parsing, changing nothing', async ({ t }) => {
    const before = await tableCounts(t);
    const tiny = Array.from({ length: 60_001 }, () => 'a: 1\n').join('---\n');
    const result = await t.graphql(VALIDATE, { y: tiny });
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/more than 60000 documents/);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('lists at most VALIDATION_MAX_FINDINGS findings and says how many there were', async ({ t }) => {
    const result = (await t.graphqlOk(VALIDATE, { y: Array.from({ length: 500 }, () => 'a: 1\n').join('---\n') }))
      .validateManifests;
    expect(result.errorCount).toBe(500);
    expect(result.errors).toHaveLength(10);
    expect(result.findingsTruncated).toBe(true);
  });
});

describe('a validation that runs too long', () => {
  let slow: TestApp;
  beforeAll(async () => {
    slow = await startTestApp({ env: { HEAD_CHECK: 'false', VALIDATION_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it('is stopped with a clear error, and the next one is served', async () => {
    const result = await slow.graphql(VALIDATE, { y: manyObjects(20_000) });
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/longer than 1000 ms/);
    const next = await slow.graphql(VALIDATE, { y: vlanNamespaceYaml('after') });
    expect(next.errors).toBeUndefined();
    expect(next.data?.validateManifests.valid).toBe(true);
  });
});
