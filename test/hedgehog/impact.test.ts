/**
 * Impact: which switches a change affects. One row per kind and relation over a small hand-made
 * fabric that has every connection type, then moves, deletions, creations that refer to each
 * other, references to missing objects, hostile input, the real samples and the generated fabric.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import {
  buildImpactIndex,
  computeImpact,
  describeImpact,
  type ImpactResult,
  type ObjectChange,
} from '../../src/hedgehog/impact.ts';
import { validateManifests } from '../../src/hedgehog/validate.ts';

const WIRING = 'wiring.githedgehog.com/v1beta1';
const VPC_API = 'vpc.githedgehog.com/v1beta1';
const GATEWAY = 'gateway.githedgehog.com/v1alpha1';

const object = (apiVersion: string, kind: string, name: string, spec?: unknown): HedgehogObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'default' },
  ...(spec === undefined ? {} : { spec }),
});
const sw = (name: string, spec: Record<string, unknown> = {}) =>
  object(WIRING, 'Switch', name, { role: 'server-leaf', vlanNamespaces: ['default'], ...spec });
const conn = (name: string, spec: unknown) => object(WIRING, 'Connection', name, spec);
const port = (text: string) => ({ port: text });
const serverLink = (server: string, switchPort: string) => ({
  server: port(`${server}/enp2s1`),
  switch: port(switchPort),
});

/**
 * spine-01, spine-02; leaf-01+leaf-02 (ESLAG group eslag-1, meshed); leaf-03 (border, VLAN
 * namespace vlan-b); leaf-04 (profile p-x, loopback, static external within vpc-c); leaf-05+leaf-06
 * (MCLAG group mclag-1). Every connection type appears once.
 */
const FABRIC: HedgehogObject[] = [
  object(WIRING, 'VLANNamespace', 'default', { ranges: [{ from: 1000, to: 2999 }] }),
  object(WIRING, 'VLANNamespace', 'vlan-b', { ranges: [{ from: 3000, to: 3999 }] }),
  object(VPC_API, 'IPv4Namespace', 'default', { subnets: ['10.0.0.0/16'] }),
  object(WIRING, 'SwitchGroup', 'border'),
  object(WIRING, 'ServerProfile', 'srv-prof', {}),
  object(WIRING, 'SwitchProfile', 'p-x', {}),
  sw('spine-01', { role: 'spine' }),
  sw('spine-02', { role: 'spine' }),
  sw('leaf-01', { redundancy: { group: 'eslag-1', type: 'eslag' } }),
  sw('leaf-02', { redundancy: { group: 'eslag-1', type: 'eslag' } }),
  sw('leaf-03', { role: 'border-leaf', vlanNamespaces: ['vlan-b'], groups: ['border'] }),
  sw('leaf-04', { profile: 'p-x' }),
  sw('leaf-05', { redundancy: { group: 'mclag-1', type: 'mclag' } }),
  sw('leaf-06', { redundancy: { group: 'mclag-1', type: 'mclag' } }),
  ...['server-01', 'server-02', 'server-03', 'server-04'].map((name) =>
    object(WIRING, 'Server', name, { profile: 'srv-prof' }),
  ),
  object(GATEWAY, 'GatewayGroup', 'default'),
  object(GATEWAY, 'Gateway', 'gw-01', { asn: 65534 }),
  conn('spine-01--fabric--leaf-01', {
    fabric: { links: [{ spine: port('spine-01/E1/1'), leaf: port('leaf-01/E1/31') }] },
  }),
  conn('spine-02--fabric--leaf-03', {
    fabric: { links: [{ spine: port('spine-02/E1/1'), leaf: port('leaf-03/E1/31') }] },
  }),
  conn('leaf-01--mesh--leaf-02', { mesh: { links: [{ leaf1: port('leaf-01/E1/30'), leaf2: port('leaf-02/E1/30') }] } }),
  conn('server-01--unbundled--leaf-04', { unbundled: { link: serverLink('server-01', 'leaf-04/E1/1') } }),
  conn('server-02--bundled--leaf-04', {
    bundled: { links: [serverLink('server-02', 'leaf-04/E1/2'), serverLink('server-02', 'leaf-04/E1/3')] },
  }),
  conn('server-03--eslag--leaf-01--leaf-02', {
    eslag: { links: [serverLink('server-03', 'leaf-01/E1/1'), serverLink('server-03', 'leaf-02/E1/1')] },
  }),
  conn('server-04--mclag--leaf-05--leaf-06', {
    mclag: { links: [serverLink('server-04', 'leaf-05/E1/1'), serverLink('server-04', 'leaf-06/E1/1')] },
  }),
  conn('leaf-05--mclag-domain--leaf-06', {
    mclagDomain: {
      peerLinks: [{ switch1: port('leaf-05/E1/10'), switch2: port('leaf-06/E1/10') }],
      sessionLinks: [{ switch1: port('leaf-05/E1/11'), switch2: port('leaf-06/E1/11') }],
    },
  }),
  conn('spine-01--gateway--gw-01', {
    gateway: { links: [{ switch: port('spine-01/E1/5'), gateway: port('gw-01/enp2s1') }] },
  }),
  conn('leaf-04--vpc-loopback', {
    vpcLoopback: { links: [{ switch1: port('leaf-04/E1/20'), switch2: port('leaf-04/E1/21') }] },
  }),
  conn('leaf-03--external', { external: { link: { switch: port('leaf-03/E1/32') } } }),
  conn('leaf-04--static-external', {
    staticExternal: { link: { switch: { port: 'leaf-04/E1/32', ip: '172.30.1.1/24' } }, withinVPC: 'vpc-c' },
  }),
  conn('leaf-03--static-external', {
    staticExternal: { link: { switch: { port: 'leaf-03/E1/30', ip: '172.31.1.1/24' } } },
  }),
  object(VPC_API, 'VPC', 'vpc-a', { subnets: { s1: { subnet: '10.0.1.0/24' }, s2: { subnet: '10.0.2.0/24' } } }),
  object(VPC_API, 'VPC', 'vpc-b', { subnets: { s1: { subnet: '10.0.3.0/24', dhcp: { relayVPC: 'vpc-r' } } } }),
  object(VPC_API, 'VPC', 'vpc-r', { subnets: { s1: { subnet: '10.0.4.0/24' } } }),
  object(VPC_API, 'VPC', 'vpc-c', { subnets: { s1: { subnet: '10.0.5.0/24' } } }),
  object(VPC_API, 'VPC', 'vpc-p', { subnets: { s1: { subnet: '10.0.6.0/24' } } }),
  object(VPC_API, 'VPC', 'vpc-lonely', { subnets: { s1: { subnet: '10.0.7.0/24' } } }),
  object(VPC_API, 'VPCAttachment', 'att-a1', { subnet: 'vpc-a/s1', connection: 'server-03--eslag--leaf-01--leaf-02' }),
  object(VPC_API, 'VPCAttachment', 'att-a2', { subnet: 'vpc-a/s2', connection: 'server-01--unbundled--leaf-04' }),
  object(VPC_API, 'VPCAttachment', 'att-b', { subnet: 'vpc-b/s1', connection: 'server-02--bundled--leaf-04' }),
  object(VPC_API, 'VPCAttachment', 'att-p', { subnet: 'vpc-p/s1', connection: 'server-04--mclag--leaf-05--leaf-06' }),
  object(VPC_API, 'VPCPeering', 'vpc-a--vpc-p', { permit: [{ 'vpc-a': {}, 'vpc-p': {} }] }),
  object(VPC_API, 'External', 'ext-1', { ipv4Namespace: 'default' }),
  object(VPC_API, 'ExternalAttachment', 'ea-1', { external: 'ext-1', connection: 'leaf-03--external' }),
  object(VPC_API, 'ExternalPeering', 'vpc-b--ext-1', {
    permit: {
      vpc: { name: 'vpc-b', subnets: ['s1'] },
      external: { name: 'ext-1', prefixes: [{ prefix: '0.0.0.0/0' }] },
    },
  }),
  object(GATEWAY, 'GatewayPeering', 'vpc-a--vpc-p', { peering: { 'vpc-a': { expose: [] }, 'vpc-p': { expose: [] } } }),
];
const ALL_SWITCHES = ['leaf-01', 'leaf-02', 'leaf-03', 'leaf-04', 'leaf-05', 'leaf-06', 'spine-01', 'spine-02'];
const INDEX = buildImpactIndex(FABRIC);

function find(kind: string, name: string): HedgehogObject {
  const found = FABRIC.find((item) => item.kind === kind && item.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not in the test fabric`);
  return found;
}
/** The object with `spec` replaced by `patch(spec)`. */
function edit(kind: string, name: string, patch: (spec: any) => unknown): HedgehogObject {
  const before = find(kind, name);
  return { ...before, spec: patch(structuredClone(before.spec ?? {})) };
}
const update = (kind: string, name: string, patch: (spec: any) => unknown = (spec) => spec): ObjectChange => ({
  action: 'update',
  before: find(kind, name),
  after: edit(kind, name, patch),
});
const names = (result: ImpactResult) => result.switches.map((item) => item.name);
/** `switch relation side` for every reason, sorted: the whole answer in one comparable list. */
const reasons = (result: ImpactResult) =>
  result.switches.flatMap((item) => item.reasons.map((r) => `${item.name} ${r.relation} ${r.side}`)).sort();
const via = (result: ImpactResult, switchName: string) =>
  result.switches
    .find((item) => item.name === switchName)!
    .reasons.map((r) => r.via.map((step) => `${step.kind}/${step.name}`).join(' > '));

describe('impact: one row per kind and relation', () => {
  it('Switch, spec unchanged (metadata only): the switch itself', () => {
    const result = computeImpact(INDEX, [
      { action: 'update', before: find('Switch', 'leaf-01'), after: find('Switch', 'leaf-01') },
    ]);
    expect(reasons(result)).toEqual(['leaf-01 switch both']);
    expect(result.switches[0]!.reasons[0]!.immediate).toBe(true);
  });

  it('Switch, spec changed: itself, and its connection neighbours (Agent.Spec.Switches), not re-enqueued', () => {
    const result = computeImpact(INDEX, [update('Switch', 'leaf-01', (spec) => ({ ...spec, asn: 65101 }))]);
    expect(reasons(result)).toEqual([
      'leaf-01 switch both',
      'leaf-02 switch-neighbor both', // one reason, though both the mesh link and the ESLAG connection lead there
      'spine-01 switch-neighbor both',
    ]);
    const neighbor = result.switches.find((item) => item.name === 'leaf-02')!;
    expect(neighbor.reasons.every((reason) => reason.immediate === false)).toBe(true);
    expect(via(result, 'leaf-02')).toEqual(['Connection/leaf-01--mesh--leaf-02']);
  });

  it('Switch joining a redundancy group: its new peers (Agent.Spec.RedundancyGroupPeers)', () => {
    const result = computeImpact(INDEX, [
      update('Switch', 'leaf-04', (spec) => ({ ...spec, redundancy: { group: 'eslag-1', type: 'eslag' } })),
    ]);
    expect(reasons(result)).toEqual([
      'leaf-01 redundancy-peer after',
      'leaf-02 redundancy-peer after',
      'leaf-04 switch both',
    ]);
  });

  it('Switch leaving one group for another: the peers of both', () => {
    const result = computeImpact(INDEX, [
      update('Switch', 'leaf-05', (spec) => ({ ...spec, redundancy: { group: 'eslag-1', type: 'eslag' } })),
    ]);
    expect(reasons(result)).toContain('leaf-06 redundancy-peer before');
    expect(reasons(result)).toContain('leaf-01 redundancy-peer after');
    expect(reasons(result)).toContain('leaf-02 redundancy-peer after');
  });

  for (const [connection, expected] of [
    ['spine-01--fabric--leaf-01', ['leaf-01', 'spine-01']],
    ['leaf-01--mesh--leaf-02', ['leaf-01', 'leaf-02']],
    ['server-01--unbundled--leaf-04', ['leaf-04']],
    ['server-02--bundled--leaf-04', ['leaf-04']],
    ['server-03--eslag--leaf-01--leaf-02', ['leaf-01', 'leaf-02']],
    ['server-04--mclag--leaf-05--leaf-06', ['leaf-05', 'leaf-06']],
    ['leaf-05--mclag-domain--leaf-06', ['leaf-05', 'leaf-06']],
    ['spine-01--gateway--gw-01', ['spine-01']],
    ['leaf-04--vpc-loopback', ['leaf-04']],
    ['leaf-03--external', ['leaf-03']],
    ['leaf-04--static-external', ['leaf-04']],
  ] as const) {
    it(`Connection ${connection}: its endpoint switches ${expected.join(', ')}`, () => {
      const result = computeImpact(INDEX, [update('Connection', connection)]);
      expect(names(result)).toEqual(expected);
      expect(reasons(result).every((line) => line.endsWith(' connection-endpoint both'))).toBe(true);
    });
  }

  it('staticExternal Connection not within a VPC: its switch and every spine', () => {
    const result = computeImpact(INDEX, [update('Connection', 'leaf-03--static-external')]);
    expect(reasons(result)).toEqual([
      'leaf-03 connection-endpoint both',
      'spine-01 static-external-spine both',
      'spine-02 static-external-spine both',
    ]);
  });

  it("VPCAttachment: its connection's switches (both switches of an ESLAG connection)", () => {
    const result = computeImpact(INDEX, [update('VPCAttachment', 'att-a1', (spec) => ({ ...spec, nativeVLAN: true }))]);
    expect(reasons(result)).toEqual(['leaf-01 attachment-connection both', 'leaf-02 attachment-connection both']);
    expect(via(result, 'leaf-01')).toEqual(['Connection/server-03--eslag--leaf-01--leaf-02']);
  });

  it("VPC: its attachments' switches, and the switches of the VPC it is peered with", () => {
    const result = computeImpact(INDEX, [update('VPC', 'vpc-a')]);
    expect(reasons(result)).toEqual([
      'leaf-01 vpc-attachment both',
      'leaf-02 vpc-attachment both',
      'leaf-04 vpc-attachment both',
      'leaf-05 vpc-peering both',
      'leaf-06 vpc-peering both',
    ]);
    expect(via(result, 'leaf-05')).toEqual([
      'VPCPeering/vpc-a--vpc-p > VPC/vpc-p > VPCAttachment/att-p > Connection/server-04--mclag--leaf-05--leaf-06',
    ]);
  });

  it('VPC that an attached subnet relays DHCP to: the switch of that attachment', () => {
    const result = computeImpact(INDEX, [update('VPC', 'vpc-r')]);
    expect(reasons(result)).toEqual(['leaf-04 vpc-dhcp-relay both']);
    expect(via(result, 'leaf-04')).toEqual([
      'VPC/vpc-b > VPCAttachment/att-b > Connection/server-02--bundled--leaf-04',
    ]);
  });

  it('VPC with a staticExternal connection within it: that switch', () => {
    expect(reasons(computeImpact(INDEX, [update('VPC', 'vpc-c')]))).toEqual(['leaf-04 vpc-static-external both']);
  });

  it("VPC in an ExternalPeering: its attachments' switches and the External's border switches", () => {
    expect(reasons(computeImpact(INDEX, [update('VPC', 'vpc-b')]))).toEqual([
      'leaf-03 vpc-external-peering both',
      'leaf-04 vpc-attachment both',
    ]);
  });

  it('VPC nobody uses: no switch', () => {
    const result = computeImpact(INDEX, [update('VPC', 'vpc-lonely')]);
    expect(result.switches).toEqual([]);
    expect(describeImpact(result)).toBe('affects no switches');
  });

  it('VPCPeering: the switches of both VPCs', () => {
    const result = computeImpact(INDEX, [update('VPCPeering', 'vpc-a--vpc-p')]);
    expect(names(result)).toEqual(['leaf-01', 'leaf-02', 'leaf-04', 'leaf-05', 'leaf-06']);
    expect(new Set(reasons(result).map((line) => line.split(' ')[1]))).toEqual(new Set(['peering-vpc']));
  });

  it('External: every switch (Agent.Spec.Externals holds all), its border switch named as such', () => {
    const result = computeImpact(INDEX, [update('External', 'ext-1')]);
    expect(names(result)).toEqual(ALL_SWITCHES);
    expect(reasons(result).filter((line) => !line.includes('all-switches'))).toEqual([
      'leaf-03 external-attachment both',
    ]);
  });

  it("ExternalAttachment: its connection's switch", () => {
    expect(reasons(computeImpact(INDEX, [update('ExternalAttachment', 'ea-1')]))).toEqual([
      'leaf-03 external-attachment-connection both',
    ]);
  });

  it('ExternalPeering: the switches its External is attached on', () => {
    expect(reasons(computeImpact(INDEX, [update('ExternalPeering', 'vpc-b--ext-1')]))).toEqual([
      'leaf-03 external-peering-attachment both',
    ]);
  });

  it('IPv4Namespace: every switch', () => {
    const result = computeImpact(INDEX, [update('IPv4Namespace', 'default')]);
    expect(names(result)).toEqual(ALL_SWITCHES);
    expect(describeImpact(result, 3)).toBe('affects 8 switches: leaf-01, leaf-02, leaf-03 and 5 more');
  });

  it('VLANNamespace: the switches listing it, not re-enqueued (the controller does not watch the kind)', () => {
    const result = computeImpact(INDEX, [update('VLANNamespace', 'vlan-b')]);
    expect(reasons(result)).toEqual(['leaf-03 vlan-namespace both']);
    expect(result.switches[0]!.reasons[0]!.immediate).toBe(false);
    expect(names(computeImpact(INDEX, [update('VLANNamespace', 'default')]))).toEqual(
      ALL_SWITCHES.filter((name) => name !== 'leaf-03'),
    );
  });

  it('SwitchProfile: the switches using it', () => {
    expect(reasons(computeImpact(INDEX, [update('SwitchProfile', 'p-x')]))).toEqual(['leaf-04 switch-profile both']);
  });

  for (const [kind, name] of [
    ['Server', 'server-01'],
    ['ServerProfile', 'srv-prof'],
    ['SwitchGroup', 'border'],
    ['Gateway', 'gw-01'],
    ['GatewayGroup', 'default'],
    ['GatewayPeering', 'vpc-a--vpc-p'],
  ] as const) {
    it(`${kind}: no switch Agent holds it; reported as such`, () => {
      const result = computeImpact(INDEX, [update(kind, name)]);
      expect(result.switches).toEqual([]);
      expect(result.noSwitchImpact).toEqual([
        { object: { kind, namespace: 'default', name }, action: 'update', why: expect.any(String) },
      ]);
    });
  }
});

describe('impact: moves, deletions, creations', () => {
  it('an attachment moved to another connection affects the switches of both (old: before, new: after)', () => {
    const result = computeImpact(INDEX, [
      update('VPCAttachment', 'att-a2', (spec) => ({ ...spec, connection: 'server-04--mclag--leaf-05--leaf-06' })),
    ]);
    expect(reasons(result)).toEqual([
      'leaf-04 attachment-connection before',
      'leaf-05 attachment-connection after',
      'leaf-06 attachment-connection after',
    ]);
  });

  it('a connection moved from one switch to another affects both', () => {
    const result = computeImpact(INDEX, [
      update('Connection', 'server-01--unbundled--leaf-04', () => ({
        unbundled: { link: serverLink('server-01', 'leaf-03/E1/1') },
      })),
    ]);
    expect(reasons(result)).toEqual(['leaf-03 connection-endpoint after', 'leaf-04 connection-endpoint before']);
  });

  it('the same answer whether the index holds the state before or after the change', () => {
    const change = update('VPCAttachment', 'att-a2', (spec) => ({
      ...spec,
      connection: 'server-04--mclag--leaf-05--leaf-06',
    }));
    const afterState = FABRIC.map((item) => (item === change.before ? change.after! : item));
    expect(computeImpact(buildImpactIndex(afterState), [change])).toEqual(computeImpact(INDEX, [change]));
    // update/delete without `before`: taken from the index (the state before).
    expect(computeImpact(INDEX, [{ action: 'update', after: change.after! }])).toEqual(computeImpact(INDEX, [change]));
  });

  it('deleting a connection affects its switches through the old relation only', () => {
    const result = computeImpact(INDEX, [
      { action: 'delete', before: find('Connection', 'server-03--eslag--leaf-01--leaf-02') },
    ]);
    expect(reasons(result)).toEqual(['leaf-01 connection-endpoint before', 'leaf-02 connection-endpoint before']);
    expect(result.switches[0]!.reasons[0]!.action).toBe('delete');
  });

  it('deleting a switch marks it removed (no Agent left to converge); its neighbours are still affected', () => {
    const result = computeImpact(INDEX, [{ action: 'delete', before: find('Switch', 'leaf-03') }]);
    expect(result.switches.map((item) => `${item.name} ${item.removed}`)).toEqual(['leaf-03 true', 'spine-02 false']);
    expect(describeImpact(result)).toBe('affects 1 switch: spine-02');
  });

  it('one change that deletes an attachment and edits its VPC: the VPC reaches that switch only before', () => {
    const result = computeImpact(INDEX, [
      { action: 'delete', before: find('VPCAttachment', 'att-a2') },
      update('VPC', 'vpc-a', (spec) => ({ ...spec, defaultIsolated: true })),
    ]);
    const leaf04 = result.switches.find((item) => item.name === 'leaf-04')!;
    expect(leaf04.reasons.map((r) => `${r.object.kind} ${r.relation} ${r.side}`).sort()).toEqual([
      'VPC vpc-attachment before',
      'VPCAttachment attachment-connection before',
    ]);
    expect(result.switches.find((item) => item.name === 'leaf-01')!.reasons.map((r) => r.side)).toEqual(['both']);
  });

  it('creations that refer to each other resolve within the change: new switch, connection and attachment', () => {
    const leaf = sw('leaf-07');
    const connection = conn('server-09--unbundled--leaf-07', {
      unbundled: { link: serverLink('server-09', 'leaf-07/E1/1') },
    });
    const attachment = object(VPC_API, 'VPCAttachment', 'att-new', {
      subnet: 'vpc-lonely/s1',
      connection: 'server-09--unbundled--leaf-07',
    });
    const result = computeImpact(INDEX, [
      { action: 'create', after: attachment },
      { action: 'create', after: connection },
      { action: 'create', after: leaf },
    ]);
    expect(result.unresolved).toEqual([]);
    expect(reasons(result)).toEqual([
      'leaf-07 attachment-connection after',
      'leaf-07 connection-endpoint after',
      'leaf-07 switch after',
    ]);
    expect(result.switches[0]!.removed).toBe(false);
    // The VPC created alongside now reaches leaf-07 too.
    const vpc = computeImpact(INDEX, [
      { action: 'create', after: attachment },
      { action: 'create', after: connection },
      { action: 'create', after: leaf },
      update('VPC', 'vpc-lonely', (spec) => ({ ...spec, defaultRestricted: true })),
    ]);
    expect(reasons(vpc)).toContain('leaf-07 vpc-attachment after');
  });
});

describe('impact: references to missing objects', () => {
  it('an attachment naming a missing connection: no switch, reported as unresolved', () => {
    const attachment = object(VPC_API, 'VPCAttachment', 'att-x', {
      subnet: 'vpc-nope/s1',
      connection: 'no-such-connection',
    });
    const result = computeImpact(INDEX, [{ action: 'create', after: attachment }]);
    expect(result.switches).toEqual([]);
    expect(result.unresolved).toEqual([
      {
        object: { kind: 'VPCAttachment', namespace: 'default', name: 'att-x' },
        side: 'after',
        from: { kind: 'VPCAttachment', namespace: 'default', name: 'att-x' },
        missing: { kind: 'Connection', namespace: 'default', name: 'no-such-connection' },
        field: 'spec.connection',
      },
      {
        object: { kind: 'VPCAttachment', namespace: 'default', name: 'att-x' },
        side: 'after',
        from: { kind: 'VPCAttachment', namespace: 'default', name: 'att-x' },
        missing: { kind: 'VPC', namespace: 'default', name: 'vpc-nope' },
        field: 'spec.subnet',
      },
    ]);
  });

  it('a connection naming a missing switch: the existing endpoint is affected, the missing one reported', () => {
    const result = computeImpact(INDEX, [
      update('Connection', 'spine-01--fabric--leaf-01', () => ({
        fabric: { links: [{ spine: port('spine-01/E1/1'), leaf: port('leaf-99/E1/31') }] },
      })),
    ]);
    expect(reasons(result)).toEqual(['leaf-01 connection-endpoint before', 'spine-01 connection-endpoint both']);
    expect(result.unresolved.map((item) => `${item.side} ${item.missing.kind}/${item.missing.name}`)).toEqual([
      'after Switch/leaf-99',
    ]);
  });

  it('peerings naming missing VPCs and Externals are reported', () => {
    const result = computeImpact(INDEX, [
      { action: 'create', after: object(VPC_API, 'VPCPeering', 'p', { permit: [{ 'vpc-a': {}, 'vpc-gone': {} }] }) },
      {
        action: 'create',
        after: object(VPC_API, 'ExternalPeering', 'ep', {
          permit: { vpc: { name: 'vpc-gone' }, external: { name: 'ext-gone' } },
        }),
      },
      {
        action: 'create',
        after: object(VPC_API, 'ExternalAttachment', 'ea', { external: 'ext-gone', connection: 'nope' }),
      },
    ]);
    expect(names(result)).toEqual(['leaf-01', 'leaf-02', 'leaf-04']);
    expect(
      result.unresolved.map((item) => `${item.object.name} ${item.missing.kind}/${item.missing.name} ${item.field}`),
    ).toEqual([
      'p VPC/vpc-gone spec.permit',
      'ep VPC/vpc-gone spec.permit.vpc.name',
      'ep External/ext-gone spec.permit.external.name',
      'ep Connection/nope spec.connection', // reached through the new attachment of ext-gone
      'ea Connection/nope spec.connection',
      'ea External/ext-gone spec.external',
    ]);
  });
});

describe('impact: hostile input never throws', () => {
  const hostile: [string, HedgehogObject][] = [
    [
      'spec a string',
      { apiVersion: WIRING, kind: 'Connection', metadata: { name: 'c1' }, spec: 'x' } as HedgehogObject,
    ],
    ['links not a list', conn('c2', { bundled: { links: 'leaf-01/E1/1' }, eslag: { links: { a: 1 } } })],
    ['ports as numbers and nulls', conn('c3', { fabric: { links: [{ spine: { port: 7 }, leaf: null }, null] } })],
    [
      '__proto__ names',
      object(VPC_API, 'VPCAttachment', '__proto__', { subnet: '__proto__/x', connection: '__proto__' }),
    ],
    ['NUL bytes', object(VPC_API, 'VPCAttachment', 'a\u0000b', { subnet: 'vpc-a\u0000/s1', connection: 'x\u0000y' })],
    ['permit of scalars', object(VPC_API, 'VPCPeering', 'p', { permit: ['vpc-a', 3, null, [1]] })],
    ['no metadata', { apiVersion: VPC_API, kind: 'VPC' } as unknown as HedgehogObject],
    ['deep spec', object(VPC_API, 'VPC', 'deep', JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`))],
  ];
  for (const [label, item] of hostile) {
    it(label, () => {
      const index = buildImpactIndex([...FABRIC, item]);
      for (const action of ['create', 'update', 'delete'] as const) {
        const result = computeImpact(index, [{ action, before: item, after: item }]);
        expect(Array.isArray(result.switches)).toBe(true);
      }
    });
  }

  it('objects that are not objects are skipped', () => {
    const index = buildImpactIndex([null, 3, 'x', [], ...FABRIC] as unknown as HedgehogObject[]);
    expect(index.size).toBe(FABRIC.length);
    expect(computeImpact(index, [{ action: 'update', after: null }, { action: 'delete' }])).toEqual({
      switches: [],
      unresolved: [],
      noSwitchImpact: [],
    });
  });
});

// The shared folder sits next to the main checkout (../shared) and two levels above a worktree.
const SAMPLES =
  ['../../../shared/hedgehog-samples', '../../../../shared/hedgehog-samples']
    .map((relative) => join(import.meta.dirname, relative))
    .find((path) => existsSync(path)) ?? join(import.meta.dirname, '../../../shared/hedgehog-samples');
const PRESENT = existsSync(SAMPLES);

describe.skipIf(!PRESENT)(
  PRESENT ? 'impact: real samples' : `impact: real samples skipped, ${SAMPLES} is absent`,
  () => {
    const load = (file: string) =>
      validateManifests({ files: [{ path: file, text: readFileSync(join(SAMPLES, file), 'utf8') }] }).objects.map(
        (item) => item.object,
      );

    it('15 lab-ci wiring + gateway: an External reaches all 6 switches, its border switches by attachment', () => {
      const objects = load('15-labci-env-ci-1-wiring-plus-gateway-2026-06.yaml');
      const index = buildImpactIndex(objects);
      const external = objects.find((item) => item.kind === 'External' && item.metadata.name === 'default')!;
      const result = computeImpact(index, [{ action: 'update', before: external, after: external }]);
      expect(names(result)).toEqual(['ds3000-01', 'ds3000-02', 'ds3000-03', 'ds4000-01', 'ds4000-02', 'sse-c4632-01']);
      expect(reasons(result).filter((line) => !line.includes('all-switches'))).toEqual([
        'ds3000-03 external-attachment both',
        'sse-c4632-01 external-attachment both',
      ]);
      // Every Connection in the sample resolves to switches that exist.
      const connections = objects.filter((item) => item.kind === 'Connection');
      const all = computeImpact(
        index,
        connections.map((item) => ({ action: 'update' as const, before: item, after: item })),
      );
      expect(all.unresolved).toEqual([]);
      expect(names(all)).toEqual(['ds3000-01', 'ds3000-02', 'ds3000-03', 'ds4000-01', 'ds4000-02', 'sse-c4632-01']);
    });

    it('10 docs DHCP relay VPCs alone: vpc-02 is the relay of vpc-01; the connections are not in the file (unresolved)', () => {
      const objects = load('10-docs-vpcs-dhcp-relay-vpc.yaml');
      const index = buildImpactIndex(objects);
      const vpc = objects.find((item) => item.kind === 'VPC' && item.metadata.name === 'vpc-02')!;
      const result = computeImpact(index, [{ action: 'update', before: vpc, after: vpc }]);
      expect(result.switches).toEqual([]);
      expect(
        new Set(result.unresolved.map((item) => `${item.from.name} ${item.missing.kind}/${item.missing.name}`)),
      ).toEqual(
        new Set([
          'server-01--vpc-01 Connection/server-01--unbundled--leaf-01',
          'server-02--vpc-02 Connection/server-02--unbundled--leaf-01',
        ]),
      );
    });
  },
);

describe('impact: the generated 10,000-object fabric', () => {
  const objects = generateFabric({
    spines: 4,
    leaves: 64,
    serversPerLeafPair: 56,
    vpcs: 400,
    attachmentsPerConnection: 3,
  });
  const index = buildImpactIndex(objects);

  it('is about 10,000 objects, indexed once', () => {
    expect(objects.length).toBeGreaterThan(9_000);
    expect(index.size).toBe(objects.length);
  });

  it("a 10-object attachment change reaches only the attachments' leaf pairs", () => {
    const attachments = objects.filter((item) => item.kind === 'VPCAttachment').slice(0, 10);
    const changes = attachments.map((item) => ({
      action: 'update' as const,
      before: item,
      after: { ...item, spec: { ...(item.spec as object), nativeVLAN: true } },
    }));
    const result = computeImpact(index, changes);
    const expected = new Set<string>();
    for (const attachment of attachments) {
      const connection = objects.find(
        (item) =>
          item.kind === 'Connection' && item.metadata.name === (attachment.spec as { connection: string }).connection,
      )!;
      for (const match of JSON.stringify(connection.spec).matchAll(/"port":"([^/"]+)\//g))
        if (match[1]!.startsWith('leaf-')) expected.add(match[1]!);
    }
    expect(names(result)).toEqual([...expected].sort());
    expect(result.switches.length).toBeLessThanOrEqual(4);
    expect(result.unresolved).toEqual([]);
  });

  it('structural cost: a 10-object change reads a few dozen objects of the ~10,000, and never iterates them', () => {
    class CountingMap<K, V> extends Map<K, V> {
      reads = 0;
      scans = 0;
      override get(key: K) {
        this.reads++;
        return super.get(key);
      }
      override values() {
        this.scans++;
        return super.values();
      }
      override entries() {
        this.scans++;
        return super.entries();
      }
      override keys() {
        this.scans++;
        return super.keys();
      }
      override forEach(...args: Parameters<Map<K, V>['forEach']>) {
        this.scans++;
        super.forEach(...args);
      }
    }
    const counted = new CountingMap(index.objects);
    const attachments = objects.filter((item) => item.kind === 'VPCAttachment').slice(100, 110);
    const result = computeImpact({ ...index, objects: counted }, [
      ...attachments.map((item) => ({ action: 'delete' as const, before: item })),
    ]);
    expect(result.switches.length).toBeGreaterThan(0);
    expect(counted.scans).toBe(0);
    expect(counted.reads).toBeGreaterThan(0);
    expect(counted.reads).toBeLessThan(100);
  });
});
