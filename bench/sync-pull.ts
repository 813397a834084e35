/**
 * Pull of ONE changed file in a fabric of 10,000 objects against the same in a fabric of 100
 * (goal: ratio at most 2: the cost follows the change, not the fabric), on the native git adapter
 * and on the GitHub test server. After the first pull, each one-file pull is incremental (the
 * host's diff since the last pulled commit); see docs/sync.md, "Figures". Each figure is the
 * median of `repeats` pulls, in wall time and in CPU time of this process and its git children
 * (the gateway and the GitHub test server run in this process; PostgreSQL's work is not counted).
 *
 *   node --import tsx bench/sync-pull.ts [large=10000] [small=100] [repeats=5]
 */
import { startBench, vlanNamespace } from './sync-harness.ts';
import { median, processCpuMs } from './stats.ts';
import { removeScratchDirs } from '../test/support/git-fixtures.ts';

const [large = 10_000, small = 100, repeats = 5] = process.argv.slice(2).map(Number);

async function measure(size: number, adapter: 'git' | 'github') {
  const bench = await startBench({ adapter, name: `pull-${adapter}-${size}` });
  try {
    const objects = Array.from({ length: size }, (_, index) =>
      vlanNamespace(`ns-${String(index).padStart(5, '0')}`, 1000 + (index % 900)),
    );
    await bench.commitElsewhere(objects, `seed ${size}`);
    const initial = await bench.run('pull');
    const times: number[] = [];
    const cpu: number[] = [];
    for (let round = 0; round < repeats; round++) {
      await bench.commitElsewhere([vlanNamespace('ns-00042', 1001 + round)], `change ${round}`);
      const before = bench.github?.requestCount() ?? 0;
      const cpuBefore = processCpuMs();
      const pulled = await bench.run('pull');
      cpu.push(processCpuMs() - cpuBefore);
      if (pulled.operation.filesUpdated !== 1)
        throw new Error(`expected one updated file, got ${JSON.stringify(pulled.operation)}`);
      times.push(pulled.ms);
      if (round === 0 && bench.github)
        console.log(
          `    ${adapter} ${size}: ${bench.github.requestCount() - before} GitHub requests for the one-file pull`,
        );
    }
    return { initialMs: initial.ms, oneFileMs: median(times), oneFileCpuMs: median(cpu) };
  } finally {
    await bench.stop();
  }
}

for (const adapter of ['git', 'github'] as const) {
  const smallResult = await measure(small, adapter);
  const largeResult = await measure(large, adapter);
  console.log(`${adapter} adapter (${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded PostgreSQL'}):`);
  console.log(
    `  initial pull      ${small} objects: ${smallResult.initialMs.toFixed(0)} ms   ${large} objects: ${largeResult.initialMs.toFixed(0)} ms`,
  );
  console.log(
    `  one changed file  ${small} objects: ${smallResult.oneFileMs.toFixed(0)} ms   ${large} objects: ${largeResult.oneFileMs.toFixed(0)} ms   ratio ${(largeResult.oneFileMs / smallResult.oneFileMs).toFixed(2)} (goal <= 2)`,
  );
  console.log(
    `    CPU (gateway + git + test servers, not PostgreSQL's) ${small}: ${smallResult.oneFileCpuMs} ms   ${large}: ${largeResult.oneFileCpuMs} ms   ratio ${(largeResult.oneFileCpuMs / Math.max(10, smallResult.oneFileCpuMs)).toFixed(2)}`,
  );
}
await removeScratchDirs();
