/**
 * The one table that knows Hedgehog kinds (reference §2). Everything else asks this module
 * whether an apiVersion/kind is Hedgehog's, whether the gateway manages it and where its file lives.
 */

export type KindScope = 'Namespaced' | 'Cluster';
export type KindRole = 'managed' | 'readOnlyCatalog' | 'internal';

export interface KindInfo {
  readonly group: string;
  readonly version: string;
  /** `group/version`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly shortNames: readonly string[];
  readonly scope: KindScope;
  /** Managed directory name: lower-case kind + `s` (`connections`, `switchgroups`). */
  readonly directory: string;
  readonly managed: boolean;
  readonly role: KindRole;
}

export const WIRING_GROUP = 'wiring.githedgehog.com';
export const VPC_GROUP = 'vpc.githedgehog.com';
export const GATEWAY_GROUP = 'gateway.githedgehog.com';

function kind(
  group: string,
  version: string,
  name: string,
  plural: string,
  shortNames: string[],
  role: KindRole,
): KindInfo {
  return {
    group,
    version,
    apiVersion: `${group}/${version}`,
    kind: name,
    plural,
    shortNames,
    scope: 'Namespaced', // every Hedgehog CRD is namespaced (reference §1)
    directory: `${name.toLowerCase()}s`,
    managed: role === 'managed',
    role,
  };
}

/**
 * Managed kinds are listed in apply order (reference §7): namespaces and groups, then devices,
 * connections, VPCs and externals, attachments, peerings. `MANAGED_KINDS` keeps this order.
 */
export const KIND_CATALOG: readonly KindInfo[] = [
  kind(WIRING_GROUP, 'v1beta1', 'VLANNamespace', 'vlannamespaces', ['vlanns'], 'managed'),
  kind(VPC_GROUP, 'v1beta1', 'IPv4Namespace', 'ipv4namespaces', ['ipns'], 'managed'),
  kind(WIRING_GROUP, 'v1beta1', 'SwitchGroup', 'switchgroups', ['sg'], 'managed'),
  kind(GATEWAY_GROUP, 'v1alpha1', 'GatewayGroup', 'gatewaygroups', ['gwgr'], 'managed'),
  kind(WIRING_GROUP, 'v1beta1', 'ServerProfile', 'serverprofiles', [], 'managed'),
  kind(WIRING_GROUP, 'v1beta1', 'Switch', 'switches', ['sw'], 'managed'),
  kind(WIRING_GROUP, 'v1beta1', 'Server', 'servers', ['srv'], 'managed'),
  kind(GATEWAY_GROUP, 'v1alpha1', 'Gateway', 'gateways', ['gw'], 'managed'),
  kind(WIRING_GROUP, 'v1beta1', 'Connection', 'connections', ['conn'], 'managed'),
  kind(VPC_GROUP, 'v1beta1', 'External', 'externals', ['ext'], 'managed'),
  kind(VPC_GROUP, 'v1beta1', 'VPC', 'vpcs', [], 'managed'),
  kind(VPC_GROUP, 'v1beta1', 'ExternalAttachment', 'externalattachments', ['extattach'], 'managed'),
  kind(VPC_GROUP, 'v1beta1', 'VPCAttachment', 'vpcattachments', ['vpcattach'], 'managed'),
  kind(VPC_GROUP, 'v1beta1', 'VPCPeering', 'vpcpeerings', ['vpcpeer'], 'managed'),
  kind(VPC_GROUP, 'v1beta1', 'ExternalPeering', 'externalpeerings', ['extpeering', 'extpeer'], 'managed'),
  kind(GATEWAY_GROUP, 'v1alpha1', 'GatewayPeering', 'gatewaypeerings', ['gwpeer'], 'managed'),
  kind(WIRING_GROUP, 'v1beta1', 'SwitchProfile', 'switchprofiles', ['sp'], 'readOnlyCatalog'),
  kind(GATEWAY_GROUP, 'v1alpha1', 'VPCInfo', 'vpcinfos', ['gwvpc'], 'internal'),
  kind('gwint.githedgehog.com', 'v1alpha1', 'GatewayAgent', 'gatewayagents', ['gwag'], 'internal'),
  kind('agent.githedgehog.com', 'v1beta1', 'Agent', 'agents', ['ag'], 'internal'),
  kind('agent.githedgehog.com', 'v1beta1', 'Catalog', 'catalogs', [], 'internal'),
  kind('dhcp.githedgehog.com', 'v1beta1', 'DHCPSubnet', 'dhcpsubnets', ['dhcp'], 'internal'),
];

/** The 16 kinds the gateway stores, syncs and writes to Git, in apply order. */
export const MANAGED_KINDS: readonly KindInfo[] = KIND_CATALOG.filter((info) => info.managed);

const byApiVersionKind = new Map(KIND_CATALOG.map((info) => [`${info.apiVersion}|${info.kind}`, info]));
const byKindName = new Map(KIND_CATALOG.map((info) => [info.kind, info]));

export function findKind(apiVersion: string, kindName: string): KindInfo | undefined {
  return byApiVersionKind.get(`${apiVersion}|${kindName}`);
}

export function findKindByName(kindName: string): KindInfo | undefined {
  return byKindName.get(kindName);
}

/** Position of a managed kind in apply order; unmanaged kinds sort last. */
export function applyOrderOf(kindName: string): number {
  const index = MANAGED_KINDS.findIndex((info) => info.kind === kindName);
  return index < 0 ? MANAGED_KINDS.length : index;
}

/** True for any `*.githedgehog.com` group, including ones this release does not serve. */
export function isHedgehogApiVersion(apiVersion: string): boolean {
  const group = apiVersion.split('/')[0] ?? '';
  return group === 'githedgehog.com' || group.endsWith('.githedgehog.com');
}

/**
 * What replaced a removed API, for the legacy-API finding. Keyed by group/version, or by
 * `group/version|Kind` for kinds removed from a version that still exists.
 */
export function legacyApiReplacement(apiVersion: string, kindName: string): string | undefined {
  const [group, version] = apiVersion.split('/');
  if (!group || !version) return undefined;
  if (group === WIRING_GROUP || group === VPC_GROUP) {
    if (version === 'v1beta1') {
      return undefined;
    }
    if (version.startsWith('v1alpha')) {
      const current = findKindByName(kindName);
      if (current?.group === group || current?.group === GATEWAY_GROUP) {
        return `${apiVersion} was removed; use ${current.apiVersion} ${kindName} (fabric releases since 2024 serve only ${WIRING_GROUP}/v1beta1, ${VPC_GROUP}/v1beta1 and ${GATEWAY_GROUP}/v1alpha1)`;
      }
      return `${apiVersion} ${kindName} was removed with no direct replacement (v1alpha2 Rack and NAT kinds, and collapsed-core wiring, are gone since release 25.05)`;
    }
  }
  return undefined;
}
