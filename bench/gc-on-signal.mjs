// Benchmarks only (bench/memory.ts, bench/soak.ts, bench/fanout.ts preload it with --expose-gc):
// SIGUSR2 makes the process run a full garbage collection, then write
// "bench: gc done <memory figures as JSON>" to stderr: process.memoryUsage() plus V8's physical
// heap size and the memory V8 itself allocated with malloc. With BENCH_SNAPSHOT_DIR set, SIGWINCH
// collects and writes a heap snapshot there ("bench: snapshot <path>"). With BENCH_PROFILE_DIR
// set, SIGTTIN starts a CPU profile (with BENCH_PROFILE_KIND=heap: a sampling heap profile of
// everything allocated) and SIGTTOU stops it, writes it there and prints "bench: profile <file>".
// Not loaded by the gateway otherwise.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import v8 from 'node:v8';

function figures() {
  const heap = v8.getHeapStatistics();
  return {
    ...process.memoryUsage(),
    heapPhysical: heap.total_physical_size,
    v8Malloced: heap.malloced_memory,
    // Each space's pages in memory (new_space, old_space, large_object_space, code_space, ...).
    spaces: Object.fromEntries(
      v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size]),
    ),
  };
}

process.on('SIGUSR2', () => {
  if (!globalThis.gc) {
    process.stderr.write('bench: gc unavailable (no --expose-gc)\n');
    return;
  }
  globalThis.gc();
  process.stderr.write(`bench: gc done ${JSON.stringify(figures())}\n`);
});

const snapshotDir = process.env.BENCH_SNAPSHOT_DIR;
if (snapshotDir) {
  let taken = 0;
  process.on('SIGWINCH', () => {
    globalThis.gc?.();
    taken += 1;
    const file = v8.writeHeapSnapshot(path.join(snapshotDir, `gateway-${process.pid}-${taken}.heapsnapshot`));
    process.stderr.write(`bench: snapshot ${file}\n`);
  });
}

const profileDir = process.env.BENCH_PROFILE_DIR;
if (profileDir) {
  const session = new Session();
  session.connect();
  let profiles = 0;
  // BENCH_PROFILE_KIND=heap: V8's sampling heap profiler instead, counting what collections
  // already freed too (so the profile is what was allocated, not what is still alive).
  const heap = process.env.BENCH_PROFILE_KIND === 'heap';
  process.on('SIGTTIN', async () => {
    if (heap) {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    } else {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    process.stderr.write('bench: profiling\n');
  });
  process.on('SIGTTOU', async () => {
    const { profile } = await session.post(heap ? 'HeapProfiler.stopSampling' : 'Profiler.stop');
    profiles += 1;
    const file = path.join(profileDir, `gateway-${process.pid}-${profiles}.${heap ? 'heapprofile' : 'cpuprofile'}`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`bench: profile ${file}\n`);
  });
}
