/**
 * Issue 12, the rest of the audit: fabric config as hhfab has it (switch profile catalogs,
 * hydration mode), hydration status, port settings and gateway links. Each case names the Go
 * function it was read from (fabric v0.129.1 as vendored by fabricator fee55670, and fabricator's
 * own `pkg/hhfab/hydrate.go`), and asserts code, line, column and JSON path.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FABRIC_CONFIG,
  fabricConfigSettingsSchema,
  resolveFabricConfig,
  type FabricConfig,
} from '../../src/hedgehog/fabric-config.ts';
import { normalizePortLocator, parseGoDateTime, parseGoDuration } from '../../src/hedgehog/port-locator.ts';
import { at, check, expectFinding, yaml } from './support.ts';

interface FabricCase {
  go: string;
  what: string;
  valid: string;
  invalid: string;
  code: string;
  needle: string;
  /** The needle is looked for after this text. */
  after?: string;
  path: string;
  severity?: 'error' | 'warning';
  /** Fabric config for the valid case (default: hhfab's). */
  validConfig?: Partial<FabricConfig>;
  /** Fabric config for the invalid case (default: hhfab's). */
  invalidConfig?: Partial<FabricConfig>;
}

const leaf = (extra: string, profile = 'celestica-ds3000') => yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Switch
  metadata:
    name: leaf-09
  spec:
    role: server-leaf
    profile: ${profile}
    asn: 65120
    ip: 172.30.0.90/21
    protocolIP: 172.30.8.90/32
    vtepIP: 172.30.12.90/32
${extra
  .split('\n')
  .filter(Boolean)
  .map((line) => `    ${line}`)
  .join('\n')}
`;
const GROUP = yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: GatewayGroup
  metadata:
    name: default
  ---
`;
const gateway = (vtepIP = '172.30.12.250/32') =>
  `${GROUP}${yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: Gateway
  metadata:
    name: gw-1
  spec:
    asn: 65534
    protocolIP: 172.30.8.250/32
    vtepIP: ${vtepIP}
    interfaces:
      enp2s1: {}
`}`;
/** Two hydrated gateways in group default, the second naming it. */
const twoGateways = `${gateway()}---\n${yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: Gateway
  metadata:
    name: gw-2
  spec:
    asn: 65534
    protocolIP: 172.30.8.251/32
    vtepIP: 172.30.12.251/32
    interfaces:
      enp2s1: {}
    groups:
      - name: default
`}`;
/** Two GatewayPeerings with vpc-0002: vpc-0001 exposes 10.1.0.0/24 to it; vpc-0003 exposes its NAT range `as`. */
const twoPeerings = (as: string) =>
  `${GROUP}${yaml`
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: GatewayPeering
  metadata:
    name: vpc-0001--vpc-0002
  spec:
    peering:
      vpc-0001:
        expose:
          - ips:
              - cidr: 10.1.0.0/24
      vpc-0002:
        expose:
          - ips:
              - cidr: 10.1.2.0/24
  ---
  apiVersion: gateway.githedgehog.com/v1alpha1
  kind: GatewayPeering
  metadata:
    name: vpc-0003--vpc-0002
  spec:
    peering:
      vpc-0003:
        expose:
          - ips:
              - cidr: 10.1.4.0/24
            as:
              - cidr: ${as}
            nat:
              static: {}
      vpc-0002:
        expose:
          - ips:
              - cidr: 10.1.3.0/24
`}`;
/** A gateway link from spine-01 (a free sub-port) to gw-1's `port`. */
const gatewayLink = (port: string) =>
  `${gateway()}---\n${yaml`
  apiVersion: wiring.githedgehog.com/v1beta1
  kind: Connection
  metadata:
    name: spine-01--gateway--gw-1
  spec:
    gateway:
      links:
        - switch:
            port: spine-01/E1/32/4
          gateway:
            port: gw-1/${port}
`}`;

const CASES: FabricCase[] = [
  {
    go: 'switchprofile/catalog.go Default.RegisterAll (sonicCLSPlusSwitchProfiles only with cfg.IncludeSONiCCLSPlus)',
    what: 'a CLS+ profile exists only with includeCLSP',
    valid: leaf('', 'celestica-ds3000-clsp'),
    validConfig: { includeCLSP: true },
    invalid: leaf('', 'celestica-ds3000-clsp'),
    code: 'SWITCH_PROFILE_UNKNOWN',
    needle: 'celestica-ds3000-clsp',
    path: '$.spec.profile',
  },
  {
    go: 'switchprofile/catalog.go Default.RegisterAll (cumulusSwitchProfiles only with cfg.IncludeCumulus)',
    what: 'cumulus-vx exists only with includeCumulus',
    valid: leaf('', 'cumulus-vx'),
    validConfig: { includeCumulus: true },
    invalid: leaf('', 'cumulus-vx'),
    invalidConfig: { includeCLSP: true },
    code: 'SWITCH_PROFILE_UNKNOWN',
    needle: 'cumulus-vx',
    path: '$.spec.profile',
  },
  {
    go: 'switchprofile_types.go SwitchProfileSpec.GetAutoNegsDefaultsFor (breakout ports: sub-ports only)',
    what: 'auto-negotiation names the sub-port of a breakout port, not its base name',
    valid: leaf('portAutoNegs:\n  E1/5/1: true'),
    invalid: leaf('portAutoNegs:\n  E1/5: true'),
    code: 'SWITCH_PORT_SETTING_INVALID',
    needle: 'E1/5: »true',
    path: '$.spec.portAutoNegs["E1/5"]',
  },
  {
    go: 'switchprofile_types.go SwitchProfileSpec.GetAutoNegsDefaultsFor (profile.AutoNegAllowed)',
    what: 'auto-negotiation only where the port profile allows it',
    valid: leaf('portAutoNegs:\n  E1/1/1: false'),
    invalid: leaf('portAutoNegs:\n  E1/33: true'),
    code: 'SWITCH_PORT_SETTING_INVALID',
    needle: 'E1/33: »true',
    path: '$.spec.portAutoNegs["E1/33"]',
  },
  {
    go: 'switch_types.go Switch.Validate ("port locators are not supported on switch profile")',
    what: 'port locators need the profile feature portLocator',
    valid: leaf('portLocators:\n  E1/33: 10m'),
    invalid: leaf('portLocators:\n  E1/3: 10m', 'vs'),
    code: 'SWITCH_PROFILE_FEATURE',
    needle: 'portLocators:',
    path: '$.spec.portLocators',
  },
  {
    go: 'switch_types.go Switch.Validate (GetAvailableAPIPorts: "not a valid port for port locators")',
    what: 'a port locator names an available API port or *',
    valid: leaf('portLocators:\n  E1/5/1: ""\n  E1/33: 1h'),
    invalid: leaf('portLocators:\n  E1/5: 10m'),
    code: 'SWITCH_PORT_SETTING_INVALID',
    needle: 'E1/5: »10m',
    path: '$.spec.portLocators["E1/5"]',
  },
  {
    go: 'switch_types.go Switch.Default (the "*" entry supersedes the per-port ones) and Switch.Validate',
    what: 'with * the per-port entries are dropped before they are checked',
    valid: leaf('portLocators:\n  "*": 5m\n  E9/99: 5m'),
    invalid: leaf('portLocators:\n  E9/99: 5m'),
    code: 'SWITCH_PORT_SETTING_INVALID',
    needle: 'E9/99: »5m',
    path: '$.spec.portLocators["E9/99"]',
  },
  {
    go: 'switch_types.go NormalizePortLocator (time.ParseDuration, then time.DateTime in UTC)',
    what: 'a port locator value is empty, a duration or YYYY-MM-DD HH:MM:SS',
    valid: leaf('portLocators:\n  E1/33: "2999-08-05 18:45:47"'),
    invalid: leaf('portLocators:\n  E1/33: 10 minutes'),
    code: 'SWITCH_PORT_SETTING_INVALID',
    needle: 'E1/33: »10 minutes',
    path: '$.spec.portLocators["E1/33"]',
  },
  {
    go: 'hhfab/hydrate.go getHydration ("gateway %s vtep IP %s is not in the vtep subnet %s")',
    what: 'a gateway VTEP IP lies in the VTEP subnet',
    valid: gateway(),
    invalid: gateway('10.99.0.1/32'),
    code: 'GATEWAY_INVALID',
    needle: '10.99.0.1/32',
    path: '$.spec.vtepIP',
  },
  {
    go: 'hhfab/hydrate.go hydrate ("gateway %s does not have interface %s")',
    what: 'a gateway link names an interface of an existing Gateway',
    valid: gatewayLink('enp2s1'),
    validConfig: { hydrationMode: 'override' },
    invalid: gatewayLink('enp2s2'),
    invalidConfig: { hydrationMode: 'override' },
    code: 'REFERENCE_NOT_FOUND',
    needle: 'gw-1/enp2s2',
    path: '$.spec.gateway.links[0].gateway.port',
  },
  {
    go: 'hhfab/hydrate.go hydrate (runs only while hydrating): on a hydrated wiring Go does not look',
    what: 'a missing gateway interface is a warning when hhfab would not hydrate',
    valid: gatewayLink('enp2s1')
      .replace('spine-01/E1/32/4', 'spine-01/E1/32/4\n          ip: 172.30.255.0/31')
      .replace('gw-1/enp2s1', 'gw-1/enp2s1\n          ip: 172.30.255.1/31'),
    invalid: gatewayLink('enp2s2')
      .replace('spine-01/E1/32/4', 'spine-01/E1/32/4\n          ip: 172.30.255.0/31')
      .replace('gw-1/enp2s2', 'gw-1/enp2s2\n          ip: 172.30.255.1/31'),
    code: 'REFERENCE_NOT_FOUND',
    needle: 'gw-1/enp2s2',
    path: '$.spec.gateway.links[0].gateway.port',
    severity: 'warning',
  },
  {
    go: 'gateway_types.go Gateway.Validate ("gateway group %s already has too many members", len(fabricCfg.GatewayCommunities))',
    what: 'a gateway group has at most as many members as the fabric has gateway communities',
    valid: twoGateways,
    validConfig: { gatewayCommunities: { 0: '50001:0', 1: '50001:1' } },
    invalid: twoGateways,
    invalidConfig: { gatewayCommunities: { 0: '50001:0' } },
    code: 'GATEWAY_INVALID',
    needle: 'name: »default',
    after: 'groups:',
    path: '$.spec.groups[0].name',
  },
  {
    go: 'gatewaypeering_types.go GatewayPeering.Validate (collectExposedCIDRs: "overlap between existing exposed CIDR %s and new exposed CIDR %s")',
    what: 'what two peerings expose towards one VPC does not overlap',
    valid: twoPeerings('10.9.0.0/24'),
    invalid: twoPeerings('10.1.0.0/25'),
    code: 'SUBNET_OVERLAP',
    needle: '10.1.0.0/24',
    path: '$.spec.peering["vpc-0001"].expose[0].ips[0].cidr',
  },
];

describe('fidelity rules: fabric config, hydration, port settings, gateway links', () => {
  for (const rule of CASES) {
    it(`${rule.go}: ${rule.what}`, () => {
      const valid = check(rule.valid, rule.validConfig ? { fabricConfig: rule.validConfig } : {});
      expect(valid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      expect(valid.warnings.filter((finding) => finding.code === rule.code)).toEqual([]);

      const invalid = check(rule.invalid, rule.invalidConfig ? { fabricConfig: rule.invalidConfig } : {});
      const severity = rule.severity ?? 'error';
      expectFinding(invalid, rule.code, { ...at(rule.invalid, rule.needle, rule.after), path: rule.path, severity });
      if (severity === 'warning')
        expect(invalid.errors.map((finding) => `${finding.code} ${finding.path}: ${finding.message}`)).toEqual([]);
      else expect(invalid.valid).toBe(false);
    });
  }
});

describe('fabric config as hhfab has it', () => {
  it('defaults are hhfab init --gw: gateway on, no CLS+ or Cumulus profiles, hydration mode if-not-present (cmd/hhfab/main.go --hydrate-mode)', () => {
    expect(DEFAULT_FABRIC_CONFIG).toMatchObject({
      gatewayEnabled: true,
      includeCLSP: false,
      includeCumulus: false,
      hydrationMode: 'if-not-present',
      requireHydration: false,
    });
  });

  it('requireHydration is the older spelling of hydration mode never; an explicit mode wins', () => {
    expect(resolveFabricConfig({ requireHydration: true })).toMatchObject({
      hydrationMode: 'never',
      requireHydration: true,
    });
    expect(resolveFabricConfig({ requireHydration: true, hydrationMode: 'override' })).toMatchObject({
      hydrationMode: 'override',
      requireHydration: false,
    });
    expect(resolveFabricConfig({ hydrationMode: 'never' })).toMatchObject({ requireHydration: true });
  });

  it('validation settings are checked field by field (the fabric service accepts only these)', () => {
    expect(
      fabricConfigSettingsSchema.safeParse({
        includeCLSP: true,
        hydrationMode: 'never',
        vpcIRBVLANRange: { from: 2500, to: 2600 },
      }).success,
    ).toBe(true);
    expect(fabricConfigSettingsSchema.safeParse({}).success).toBe(true);
    for (const bad of [
      { hydrationMode: 'sometimes' },
      { includeCumulus: 'yes' },
      { fabricSubnet: '172.30.128.0' },
      { colour: 'blue' },
      { spineASN: -1 },
    ]) {
      expect(fabricConfigSettingsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('NormalizePortLocator reading (switch_types.go)', () => {
  it('Go durations as time.ParseDuration reads them', () => {
    expect(parseGoDuration('10m')).toBe(600e9);
    expect(parseGoDuration('1h30m')).toBe(5400e9);
    expect(parseGoDuration('1.5s')).toBe(1.5e9);
    expect(parseGoDuration('.5h')).toBe(1800e9);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('-5m')).toBe(-300e9);
    for (const bad of ['', '10', 'm', '10 m', '1d', '10M', '3000000h'])
      expect(parseGoDuration(bad), bad).toBeUndefined();
  });

  it('exact times in time.DateTime, UTC, with real calendar days', () => {
    expect(parseGoDateTime('2026-08-05 18:45:47')).toBe(Date.UTC(2026, 7, 5, 18, 45, 47));
    for (const bad of [
      '2026-02-30 10:00:00',
      '2026-13-01 00:00:00',
      '2026-08-05T18:45:47',
      '2026-08-05 24:00:00',
      '2026-8-5 18:45:47',
    ])
      expect(parseGoDateTime(bad), bad).toBeUndefined();
  });

  it('entries Default() drops (expiring within a second) are told apart from invalid ones', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(normalizePortLocator('', now)).toBe('ok');
    expect(normalizePortLocator('500ms', now)).toBe('expired');
    expect(normalizePortLocator('2025-12-31 23:59:59', now)).toBe('expired');
    expect(normalizePortLocator('2026-01-01 00:10:00', now)).toBe('ok');
    expect(normalizePortLocator('soon', now)).toBe('invalid');
  });
});
