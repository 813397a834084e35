/**
 * The fabric settings the rules depend on (reference §9). Defaults are hhfab's
 * (fabricator `pkg/fab/defaults.go`); a fabric overrides any of them.
 */

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
  /**
   * When true, non-hydrated wiring (switches without ASN/IPs, links without IPs) is an error,
   * as with `hhfab validate --hydrate-mode never`; otherwise it is a warning.
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
  requireHydration: false,
});

export function resolveFabricConfig(overrides: Partial<FabricConfig> = {}): FabricConfig {
  return { ...DEFAULT_FABRIC_CONFIG, ...overrides };
}

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
