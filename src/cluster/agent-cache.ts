/**
 * The Agent objects of one fabric's cluster, kept in memory from its watch. Switch health is
 * computed from them when read (switch-health.ts: it ages with the heartbeat); Agents are not
 * stored as rows.
 */
import { KIND_CATALOG } from '../hedgehog/catalog.ts';
import { objectKey, type ClusterEvent, type ClusterObject, type WatchedKind } from './cluster-client.ts';

/** Agent (agent.githedgehog.com), watched beside the managed kinds for switch health. */
export const AGENT_KIND = KIND_CATALOG.find((info) => info.kind === 'Agent' && info.group === 'agent.githedgehog.com');

export function isAgentKind(kind: Pick<WatchedKind, 'kind' | 'group'>): boolean {
  return kind.kind === 'Agent' && kind.group === 'agent.githedgehog.com';
}

export class AgentCache {
  readonly #agents = new Map<string, ClusterObject>();
  #listed = false;

  /** Takes one Agent event: a relist replaces every Agent, an upsert or delete one of them. */
  apply(event: ClusterEvent): void {
    if (event.type === 'synced') {
      this.#agents.clear();
      for (const object of event.objects) this.#agents.set(objectKey(object), object);
      this.#listed = true;
    } else if (event.type === 'upsert') this.#agents.set(objectKey(event.object), event.object);
    else this.#agents.delete(objectKey(event.object));
  }

  /** A full list of the Agents has been received. */
  get listed(): boolean {
    return this.#listed;
  }

  get size(): number {
    return this.#agents.size;
  }

  /** The Agent of a switch (same name and namespace); a cluster-scoped one counts as `default`. */
  get(namespace: string, name: string): ClusterObject | undefined {
    return this.#agents.get(`${namespace}/${name}`) ?? (namespace === 'default' ? this.#agents.get(name) : undefined);
  }
}
