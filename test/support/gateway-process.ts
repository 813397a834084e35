import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The gateway as a user runs it: the real entry point in its own process, set up only by environment. */
export interface GatewayProcess {
  child: ChildProcess;
  /** http://127.0.0.1:port, read from the "gateway ready" log line. */
  url: string;
  /** Every stdout and stderr line so far. */
  lines: string[];
  exited: Promise<number | null>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `detached` puts the gateway at the head of a process group of its own, as a shell does with a
 * foreground command: `process.kill(-child.pid, 'SIGINT')` is then what Ctrl-C in a terminal sends.
 */
export async function startGatewayProcess(env: Record<string, string>, options: { detached?: boolean } = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    detached: options.detached ?? false,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
