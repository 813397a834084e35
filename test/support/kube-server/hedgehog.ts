/** Hedgehog CRDs and object builders for the test Kubernetes API server (hedgehog-crds.md §2). */
import type { KubeObject, KubeServerCrd } from './kube-server.ts';

export const HEDGEHOG_CRDS = {
  Switch: { group: 'wiring.githedgehog.com', version: 'v1beta1', kind: 'Switch', plural: 'switches' },
  Server: { group: 'wiring.githedgehog.com', version: 'v1beta1', kind: 'Server', plural: 'servers' },
  Connection: { group: 'wiring.githedgehog.com', version: 'v1beta1', kind: 'Connection', plural: 'connections' },
  VLANNamespace: {
    group: 'wiring.githedgehog.com',
    version: 'v1beta1',
    kind: 'VLANNamespace',
    plural: 'vlannamespaces',
  },
  VPC: { group: 'vpc.githedgehog.com', version: 'v1beta1', kind: 'VPC', plural: 'vpcs' },
  VPCAttachment: { group: 'vpc.githedgehog.com', version: 'v1beta1', kind: 'VPCAttachment', plural: 'vpcattachments' },
  VPCPeering: { group: 'vpc.githedgehog.com', version: 'v1beta1', kind: 'VPCPeering', plural: 'vpcpeerings' },
  IPv4Namespace: { group: 'vpc.githedgehog.com', version: 'v1beta1', kind: 'IPv4Namespace', plural: 'ipv4namespaces' },
  ExternalPeering: {
    group: 'vpc.githedgehog.com',
    version: 'v1beta1',
    kind: 'ExternalPeering',
    plural: 'externalpeerings',
  },
  Gateway: { group: 'gateway.githedgehog.com', version: 'v1alpha1', kind: 'Gateway', plural: 'gateways' },
  Agent: { group: 'agent.githedgehog.com', version: 'v1beta1', kind: 'Agent', plural: 'agents' },
} as const satisfies Record<string, KubeServerCrd>;

export function vpc(
  name: string,
  vlan: number,
  options: { namespace?: string; labels?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: 'vpc.githedgehog.com/v1beta1',
    kind: 'VPC',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      ipv4Namespace: 'default',
      vlanNamespace: 'default',
      subnets: {
        'subnet-1': {
          subnet: `10.${Math.floor(vlan / 256) % 256}.${vlan % 256}.0/24`,
          gateway: `10.${Math.floor(vlan / 256) % 256}.${vlan % 256}.1`,
          vlan,
        },
      },
    },
  };
}

export function switchObject(name: string, options: { namespace?: string } = {}): KubeObject {
  return {
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    kind: 'Switch',
    metadata: { name, namespace: options.namespace ?? 'default', labels: { 'fabric.githedgehog.com/rack': 'rack-1' } },
    spec: { role: 'server-leaf', profile: 'vs', asn: 65101, protocolIP: '172.30.8.2/32', vtepIP: '172.30.12.1/32' },
  };
}
