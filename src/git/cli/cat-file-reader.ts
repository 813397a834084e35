/**
 * Blob contents from a local repository through one long-lived `git cat-file --batch`, so a
 * caller reading thousands of blobs in batches (a pull reads 100 at a time) starts git once,
 * not once per batch: spawning git costs some 10 ms of CPU, reading a small blob from a pack a
 * few microseconds.
 *
 * Requests are served one at a time, in order. The process is started by the first read and
 * ended by `close()`, or after `idleMs` without a read. Anything unexpected (git gone, output
 * that does not parse) fails the read in progress and ends the process; the next read starts a
 * new one.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { GitCommandEvent } from './run-git.ts';

export interface CatFileReaderOptions {
  gitBinary: string;
  /** Arguments before `cat-file` (`--git-dir <repository>`). */
  gitArgs: readonly string[];
  env: Readonly<Record<string, string>>;
  /** @default 2000 */
  idleMs?: number;
  /** Called once the process has ended, as runGit reports a command. */
  onCommand?: ((event: GitCommandEvent) => void) | undefined;
}

export interface CatFileRead {
  /** The blobs found, by oid. */
  blobs: Map<string, Uint8Array>;
  /** Oids the repository does not have. */
  missing: string[];
  /** Oids of other types of object (a tree, a commit), with their type. */
  others: Map<string, string>;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  chunks: Buffer[];
  buffered: number;
  /** Waiting for more output; set while a read is in progress. */
  wake: (() => void) | null;
  failure: Error | null;
  exited: Promise<void>;
}

export class CatFileReader {
  readonly #options: CatFileReaderOptions;
  #running: Running | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(options: CatFileReaderOptions) {
    this.#options = options;
  }

  /** The blobs among `oids` (validated object ids: no newlines, no spaces). */
  read(oids: readonly string[]): Promise<CatFileRead> {
    return this.#enqueue(() => this.#read(oids));
  }

  /** Ends the process (if any) once the reads before are done, and waits for it to exit. */
  close(): Promise<void> {
    return this.#enqueue(() => this.#stop());
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task);
    // Settles with nothing: the queue must not keep the last read's blobs reachable.
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #stop(): Promise<void> {
    this.#clearIdle();
    const running = this.#running;
    this.#running = null;
    if (!running) return;
    running.child.stdin.end();
    await running.exited;
  }

  async #read(oids: readonly string[]): Promise<CatFileRead> {
    this.#clearIdle();
    this.#running ??= this.#start();
    const running = this.#running;
    try {
      running.child.stdin.write(`${oids.join('\n')}\n`);
      const blobs = new Map<string, Uint8Array>();
      const missing: string[] = [];
      const others = new Map<string, string>();
      for (const oid of oids) {
        const header = await this.#line(running);
        const [name, type, size] = header.split(' ');
        if (name !== oid) throw new Error(`git cat-file answered ${JSON.stringify(header.slice(0, 100))} for ${oid}`);
        if (type === 'missing' || size === undefined) {
          missing.push(oid);
          continue;
        }
        const length = Number(size);
        if (!Number.isSafeInteger(length)) throw new Error(`git cat-file gave no size for ${oid}`);
        const body = await this.#bytes(running, length + 1);
        if (body[length] !== 0x0a) throw new Error(`git cat-file's object ${oid} did not end where its size said`);
        // A copy: the blob must not keep the rest of git's output alive.
        if (type === 'blob') blobs.set(oid, new Uint8Array(body.subarray(0, length)));
        else others.set(oid, type ?? '');
      }
      this.#idleTimer = setTimeout(() => void this.close(), this.#options.idleMs ?? 2000);
      this.#idleTimer.unref();
      return { blobs, missing, others };
    } catch (error) {
      this.#running = null;
      running.child.kill();
      throw running.failure ?? error;
    }
  }

  /** The next line of output, without its newline. */
  async #line(running: Running): Promise<string> {
    for (;;) {
      if (running.chunks.length > 1) running.chunks = [Buffer.concat(running.chunks)];
      const buffer = running.chunks[0];
      const newline = buffer ? buffer.indexOf(0x0a) : -1;
      if (buffer && newline !== -1) return this.#consume(running, newline + 1).toString('utf8', 0, newline);
      await this.#more(running);
    }
  }

  /** The next `length` bytes of output. */
  async #bytes(running: Running, length: number): Promise<Buffer> {
    while (running.buffered < length) await this.#more(running);
    if (running.chunks.length > 1) running.chunks = [Buffer.concat(running.chunks)];
    return this.#consume(running, length);
  }

  #consume(running: Running, length: number): Buffer {
    const buffer = running.chunks[0]!;
    const rest = buffer.subarray(length);
    running.chunks = rest.length > 0 ? [rest] : [];
    running.buffered -= length;
    return buffer.subarray(0, length);
  }

  #more(running: Running): Promise<void> {
    if (running.failure) return Promise.reject(running.failure);
    return new Promise<void>((resolve) => {
      running.wake = resolve;
    });
  }

  #start(): Running {
    const { gitBinary, gitArgs, env, onCommand } = this.#options;
    const args = [...gitArgs, 'cat-file', '--batch'];
    const started = performance.now();
    const child = spawn(gitBinary, args, { env, windowsHide: true, detached: true, stdio: 'pipe' });
    let stderr = '';
    const running: Running = {
      child,
      chunks: [],
      buffered: 0,
      wake: null,
      failure: null,
      exited: new Promise<void>((resolve) => {
        child.once('close', (code) => {
          onCommand?.({
            args,
            envNames: Object.keys(env),
            exitCode: code ?? -1,
            durationMs: performance.now() - started,
          });
          running.failure ??= new Error(`git cat-file ended (${code ?? 'signal'}): ${stderr.trim().slice(0, 300)}`);
          running.wake?.();
          resolve();
        });
      }),
    };
    // Waiting for the next byte is what the reads do; a buffer only ever holds one read's answer.
    child.stdout.on('data', (chunk: Buffer) => {
      running.chunks.push(chunk);
      running.buffered += chunk.length;
      const wake = running.wake;
      running.wake = null;
      wake?.();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.once('error', (error) => {
      running.failure ??= error;
      running.wake?.();
    });
    child.stdin.on('error', () => {});
    return running;
  }

  #clearIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
