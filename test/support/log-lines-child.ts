/**
 * A process that logs through the gateway's logger to stdout (as src/main.ts does) and then ends
 * the way argv[2] says, for test/logger/log-lines.test.ts. It counts the write system calls on
 * file descriptor 1 (fs.writeSync and process.stdout.write, whichever the logger uses) and says
 * how many on stderr as it exits.
 */
import fs from 'node:fs';
import { createLogger } from '../../src/logger.ts';

let writes = 0;
const writeSync = fs.writeSync;
fs.writeSync = ((fd: number, ...rest: never[]) => {
  if (fd === 1) writes += 1;
  return (writeSync as (...args: unknown[]) => number)(fd, ...rest);
}) as typeof fs.writeSync;
const stdoutWrite = process.stdout.write;
process.stdout.write = ((...args: never[]) => {
  writes += 1;
  return (stdoutWrite as (...args: unknown[]) => boolean).apply(process.stdout, args);
}) as typeof process.stdout.write;

const logger = createLogger({ level: 'info' });
// Registered after the logger's own `exit` listener: it counts the last flush too.
process.on('exit', () => process.stderr.write(`writes ${writes}\n`));

const burst = (name: string, count = 5) => {
  for (let index = 0; index < count; index += 1) logger.info({ index }, `${name} ${index}`);
};
/** A line larger than a pipe holds (64 kB) and than sonic-boom's write size (16 kB). */
const LARGE = 'x'.repeat(200_000);

switch (process.argv[2]) {
  case 'turns':
    burst('first');
    setImmediate(() => burst('second'));
    break;
  case 'exit':
    burst('line');
    logger.info({ large: LARGE }, 'large');
    burst('after');
    process.exit(0);
    break;
  case 'throw':
    burst('line');
    logger.info({ large: LARGE }, 'large');
    throw new Error('thrown by the test');
  case 'error-then-kill':
    burst('line');
    logger.error('the last words');
    process.kill(process.pid, 'SIGKILL');
    break;
  case 'signal':
    // As src/main.ts: a line, then the exit, in the turn the signal is handled in.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        logger.info({ signal }, 'shutting down');
        burst('line');
        logger.info({ large: LARGE }, 'large');
        process.exit(0);
      });
    }
    logger.info('ready');
    setInterval(() => {}, 60_000);
    break;
  default:
    throw new Error(`unknown mode ${process.argv[2]}`);
}
