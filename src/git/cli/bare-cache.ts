/**
 * The cached bare repository both git-backed adapters keep (the native git adapter's clone, the
 * GitHub adapter's listing cache): the adapter's own home folder and askpass script, then
 * `git init --bare` with the remote as `origin` and any settings, once; an existing cache is used
 * as it is. A repository replaced by a new one is moved aside as `<repository>.old-<id>`; this
 * deletes it when it prepares the new one, or the next time the cache is opened after a crash.
 */
import { access, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeAskpassScript } from './credentials.ts';

export interface BareCache {
  homeDir: string;
  askpassScript: string;
  repositoryDir: string;
  /** The folder the repository lives in (`git init` runs there). */
  cacheDir: string;
  remoteUrl: string;
  /** Settings written once the repository is made, `[key, value]`. */
  settings?: readonly (readonly [string, string])[];
}

/** Runs one git command: in `cwd` when given, else on the cache repository. */
export type RunCacheGit = (args: string[], options?: { cwd?: string }) => Promise<unknown>;

/** Sets the cache up; true when the repository was made by this call, false when it was there. */
export async function prepareBareCache(cache: BareCache, git: RunCacheGit): Promise<boolean> {
  await mkdir(cache.homeDir, { recursive: true });
  await removeMovedAside(cache);
  await writeAskpassScript(cache.askpassScript);
  const initialised = await access(join(cache.repositoryDir, 'HEAD')).then(
    () => true,
    () => false,
  );
  if (initialised) return false;
  await git(['init', '--bare', '--quiet', '--', cache.repositoryDir], { cwd: cache.cacheDir });
  await git(['remote', 'add', '--', 'origin', cache.remoteUrl]);
  for (const [key, value] of cache.settings ?? []) await git(['config', key, value]);
  return true;
}

/** Deletes the repositories moved aside (see the module comment). */
async function removeMovedAside(cache: BareCache): Promise<void> {
  const prefix = `${basename(cache.repositoryDir)}.old-`;
  const names = await readdir(cache.cacheDir).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(prefix)) await rm(join(cache.cacheDir, name), { recursive: true, force: true });
}
