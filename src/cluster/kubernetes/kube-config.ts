/**
 * Builds a KubeConfig in memory from the fabric's connection settings: never written to disk,
 * never logged. Kubeconfigs come from users, so anything that would make the gateway run a
 * command (`exec`, `auth-provider`) or read a local file (`*-file`, file paths) is refused.
 */
import { KubeConfig, type Cluster } from '@kubernetes/client-node';
import { ClusterConfigError, type ClusterConnection } from '../cluster-client.ts';

export function buildKubeConfig(connection: ClusterConnection): KubeConfig {
  const kc = new KubeConfig();
  if ('kubeconfig' in connection) {
    try {
      kc.loadFromString(connection.kubeconfig);
    } catch (error) {
      // The YAML parser's message may quote the document; keep only its first line (line/column).
      const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
      throw new ClusterConfigError('kubeconfig', `not a valid kubeconfig (${first.slice(0, 120)})`);
    }
    const context = kc.getContextObject(kc.getCurrentContext());
    if (!context) throw new ClusterConfigError('kubeconfig', `current-context "${kc.getCurrentContext() ?? ''}" is not defined`);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterConfigError('kubeconfig', `cluster "${context.cluster}" of context "${context.name}" is not defined`);
    checkServer('kubeconfig.clusters[].cluster.server', cluster.server);
    if (cluster.caFile) throw new ClusterConfigError('kubeconfig.clusters[].cluster.certificate-authority', 'file paths are not accepted; use certificate-authority-data');
    const user = kc.getCurrentUser();
    if (user?.exec) throw new ClusterConfigError('kubeconfig.users[].user.exec', 'exec credential plugins are not accepted; use a token or client certificate data');
    if (user?.authProvider) throw new ClusterConfigError('kubeconfig.users[].user.auth-provider', 'auth providers are not accepted; use a token or client certificate data');
    if (user?.certFile || user?.keyFile) throw new ClusterConfigError('kubeconfig.users[].user.client-certificate', 'file paths are not accepted; use client-certificate-data and client-key-data');
    kc.clusters = kc.clusters.map(allowPlainHttp);
    return kc;
  }
  checkServer('server', connection.server);
  if (!connection.token) throw new ClusterConfigError('token', 'a bearer token is required');
  kc.loadFromOptions({
    clusters: [allowPlainHttp({ name: 'fabric', server: connection.server, caData: caDataBase64(connection.caData), skipTLSVerify: connection.insecureSkipTlsVerify ?? false })],
    users: [{ name: 'gateway', token: connection.token }],
    contexts: [{ name: 'fabric', cluster: 'fabric', user: 'gateway' }],
    currentContext: 'fabric',
  });
  return kc;
}

/**
 * client-node refuses http:// unless skipTLSVerify is set, as an explicit "no TLS" acknowledgement.
 * An http:// URL already says that (e.g. `kubectl proxy` on localhost), so it is set for those only.
 */
function allowPlainHttp(cluster: Cluster): Cluster {
  return cluster.server.startsWith('http:') ? { ...cluster, skipTLSVerify: true } : cluster;
}

function checkServer(field: string, server: string | undefined): void {
  let url: URL;
  try {
    url = new URL(server ?? '');
  } catch {
    throw new ClusterConfigError(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ClusterConfigError(field, 'must be an absolute http(s) URL');
}

/** Accepts PEM text or base64 (as in a kubeconfig's certificate-authority-data). */
function caDataBase64(caData: string | undefined): string | undefined {
  if (!caData) return undefined;
  return caData.trimStart().startsWith('-----BEGIN') ? Buffer.from(caData, 'utf8').toString('base64') : caData.trim();
}
