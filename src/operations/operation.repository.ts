/**
 * The SQL of the `sync_operation` table that the ORM does not express, in one place: the lock that
 * serialises launches of one job key, and the cancel request, which is a JSON merge into
 * `details` so that it never overwrites what the replica running the operation writes there.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Holds a transaction lock on a job key until `em`'s transaction ends: two launches of the same
 * key (a webhook and a head check, two replicas) run one after the other. Inside a transaction only.
 */
export async function lockJobKey(em: EntityManager, jobKey: string): Promise<void> {
  await em
    .getConnection()
    .execute(
      'select pg_advisory_xact_lock(hashtext(?))',
      [`sync-operation-job:${jobKey}`],
      'all',
      em.getTransactionContext(),
    );
}

/** Records who asked to cancel a running operation (a JSON merge); false when it is no longer running. */
export async function recordCancelRequest(em: EntityManager, operationId: string, actor: string): Promise<boolean> {
  const applied = await em
    .getConnection()
    .execute(
      `update sync_operation set details = details || jsonb_build_object('cancelRequestedBy', ?::text), updated_at = now() where id = ? and status = 'in_progress'`,
      [actor, operationId],
      'run',
    );
  return Number((applied as { affectedRows?: number }).affectedRows ?? 0) > 0;
}

/** True when a cancel of the operation was recorded (read from the database: another replica may have written it). */
export async function cancelRequested(em: EntityManager, operationId: string): Promise<boolean> {
  const rows = await em
    .getConnection()
    .execute<{ requested: string | null }[]>(
      `select details->>'cancelRequestedBy' as requested from sync_operation where id = ?`,
      [operationId],
    );
  return Boolean(rows[0]?.requested);
}
