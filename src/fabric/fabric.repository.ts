/**
 * The reads of the `fabric` table that other domains make without a FabricService (the cluster
 * watchers, at start and when a fabric's cluster is forgotten). One statement each.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { FabricSchema } from './fabric.entity.ts';

/** Ids of the fabrics with a Kubernetes connection. */
export async function fabricIdsWithCluster(em: EntityManager): Promise<string[]> {
  const fabrics = await em.find(FabricSchema, { kubernetesServer: { $ne: null } }, { fields: ['id'] });
  return fabrics.map((fabric) => fabric.id);
}

/** Whether the fabric still exists (it may have been deleted since). */
export async function fabricExists(em: EntityManager, fabricId: string): Promise<boolean> {
  return (await em.count(FabricSchema, { id: fabricId })) > 0;
}
