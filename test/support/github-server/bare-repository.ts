/**
 * The git side of the GitHub test server: reads objects from, and commits into, a real bare
 * repository with the git CLI (plumbing only, no working tree).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitRaw } from '../git-fixtures.ts';

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface LsTreeEntry {
  mode: string;
  type: GitObjectType;
  oid: string;
  size: number;
  name: string;
}

/** One entry of `git diff-tree --raw` with rename detection (`R`, `C` carry the old path). */
export interface DiffEntry {
  status: 'A' | 'D' | 'M' | 'T' | 'R' | 'C';
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  path: string;
  /** For renames and copies. */
  previousPath?: string;
}

export interface CommitInfo {
  oid: string;
  parents: string[];
  message: string;
  tree: string;
}

/** One commit of `pathLog`. */
export interface LoggedPathCommit {
  oid: string;
  authorName: string;
  authorEmail: string;
  /** ISO 8601 with the author's offset, as git prints it (`%aI`). */
  authorDate: string;
  committerDate: string;
  message: string;
}

export class BareRepository {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  #git(args: readonly string[], options: { input?: Uint8Array | string; env?: Record<string, string> } = {}) {
    return git(['--git-dir', this.dir, ...args], options);
  }

  async refOid(ref: string): Promise<string | null> {
    return this.#git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => null);
  }

  async refNames(prefix: string): Promise<string[]> {
    return (await this.#git(['for-each-ref', '--format=%(refname)', prefix])).split('\n').filter(Boolean);
  }

  /** Resolves `<rev>:<path>` or an oid; null when git does not know it. */
  async resolve(expression: string): Promise<{ oid: string; type: GitObjectType } | null> {
    const oid = await this.#git(['rev-parse', '--verify', '--quiet', expression]).catch(() => null);
    if (!oid) return null;
    const type = await this.#git(['cat-file', '-t', oid]).catch(() => null);
    return type ? { oid, type: type as GitObjectType } : null;
  }

  /** Many `resolve`s in one `cat-file --batch-check` (oids and `<rev>:<path>` alike). */
  async resolveMany(expressions: readonly string[]): Promise<Map<string, { oid: string; type: GitObjectType } | null>> {
    const out = (
      await gitRaw(['--git-dir', this.dir, 'cat-file', '--batch-check'], { input: `${expressions.join('\n')}\n` })
    ).toString('utf8');
    const lines = out.split('\n');
    return new Map(
      expressions.map((expression, index) => {
        const [oid = '', type = ''] = (lines[index] ?? '').split(' ');
        return [
          expression,
          /^[0-9a-f]{40}$/.test(oid) && type !== 'missing' ? { oid, type: type as GitObjectType } : null,
        ];
      }),
    );
  }

  async lsTree(treeOid: string): Promise<LsTreeEntry[]> {
    const out = (await gitRaw(['--git-dir', this.dir, 'ls-tree', '-l', '-z', treeOid])).toString('utf8');
    return out
      .split('\0')
      .filter(Boolean)
      .map((record) => {
        const tab = record.indexOf('\t');
        const [mode = '', type = 'blob', oid = '', size = '-'] = record.slice(0, tab).split(/ +/);
        return {
          mode,
          type: type as GitObjectType,
          oid,
          size: size === '-' ? 0 : Number(size),
          name: record.slice(tab + 1),
        };
      });
  }

  /** Every entry below a tree, trees included before their contents (`ls-tree -r -t`), paths relative to it. */
  async lsTreeRecursive(treeOid: string): Promise<LsTreeEntry[]> {
    const out = (await gitRaw(['--git-dir', this.dir, 'ls-tree', '-r', '-t', '-l', '-z', treeOid])).toString('utf8');
    return out
      .split('\0')
      .filter(Boolean)
      .map((record) => {
        const tab = record.indexOf('\t');
        const [mode = '', type = 'blob', oid = '', size = '-'] = record.slice(0, tab).split(/ +/);
        return {
          mode,
          type: type as GitObjectType,
          oid,
          size: size === '-' ? 0 : Number(size),
          name: record.slice(tab + 1),
        };
      });
  }

  /** Commits by expression (`<oid>`, `<ref>^{commit}`…) in one `cat-file --batch`; unknown ones are left out. */
  async readCommits(expressions: readonly string[]): Promise<Map<string, CommitInfo>> {
    const out = await gitRaw(['--git-dir', this.dir, 'cat-file', '--batch'], { input: `${expressions.join('\n')}\n` });
    const commits = new Map<string, CommitInfo>();
    let offset = 0;
    for (const expression of expressions) {
      const newline = out.indexOf(0x0a, offset);
      if (newline === -1) break;
      const fields = out.subarray(offset, newline).toString('utf8').split(' ');
      const [oid = '', type, size] = fields;
      if (fields.length !== 3 || type === 'missing' || type === 'ambiguous') {
        offset = newline + 1;
        continue;
      }
      const start = newline + 1;
      const body = out.subarray(start, start + Number(size)).toString('utf8');
      offset = start + Number(size) + 1;
      if (type !== 'commit') continue;
      const split = body.indexOf('\n\n');
      const headers = (split === -1 ? body : body.slice(0, split)).split('\n');
      commits.set(expression, {
        oid,
        tree: headers.find((line) => line.startsWith('tree '))?.slice(5) ?? '',
        parents: headers.filter((line) => line.startsWith('parent ')).map((line) => line.slice(7)),
        message: split === -1 ? '' : body.slice(split + 2).trim(),
      });
    }
    return commits;
  }

  /** Many blobs in one `cat-file --batch`. */
  async readBlobs(oids: readonly string[]): Promise<Map<string, Buffer>> {
    const out = await gitRaw(['--git-dir', this.dir, 'cat-file', '--batch'], { input: `${oids.join('\n')}\n` });
    const blobs = new Map<string, Buffer>();
    let offset = 0;
    while (offset < out.length) {
      const newline = out.indexOf(0x0a, offset);
      const [oid = '', type, size] = out.subarray(offset, newline).toString('utf8').split(' ');
      if (type === 'missing' || size === undefined) {
        offset = newline + 1;
        continue;
      }
      const start = newline + 1;
      if (type === 'blob') blobs.set(oid, out.subarray(start, start + Number(size)));
      offset = start + Number(size) + 1;
    }
    return blobs;
  }

  /** The best common ancestor of two commits, or null when their histories are unrelated. */
  async mergeBase(a: string, b: string): Promise<string | null> {
    return this.#git(['merge-base', a, b]).then(
      (oid) => oid || null,
      () => null,
    );
  }

  /** The commits of `<range>`, oldest first (as GitHub lists a comparison's commits), in one `git log`. */
  async log(range: string): Promise<CommitInfo[]> {
    const out = (
      await gitRaw(['--git-dir', this.dir, 'log', '--reverse', '-z', '--format=%H%n%P%n%T%n%B', range])
    ).toString('utf8');
    return out
      .split('\0')
      .filter(Boolean)
      .map((record) => {
        const [oid = '', parents = '', tree = '', ...message] = record.split('\n');
        return { oid, parents: parents.split(' ').filter(Boolean), tree, message: message.join('\n').trim() };
      });
  }

  /** Blob changes between two commits, renames detected as GitHub does (`-M`). */
  async diffTree(from: string, to: string): Promise<DiffEntry[]> {
    const fields = (await gitRaw(['--git-dir', this.dir, 'diff-tree', '-r', '-z', '-M', '--raw', from, to]))
      .toString('utf8')
      .split('\0');
    const entries: DiffEntry[] = [];
    for (let index = 0; index + 1 < fields.length; ) {
      const [oldMode = '', newMode = '', oldOid = '', newOid = '', score = ''] = (fields[index] ?? '')
        .replace(/^:/, '')
        .split(' ');
      const status = score.charAt(0) as DiffEntry['status'];
      if (status === 'R' || status === 'C') {
        entries.push({
          status,
          oldMode,
          newMode,
          oldOid,
          newOid,
          previousPath: fields[index + 1] ?? '',
          path: fields[index + 2] ?? '',
        });
        index += 3;
      } else {
        entries.push({ status, oldMode, newMode, oldOid, newOid, path: fields[index + 1] ?? '' });
        index += 2;
      }
    }
    return entries;
  }

  /**
   * The commits from `from` that changed `path` (`''`: any), newest first, `count` of them after
   * skipping `skip`, with author and dates: one `git log`, paths literal, renames not followed.
   */
  async pathLog(from: string, path: string, skip: number, count: number): Promise<LoggedPathCommit[]> {
    const out = (
      await gitRaw(
        [
          '--git-dir',
          this.dir,
          'log',
          '-z',
          '--format=%H%x00%an%x00%ae%x00%aI%x00%cI%x00%B',
          `--skip=${skip}`,
          `--max-count=${count}`,
          from,
          '--',
          ...(path === '' ? [] : [path]),
        ],
        { env: { GIT_LITERAL_PATHSPECS: '1' } },
      )
    ).toString('utf8');
    const fields = out.split('\0');
    const commits: LoggedPathCommit[] = [];
    for (let index = 0; index + 6 <= fields.length; index += 6) {
      const [oid = '', authorName = '', authorEmail = '', authorDate = '', committerDate = '', message = ''] =
        fields.slice(index, index + 6);
      commits.push({ oid: oid.trim(), authorName, authorEmail, authorDate, committerDate, message: message.trim() });
    }
    return commits;
  }

  async commitInfo(oid: string): Promise<CommitInfo> {
    const out = await this.#git(['show', '-s', '--format=%H%n%P%n%T%n%B', oid]);
    const [commitOid = '', parents = '', tree = '', ...message] = out.split('\n');
    return { oid: commitOid, parents: parents.split(' ').filter(Boolean), tree, message: message.join('\n').trim() };
  }

  async hasPath(commitOid: string, path: string): Promise<boolean> {
    return (await this.resolve(`${commitOid}:${path}`)) !== null;
  }

  /**
   * Builds a commit from `parent` (null: a root commit) with the changes and moves `ref` to it
   * only if it still points at `parent` (git's own compare-and-swap). Returns the new oid, or
   * null when the ref moved meanwhile.
   */
  async commit(change: {
    ref: string;
    parent: string | null;
    message: string;
    author: { name: string; email: string };
    additions: { path: string; contents: Buffer }[];
    deletions: string[];
  }): Promise<string | null> {
    const scratch = await mkdtemp(join(tmpdir(), 'hnp-ghs-index-'));
    try {
      const env = {
        GIT_INDEX_FILE: join(scratch, 'index'),
        GIT_AUTHOR_NAME: change.author.name,
        GIT_AUTHOR_EMAIL: change.author.email,
        GIT_COMMITTER_NAME: change.author.name,
        GIT_COMMITTER_EMAIL: change.author.email,
      };
      if (change.parent) await this.#git(['read-tree', change.parent], { env });
      const records: string[] = [];
      if (change.additions.length > 0) {
        // Blobs through one fast-import stream (one pack); spawning git per file is far too slow.
        const stream = change.additions.flatMap((addition) => [
          Buffer.from(`blob\ndata ${addition.contents.length}\n`),
          addition.contents,
          Buffer.from('\n'),
        ]);
        await this.#git(['fast-import', '--quiet', '--done'], {
          input: Buffer.concat([...stream, Buffer.from('done\n')]),
        });
        for (const addition of change.additions)
          records.push(`100644 ${blobOid(addition.contents)}\t${addition.path}\0`);
      }
      for (const path of change.deletions) records.push(`0 ${'0'.repeat(40)}\t${path}\0`);
      if (records.length > 0) await this.#git(['update-index', '-z', '--index-info'], { env, input: records.join('') });
      const tree = await this.#git(['write-tree'], { env });
      const oid = await this.#git(['commit-tree', tree, ...(change.parent ? ['-p', change.parent] : []), '-F', '-'], {
        env,
        input: change.message,
      });
      const moved = await this.#git(['update-ref', change.ref, oid, change.parent ?? '0'.repeat(40)]).then(
        () => false,
        () => true,
      );
      return moved ? null : oid;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async createRef(ref: string, oid: string): Promise<boolean> {
    return this.#git(['update-ref', ref, oid, '0'.repeat(40)]).then(
      () => true,
      () => false,
    );
  }
}

/** Git's blob oid, computed independently of the gateway's own gitBlobOid. */
function blobOid(bytes: Buffer): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
}
