/**
 * Findings: what validation reports. Every rule emits findings with a stable code; positions are
 * filled in later from the document the object came from, so rules only name a JSON path.
 */

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  /** Stable machine-readable code, e.g. `CONNECTION_PORT_IN_USE`. */
  code: string;
  message: string;
  file?: string;
  /** 0-based index of the YAML document within its file. */
  documentIndex?: number;
  /** 1-based line of the offending field (or the nearest enclosing one that exists). */
  line?: number;
  /** 1-based column. */
  column?: number;
  kind?: string;
  name?: string;
  /** JSON path like `$.spec.fabric.links[2].spine.port`. */
  path: string;
}

/**
 * Every code a finding can carry, with a one-line meaning. docs/validation.md lists the same
 * codes; a test keeps the two in step.
 */
export const FINDING_CODES = {
  // Reading files
  YAML_SYNTAX: 'The text is not well-formed YAML.',
  YAML_LIMIT: 'The document is too large, too deep or uses too many aliases.',
  NOT_AN_OBJECT: 'A YAML document is not a mapping (for example a bare string or list).',
  TEXT_UNSTORABLE: 'A key or string holds U+0000 (NUL) or a lone UTF-16 surrogate, which the database cannot store.',
  MISSING_TYPE: 'apiVersion or kind is missing.',
  NOT_HEDGEHOG_OBJECT: 'The document is not a Hedgehog object (for example a ConfigMap); it is ignored.',
  UNKNOWN_KIND: 'A *.githedgehog.com apiVersion/kind this release does not know.',
  LEGACY_API:
    'A removed API (v1alpha2, VPCPeering remote: errors) or a deprecated one Hedgehog still accepts (MCLAG, mclagDomain: warnings); the message names the replacement.',
  INTERNAL_KIND: 'A controller-managed kind (Agent, Catalog, DHCPSubnet, VPCInfo, GatewayAgent) that is never synced.',
  READ_ONLY_KIND: 'A SwitchProfile: profiles are a built-in catalog, not user objects.',
  DUPLICATE_OBJECT: 'Two documents define the same kind, namespace and name.',
  // Schema (zod)
  SCHEMA_REQUIRED: 'A required field is missing.',
  SCHEMA_TYPE: 'A field has the wrong type.',
  SCHEMA_UNKNOWN_FIELD: 'A field the API does not have (decoding is strict, as in hhfab).',
  SCHEMA_ENUM: 'A value outside the allowed set.',
  SCHEMA_FORMAT: 'A value does not match the required format (IP, CIDR, MAC, community...).',
  SCHEMA_RANGE: 'A number or list size outside the allowed range.',
  // Metadata
  NAME_INVALID: 'The name is not a lower-case RFC 1123 subdomain or is too long.',
  NAMESPACE_NOT_DEFAULT: 'Only namespace `default` is supported.',
  // Per-object semantics
  SWITCH_ROLE_UNSUPPORTED: 'Switch role outside spine, server-leaf, border-leaf, mixed-leaf.',
  SWITCH_PROFILE_UNKNOWN: 'The switch profile is not a built-in SwitchProfile.',
  SWITCH_PROFILE_FEATURE: 'The switch uses a feature its profile does not have (eslag, roce, ecmpRoCEQPN).',
  SWITCH_PORT_SETTING_INVALID:
    'A breakout, speed, auto-negotiation or FEC setting names a port or mode the profile does not allow.',
  SWITCH_MAX_PORTS: 'Breakouts exceed the profile (or pipeline) port limit.',
  SWITCH_REDUNDANCY_INVALID: 'Redundancy group and type must be set together.',
  SWITCH_NOT_HYDRATED: 'The switch lacks asn/ip/protocolIP/vtepIP (hhfab fills them when hydrating).',
  HYDRATION_STATUS:
    'The wiring as a whole is partially hydrated (hydration mode if-not-present) or not fully hydrated (mode never), which hhfab refuses.',
  SWITCH_ASN_INVALID: 'Leaf ASN outside the leaf range, or spine ASN not the spine ASN.',
  SWITCH_IP_INVALID: 'A switch address outside its fabric subnet, or in the DHCP range, or the control VIP.',
  SWITCH_VTEP_FORBIDDEN: 'Spines must not have a VTEP IP.',
  VLAN_RANGE_INVALID: 'VLAN range not within 1..4094, from > to, or overlapping a reserved VLAN range.',
  VLAN_RANGES_OVERLAP: 'Ranges of one VLANNamespace, or of the namespaces one switch uses, overlap.',
  SUBNET_INVALID: 'An IPv4Namespace subnet is not an IPv4 CIDR.',
  SUBNET_RESERVED_OVERLAP: 'A subnet overlaps one of the fabric reserved subnets.',
  CONNECTION_TYPE_COUNT: 'A Connection must use exactly one connection type.',
  CONNECTION_PORT_FORMAT: 'A port is not written `<device>/<port>`.',
  CONNECTION_ENDPOINTS: 'The connection type needs a different number of switches/servers or distinct ports.',
  CONNECTION_MTU: 'MTU above fabric MTU minus the server-facing offset.',
  CONNECTION_LINK_IP: 'Fabric/mesh/gateway link IPs must be /31 in the fabric subnet, both ends in one /31.',
  CONNECTION_NOT_HYDRATED: 'A fabric, mesh or gateway link without IPs (hhfab fills them when hydrating).',
  CONNECTION_STATIC_EXTERNAL: 'staticExternal rules: ip/nextHop/subnets.',
  CONNECTION_DEPRECATED: 'A deprecated connection type (staticExternal).',
  VPC_NAME_INVALID: 'VPC, IPv4Namespace and External names are at most 11 characters; VPCs must not start with `ext.`.',
  VPC_MODE_UNSUPPORTED: 'VPC mode l3flat is not supported.',
  VPC_SUBNET_INVALID:
    'VPC subnet rules: CIDR, prefix length, host bits, inside the IPv4Namespace, gateway, VLAN present and inside the VLANNamespace.',
  VPC_DHCP_INVALID: 'VPC DHCP rules: relay vs enable, range, options, static leases.',
  VPC_PERMIT_INVALID: 'VPC permit lists need at least 2 distinct existing subnets.',
  VPC_ATTACHMENT_INVALID:
    'VPCAttachment rules: nativeVLAN on a hostBGP subnet; the `fabric.githedgehog.com/p2p-link` annotation is not an IPv4 /31.',
  VPC_STATIC_ROUTE_INVALID: 'Static route prefix must be a canonical CIDR with next hops.',
  EXTERNAL_INVALID: 'External rules: communities, static prefixes.',
  EXTERNAL_ATTACHMENT_INVALID: 'ExternalAttachment rules: BGP vs static fields.',
  ACL_INVALID: 'ExternalAttachment inbound ACL statement rules.',
  PEERING_INVALID: 'VPCPeering/ExternalPeering/GatewayPeering structure rules.',
  GATEWAY_INVALID: 'Gateway rules: interfaces, addresses, ASN, groups.',
  GATEWAY_NOT_HYDRATED: 'The gateway lacks protocolIP/vtepIP/vtepMAC/asn/neighbors/interface IPs (hhfab fills them).',
  GATEWAY_NAT_INVALID:
    'GatewayPeering expose rules: ips required unless default, one of cidr/not/vpcSubnet per entry, as and nat, NAT types, port forwarding ports.',
  GATEWAY_ACL_INVALID:
    'GatewayPeering ACL rule: name, from/to not members of the peering, cidr with vpcSubnet, a CIDR or port that does not parse.',
  GATEWAY_DISABLED: 'Gateway kinds need the fabric gateway to be enabled.',
  // Whole-fabric
  REFERENCE_NOT_FOUND:
    'A referenced object (switch, server, group, namespace, VPC, subnet, connection, external...) does not exist.',
  REFERENCE_WRONG_TYPE:
    'A reference points at an object of the wrong type (e.g. attaching a VPC to a fabric connection).',
  REDUNDANCY_GROUP_MISMATCH: 'ESLAG connection switches must share one eslag redundancy group.',
  PORT_NOT_ALLOWED: 'The port does not exist on the switch for its profile and breakouts.',
  PORT_IN_USE: 'The port (or its breakout alias) is already used by another connection.',
  DUPLICATE_ASN: 'Two leaves share an ASN.',
  DUPLICATE_IP: 'An address (management, protocol, VTEP, link IP, gateway VTEP MAC) is used twice.',
  DUPLICATE_VLAN: 'A VLAN is used twice in one VLANNamespace (or on one connection).',
  SUBNET_OVERLAP:
    'Subnets overlap: within an IPv4Namespace, within a VPC, across the VPCs of one IPv4Namespace, or what GatewayPeerings expose towards one VPC.',
  NAMESPACE_MISMATCH: 'Peered or attached objects are in different IPv4/VLAN namespaces.',
  ATTACHMENT_CONFLICT: 'A connection attaches the same subnet twice, or has more than one native VLAN.',
  PEERING_DISABLED: 'VPC peering is disabled in the fabric config.',
} as const;

export type FindingCode = keyof typeof FINDING_CODES;

/** `['spec', 'links', 2, 'port']` → `$.spec.links[2].port`; keys that are not identifiers are quoted. */
export function toJsonPath(path: readonly (string | number)[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
