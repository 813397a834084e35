/**
 * Connection anatomy: which type a Connection is and which ports it uses, with the JSON path of
 * each port, following fabric's `ConnectionSpec.Endpoints()`.
 */
import { CONNECTION_TYPES, type ConnectionSpec, type ConnectionType } from './schemas.ts';
import type { PathSegment } from './manifests.ts';

export type EndpointSide = 'switch' | 'server' | 'gateway';

export interface ConnectionEndpoint {
  side: EndpointSide;
  /** `<device>/<port>` as written. */
  port: string;
  /** Path of the `port` field. */
  path: PathSegment[];
  /** Path of the sibling `ip` field, for link types that carry IPs. */
  ipPath?: PathSegment[];
  ip?: string;
  /** Index of the link the endpoint belongs to. */
  link: number;
  /** Role within the link (`spine`, `leaf`, `leaf1`, `switch1`, ...). */
  role: string;
}

/** The connection types present (exactly one is valid). */
export function connectionTypesOf(spec: ConnectionSpec | null | undefined): ConnectionType[] {
  if (!spec) return [];
  return CONNECTION_TYPES.filter((type) => spec[type] !== undefined && spec[type] !== null);
}

type PortLike = { port?: string | null; ip?: string | null } | null | undefined;

export function connectionEndpoints(spec: ConnectionSpec, type: ConnectionType): ConnectionEndpoint[] {
  const endpoints: ConnectionEndpoint[] = [];
  const add = (
    side: EndpointSide,
    value: PortLike,
    base: PathSegment[],
    link: number,
    role: string,
    withIP: boolean,
  ) => {
    const endpoint: ConnectionEndpoint = { side, port: value?.port ?? '', path: [...base, role, 'port'], link, role };
    if (withIP) {
      endpoint.ipPath = [...base, role, 'ip'];
      if (value?.ip) endpoint.ip = value.ip;
    }
    endpoints.push(endpoint);
  };
  const root: PathSegment[] = ['spec', type];
  switch (type) {
    case 'unbundled': {
      const link = spec.unbundled?.link;
      add('server', link?.server, [...root, 'link'], 0, 'server', false);
      add('switch', link?.switch, [...root, 'link'], 0, 'switch', false);
      break;
    }
    case 'bundled':
    case 'eslag':
    case 'mclag':
      (spec[type]?.links ?? []).forEach((link, index) => {
        add('server', link?.server, [...root, 'links', index], index, 'server', false);
        add('switch', link?.switch, [...root, 'links', index], index, 'switch', false);
      });
      break;
    case 'mclagDomain':
      (spec.mclagDomain?.peerLinks ?? []).forEach((link, index) => {
        add('switch', link?.switch1, [...root, 'peerLinks', index], index, 'switch1', false);
        add('switch', link?.switch2, [...root, 'peerLinks', index], index, 'switch2', false);
      });
      (spec.mclagDomain?.sessionLinks ?? []).forEach((link, index) => {
        add('switch', link?.switch1, [...root, 'sessionLinks', index], index, 'switch1', false);
        add('switch', link?.switch2, [...root, 'sessionLinks', index], index, 'switch2', false);
      });
      break;
    case 'fabric':
      (spec.fabric?.links ?? []).forEach((link, index) => {
        add('switch', link?.spine, [...root, 'links', index], index, 'spine', true);
        add('switch', link?.leaf, [...root, 'links', index], index, 'leaf', true);
      });
      break;
    case 'mesh':
      (spec.mesh?.links ?? []).forEach((link, index) => {
        add('switch', link?.leaf1, [...root, 'links', index], index, 'leaf1', true);
        add('switch', link?.leaf2, [...root, 'links', index], index, 'leaf2', true);
      });
      break;
    case 'gateway':
      (spec.gateway?.links ?? []).forEach((link, index) => {
        add('switch', link?.switch, [...root, 'links', index], index, 'switch', true);
        add('gateway', link?.gateway, [...root, 'links', index], index, 'gateway', true);
      });
      break;
    case 'vpcLoopback':
      (spec.vpcLoopback?.links ?? []).forEach((link, index) => {
        add('switch', link?.switch1, [...root, 'links', index], index, 'switch1', false);
        add('switch', link?.switch2, [...root, 'links', index], index, 'switch2', false);
      });
      break;
    case 'external':
      add('switch', spec.external?.link?.switch, [...root, 'link'], 0, 'switch', false);
      break;
    case 'staticExternal':
      add('switch', spec.staticExternal?.link?.switch, [...root, 'link'], 0, 'switch', false);
      break;
  }
  return endpoints;
}

/** Splits `leaf-01/E1/55/1` into device `leaf-01` and port `E1/55/1`; undefined if malformed. */
export function splitDevicePort(text: string): { device: string; port: string } | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { device: text.slice(0, slash), port: text.slice(slash + 1) };
}

/** Distinct switch names used by a connection, in order of first use. */
export function switchesOf(endpoints: readonly ConnectionEndpoint[]): string[] {
  const names: string[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.side !== 'switch') continue;
    const device = splitDevicePort(endpoint.port)?.device;
    if (device && !names.includes(device)) names.push(device);
  }
  return names;
}

export function serversOf(endpoints: readonly ConnectionEndpoint[]): string[] {
  const names: string[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.side !== 'server') continue;
    const device = splitDevicePort(endpoint.port)?.device;
    if (device && !names.includes(device)) names.push(device);
  }
  return names;
}
