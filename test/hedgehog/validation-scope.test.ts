/**
 * A change validated against the existing objects validation-scope.ts reads gets the same result
 * as against the whole fabric: every object of a generated fabric (with gateways and gateway
 * peerings added), changed in ways that keep it valid, that collide with another object of its
 * kind, that rename it, and that break it. The reader hands back the whole fabric every time, so
 * what the scope keeps is its own choice (the SQL reader is checked in test/sync/pull-scope.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { canonicalize, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import { validateObjects } from '../../src/hedgehog/validate.ts';
import {
  firstQuery,
  MAX_SCOPED_INPUTS,
  mentionsAny,
  namesIn,
  queryMatcher,
  readExistingInScope,
} from '../../src/hedgehog/validation-scope.ts';

const object = (apiVersion: string, kind: string, name: string, spec: unknown): HedgehogObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'default' },
  spec,
});
const GATEWAYS = [
  object('gateway.githedgehog.com/v1alpha1', 'GatewayGroup', 'default', {}),
  object('gateway.githedgehog.com/v1alpha1', 'Gateway', 'gw-1', {
    asn: 65534,
    protocolIP: '172.30.8.250/32',
    vtepIP: '172.30.12.250/32',
    interfaces: { enp2s1: {} },
  }),
  object('gateway.githedgehog.com/v1alpha1', 'Gateway', 'gw-2', {
    asn: 65534,
    protocolIP: '172.30.8.251/32',
    vtepIP: '172.30.12.251/32',
    interfaces: { enp2s1: {} },
    groups: [{ name: 'default' }],
  }),
  object('gateway.githedgehog.com/v1alpha1', 'GatewayPeering', 'vpc-0001--vpc-0002', {
    peering: {
      'vpc-0001': { expose: [{ ips: [{ cidr: '10.1.0.0/24' }] }] },
      'vpc-0002': { expose: [{ ips: [{ cidr: '10.1.2.0/24' }] }] },
    },
  }),
];
const FABRIC: HedgehogObject[] = [
  ...generateFabric({ spines: 2, leaves: 4, serversPerLeafPair: 8, vpcs: 6, attachmentsPerConnection: 2 }),
  ...GATEWAYS,
].map((item) => canonicalize(item));

const identity = (item: HedgehogObject) => `${item.kind}|${item.metadata.namespace}|${item.metadata.name}`;

/** Full and scoped validation of `input` standing in for `replaces` (as a pull's changed file does). */
async function both(input: HedgehogObject[], replaces: readonly HedgehogObject[]) {
  const gone = new Set(replaces.map(identity));
  const others = FABRIC.filter((item) => !gone.has(identity(item)));
  let reads = 0;
  const scoped = await readExistingInScope(input, async () => {
    reads += 1;
    return others;
  });
  return {
    full: validateObjects(input, { existing: others }),
    scoped: scoped && validateObjects(input, { existing: scoped }),
    kept: scoped?.length ?? null,
    reads,
  };
}

/** Changes of one object: a label, another object's spec, a new name, an empty spec. */
function variants(item: HedgehogObject): { label: string; input: HedgehogObject }[] {
  const other = FABRIC.find((candidate) => candidate.kind === item.kind && candidate !== item);
  return [
    { label: 'labelled', input: { ...item, metadata: { ...item.metadata, labels: { edited: 'yes' } } } },
    ...(other
      ? [{ label: `spec of ${other.metadata.name}`, input: { ...item, spec: structuredClone(other.spec) } }]
      : []),
    { label: 'renamed', input: { ...item, metadata: { ...item.metadata, name: `${item.metadata.name}-new` } } },
    { label: 'emptied', input: { ...item, spec: {} } },
  ];
}

describe('validation against the scoped existing objects', () => {
  it(`every object of a ${FABRIC.length}-object fabric, changed four ways: same findings as the whole fabric`, async () => {
    let compared = 0;
    for (const item of FABRIC)
      for (const { label, input } of variants(item)) {
        const { full, scoped } = await both([input], [item]);
        expect(scoped, `${identity(item)} ${label}`).toEqual(full);
        compared += 1;
      }
    expect(compared).toBeGreaterThan(FABRIC.length * 3);
  });

  it('finds collisions with objects in unchanged files, and reads a fraction of the fabric', async () => {
    const connections = FABRIC.filter((item) => item.kind === 'Connection' && 'unbundled' in (item.spec as object));
    const [first, second] = connections;
    const vpcs = FABRIC.filter((item) => item.kind === 'VPC');
    const attachments = FABRIC.filter((item) => item.kind === 'VPCAttachment');
    const cases: { input: HedgehogObject; code: string }[] = [
      // The second connection takes the first one's ports.
      { input: { ...second!, spec: structuredClone(first!.spec) }, code: 'PORT_IN_USE' },
      { input: { ...vpcs[1]!, spec: structuredClone(vpcs[0]!.spec) }, code: 'SUBNET_OVERLAP' },
      {
        input: { ...attachments[1]!, spec: structuredClone(attachments[0]!.spec) },
        code: 'ATTACHMENT_CONFLICT',
      },
    ];
    for (const { input, code } of cases) {
      const { full, scoped, kept } = await both([input], [FABRIC.find((item) => identity(item) === identity(input))!]);
      expect(full.errors.map((finding) => finding.code)).toContain(code);
      expect(scoped).toEqual(full);
      expect(kept).toBeLessThan(FABRIC.length / 2);
    }
  });

  it('a changed switch newly breaking a connection on it is reported, as with the whole fabric', async () => {
    const leaf = FABRIC.find((item) => item.kind === 'Switch' && item.metadata.name === 'leaf-01')!;
    // A spine now: the fabric links to it have their roles swapped (a warning on each).
    const changed = { ...leaf, spec: { ...(leaf.spec as object), role: 'spine' } };
    const { full, scoped } = await both([changed], [leaf]);
    expect(full.warnings.some((finding) => finding.message.includes('after this change'))).toBe(true);
    expect(scoped).toEqual(full);
  });

  it('a changed server is checked against a few objects, the same in a fabric ten times larger', async () => {
    const server = FABRIC.find((item) => item.kind === 'Server')!;
    const input = { ...server, metadata: { ...server.metadata, labels: { a: 'b' } } };
    const large = [
      ...FABRIC,
      ...Array.from({ length: FABRIC.length * 10 }, (_, index) =>
        canonicalize(object('wiring.githedgehog.com/v1beta1', 'Server', `extra-${index}`, {})),
      ),
    ];
    const small = await readExistingInScope([input], async () => FABRIC.filter((item) => item !== server));
    const big = await readExistingInScope([input], async () => large.filter((item) => item !== server));
    expect(big!.map(identity)).toEqual(small!.map(identity));
  });

  it('reads the whole fabric for a change too large to scope, and nothing for no managed object', async () => {
    const many = FABRIC.filter((item) => item.kind === 'Server').slice(0, 1);
    const inputs = Array.from({ length: MAX_SCOPED_INPUTS + 1 }, (_, index) => ({
      ...many[0]!,
      metadata: { ...many[0]!.metadata, name: `s-${index}` },
    }));
    expect(firstQuery(inputs)).toBeNull();
    expect(await readExistingInScope(inputs, async () => FABRIC)).toBeNull();
    expect(
      await readExistingInScope([{ apiVersion: 'v1', kind: 'ConfigMap' }, null, 'text'], async () => FABRIC),
    ).toEqual([]);
  });

  it('hostile inputs: NUL bytes, huge names, odd shapes do not throw and are scoped like any name', async () => {
    const hostile = [
      { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Connection', metadata: { name: 'a\u0000b' }, spec: 7 },
      { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'VPC', metadata: { name: 'x'.repeat(100_000) }, spec: [] },
      { apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'VPCAttachment', metadata: {}, spec: { connection: 42 } },
    ];
    for (const input of hostile) {
      const scoped = await readExistingInScope([input], async () => FABRIC);
      expect(scoped).not.toBeNull();
      expect(validateObjects([input], { existing: scoped! })).toEqual(validateObjects([input], { existing: FABRIC }));
    }
  });
});

describe('names and mentions', () => {
  it('a spec names its strings, their device part and its keys; mentions match the same', () => {
    const spec = {
      unbundled: { link: { server: { port: 'server-1/enp2s1' } } },
      'ext.outside': {},
      list: ['vpc-1/default'],
    };
    expect([...namesIn(spec)].sort()).toEqual(
      [
        'list',
        'link',
        'outside',
        'port',
        'server',
        'server-1',
        'server-1/enp2s1',
        'unbundled',
        'vpc-1',
        'vpc-1/default',
      ].sort(),
    );
    for (const name of ['server-1', 'outside', 'vpc-1']) expect(mentionsAny(spec, new Set([name]))).toBe(true);
    expect(mentionsAny(spec, new Set(['server']))).toBe(true); // a key
    expect(mentionsAny(spec, new Set(['enp2s1', 'server-2']))).toBe(false);
  });

  it('a query matches by kind, name, mention, connection and link type', () => {
    const matches = queryMatcher({
      wholeKinds: ['Switch'],
      named: { kinds: ['Server'], names: ['server-1'] },
      mentioning: { kinds: ['Connection'], names: ['server-2'] },
      byConnection: { kinds: ['VPCAttachment'], names: ['c-1'] },
      linkConnections: true,
    });
    const of = (kind: string, name: string, spec: unknown) => object('x/v1', kind, name, spec);
    expect(matches(of('Switch', 'any', {}))).toBe(true);
    expect(matches(of('Server', 'server-1', {}))).toBe(true);
    expect(matches(of('Server', 'server-2', {}))).toBe(false);
    expect(matches(of('Connection', 'c', { unbundled: { link: { server: { port: 'server-2/e1' } } } }))).toBe(true);
    expect(matches(of('Connection', 'c', { fabric: { links: [] } }))).toBe(true);
    expect(matches(of('Connection', 'c', { fabric: null }))).toBe(false);
    expect(matches(of('VPCAttachment', 'a', { connection: 'c-1' }))).toBe(true);
    expect(matches(of('VPCAttachment', 'a', { connection: 'c-2' }))).toBe(false);
  });
});
