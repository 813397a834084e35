import { Migration } from '@mikro-orm/migrations';

export class Migration20261122025009_initial extends Migration {
  override name = 'Migration20261122025009_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "git_repository" ("id" uuid not null, "name" varchar(255) not null, "url" text not null, "provider" text not null default 'git', "default_branch" varchar(255) not null default 'main', "auth_type" text not null default 'none', "encrypted_credentials" text null, "encrypted_webhook_secret" text null, "connection_status" text not null default 'pending', "last_validated_at" timestamptz null, "validation_error" text null, "direct_push_enabled" boolean not null default true, "push_branch" varchar(255) not null default '', "commit_author_name" varchar(255) not null default 'HNP Bidirectional Sync', "commit_author_email" varchar(255) not null default 'hnp-sync@hedgehog.gitops', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "git_repository" add constraint "git_repository_name_unique" unique ("name");`);

    this.addSql(
      `create table "fabric" ("id" uuid not null, "name" varchar(255) not null, "description" text not null default '', "status" text not null default 'planned', "git_repository_id" uuid null, "gitops_directory" varchar(1024) not null default 'fabric', "gitops_directory_status" text not null default 'not_initialized', "directory_init_error" text null, "last_directory_sync" timestamptz null, "last_pulled_commit" varchar(64) null, "sync_status" text not null default 'never_synced', "last_synced_at" timestamptz null, "kubernetes_server" text null, "encrypted_kubernetes_credentials" text null, "kubernetes_namespaces" jsonb not null default '[]', "drift_counts" jsonb not null default '{}', "drift_count" int not null default 0, "pull_interval_seconds" int not null default 60, "auto_commit_enabled" boolean not null default false, "auto_commit_quiet_seconds" int not null default 30, "validation_settings" jsonb not null default '{}', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "fabric" add constraint "fabric_name_unique" unique ("name");`);
    this.addSql(
      `alter table "fabric" add constraint "fabric_repository_directory_unique" unique ("git_repository_id", "gitops_directory");`,
    );

    this.addSql(
      `create table "resource" ("id" uuid not null, "fabric_id" uuid not null, "api_version" varchar(255) not null, "kind" varchar(128) not null, "namespace" varchar(253) not null default 'default', "name" varchar(253) not null, "desired_spec" jsonb null, "desired_labels" jsonb null, "desired_annotations" jsonb null, "desired_commit" varchar(64) null, "managed_file_path" text null, "desired_blob_oid" varchar(64) null, "file_hash" varchar(64) null, "last_file_sync" timestamptz null, "draft_action" text null, "draft_api_version" varchar(255) null, "draft_spec" jsonb null, "draft_labels" jsonb null, "draft_annotations" jsonb null, "draft_base_blob_oid" varchar(64) null, "drafted_by" varchar(255) null, "drafted_at" timestamptz null, "live_spec" jsonb null, "live_status" jsonb null, "live_labels" jsonb null, "live_annotations" jsonb null, "live_resource_version" varchar(64) null, "live_generation" bigint null, "live_observed_at" timestamptz null, "drift_status" text not null default 'unknown', "drift_details" jsonb not null default '[]', "sync_direction" text not null default 'bidirectional', "conflict_status" text not null default 'none', "conflict_details" jsonb null, "external_modifications" jsonb not null default '[]', "sync_metadata" jsonb not null default '{}', "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "resource_fabric_kind_name_idx" on "resource" ("fabric_id", "kind", "name");`);
    this.addSql(`create index "resource_fabric_conflict_idx" on "resource" ("fabric_id", "conflict_status");`);
    this.addSql(`create index "resource_fabric_drift_idx" on "resource" ("fabric_id", "drift_status");`);
    this.addSql(`create index "resource_fabric_draft_idx" on "resource" ("fabric_id", "draft_action");`);
    this.addSql(
      `alter table "resource" add constraint "resource_identity_unique" unique ("fabric_id", "kind", "namespace", "name");`,
    );

    this.addSql(
      `create table "sync_operation" ("id" uuid not null, "fabric_id" uuid not null, "operation_type" text not null, "status" text not null default 'pending', "phase" varchar(64) not null default 'queued', "progress_done" int not null default 0, "progress_total" int not null default 0, "trigger" text not null default 'api', "started_at" timestamptz null, "completed_at" timestamptz null, "details" jsonb not null default '{}', "error_message" text null, "files_processed" int not null default 0, "files_created" int not null default 0, "files_updated" int not null default 0, "files_deleted" int not null default 0, "commit_sha" varchar(64) null, "pull_request_url" text null, "initiated_by" varchar(255) not null default 'system', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "sync_operation_fabric_created_idx" on "sync_operation" ("fabric_id", "created_at");`);
    this.addSql(`create index "sync_operation_status_idx" on "sync_operation" ("status");`);

    this.addSql(
      `create table "sync_event" ("id" bigserial primary key, "operation_id" uuid not null, "time" timestamptz not null, "level" text not null default 'info', "message" text not null, "path" text null);`,
    );
    this.addSql(`create index "sync_event_operation_time_idx" on "sync_event" ("operation_id", "time");`);

    this.addSql(
      `alter table "git_repository" add constraint "git_repository_provider_check" check ("provider" in ('github', 'git'));`,
    );
    this.addSql(
      `alter table "git_repository" add constraint "git_repository_auth_type_check" check ("auth_type" in ('token', 'ssh_key', 'basic', 'none'));`,
    );
    this.addSql(
      `alter table "git_repository" add constraint "git_repository_connection_status_check" check ("connection_status" in ('pending', 'testing', 'connected', 'failed'));`,
    );

    this.addSql(
      `alter table "fabric" add constraint "fabric_git_repository_id_foreign" foreign key ("git_repository_id") references "git_repository" ("id") on delete restrict;`,
    );
    this.addSql(
      `alter table "fabric" add constraint "fabric_status_check" check ("status" in ('planned', 'active', 'maintenance', 'decommissioned'));`,
    );
    this.addSql(
      `alter table "fabric" add constraint "fabric_gitops_directory_status_check" check ("gitops_directory_status" in ('not_initialized', 'initializing', 'initialized', 'error', 'invalid_structure'));`,
    );
    this.addSql(
      `alter table "fabric" add constraint "fabric_sync_status_check" check ("sync_status" in ('never_synced', 'in_sync', 'out_of_sync', 'syncing', 'error'));`,
    );

    this.addSql(
      `alter table "resource" add constraint "resource_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "resource" add constraint "resource_draft_action_check" check ("draft_action" in ('upsert', 'delete'));`,
    );
    this.addSql(
      `alter table "resource" add constraint "resource_drift_status_check" check ("drift_status" in ('in_sync', 'spec_drift', 'desired_only', 'live_only', 'unknown'));`,
    );
    this.addSql(
      `alter table "resource" add constraint "resource_sync_direction_check" check ("sync_direction" in ('gui_to_git', 'git_to_gui', 'bidirectional', 'disabled'));`,
    );
    this.addSql(
      `alter table "resource" add constraint "resource_conflict_status_check" check ("conflict_status" in ('none', 'detected', 'resolving', 'resolved'));`,
    );

    this.addSql(
      `alter table "sync_operation" add constraint "sync_operation_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "sync_operation" add constraint "sync_operation_operation_type_check" check ("operation_type" in ('directory_init', 'ingestion', 'pull', 'push', 'bidirectional', 'conflict_resolution', 'cluster_refresh'));`,
    );
    this.addSql(
      `alter table "sync_operation" add constraint "sync_operation_status_check" check ("status" in ('pending', 'in_progress', 'completed', 'failed', 'cancelled'));`,
    );
    this.addSql(
      `alter table "sync_operation" add constraint "sync_operation_trigger_check" check ("trigger" in ('api', 'webhook', 'schedule'));`,
    );

    this.addSql(
      `alter table "sync_event" add constraint "sync_event_operation_id_foreign" foreign key ("operation_id") references "sync_operation" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "sync_event" add constraint "sync_event_level_check" check ("level" in ('debug', 'info', 'warning', 'error'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "fabric" drop constraint "fabric_git_repository_id_foreign";`);
    this.addSql(`alter table "resource" drop constraint "resource_fabric_id_foreign";`);
    this.addSql(`alter table "sync_operation" drop constraint "sync_operation_fabric_id_foreign";`);
    this.addSql(`alter table "sync_event" drop constraint "sync_event_operation_id_foreign";`);

    this.addSql(`drop table if exists "git_repository" cascade;`);
    this.addSql(`drop table if exists "fabric" cascade;`);
    this.addSql(`drop table if exists "resource" cascade;`);
    this.addSql(`drop table if exists "sync_operation" cascade;`);
    this.addSql(`drop table if exists "sync_event" cascade;`);
  }
}
