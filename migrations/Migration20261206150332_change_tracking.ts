import { Migration } from '@mikro-orm/migrations';

export class Migration20261206150332_change_tracking extends Migration {
  override name = 'Migration20261206150332_change_tracking';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "change" ("id" uuid not null, "fabric_id" uuid not null, "source" text not null, "commit_oid" varchar(64) not null, "branch" varchar(255) not null, "message" text not null default '', "actor" varchar(255) null, "author_name" varchar(255) not null default '', "author_email" varchar(255) not null default '', "commits" jsonb not null default '[]', "operation_id" uuid null, "pull_request_url" text null, "pull_request_number" int null, "pull_request_state" text null, "merge_commit_oid" varchar(64) null, "stage" text not null, "stage_at" timestamptz not null, "stages" jsonb not null default '[]', "open" boolean not null default true, "landed_at" timestamptz null, "applied_at" timestamptz null, "converged_at" timestamptz null, "object_count" int not null default 0, "objects_behind" jsonb not null default '[]', "switches" jsonb not null default '[]', "switches_behind" jsonb not null default '[]', "impact_summary" text not null default '', "impact_unresolved" jsonb not null default '[]', "engine" jsonb null, "superseded_by" uuid null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "change_fabric_created_id_idx" on "change" ("fabric_id", "created_at", "id");`);
    this.addSql(`create index "change_fabric_stage_idx" on "change" ("fabric_id", "stage");`);
    this.addSql(`create index "change_fabric_open_idx" on "change" ("fabric_id", "open");`);

    this.addSql(
      `create table "change_object" ("id" bigserial primary key, "change_id" uuid not null, "fabric_id" uuid not null, "resource_id" uuid null, "kind" varchar(128) not null, "namespace" varchar(253) not null, "name" varchar(253) not null, "action" text not null, "committed" jsonb null, "previous" jsonb null, "applied_at" timestamptz null);`,
    );
    this.addSql(`create index "change_object_change_idx" on "change_object" ("change_id");`);
    this.addSql(
      `create index "change_object_identity_idx" on "change_object" ("fabric_id", "kind", "namespace", "name");`,
    );
    this.addSql(`create index "change_object_resource_idx" on "change_object" ("resource_id");`);

    this.addSql(`alter table "fabric" add "change_stall_seconds" int not null default 600;`);

    this.addSql(
      `alter table "change" add constraint "change_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "change" add constraint "change_source_check" check ("source" in ('gateway', 'pull_request', 'external'));`,
    );
    this.addSql(
      `alter table "change" add constraint "change_pull_request_state_check" check ("pull_request_state" in ('open', 'merged', 'closed'));`,
    );
    this.addSql(
      `alter table "change" add constraint "change_stage_check" check ("stage" in ('PROPOSED', 'COMMITTED', 'MERGED', 'CLOSED', 'APPLIED', 'CONVERGED', 'STALLED', 'SUPERSEDED', 'DIVERGED'));`,
    );

    this.addSql(
      `alter table "change_object" add constraint "change_object_change_id_foreign" foreign key ("change_id") references "change" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "change_object" add constraint "change_object_action_check" check ("action" in ('create', 'update', 'delete'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "change_object" drop constraint "change_object_change_id_foreign";`);

    this.addSql(`drop table if exists "change" cascade;`);
    this.addSql(`drop table if exists "change_object" cascade;`);

    this.addSql(`alter table "fabric" drop column "change_stall_seconds";`);
  }
}
