import type { MikroORM } from '@mikro-orm/postgresql';
import type { SecretBox } from './secret-box.ts';

/** Every column that holds a sealed secret. */
const SEALED_COLUMNS = [
  { table: 'git_repository', column: 'encrypted_credentials' },
  { table: 'git_repository', column: 'encrypted_webhook_secret' },
  { table: 'fabric', column: 'encrypted_kubernetes_credentials' },
] as const;

/**
 * Opens every stored secret with the old key and seals it again with the new one, in one
 * transaction: either every value moves to the new key or none does. Values already sealed with
 * the new key are left as they are, so running it twice is harmless.
 */
export async function reencryptSecrets(
  orm: MikroORM,
  keys: { from: SecretBox; to: SecretBox },
): Promise<{ reencrypted: number; alreadyCurrent: number }> {
  let reencrypted = 0;
  let alreadyCurrent = 0;
  await orm.em.fork().transactional(async (em) => {
    const connection = em.getConnection();
    for (const { table, column } of SEALED_COLUMNS) {
      const rows = await connection.execute<{ id: string; value: string }[]>(
        `select id, ${column} as value from ${table} where ${column} is not null for update`,
        [],
        'all',
        em.getTransactionContext(),
      );
      for (const row of rows) {
        if (row.value.split(':')[1] === keys.to.keyId) {
          alreadyCurrent++;
          continue;
        }
        const sealed = keys.to.seal(keys.from.open(row.value));
        await connection.execute(
          `update ${table} set ${column} = ? where id = ?`,
          [sealed, row.id],
          'run',
          em.getTransactionContext(),
        );
        reencrypted++;
      }
    }
  });
  return { reencrypted, alreadyCurrent };
}
