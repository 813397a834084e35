import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DomainError } from '../errors.ts';
import type { ManifestValidationInput } from '../resource/manifest-validation.ts';
import {
  checkValidationBounds,
  validateBounded,
  type ManifestValidator,
  type ValidationLimits,
} from './manifest-validator.ts';

export interface WorkerPoolOptions extends ValidationLimits {
  /** Inputs up to this many YAML bytes (and single objects, and lists of up to 200) are validated on the calling thread. */
  inlineBytes: number;
  /** Worker threads; default: one fewer than the cores, at least one. */
  threads?: number;
  /**
   * A validation running longer is stopped (its worker is ended) and refused with INVALID_INPUT;
   * one waiting longer than `queueTimeoutMs` for a thread is refused with RATE_LIMITED.
   */
  timeoutMs: number;
  /** Requests waiting for a thread; more are refused with RATE_LIMITED. */
  maxQueue?: number;
  /** Longest wait for a thread (starting one included); default 60 s. */
  queueTimeoutMs?: number;
}

/**
 * The module a worker thread of the pool loads, given this module's URL: compiled (dist/, a `.js`
 * URL), the compiled task itself; from the sources, the plain JavaScript entry that loads the task
 * through tsx.
 */
export function validationWorkerUrl(moduleUrl: string): string {
  return new URL(moduleUrl.endsWith('.js') ? './validation-task.js' : './validation-worker.mjs', moduleUrl).href;
}

/** Object lists longer than this (a whole fabric) are validated on a worker thread. */
const INLINE_OBJECTS = 200;

/**
 * Large inputs are validated on worker threads (piscina), so one request with tens of thousands
 * of documents never holds the event loop that serves every other request and /healthz. Small
 * inputs stay on the calling thread: a draft of one object is faster there than a thread hop.
 */
export function workerPoolManifestValidator(options: WorkerPoolOptions): ManifestValidator {
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const pool = new Piscina({
    filename: validationWorkerUrl(import.meta.url),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
    maxQueue: options.maxQueue ?? threads * 4,
  });
  let running = 0;
  let completed = 0;
  return {
    async validate(input: ManifestValidationInput) {
      checkValidationBounds(input, options);
      const small =
        input.objects !== undefined
          ? input.objects.length <= INLINE_OBJECTS
          : input.yaml === undefined || Buffer.byteLength(input.yaml, 'utf8') <= options.inlineBytes;
      if (small) {
        return validateBounded(input, options.maxFindings);
      }
      if (pool.queueSize >= pool.options.maxQueue) {
        throw new DomainError('RATE_LIMITED', 'Too many large validations are waiting; retry shortly', {
          retryAfterSeconds: 1,
        });
      }
      running += 1;
      // Waiting for a thread and running are bounded apart: the worker says when it starts.
      const abort = new AbortController();
      const channel = new MessageChannel();
      let started = false;
      let timer = setTimeout(() => abort.abort('queued'), options.queueTimeoutMs ?? 60_000);
      channel.port1.once('message', () => {
        started = true;
        clearTimeout(timer);
        timer = setTimeout(() => abort.abort('running'), options.timeoutMs);
      });
      try {
        const result = await pool.run(
          { input, maxFindings: options.maxFindings, started: channel.port2 },
          { signal: abort.signal, transferList: [channel.port2] as never },
        );
        completed += 1;
        return result;
      } catch (error) {
        if (abort.signal.aborted && started) {
          throw new DomainError(
            'INVALID_INPUT',
            `Validation took longer than ${options.timeoutMs} ms and was stopped (VALIDATION_TIMEOUT_MS); send fewer documents at once`,
          );
        }
        if (abort.signal.aborted || /queue is at limit/i.test((error as Error).message)) {
          throw new DomainError('RATE_LIMITED', 'Too many large validations are waiting; retry shortly', {
            retryAfterSeconds: 5,
          });
        }
        throw error;
      } finally {
        clearTimeout(timer);
        channel.port1.close();
        running -= 1;
      }
    },
    stats: () => ({ runningOnWorkers: running, completedOnWorkers: completed }),
    async close() {
      await pool.destroy();
    },
  };
}
