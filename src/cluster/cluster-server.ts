/**
 * The one check of a Kubernetes API server URL, wherever one comes from (the `server` field, any
 * cluster entry of a kubeconfig, a stored connection about to be used). Pure: no I/O, no DNS.
 *
 * Refused: anything but http(s); credentials in the URL (userinfo, query, fragment: they would be
 * stored in clear and shown to viewers); link-local addresses (169.254.0.0/16 with the cloud
 * metadata service, fe80::/10); unspecified addresses (0.0.0.0/8, ::), which reach this host; and
 * this gateway's own port on loopback or on any address of this host. Other loopback ports stay
 * allowed (`kubectl proxy`, a local test cluster). Messages never quote the URL.
 */
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Where this gateway listens, so that a cluster server cannot point back at it. */
export interface GatewayAddress {
  /** The configured listen host (HOST). */
  host: string;
  /** The port actually listened on; undefined until the server listens. */
  port: number | undefined;
}

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');

const unspecified = new BlockList();
unspecified.addSubnet('0.0.0.0', 8, 'ipv4');
unspecified.addAddress('::', 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * The problem with `server`, or undefined when it may be used. `credentialsField` names where
 * credentials belong instead (`token`, or a kubeconfig's `users[].user`).
 */
export function serverProblem(
  server: string,
  options: { credentialsField: string; gateway?: GatewayAddress | undefined },
): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an absolute http(s) URL';
  if (url.username !== '' || url.password !== '') {
    return `must not contain credentials (user:password@); give them in ${options.credentialsField}`;
  }
  if (url.search !== '' || url.hash !== '') {
    return `must not have a query or fragment (credentials such as ?access_token= belong in ${options.credentialsField})`;
  }
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const family = isIP(host) === 6 ? 'ipv6' : isIP(host) === 4 ? 'ipv4' : undefined;
  if (family && linkLocal.check(host, family))
    return 'must not be a link-local address (169.254.0.0/16, fe80::/10: cloud metadata services live there)';
  if (family && unspecified.check(host, family)) return 'must not be an unspecified address (0.0.0.0, ::)';
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (
    options.gateway?.port !== undefined &&
    port === options.gateway.port &&
    isThisHost(host, family, options.gateway.host)
  ) {
    return 'must not point at the gateway itself';
  }
  return undefined;
}

/**
 * A stored server URL as the API shows it: without userinfo, query or fragment, which a gateway
 * before these checks may have stored (they are never shown). Null for what is not a URL.
 */
export function displayServer(server: string): string | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return null;
  }
  if (url.username === '' && url.password === '' && url.search === '' && url.hash === '') return server;
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

function isThisHost(host: string, family: 'ipv4' | 'ipv6' | undefined, gatewayHost: string): boolean {
  if (host === gatewayHost.toLowerCase() || host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!family) return false;
  if (loopback.check(host, family)) return true;
  const local = new BlockList();
  for (const address of Object.values(networkInterfaces()).flat()) {
    if (address) local.addAddress(address.address.replace(/%.*$/, ''), address.family === 'IPv6' ? 'ipv6' : 'ipv4');
  }
  return local.check(host, family);
}
