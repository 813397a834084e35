import { Migration } from '@mikro-orm/migrations';

export class Migration20261201205800_webhook_delivery extends Migration {
  override name = 'Migration20261201205800_webhook_delivery';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "webhook_delivery" ("digest" text not null, "delivery_id" text null, "event" text not null, "received_at" timestamptz not null default now(), constraint "webhook_delivery_pkey" primary key ("digest"));`,
    );
    this.addSql(`create index "webhook_delivery_received_idx" on "webhook_delivery" ("received_at");`);
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_delivery_id_unique" unique ("delivery_id");`,
    );
    // Deliveries recorded by earlier versions (on their pulls) stay recognised by their id.
    this.addSql(
      `insert into "webhook_delivery" ("digest", "delivery_id", "event") select distinct 'delivery-id:' || d, d, 'push' from "sync_operation", jsonb_array_elements_text(case when jsonb_typeof(details->'deliveries') = 'array' then details->'deliveries' else '[]'::jsonb end) as d on conflict do nothing;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }
}
