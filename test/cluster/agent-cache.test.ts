import { describe, expect, it } from 'vitest';
import { AgentCache, isAgentKind } from '../../src/cluster/agent-cache.ts';
import type { ClusterObject, WatchedKind } from '../../src/cluster/cluster-client.ts';
import { connectionOf } from '../../src/cluster/fabric-connection.ts';
import { WATCHED_KINDS } from '../../src/cluster/fabric-watch.ts';

const AGENT: WatchedKind = { group: 'agent.githedgehog.com', version: 'v1beta1', kind: 'Agent', plural: 'agents' };

function agent(name: string, generation: number, namespace: string | null = 'default'): ClusterObject {
  return {
    apiVersion: 'agent.githedgehog.com/v1beta1',
    kind: 'Agent',
    metadata: { name, ...(namespace ? { namespace } : {}), generation },
  };
}

describe('AgentCache', () => {
  it('follows upserts and deletes; a relist replaces every Agent and marks the cache listed', () => {
    const cache = new AgentCache();
    cache.apply({ type: 'upsert', kind: AGENT, object: agent('leaf-1', 1) });
    cache.apply({ type: 'upsert', kind: AGENT, object: agent('leaf-2', 1) });
    expect(cache.listed).toBe(false);
    cache.apply({ type: 'upsert', kind: AGENT, object: agent('leaf-1', 2) });
    cache.apply({ type: 'delete', kind: AGENT, object: agent('leaf-2', 1) });
    expect(cache.get('default', 'leaf-1')?.metadata.generation).toBe(2);
    expect(cache.get('default', 'leaf-2')).toBeUndefined();
    cache.apply({ type: 'synced', kind: AGENT, objects: [agent('spine-1', 5), agent('leaf-3', 1, 'team-a')] });
    expect(cache.listed).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.get('default', 'leaf-1')).toBeUndefined();
    expect(cache.get('team-a', 'leaf-3')?.metadata.name).toBe('leaf-3');
    expect(cache.get('default', 'leaf-3')).toBeUndefined();
  });

  it('finds a cluster-scoped Agent for a switch in the default namespace only', () => {
    const cache = new AgentCache();
    cache.apply({ type: 'upsert', kind: AGENT, object: agent('leaf-1', 1, null) });
    expect(cache.get('default', 'leaf-1')?.metadata.name).toBe('leaf-1');
    expect(cache.get('team-a', 'leaf-1')).toBeUndefined();
  });

  it('Agent of agent.githedgehog.com is watched besides the managed kinds, and only it is an Agent', () => {
    expect(WATCHED_KINDS.filter(isAgentKind)).toEqual([AGENT]);
    expect(isAgentKind({ kind: 'Agent', group: 'example.com' })).toBe(false);
    expect(WATCHED_KINDS.map((k) => k.kind)).toEqual(expect.arrayContaining(['VPC', 'Switch', 'Agent']));
  });
});

describe('connectionOf', () => {
  it('builds the connection from stored settings; no credentials, no connection', () => {
    const server = 'https://kube.example:6443';
    expect(connectionOf(server, null)).toBeUndefined();
    expect(connectionOf(server, { kubeconfig: 'apiVersion: v1' })).toEqual({ kubeconfig: 'apiVersion: v1' });
    expect(connectionOf(server, { token: 't' })).toEqual({ server, token: 't' });
    expect(connectionOf(server, { token: 't', caData: 'Q0E=' })).toEqual({ server, token: 't', caData: 'Q0E=' });
  });
});
