/**
 * How a fabric's cluster is reached, from its stored settings. The credentials are decrypted by
 * the fabric domain (`FabricService.readKubernetesCredentials`); the composition root hands the
 * watchers a reader built on it.
 */
import type { FabricService } from '../fabric/fabric.service.ts';
import type { ClusterConnection } from './cluster-client.ts';

export interface FabricConnection {
  /** Absent when the fabric has a server but no credentials (its watch then fails clearly). */
  connection: ClusterConnection | undefined;
  /** The namespaces to watch; every namespace when absent. */
  namespaces: string[] | undefined;
}

/** The ClusterConnection of stored fabric settings (null credentials: server only, which fails clearly). */
export function connectionOf(
  server: string,
  credentials: { kubeconfig: string } | { token: string; caData?: string } | null,
): ClusterConnection | undefined {
  if (!credentials) return undefined;
  if ('kubeconfig' in credentials) return { kubeconfig: credentials.kubeconfig };
  return { server, token: credentials.token, ...(credentials.caData ? { caData: credentials.caData } : {}) };
}

/** The fabric's cluster connection; null when the fabric has none or no longer exists. */
export async function readFabricConnection(
  fabrics: Pick<FabricService, 'getMany' | 'readKubernetesCredentials'>,
  fabricId: string,
): Promise<FabricConnection | null> {
  const fabric = (await fabrics.getMany([fabricId])).get(fabricId);
  if (!fabric?.kubernetesServer) return null;
  const credentials = await fabrics.readKubernetesCredentials(fabric);
  return {
    connection: connectionOf(fabric.kubernetesServer, credentials),
    namespaces: fabric.kubernetesNamespaces.length > 0 ? [...fabric.kubernetesNamespaces] : undefined,
  };
}
