/**
 * Push of 1,000 drafts through the GitHub test server (goal: 1 commit, at most 5 GitHub
 * requests), and the same through the native git adapter (git commands are not requests). CPU:
 * this process (gateway, GitHub test server) and its git children; PostgreSQL's work is not in it.
 *
 *   node --import tsx bench/sync-push.ts [drafts=1000]
 */
import { queryDatabase } from '../test/support/database.ts';
import { gitLog, removeScratchDirs } from '../test/support/git-fixtures.ts';
import { startBench, vlanNamespace } from './sync-harness.ts';
import { processCpuMs } from './stats.ts';

const drafts = Number(process.argv[2] ?? 1000);

for (const adapter of ['github', 'git'] as const) {
  const bench = await startBench({ adapter, name: `push-${adapter}` });
  try {
    await bench.commitElsewhere([vlanNamespace('seed', 1999)], 'seed');
    await bench.run('pull');
    // Drafts straight into the table (the API validates each one against the fabric: not what is measured here).
    await queryDatabase(
      bench.t.database.url,
      `
      insert into resource (id, fabric_id, api_version, kind, namespace, name, draft_action, draft_api_version, draft_spec, drafted_by, drafted_at, created_at, updated_at)
      select gen_random_uuid(), $1, 'wiring.githedgehog.com/v1beta1', 'VLANNamespace', 'default', 'ns-' || lpad(i::text, 5, '0'), 'upsert',
             'wiring.githedgehog.com/v1beta1', jsonb_build_object('ranges', jsonb_build_array(jsonb_build_object('from', 1000, 'to', 1000 + i))), 'bench', now(), now(), now()
        from generate_series(1, ${drafts}) as i`,
      [bench.fabricId],
    );
    const commitsBefore = (await gitLog(bench.remote, 'main')).length;
    const requestsBefore = bench.github?.requestCount() ?? 0;
    const byOperation = bench.github ? new Map(bench.github.requests) : null;
    const cpuBefore = processCpuMs();
    const pushed = await bench.run('push', { message: `add ${drafts} VLAN namespaces` });
    const cpuMs = processCpuMs() - cpuBefore;
    const commits = (await gitLog(bench.remote, 'main')).length - commitsBefore;
    const [left] = await queryDatabase<{ n: number }>(
      bench.t.database.url,
      'select count(*)::int as n from resource where fabric_id = $1 and draft_action is not null',
      [bench.fabricId],
    );
    console.log(
      `${adapter} adapter (${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded PostgreSQL'}): push of ${drafts} drafts: ${pushed.ms.toFixed(0)} ms (CPU ${cpuMs} ms), ${commits} commit(s), drafts left ${left!.n}`,
    );
    if (bench.github) {
      const detail = [...bench.github.requests]
        .map(([name, count]) => [name, count - (byOperation!.get(name) ?? 0)] as const)
        .filter(([, count]) => count > 0);
      console.log(
        `  GitHub requests: ${bench.github.requestCount() - requestsBefore} (goal <= 5): ${detail.map(([name, count]) => `${name} ${count}`).join(', ')}`,
      );
    }
    // Pushing again: nothing to do, no commit.
    const again = await bench.run('push');
    console.log(
      `  push again: ${again.ms.toFixed(0)} ms, ${(await gitLog(bench.remote, 'main')).length - commitsBefore - commits} new commit(s)`,
    );
  } finally {
    await bench.stop();
  }
}
await removeScratchDirs();
