import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm, migrateToLatest, migrationsAreCurrent } from '../../src/db/orm.ts';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let orm: MikroORM;
beforeAll(async () => {
  database = await createTestDatabase();
  orm = await initOrm({ url: database.url });
});
afterAll(async () => {
  await orm?.close(true);
  await database?.drop();
});

const tables = async () =>
  (
    await queryDatabase<{ table_name: string }>(
      database.url,
      `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    )
  )
    .map((row) => row.table_name)
    .filter((name) => name !== 'mikro_orm_migrations');

it('migrates up from an empty database, matches the entities exactly, and migrates down', async () => {
  expect(await tables()).toEqual([]);
  expect(await migrationsAreCurrent(orm)).toBe(false);
  const applied = await migrateToLatest(orm);
  expect(applied.length).toBeGreaterThan(0);
  expect(await migrationsAreCurrent(orm)).toBe(true);
  expect(await tables()).toEqual([
    'api_token',
    'change',
    'change_object',
    'event_payload',
    'fabric',
    'git_repository',
    'resource',
    'sync_event',
    'sync_operation',
    'webhook_delivery',
  ]);

  // The entities and the checked-in migrations agree: the ORM finds nothing to change.
  const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
  expect(diff.trim()).toBe('');

  await orm.migrator.down({ to: 0 });
  expect(await tables()).toEqual([]);
});
