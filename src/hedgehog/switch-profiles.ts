/**
 * The SwitchProfile catalog (read-only): which ports a switch has for its profile and breakouts,
 * and which features the profile supports. Port maps follow fabric's `GetAPI2NOSPortsFor`.
 */
import { BUILT_IN_SWITCH_PROFILES } from './switch-profile-data.ts';
import type { SwitchProfileData } from './switch-profile-types.ts';

export type {
  SwitchProfileData,
  SwitchProfileFeatures,
  SwitchProfilePortData,
  SwitchProfilePortProfileData,
} from './switch-profile-types.ts';

export { BUILT_IN_SWITCH_PROFILES };

const profilesByName = new Map(BUILT_IN_SWITCH_PROFILES.map((profile) => [profile.name, profile]));

/**
 * The built-in profile of that name, when the fabric registers it: switchprofile.RegisterAll adds
 * the CLS+ profiles (`-clsp`, `vs-clsp`) only with `includeCLSP` and `cumulus-vx` only with
 * `includeCumulus`. Without `include`, every profile is found (the catalog itself).
 */
export function findSwitchProfile(
  name: string,
  include?: { includeCLSP: boolean; includeCumulus: boolean },
): SwitchProfileData | undefined {
  const profile = profilesByName.get(name);
  if (!profile || !include) return profile;
  if (profile.family === 'clsp' && !include.includeCLSP) return undefined;
  if (profile.family === 'cumulus' && !include.includeCumulus) return undefined;
  return profile;
}

export interface SwitchPortMap {
  /**
   * Every port name a Connection may use on this switch, mapped to the physical port it denotes:
   * a broken-out port `E1/4` and its first sub-port `E1/4/1` map to the same key, so they count
   * as one port for uniqueness.
   */
  readonly ports: ReadonlyMap<string, string>;
  /** Ports whose breakout mode is not supported by the profile (the map then lacks their sub-ports). */
  readonly invalidBreakouts: readonly string[];
}

const portMapCache = new Map<string, SwitchPortMap>();
/**
 * The same breakouts object asked again (each Connection port of a switch, in one validation)
 * skips building the string key, which sorts every breakout: for a 10,000-object fabric that
 * key alone was most of the port-uniqueness check. Weak, so it holds no switch past its use.
 */
const portMapByBreakouts = new WeakMap<object, Map<string, SwitchPortMap>>();

/** Ports of a switch with this profile and these breakouts (memoised: fabrics repeat the same few layouts). */
export function switchPortMap(
  profile: SwitchProfileData,
  portBreakouts: Readonly<Record<string, string>> = {},
): SwitchPortMap {
  const byProfile = portMapByBreakouts.get(portBreakouts);
  const known = byProfile?.get(profile.name);
  if (known) return known;
  const result = buildSwitchPortMap(profile, portBreakouts);
  if (byProfile) byProfile.set(profile.name, result);
  else portMapByBreakouts.set(portBreakouts, new Map([[profile.name, result]]));
  return result;
}

function buildSwitchPortMap(
  profile: SwitchProfileData,
  portBreakouts: Readonly<Record<string, string>>,
): SwitchPortMap {
  const cacheKey = `${profile.name}|${Object.entries(portBreakouts)
    .sort()
    .map(([port, mode]) => `${port}=${mode}`)
    .join(',')}`;
  const cached = portMapCache.get(cacheKey);
  if (cached) return cached;

  const ports = new Map<string, string>();
  const invalidBreakouts: string[] = [];
  for (const [name, port] of Object.entries(profile.ports)) {
    const breakout = port.profile ? profile.portProfiles[port.profile]?.breakout : undefined;
    if (port.management || !breakout) {
      ports.set(name, name);
      continue;
    }
    const mode = portBreakouts[name] ?? breakout.default;
    const subPorts = breakout.supported[mode];
    if (subPorts === undefined) {
      invalidBreakouts.push(name);
      continue;
    }
    ports.set(name, `${name}/1`);
    for (let index = 1; index <= subPorts; index++) ports.set(`${name}/${index}`, `${name}/${index}`);
  }
  const result: SwitchPortMap = { ports, invalidBreakouts };
  if (portMapCache.size > 1000) portMapCache.clear();
  portMapCache.set(cacheKey, result);
  return result;
}

/**
 * API port names of a switch (GetAvailableAPIPorts): ports with a speed profile or in a group by
 * their name, breakout ports by their sub-ports only (`E1/5/1`, never `E1/5`); no management port.
 */
export function availableApiPorts(
  profile: SwitchProfileData,
  portBreakouts: Readonly<Record<string, string>> = {},
): Set<string> {
  const ports = new Set<string>();
  for (const [name, port] of Object.entries(profile.ports)) {
    if (port.management) continue;
    const breakout = port.profile ? profile.portProfiles[port.profile]?.breakout : undefined;
    if (!breakout) {
      ports.add(name);
      continue;
    }
    const subPorts = breakout.supported[portBreakouts[name] ?? breakout.default] ?? 0;
    for (let index = 1; index <= subPorts; index++) ports.add(`${name}/${index}`);
  }
  return ports;
}

/** Number of data ports after breakouts, in total and per pipeline (for `maxPorts`). */
export function countSwitchPorts(
  profile: SwitchProfileData,
  portBreakouts: Readonly<Record<string, string>> = {},
): { total: number; perPipeline: Map<string, number> } {
  let total = 0;
  const perPipeline = new Map<string, number>();
  for (const [name, port] of Object.entries(profile.ports)) {
    if (port.management) continue;
    let count = 1;
    if (!port.group && port.profile) {
      const breakout = profile.portProfiles[port.profile]?.breakout;
      if (breakout) count = breakout.supported[portBreakouts[name] ?? breakout.default] ?? 1;
    }
    total += count;
    if (port.pipeline) perPipeline.set(port.pipeline, (perPipeline.get(port.pipeline) ?? 0) + count);
  }
  return { total, perPipeline };
}
