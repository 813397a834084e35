// `npm run build`: compiles the server, its scripts and migrations to JavaScript in dist/ with
// tsc (tsconfig.build.json), type-checking them on the way. `--no-check` emits without the type
// check (what `npm start` does when dist/ is missing or stale: `npm run typecheck` and CI check
// types). Plain JavaScript so that it runs before anything is compiled, on any Node.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
/** What the build reads: a change to any of these makes dist/ stale. */
const INPUT_DIRS = ['src', 'scripts', 'migrations'];
const INPUT_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(entry) {
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/**
 * 'missing' (no build), 'stale' (a source is newer than the build), 'fresh', or 'unknown' when the
 * sources are not here (an image that ships dist/ only): then the build is used as it is.
 */
export function buildState() {
  if (!existsSync(STAMP)) return 'missing';
  if (!existsSync(path.join(ROOT, 'src'))) return 'unknown';
  const built = statSync(STAMP).mtimeMs;
  const newest = Math.max(...[...INPUT_DIRS, ...INPUT_FILES].map((entry) => newestMtime(path.join(ROOT, entry))));
  return newest > built ? 'stale' : 'fresh';
}

/** Builds dist/ from scratch (a deleted source, a deleted migration above all, must not linger there). */
export function build({ check = true } = {}) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error(
      'Cannot build the gateway: TypeScript is not installed. Run `npm install` (with dev dependencies) first.',
    );
  }
  const started = new Date();
  rmSync(DIST, { recursive: true, force: true });
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), ...(check ? [] : ['--noCheck'])],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0)
    throw new Error(`Building the gateway failed (tsc exited with ${result.status ?? result.signal}).`);
  // The modules read package.json (engines, version) one folder above src/, as they do in the sources.
  const { name, version, type, engines } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(path.join(DIST, 'package.json'), `${JSON.stringify({ name, version, type, engines }, null, 2)}\n`);
  // Dated when the build started: a source saved while tsc ran makes the next start build again.
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    build({ check: !process.argv.includes('--no-check') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
