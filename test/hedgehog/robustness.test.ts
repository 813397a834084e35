/** Bad input gets findings, never an exception. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { MANAGED_KINDS } from '../../src/hedgehog/catalog.ts';
import { renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { validateManifests, validateObjects } from '../../src/hedgehog/validate.ts';
import { BASE_FABRIC } from './support.ts';

it('arbitrary text never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      const result = validateManifests({ files: [{ path: 'x.yaml', text }] });
      expect(Array.isArray(result.errors)).toBe(true);
    }),
    { numRuns: 300 },
  );
});

it('arbitrary objects of every managed kind, mixed with a valid fabric, never throw', () => {
  const kinds = MANAGED_KINDS.map((info) => info);
  const randomObject = fc
    .record({
      info: fc.constantFrom(...kinds),
      name: fc.constantFrom(
        'leaf-01',
        'spine-01',
        'vpc-0001',
        'default',
        'eslag-1',
        'server-0001--eslag--leaf-01--leaf-02',
        'x',
      ),
      spec: fc.jsonValue({ maxDepth: 4 }),
    })
    .map(({ info, name, spec }) => ({ apiVersion: info.apiVersion, kind: info.kind, metadata: { name }, spec }));
  fc.assert(
    fc.property(fc.array(randomObject, { maxLength: 4 }), (objects) => {
      const result = validateObjects([...BASE_FABRIC, ...objects]);
      expect(result.objects.length).toBeGreaterThan(0);
    }),
    { numRuns: 200 },
  );
});

it('structurally valid but semantically odd objects never throw', () => {
  // Real shapes with odd values: empty links, self-references, unparsable addresses.
  const text = `${renderMultiDocument(BASE_FABRIC)}---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: odd-1}
spec: {fabric: {links: [{spine: {port: leaf-01/E1/1/1, ip: 300.1.1.1/31}, leaf: {}}]}}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: odd-2}
spec: {eslag: {links: [{server: {}, switch: {}}, {}]}}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: odd}
spec: {subnets: {a: null, b: {subnet: 10.0.0.0/33, dhcp: {enable: true, range: {start: x, end: y}, static: {zz: {ip: q}}}}}, permit: [[]]}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCPeering
metadata: {name: odd}
spec: {permit: [{}]}
---
apiVersion: gateway.githedgehog.com/v1alpha1
kind: GatewayPeering
metadata: {name: odd}
spec: {peering: {ext.nope: null, odd: {expose: [{}, {default: true, nat: {}}]}}}
`;
  const result = validateManifests({ files: [{ path: 'odd.yaml', text }] });
  expect(result.valid).toBe(false);
  expect(new Set(result.errors.map((finding) => finding.name))).toEqual(new Set(['odd-1', 'odd-2', 'odd']));
});

it('any port locators, hydration mode and profile catalog never throw; every finding has a JSON path', () => {
  const leaf = BASE_FABRIC.find((object) => object.kind === 'Switch' && object.metadata.name === 'leaf-01')!;
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.oneof(fc.constantFrom('*', 'E1/1', 'E1/1/1', 'E1/33', 'M1'), fc.string({ maxLength: 8 })),
        fc.oneof(
          fc.constantFrom('', '10m', '-1h', '2999-01-01 00:00:00', '2000-01-01 00:00:00'),
          fc.string({ maxLength: 20 }),
        ),
        { maxKeys: 4 },
      ),
      fc.constantFrom('never' as const, 'if-not-present' as const, 'override' as const),
      fc.boolean(),
      (portLocators, hydrationMode, include) => {
        const changed = { ...leaf, spec: { ...(leaf.spec as Record<string, unknown>), portLocators } };
        const result = validateObjects([changed], {
          existing: BASE_FABRIC,
          fabricConfig: { hydrationMode, includeCLSP: include, includeCumulus: include },
        });
        for (const finding of [...result.errors, ...result.warnings]) expect(finding.path).toMatch(/^\$/);
      },
    ),
    { numRuns: 200 },
  );
});
