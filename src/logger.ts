import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';

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
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'hedgehog-gitops-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
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
    res.once('finish', () => {
      const path = (req.url ?? '/').split('?')[0];
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
