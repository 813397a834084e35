import { execFile } from 'node:child_process';
import { scrubSecrets } from '../scrub.ts';

/** What the adapter ran: argv and the *names* of the environment variables (never values). */
export interface GitCommandEvent {
  args: readonly string[];
  envNames: readonly string[];
  exitCode: number;
  durationMs: number;
}

export interface RunGitOptions {
  gitBinary: string;
  env: Readonly<Record<string, string>>;
  cwd?: string;
  input?: Uint8Array | string;
  /** Removed from stderr before it is kept anywhere. */
  secrets: readonly string[];
  onCommand?: ((event: GitCommandEvent) => void) | undefined;
}

export interface GitOutput {
  stdout: Buffer;
  stderr: string;
}

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  readonly args: readonly string[];
  readonly exitCode: number;
  /** Already scrubbed of secrets, like `stdout`. */
  readonly stderr: string;
  readonly stdout: string;

  constructor(args: readonly string[], exitCode: number, stderr: string, stdout: string) {
    super(`git ${args[0] ?? ''} exited with ${exitCode}: ${stderr.trim() || stdout.trim()}`);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

// Blobs and listings can be large; the limit only guards against a runaway child.
const MAX_OUTPUT_BYTES = 2 ** 31 - 1;

/** Runs git with execFile (no shell), feeding `input` on stdin; rejects with GitCommandError. */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<GitOutput> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(
      options.gitBinary,
      args,
      { env: options.env, cwd: options.cwd, encoding: 'buffer', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true },
      (error, stdout, stderrBuffer) => {
        const stderr = scrubSecrets(stderrBuffer.toString('utf8'), options.secrets);
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        options.onCommand?.({ args, envNames: Object.keys(options.env), exitCode, durationMs: performance.now() - started });
        if (error) {
          const output = scrubSecrets(stdout.toString('utf8'), options.secrets);
          reject(new GitCommandError(args, exitCode, exitCode === -1 ? scrubSecrets(error.message, options.secrets) : stderr, output));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
    // git may exit before reading all of stdin (e.g. on a bad object); the exit status tells why.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}
