import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Secrets should never reach a
 * logger at all; this is the second line of defence.
 */
const REDACTED_PATHS = [
  'token', '*.token', 'password', '*.password', 'credentials', '*.credentials', 'sshPrivateKey',
  '*.sshPrivateKey', 'webhookSecret', '*.webhookSecret', 'kubeconfig', '*.kubeconfig',
  'authorization', '*.authorization', 'req.headers.authorization', 'headers.authorization',
  'variables.input.credentials', 'variables.input.webhookSecret', 'variables.input.kubernetes',
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
