/**
 * Big fabrics in linear time (issue 16, item 5), structurally: a first pull writes its new rows
 * in bulk (one insert statement per 2,000 rows, not an ORM entity per row), every desired column
 * as the ORM wrote it; the ids it announces are the rows' ids; and an operation's progress events
 * leave the unit of work once written, so later flushes of a long operation do not compare them
 * all again. Timings are bench/big-fabric.ts's, never asserted here.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/events/event-bus.ts';
import { gitBlobOid, managedFilePath, sha256Hex } from '../../src/hedgehog/canonical.ts';
import { SyncEventSchema } from '../../src/operations/sync-operation.entity.ts';
import { queryDatabase } from '../support/database.ts';
import { pushFromAnotherClone, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { runOperation } from '../gitops/support.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { generateFabric, renderMultiDocument } from '../../src/hedgehog/generate-fabric.ts';
import { fileOf, sync, vlanNamespace, yamlOf } from './support.ts';

afterAll(removeScratchDirs);

const FILES = 2_100;
const RESOURCE_INSERT = /^insert into "?resource"? /i;
const ANALYZE = /^analyze resource$/i;
/** When `resource` was last analysed by a statement (not autovacuum), as PostgreSQL's statistics have it. */
const lastAnalyzed = async (env: GatewayWithRemote) =>
  (
    await queryDatabase<{ last_analyze: Date | null }>(
      env.t.database.url,
      `select last_analyze from pg_stat_user_tables where relname = 'resource'`,
    )
  )[0]!.last_analyze;

describe('a first pull of many files (git adapter)', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
  });
  afterEach(() => env.stop());

  it('inserts 2,100 rows in two statements, every desired column set, and announces their ids', async () => {
    const objects = Array.from({ length: FILES }, (_, index) =>
      vlanNamespace(`ns-${String(index).padStart(4, '0')}`, 1000 + (index % 900)),
    );
    const labelled = {
      ...objects[7]!,
      metadata: { ...objects[7]!.metadata, labels: { team: 'net' }, annotations: { note: 'x' } },
    };
    objects[7] = labelled;
    const head = await pushFromAnotherClone(env.remote, {
      files: Object.assign({ 'README.md': '# fabric\n' }, ...objects.map(fileOf)),
      message: 'seed',
    });
    const announced: string[] = [];
    const events = env.t.app.eventBus.subscribe<{ type: string; resourceIds?: string[] }>(topics.fabric(env.fabricId));
    const collecting = (async () => {
      for await (const event of events)
        if (event.type === 'DESIRED_STATE_CHANGED') {
          announced.push(...(event.resourceIds ?? []));
          break;
        }
    })();
    env.t.sql.length = 0;

    const pulled = await sync(env.t, env.fabricId, 'PULL');
    await collecting;

    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: FILES });
    // One statement per 2,000 new rows (the ORM sent one per 300, with an entity per row).
    expect(env.t.sql.filter((statement) => RESOURCE_INSERT.test(statement))).toHaveLength(2);
    // 1,000 rows or more: the planner's statistics are refreshed at once, not a minute later.
    expect(env.t.sql.filter((statement) => ANALYZE.test(statement))).toHaveLength(1);
    expect(await lastAnalyzed(env)).toBeInstanceOf(Date);
    // The log lists the first 1,000 files one by one and counts the rest in one line.
    const messages = pulled.events.map((event: { message: string }) => event.message);
    expect(messages.filter((message: string) => message === 'created')).toHaveLength(1_000);
    expect(messages).toContain(`${FILES - 1_000} more file(s), not listed one by one: ${FILES - 1_000} created`);
    const stored = await queryDatabase<Record<string, any>>(
      env.t.database.url,
      'select * from resource where fabric_id = $1 order by name',
      [env.fabricId],
    );
    expect(stored).toHaveLength(FILES);
    expect(new Set(announced)).toEqual(new Set(stored.map((row) => row.id)));
    const row = stored.find((candidate) => candidate.name === labelled.metadata.name)!;
    const text = yamlOf(labelled);
    expect(row).toMatchObject({
      api_version: labelled.apiVersion,
      kind: 'VLANNamespace',
      namespace: 'default',
      desired_spec: labelled.spec,
      desired_labels: { team: 'net' },
      desired_annotations: { note: 'x' },
      desired_commit: head,
      managed_file_path: managedFilePath(labelled),
      desired_blob_oid: gitBlobOid(text),
      file_hash: sha256Hex(text),
      draft_action: null,
      live_spec: null,
      drift_status: 'unknown',
      sync_direction: 'bidirectional',
      conflict_status: 'none',
      external_modifications: [],
      sync_metadata: {},
      version: 1,
    });
    expect(row.last_file_sync).toBeInstanceOf(Date);
    expect(row.created_at).toBeInstanceOf(Date);
    const plain = stored.find((candidate) => candidate.name === 'ns-0000')!;
    expect(plain).toMatchObject({ desired_labels: null, desired_annotations: null });

    // The rows are the ORM's as much as its own: a later pull changes one through the unit of work.
    const changed = vlanNamespace('ns-0000', 1500);
    await pushFromAnotherClone(env.remote, { files: fileOf(changed) });
    env.t.sql.length = 0;
    const again = await sync(env.t, env.fabricId, 'PULL');
    expect(again).toMatchObject({ status: 'COMPLETED', filesUpdated: 1, filesCreated: 0 });
    expect(env.t.sql.filter((statement) => ANALYZE.test(statement))).toEqual([]); // one row: no ANALYZE
    const [updated] = await queryDatabase<Record<string, any>>(
      env.t.database.url,
      'select desired_spec, version, external_modifications from resource where id = $1',
      [plain.id],
    );
    expect(updated).toMatchObject({ desired_spec: changed.spec, version: 2 });
    expect(updated!.external_modifications).toHaveLength(1);
  });
});

describe('an ingestion (git adapter)', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
  });
  afterEach(() => env.stop());

  it('inserts its new rows in one statement, each with its managed file, blob and hash', async () => {
    await pushFromAnotherClone(env.remote, { files: { 'README.md': '# fabric\n' } });
    expect(await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId)).toMatchObject({ status: 'COMPLETED' });
    // More than the 300 rows the ORM put in one insert statement.
    const objects = generateFabric({ spines: 2, leaves: 8, serversPerLeafPair: 32 });
    expect(objects.length).toBeGreaterThan(300);
    await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/fabric.yaml': renderMultiDocument(objects) } });
    env.t.sql.length = 0;

    const ingested = await runOperation(env.t, 'ingestRaw', env.fabricId);

    expect(ingested).toMatchObject({ status: 'COMPLETED', errorMessage: null });
    expect(env.t.sql.filter((statement) => RESOURCE_INSERT.test(statement))).toHaveLength(1);
    expect(env.t.sql.filter((statement) => ANALYZE.test(statement))).toEqual([]); // fewer than 1,000 rows
    const stored = await queryDatabase<Record<string, any>>(
      env.t.database.url,
      'select * from resource where fabric_id = $1',
      [env.fabricId],
    );
    expect(stored).toHaveLength(objects.length);
    for (const row of stored) {
      const text = (await readFileAt(env.remote, 'main', `fabric/${row.managed_file_path}`)).toString();
      expect(row, row.name).toMatchObject({
        desired_commit: ingested.commitSha,
        desired_blob_oid: gitBlobOid(text),
        file_hash: sha256Hex(text),
        version: 1,
        drift_status: 'unknown',
      });
    }
    // Recorded as Git has them: the pull of the ingestion's commit finds nothing to change.
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 0, filesUpdated: 0, filesDeleted: 0 });
  });

  it('refreshes the planner statistics after ingesting 1,000 objects or more', async () => {
    await pushFromAnotherClone(env.remote, { files: { 'README.md': '# fabric\n' } });
    expect(await runOperation(env.t, 'initializeGitopsDirectory', env.fabricId)).toMatchObject({ status: 'COMPLETED' });
    const objects = generateFabric({ spines: 2, leaves: 8, serversPerLeafPair: 64, attachmentsPerConnection: 2 });
    expect(objects.length).toBeGreaterThanOrEqual(1_000);
    await pushFromAnotherClone(env.remote, { files: { 'fabric/raw/fabric.yaml': renderMultiDocument(objects) } });
    expect(await lastAnalyzed(env)).toBeNull();
    env.t.sql.length = 0;

    expect(await runOperation(env.t, 'ingestRaw', env.fabricId)).toMatchObject({ status: 'COMPLETED' });

    expect(env.t.sql.filter((statement) => ANALYZE.test(statement))).toHaveLength(1);
    expect(await lastAnalyzed(env)).toBeInstanceOf(Date);
  });
});

describe('operation progress events', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
  });
  afterEach(() => env.stop());

  it('are written and then leave the unit of work', async () => {
    const services = env.t.app.services();
    const operation = await services.operations.create({
      fabricId: env.fabricId,
      type: 'pull',
      initiatedBy: 'test',
    });
    for (let batch = 0; batch < 3; batch++)
      await services.operations.update(
        operation,
        { progressDone: batch + 1 },
        Array.from({ length: 50 }, (_, index) => ({ message: `file ${batch}-${index}` })),
      );
    const identityMap = services.em.getUnitOfWork().getIdentityMap();
    expect(identityMap.getStore(services.em.getMetadata().get(SyncEventSchema)).size).toBe(0);
    expect(identityMap.getByEntity(operation)).toBe(operation);
    const [count] = await queryDatabase<{ n: number }>(
      env.t.database.url,
      'select count(*)::int as n from sync_event where operation_id = $1',
      [operation.id],
    );
    expect(count!.n).toBe(150);
    // The operation itself stays managed: the next update still writes it.
    await services.operations.update(operation, { progressDone: 9 });
    const [stored] = await queryDatabase<{ progress_done: number }>(
      env.t.database.url,
      'select progress_done from sync_operation where id = $1',
      [operation.id],
    );
    expect(stored!.progress_done).toBe(9);
  });
});
