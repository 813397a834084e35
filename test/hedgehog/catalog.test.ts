import { describe, expect, it } from 'vitest';
import {
  KIND_CATALOG,
  MANAGED_KINDS,
  applyOrderOf,
  findKind,
  findKindByName,
  legacyApiReplacement,
} from '../../src/hedgehog/catalog.ts';
import { KIND_SCHEMAS } from '../../src/hedgehog/schemas.ts';

describe('kind catalog', () => {
  it('manages exactly the 16 kinds of issue 3, in the reference apply order', () => {
    expect(MANAGED_KINDS.map((info) => info.kind)).toEqual([
      'VLANNamespace',
      'IPv4Namespace',
      'SwitchGroup',
      'GatewayGroup',
      'ServerProfile',
      'Switch',
      'Server',
      'Gateway',
      'Connection',
      'External',
      'VPC',
      'ExternalAttachment',
      'VPCAttachment',
      'VPCPeering',
      'ExternalPeering',
      'GatewayPeering',
    ]);
    // apply order: namespaces before devices before connections before VPCs before attachments before peerings
    expect(applyOrderOf('VLANNamespace')).toBeLessThan(applyOrderOf('Switch'));
    expect(applyOrderOf('Switch')).toBeLessThan(applyOrderOf('Connection'));
    expect(applyOrderOf('Connection')).toBeLessThan(applyOrderOf('VPC'));
    expect(applyOrderOf('VPC')).toBeLessThan(applyOrderOf('VPCAttachment'));
    expect(applyOrderOf('VPCAttachment')).toBeLessThan(applyOrderOf('VPCPeering'));
    expect(applyOrderOf('Agent')).toBe(MANAGED_KINDS.length);
  });

  it('has a strict schema for every managed kind and for nothing else', () => {
    expect(Object.keys(KIND_SCHEMAS).sort()).toEqual(MANAGED_KINDS.map((info) => info.kind).sort());
  });

  it('knows group, version, plural, short names, directory and role', () => {
    expect(findKind('wiring.githedgehog.com/v1beta1', 'Connection')).toMatchObject({
      group: 'wiring.githedgehog.com',
      version: 'v1beta1',
      plural: 'connections',
      shortNames: ['conn'],
      scope: 'Namespaced',
      directory: 'connections',
      managed: true,
      role: 'managed',
    });
    expect(findKind('gateway.githedgehog.com/v1alpha1', 'GatewayPeering')).toMatchObject({
      plural: 'gatewaypeerings',
      directory: 'gatewaypeerings',
      shortNames: ['gwpeer'],
    });
    expect(findKindByName('SwitchGroup')!.directory).toBe('switchgroups');
    expect(findKindByName('SwitchProfile')).toMatchObject({ role: 'readOnlyCatalog', managed: false });
    for (const internal of ['Agent', 'Catalog', 'DHCPSubnet', 'VPCInfo', 'GatewayAgent']) {
      expect(findKindByName(internal)).toMatchObject({ role: 'internal', managed: false });
    }
    expect(findKind('wiring.githedgehog.com/v1alpha2', 'Connection')).toBeUndefined();
    expect(findKind('v1', 'ConfigMap')).toBeUndefined();
    expect(new Set(KIND_CATALOG.map((info) => `${info.apiVersion}/${info.kind}`)).size).toBe(KIND_CATALOG.length);
  });

  it('names the replacement of removed API versions', () => {
    expect(legacyApiReplacement('wiring.githedgehog.com/v1alpha2', 'Switch')).toContain(
      'wiring.githedgehog.com/v1beta1 Switch',
    );
    expect(legacyApiReplacement('vpc.githedgehog.com/v1alpha2', 'NAT')).toContain('no direct replacement');
    expect(legacyApiReplacement('wiring.githedgehog.com/v1beta1', 'Switch')).toBeUndefined();
  });
});
