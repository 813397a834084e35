import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes in the order the API pages operations (newest first by created_at, then id), so a page
 * is read from the index after its cursor instead of sorting the table. The fabric one replaces
 * (fabric_id, created_at), which it extends. Resources page in (kind, namespace, name) order, the
 * order of the existing `resource_identity_unique` index.
 */
export class Migration20261206123000_keyset_indexes extends Migration {
  override name = 'Migration20261206123000_keyset_indexes';

  override up(): void | Promise<void> {
    this.addSql(
      `create index "sync_operation_fabric_created_id_idx" on "sync_operation" ("fabric_id", "created_at", "id");`,
    );
    this.addSql(`create index "sync_operation_created_id_idx" on "sync_operation" ("created_at", "id");`);
    this.addSql(`drop index if exists "sync_operation_fabric_created_idx";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create index "sync_operation_fabric_created_idx" on "sync_operation" ("fabric_id", "created_at");`);
    this.addSql(`drop index if exists "sync_operation_created_id_idx";`);
    this.addSql(`drop index if exists "sync_operation_fabric_created_id_idx";`);
  }
}
