import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, symbols, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Secrets should never reach a
 * logger at all; this is the second line of defence.
 */
const REDACTED_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'credentials',
  '*.credentials',
  'sshPrivateKey',
  '*.sshPrivateKey',
  'webhookSecret',
  '*.webhookSecret',
  'kubeconfig',
  '*.kubeconfig',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'variables.input.credentials',
  'variables.input.webhookSecret',
  'variables.input.kubernetes',
  // What a client typed: a GraphQL document and its variables are never logged (see graphql/errors.ts).
  'query',
  '*.query',
  'variables',
  '*.variables',
  'document',
  '*.document',
];

export interface LoggerOptions {
  level: string;
  /**
   * Where JSON lines go, one `write` per line; tests pass a stream to read them back. Without it,
   * lines go to stdout through `stdoutLines()`, a turn's lines in one write.
   */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'hedgehog-gitops-gateway' },
      timestamp: isoTime,
    },
    options.destination ?? stdoutLines(),
  );
}

/**
 * pino's `stdTimeFunctions.isoTime` (`,"time":"2026-01-02T03:04:05.678Z"`), with the date and
 * time formatted once per second: under load many lines share it.
 */
let second = -1;
let secondText = '';
function isoTime(): string {
  return isoTimeAt(Date.now());
}

/** `isoTime` at a given time (milliseconds since the epoch, not before it). */
export function isoTimeAt(now: number): string {
  const millis = now % 1000;
  if (now - millis !== second) {
    second = now - millis;
    secondText = `,"time":"${new Date(second).toISOString().slice(0, 20)}`;
  }
  return `${secondText}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z"`;
}

/** pino's level number of `error`: lines at it and above are written at once. */
const ERROR_LEVEL = 50;

/** What a TurnBufferedDestination writes to. */
export interface LineTarget {
  write(lines: string): unknown;
}

/**
 * A pino destination that writes the lines logged during one event-loop turn together, in one
 * `write` to `target` at the end of the turn (`setImmediate`), instead of one `write` (one
 * system call) per line: the request line's write was 7 % of a small request's CPU time
 * (docs/performance.md, "The fixed cost of a request"). Lines stay whole and in order.
 *
 * Nothing waits longer than the turn it was logged in, and `flush()` writes the rest at once:
 * lines at `error` and above are written as they are logged, with what precedes them (they often
 * come just before an exit), and `stdoutLines()` flushes on the process's `exit` event
 * (`process.exit`, the end of the event loop, an uncaught exception). A SIGKILL loses at most
 * the lines of the turn in progress.
 *
 * sonic-boom (pino's own destination) buffers too (`minLength`), but until a byte count (below
 * 16 kB) or a timer, not to the end of a turn; so it is the target here, not the buffer.
 */
export class TurnBufferedDestination {
  /** pino sets `lastLevel` before each `write` on a destination that asks for it. */
  readonly [symbols.needsMetadataGsym] = true;
  lastLevel = 0;
  #pending = '';
  #scheduled = false;
  readonly #target: LineTarget;

  constructor(target: LineTarget) {
    this.#target = target;
  }

  write(line: string): boolean {
    this.#pending += line;
    if (this.lastLevel >= ERROR_LEVEL) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#endOfTurn);
    }
    return true;
  }

  /** Writes every line not yet written, now (`logger.flush(cb)` calls it with a callback). */
  flush(done?: () => void): void {
    if (this.#pending !== '') {
      const lines = this.#pending;
      this.#pending = '';
      this.#target.write(lines);
    }
    done?.();
  }

  readonly #endOfTurn = () => {
    this.#scheduled = false;
    this.flush();
  };
}

let stdout: TurnBufferedDestination | null = null;

/**
 * The process's one buffered destination on stdout. Each turn's lines go out in one synchronous
 * write to file descriptor 1 through sonic-boom, which is pino's default destination: it writes
 * a partial write's rest and waits out a full pipe (`EAGAIN`), so the flush on `exit` writes all
 * of the last lines, where `process.stdout` on a pipe keeps what the pipe cannot take in a queue
 * that an exiting process drops (a line logged just before `process.exit` was lost past 64 kB).
 */
export function stdoutLines(): TurnBufferedDestination {
  if (stdout === null) {
    const destination = new TurnBufferedDestination(pino.destination({ dest: 1, sync: true }));
    process.on('exit', () => destination.flush());
    stdout = destination;
  }
  return stdout;
}

const requestIds = new AsyncLocalStorage<string>();

/** The id of the HTTP request whose handling the caller is part of; undefined in background work. */
export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}

/**
 * Gives every HTTP request an id (the client's `x-request-id`, or a new one), returns it in the
 * response header, makes it visible to later handlers through the request header and
 * currentRequestId(), and logs one line when the response is finished. Bodies and headers are
 * not logged.
 */
export function withRequestLog<
  Request extends import('node:http').IncomingMessage,
  Response extends import('node:http').ServerResponse,
>(logger: Logger, handler: (req: Request, res: Response) => void): (req: Request, res: Response) => void {
  // The line's fields are the ones below and nothing a client sent but the path: no redaction,
  // which was half the cost of the line (docs/performance.md, "The fixed cost of a request").
  const lines = logger.child({}, { redact: [] });
  return (req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : crypto.randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    const startedAt = performance.now();
    res.on('finish', () => {
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const path = query === -1 ? url : url.slice(0, query);
      if (path === '/healthz' || path === '/readyz') return;
      lines.info(
        {
          requestId,
          method: req.method,
          path,
          status: res.statusCode,
          durationMs: Math.round(performance.now() - startedAt),
        },
        'request',
      );
    });
    requestIds.run(requestId, () => handler(req, res));
  };
}

/**
 * graphql-yoga's `logging` option. Yoga hands its logger every error the masker replaced; the
 * masker has logged those already (see graphql/errors.ts), and their text (a GraphQLError prints
 * the document around its location) may hold what a client typed, secrets included. So an Error
 * argument is reduced to its class, at debug; yoga's own messages pass at their level.
 */
export function yogaLogger(logger: Logger) {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const errors = args.filter((arg): arg is Error => arg instanceof Error);
      if (errors.length > 0) {
        logger.debug(
          { errors: errors.map((error) => error.name) },
          'graphql-yoga reported an error (logged by the error masker)',
        );
        return;
      }
      logger[level](args.map((arg) => (typeof arg === 'string' ? arg : typeof arg)).join(' '));
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
