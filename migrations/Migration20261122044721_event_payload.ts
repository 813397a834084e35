import { Migration } from '@mikro-orm/migrations';

export class Migration20261122044721_event_payload extends Migration {
  override name = 'Migration20261122044721_event_payload';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "event_payload" ("id" bigserial primary key, "topic" text not null, "payload" jsonb not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "event_payload_created_idx" on "event_payload" ("created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "event_payload" cascade;`);
  }
}
