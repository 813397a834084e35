import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isoTimeAt, TurnBufferedDestination } from '../../src/logger.ts';

const CHILD = path.resolve(import.meta.dirname, '../support/log-lines-child.ts');

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The messages of the JSON lines on stdout, in order (every line must parse). */
  messages: string[];
  /** How many writes to file descriptor 1 the child made (null when it could not say: SIGKILL). */
  writes: number | null;
}

/** Runs the child in `mode` on real pipes; `signal` is sent once it has logged "ready". */
async function runChild(mode: string, signal?: NodeJS.Signals): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (signal && stdout.includes('"msg":"ready"')) {
      child.kill(signal);
      signal = undefined;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code, exitSignal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  expect(stdout.endsWith('\n'), `stdout ends with a whole line; stderr: ${stderr}`).toBe(true);
  const messages = stdout
    .split('\n')
    .slice(0, -1)
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
  const writes = /^writes (\d+)$/m.exec(stderr)?.[1];
  return { code, signal: exitSignal, messages, writes: writes === undefined ? null : Number(writes) };
}

const burst = (name: string) => [0, 1, 2, 3, 4].map((index) => `${name} ${index}`);

describe('log lines on stdout (the gateway process)', () => {
  it("the lines of one event-loop turn go out in one write, and a turn's lines before the next's", async () => {
    const run = await runChild('turns');
    expect(run.code).toBe(0);
    expect(run.messages).toEqual([...burst('first'), ...burst('second')]);
    expect(run.writes).toBe(2);
  });

  it('process.exit right after logging loses no line, a 200 kB one included', async () => {
    const run = await runChild('exit');
    expect(run.code).toBe(0);
    expect(run.messages).toEqual([...burst('line'), 'large', ...burst('after')]);
  });

  it('an uncaught exception right after logging loses no line', async () => {
    const run = await runChild('throw');
    expect(run.code).toBe(1);
    expect(run.messages).toEqual([...burst('line'), 'large']);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}, handled as src/main.ts does (a line, then the exit), loses no line`, async () => {
      const run = await runChild('signal', signal);
      expect(run.code).toBe(0);
      expect(run.messages).toEqual(['ready', 'shutting down', ...burst('line'), 'large']);
    });
  }

  it('an error line is written at once, with the lines before it: a SIGKILL after it loses none', async () => {
    const run = await runChild('error-then-kill');
    expect(run.signal).toBe('SIGKILL');
    expect(run.messages).toEqual([...burst('line'), 'the last words']);
  });
});

describe('TurnBufferedDestination', () => {
  it('writes nothing during the turn, then its lines in one write, whole and in order', async () => {
    const writes: string[] = [];
    const destination = new TurnBufferedDestination({ write: (lines) => writes.push(lines) });
    const logger = pino({ base: null, timestamp: false }, destination);
    const large = 'y'.repeat(1_000_000);
    logger.info('one');
    logger.info({ large }, 'two');
    logger.warn('three');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(
      writes[0]!
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line).msg),
    ).toEqual(['one', 'two', 'three']);
    logger.info('four');
    logger.flush();
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!).msg).toBe('four');
  });
});

describe('the time of a line', () => {
  it("is pino's isoTime, formatted once per second", () => {
    const start = Date.parse('2026-12-31T23:59:58.000Z');
    // Within a second, across seconds, minutes, days and years; milliseconds of 1, 2 and 3 digits.
    const times = [0, 7, 42, 999, 1000, 1001, 1099, 1999, 2000, 2345, 2001, 61_000, 86_399_999, 86_400_000].map(
      (offset) => start + offset,
    );
    for (const time of [...times, ...times.reverse()])
      expect(isoTimeAt(time)).toBe(`,"time":"${new Date(time).toISOString()}"`);
  });
});
