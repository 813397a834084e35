/**
 * Rules for wiring.githedgehog.com kinds: Switch, VLANNamespace, Connection (reference §§3–4),
 * checked the way the webhooks' `Validate()` does, plus hhfab's hydration checks.
 */
import { connectionEndpoints, connectionTypesOf, serversOf, splitDevicePort, switchesOf } from '../connection.ts';
import {
  formatPrefix,
  parseIpv4,
  parseIpv4Prefix,
  prefixContains,
  prefixesOverlap,
  isCanonicalPrefix,
  findOverlaps,
} from '../ip.ts';
import { reservedSubnets } from '../fabric-config.ts';
import {
  availableApiPorts,
  countSwitchPorts,
  findSwitchProfile,
  switchPortMap,
  type SwitchProfileData,
} from '../switch-profiles.ts';
import { normalizePortLocator } from '../port-locator.ts';
import type { ConnectionObject, GatewayObject, SwitchObject, VLANNamespaceObject } from '../schemas.ts';
import type { FindingCode } from '../findings.ts';
import { hydrationSeverity, rawListIndex, type ObjectRecord, type RuleContext } from '../rule-context.ts';

const LEAF_ROLES = new Set(['server-leaf', 'border-leaf', 'mixed-leaf']);

export function isLeafRole(role: string | undefined | null): boolean {
  return LEAF_ROLES.has(role ?? '');
}

export function checkSwitch(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as SwitchObject).spec;
  const { config } = ctx;
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);

  if (spec.role === 'virtual-edge') {
    report({
      code: 'SWITCH_ROLE_UNSUPPORTED',
      message: `role virtual-edge is not supported; use spine, server-leaf, border-leaf or mixed-leaf`,
      path: ['spec', 'role'],
    });
  }

  const redundancy = spec.redundancy ?? {};
  // Switch.Validate only warns "MCLAG is deprecated and no longer supported"; so does the gateway.
  if (redundancy.type === 'mclag') {
    report({
      severity: 'warning',
      code: 'LEGACY_API',
      message:
        'redundancy type mclag is deprecated and no longer supported (Hedgehog accepts it with a warning); use type eslag (ESLAG groups of 2–4 leaves)',
      path: ['spec', 'redundancy', 'type'],
    });
  }
  if (redundancy.group && !redundancy.type) {
    report({
      code: 'SWITCH_REDUNDANCY_INVALID',
      message: 'redundancy group is set without a type',
      path: ['spec', 'redundancy', 'type'],
    });
  }
  if (!redundancy.group && redundancy.type) {
    report({
      code: 'SWITCH_REDUNDANCY_INVALID',
      message: 'redundancy type is set without a group',
      path: ['spec', 'redundancy', 'group'],
    });
  }

  // Existence of groups and VLAN namespaces, and that the namespaces' ranges do not overlap.
  const rawGroups = (record.raw as { spec?: { groups?: unknown } }).spec?.groups;
  (spec.groups ?? []).forEach((group, index) => {
    // The canonical list is sorted and may include the redundancy group the user wrote elsewhere.
    const rawIndex = Array.isArray(rawGroups) ? rawGroups.indexOf(group) : -1;
    const path =
      rawIndex >= 0
        ? ['spec', 'groups', rawIndex]
        : group === redundancy.group
          ? ['spec', 'redundancy', 'group']
          : ['spec', 'groups', index];
    if (!group) {
      report({ code: 'REFERENCE_NOT_FOUND', message: 'switch group name cannot be empty', path });
    } else if (!ctx.lookup('SwitchGroup', record.namespace, group)) {
      report({ code: 'REFERENCE_NOT_FOUND', message: `switch group ${group} does not exist`, path });
    }
  });
  const ranges: { from: number; to: number; namespace: string }[] = [];
  (spec.vlanNamespaces ?? []).forEach((namespace, index) => {
    const found = ctx.lookup('VLANNamespace', record.namespace, namespace);
    if (!found) {
      const hasRaw = Array.isArray((record.raw as { spec?: { vlanNamespaces?: unknown } }).spec?.vlanNamespaces);
      report({
        code: 'REFERENCE_NOT_FOUND',
        message: `VLANNamespace ${namespace} does not exist${hasRaw ? '' : ' (switches use namespace "default" unless vlanNamespaces is set)'}`,
        path: hasRaw
          ? [
              'spec',
              'vlanNamespaces',
              rawListIndex(record, ['spec', 'vlanNamespaces'], (item) => item === namespace, index),
            ]
          : ['spec'],
      });
      return;
    }
    for (const range of (found.object as VLANNamespaceObject).spec.ranges) {
      ranges.push({ from: range.from ?? 0, to: range.to ?? range.from ?? 0, namespace });
    }
  });
  ranges.sort((a, b) => a.from - b.from);
  for (let index = 1; index < ranges.length; index++) {
    const previous = ranges[index - 1]!;
    const current = ranges[index]!;
    if (current.from <= previous.to && current.namespace !== previous.namespace) {
      report({
        code: 'VLAN_RANGES_OVERLAP',
        message: `VLAN namespaces ${previous.namespace} and ${current.namespace} overlap (${previous.from}-${previous.to} and ${current.from}-${current.to})`,
        path: ['spec', 'vlanNamespaces'],
      });
      break;
    }
  }

  // Profile, features and per-port settings.
  if (!spec.profile) {
    report({ code: 'SCHEMA_REQUIRED', message: 'profile is required', path: ['spec', 'profile'] });
  } else {
    const profile = findSwitchProfile(spec.profile, config);
    const family = findSwitchProfile(spec.profile)?.family;
    if (!profile) {
      // switchprofile.RegisterAll: CLS+ and Cumulus profiles exist only when fab.yaml includes them.
      const why =
        family === 'clsp'
          ? ' (a Celestica SONiC+ profile: the fabric config does not set includeCLSP)'
          : family === 'cumulus'
            ? ' (a Cumulus profile: the fabric config does not set includeCumulus)'
            : ' (not a built-in SwitchProfile)';
      report({
        code: 'SWITCH_PROFILE_UNKNOWN',
        message: `switch profile ${spec.profile} does not exist${why}`,
        path: ['spec', 'profile'],
      });
    } else {
      if (redundancy.type === 'eslag' && !profile.features.eslag) {
        report({
          code: 'SWITCH_PROFILE_FEATURE',
          message: `ESLAG is not supported on switch profile ${profile.name}`,
          path: ['spec', 'redundancy', 'type'],
        });
      }
      if (spec.roce && !profile.features.roce) {
        report({
          code: 'SWITCH_PROFILE_FEATURE',
          message: `RoCEv2 is not supported on switch profile ${profile.name}`,
          path: ['spec', 'roce'],
        });
      }
      if (spec.ecmp?.roceQPN && !profile.features.ecmpRoCEQPN) {
        report({
          code: 'SWITCH_PROFILE_FEATURE',
          message: `ECMP RoCE QPN hashing is not supported on switch profile ${profile.name}`,
          path: ['spec', 'ecmp', 'roceQPN'],
        });
      }
      const invalidPortSetting = (message: string, path: (string | number)[]) =>
        report({ code: 'SWITCH_PORT_SETTING_INVALID', message, path });
      for (const [name, speed] of Object.entries(spec.portGroupSpeeds ?? {})) {
        const group = profile.portGroups[name];
        const speeds = group ? profile.portProfiles[group.profile]?.speed : undefined;
        if (!group)
          invalidPortSetting(`port group ${name} not found in switch profile ${profile.name}`, [
            'spec',
            'portGroupSpeeds',
            name,
          ]);
        else if (!speeds?.supported.includes(speed))
          invalidPortSetting(
            `port group ${name} does not support speed ${speed} (supported: ${speeds?.supported.join(', ') ?? 'none'})`,
            ['spec', 'portGroupSpeeds', name],
          );
      }
      for (const [name, speed] of Object.entries(spec.portSpeeds ?? {})) {
        const port = profile.ports[name];
        const speeds = port?.profile ? profile.portProfiles[port.profile]?.speed : undefined;
        if (!port)
          invalidPortSetting(`port ${name} not found in switch profile ${profile.name}`, ['spec', 'portSpeeds', name]);
        else if (!speeds?.supported.includes(speed))
          invalidPortSetting(
            `port ${name} does not support speed ${speed} (supported: ${speeds?.supported.join(', ') ?? 'none'})`,
            ['spec', 'portSpeeds', name],
          );
      }
      for (const [name, mode] of Object.entries(spec.portBreakouts ?? {})) {
        const port = profile.ports[name];
        const breakout = port?.profile ? profile.portProfiles[port.profile]?.breakout : undefined;
        if (!port)
          invalidPortSetting(`port ${name} not found in switch profile ${profile.name}`, [
            'spec',
            'portBreakouts',
            name,
          ]);
        else if (!breakout)
          invalidPortSetting(`port ${name} has no supported breakouts`, ['spec', 'portBreakouts', name]);
        else if (breakout.supported[mode] === undefined)
          invalidPortSetting(
            `port ${name} does not support breakout ${mode} (supported: ${Object.keys(breakout.supported).join(', ')})`,
            ['spec', 'portBreakouts', name],
          );
      }
      const portMap = switchPortMap(profile, spec.portBreakouts ?? {});
      const apiPorts = availableApiPorts(profile, spec.portBreakouts ?? {});
      // GetAutoNegsDefaultsFor: ports with a speed profile that allows it, and the sub-ports of a
      // breakout port whose profile allows it (never the base name of a breakout port, never groups).
      for (const name of Object.keys(spec.portAutoNegs ?? {})) {
        const base = profile.ports[name] ? name : name.replace(/\/\d+$/, '');
        const port = profile.ports[base];
        const allowed =
          port?.profile && !port.management ? profile.portProfiles[port.profile]?.autoNegAllowed === true : false;
        if (!allowed || !apiPorts.has(name))
          invalidPortSetting(
            `port ${name} does not support configuring auto negotiation${allowed && profile.ports[name] ? ` (a breakout port: configure its sub-ports, e.g. ${name}/1)` : ''}`,
            ['spec', 'portAutoNegs', name],
          );
      }
      checkPortLocators(ctx, record, profile, apiPorts);
      for (const name of Object.keys(spec.portFECs ?? {})) {
        const port = profile.ports[name];
        const brokenOut = port?.profile
          ? (profile.portProfiles[port.profile]?.breakout?.supported[
              spec.portBreakouts?.[name] ?? profile.portProfiles[port.profile]?.breakout?.default ?? ''
            ] ?? 1) > 1
          : false;
        if (!portMap.ports.has(name) || port?.management || brokenOut) {
          invalidPortSetting(
            `port ${name} does not support configuring FEC (a broken-out port must be configured per sub-port, e.g. E1/53/1)`,
            ['spec', 'portFECs', name],
          );
        }
      }
      const { total, perPipeline } = countSwitchPorts(profile, spec.portBreakouts ?? {});
      if (profile.maxPorts && total > profile.maxPorts) {
        report({
          code: 'SWITCH_MAX_PORTS',
          message: `switch has exceeded maximum ports for profile ${profile.name}: ${total} > ${profile.maxPorts}`,
          path: ['spec', 'portBreakouts'],
        });
      }
      for (const [pipeline, count] of perPipeline) {
        const max = profile.pipelines?.[pipeline];
        if (max !== undefined && count > max) {
          report({
            code: 'SWITCH_MAX_PORTS',
            message: `pipeline ${pipeline} has exceeded maximum ports: ${count} > ${max}`,
            path: ['spec', 'portBreakouts'],
          });
        }
      }
    }
  }

  // Hydration: ASN and addresses are filled by hhfab; check them when present.
  const leaf = isLeafRole(spec.role);
  const missing = [
    spec.asn ? undefined : 'asn',
    spec.ip ? undefined : 'ip',
    spec.protocolIP ? undefined : 'protocolIP',
    leaf && !spec.vtepIP ? 'vtepIP' : undefined,
  ].filter((field): field is string => field !== undefined);
  if (missing.length > 0) {
    report({
      severity: hydrationSeverity(ctx),
      code: 'SWITCH_NOT_HYDRATED',
      message: `switch is not hydrated: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (hhfab fills them; the fabric's webhooks require them)`,
      path: ['spec', missing[0]!],
    });
  }
  if (spec.role === 'spine' && spec.vtepIP) {
    report({
      code: 'SWITCH_VTEP_FORBIDDEN',
      message: 'VTEP IP is not allowed for spine switches',
      path: ['spec', 'vtepIP'],
    });
  }
  if (spec.asn) {
    if (leaf && (spec.asn < config.leafASNStart || spec.asn > config.leafASNEnd)) {
      report({
        code: 'SWITCH_ASN_INVALID',
        message: `leaf ASN ${spec.asn} is not within the fabric leaf ASN range ${config.leafASNStart}-${config.leafASNEnd}`,
        path: ['spec', 'asn'],
      });
    }
    if (spec.role === 'spine' && spec.asn !== config.spineASN) {
      report({
        code: 'SWITCH_ASN_INVALID',
        message: `spine ASN ${spec.asn} is not the expected spine ASN ${config.spineASN}`,
        path: ['spec', 'asn'],
      });
    }
  }
  if (spec.ip) {
    const ip = parseIpv4Prefix(spec.ip);
    const subnet = parseIpv4Prefix(config.managementSubnet);
    const dhcpStart = parseIpv4(config.managementDHCPStart);
    if (!ip)
      report({
        code: 'SWITCH_IP_INVALID',
        message: `management IP ${spec.ip} is not an IPv4 address with prefix length`,
        path: ['spec', 'ip'],
      });
    else if (subnet && !prefixContains(subnet, ip.address))
      report({
        code: 'SWITCH_IP_INVALID',
        message: `management IP ${spec.ip} is not in the management subnet ${config.managementSubnet}`,
        path: ['spec', 'ip'],
      });
    else if (dhcpStart !== undefined && ip.address >= dhcpStart)
      report({
        code: 'SWITCH_IP_INVALID',
        message: `management IP ${spec.ip} is in the management DHCP range starting at ${config.managementDHCPStart}`,
        path: ['spec', 'ip'],
      });
    else if (ip.address === parseIpv4(config.controlVIP))
      report({
        code: 'SWITCH_IP_INVALID',
        message: `management IP ${spec.ip} is the control node VIP`,
        path: ['spec', 'ip'],
      });
  }
  checkHostAddress(ctx, record, {
    value: spec.protocolIP,
    field: 'protocolIP',
    label: 'protocol IP',
    subnet: config.protocolSubnet,
    subnetName: 'protocol',
    code: 'SWITCH_IP_INVALID',
  });
  if (leaf)
    checkHostAddress(ctx, record, {
      value: spec.vtepIP,
      field: 'vtepIP',
      label: 'VTEP IP',
      subnet: config.vtepSubnet,
      subnetName: 'VTEP',
      code: 'SWITCH_IP_INVALID',
    });
}

/**
 * Switch.Validate (fabric v0.129): port locators need the profile feature; each key is `*` or an
 * available API port (GetAvailableAPIPorts), each value one NormalizePortLocator reads. Default()
 * runs first: with `*` present the per-port entries are dropped, and so are expired entries.
 */
function checkPortLocators(
  ctx: RuleContext,
  record: ObjectRecord,
  profile: SwitchProfileData,
  apiPorts: ReadonlySet<string>,
): void {
  const locators = (record.object as SwitchObject).spec.portLocators;
  if (!locators) return;
  const entries = Object.entries(locators).filter(([name]) => !('*' in locators) || name === '*');
  const kept = entries.filter(([, value]) => normalizePortLocator(value ?? '', Date.now()) !== 'expired');
  if (kept.length > 0 && !profile.features.portLocator) {
    ctx.report(record, {
      code: 'SWITCH_PROFILE_FEATURE',
      message: `port locators are not supported on switch profile ${profile.name}`,
      path: ['spec', 'portLocators'],
    });
    return;
  }
  for (const [name, value] of kept) {
    if (name !== '*' && !apiPorts.has(name)) {
      ctx.report(record, {
        code: 'SWITCH_PORT_SETTING_INVALID',
        message: `port ${name} is not a valid port for port locators${profile.ports[name] ? ` (a breakout port: name its sub-ports, e.g. ${name}/1)` : ''}`,
        path: ['spec', 'portLocators', name],
      });
    }
    if (normalizePortLocator(value ?? '', Date.now()) === 'invalid') {
      ctx.report(record, {
        code: 'SWITCH_PORT_SETTING_INVALID',
        message: `invalid port locator expire ${JSON.stringify(value)} for port ${name}: expected an empty value, a duration such as 10m or an exact UTC time such as 2026-08-05 18:45:47`,
        path: ['spec', 'portLocators', name],
      });
    }
  }
}

export interface HostAddressCheck {
  value: string | null | undefined;
  field: string;
  label: string;
  subnet: string;
  subnetName: string;
  code: FindingCode;
}

/** A `/32` inside one of the fabric's subnets (protocol IP, VTEP IP of switches and gateways). */
export function checkHostAddress(ctx: RuleContext, record: ObjectRecord, check: HostAddressCheck): void {
  const { value, label, code } = check;
  if (!value) return;
  const path = ['spec', check.field];
  const ip = parseIpv4Prefix(value);
  const subnet = parseIpv4Prefix(check.subnet);
  if (!ip) ctx.report(record, { code, message: `${label} ${value} is not an IPv4 address with prefix length`, path });
  else if (ip.length !== 32) ctx.report(record, { code, message: `${label} ${value} must be a /32`, path });
  else if (subnet && !prefixContains(subnet, ip.address))
    ctx.report(record, {
      code,
      message: `${label} ${value} is not in the ${check.subnetName} subnet ${check.subnet}`,
      path,
    });
}

export function checkVlanNamespace(ctx: RuleContext, record: ObjectRecord): void {
  const ranges = (record.object as VLANNamespaceObject).spec.ranges;
  const { vpcIRBVLANRange: irb, th5WorkaroundVLANRange: th5 } = ctx.config;
  const checked: { from: number; to: number; index: number }[] = [];
  ranges.forEach((range, index) => {
    const from = range.from ?? 0;
    const to = range.to ?? from;
    const rawIndex = rawListIndex(
      record,
      ['spec', 'ranges'],
      (item) => (item as { from?: number } | null)?.from === range.from,
      index,
    );
    const path = ['spec', 'ranges', rawIndex];
    if (from < 1 || to > 4094 || from > to) {
      ctx.report(record, {
        code: 'VLAN_RANGE_INVALID',
        message: `VLAN range ${from}-${to} must satisfy 1 <= from <= to <= 4094`,
        path,
      });
      return;
    }
    for (const [reserved, label] of [
      [irb, 'VPC IRB'],
      [th5, 'TH5 workaround'],
    ] as const) {
      if (from <= reserved.to && reserved.from <= to) {
        ctx.report(record, {
          code: 'VLAN_RANGE_INVALID',
          message: `VLAN range ${from}-${to} overlaps the reserved ${label} VLAN range ${reserved.from}-${reserved.to}`,
          path,
        });
      }
    }
    checked.push({ from, to, index: rawIndex });
  });
  checked.sort((a, b) => a.from - b.from);
  for (let index = 1; index < checked.length; index++) {
    const previous = checked[index - 1]!;
    const current = checked[index]!;
    if (current.from <= previous.to) {
      ctx.report(record, {
        code: 'VLAN_RANGES_OVERLAP',
        message: `VLAN range ${current.from}-${current.to} overlaps range ${previous.from}-${previous.to}`,
        path: ['spec', 'ranges', current.index],
      });
    }
  }
}

/** Connection.Validate returns early with the warning "MCLAG is deprecated and no longer supported". */
const LEGACY_CONNECTION_TYPES: Record<string, string> = {
  mclag:
    'MCLAG connections are deprecated and no longer supported (Hedgehog accepts them with a warning); use an eslag connection (leaves in an ESLAG redundancy group)',
  mclagDomain:
    'mclagDomain connections are deprecated and no longer supported (Hedgehog accepts them with a warning); ESLAG needs no peer or session links, so delete this connection',
};

/** Per-connection rules and references. Port uniqueness and link-IP uniqueness are fabric-wide (see uniqueness-rules.ts). */
export function checkConnection(ctx: RuleContext, record: ObjectRecord): void {
  const spec = (record.object as ConnectionObject).spec;
  const types = connectionTypesOf(spec);
  const report = (finding: Parameters<RuleContext['report']>[1]) => ctx.report(record, finding);
  if (types.length !== 1) {
    report({
      code: 'CONNECTION_TYPE_COUNT',
      message:
        types.length === 0
          ? 'exactly one connection type must be used; none is set'
          : `exactly one connection type must be used; found ${types.join(', ')}`,
      path: types.length === 0 ? ['spec'] : ['spec', types[1]!],
    });
    return;
  }
  const type = types[0]!;
  if (LEGACY_CONNECTION_TYPES[type]) {
    report({ severity: 'warning', code: 'LEGACY_API', message: LEGACY_CONNECTION_TYPES[type]!, path: ['spec', type] });
    return;
  }
  if (type === 'staticExternal') {
    report({
      severity: 'warning',
      code: 'CONNECTION_DEPRECATED',
      message:
        'staticExternal connections are deprecated; use a static External with an ExternalAttachment on an external connection',
      path: ['spec', type],
    });
  }

  const endpoints = connectionEndpoints(spec, type);
  let wellFormed = true;
  for (const endpoint of endpoints) {
    if (!splitDevicePort(endpoint.port)) {
      wellFormed = false;
      report({
        code: 'CONNECTION_PORT_FORMAT',
        message: endpoint.port ? `port ${endpoint.port} should be "<device>/<port>" format` : 'port is required',
        path: endpoint.path,
      });
    }
  }
  if (endpoints.length === 0) {
    report({
      code: 'CONNECTION_ENDPOINTS',
      message: `${type} connection needs at least one link`,
      path: ['spec', type],
    });
    return;
  }
  if (!wellFormed) return;

  const switches = switchesOf(endpoints);
  const servers = serversOf(endpoints);
  const expect = (condition: boolean, message: string) => {
    if (!condition) report({ code: 'CONNECTION_ENDPOINTS', message, path: ['spec', type] });
  };
  switch (type) {
    case 'unbundled':
    case 'bundled':
      expect(servers.length === 1, `${type} connection must have exactly one server, found ${servers.length}`);
      expect(switches.length === 1, `${type} connection must have exactly one switch, found ${switches.length}`);
      break;
    case 'eslag':
      expect(servers.length === 1, `eslag connection must have exactly one server, found ${servers.length}`);
      expect(
        switches.length >= 1 && switches.length <= 4,
        `eslag connection must have 1 to 4 switches, found ${switches.length}`,
      );
      break;
    case 'fabric':
    case 'mesh':
      expect(switches.length === 2, `${type} connection must connect exactly 2 switches, found ${switches.length}`);
      break;
    case 'gateway':
    case 'vpcLoopback':
    case 'external':
    case 'staticExternal':
      expect(
        switches.length === 1,
        `${type} connection must use exactly one switch${type === 'vpcLoopback' ? ' on both sides' : ''}, found ${switches.length}`,
      );
      break;
  }
  if (type === 'fabric') {
    const spines = new Set(
      endpoints
        .filter((endpoint) => endpoint.role === 'spine')
        .map((endpoint) => splitDevicePort(endpoint.port)!.device),
    );
    const leaves = new Set(
      endpoints
        .filter((endpoint) => endpoint.role === 'leaf')
        .map((endpoint) => splitDevicePort(endpoint.port)!.device),
    );
    expect(
      spines.size === 1 && leaves.size === 1,
      'fabric connection links must all join the same spine and the same leaf',
    );
  }

  // References: switches and servers exist, switch ports exist for the switch's profile and breakouts.
  for (const endpoint of endpoints) {
    const { device, port } = splitDevicePort(endpoint.port)!;
    if (endpoint.side === 'server') {
      if (!ctx.lookup('Server', record.namespace, device))
        report({ code: 'REFERENCE_NOT_FOUND', message: `server ${device} does not exist`, path: endpoint.path });
    } else if (endpoint.side === 'gateway') {
      // hhfab's hydrate(): "getting gateway %s" / "gateway %s does not have interface %s". Go checks
      // it only when it hydrates; on a hydrated wiring a missing gateway is a warning here.
      const severity =
        ctx.config.hydrationMode === 'override' ||
        (ctx.config.hydrationMode === 'if-not-present' && ctx.hydration === 'none')
          ? 'error'
          : 'warning';
      const gateway = ctx.lookup('Gateway', record.namespace, device);
      if (!gateway)
        report({
          severity,
          code: 'REFERENCE_NOT_FOUND',
          message: `gateway ${device} does not exist`,
          path: endpoint.path,
        });
      else if (!(gateway.object as GatewayObject).spec?.interfaces?.[port])
        report({
          severity,
          code: 'REFERENCE_NOT_FOUND',
          message: `gateway ${device} does not have interface ${port}`,
          path: endpoint.path,
        });
    } else if (endpoint.side === 'switch') {
      const target = ctx.lookup('Switch', record.namespace, device);
      if (!target) {
        report({ code: 'REFERENCE_NOT_FOUND', message: `switch ${device} does not exist`, path: endpoint.path });
        continue;
      }
      const switchSpec = (target.object as SwitchObject).spec;
      const profile = findSwitchProfile(switchSpec.profile ?? '', ctx.config);
      if (!profile) continue; // reported on the switch
      if (!switchPortMap(profile, switchSpec.portBreakouts ?? {}).ports.has(port)) {
        report({
          code: 'PORT_NOT_ALLOWED',
          message: `port ${endpoint.port} is not allowed for switch ${device} (profile ${profile.name}${switchSpec.portBreakouts?.[port.replace(/\/\d+$/, '')] ? `, breakout ${switchSpec.portBreakouts[port.replace(/\/\d+$/, '')]}` : ''})`,
          path: endpoint.path,
        });
      }
      // Connection.Validate checks no roles; a swapped link is almost surely a mistake, so a warning.
      if (type === 'fabric') {
        const role = switchSpec.role;
        if (endpoint.role === 'spine' && role !== 'spine')
          report({
            severity: 'warning',
            code: 'REFERENCE_WRONG_TYPE',
            message: `switch ${device} on the spine side has role ${role} (Hedgehog does not check roles)`,
            path: endpoint.path,
          });
        if (endpoint.role === 'leaf' && !isLeafRole(role))
          report({
            severity: 'warning',
            code: 'REFERENCE_WRONG_TYPE',
            message: `switch ${device} on the leaf side has role ${role} (Hedgehog does not check roles)`,
            path: endpoint.path,
          });
      }
      if (type === 'mesh' && !isLeafRole(switchSpec.role)) {
        report({
          severity: 'warning',
          code: 'REFERENCE_WRONG_TYPE',
          message: `mesh links join leaves only; switch ${device} has role ${switchSpec.role} (Hedgehog does not check roles)`,
          path: endpoint.path,
        });
      }
    }
  }

  // ESLAG (Connection.Validate): the switches that have a redundancy group share it, and those
  // with a type share it. Go skips switches without a group; ESLAG cannot work on them, so a warning.
  if (type === 'eslag') {
    const groups = new Set<string>();
    const types = new Set<string>();
    const ungrouped: string[] = [];
    for (const name of switches) {
      const target = ctx.lookup('Switch', record.namespace, name);
      if (!target) continue;
      const redundancy = (target.object as SwitchObject).spec.redundancy;
      if (redundancy?.group) groups.add(redundancy.group);
      if (redundancy?.type) types.add(redundancy.type);
      if (!redundancy?.group || redundancy.type !== 'eslag') ungrouped.push(name);
    }
    if (groups.size > 1 || types.size > 1) {
      report({
        code: 'REDUNDANCY_GROUP_MISMATCH',
        message: `eslag connection switches must share one redundancy group and type; found ${[...groups, ...types].join(', ')}`,
        path: ['spec', 'eslag', 'links'],
      });
    } else if (ungrouped.length > 0) {
      report({
        severity: 'warning',
        code: 'REDUNDANCY_GROUP_MISMATCH',
        message: `eslag connection switches ${ungrouped.join(', ')} are not in an eslag redundancy group (Hedgehog skips them; ESLAG will not work there)`,
        path: ['spec', 'eslag', 'links'],
      });
    }
  }

  // MTU on server-facing connections.
  if (type === 'unbundled' || type === 'bundled') {
    const mtu = spec[type]?.mtu;
    const max = ctx.config.fabricMTU - ctx.config.serverFacingMTUOffset;
    if (mtu && mtu > max)
      report({
        code: 'CONNECTION_MTU',
        message: `MTU ${mtu} is above ${max} (fabric MTU ${ctx.config.fabricMTU} minus server-facing offset ${ctx.config.serverFacingMTUOffset})`,
        path: ['spec', type, 'mtu'],
      });
  }

  // Link IPs on fabric, mesh and gateway links.
  if (type === 'fabric' || type === 'mesh' || type === 'gateway') checkLinkIPs(ctx, record, endpoints);
  if (type === 'staticExternal') checkStaticExternal(ctx, record, spec);
}

function checkLinkIPs(ctx: RuleContext, record: ObjectRecord, endpoints: ReturnType<typeof connectionEndpoints>): void {
  const fabricSubnet = parseIpv4Prefix(ctx.config.fabricSubnet);
  const byLink = new Map<number, typeof endpoints>();
  for (const endpoint of endpoints) byLink.set(endpoint.link, [...(byLink.get(endpoint.link) ?? []), endpoint]);
  const unhydrated: number[] = [];
  for (const [link, ends] of byLink) {
    const withIP = ends.filter((end) => end.ip);
    if (withIP.length === 0) {
      unhydrated.push(link);
      continue;
    }
    if (withIP.length !== ends.length) {
      const missing = ends.find((end) => !end.ip)!;
      ctx.report(record, {
        code: 'CONNECTION_LINK_IP',
        message: `link ${link} ${missing.role} IP is missing while the other end has one (partially hydrated)`,
        path: missing.ipPath!,
      });
      continue;
    }
    const parsed = ends.map((end) => ({ end, prefix: parseIpv4Prefix(end.ip!) }));
    let ok = true;
    for (const { end, prefix } of parsed) {
      if (prefix?.length !== 31) {
        ctx.report(record, {
          code: 'CONNECTION_LINK_IP',
          message: `link ${link} ${end.role} IP ${end.ip} is not a /31`,
          path: end.ipPath!,
        });
        ok = false;
      } else if (fabricSubnet && !prefixContains(fabricSubnet, prefix.address)) {
        ctx.report(record, {
          code: 'CONNECTION_LINK_IP',
          message: `link ${link} ${end.role} IP ${end.ip} is not in the fabric subnet ${ctx.config.fabricSubnet}`,
          path: end.ipPath!,
        });
        ok = false;
      }
    }
    const [a, b] = parsed;
    if (
      ok &&
      a?.prefix &&
      b?.prefix &&
      (a.prefix.network !== b.prefix.network || a.prefix.address === b.prefix.address)
    ) {
      ctx.report(record, {
        code: 'CONNECTION_LINK_IP',
        message: `link ${link} IPs ${a.end.ip} and ${b.end.ip} must be the two addresses of one /31`,
        path: b.end.ipPath!,
      });
    }
  }
  if (unhydrated.length > 0) {
    const first = byLink.get(unhydrated[0]!)![0]!;
    ctx.report(record, {
      severity: hydrationSeverity(ctx),
      code: 'CONNECTION_NOT_HYDRATED',
      message: `${unhydrated.length} link(s) have no IPs (hhfab allocates /31s from ${ctx.config.fabricSubnet}; switch agents need them)`,
      path: first.ipPath!.slice(0, -2),
    });
  }
}

function checkStaticExternal(ctx: RuleContext, record: ObjectRecord, spec: ConnectionObject['spec']): void {
  const link = spec.staticExternal?.link?.switch;
  const base = ['spec', 'staticExternal', 'link', 'switch'];
  const ip = link?.ip ? parseIpv4Prefix(link.ip) : undefined;
  if (!link?.ip)
    ctx.report(record, {
      code: 'CONNECTION_STATIC_EXTERNAL',
      message: 'static external switch ip is required',
      path: [...base, 'ip'],
    });
  if (link?.nextHop) {
    const nextHop = parseIpv4(link.nextHop);
    if (ip && nextHop !== undefined && !prefixContains(ip, nextHop)) {
      ctx.report(record, {
        code: 'CONNECTION_STATIC_EXTERNAL',
        message: `next hop ${link.nextHop} is not inside ${link.ip}`,
        path: [...base, 'nextHop'],
      });
    }
  } else {
    ctx.report(record, {
      code: 'CONNECTION_STATIC_EXTERNAL',
      message: 'static external next hop is required',
      path: [...base, 'nextHop'],
    });
  }
  const subnets = link?.subnets ?? [];
  const parsed: { prefix: NonNullable<ReturnType<typeof parseIpv4Prefix>>; item: number }[] = [];
  subnets.forEach((subnet, index) => {
    const prefix = parseIpv4Prefix(subnet);
    const path = [...base, 'subnets', index];
    if (!prefix || !isCanonicalPrefix(prefix)) {
      ctx.report(record, {
        code: 'CONNECTION_STATIC_EXTERNAL',
        message: `subnet ${subnet} must be a canonical CIDR${prefix ? ` (${formatPrefix(prefix)})` : ''}`,
        path,
      });
      return;
    }
    if (prefix.length === 0 && subnets.length > 1) {
      ctx.report(record, {
        code: 'CONNECTION_STATIC_EXTERNAL',
        message: '0.0.0.0/0 must be the only subnet when used',
        path,
      });
      return;
    }
    for (const reserved of reservedSubnets(ctx.config)) {
      const reservedPrefix = parseIpv4Prefix(reserved.cidr);
      if (prefix.length > 0 && reservedPrefix && prefixesOverlap(prefix, reservedPrefix)) {
        ctx.report(record, {
          code: 'SUBNET_RESERVED_OVERLAP',
          message: `subnet ${subnet} overlaps the reserved ${reserved.name} subnet ${reserved.cidr}`,
          path,
        });
      }
    }
    parsed.push({ prefix, item: index });
  });
  for (const { item, other } of findOverlaps(parsed.filter((entry) => entry.prefix.length > 0))) {
    ctx.report(record, {
      code: 'CONNECTION_STATIC_EXTERNAL',
      message: `subnet ${subnets[item]} overlaps ${subnets[other]}`,
      path: [...base, 'subnets', item],
    });
  }
  const withinVPC = spec.staticExternal?.withinVPC;
  if (withinVPC && !ctx.lookup('VPC', record.namespace, withinVPC)) {
    ctx.report(record, {
      code: 'REFERENCE_NOT_FOUND',
      message: `VPC ${withinVPC} (withinVPC) does not exist`,
      path: ['spec', 'staticExternal', 'withinVPC'],
    });
  }
}
