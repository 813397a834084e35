/**
 * The `webhook_delivery` table: every accepted GitHub delivery by its body's digest and its id,
 * so a replay is recognised by every replica. Records older than `keepDays` are pruned now and then.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Records a delivery; false when its digest or its id was recorded before. One statement, so two
 * replicas receiving the same delivery at once record it once.
 */
export async function recordDelivery(
  em: EntityManager,
  input: { digest: string; delivery: string; event: string },
  keepDays: number,
): Promise<boolean> {
  const connection = em.getConnection();
  const inserted = await connection.execute<{ digest: string }[]>(
    `insert into webhook_delivery (digest, delivery_id, event) values (?, ?, ?) on conflict do nothing returning digest`,
    [input.digest, input.delivery === '' ? null : input.delivery, input.event],
  );
  if (Math.random() < 0.01) {
    await connection.execute(`delete from webhook_delivery where received_at < now() - make_interval(days => ?)`, [
      keepDays,
    ]);
  }
  return inserted.length > 0;
}
