// Benchmarks only (bench/memory.ts preloads it with --expose-gc): SIGUSR2 makes the process run
// a full garbage collection, then write "bench: gc done" to stderr. Not loaded by the gateway.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  process.stderr.write(globalThis.gc ? 'bench: gc done\n' : 'bench: gc unavailable (no --expose-gc)\n');
});
