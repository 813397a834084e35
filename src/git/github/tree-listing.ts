/**
 * Pure checks on GitHub's REST tree listings (`GET /git/trees/{sha}[?recursive=1]`): turns an
 * answer into blob entries and the subtrees still to list, and proves it complete.
 *
 * GitHub says when it cut a listing (`truncated: true`), and the adapter never uses a cut one.
 * Beyond that flag, every tree the answer covers is re-hashed from its listed entries (git's tree
 * object format) and compared with its oid: an entry left out, added or altered changes the hash,
 * so a listing that passes holds exactly what the tree holds. Trees below the last level of a
 * non-recursive answer are handed back to be listed on their own.
 */
import { createHash } from 'node:crypto';
import type { TreeEntry } from '../git-host.ts';

/** One entry of GitHub's tree answer (`path` is relative to the listed tree). */
export interface RawRestTreeEntry {
  path?: unknown;
  mode?: unknown;
  type?: unknown;
  sha?: unknown;
  size?: unknown;
}

export interface ListedTree {
  /** Blobs, with paths relative to the repository root. */
  blobs: TreeEntry[];
  /** Trees whose entries the answer did not include (non-recursive answers): list each on its own. */
  subtrees: { oid: string; path: string }[];
}

/** Why a listing cannot be used; the adapter reports it as INCOMPLETE. */
export class UnverifiedListing extends Error {
  override readonly name = 'UnverifiedListing';
}

interface Entry {
  relativePath: string;
  name: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  size: number;
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const MODE = /^[0-7]{5,6}$/;

/**
 * The entries of the answer for tree `treeOid`, found at `treePath` (repository-relative, `''` for
 * the root). `recursive` says whether the answer was asked for with `recursive=1`: then every
 * subtree's entries must be in it; otherwise subtrees come back in `subtrees`. Throws
 * UnverifiedListing when a tree the answer covers does not hash to its oid.
 */
export function listedTree(
  treeOid: string,
  treePath: string,
  raw: readonly RawRestTreeEntry[],
  recursive: boolean,
): ListedTree {
  const entries = raw.map(parseEntry);
  const children = new Map<string, Entry[]>();
  for (const entry of entries) {
    const slash = entry.relativePath.lastIndexOf('/');
    const parent = slash === -1 ? '' : entry.relativePath.slice(0, slash);
    if (!recursive && parent !== '')
      throw new UnverifiedListing(`a non-recursive listing named ${entry.relativePath}, below its own level`);
    (children.get(parent) ?? children.set(parent, []).get(parent)!).push(entry);
  }
  const where = (relative: string) => joinPath(treePath, relative) || '/';
  const check = (oid: string, relative: string) => {
    const actual = treeObjectOid(children.get(relative) ?? [], oid.length === 64 ? 'sha256' : 'sha1');
    if (actual !== oid)
      throw new UnverifiedListing(`the entries listed for ${where(relative)} do not add up to its tree ${oid}`);
  };
  check(treeOid, '');
  const result: ListedTree = { blobs: [], subtrees: [] };
  for (const entry of entries) {
    const path = joinPath(treePath, entry.relativePath);
    if (entry.type === 'blob') result.blobs.push({ path, mode: entry.mode, oid: entry.oid, size: entry.size });
    else if (entry.type === 'tree') {
      if (recursive) check(entry.oid, entry.relativePath);
      else result.subtrees.push({ oid: entry.oid, path });
    }
    // 'commit' entries are submodules: part of the tree's hash, not files of this repository.
  }
  // Listed entries below a path that is not a tree of the answer would have gone unchecked.
  const trees = new Set(['', ...entries.filter((entry) => entry.type === 'tree').map((entry) => entry.relativePath)]);
  for (const parent of children.keys()) {
    if (!trees.has(parent))
      throw new UnverifiedListing(`the listing named entries below ${where(parent)}, which it did not list as a tree`);
  }
  return result;
}

function parseEntry(raw: RawRestTreeEntry, index: number): Entry {
  const { path, mode, type, sha, size } = raw;
  const valid =
    typeof path === 'string' &&
    path !== '' &&
    !path.startsWith('/') &&
    !path.endsWith('/') &&
    !path.includes('//') &&
    typeof mode === 'string' &&
    MODE.test(mode) &&
    (type === 'blob' || type === 'tree' || type === 'commit') &&
    typeof sha === 'string' &&
    OID.test(sha);
  if (!valid) throw new UnverifiedListing(`entry ${index} of the listing is malformed`);
  const name = path.slice(path.lastIndexOf('/') + 1);
  // Git writes modes without leading zeros ("40000"); GitHub shows trees as "040000".
  const canonicalMode = Number.parseInt(mode, 8).toString(8);
  return {
    relativePath: path,
    name,
    mode: canonicalMode,
    type,
    oid: sha,
    size: typeof size === 'number' && Number.isFinite(size) ? size : 0,
  };
}

/** Git's tree object id for these entries: `<mode> <name>\0<raw oid>` each, in git's order. */
export function treeObjectOid(
  entries: readonly Pick<Entry, 'name' | 'mode' | 'type' | 'oid'>[],
  algorithm: 'sha1' | 'sha256' = 'sha1',
): string {
  // Git orders names bytewise, a tree's name as if it ended in '/'.
  const keyed = entries.map((entry) => ({
    entry,
    name: Buffer.from(entry.name, 'utf8'),
    key: Buffer.from(entry.type === 'tree' ? `${entry.name}/` : entry.name, 'utf8'),
  }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const body = Buffer.concat(
    keyed.flatMap(({ entry, name }) => [
      Buffer.from(`${entry.mode} `),
      name,
      Buffer.from([0]),
      Buffer.from(entry.oid, 'hex'),
    ]),
  );
  return createHash(algorithm).update(`tree ${body.length}\0`).update(body).digest('hex');
}

function joinPath(prefix: string, relative: string): string {
  return prefix === '' ? relative : relative === '' ? prefix : `${prefix}/${relative}`;
}
