import { Migration } from '@mikro-orm/migrations';

export class Migration20261122031503_api_tokens extends Migration {
  override name = 'Migration20261122031503_api_tokens';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "api_token" ("id" uuid not null, "name" varchar(255) not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "role" text not null, "fabric_ids" jsonb not null default '[]', "expires_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, "created_by" varchar(255) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "api_token" add constraint "api_token_name_unique" unique ("name");`);
    this.addSql(`alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(
      `alter table "api_token" add constraint "api_token_role_check" check ("role" in ('viewer', 'operator', 'admin'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "api_token" cascade;`);
  }
}
