/**
 * The embedded PGlite behind its socket server is one PostgreSQL session shared by every
 * connection. Statements of several connections must not interleave inside one another's
 * extended-protocol cycle (Parse, Bind, Execute … Sync): pglite-socket's own queue let a large
 * Bind, split over TCP reads, land after another connection's Parse (`bind message supplies 2
 * parameters, but prepared statement "" requires 1`). src/db/pglite-protocol-queue.ts keeps each
 * cycle together. Runs on the embedded database whatever TEST_DATABASE says.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

let embedded: EmbeddedPostgres;
let pool: pg.Pool;
beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ dataDir: 'memory://' });
  pool = new pg.Pool({ connectionString: embedded.url, max: 8 });
});
afterAll(async () => {
  await pool?.end();
  await embedded?.stop();
});

it('keeps each connection\'s statements whole: large parameters on 8 connections at once, every result right', async () => {
  const problems: string[] = [];
  await Promise.all(Array.from({ length: 8 }, async (_, connection) => {
    for (let round = 0; round < 40; round++) {
      try {
        if ((round + connection) % 2 === 0) {
          // Large enough to arrive in several TCP reads.
          const text = 'x'.repeat(200_000 + round);
          const { rows } = await pool.query<{ n: number; round: number }>('select length($1::text) as n, $2::int as round', [text, round]);
          if (rows[0]!.n !== text.length || rows[0]!.round !== round) problems.push(`wrong result ${JSON.stringify(rows[0])}`);
        } else {
          const { rows } = await pool.query<{ total: number }>('select $1::int + 1 as total', [round]);
          if (rows[0]!.total !== round + 1) problems.push(`wrong result ${JSON.stringify(rows[0])}`);
        }
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }));
  expect(problems).toEqual([]);
});

it('a transaction stays on its connection while the others wait, and a dropped connection releases the session', async () => {
  const holder = await pool.connect();
  await holder.query('create table if not exists counter (n int)');
  await holder.query('begin');
  await holder.query('insert into counter values (1)');
  // Another connection's statement waits for the transaction to end: it sees the committed row.
  const other = pool.query<{ count: number }>('select count(*)::int as count from counter');
  await holder.query('commit');
  expect((await other).rows).toEqual([{ count: 1 }]);

  // A client that goes away inside a transaction leaves nothing open for the others.
  const leaving = new pg.Client({ connectionString: embedded.url });
  await leaving.connect();
  await leaving.query('begin');
  await leaving.query('insert into counter values (2)');
  await leaving.end();
  expect((await pool.query<{ count: number }>('select count(*)::int as count from counter')).rows).toEqual([{ count: 1 }]);
  holder.release();
});

it('a NOTIFY reaches the connections that LISTEN on its channel, not the others', async () => {
  const listener = new pg.Client({ connectionString: embedded.url });
  const bystander = new pg.Client({ connectionString: embedded.url });
  await listener.connect();
  await bystander.connect();
  try {
    await listener.query('LISTEN "jobs:insert"; LISTEN other');
    const heardByBystander: string[] = [];
    bystander.on('notification', (message) => heardByBystander.push(message.channel));
    const heard = new Promise<pg.Notification>((resolve) => listener.once('notification', resolve));
    // Sent from a third connection of the pool, inside a transaction: delivered at commit.
    await pool.query(`begin; select pg_notify('jobs:insert', '{"id": 1}'); commit`);
    expect(await heard).toMatchObject({ channel: 'jobs:insert', payload: '{"id": 1}' });
    // The session is shared: another connection's UNLISTEN must not silence this one's channel.
    await bystander.query('LISTEN "jobs:insert"');
    await bystander.query('UNLISTEN *');
    const heardAgain = new Promise<pg.Notification>((resolve) => listener.once('notification', resolve));
    await pool.query(`select pg_notify('jobs:insert', 'again')`);
    expect(await heardAgain).toMatchObject({ channel: 'jobs:insert', payload: 'again' });
    // UNLISTEN stops it; a round trip on the bystander shows nothing was sent its way.
    await listener.query('UNLISTEN *');
    const unheard: string[] = [];
    listener.on('notification', (message) => unheard.push(message.channel));
    await pool.query(`select pg_notify('other', 'x')`);
    await listener.query('select 1');
    await bystander.query('select 1');
    expect(unheard).toEqual([]);
    expect(heardByBystander).toEqual([]);
  } finally {
    await listener.end();
    await bystander.end();
  }
});

it('reads LISTEN and UNLISTEN out of simple-protocol queries, and nothing else', async () => {
  const { listenChanges, notificationsIn } = await import('../../src/db/pglite-protocol-queue.ts');
  const query = (text: string) => {
    const body = Buffer.from(`${text}\0`);
    const message = Buffer.alloc(5 + body.length);
    message[0] = 0x51; // Q
    message.writeInt32BE(4 + body.length, 1);
    body.copy(message, 5);
    return new Uint8Array(message);
  };
  expect(listenChanges(query('LISTEN "jobs:insert"; LISTEN "worker:migrate";'))).toEqual([
    { listen: true, channel: 'jobs:insert' }, { listen: true, channel: 'worker:migrate' },
  ]);
  expect(listenChanges(query('listen Mixed_Case'))).toEqual([{ listen: true, channel: 'mixed_case' }]);
  expect(listenChanges(query('UNLISTEN "a""b"'))).toEqual([{ listen: false, channel: 'a"b' }]);
  expect(listenChanges(query('unlisten *'))).toEqual([{ listen: false, channel: '*' }]);
  // Mixed with other statements, or not a Query message: not followed.
  expect(listenChanges(query('LISTEN a; select 1'))).toEqual([]);
  expect(listenChanges(query('select 1'))).toEqual([]);
  expect(listenChanges(new Uint8Array([0x50, 0, 0, 0, 4]))).toEqual([]);

  // A NotificationResponse split over two output chunks, between two other messages.
  const notification = Buffer.concat([Buffer.from([0x41]), Buffer.alloc(4), Buffer.alloc(4), Buffer.from('jobs:insert\0{"id":1}\0')]);
  notification.writeInt32BE(notification.length - 1, 1);
  const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // ReadyForQuery
  const output = Buffer.concat([ready, notification, ready]);
  const found = notificationsIn([output.subarray(0, 10), output.subarray(10)]);
  expect(found.map((one) => one.channel)).toEqual(['jobs:insert']);
  expect(Buffer.from(found[0]!.message)).toEqual(notification);
});
