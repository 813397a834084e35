/**
 * A realistic, valid, fully hydrated spine-leaf fabric of any size, for tests and benchmarks:
 * ESLAG leaf pairs, servers on eslag/bundled/unbundled connections, fabric links with /31s,
 * VPCs with DHCP subnets and VLANs, attachments, peerings and a BGP external. Deterministic:
 * the same options give the same objects. Addresses follow hhfab's default fabric config.
 */
import { renderCanonicalYaml, type HedgehogObject } from './canonical.ts';
import { DEFAULT_FABRIC_CONFIG } from './fabric-config.ts';
import { formatIpv4, parseIpv4, parseIpv4Prefix } from './ip.ts';

export interface GenerateFabricOptions {
  /** 1–8 spines (celestica-ds4000). */
  spines: number;
  /** 1–128 leaves (celestica-ds3000), paired into ESLAG groups; an odd last leaf stays alone. */
  leaves: number;
  /** Servers per ESLAG leaf pair: half eslag, a quarter bundled, a quarter unbundled. @default 8 */
  serversPerLeafPair?: number;
  /** @default max(2, leaves) */
  vpcs?: number;
  /** Subnets per VPC. @default 2 */
  subnetsPerVpc?: number;
  /** VPC attachments per server connection. @default 1 */
  attachmentsPerConnection?: number;
  /** Add a BGP External attached on the first leaf, peered with the first VPC. @default true */
  externals?: boolean;
}

const SPINE_PROFILE = 'celestica-ds4000';
const LEAF_PROFILE = 'celestica-ds3000';
/** Leaf ports E1/1..E1/24 broken out 4x25G for servers; E1/25..E1/32 uplinks; E1/33 external. */
const LEAF_SERVER_PORTS = 24;
const LEAF_UPLINK_FIRST = 25;
const LEAF_UPLINKS = 8;
/** Spine ports E1/1..E1/32 broken out 4x100G: 128 leaf-facing ports. */
const SPINE_PORTS = 32;
const SPINE_SUBPORTS = 4;

function meta(apiVersion: string, kind: string, name: string, spec: unknown): HedgehogObject {
  return { apiVersion, kind, metadata: { name, namespace: 'default' }, spec };
}
const WIRING = 'wiring.githedgehog.com/v1beta1';
const VPC_API = 'vpc.githedgehog.com/v1beta1';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export function generateFabric(options: GenerateFabricOptions): HedgehogObject[] {
  const {
    spines,
    leaves,
    serversPerLeafPair = 8,
    subnetsPerVpc = 2,
    attachmentsPerConnection = 1,
    externals = true,
  } = options;
  const vpcCount = options.vpcs ?? Math.max(2, leaves);
  const linksPerSpine = spines * 2 <= LEAF_UPLINKS && leaves * 2 <= SPINE_PORTS * SPINE_SUBPORTS ? 2 : 1;
  if (!Number.isInteger(spines) || spines < 1 || spines * linksPerSpine > LEAF_UPLINKS)
    throw new RangeError(`spines must be 1..${LEAF_UPLINKS}`);
  if (!Number.isInteger(leaves) || leaves < 1 || leaves * linksPerSpine > SPINE_PORTS * SPINE_SUBPORTS)
    throw new RangeError(`leaves must be 1..${SPINE_PORTS * SPINE_SUBPORTS}`);
  if (vpcCount * subnetsPerVpc > 2000)
    throw new RangeError('vpcs × subnetsPerVpc must fit the 2000 VLANs of namespace default (1000–2999)');
  const serverPortsPerLeaf = LEAF_SERVER_PORTS * 4;
  if (serversPerLeafPair > serverPortsPerLeaf)
    throw new RangeError(`serversPerLeafPair must be at most ${serverPortsPerLeaf}`);

  const config = DEFAULT_FABRIC_CONFIG;
  const objects: HedgehogObject[] = [];
  objects.push(meta(WIRING, 'VLANNamespace', 'default', { ranges: [{ from: 1000, to: 2999 }] }));
  objects.push(meta(VPC_API, 'IPv4Namespace', 'default', { subnets: ['10.0.0.0/8'] }));

  const managementBase = parseIpv4(config.managementSubnet.split('/')[0]!)! + 10;
  const managementLength = parseIpv4Prefix(config.managementSubnet)!.length;
  const protocolBase = parseIpv4Prefix(config.protocolSubnet)!.network;
  const vtepBase = parseIpv4Prefix(config.vtepSubnet)!.network;
  let switchIndex = 0;
  const switchAddresses = () => {
    const index = switchIndex++;
    return {
      ip: `${formatIpv4(managementBase + index)}/${managementLength}`,
      protocolIP: `${formatIpv4(protocolBase + index)}/32`,
    };
  };

  const spineNames = Array.from({ length: spines }, (_, index) => `spine-${pad(index + 1, 2)}`);
  const leafNames = Array.from({ length: leaves }, (_, index) => `leaf-${pad(index + 1, leaves > 99 ? 3 : 2)}`);
  const spineBreakouts = Object.fromEntries(
    Array.from({ length: SPINE_PORTS }, (_, index) => [`E1/${index + 1}`, '4x100G']),
  );
  for (const name of spineNames) {
    objects.push(
      meta(WIRING, 'Switch', name, {
        role: 'spine',
        profile: SPINE_PROFILE,
        description: name,
        asn: config.spineASN,
        ...switchAddresses(),
        portBreakouts: spineBreakouts,
      }),
    );
  }
  const leafBreakouts = Object.fromEntries(
    Array.from({ length: LEAF_SERVER_PORTS }, (_, index) => [`E1/${index + 1}`, '4x25G']),
  );
  const pairs: string[][] = [];
  for (let index = 0; index < leaves; index += 2) pairs.push(leafNames.slice(index, index + 2));
  pairs.forEach((pair, pairIndex) => {
    const group = pair.length === 2 ? `eslag-${pairIndex + 1}` : undefined;
    if (group) objects.push(meta(WIRING, 'SwitchGroup', group, {}));
    for (const name of pair) {
      const leafIndex = leafNames.indexOf(name);
      objects.push(
        meta(WIRING, 'Switch', name, {
          role: 'server-leaf',
          profile: LEAF_PROFILE,
          description: name,
          asn: config.leafASNStart + leafIndex,
          ...switchAddresses(),
          vtepIP: `${formatIpv4(vtepBase + leafIndex)}/32`,
          portBreakouts: leafBreakouts,
          ...(group ? { redundancy: { group, type: 'eslag' } } : {}),
        }),
      );
    }
  });

  // Fabric links: every leaf to every spine, linksPerSpine links each, /31s from the fabric subnet.
  let linkAddress = parseIpv4Prefix(config.fabricSubnet)!.network;
  leafNames.forEach((leaf, leafIndex) => {
    spineNames.forEach((spine, spineIndex) => {
      const links = Array.from({ length: linksPerSpine }, (_, linkIndex) => {
        const spinePort = leafIndex * linksPerSpine + linkIndex; // 0-based over 128 sub-ports
        const link = {
          spine: {
            port: `${spine}/E1/${Math.floor(spinePort / SPINE_SUBPORTS) + 1}/${(spinePort % SPINE_SUBPORTS) + 1}`,
            ip: `${formatIpv4(linkAddress)}/31`,
          },
          leaf: {
            port: `${leaf}/E1/${LEAF_UPLINK_FIRST + spineIndex * linksPerSpine + linkIndex}`,
            ip: `${formatIpv4(linkAddress + 1)}/31`,
          },
        };
        linkAddress += 2;
        return link;
      });
      objects.push(meta(WIRING, 'Connection', `${spine}--fabric--${leaf}`, { fabric: { links } }));
    });
  });

  // VPCs: subnets 10.<a>.<b>.0/24 in order, VLANs from 1000.
  const vpcNames = Array.from({ length: vpcCount }, (_, index) => `vpc-${pad(index + 1, 4)}`);
  const vpcSubnets: string[] = [];
  let subnetIndex = 0;
  for (const vpc of vpcNames) {
    const subnets: Record<string, unknown> = {};
    for (let index = 0; index < subnetsPerVpc; index++) {
      const third = subnetIndex % 256;
      const second = 1 + Math.floor(subnetIndex / 256);
      const network = `10.${second}.${third}`;
      subnets[`subnet-${index + 1}`] = {
        subnet: `${network}.0/24`,
        gateway: `${network}.1`,
        vlan: 1000 + subnetIndex,
        dhcp: { enable: true, range: { start: `${network}.10`, end: `${network}.250` } },
      };
      vpcSubnets.push(`${vpc}/subnet-${index + 1}`);
      subnetIndex++;
    }
    objects.push(meta(VPC_API, 'VPC', vpc, { ipv4Namespace: 'default', vlanNamespace: 'default', subnets }));
  }

  // Servers: per leaf pair, half eslag, a quarter bundled, a quarter unbundled (orphan leaves: unbundled).
  const nextPort = new Map<string, number>();
  const takePort = (leaf: string) => {
    const used = nextPort.get(leaf) ?? 0;
    if (used >= serverPortsPerLeaf) throw new RangeError(`leaf ${leaf} has no server port left`);
    nextPort.set(leaf, used + 1);
    return `${leaf}/E1/${Math.floor(used / 4) + 1}/${(used % 4) + 1}`;
  };
  let serverNumber = 0;
  let attachmentCursor = 0;
  const attach = (connection: string) => {
    for (let index = 0; index < attachmentsPerConnection; index++) {
      const subnet = vpcSubnets[attachmentCursor++ % vpcSubnets.length]!;
      objects.push(
        meta(VPC_API, 'VPCAttachment', `${connection}--${subnet.replace('/', '--')}`, { connection, subnet }),
      );
    }
  };
  const serverWidth = Math.max(4, String(pairs.length * serversPerLeafPair).length);
  for (const pair of pairs) {
    for (let index = 0; index < serversPerLeafPair; index++) {
      const server = `server-${pad(++serverNumber, serverWidth)}`;
      objects.push(meta(WIRING, 'Server', server, {}));
      const kind =
        pair.length === 2 ? (index % 4 < 2 ? 'eslag' : index % 4 === 2 ? 'bundled' : 'unbundled') : 'unbundled';
      const leaf = pair[index % pair.length]!;
      let name: string;
      let spec: unknown;
      if (kind === 'eslag') {
        name = `${server}--eslag--${pair.join('--')}`;
        spec = {
          eslag: {
            links: pair.map((sw, nic) => ({
              server: { port: `${server}/enp2s${nic + 1}` },
              switch: { port: takePort(sw) },
            })),
          },
        };
      } else if (kind === 'bundled') {
        name = `${server}--bundled--${leaf}`;
        spec = {
          bundled: {
            links: [0, 1].map((nic) => ({
              server: { port: `${server}/enp2s${nic + 1}` },
              switch: { port: takePort(leaf) },
            })),
          },
        };
      } else {
        name = `${server}--unbundled--${leaf}`;
        spec = { unbundled: { link: { server: { port: `${server}/enp2s1` }, switch: { port: takePort(leaf) } } } };
      }
      objects.push(meta(WIRING, 'Connection', name, spec));
      attach(name);
    }
  }

  for (let index = 0; index + 1 < vpcNames.length; index += 2) {
    const [a, b] = [vpcNames[index]!, vpcNames[index + 1]!];
    objects.push(meta(VPC_API, 'VPCPeering', `${a}--${b}`, { permit: [{ [a]: {}, [b]: {} }] }));
  }

  if (externals) {
    const leaf = leafNames[0]!;
    const connection = `${leaf}--external`;
    objects.push(meta(WIRING, 'Connection', connection, { external: { link: { switch: { port: `${leaf}/E1/33` } } } }));
    objects.push(
      meta(VPC_API, 'External', 'uplink', {
        ipv4Namespace: 'default',
        inboundCommunity: '65102:5000',
        outboundCommunity: '5000:65102',
      }),
    );
    objects.push(
      meta(VPC_API, 'ExternalAttachment', `${leaf}--uplink`, {
        external: 'uplink',
        connection,
        switch: { vlan: 100, ip: '100.64.0.2/24' },
        neighbor: { asn: 64102, ip: '100.64.0.1' },
      }),
    );
    objects.push(
      meta(VPC_API, 'ExternalPeering', `${vpcNames[0]}--uplink`, {
        permit: {
          vpc: { name: vpcNames[0], subnets: ['subnet-1'] },
          external: { name: 'uplink', prefixes: [{ prefix: '0.0.0.0/0' }] },
        },
      }),
    );
  }
  return objects;
}

/** Multi-document YAML of the objects' canonical forms. */
export function renderMultiDocument(objects: readonly HedgehogObject[]): string {
  return objects.map(renderCanonicalYaml).join('---\n');
}

/** Splits objects into `fileCount` multi-document files of near-equal size, keeping order. */
export function splitIntoFiles(
  objects: readonly HedgehogObject[],
  fileCount: number,
  options: { prefix?: string } = {},
): { path: string; text: string }[] {
  const count = Math.max(1, Math.min(fileCount, objects.length));
  const size = Math.ceil(objects.length / count);
  const width = String(count).length;
  const files: { path: string; text: string }[] = [];
  for (let index = 0; index * size < objects.length; index++) {
    files.push({
      path: `${options.prefix ?? 'fabric'}-${pad(index + 1, width)}.yaml`,
      text: renderMultiDocument(objects.slice(index * size, (index + 1) * size)),
    });
  }
  return files;
}
