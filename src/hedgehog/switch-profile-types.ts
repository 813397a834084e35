/**
 * The shape of a built-in SwitchProfile as the catalog keeps it: what validation needs of fabric's
 * SwitchProfile (features, ports, port groups, port profiles, port limits). Shared by the catalog
 * (switch-profiles.ts) and the generated data (switch-profile-data.ts).
 */
export interface SwitchProfileFeatures {
  subinterfaces: boolean;
  acls: boolean;
  l2vni: boolean;
  l3vni: boolean;
  roce: boolean;
  mclag: boolean;
  eslag: boolean;
  ecmpRoCEQPN: boolean;
  /** Port locator LEDs (`Switch.spec.portLocators`, fabric v0.129). */
  portLocator: boolean;
}

export interface SwitchProfilePortData {
  management?: boolean;
  /** Port profile name (speed or breakout), for ports not in a group. */
  profile?: string;
  /** Port group name, for ports whose speed is set per group. */
  group?: string;
  pipeline?: string;
}

export interface SwitchProfilePortProfileData {
  speed?: { default: string; supported: string[] };
  /** Breakout modes, each with the number of sub-ports it creates. */
  breakout?: { default: string; supported: Record<string, number> };
  autoNegAllowed?: boolean;
}

export interface SwitchProfileData {
  name: string;
  displayName: string;
  /**
   * The catalog the profile belongs to: `bcm` profiles are always registered; `clsp` (Celestica
   * SONiC+) and `cumulus` ones only when the fabric config includes them (`RegisterAll`).
   */
  family: 'bcm' | 'clsp' | 'cumulus';
  features: SwitchProfileFeatures;
  ports: Record<string, SwitchProfilePortData>;
  portGroups: Record<string, { profile: string }>;
  portProfiles: Record<string, SwitchProfilePortProfileData>;
  maxPorts?: number;
  pipelines?: Record<string, number>;
}
