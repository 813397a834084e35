/**
 * Builds a KubeConfig in memory from the fabric's connection settings: never written to disk,
 * never logged. A kubeconfig text is read by `parseKubeconfig` (inline credentials only, every
 * entry checked) and the library gets only the object built from that result: it never parses
 * the text, so it never reads a file or runs a command. Stored connections go through the same
 * checks each time they are used, so one stored by an older gateway cannot do either.
 */
import { KubeConfig, type Cluster } from '@kubernetes/client-node';
import { ClusterConfigError, type ClusterConnection } from '../cluster-client.ts';
import { serverProblem, type GatewayAddress } from '../cluster-server.ts';
import { describeProblems, parseKubeconfig } from '../kubeconfig.ts';

export interface BuildKubeConfigOptions {
  /** Refuses servers that point back at this gateway. */
  gateway?: GatewayAddress | undefined;
}

export function buildKubeConfig(connection: ClusterConnection, options: BuildKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if ('kubeconfig' in connection) {
    const result = parseKubeconfig(connection.kubeconfig, { gateway: options.gateway });
    if (!result.ok) {
      const [first] = result.problems;
      throw new ClusterConfigError(
        first?.path ? `kubeconfig.${first.path}` : 'kubeconfig',
        describeProblems(result.problems),
      );
    }
    const { cluster, user, context } = result.config;
    kc.loadFromOptions({
      clusters: [
        allowPlainHttp({
          name: cluster.name,
          server: cluster.server.replace(/\/$/, ''),
          skipTLSVerify: cluster.insecureSkipTlsVerify,
          ...(cluster.caData ? { caData: cluster.caData } : {}),
          ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
        }),
      ],
      users: user ? [{ ...user }] : [],
      contexts: [
        {
          name: context.name,
          cluster: cluster.name,
          user: user?.name ?? '',
          ...(context.namespace ? { namespace: context.namespace } : {}),
        },
      ],
      currentContext: context.name,
    });
    return kc;
  }
  const problem = serverProblem(connection.server, { credentialsField: 'token', gateway: options.gateway });
  if (problem) throw new ClusterConfigError('server', problem);
  if (!connection.token) throw new ClusterConfigError('token', 'a bearer token is required');
  kc.loadFromOptions({
    clusters: [
      allowPlainHttp({
        name: 'fabric',
        server: connection.server,
        caData: caDataBase64(connection.caData),
        skipTLSVerify: connection.insecureSkipTlsVerify ?? false,
      }),
    ],
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

/** Accepts PEM text or base64 (as in a kubeconfig's certificate-authority-data). */
function caDataBase64(caData: string | undefined): string | undefined {
  if (!caData) return undefined;
  return caData.trimStart().startsWith('-----BEGIN') ? Buffer.from(caData, 'utf8').toString('base64') : caData.trim();
}
