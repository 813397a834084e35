/**
 * Fabric-wide uniqueness, done with one pass and an index per property (no pairwise scans):
 * ports (with breakout aliases), link IPs, switch and gateway addresses and ASNs, VLANs per
 * VLANNamespace, VPC subnets per IPv4Namespace, attachments per connection.
 */
import { connectionEndpoints, connectionTypesOf, splitDevicePort } from '../connection.ts';
import { findOverlaps, normalizeMac, parseIpv4Prefix, type Ipv4Prefix } from '../ip.ts';
import { findSwitchProfile, switchPortMap } from '../switch-profiles.ts';
import type {
  ConnectionObject,
  ExternalAttachmentObject,
  GatewayObject,
  SwitchObject,
  VPCAttachmentObject,
  VPCObject,
} from '../schemas.ts';
import type { ObjectRecord, RuleContext } from '../rule-context.ts';
import { isLeafRole } from './wiring-rules.ts';

type Path = (string | number)[];

/** Remembers the first owner of each value and reports later ones. */
class FirstOwner<V> {
  private readonly owners = new Map<V, { record: ObjectRecord; label: string }>();
  claim(
    value: V,
    record: ObjectRecord,
    label: string,
    onConflict: (owner: { record: ObjectRecord; label: string }) => void,
  ): void {
    const owner = this.owners.get(value);
    if (owner) onConflict(owner);
    else this.owners.set(value, { record, label });
  }
}

function describe(owner: { record: ObjectRecord; label: string }): string {
  return `${owner.record.kind.toLowerCase()} ${owner.record.name}${owner.label ? ` (${owner.label})` : ''}`;
}

export function checkPortsAndLinkIPs(ctx: RuleContext): void {
  const ports = new FirstOwner<string>();
  const linkIPs = new FirstOwner<number>();
  for (const record of ctx.all('Connection')) {
    const spec = (record.object as ConnectionObject).spec;
    const types = connectionTypesOf(spec);
    if (types.length !== 1) continue;
    for (const endpoint of connectionEndpoints(spec, types[0]!)) {
      const parts = splitDevicePort(endpoint.port);
      if (!parts) continue;
      let physical = parts.port;
      if (endpoint.side === 'switch') {
        // A broken-out port and its first sub-port (E1/4, E1/4/1) are the same physical port.
        const sw = (ctx.lookup('Switch', record.namespace, parts.device)?.object as SwitchObject | undefined)?.spec;
        const profile = sw ? findSwitchProfile(sw.profile ?? '', ctx.config) : undefined;
        physical = (profile && switchPortMap(profile, sw?.portBreakouts ?? {}).ports.get(parts.port)) ?? parts.port;
      }
      ports.claim(
        `${endpoint.side === 'server' ? 'server' : endpoint.side === 'gateway' ? 'gateway' : 'switch'}:${parts.device}/${physical}`,
        record,
        '',
        (owner) => {
          const same = owner.record === record;
          ctx.report(record, {
            code: 'PORT_IN_USE',
            message: same
              ? `port ${endpoint.port} is used twice in this connection`
              : `port ${endpoint.port} is already used by other connection ${owner.record.name}`,
            path: endpoint.path,
          });
        },
      );
      if (endpoint.ip && endpoint.ipPath) {
        const ip = parseIpv4Prefix(endpoint.ip);
        if (ip) {
          linkIPs.claim(ip.address, record, `link ${endpoint.link} ${endpoint.role}`, (owner) => {
            ctx.report(record, {
              code: 'DUPLICATE_IP',
              message: `link IP ${endpoint.ip} is already used by ${describe(owner)}`,
              path: endpoint.ipPath!,
            });
          });
        }
      }
    }
  }
}

export function checkDeviceAddresses(ctx: RuleContext): void {
  const leafASNs = new FirstOwner<number>();
  const managementIPs = new FirstOwner<number>();
  const protocolIPs = new FirstOwner<number>();
  const vtepIPs = new FirstOwner<number>();
  const vtepMACs = new FirstOwner<string>();
  const claimIP = (
    index: FirstOwner<number>,
    record: ObjectRecord,
    value: string | null | undefined,
    field: string,
    label: string,
  ) => {
    const ip = value ? parseIpv4Prefix(value) : undefined;
    if (!ip) return;
    index.claim(ip.address, record, field, (owner) => {
      ctx.report(record, {
        code: 'DUPLICATE_IP',
        message: `${label} ${value} is already in use by ${describe(owner)}`,
        path: ['spec', field],
      });
    });
  };
  for (const record of ctx.all('Switch')) {
    const spec = (record.object as SwitchObject).spec;
    const mclag = spec.redundancy?.type === 'mclag'; // MCLAG pairs shared ASN and VTEP; the webhook still exempts them
    if (spec.asn && isLeafRole(spec.role) && !mclag) {
      leafASNs.claim(spec.asn, record, '', (owner) =>
        ctx.report(record, {
          code: 'DUPLICATE_ASN',
          message: `leaf ASN ${spec.asn} is already in use by ${describe(owner)}`,
          path: ['spec', 'asn'],
        }),
      );
    }
    claimIP(managementIPs, record, spec.ip, 'ip', 'management IP');
    claimIP(protocolIPs, record, spec.protocolIP, 'protocolIP', 'protocol IP');
    if (!mclag) claimIP(vtepIPs, record, spec.vtepIP, 'vtepIP', 'VTEP IP');
  }
  for (const record of ctx.all('Gateway')) {
    const spec = (record.object as GatewayObject).spec ?? {};
    claimIP(protocolIPs, record, spec.protocolIP, 'protocolIP', 'protocol IP');
    claimIP(vtepIPs, record, spec.vtepIP, 'vtepIP', 'VTEP IP');
    const mac = spec.vtepMAC ? normalizeMac(spec.vtepMAC) : undefined;
    if (mac)
      vtepMACs.claim(mac, record, '', (owner) =>
        ctx.report(record, {
          code: 'DUPLICATE_IP',
          message: `VTEP MAC ${spec.vtepMAC} is already in use by ${describe(owner)}`,
          path: ['spec', 'vtepMAC'],
        }),
      );
  }
}

export function checkVpcSubnetsAcrossVpcs(ctx: RuleContext): void {
  const vlans = new FirstOwner<string>();
  const byIpv4Namespace = new Map<
    string,
    { prefix: Ipv4Prefix; item: { record: ObjectRecord; subnet: string; label: string; path: (string | number)[] } }[]
  >();
  for (const record of ctx.all('VPC')) {
    const spec = (record.object as VPCObject).spec;
    const vlanNamespace = spec.vlanNamespace ?? 'default';
    for (const [name, subnet] of Object.entries(spec.subnets ?? {})) {
      if (subnet?.vlan && !subnet.hostBGP) {
        vlans.claim(`${vlanNamespace}|${subnet.vlan}`, record, `subnet ${name}`, (owner) => {
          if (owner.record !== record) {
            ctx.report(record, {
              code: 'DUPLICATE_VLAN',
              message: `VLAN ${subnet.vlan} is already used in VLANNamespace ${vlanNamespace} by ${describe(owner)}`,
              path: ['spec', 'subnets', name, 'vlan'],
            });
          }
        });
      }
      const key = spec.ipv4Namespace ?? 'default';
      const list = byIpv4Namespace.get(key) ?? [];
      const prefix = subnet?.subnet ? parseIpv4Prefix(subnet.subnet) : undefined;
      if (prefix)
        list.push({
          prefix,
          item: { record, subnet: name, label: `subnet ${name}`, path: ['spec', 'subnets', name, 'subnet'] },
        });
      // VPC.Validate (fabric v0.129): hostBGP extra prefixes take part in the cross-VPC overlap check.
      for (const extra of subnet?.hostBGP ? Object.keys(subnet.hostBGPExtraPrefixes ?? {}) : []) {
        const parsed = parseIpv4Prefix(extra);
        if (parsed)
          list.push({
            prefix: parsed,
            item: {
              record,
              subnet: name,
              label: `hostBGP extra prefix ${extra} of subnet ${name}`,
              path: ['spec', 'subnets', name, 'hostBGPExtraPrefixes', extra],
            },
          });
      }
      byIpv4Namespace.set(key, list);
    }
  }
  for (const [namespace, list] of byIpv4Namespace) {
    for (const { item, other } of findOverlaps(list)) {
      if (item.record === other.record) continue; // reported by the VPC's own rule
      // Report on the object loaded later, naming the earlier one.
      const [later, earlier] = item.record.order > other.record.order ? [item, other] : [other, item];
      ctx.report(later.record, {
        code: 'SUBNET_OVERLAP',
        message: `${later.label} overlaps ${earlier.label} of VPC ${earlier.record.name} in IPv4Namespace ${namespace}`,
        path: later.path,
      });
    }
  }
}

export function checkAttachmentsPerConnection(ctx: RuleContext): void {
  const subnets = new FirstOwner<string>();
  const natives = new FirstOwner<string>();
  for (const record of ctx.all('VPCAttachment')) {
    const spec = (record.object as VPCAttachmentObject).spec;
    if (!spec.connection || !spec.subnet) continue;
    subnets.claim(`${spec.connection}|${spec.subnet}`, record, '', (owner) => {
      ctx.report(record, {
        code: 'ATTACHMENT_CONFLICT',
        message: `connection ${spec.connection} already attaches subnet ${spec.subnet} (${describe(owner)})`,
        path: ['spec', 'subnet'],
      });
    });
    if (spec.nativeVLAN) {
      natives.claim(spec.connection, record, '', (owner) => {
        ctx.report(record, {
          code: 'ATTACHMENT_CONFLICT',
          message: `connection ${spec.connection} already has a native VLAN attachment (${describe(owner)})`,
          path: ['spec', 'nativeVLAN'],
        });
      });
    }
  }
  const vlans = new FirstOwner<string>();
  for (const record of ctx.all('ExternalAttachment')) {
    const spec = (record.object as ExternalAttachmentObject).spec;
    if (!spec.connection) continue;
    const vlan = spec.static ? (spec.static.vlan ?? 0) : (spec.switch?.vlan ?? 0);
    const path: Path = spec.static ? ['spec', 'static', 'vlan'] : ['spec', 'switch', 'vlan'];
    vlans.claim(`${spec.connection}|${vlan}`, record, '', (owner) => {
      ctx.report(record, {
        code: 'DUPLICATE_VLAN',
        message: `VLAN ${vlan} is already used on connection ${spec.connection} by ${describe(owner)}`,
        path,
      });
    });
  }
}
