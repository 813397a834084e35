/**
 * Real git repositories for tests, driven with the git CLI the way a person would.
 * Nothing here uses the gateway's own git code, so the tests check it against git itself.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const scratchDirs: string[] = [];

/** A fresh temporary directory, removed by `removeScratchDirs` (call it in afterAll). */
export async function makeScratchDir(prefix = 'hnp-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

export async function removeScratchDirs(): Promise<void> {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export const TEST_PERSON = { name: 'Someone Else', email: 'someone@example.test' };

function fixtureEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    GIT_AUTHOR_NAME: TEST_PERSON.name,
    GIT_AUTHOR_EMAIL: TEST_PERSON.email,
    GIT_COMMITTER_NAME: TEST_PERSON.name,
    GIT_COMMITTER_EMAIL: TEST_PERSON.email,
    ...extra,
  };
}

/** Runs git; resolves stdout (as a Buffer), rejects with stderr in the message. */
export function gitRaw(
  args: readonly string[],
  options: { cwd?: string; input?: Uint8Array | string; env?: Record<string, string> } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd: options.cwd, env: fixtureEnv(options.env), encoding: 'buffer', maxBuffer: 1 << 30 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args.join(' ')} failed: ${stderr.toString()}`));
        else resolve(stdout);
      },
    );
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}

export async function git(
  args: readonly string[],
  options: { cwd?: string; input?: Uint8Array | string; env?: Record<string, string> } = {},
): Promise<string> {
  return (await gitRaw(args, options)).toString('utf8').trim();
}

/** An empty bare repository whose HEAD names `initialBranch`. */
export async function createBareRepository(options: { initialBranch?: string } = {}): Promise<string> {
  const dir = join(await makeScratchDir('hnp-bare-'), 'remote.git');
  await git(['init', '--bare', '--quiet', `--initial-branch=${options.initialBranch ?? 'main'}`, dir]);
  return dir;
}

export async function branchHead(bareDir: string, branch: string): Promise<string | null> {
  return git(['--git-dir', bareDir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).catch(() => null);
}

export interface LoggedCommit {
  oid: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  message: string;
}

/** `git log` of a branch, newest first. */
export async function gitLog(bareDir: string, branch: string): Promise<LoggedCommit[]> {
  if ((await branchHead(bareDir, branch)) === null) return [];
  const out = await git(['--git-dir', bareDir, 'log', '-z', '--format=%H%n%P%n%an%n%ae%n%B', `refs/heads/${branch}`]);
  return out
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const [oid = '', parents = '', authorName = '', authorEmail = '', ...message] = record.split('\n');
      return {
        oid,
        parents: parents.split(' ').filter(Boolean),
        authorName,
        authorEmail,
        message: message.join('\n').trim(),
      };
    });
}

/** File paths in a commit (recursive), sorted. */
export async function listFiles(bareDir: string, rev: string): Promise<string[]> {
  const out = await git(['--git-dir', bareDir, 'ls-tree', '-r', '--name-only', rev]);
  return out.split('\n').filter(Boolean).sort();
}

export async function readFileAt(bareDir: string, rev: string, path: string): Promise<Buffer> {
  return gitRaw(['--git-dir', bareDir, 'cat-file', 'blob', `${rev}:${path}`]);
}

/**
 * What another person does: clone the remote, change files, commit, push. Returns the new head.
 * Works on an empty remote too (the first commit creates the branch). With `amend`, the change
 * rewrites the branch's last commit instead (`commit --amend`, then a force push): the old head
 * is then no longer an ancestor of the branch.
 */
export async function pushFromAnotherClone(
  remote: string,
  change: {
    branch?: string;
    files?: Record<string, string | Uint8Array>;
    deletions?: string[];
    message?: string;
    amend?: boolean;
  },
): Promise<string> {
  const branch = change.branch ?? 'main';
  const work = join(await makeScratchDir('hnp-clone-'), 'work');
  await git(['clone', '--quiet', remote, work]);
  const exists = (await git(['ls-remote', 'origin', `refs/heads/${branch}`], { cwd: work })) !== '';
  if (exists) await git(['checkout', '--quiet', '-B', branch, `origin/${branch}`], { cwd: work });
  else await git(['checkout', '--quiet', '--orphan', branch], { cwd: work });
  for (const [path, contents] of Object.entries(change.files ?? {})) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), contents);
  }
  await git(['add', '--all'], { cwd: work });
  for (const path of change.deletions ?? []) await git(['rm', '--quiet', '--', path], { cwd: work });
  await git(
    [
      'commit',
      '--quiet',
      '--allow-empty',
      ...(change.amend ? ['--amend'] : []),
      '-m',
      change.message ?? 'a change made elsewhere',
    ],
    { cwd: work },
  );
  await git(['push', '--quiet', ...(change.amend ? ['--force'] : []), 'origin', `HEAD:refs/heads/${branch}`], {
    cwd: work,
  });
  return git(['rev-parse', 'HEAD'], { cwd: work });
}

/** A deferred promise, for awaiting events instead of sleeping. */
export function createDeferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A real smart-HTTP git remote: `git http-backend` (CGI) behind node:http with Basic auth, so
 * the native adapter's credential plumbing (askpass after a 401) runs as it would against any
 * https host. Repositories are served from `projectRoot` (`${url}/<dir name>`).
 */
export async function startGitHttpServer(options: {
  projectRoot: string;
  username: string;
  password: string;
}): Promise<{
  url: string;
  authorizedRequests: () => number;
  rejectedRequests: () => number;
  close: () => Promise<void>;
}> {
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  let authorized = 0;
  let rejected = 0;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      rejected++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
      res.end('authentication required');
      return;
    }
    authorized++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    serveGitHttpBackend(req, res, {
      projectRoot: options.projectRoot,
      pathInfo: decodeURIComponent(url.pathname),
      remoteUser: options.username,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizedRequests: () => authorized,
    rejectedRequests: () => rejected,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Answers one smart-HTTP request with `git http-backend` (CGI): the request body goes to its
 * stdin, its CGI headers become the response's. `pathInfo` is `/<repository dir>/<service path>`
 * below `projectRoot`; `config` is handed to git (and the upload-pack it runs) as `-c` settings.
 */
export function serveGitHttpBackend(
  req: IncomingMessage,
  res: ServerResponse,
  options: { projectRoot: string; pathInfo: string; remoteUser: string; config?: Record<string, string> },
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const config = Object.entries(options.config ?? {});
  const child = spawn('git', ['http-backend'], {
    env: fixtureEnv({
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: options.pathInfo,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: options.remoteUser,
      REMOTE_ADDR: '127.0.0.1',
      GIT_CONFIG_COUNT: String(config.length),
      ...Object.fromEntries(
        config.flatMap(([key, value], index) => [
          [`GIT_CONFIG_KEY_${index}`, key],
          [`GIT_CONFIG_VALUE_${index}`, value],
        ]),
      ),
    }),
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {});
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf : lf;
    if (end === -1) return;
    const separator = end === crlf ? 4 : 2;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('utf8').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else if (key) headers[key] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    const rest = head.subarray(end + separator);
    if (rest.length > 0) res.write(rest);
  });
  child.stdout.on('end', () => {
    if (!headersSent) res.writeHead(500);
    res.end();
  });
}
