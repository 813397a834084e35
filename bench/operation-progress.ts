/**
 * What a progress bar sees of a full pull of N files (first pull: every file read), on the
 * native git adapter and on the GitHub test server: the operation's time, how many snapshots
 * `syncOperationUpdated` subscribers received, how many of them were mid-way (0 < done < total),
 * the largest gap between two snapshots while the files were read, and the UPDATE statements
 * written to the operation row. Goal (issue 15): moves during the phase, at most every 100 ms,
 * at least every second, with the row written at the same pace.
 *
 *   node --import tsx bench/operation-progress.ts [files=2000] [repeats=3]
 *
 * It uses only the event bus and the SQL log, so it runs unchanged on a tree without the throttle
 * (for a before/after comparison).
 */
import { topics } from '../src/events/event-bus.ts';
import { removeScratchDirs } from '../test/support/git-fixtures.ts';
import { startBench, vlanNamespace } from './sync-harness.ts';
import { median } from './stats.ts';

const [files = 2000, repeats = 3] = process.argv.slice(2).map(Number);

interface Snapshot {
  status: string;
  phase: string;
  progressDone: number;
  progressTotal: number;
}

async function measure(adapter: 'git' | 'github') {
  const figures: { ms: number; snapshots: number; midway: number; maxGapMs: number; rowUpdates: number }[] = [];
  for (let round = 0; round < repeats; round++) {
    const bench = await startBench({ adapter, name: `progress-${adapter}-${round}` });
    try {
      const objects = Array.from({ length: files }, (_, index) =>
        vlanNamespace(`ns-${String(index).padStart(5, '0')}`, 1000 + (index % 900)),
      );
      await bench.commitElsewhere(objects, `seed ${files}`);
      const { t } = bench;
      const snapshots: { at: number; snapshot: Snapshot }[] = [];
      const operation = await t.app
        .services()
        .operations.launch({ fabricId: bench.fabricId, type: 'pull', initiatedBy: 'bench' });
      const updates = t.app.eventBus.subscribe<{ snapshot: Snapshot }>(topics.syncOperation(operation.id));
      t.sql.length = 0;
      const started = performance.now();
      for await (const update of updates) {
        snapshots.push({ at: performance.now(), snapshot: update.snapshot });
        if (['completed', 'failed', 'cancelled'].includes(update.snapshot.status)) break;
      }
      const ms = performance.now() - started;
      await t.app.runner.idle();
      const reading = snapshots.filter(({ snapshot }) => snapshot.phase === 'reading_files');
      const gaps = reading.slice(1).map((entry, index) => entry.at - reading[index]!.at);
      figures.push({
        ms,
        snapshots: snapshots.length,
        midway: snapshots.filter(
          ({ snapshot }) => snapshot.progressDone > 0 && snapshot.progressDone < snapshot.progressTotal,
        ).length,
        maxGapMs: gaps.length > 0 ? Math.max(...gaps) : Number.NaN,
        rowUpdates: t.sql.filter((statement) => /^update "sync_operation"/i.test(statement.trim())).length,
      });
    } finally {
      await bench.stop();
    }
  }
  const pick = (key: keyof (typeof figures)[number]) => median(figures.map((figure) => figure[key]));
  console.log(
    `${adapter}: full pull of ${files} files: ${pick('ms').toFixed(0)} ms; ${pick('snapshots')} snapshots, ${pick('midway')} mid-way (0 < done < total), largest gap while reading files ${pick('maxGapMs').toFixed(0)} ms, ${pick('rowUpdates')} UPDATEs of the operation row (medians of ${repeats})`,
  );
}

try {
  await measure('git');
  await measure('github');
} finally {
  await removeScratchDirs();
}
