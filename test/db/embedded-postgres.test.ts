/**
 * The embedded PostgreSQL server (src/db/embedded-postgres.ts) on a folder of its own: what it
 * accepts (a login with the generated password over loopback, nothing else), where it keeps its
 * password and log, and how it meets what an earlier run left behind (its own server still
 * running, a postmaster.pid naming another process, a folder of another PostgreSQL version).
 * The gateway's use of it end to end is in process.test.ts and startup.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOG_FILE,
  PASSWORD_FILE,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '../../src/db/embedded-postgres.ts';
import { StartupError } from '../../src/startup-error.ts';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'embedded-postgres-'));
  await chmod(dir, 0o755); // run as root, the server's user (postgres) must enter it
  folders.push(dir);
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The server's first answer to a startup message naming the user postgres: the authentication it asks for. */
function authenticationAsked(port: number): Promise<{ type: string; code: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parameters = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8 + parameters.length);
    startup.writeInt32BE(startup.length, 0);
    startup.writeInt32BE(196608, 4); // protocol 3.0
    parameters.copy(startup, 8);
    socket.once('connect', () => socket.write(startup));
    socket.once('data', (data) => {
      socket.destroy();
      resolve({ type: String.fromCharCode(data[0]!), code: data.readInt32BE(5) });
    });
    socket.once('error', reject);
  });
}

/** Alive: signalable and not a zombie (an exited server whose parent, init here, has not reaped it yet). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

const postmasterPid = async (dataDir: string) =>
  Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

describe('a new cluster', () => {
  let dir: string;
  let dataDir: string;
  let server: EmbeddedPostgres;
  beforeAll(async () => {
    dir = await folder();
    dataDir = path.join(dir, 'pgdata');
    server = await startEmbeddedPostgres({ dataDir, noSync: true });
  });
  afterAll(() => server?.stop());

  it('refuses a login without the password, and one with a wrong password', async () => {
    // Asked for a SCRAM exchange (AuthenticationSASL, code 10), not let in (AuthenticationOk, 0).
    expect(await authenticationAsked(server.port)).toEqual({ type: 'R', code: 10 });
    const wrong = new URL(server.url);
    wrong.password = 'not-the-password';
    const refused = await query(wrong.toString(), 'select 1').catch((error: { code?: string }) => error);
    expect(refused).toMatchObject({ code: '28P01' }); // invalid_password
    expect(await query<{ one: number }>(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('listens on loopback only, opens no Unix socket, and takes password logins only', async () => {
    const settings = await query<{ name: string; setting: string }>(
      server.url,
      `select name, setting from pg_settings where name in ('listen_addresses', 'unix_socket_directories') order by name`,
    );
    expect(settings).toEqual([
      { name: 'listen_addresses', setting: '127.0.0.1' },
      { name: 'unix_socket_directories', setting: '' },
    ]);
    const rules = await query<{ type: string; auth_method: string }>(
      server.url,
      'select type, auth_method from pg_hba_file_rules',
    );
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((rule) => rule.type === 'host' && rule.auth_method === 'scram-sha-256')).toBe(true);
  });

  it('keeps the password for its owner only (mode 600) and its log in a file beside the cluster', async () => {
    const password = (await readFile(path.join(dir, PASSWORD_FILE), 'utf8')).trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(decodeURIComponent(new URL(server.url).password)).toBe(password);
    expect((await stat(path.join(dir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, LOG_FILE), 'utf8')).toContain(
      'database system is ready to accept connections',
    );
  });
});

describe('a cluster started again', () => {
  it('keeps its data; a server left running is stopped, never a second one started beside it', async () => {
    const dataDir = path.join(await folder(), 'pgdata');
    const first = await startEmbeddedPostgres({ dataDir, noSync: true });
    await query(first.url, 'create table kept (n int); insert into kept values (42)');
    const leftover = await postmasterPid(dataDir);
    // No stop(): as when the process that started it was killed.
    const second = await startEmbeddedPostgres({ dataDir, noSync: true });
    try {
      expect(isRunning(leftover)).toBe(false);
      expect(await postmasterPid(dataDir)).not.toBe(leftover);
      expect(await query(second.url, 'select n from kept')).toEqual([{ n: 42 }]);
    } finally {
      await second.stop();
    }
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 60_000);

  it('starts over a postmaster.pid that names another running process, and leaves that process alone', async () => {
    const dataDir = path.join(await folder(), 'pgdata');
    await (await startEmbeddedPostgres({ dataDir, noSync: true })).stop();
    // Run by the server's user: PostgreSQL itself takes a pid it may not signal for someone else's.
    const serverUser =
      process.getuid?.() === 0
        ? {
            uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
            gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
          }
        : {};
    const other = spawn('sleep', ['60'], { stdio: 'ignore', ...serverUser });
    try {
      // A pid file as a server that is gone would leave it, its pid now someone else's (a restarted container).
      await writeFile(
        path.join(dataDir, 'postmaster.pid'),
        `${other.pid}\n${dataDir}\n0\n5432\n\n127.0.0.1\n0 0\nready\n`,
      );
      const server = await startEmbeddedPostgres({ dataDir, noSync: true });
      await server.stop();
      expect(isRunning(other.pid!)).toBe(true);
    } finally {
      other.kill();
    }
  }, 60_000);
});

describe('a folder the embedded server cannot use', () => {
  it('one of another PostgreSQL version (the earlier PGlite): a StartupError saying what to do', async () => {
    const dataDir = path.join(await folder(), 'pgdata');
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'PG_VERSION'), '17\n');
    const refused = await startEmbeddedPostgres({ dataDir }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toMatch(/PostgreSQL 17 cluster.*PGlite.*move the folder aside/);
  });

  it('a non-empty folder that is no cluster: refused, and left as it was', async () => {
    const dataDir = path.join(await folder(), 'pgdata');
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'notes.txt'), 'mine');
    const refused = await startEmbeddedPostgres({ dataDir }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toContain('holds no PostgreSQL cluster');
    expect(await readFile(path.join(dataDir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
