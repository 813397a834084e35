// Benchmarks only (bench/memory.ts, bench/fanout.ts preload it with --expose-gc): SIGUSR2 makes
// the process run a full garbage collection, then write "bench: gc done <process.memoryUsage()
// as JSON>" to stderr. With BENCH_SNAPSHOT_DIR set, SIGWINCH writes a heap snapshot there
// (after a full collection) and "bench: snapshot <file>". With BENCH_PROFILE_DIR set, SIGTTIN
// starts a CPU profile and SIGTTOU stops it, writes it there and prints "bench: profile <file>".
// Not loaded by the gateway otherwise.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

process.on('SIGUSR2', () => {
  if (!globalThis.gc) {
    process.stderr.write('bench: gc unavailable (no --expose-gc)\n');
    return;
  }
  globalThis.gc();
  process.stderr.write(`bench: gc done ${JSON.stringify(process.memoryUsage())}\n`);
});

const snapshotDir = process.env.BENCH_SNAPSHOT_DIR;
let snapshots = 0;
if (snapshotDir)
  process.on('SIGWINCH', () => {
    globalThis.gc?.();
    snapshots += 1;
    const file = writeHeapSnapshot(path.join(snapshotDir, `gateway-${process.pid}-${snapshots}.heapsnapshot`));
    process.stderr.write(`bench: snapshot ${file}\n`);
  });

const profileDir = process.env.BENCH_PROFILE_DIR;
if (profileDir) {
  const session = new Session();
  session.connect();
  let profiles = 0;
  process.on('SIGTTIN', async () => {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    process.stderr.write('bench: profiling\n');
  });
  process.on('SIGTTOU', async () => {
    const { profile } = await session.post('Profiler.stop');
    profiles += 1;
    const file = path.join(profileDir, `gateway-${process.pid}-${profiles}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`bench: profile ${file}\n`);
  });
}
