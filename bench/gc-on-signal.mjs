// Benchmarks only (bench/memory.ts preloads it with --expose-gc): SIGUSR2 makes the process run
// a full garbage collection, then write "bench: gc done <process.memoryUsage() as JSON>" to
// stderr. Not loaded by the gateway otherwise.
process.on('SIGUSR2', () => {
  if (!globalThis.gc) {
    process.stderr.write('bench: gc unavailable (no --expose-gc)\n');
    return;
  }
  globalThis.gc();
  process.stderr.write(`bench: gc done ${JSON.stringify(process.memoryUsage())}\n`);
});
