/**
 * Review and history costs on a fabric of N objects (default 1,000) with N/2 of them drafted:
 * `pendingChanges` (plan, Git's side of every drafted file, unified diffs, the whole fabric
 * validated) and one page of a resource's history, each through the API, on the GitHub test
 * server (with its requests) and the native git adapter.
 *
 *   node --import tsx bench/pending-changes.ts [objects=1000] [runs=5]
 */
import { queryDatabase } from '../test/support/database.ts';
import { removeScratchDirs } from '../test/support/git-fixtures.ts';
import { startBench, vlanNamespace } from './sync-harness.ts';

const objects = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 5);

const PENDING = `query($f: ID!) { pendingChanges(fabricId: $f) {
  changes { name action status fieldChanges { path } diff } files { added changed deleted } validation { valid errorCount } } }`;
const HISTORY = `query($id: ID!) { resource(id: $id) { history(first: 20) { edges { node { commit { sha } diff } } } } }`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (const adapter of ['github', 'git'] as const) {
  const bench = await startBench({ adapter, name: `pending-${adapter}` });
  try {
    await bench.commitElsewhere(
      Array.from({ length: objects }, (_, index) => vlanNamespace(`ns-${String(index).padStart(5, '0')}`, 1999)),
      'seed',
    );
    await bench.run('pull');
    // Every other object drafted (a changed range), straight into the table.
    await queryDatabase(
      bench.t.database.url,
      `update resource set draft_action = 'upsert', draft_api_version = api_version,
              draft_spec = jsonb_build_object('ranges', jsonb_build_array(jsonb_build_object('from', 1000, 'to', 1500))),
              drafted_by = 'bench', drafted_at = now()
        where fabric_id = $1 and right(name, 1) in ('0', '2', '4', '6', '8')`,
      [bench.fabricId],
    );
    const [first] = await queryDatabase<{ id: string }>(
      bench.t.database.url,
      `select id from resource where fabric_id = $1 order by name limit 1`,
      [bench.fabricId],
    );
    const timings: number[] = [];
    let requests = '';
    let changes = 0;
    for (let run = 0; run < runs; run++) {
      const before = bench.github ? new Map(bench.github.requests) : null;
      const started = performance.now();
      const data = await bench.t.graphqlOk<{ pendingChanges: { changes: unknown[] } }>(PENDING, { f: bench.fabricId });
      timings.push(performance.now() - started);
      changes = data.pendingChanges.changes.length;
      if (bench.github)
        requests = [...bench.github.requests]
          .map(([name, count]) => [name, count - (before!.get(name) ?? 0)] as const)
          .filter(([, count]) => count > 0)
          .map(([name, count]) => `${name} ${count}`)
          .join(', ');
    }
    console.log(
      `${adapter} adapter: pendingChanges of ${changes} drafts in a fabric of ${objects}: median ${median(timings).toFixed(0)} ms (${runs} runs, min ${Math.min(...timings).toFixed(0)}, max ${Math.max(...timings).toFixed(0)})${requests ? `; GitHub requests per call: ${requests}` : ''}`,
    );
    const history: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await bench.t.graphqlOk(HISTORY, { id: first!.id });
      history.push(performance.now() - started);
    }
    console.log(`  history page (first: 20) of one resource: median ${median(history).toFixed(0)} ms`);
  } finally {
    await bench.stop();
  }
}
await removeScratchDirs();
