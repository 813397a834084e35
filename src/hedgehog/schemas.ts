/**
 * Structural schemas per kind (zod 4, strict like hhfab's decoder): field names, types, enums,
 * formats, ranges and list sizes from the CRDs (reference §§3–6). Semantic rules that need more
 * than one field, or other objects, live in object-rules.ts and fabric-rules.ts.
 *
 * `null` is accepted wherever Go's JSON decoding accepts it (pointers, slices, maps, structs),
 * since real files contain it (`vpc-01:` with no value in a VPCPeering).
 */
import { z } from 'zod';

const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const uint = (max: number) => z.number().int().min(0).max(max);
const uint8 = uint(255);
const uint16 = uint(65535);
const uint32 = uint(4294967295);

/** The CRD pattern for link IPs (an IPv4 address with a prefix length). */
export const CRD_IPV4_CIDR = /^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}\/([1-2]?[0-9]|3[0-2])$/;
/** The CRD pattern for next hops (an IPv4 address). */
export const CRD_IPV4 = /^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}$/;

const ipv4Cidr = z
  .string()
  .regex(CRD_IPV4_CIDR, { message: 'must be an IPv4 address with a prefix length, e.g. 10.0.0.1/31' });
const ipv4 = z.string().regex(CRD_IPV4, { message: 'must be an IPv4 address, e.g. 10.0.0.1' });
/** Go's time.Duration text form (`2m`, `1h30m`, `90s`). */
const duration = z
  .string()
  .regex(/^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/, { message: 'must be a duration such as 2m or 90s' });

const stringMap = z.record(z.string(), z.string());

const objectMeta = z.strictObject({
  name: z.string(),
  namespace: opt(z.string()),
  labels: opt(z.record(z.string(), z.string().nullable())),
  annotations: opt(z.record(z.string(), z.string().nullable())),
  // Server-set fields: present on objects read back from a cluster, ignored by the canonical form.
  uid: opt(z.string()),
  resourceVersion: opt(z.string()),
  generation: opt(z.number()),
  creationTimestamp: opt(z.unknown()),
  deletionTimestamp: opt(z.unknown()),
  deletionGracePeriodSeconds: opt(z.number()),
  managedFields: opt(z.array(z.unknown())),
  ownerReferences: opt(z.array(z.unknown())),
  finalizers: opt(z.array(z.string())),
  generateName: opt(z.string()),
  selfLink: opt(z.string()),
});

/** User kinds have an empty status struct; strict decoding refuses fields in it. */
const emptyStatus = opt(z.strictObject({}));

/** A kind whose spec has required fields. */
function kindSchema<S extends z.ZodType>(spec: S) {
  return z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec, status: emptyStatus });
}

/** A kind whose spec may be omitted (every field optional). */
function kindSchemaOptionalSpec<S extends z.ZodType>(spec: S) {
  return z.strictObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: objectMeta,
    spec: opt(spec),
    status: emptyStatus,
  });
}

// wiring.githedgehog.com/v1beta1

export const SWITCH_ROLES = ['spine', 'server-leaf', 'border-leaf', 'mixed-leaf', 'virtual-edge'] as const;

const switchSpec = z.strictObject({
  role: z.enum(SWITCH_ROLES),
  description: opt(z.string()),
  profile: opt(z.string()),
  groups: opt(z.array(z.string())),
  redundancy: opt(z.strictObject({ group: opt(z.string()), type: opt(z.enum(['', 'eslag', 'mclag'])) })),
  vlanNamespaces: opt(z.array(z.string())),
  asn: opt(uint32),
  ip: opt(z.string()),
  vtepIP: opt(z.string()),
  protocolIP: opt(z.string()),
  portGroupSpeeds: opt(stringMap),
  portSpeeds: opt(stringMap),
  portBreakouts: opt(stringMap),
  portAutoNegs: opt(z.record(z.string(), z.boolean())),
  portFECs: opt(z.record(z.string(), z.enum(['rs', 'fc', 'auto', 'disabled']))),
  boot: opt(z.strictObject({ serial: opt(z.string()), mac: opt(z.string()) })),
  enableAllPorts: opt(z.boolean()),
  roce: opt(z.boolean()),
  ecmp: opt(z.strictObject({ roceQPN: opt(z.boolean()) })),
  linkFlapErrDisable: opt(
    z.strictObject({
      flapThreshold: opt(z.number().int().min(1).max(50)),
      samplingInterval: opt(z.number().int().min(1).max(65535)),
      recoveryInterval: opt(z.number().int().min(0).max(65534)),
    }),
  ),
  // 26.03 only (reference: version drift); accepted so newer exports load.
  portLocators: opt(z.record(z.string(), z.string())),
});

const port = z.strictObject({ port: opt(z.string()) });
const portWithIP = z.strictObject({ port: opt(z.string()), ip: opt(ipv4Cidr) });
const serverToSwitchLink = z.strictObject({ server: opt(port), switch: opt(port) });
const switchToSwitchLink = z.strictObject({ switch1: opt(port), switch2: opt(port) });
const serverFacing = { mtu: opt(uint16) };

export const CONNECTION_TYPES = [
  'unbundled',
  'bundled',
  'mclag',
  'eslag',
  'mclagDomain',
  'fabric',
  'mesh',
  'gateway',
  'vpcLoopback',
  'external',
  'staticExternal',
] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

const connectionSpec = z.strictObject({
  unbundled: opt(z.strictObject({ link: opt(serverToSwitchLink), ...serverFacing })),
  bundled: opt(
    z.strictObject({ links: opt(z.array(serverToSwitchLink)), ...serverFacing, fallback: opt(z.boolean()) }),
  ),
  mclag: opt(z.strictObject({ links: opt(z.array(serverToSwitchLink)), ...serverFacing, fallback: opt(z.boolean()) })),
  eslag: opt(
    z.strictObject({ links: opt(z.array(serverToSwitchLink).min(2)), ...serverFacing, fallback: opt(z.boolean()) }),
  ),
  mclagDomain: opt(
    z.strictObject({ peerLinks: opt(z.array(switchToSwitchLink)), sessionLinks: opt(z.array(switchToSwitchLink)) }),
  ),
  fabric: opt(
    z.strictObject({ links: opt(z.array(z.strictObject({ spine: opt(portWithIP), leaf: opt(portWithIP) })).min(1)) }),
  ),
  mesh: opt(
    z.strictObject({ links: opt(z.array(z.strictObject({ leaf1: opt(portWithIP), leaf2: opt(portWithIP) })).min(1)) }),
  ),
  gateway: opt(
    z.strictObject({
      links: opt(z.array(z.strictObject({ switch: opt(portWithIP), gateway: opt(portWithIP) })).min(1)),
    }),
  ),
  vpcLoopback: opt(z.strictObject({ links: opt(z.array(switchToSwitchLink).min(1)) })),
  external: opt(z.strictObject({ link: opt(z.strictObject({ switch: opt(port) })) })),
  staticExternal: opt(
    z.strictObject({
      link: opt(
        z.strictObject({
          switch: opt(
            z.strictObject({
              port: opt(z.string()),
              ip: opt(ipv4Cidr),
              nextHop: opt(ipv4),
              subnets: opt(z.array(z.string())),
              vlan: opt(uint16),
            }),
          ),
        }),
      ),
      withinVPC: opt(z.string()),
    }),
  ),
});

const vlanNamespaceSpec = z.strictObject({
  ranges: z
    .array(z.strictObject({ from: opt(uint16), to: opt(uint16) }))
    .min(1)
    .max(20),
});

const serverSpec = z.strictObject({ description: opt(z.string()), profile: opt(z.string()) });
const serverProfileSpec = z.strictObject({
  nics: opt(
    z.array(z.strictObject({ name: opt(z.string()), ports: opt(z.array(z.strictObject({ name: opt(z.string()) }))) })),
  ),
});
const emptySpec = z.strictObject({});

// vpc.githedgehog.com/v1beta1

const dhcpOptions = z.strictObject({
  pxeURL: opt(z.string()),
  dnsServers: opt(z.array(z.string())),
  timeServers: opt(z.array(z.string())),
  // The CRD lists both keys as required, but VPC.Default fills them (9036, 3600) before the CRD
  // schema runs, so they are never missing; 0 means "default".
  interfaceMTU: opt(z.union([z.literal(0), z.number().int().min(96).max(9036)])),
  leaseTimeSeconds: opt(uint32),
  disableDefaultRoute: opt(z.boolean()),
  advertisedRoutes: opt(z.array(z.strictObject({ destination: opt(z.string()), gateway: opt(z.string()) }))),
});

const vpcSubnet = z.strictObject({
  subnet: opt(z.string()),
  gateway: opt(z.string()),
  dhcp: opt(
    z.strictObject({
      relay: opt(z.string()),
      relayVPC: opt(z.string()),
      enable: opt(z.boolean()),
      range: opt(z.strictObject({ start: opt(z.string()), end: opt(z.string()) })),
      options: opt(dhcpOptions),
      static: opt(z.record(z.string(), z.strictObject({ ip: z.string() }))),
    }),
  ),
  vlan: opt(uint16),
  isolated: opt(z.boolean()),
  restricted: opt(z.boolean()),
  hostBGP: opt(z.boolean()),
  // 26.03 only (reference: version drift).
  hostBGPMinPrefixLen: opt(uint8),
  hostBGPMaxPrefixLen: opt(uint8),
  // fabric v0.129 `map[string]VPCSubnetHostBGPPrefix`, keyed by prefix: `"10.10.55.0/24": {minPrefixLen: 26}`.
  hostBGPExtraPrefixes: opt(
    z.record(z.string(), z.strictObject({ minPrefixLen: opt(uint8), maxPrefixLen: opt(uint8) }).nullable()),
  ),
});

const vpcSpec = z.strictObject({
  mode: opt(z.enum(['', 'l3vni', 'l3flat'])),
  subnets: opt(z.record(z.string(), vpcSubnet.nullable())),
  ipv4Namespace: opt(z.string()),
  vlanNamespace: opt(z.string()),
  defaultIsolated: opt(z.boolean()),
  defaultRestricted: opt(z.boolean()),
  permit: opt(z.array(z.array(z.string()))),
  staticRoutes: opt(z.array(z.strictObject({ prefix: opt(z.string()), nextHops: opt(z.array(z.string())) }))),
});

const vpcAttachmentSpec = z.strictObject({
  subnet: opt(z.string()),
  connection: opt(z.string()),
  nativeVLAN: opt(z.boolean()),
});

const vpcPeeringSpec = z.strictObject({
  remote: opt(z.string()),
  permit: opt(
    z
      .array(z.record(z.string(), z.strictObject({ subnets: opt(z.array(z.string()).min(1).max(10)) }).nullable()))
      .min(1)
      .max(10),
  ),
});

const ipv4NamespaceSpec = z.strictObject({ subnets: z.array(z.string()).min(1).max(20) });

const community = z.string().regex(/^(\d{1,5}):(\d{1,5})$/, { message: 'must be a BGP community <0-65535>:<0-65535>' });
const externalSpec = z.strictObject({
  ipv4Namespace: opt(z.string()),
  inboundCommunity: opt(z.union([z.literal(''), community])),
  outboundCommunity: opt(z.union([z.literal(''), community])),
  static: opt(z.strictObject({ prefixes: opt(z.array(z.string())) })),
});

const aclStatement = z.strictObject({
  seq: uint16,
  action: z.enum(['permit', 'deny', 'discard', 'transit']),
  protocol: z.enum(['ip', 'tcp', 'udp', 'icmp']),
  srcPrefix: z.string(),
  dstPrefix: z.string(),
  portRangeBegin: opt(uint16),
  portRangeEnd: opt(uint16),
  tcpFilters: opt(
    z.strictObject(
      Object.fromEntries(
        [
          'established',
          'fin',
          'notFin',
          'syn',
          'notSyn',
          'rst',
          'notRst',
          'psh',
          'notPsh',
          'ack',
          'notAck',
          'urg',
          'notUrg',
        ].map((flag) => [flag, opt(z.boolean())]),
      ),
    ),
  ),
  icmpType: opt(uint8),
  icmpCode: opt(uint8),
});

// hhfab's Go decoding tolerates missing switch/neighbor keys (reference §5), so they are optional here.
const externalAttachmentSpec = z.strictObject({
  external: opt(z.string()),
  connection: opt(z.string()),
  switch: opt(z.strictObject({ vlan: opt(uint16), ip: opt(z.string()) })),
  neighbor: opt(z.strictObject({ asn: opt(uint32), ip: opt(z.string()) })),
  static: opt(
    z.strictObject({ remoteIP: z.string(), vlan: opt(uint16), ip: opt(z.string()), proxy: opt(z.boolean()) }),
  ),
  inboundACL: opt(z.strictObject({ statements: opt(z.array(aclStatement)) })),
});

const externalPeeringSpec = z.strictObject({
  permit: opt(
    z.strictObject({
      vpc: opt(z.strictObject({ name: opt(z.string()), subnets: opt(z.array(z.string())) })),
      external: opt(
        z.strictObject({ name: opt(z.string()), prefixes: opt(z.array(z.strictObject({ prefix: opt(z.string()) }))) }),
      ),
    }),
  ),
});

// gateway.githedgehog.com/v1alpha1

const logLevel = z.enum(['off', 'error', 'warning', 'info', 'debug', 'trace']);
const gatewaySpec = z.strictObject({
  protocolIP: opt(z.string()),
  vtepIP: opt(z.string()),
  vtepMAC: opt(z.string()),
  asn: opt(uint32),
  vtepMTU: opt(uint32),
  interfaces: opt(
    z.record(
      z.string(),
      z
        .strictObject({
          pci: opt(z.string()),
          kernel: opt(z.string()),
          ips: opt(z.array(z.string())),
          mtu: opt(uint32),
        })
        .nullable(),
    ),
  ),
  neighbors: opt(z.array(z.strictObject({ source: opt(z.string()), ip: opt(z.string()), asn: opt(uint32) }))),
  logs: opt(
    z.strictObject({
      default: opt(z.union([z.literal(''), logLevel])),
      tags: opt(z.record(z.string(), logLevel)),
      rateLimit: opt(z.strictObject({ burst: opt(uint32), replenishPerSecond: opt(uint32) })),
    }),
  ),
  profiling: opt(z.strictObject({ enabled: opt(z.boolean()) })),
  workers: opt(uint8),
  groups: opt(z.array(z.strictObject({ name: opt(z.string()), priority: opt(uint32) }))),
  flowTableCapacity: opt(uint32),
});

/**
 * GatewayPeering.Validate: an ACL match protocol is "", tcp, udp, or anything `strconv.Atoi`
 * reads (an optionally signed decimal that fits in 64 bits).
 */
const aclMatchProtocol = z
  .string()
  .refine((value) => value === '' || value === 'tcp' || value === 'udp' || isGoInt(value), {
    message: 'must be "", "tcp", "udp" or a protocol number',
  });

const GO_INT_MAX = 9223372036854775807n;
function isGoInt(value: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(value)) return false;
  const negative = value.startsWith('-');
  const digits = value.replace(/^[+-]/, '').replace(/^0+(?=[0-9])/, '');
  if (digits.length > 19) return false;
  const number = BigInt(digits);
  return negative ? number <= GO_INT_MAX + 1n : number <= GO_INT_MAX;
}

const cidrOrNot = z.strictObject({ cidr: opt(z.string()), not: opt(z.string()) });
const gatewayPeeringSpec = z.strictObject({
  gatewayGroup: opt(z.string()),
  peering: opt(
    z.record(
      z.string(),
      z
        .strictObject({
          expose: opt(
            z.array(
              z.strictObject({
                ips: opt(
                  z.array(z.strictObject({ cidr: opt(z.string()), not: opt(z.string()), vpcSubnet: opt(z.string()) })),
                ),
                as: opt(z.array(cidrOrNot)),
                nat: opt(
                  z.strictObject({
                    masquerade: opt(z.strictObject({ idleTimeout: opt(duration) })),
                    portForward: opt(
                      z.strictObject({
                        idleTimeout: opt(duration),
                        ports: opt(
                          z.array(
                            z.strictObject({
                              proto: opt(z.enum(['', 'tcp', 'udp'])),
                              port: opt(z.string()),
                              as: opt(z.string()),
                            }),
                          ),
                        ),
                      }),
                    ),
                    static: opt(z.strictObject({})),
                  }),
                ),
                default: opt(z.boolean()),
              }),
            ),
          ),
        })
        .nullable(),
    ),
  ),
  acl: opt(
    z.strictObject({
      // GatewayPeering.Default fills `deny-unless-exposed`.
      default: opt(z.enum(['', 'deny', 'deny-unless-exposed'])),
      rules: opt(
        z.array(
          z.strictObject({
            name: opt(z.string().max(64)),
            from: opt(z.string()),
            to: opt(z.string()),
            action: z.enum(['deny', 'allow']),
            match: opt(
              z.strictObject({
                src: opt(
                  z.array(
                    z.strictObject({
                      cidr: opt(z.string()),
                      vpcSubnet: opt(z.string()),
                      ports: opt(z.array(z.string())),
                    }),
                  ),
                ),
                dst: opt(
                  z.array(
                    z.strictObject({
                      cidr: opt(z.string()),
                      vpcSubnet: opt(z.string()),
                      ports: opt(z.array(z.string())),
                    }),
                  ),
                ),
                proto: opt(aclMatchProtocol),
              }),
            ),
            scope: opt(z.enum(['', 'flow', 'packet'])),
            log: opt(z.boolean()),
          }),
        ),
      ),
    }),
  ),
});

export const switchSchema = kindSchema(switchSpec);
export const switchGroupSchema = kindSchemaOptionalSpec(emptySpec);
export const serverSchema = kindSchemaOptionalSpec(serverSpec);
export const connectionSchema = kindSchema(connectionSpec);
export const vlanNamespaceSchema = kindSchema(vlanNamespaceSpec);
export const serverProfileSchema = kindSchemaOptionalSpec(serverProfileSpec);
export const vpcSchema = kindSchema(vpcSpec);
export const vpcAttachmentSchema = kindSchema(vpcAttachmentSpec);
export const vpcPeeringSchema = kindSchema(vpcPeeringSpec);
export const ipv4NamespaceSchema = kindSchema(ipv4NamespaceSpec);
export const externalSchema = kindSchemaOptionalSpec(externalSpec);
export const externalAttachmentSchema = kindSchema(externalAttachmentSpec);
export const externalPeeringSchema = kindSchema(externalPeeringSpec);
export const gatewaySchema = kindSchemaOptionalSpec(gatewaySpec);
export const gatewayGroupSchema = kindSchemaOptionalSpec(emptySpec);
export const gatewayPeeringSchema = kindSchema(gatewayPeeringSpec);

export type SwitchObject = z.infer<typeof switchSchema>;
export type ServerObject = z.infer<typeof serverSchema>;
export type ConnectionObject = z.infer<typeof connectionSchema>;
export type ConnectionSpec = z.infer<typeof connectionSpec>;
export type VLANNamespaceObject = z.infer<typeof vlanNamespaceSchema>;
export type VPCObject = z.infer<typeof vpcSchema>;
export type VPCSubnetSpec = z.infer<typeof vpcSubnet>;
export type VPCAttachmentObject = z.infer<typeof vpcAttachmentSchema>;
export type VPCPeeringObject = z.infer<typeof vpcPeeringSchema>;
export type IPv4NamespaceObject = z.infer<typeof ipv4NamespaceSchema>;
export type ExternalObject = z.infer<typeof externalSchema>;
export type ExternalAttachmentObject = z.infer<typeof externalAttachmentSchema>;
export type ExternalPeeringObject = z.infer<typeof externalPeeringSchema>;
export type GatewayObject = z.infer<typeof gatewaySchema>;
export type GatewayPeeringObject = z.infer<typeof gatewayPeeringSchema>;

/** One strict schema per managed kind (SwitchProfile is not here: it is read-only). */
export const KIND_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  Switch: switchSchema,
  SwitchGroup: switchGroupSchema,
  Server: serverSchema,
  Connection: connectionSchema,
  VLANNamespace: vlanNamespaceSchema,
  ServerProfile: serverProfileSchema,
  VPC: vpcSchema,
  VPCAttachment: vpcAttachmentSchema,
  VPCPeering: vpcPeeringSchema,
  IPv4Namespace: ipv4NamespaceSchema,
  External: externalSchema,
  ExternalAttachment: externalAttachmentSchema,
  ExternalPeering: externalPeeringSchema,
  Gateway: gatewaySchema,
  GatewayGroup: gatewayGroupSchema,
  GatewayPeering: gatewayPeeringSchema,
};
