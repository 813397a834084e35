import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  canonicalize,
  gitBlobOid,
  managedFilePath,
  normalizeDuration,
  normalizeForDrift,
  renderCanonicalYaml,
  sha256Hex,
  type HedgehogObject,
} from '../../src/hedgehog/canonical.ts';
import { MANAGED_KINDS } from '../../src/hedgehog/catalog.ts';

const object = (kind: string, spec: unknown, metadata: Partial<HedgehogObject['metadata']> = {}): HedgehogObject => ({
  apiVersion: MANAGED_KINDS.find((info) => info.kind === kind)!.apiVersion,
  kind,
  metadata: { name: 'x', ...metadata },
  spec,
});

describe("canonicalize: the webhooks' normalisation", () => {
  it('drops fabric-owned labels, last-applied, empty maps, status and server-set metadata; defaults the namespace', () => {
    const live = {
      ...object('Server', {}),
      metadata: {
        name: 's',
        uid: 'u',
        resourceVersion: '7',
        generation: 3,
        creationTimestamp: '2026-01-01T00:00:00Z',
        managedFields: [{}],
        labels: { 'fabric.githedgehog.com/profile': 'p', 'switch.fabric.githedgehog.com/leaf-01': 'true', team: 'net' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      status: {},
    } as HedgehogObject;
    expect(canonicalize(live)).toEqual({
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'Server',
      metadata: { name: 's', namespace: 'default', labels: { team: 'net' } },
      spec: {},
    });
  });

  it('Switch: vlanNamespaces default, redundancy group joins groups, sorted, SPEED_ stripped, link-flap defaults', () => {
    const spec = canonicalize(
      object('Switch', {
        role: 'server-leaf',
        groups: ['zeta', 'alpha'],
        redundancy: { group: 'eslag-1', type: 'eslag' },
        portSpeeds: { 'E1/1': 'SPEED_25G' },
        linkFlapErrDisable: { flapThreshold: 5 },
      }),
    ).spec;
    expect(spec).toEqual({
      role: 'server-leaf',
      groups: ['alpha', 'eslag-1', 'zeta'],
      vlanNamespaces: ['default'],
      redundancy: { group: 'eslag-1', type: 'eslag' },
      portSpeeds: { 'E1/1': '25G' },
      linkFlapErrDisable: { flapThreshold: 5, samplingInterval: 30, recoveryInterval: 300 },
    });
  });

  it('VLANNamespace: ranges sorted and `to` filled; IPv4Namespace: subnets sorted', () => {
    expect(canonicalize(object('VLANNamespace', { ranges: [{ from: 2000, to: 2100 }, { from: 1000 }] })).spec).toEqual({
      ranges: [
        { from: 1000, to: 1000 },
        { from: 2000, to: 2100 },
      ],
    });
    expect(canonicalize(object('IPv4Namespace', { subnets: ['10.2.0.0/16', '10.1.0.0/16'] })).spec).toEqual({
      subnets: ['10.1.0.0/16', '10.2.0.0/16'],
    });
  });

  it('VPC: namespaces, gateway, DHCP range and options defaults, MACs normalised, range cleared when DHCP is off', () => {
    const spec = canonicalize(
      object('VPC', {
        subnets: {
          on: {
            subnet: '10.0.1.0/24',
            vlan: 1001,
            dhcp: {
              enable: true,
              options: { dnsServers: ['9.9.9.9', '1.1.1.1'] },
              static: { 'AA-BB-CC-DD-EE-FF': { ip: '10.0.1.50' } },
            },
          },
          off: { subnet: '10.0.2.0/24', vlan: 1002, dhcp: { range: { start: '10.0.2.10' } } },
          bgp: { subnet: '10.0.3.0/24', hostBGP: true },
        },
      }),
    ).spec;
    expect(spec).toEqual({
      ipv4Namespace: 'default',
      vlanNamespace: 'default',
      subnets: {
        on: {
          subnet: '10.0.1.0/24',
          gateway: '10.0.1.1',
          vlan: 1001,
          dhcp: {
            enable: true,
            range: { start: '10.0.1.2', end: '10.0.1.255' },
            options: {
              dnsServers: ['1.1.1.1', '9.9.9.9'],
              timeServers: [],
              advertisedRoutes: [],
              interfaceMTU: 9036,
              leaseTimeSeconds: 3600,
            },
            static: { 'aa:bb:cc:dd:ee:ff': { ip: '10.0.1.50' } },
          },
        },
        off: { subnet: '10.0.2.0/24', gateway: '10.0.2.1', vlan: 1002, dhcp: {} },
        bgp: { subnet: '10.0.3.0/24', hostBGP: true },
      },
    });
  });

  it('VPCAttachment gets /default; External gets its namespace; ExternalPeering lists sorted', () => {
    expect(canonicalize(object('VPCAttachment', { subnet: 'vpc-1', connection: 'c' })).spec).toEqual({
      subnet: 'vpc-1/default',
      connection: 'c',
    });
    expect(canonicalize(object('External', {})).spec).toEqual({ ipv4Namespace: 'default' });
    expect(
      canonicalize(
        object('ExternalPeering', {
          permit: {
            vpc: { name: 'v', subnets: ['b', 'a'] },
            external: { name: 'e', prefixes: [{ prefix: '10.0.0.0/8' }, { prefix: '0.0.0.0/0' }] },
          },
        }),
      ).spec,
    ).toEqual({
      permit: {
        vpc: { name: 'v', subnets: ['a', 'b'] },
        external: { name: 'e', prefixes: [{ prefix: '0.0.0.0/0' }, { prefix: '10.0.0.0/8' }] },
      },
    });
  });

  it('Gateway and GatewayPeering defaults; durations in Go form', () => {
    expect(
      canonicalize(
        object('Gateway', { interfaces: { enp2s1: null }, groups: [{ name: 'b' }, { name: 'a', priority: 1 }] }),
      ).spec,
    ).toEqual({
      interfaces: { enp2s1: {} },
      logs: { default: 'info', tags: { all: 'info' } },
      workers: 4,
      groups: [{ name: 'a', priority: 1 }, { name: 'b' }],
    });
    expect(
      canonicalize(
        object('GatewayPeering', {
          peering: { a: { expose: [{ nat: { masquerade: { idleTimeout: '90s' } } }] } },
          acl: { rules: [{ action: 'deny' }] },
        }),
      ).spec,
    ).toEqual({
      gatewayGroup: 'default',
      peering: { a: { expose: [{ nat: { masquerade: { idleTimeout: '1m30s' } } }] } },
      acl: { default: 'deny-unless-exposed', rules: [{ action: 'deny', scope: 'flow' }] },
    });
    expect([
      normalizeDuration('2m'),
      normalizeDuration('1h'),
      normalizeDuration('500ms'),
      normalizeDuration('0s'),
      normalizeDuration('soon'),
    ]).toEqual(['2m0s', '1h0m0s', '500ms', undefined, undefined]);
  });

  it('does not mutate its input', () => {
    const input = object('Switch', { role: 'spine', groups: ['b', 'a'] });
    const before = structuredClone(input);
    canonicalize(input);
    expect(input).toEqual(before);
  });
});

describe('canonical YAML, hashes and file paths', () => {
  it('prints apiVersion, kind, metadata, spec with sorted keys, independent of input key order', () => {
    const a = renderCanonicalYaml(
      object('Switch', { role: 'spine', profile: 'p', description: 'd' }, { annotations: { z: '1', a: '2' } }),
    );
    const b = renderCanonicalYaml({
      spec: { description: 'd', profile: 'p', role: 'spine' },
      metadata: { annotations: { a: '2', z: '1' }, name: 'x' },
      kind: 'Switch',
      apiVersion: 'wiring.githedgehog.com/v1beta1',
    });
    expect(a).toBe(b);
    expect(a).toBe(
      [
        'apiVersion: wiring.githedgehog.com/v1beta1',
        'kind: Switch',
        'metadata:',
        '  name: x',
        '  namespace: default',
        '  annotations:',
        '    a: "2"',
        '    z: "1"',
        'spec:',
        '  description: d',
        '  profile: p',
        '  role: spine',
        '  vlanNamespaces:',
        '    - default',
        '',
      ].join('\n'),
    );
  });

  it('quotes strings YAML 1.1 tools would misread', () => {
    const text = renderCanonicalYaml(object('Server', { description: 'yes', profile: 'on' }));
    expect(text).toContain('description: "yes"');
    expect(parse(text).spec).toEqual({ description: 'yes', profile: 'on' });
  });

  it('hashes: SHA-256 of the bytes and the blob id real git computes', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const text = renderCanonicalYaml(
      object('VPC', { subnets: { default: { subnet: '10.0.0.0/24', vlan: 1000 } } }, { name: 'vpc-é' }),
    );
    const fromGit = execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim();
    expect(gitBlobOid(text)).toBe(fromGit);
    expect(gitBlobOid(Buffer.from(text))).toBe(fromGit);
  });

  it('managed file paths: managed/<lower-case kind + s>/<name>.yaml, namespace-prefixed outside default', () => {
    expect(managedFilePath(object('Connection', {}, { name: 'server-05--eslag--leaf-03--leaf-04' }))).toBe(
      'managed/connections/server-05--eslag--leaf-03--leaf-04.yaml',
    );
    expect(managedFilePath(object('SwitchGroup', {}, { name: 'mclag-1' }))).toBe('managed/switchgroups/mclag-1.yaml');
    expect(managedFilePath(object('Gateway', {}, { name: 'gw', namespace: 'fab' }))).toBe(
      'managed/gateways/fab-gw.yaml',
    );
  });
});

describe('normalizeForDrift', () => {
  it('treats a live object (server metadata, status, fabric labels, defaults, Go zero values) as equal to its desired form', () => {
    const desired = object(
      'Switch',
      { role: 'server-leaf', profile: 'celestica-ds3000', redundancy: { group: 'eslag-1', type: 'eslag' } },
      { name: 'leaf-01' },
    );
    const live = {
      ...object(
        'Switch',
        {
          role: 'server-leaf',
          profile: 'celestica-ds3000',
          redundancy: { group: 'eslag-1', type: 'eslag' },
          groups: ['eslag-1'],
          vlanNamespaces: ['default'],
          boot: {},
          ecmp: {},
          enableAllPorts: false,
          description: '',
        },
        { name: 'leaf-01', namespace: 'default' },
      ),
      metadata: {
        name: 'leaf-01',
        namespace: 'default',
        resourceVersion: '12',
        labels: { 'fabric.githedgehog.com/profile': 'celestica-ds3000' },
      },
      status: { applied: {} },
    } as HedgehogObject;
    expect(normalizeForDrift(live)).toEqual(normalizeForDrift(desired));
  });

  it('still sees a real change', () => {
    const desired = object('VPCAttachment', { subnet: 'vpc-1/default', connection: 'a' });
    const live = object('VPCAttachment', { subnet: 'vpc-1/default', connection: 'b' });
    expect(normalizeForDrift(live)).not.toEqual(normalizeForDrift(desired));
  });
});

describe('properties (fast-check)', () => {
  const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
  const labels = fc.dictionary(
    fc.oneof(fc.string(), fc.constantFrom('fabric.githedgehog.com/vpc', 'team', '__proto__')),
    fc.oneof(fc.string(), fc.constant(null)),
  );
  const arbitrarySpec = fc.jsonValue({ maxDepth: 5 });
  const switchSpec = fc.record(
    {
      role: fc.constantFrom('spine', 'server-leaf'),
      groups: fc.array(name, { maxLength: 4 }),
      vlanNamespaces: fc.array(name, { maxLength: 3 }),
      redundancy: fc.record({ group: name, type: fc.constantFrom('eslag', '') }, { requiredKeys: [] }),
      portSpeeds: fc.dictionary(fc.constantFrom('E1/1', 'E1/2'), fc.constantFrom('25G', 'SPEED_10G')),
      linkFlapErrDisable: fc.record({ flapThreshold: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['role'] },
  );
  const vpcSpec = fc.record({
    subnets: fc.dictionary(
      name,
      fc.record(
        {
          subnet: fc
            .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 }))
            .map(([octet, length]) => `10.${octet}.0.0/${length}`),
          vlan: fc.integer({ min: 1, max: 4094 }),
          hostBGP: fc.boolean(),
          dhcp: fc.record(
            {
              enable: fc.boolean(),
              range: fc.record({ start: fc.constant('10.0.0.5') }, { requiredKeys: [] }),
              options: fc.record(
                {
                  dnsServers: fc.array(fc.ipV4(), { maxLength: 3 }),
                  leaseTimeSeconds: fc.nat(),
                  interfaceMTU: fc.constantFrom(0, 1500),
                },
                { requiredKeys: [] },
              ),
              static: fc.dictionary(
                fc.constantFrom('AA:BB:CC:00:00:01', 'aa-bb-cc-00-00-02', 'bogus'),
                fc.record({ ip: fc.ipV4() }),
              ),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['subnet'] },
      ),
      { maxKeys: 4 },
    ),
  });
  const hedgehogObject = fc
    .oneof(
      fc.record({ kind: fc.constantFrom(...MANAGED_KINDS.map((info) => info.kind)), spec: arbitrarySpec }),
      fc.record({ kind: fc.constant('Switch'), spec: switchSpec }),
      fc.record({ kind: fc.constant('VPC'), spec: vpcSpec }),
    )
    .chain(({ kind, spec }) =>
      fc.record({
        apiVersion: fc.constant(MANAGED_KINDS.find((info) => info.kind === kind)!.apiVersion),
        kind: fc.constant(kind),
        metadata: fc.record(
          { name, namespace: fc.constantFrom('default', 'other', ''), labels, annotations: labels },
          { requiredKeys: ['name'] },
        ),
        spec: fc.constant(spec),
      }),
    ) as fc.Arbitrary<HedgehogObject>;

  it('canonicalize is idempotent', () => {
    fc.assert(
      fc.property(hedgehogObject, (input) => {
        const once = canonicalize(input);
        expect(canonicalize(once)).toEqual(once);
        expect(renderCanonicalYaml(once)).toBe(renderCanonicalYaml(input));
      }),
      { numRuns: 400 },
    );
  });

  it('parsing the rendered YAML gives the canonical object back', () => {
    fc.assert(
      fc.property(hedgehogObject, (input) => {
        const canonical = canonicalize(input);
        const reparsed = parse(renderCanonicalYaml(input));
        expect(reparsed).toEqual(JSON.parse(JSON.stringify(canonical)));
        expect(JSON.stringify(reparsed)).toBe(JSON.stringify(canonical)); // same key order too
      }),
      { numRuns: 400 },
    );
  });
});
