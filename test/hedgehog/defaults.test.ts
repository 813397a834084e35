/** Each kind's Default() (fabric v0.129.1 `api/**\/*_types.go`), and how it relates to the canonical form. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { MANAGED_KINDS } from '../../src/hedgehog/catalog.ts';
import { defaultObject } from '../../src/hedgehog/defaults.ts';
import { BASE_FABRIC } from './support.ts';

const object = (kind: string, spec: unknown): HedgehogObject => ({
  apiVersion: MANAGED_KINDS.find((info) => info.kind === kind)!.apiVersion,
  kind,
  metadata: { name: 'x' },
  spec,
});
const specOf = (kind: string, spec: unknown) => defaultObject(object(kind, spec)).spec;

describe('defaultObject: one Default() per kind', () => {
  it('Switch.Default: SPEED_ cut, vlanNamespaces [default], redundancy group appended to groups, link-flap 3/30/300', () => {
    expect(
      specOf('Switch', {
        role: 'server-leaf',
        portSpeeds: { 'E1/1': 'SPEED_25G' },
        groups: ['a'],
        redundancy: { group: 'eslag-1', type: 'eslag' },
        linkFlapErrDisable: { flapThreshold: 5 },
      }),
    ).toEqual({
      role: 'server-leaf',
      portSpeeds: { 'E1/1': '25G' },
      groups: ['a', 'eslag-1'],
      redundancy: { group: 'eslag-1', type: 'eslag' },
      vlanNamespaces: ['default'],
      linkFlapErrDisable: { flapThreshold: 5, samplingInterval: 30, recoveryInterval: 300 },
    });
    // No linkFlapErrDisable block: Go leaves the pointer nil.
    expect(specOf('Switch', { role: 'spine' })).toEqual({ role: 'spine', vlanNamespaces: ['default'] });
  });

  it('VLANNamespace.Default (meta.NormalizedVLANRanges): `to: 0` means `from`', () => {
    expect(specOf('VLANNamespace', { ranges: [{ from: 1000 }, { from: 2000, to: 2999 }] })).toEqual({
      ranges: [
        { from: 1000, to: 1000 },
        { from: 2000, to: 2999 },
      ],
    });
  });

  it('VPC.Default: namespaces, gateway, DHCP range, option defaults (9036, 3600, empty lists); DHCP off drops range and options', () => {
    expect(
      specOf('VPC', {
        subnets: {
          on: { subnet: '10.0.1.0/24', vlan: 1001, dhcp: { enable: true, options: { pxeURL: 'tftp://x' } } },
          off: {
            subnet: '10.0.2.0/24',
            vlan: 1002,
            dhcp: { range: { start: '10.0.2.9' }, options: { interfaceMTU: 20000 } },
          },
          empty: { subnet: '10.0.3.0/24', vlan: 1003, dhcp: { enable: true, options: {} } },
          host: { subnet: '10.0.4.0/24', hostBGP: true },
        },
      }),
    ).toEqual({
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
              pxeURL: 'tftp://x',
              interfaceMTU: 9036,
              leaseTimeSeconds: 3600,
              dnsServers: [],
              timeServers: [],
              advertisedRoutes: [],
            },
          },
        },
        off: { subnet: '10.0.2.0/24', gateway: '10.0.2.1', vlan: 1002, dhcp: {} },
        empty: {
          subnet: '10.0.3.0/24',
          gateway: '10.0.3.1',
          vlan: 1003,
          dhcp: { enable: true, range: { start: '10.0.3.2', end: '10.0.3.255' } },
        },
        host: { subnet: '10.0.4.0/24', hostBGP: true },
      },
    });
  });

  it('VPCAttachment.Default appends /default; External.Default fills the IPv4Namespace', () => {
    expect(specOf('VPCAttachment', { subnet: 'vpc-1', connection: 'c' })).toEqual({
      subnet: 'vpc-1/default',
      connection: 'c',
    });
    expect(specOf('External', { inboundCommunity: '65102:5000' })).toEqual({
      inboundCommunity: '65102:5000',
      ipv4Namespace: 'default',
    });
  });

  it('Gateway.Default: logs info / {all: info}, rate limit 50/5, 4 workers, group default', () => {
    expect(specOf('Gateway', { interfaces: {}, logs: { rateLimit: {} } })).toEqual({
      interfaces: {},
      logs: { default: 'info', tags: { all: 'info' }, rateLimit: { burst: 50, replenishPerSecond: 5 } },
      workers: 4,
      groups: [{ name: 'default', priority: 0 }],
    });
  });

  it('GatewayPeering.Default: NAT idle timeouts 2m0s, group default, acl default deny-unless-exposed, rule scope flow', () => {
    expect(
      specOf('GatewayPeering', {
        peering: {
          a: { expose: [{ as: [{ cidr: '1.1.1.1/32' }], nat: { masquerade: { idleTimeout: '0s' } } }] },
          b: null,
        },
        acl: { rules: [{ action: 'allow' }, { action: 'deny', scope: 'packet' }] },
      }),
    ).toEqual({
      peering: {
        a: { expose: [{ as: [{ cidr: '1.1.1.1/32' }], nat: { masquerade: { idleTimeout: '2m0s' } } }] },
        b: null,
      },
      gatewayGroup: 'default',
      acl: {
        default: 'deny-unless-exposed',
        rules: [
          { action: 'allow', scope: 'flow' },
          { action: 'deny', scope: 'packet' },
        ],
      },
    });
  });

  it('fills only: list order and MAC spelling are left to the canonical form, so paths still point at what was written', () => {
    const input = object('VPC', {
      subnets: {
        s: {
          subnet: '10.0.1.0/24',
          vlan: 1001,
          dhcp: {
            enable: true,
            static: { '0C20.12FE.0A01': { ip: '10.0.1.9' } },
            options: { dnsServers: ['9.9.9.9', '1.1.1.1'] },
          },
        },
      },
    });
    const dhcp = (
      defaultObject(input).spec as { subnets: { s: { dhcp: { static: object; options: { dnsServers: string[] } } } } }
    ).subnets.s.dhcp;
    expect(Object.keys(dhcp.static)).toEqual(['0C20.12FE.0A01']);
    expect(dhcp.options.dnsServers).toEqual(['9.9.9.9', '1.1.1.1']);
  });

  it('does not mutate its input', () => {
    const input = object('Gateway', { interfaces: {} });
    const before = JSON.stringify(input);
    defaultObject(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('defaultObject properties (fast-check)', () => {
  const kinds = MANAGED_KINDS.map((info) => info.kind);
  // Shapes near the real ones, so the defaults actually fire, mixed with arbitrary JSON.
  const dhcp = fc.record(
    {
      enable: fc.boolean(),
      relay: fc.constantFrom('', '10.9.0.1/32'),
      range: fc.oneof(
        fc.constant(null),
        fc.record(
          { start: fc.constantFrom('', '10.0.0.5'), end: fc.constantFrom('', '10.0.0.9') },
          { requiredKeys: [] },
        ),
      ),
      options: fc.oneof(
        fc.constant(null),
        fc.record(
          {
            interfaceMTU: fc.constantFrom(0, 1500, 20000),
            leaseTimeSeconds: fc.constantFrom(0, 60),
            dnsServers: fc.array(fc.ipV4(), { maxLength: 2 }),
            pxeURL: fc.constantFrom('', 'tftp://x'),
            disableDefaultRoute: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
      ),
      static: fc.dictionary(
        fc.constantFrom('0c20.12fe.0a01', 'AA-BB-CC-00-00-02', 'bogus'),
        fc.record({ ip: fc.ipV4() }),
      ),
    },
    { requiredKeys: [] },
  );
  const shaped: Record<string, fc.Arbitrary<unknown>> = {
    VPC: fc.record(
      {
        ipv4Namespace: fc.constantFrom('', 'default', 'ns'),
        subnets: fc.dictionary(
          fc.constantFrom('a', 'b', 'c'),
          fc.oneof(
            fc.constant(null),
            fc.record(
              {
                subnet: fc.constantFrom('10.0.0.0/24', '10.0.0.1/24', '10.0.0.0/31', 'bogus'),
                gateway: fc.constantFrom('', '10.0.0.1'),
                hostBGP: fc.boolean(),
                dhcp: fc.oneof(fc.constant(null), dhcp),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
      },
      { requiredKeys: [] },
    ),
    Switch: fc.record(
      {
        role: fc.constant('server-leaf'),
        vlanNamespaces: fc.oneof(fc.constant([]), fc.array(fc.constantFrom('default', 'b'), { maxLength: 2 })),
        groups: fc.array(fc.constantFrom('g', 'eslag-1'), { maxLength: 2 }),
        redundancy: fc.record(
          { group: fc.constantFrom('', 'eslag-1'), type: fc.constant('eslag') },
          { requiredKeys: [] },
        ),
        portGroupSpeeds: fc.dictionary(fc.constantFrom('1', '2'), fc.constantFrom('SPEED_10G', '25G')),
        linkFlapErrDisable: fc.record(
          { flapThreshold: fc.integer({ min: 1, max: 50 }), recoveryInterval: fc.constantFrom(0, 100) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    Gateway: fc.record(
      {
        workers: fc.constantFrom(0, 8),
        groups: fc.array(fc.record({ name: fc.constantFrom('default', 'b'), priority: fc.nat(3) }), { maxLength: 2 }),
        logs: fc.record(
          {
            default: fc.constantFrom('', 'debug'),
            tags: fc.dictionary(fc.constantFrom('all', 'x'), fc.constant('info')),
            rateLimit: fc.record({ burst: fc.constantFrom(0, 9) }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    GatewayPeering: fc.record(
      {
        gatewayGroup: fc.constantFrom('', 'g'),
        peering: fc.dictionary(
          fc.constantFrom('vpc-1', 'ext.e'),
          fc.record(
            {
              expose: fc.array(
                fc.record(
                  {
                    nat: fc.record(
                      {
                        masquerade: fc.record(
                          { idleTimeout: fc.constantFrom('', '0s', '2m', '0m0s', 'bogus') },
                          { requiredKeys: [] },
                        ),
                        portForward: fc.record({}),
                      },
                      { requiredKeys: [] },
                    ),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            },
            { requiredKeys: [] },
          ),
        ),
        acl: fc.record(
          {
            default: fc.constantFrom('', 'deny'),
            rules: fc.array(
              fc.record({ scope: fc.constantFrom('', 'packet'), action: fc.constant('allow') }, { requiredKeys: [] }),
              { maxLength: 2 },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    VLANNamespace: fc.record({
      ranges: fc.array(
        fc.record(
          { from: fc.integer({ min: 1, max: 4094 }), to: fc.constantFrom(0, 4094) },
          { requiredKeys: ['from'] },
        ),
        { maxLength: 3 },
      ),
    }),
    VPCAttachment: fc.record(
      { subnet: fc.constantFrom('', 'vpc-1', 'vpc-1/s', '/x'), connection: fc.constant('c') },
      { requiredKeys: [] },
    ),
    External: fc.record({ ipv4Namespace: fc.constantFrom('', 'default', 'x') }, { requiredKeys: [] }),
  };
  const hedgehogObject = fc.constantFrom(...kinds).chain((kind) =>
    fc.record({
      apiVersion: fc.constant(MANAGED_KINDS.find((info) => info.kind === kind)!.apiVersion),
      kind: fc.constant(kind),
      metadata: fc.record(
        { name: fc.constantFrom('x', 'y'), namespace: fc.constantFrom('', 'default') },
        { requiredKeys: ['name'] },
      ),
      spec: shaped[kind] ? fc.oneof(shaped[kind]!, fc.jsonValue({ maxDepth: 4 })) : fc.jsonValue({ maxDepth: 4 }),
    }),
  ) as fc.Arbitrary<HedgehogObject>;

  it('defaulting is idempotent', () => {
    fc.assert(
      fc.property(hedgehogObject, (input) => {
        const once = defaultObject(input);
        expect(defaultObject(once)).toEqual(once);
      }),
      { numRuns: 600 },
    );
  });

  it('defaulting then canonicalising equals canonicalising', () => {
    fc.assert(
      fc.property(hedgehogObject, (input) => {
        expect(canonicalize(defaultObject(input))).toEqual(canonicalize(input));
      }),
      { numRuns: 600 },
    );
  });

  it('the generated fabric is left as canonicalize writes it', () => {
    for (const input of BASE_FABRIC) expect(canonicalize(defaultObject(input))).toEqual(canonicalize(input));
  });

  it('bad input never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(...kinds), (value, kind) => {
        defaultObject(value);
        defaultObject({ kind, spec: value });
        defaultObject({ kind, metadata: value, spec: { subnets: value, peering: value, acl: value, logs: value } });
      }),
      { numRuns: 600 },
    );
  });
});
