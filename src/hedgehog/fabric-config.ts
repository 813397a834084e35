/**
 * The fabric settings the rules depend on (reference §9). Defaults are hhfab's
 * (fabricator `pkg/fab/defaults.go`, `hhfab init --gw`); a fabric overrides any of them.
 */
import { z } from 'zod';

/**
 * hhfab's `--hydrate-mode` (fabricator `pkg/hhfab/hydrate.go`): `never` needs a fully hydrated
 * wiring; `if-not-present` (hhfab's default) hydrates a wiring that has no hydrated field at all
 * and refuses a partly hydrated one; `override` hydrates whatever is there.
 */
export const HYDRATION_MODES = ['never', 'if-not-present', 'override'] as const;
export type HydrationMode = (typeof HYDRATION_MODES)[number];

/** A wiring's hydration as hhfab counts it (`getHydration`): no, some or all addresses and ASNs set. */
export type HydrationStatus = 'none' | 'partial' | 'full';

export interface FabricConfig {
  managementSubnet: string;
  /** Control node VIP; no switch may use it. */
  controlVIP: string;
  /** First address of the management DHCP range; switch management IPs must be below it. */
  managementDHCPStart: string;
  protocolSubnet: string;
  vtepSubnet: string;
  proxyExternalSubnet: string;
  fabricSubnet: string;
  vpcWorkaroundSubnet: string;
  mclagSessionSubnet: string;
  spineASN: number;
  leafASNStart: number;
  leafASNEnd: number;
  gatewayASN: number;
  vpcIRBVLANRange: { from: number; to: number };
  th5WorkaroundVLANRange: { from: number; to: number };
  fabricMTU: number;
  serverFacingMTUOffset: number;
  /** Only `spine-leaf` is supported since 25.05. */
  fabricMode: 'spine-leaf';
  /**
   * Gateway kinds are refused unless the gateway is enabled (fab.yaml `gateway.enable`). On by
   * default here: a wiring that contains Gateway objects is written for a gateway-enabled fabric.
   */
  gatewayEnabled: boolean;
  vpcPeeringDisabled: boolean;
  /** Celestica SONiC+ switch profiles (`-clsp`, `vs-clsp`) exist (fab.yaml `fabric.includeCLSP`). */
  includeCLSP: boolean;
  /** The Cumulus VX switch profile (`cumulus-vx`) exists (fab.yaml `fabric.includeCumulus`). */
  includeCumulus: boolean;
  /**
   * fab.yaml `gateway.communities` (priority → community): a gateway group has at most as many
   * members as there are communities. Only the number of entries matters here.
   */
  gatewayCommunities: Record<string, string>;
  /** How hhfab treats missing ASNs and addresses (see `HydrationMode`). */
  hydrationMode: HydrationMode;
  /**
   * Older spelling of `hydrationMode: never`: when true and no mode is given, the mode is
   * `never`. After `resolveFabricConfig` it is true exactly when the mode is `never`.
   */
  requireHydration: boolean;
}

export const DEFAULT_FABRIC_CONFIG: Readonly<FabricConfig> = Object.freeze({
  managementSubnet: '172.30.0.0/21',
  controlVIP: '172.30.0.1',
  managementDHCPStart: '172.30.4.0',
  protocolSubnet: '172.30.8.0/22',
  vtepSubnet: '172.30.12.0/22',
  proxyExternalSubnet: '172.30.16.0/22',
  fabricSubnet: '172.30.128.0/17',
  vpcWorkaroundSubnet: '172.30.96.0/19',
  mclagSessionSubnet: '172.30.95.0/31',
  spineASN: 65100,
  leafASNStart: 65101,
  leafASNEnd: 65533,
  gatewayASN: 65534,
  vpcIRBVLANRange: Object.freeze({ from: 3000, to: 3899 }),
  th5WorkaroundVLANRange: Object.freeze({ from: 3900, to: 3999 }),
  fabricMTU: 9100,
  serverFacingMTUOffset: 64,
  fabricMode: 'spine-leaf',
  gatewayEnabled: true,
  vpcPeeringDisabled: false,
  includeCLSP: false,
  includeCumulus: false,
  // fabricator Fabricator.Default: ten communities 50001:0 to 50001:9, priorities 0 to 9.
  gatewayCommunities: Object.freeze(
    Object.fromEntries(Array.from({ length: 10 }, (_, index) => [String(index), `50001:${index}`])),
  ),
  hydrationMode: 'if-not-present',
  requireHydration: false,
});

export function resolveFabricConfig(overrides: Partial<FabricConfig> = {}): FabricConfig {
  const hydrationMode =
    overrides.hydrationMode ?? (overrides.requireHydration ? 'never' : DEFAULT_FABRIC_CONFIG.hydrationMode);
  return { ...DEFAULT_FABRIC_CONFIG, ...overrides, hydrationMode, requireHydration: hydrationMode === 'never' };
}

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR such as 172.30.0.0/21');
const address = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'an IPv4 address');
const asn = z.number().int().min(1).max(4294967295);
const vlanRange = z.strictObject({ from: z.number().int().min(1).max(4094), to: z.number().int().min(1).max(4094) });

/** A fabric's `validationSettings`: any subset of `FabricConfig`, each field of its type. */
export const fabricConfigSettingsSchema = z
  .strictObject({
    managementSubnet: cidr,
    controlVIP: address,
    managementDHCPStart: address,
    protocolSubnet: cidr,
    vtepSubnet: cidr,
    proxyExternalSubnet: cidr,
    fabricSubnet: cidr,
    vpcWorkaroundSubnet: cidr,
    mclagSessionSubnet: cidr,
    spineASN: asn,
    leafASNStart: asn,
    leafASNEnd: asn,
    gatewayASN: asn,
    vpcIRBVLANRange: vlanRange,
    th5WorkaroundVLANRange: vlanRange,
    fabricMTU: z.number().int().min(1).max(65535),
    serverFacingMTUOffset: z.number().int().min(0).max(65535),
    fabricMode: z.literal('spine-leaf'),
    gatewayEnabled: z.boolean(),
    vpcPeeringDisabled: z.boolean(),
    includeCLSP: z.boolean(),
    includeCumulus: z.boolean(),
    gatewayCommunities: z.record(z.string().regex(/^\d+$/, 'a priority number'), z.string()),
    hydrationMode: z.enum(HYDRATION_MODES),
    requireHydration: z.boolean(),
  })
  .partial();

/** The subnets no VPC, IPv4Namespace or static external may overlap (reference §9). */
export function reservedSubnets(config: FabricConfig): { name: string; cidr: string }[] {
  return [
    { name: 'management', cidr: config.managementSubnet },
    { name: 'fabric', cidr: config.fabricSubnet },
    { name: 'protocol', cidr: config.protocolSubnet },
    { name: 'VTEP', cidr: config.vtepSubnet },
    { name: 'VPC-workaround', cidr: config.vpcWorkaroundSubnet },
    { name: 'MCLAG-session', cidr: config.mclagSessionSubnet },
    { name: 'proxy-external', cidr: config.proxyExternalSubnet },
  ];
}
