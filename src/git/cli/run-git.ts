import { spawn } from 'node:child_process';
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

/**
 * The environment every git process of the gateway runs with: no system or user configuration
 * (`HOME` is the adapter's own folder), no prompts and no askpass helper unless `extra` names one
 * (credentials come only that way), and the C locale so messages can be classified.
 */
export function isolatedGitEnv(homeDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: homeDir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    LANG: 'C',
    LC_ALL: 'C',
    ...extra,
  };
}

/**
 * Runs git (no shell), feeding `input` on stdin; rejects with GitCommandError. The child leads a
 * process group of its own (`detached`): Ctrl-C in a terminal signals the foreground group, and
 * that signal is the gateway's to handle (it stops operations at a step boundary), not a git
 * child's to die of halfway through a step. execFile ignores `detached`, hence spawn.
 */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<GitOutput> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(options.gitBinary, args, {
      env: options.env,
      cwd: options.cwd,
      windowsHide: true,
      detached: true,
      stdio: 'pipe',
    });
    const stdoutChunks: Buffer[] = [];
    const stderrChunks: Buffer[] = [];
    let outputBytes = 0;
    let failure: Error | null = null;
    const collect = (chunks: Buffer[]) => (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > MAX_OUTPUT_BYTES && !failure) {
        failure = new Error(`git ${args[0] ?? ''} wrote more than ${MAX_OUTPUT_BYTES} bytes`);
        child.kill();
      }
      chunks.push(chunk);
    };
    child.stdout.on('data', collect(stdoutChunks));
    child.stderr.on('data', collect(stderrChunks));
    child.once('error', (error) => {
      failure ??= error;
    });
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(stdoutChunks);
      const stderr = scrubSecrets(Buffer.concat(stderrChunks).toString('utf8'), options.secrets);
      const exitCode = failure || code === null ? -1 : code;
      options.onCommand?.({
        args,
        envNames: Object.keys(options.env),
        exitCode,
        durationMs: performance.now() - started,
      });
      if (exitCode === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const output = scrubSecrets(stdout.toString('utf8'), options.secrets);
      const reason = failure
        ? failure.message
        : code === null
          ? `git ${args[0] ?? ''} was stopped by ${signal ?? 'a signal'}`
          : stderr;
      reject(
        new GitCommandError(args, exitCode, exitCode === -1 ? scrubSecrets(reason, options.secrets) : stderr, output),
      );
    });
    // git may exit before reading all of stdin (e.g. on a bad object); the exit status tells why.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
