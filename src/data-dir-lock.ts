import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from './startup-error.ts';

/**
 * One process at a time owns a data directory. It starts and stops the embedded PostgreSQL
 * server on `pgdata/` (a second process would stop the first one's server, taking it for one a
 * killed gateway left running), and two processes would also share the git cache and the
 * generated secret key.
 *
 * The lock is the file DATA_DIR/gateway.lock naming its holder's pid. It is created exclusively
 * (`wx`: fails when one exists) and removed when the holder exits. One
 * left by a process that was killed names a pid that no longer runs (or runs a different process:
 * on Linux the start time is compared too, so a container restarted with the same pids is not
 * mistaken for the old holder) and is taken over.
 */
export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

export interface LockHolder {
  pid: number;
  /** What holds it: "gateway" or the script ("npm run token:create"). */
  holder: string;
  /** The holder's start time from /proc (Linux), to tell a reused pid from the holder. */
  startTime?: string | null;
  startedAt?: string;
  nonce?: string;
}

export class DataDirLockedError extends StartupError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by ${holder.holder === 'gateway' ? 'another gateway' : holder.holder} (pid ${holder.pid}); ` +
        'one process at a time may use it. Stop that one first, or use another DATA_DIR.',
    );
  }
}

export const LOCK_FILE = 'gateway.lock';

export async function lockDataDir(dataDir: string, holder: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    holder,
    startTime: processStartTime(process.pid),
    startedAt: new Date().toISOString(),
    nonce: randomUUID(),
  };
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new StartupError(
      `Cannot create DATA_DIR ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      { cause: error },
    );
  }
  // A few rounds: each either takes the lock, refuses, or clears a stale lock for the next.
  for (let round = 0; round < 5; round += 1) {
    try {
      await writeFile(file, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o600 });
      return held(file, mine);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST')
        throw new StartupError(`Cannot write to DATA_DIR ${dataDir}: ${code ?? (error as Error).message}.`, {
          cause: error,
        });
    }
    const current = await readHolder(file);
    if (current && isRunning(current)) throw new DataDirLockedError(dataDir, current);
    await removeStale(file, current);
  }
  throw new StartupError(`Cannot take the lock ${file}: other processes keep replacing it.`);
}

function held(file: string, mine: LockHolder): DataDirLock {
  let released = false;
  const isMine = (text: string) => (JSON.parse(text) as LockHolder).nonce === mine.nonce;
  // Whatever way the process ends short of SIGKILL, it leaves no lock behind.
  const onExit = () => {
    try {
      if (isMine(readFileSync(file, 'utf8'))) unlinkSync(file);
    } catch {
      // gone already
    }
  };
  process.once('exit', onExit);
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      onExit();
    },
  };
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { holder: 'gateway', ...parsed, pid: parsed.pid } : null;
  } catch {
    return null; // vanished meanwhile, or not a lock we wrote: stale either way
  }
}

function isRunning(holder: LockHolder): boolean {
  // Our own pid in someone else's lock: a previous process that had it (a restarted container).
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: the process exists and belongs to another user.
  }
  if (holder.startTime) {
    const now = processStartTime(holder.pid);
    if (now !== null && now !== holder.startTime) return false;
  }
  return true;
}

/**
 * Moves the stale lock aside rather than deleting it, so that two processes clearing the same
 * stale lock at once cannot delete the fresh one the faster of them just created (nor one read
 * while it was still being written): what was moved aside is checked, and put back when it is a
 * running holder's rather than the stale lock that was seen.
 */
async function removeStale(file: string, seen: LockHolder | null): Promise<void> {
  const aside = `${file}.stale-${randomUUID()}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved && moved.nonce !== seen?.nonce && isRunning(moved)) {
    await link(aside, file).catch(() => {});
  }
  await rm(aside, { force: true });
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks after boot); null where there is no /proc. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
