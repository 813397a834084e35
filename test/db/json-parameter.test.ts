/**
 * The statements that take thousands of rows at once send them as one JSON document in bytes
 * (src/db/json-parameter.ts), not as a string: MikroORM writes a string parameter into the SQL
 * one character at a time, a rope of a million pieces for a 2,000-row batch. What matters is
 * that every bulk statement of a big write goes that way (structural: the parameters it sent),
 * and that any text survives the trip unchanged (quotes, backslashes, `E'` look-alikes, unicode).
 */
import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PostgreSqlPlatform, type MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSONB_PARAMETER, jsonParameter } from '../../src/db/json-parameter.ts';
import { initOrm } from '../../src/db/orm.ts';
import { recordChange } from '../../src/changes/change-recorder.ts';
import type { ClusterObject } from '../../src/cluster/cluster-client.ts';
import { applyLiveChanges, forgetLiveKinds, recomputeDrift } from '../../src/cluster/live-state-store.ts';
import { desiredContents, objectsOfChanges, openChangesTouching } from '../../src/changes/change.repository.ts';
import { fabricIdsOf, insertDesiredRows, type NewDesiredRow } from '../../src/resource/resource.repository.ts';
import { queryDatabase } from '../support/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Text a literal could get wrong. */
const AWKWARD = `it's "quoted" \\ back\\slash E'\\x41' $1 ? ?? -- /* */ \n\t 雪 🦔 \u2028 end`;

let t: TestApp;
let orm: MikroORM;
let fabricId: string;
/** Every statement this file's ORM sent, with its parameters. */
const sent: { sql: string; params: readonly unknown[] }[] = [];

beforeAll(async () => {
  t = await startTestApp();
  fabricId = (await t.app.services().fabrics.create({ name: 'json-parameter' })).id;
  orm = await initOrm({ url: t.database.url, onQuery: (sql, _request, params) => sent.push({ sql, params }) });
});
afterAll(async () => {
  await orm?.close(true);
  await t?.stop();
});

const rowsOf = (count: number): NewDesiredRow[] =>
  Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    kind: 'VLANNamespace',
    namespace: 'default',
    name: `ns-${index}`,
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    spec: { ranges: [{ from: 1000, to: 1000 + (index % 900) }], note: AWKWARD },
    labels: index === 0 ? { team: AWKWARD } : null,
    annotations: null,
    commit: 'a'.repeat(40),
    path: `managed/vlannamespaces/ns-${index}.yaml`,
    blobOid: 'b'.repeat(40),
    fileHash: 'c'.repeat(64),
    at: new Date(),
  }));

describe('bulk statements', () => {
  it('send their rows as one byte parameter per statement, and the rows arrive unchanged', async () => {
    const rows = rowsOf(4_100);
    sent.length = 0;
    await orm.em.fork().transactional((tx) => insertDesiredRows(tx, fabricId, rows));
    // A change recording them all (its objects in bulk; then the older open changes it supersedes
    // are looked up by identity, in bulk too).
    const at = new Date();
    await orm.em.fork().transactional((tx) =>
      recordChange(
        tx,
        {
          fabricId,
          source: 'gateway',
          stage: 'COMMITTED',
          commitOid: 'a'.repeat(40),
          branch: 'main',
          message: AWKWARD,
          actor: 'test',
          authorName: 'test',
          authorEmail: 'test@example.invalid',
          commits: [],
          operationId: null,
        },
        rows.map((row) => ({
          kind: row.kind,
          namespace: row.namespace,
          name: row.name,
          resourceId: row.id,
          previous: null,
          committed: { apiVersion: row.apiVersion, spec: row.spec, labels: row.labels, annotations: null },
        })),
        { switches: [], summary: 'affects no switches', unresolved: [] },
        at,
      ),
    );
    const identities = rows.map((row) => ({ kind: row.kind, namespace: row.namespace, name: row.name }));
    const contents = await desiredContents(orm.em.fork(), fabricId, identities);
    const open = await openChangesTouching(orm.em.fork(), fabricId, identities);
    const recorded = await objectsOfChanges(orm.em.fork(), open);
    const fabrics = await fabricIdsOf(
      orm.em.fork(),
      rows.map((row) => row.id),
    );

    // Three inserts of resource rows (2,000 a statement), each with its rows as bytes.
    const inserts = sent.filter((statement) => /^insert into resource /.test(statement.sql));
    expect(inserts).toHaveLength(3);
    const bulk = sent.filter((statement) => statement.sql.includes(JSONB_PARAMETER));
    // 3 resource inserts, 3 change_object inserts, the superseded changes looked up in the
    // recording and after it, the desired contents, the change objects and the fabrics by row.
    expect(bulk).toHaveLength(11);
    for (const statement of bulk) {
      expect(statement.params.filter((param) => Buffer.isBuffer(param))).toHaveLength(1);
      expect(statement.params.some((param) => typeof param === 'string' && param.startsWith('['))).toBe(false);
    }

    const stored = await queryDatabase<{ id: string; desired_spec: unknown; desired_labels: unknown }>(
      t.database.url,
      'select id, desired_spec, desired_labels from resource where fabric_id = $1',
      [fabricId],
    );
    expect(stored).toHaveLength(rows.length);
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const row of rows) {
      expect(byId.get(row.id)?.desired_spec).toEqual(row.spec);
      expect(byId.get(row.id)?.desired_labels).toEqual(row.labels);
    }
    expect(contents.size).toBe(rows.length);
    expect(open).toHaveLength(1);
    expect(recorded).toHaveLength(rows.length);
    expect(recorded.find((object) => object.name === 'ns-0')?.committed?.labels).toEqual({ team: AWKWARD });
    expect(fabrics.size).toBe(rows.length);
    expect([...fabrics.values()].every((id) => id === fabricId)).toBe(true);
  });

  it('the live state store sends its batches as bytes: a relist, an update, removals, drift', async () => {
    const live = (index: number, note: string, version = 1): ClusterObject => ({
      apiVersion: 'vpc.githedgehog.com/v1beta1',
      kind: 'VPC',
      metadata: { name: `live-${index}`, namespace: 'default', resourceVersion: `${version}-${index}` },
      spec: { note },
    });
    const synced = { isKindSynced: () => true };
    const relist = (objects: ClusterObject[]) =>
      new Map([
        ['VPC', { relisted: new Map(objects.map((object) => [object.metadata.name, object])), changes: new Map() }],
      ]);
    const objects = Array.from({ length: 2_500 }, (_, index) => live(index, AWKWARD));
    sent.length = 0;
    const first = await applyLiveChanges(orm.em.fork(), fabricId, relist(objects), synced);
    expect(first.live).toHaveLength(objects.length);
    // The same objects changed (updates), then half of them gone (removals).
    const changed = objects.map((_, i) => live(i, `${AWKWARD} ${i}`, 2));
    await applyLiveChanges(orm.em.fork(), fabricId, relist(changed), synced);
    await applyLiveChanges(orm.em.fork(), fabricId, relist(changed.slice(0, 1_250)), synced);
    const ids = (
      await queryDatabase<{ id: string }>(
        t.database.url,
        "select id from resource where fabric_id = $1 and kind = 'VPC'",
        [fabricId],
      )
    ).map((row) => row.id);
    expect(ids).toHaveLength(1_250);
    const [updated] = await queryDatabase<{ live_spec: unknown }>(
      t.database.url,
      "select live_spec from resource where fabric_id = $1 and kind = 'VPC' and name = 'live-7'",
      [fabricId],
    );
    expect(updated?.live_spec).toEqual({ note: `${AWKWARD} 7` });
    await recomputeDrift(orm.em.fork(), ids, synced);
    await forgetLiveKinds(orm.em.fork(), fabricId, ['VPC']);

    const bulk = sent.filter((statement) => statement.sql.includes(JSONB_PARAMETER));
    // Per write: the relisted kind's rows, then inserts (2), updates (2) or removals (1); the
    // drift's row lookup (and its updates when drift changed), and the forgotten kind.
    expect(bulk.length).toBeGreaterThanOrEqual(9);
    for (const statement of bulk) {
      expect(statement.params.filter((param) => Buffer.isBuffer(param))).toHaveLength(1);
      expect(statement.params.some((param) => typeof param === 'string' && /^[[{]/.test(param))).toBe(false);
    }
    const left = await queryDatabase<{ id: string }>(
      t.database.url,
      "select id from resource where fabric_id = $1 and kind = 'VPC'",
      [fabricId],
    );
    expect(left).toHaveLength(0);
  });

  it('round-trips any JSON text through PostgreSQL', async () => {
    const value = { text: AWKWARD, nested: [AWKWARD, { [AWKWARD]: 1 }], empty: '', unicode: '\u{1F994}\u00e9' };
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute<{ value: unknown }[]>(`select ${JSONB_PARAMETER} as value`, [jsonParameter(value)]);
    expect(row!.value).toEqual(value);
  });
});

describe('string literals the ORM writes into the SQL', () => {
  it('are the text MikroORM writes, built flat: about their own size, not a rope of one piece per character', async () => {
    const platform = orm.em.getPlatform();
    const original = new PostgreSqlPlatform();
    for (const text of [AWKWARD, 'plain', "it's", 'back\\slash', ''])
      expect(platform.quoteValue(text)).toBe(original.quoteValue(text));
    // A change's objectsBehind at 50,000 objects: some 2 MB of JSON flushed as one literal.
    const labels = JSON.stringify(
      Array.from({ length: 50_000 }, (_, index) => `VPCAttachment default/server-${index}`),
    );
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    v8.setFlagsFromString('--no-expose-gc');
    gc();
    const before = process.memoryUsage().heapUsed;
    const literal = platform.quoteValue(labels) as string;
    const held = process.memoryUsage().heapUsed - before;
    expect(literal).toHaveLength(labels.length + 2);
    // MikroORM's own escapeLiteral held about 30 bytes of heap per character here.
    expect(held).toBeLessThan(2 * labels.length);
  });
});
