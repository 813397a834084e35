import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** The gateway as a user runs it: the real entry point in its own process, set up only by environment. */
export interface GatewayProcess {
  child: ChildProcess;
  /** http://127.0.0.1:port, read from the "gateway ready" log line. */
  url: string;
  /** Every stdout and stderr line so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/** A command-line run that has ended: its exit code and what it wrote, line by line. */
export interface FinishedProcess {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The Node flags the package.json script that runs `entry` built gives it (`"start": "node
 * --max-semi-space-size=16 scripts/run-built.mjs src/main.ts"`: the flags between `node` and
 * `scripts/run-built.mjs`), in the checkout at `root`; none when no script runs it so.
 */
export function builtEntryNodeFlags(entry: string, root = ROOT): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  for (const script of Object.values(scripts)) {
    const words = script.trim().split(/\s+/);
    const runner = words.indexOf('scripts/run-built.mjs');
    if (words[0] === 'node' && runner > 0 && words[runner + 1] === entry) return words.slice(1, runner);
  }
  return [];
}

/**
 * How an entry runs: from its sources through tsx (default), or `built`: as its package.json
 * script runs it (`npm start` for src/main.ts), from dist/ (built first when missing or stale),
 * with that script's Node flags.
 */
interface EntryOptions {
  node?: string;
  args?: string[];
  detached?: boolean;
  built?: boolean;
}

function spawnEntry(entry: string, env: Record<string, string>, options: EntryOptions = {}): ChildProcess {
  const command = options.built
    ? [...builtEntryNodeFlags(entry), 'scripts/run-built.mjs', entry]
    : ['--import', 'tsx', entry];
  return spawn(options.node ?? process.execPath, [...command, ...(options.args ?? [])], {
    cwd: ROOT,
    detached: options.detached ?? false,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * `detached` puts the gateway at the head of a process group of its own, as a shell does with a
 * foreground command: `process.kill(-child.pid, 'SIGINT')` is then what Ctrl-C in a terminal sends.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  options: { detached?: boolean; built?: boolean } = {},
): Promise<GatewayProcess> {
  const child = spawnEntry('src/main.ts', env, options);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`gateway exited with ${code}:\n${lines.join('\n')}`)));
  });
  return { child, url, lines, exited };
}

/**
 * Runs an entry point (`src/main.ts`, `scripts/create-token.ts`, ...) until it exits, for starts
 * that are meant to fail and for scripts. `node` picks another Node binary than the test's own.
 * One still running after `timeoutMs` (a start that should have failed but serves) is killed and
 * reported with code null.
 */
export async function runEntry(
  entry: string,
  env: Record<string, string>,
  options: { node?: string; args?: string[]; timeoutMs?: number; built?: boolean } = {},
): Promise<FinishedProcess> {
  const child = spawnEntry(entry, env, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const stdoutDone = new Promise<void>((resolve) =>
    createInterface({ input: child.stdout! })
      .on('line', (line) => stdout.push(line))
      .once('close', resolve),
  );
  const stderrDone = new Promise<void>((resolve) =>
    createInterface({ input: child.stderr! })
      .on('line', (line) => stderr.push(line))
      .once('close', resolve),
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  await Promise.all([stdoutDone, stderrDone]);
  return { code, stdout, stderr };
}

/** What `watchOperation` reports of an operation. */
export interface OperationUpdate {
  status: string;
  phase: string;
}

/** True once an operation has ended (neither PENDING nor IN_PROGRESS). */
export const operationFinished = (update: { status: string }) => !['PENDING', 'IN_PROGRESS'].includes(update.status);

/**
 * Resolves with the first `syncOperationUpdated` update of a gateway at `url` that `until`
 * accepts (a graphql-ws subscription: no polling); `token` is sent as the Bearer token.
 */
export function watchOperation(
  url: string,
  token: string | null,
  id: string,
  until: (update: OperationUpdate) => boolean,
): Promise<OperationUpdate> {
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  return new Promise<OperationUpdate>((resolve, reject) => {
    client.subscribe<{ syncOperationUpdated: OperationUpdate }>(
      { query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status phase } }`, variables: { id } },
      {
        next: (message) => {
          const update = message.data!.syncOperationUpdated;
          if (until(update)) resolve(update);
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {},
      },
    );
  }).finally(() => void client.dispose());
}
