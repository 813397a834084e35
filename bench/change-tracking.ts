/**
 * Change tracking figures (prints numbers; not a test): a fabric of 10,000 objects on the test
 * Kubernetes API server, watched by a gateway in this process; each run records a change of 10
 * VPCs (its switches from impact.ts), applies them on the server, bumps the affected switches'
 * Agents and has each agent apply, one after the other. Printed per run:
 *
 *   - latency: the last agent's status update written on the server → the CONVERGED event on
 *     the gateway's event bus (watch stream, Agent cache, one tracker evaluation, its write);
 *   - CPU: this process's user + system time over that span (p50, p99): what the load on the
 *     machine does not change as much as the wall time;
 *   - statements: SQL statements the ORM sent from that update until the tracker was idle again
 *     (the evaluation that converges the change), and per evaluation over the agents' phase.
 *
 * The API server and the gateway share this process (CPU covers both; not PostgreSQL).
 *
 *   [TEST_DATABASE_URL=postgresql://…] npx tsx bench/change-tracking.ts [--objects 10000] [--runs 20] [--changed 10]
 */
import { parseArgs } from 'node:util';
import type { ChangeSwitch } from '../src/changes/change.entity.ts';
import { KIND_CATALOG } from '../src/hedgehog/catalog.ts';
import type { HedgehogObject } from '../src/hedgehog/canonical.ts';
import { generateFabric } from '../src/hedgehog/generate-fabric.ts';
import { buildImpactIndex, computeImpact } from '../src/hedgehog/impact.ts';
import { connectFabric, until } from '../test/cluster/support-live.ts';
import { agentApplies, agentObject, bumpAgent, changeEvents, recordChange } from '../test/changes/tracker-support.ts';
import { KubeServer, type KubeObject } from '../test/support/kube-server/kube-server.ts';
import { startTestApp } from '../test/support/test-app.ts';
import { median, percentile, processCpuMs } from './stats.ts';
import { loadAverage } from './support.ts';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '20' },
    changed: { type: 'string', default: '10' },
  },
});
const total = Number(values.objects);
const runs = Number(values.runs);
const changedCount = Number(values.changed);
const TOKEN = 'bench-token';
const now = () => performance.now();

/** A generated fabric (the sizes bench/big-fabric.ts uses), cut to `count` objects: VPC attachments go first. */
function fabricOf(count: number): HedgehogObject[] {
  const generated = generateFabric(
    count <= 1000
      ? { spines: 2, leaves: 8, serversPerLeafPair: 40, vpcs: 40 }
      : { spines: 4, leaves: 64, serversPerLeafPair: 96, vpcs: 300 },
  );
  let excess = Math.max(0, generated.length - count);
  return generated.filter((o) => !(o.kind === 'VPCAttachment' && excess-- > 0));
}

const objects = fabricOf(total);
const kinds = new Set(objects.map((o) => o.kind));
const crds = KIND_CATALOG.filter((k) => kinds.has(k.kind) || k.kind === 'Agent').map((k) => ({
  group: k.group,
  version: k.version,
  kind: k.kind,
  plural: k.plural,
  namespaced: k.scope === 'Namespaced',
}));
const kube = await KubeServer.start({ crds, token: TOKEN });
for (const object of objects) kube.create(object as unknown as KubeObject);
const switchNames = objects.filter((o) => o.kind === 'Switch').map((o) => o.metadata.name);
for (const name of switchNames) kube.create(agentObject(name));

const t = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
const fabricId = (await connectFabric(t, kube, TOKEN)).id;
const syncStart = now();
const liveCount = async () =>
  Number(
    (
      await t.app.orm.em
        .fork()
        .execute<{ n: string }[]>(
          'select count(*) as n from resource where fabric_id = ? and live_resource_version is not null',
          [fabricId],
        )
    )[0]!.n,
  );
await until(t, fabricId, async () => (await liveCount()) === objects.length, 'initial sync', 300_000);
console.log(
  `fabric: ${objects.length} objects (${switchNames.length} switches with Agents), synced in ${Math.round(now() - syncStart)} ms`,
);
const tracker = t.app.dependencies.clusterWatchers!.changeTracker(fabricId)!;
const index = buildImpactIndex(objects);
const vpcs = objects.filter((o) => o.kind === 'VPC');

const latencies: number[] = [];
const cpuPerConverge: number[] = [];
const finalStatements: number[] = [];
const perEvaluation: number[] = [];
const switchCounts: number[] = [];
const cpuStart = processCpuMs();
for (let run = 0; run < runs; run++) {
  const chosen = Array.from({ length: changedCount }, (_, i) => vpcs[(run * changedCount + i) % vpcs.length]!);
  const changed = chosen.map((before, i) => {
    const after = structuredClone(before) as HedgehogObject & { spec: { subnets: Record<string, { vlan?: number }> } };
    const subnet = Object.values(after.spec.subnets)[0]!;
    subnet.vlan = 3000 + ((run * changedCount + i) % 900);
    return { before, after };
  });
  const impact = computeImpact(
    index,
    changed.map(({ before, after }) => ({ action: 'update' as const, before, after })),
  );
  const switches: ChangeSwitch[] = impact.switches.map((sw) => ({
    namespace: sw.namespace,
    name: sw.name,
    removed: sw.removed,
    immediate: sw.reasons.some((r) => r.immediate),
    relations: [...new Set(sw.reasons.map((r) => r.relation))],
    generationAtCommit: null,
    convergedGeneration: null,
    convergedAt: null,
  }));
  const affected = switches.filter((sw) => !sw.removed).map((sw) => sw.name);
  switchCounts.push(affected.length);
  const events = changeEvents(t.app, fabricId);
  const id = await recordChange(t.app, fabricId, {
    objects: changed.map(({ before, after }) => ({
      kind: 'VPC',
      name: after.metadata.name,
      action: 'update' as const,
      committed: after as unknown as KubeObject,
      previous: before as unknown as KubeObject,
    })),
    switches,
  });
  await events.next((e) => e.changeId === id && e.previousStage === null, 'recorded');
  await tracker.idle();
  for (const { after } of changed) kube.update(after as unknown as KubeObject);
  for (const name of affected) bumpAgent(kube, name);
  await events.next((e) => e.changeId === id && e.stage === 'APPLIED', 'APPLIED', 60_000);
  await tracker.idle();
  const phaseStart = t.sql.length;
  for (const [i, name] of affected.slice(0, -1).entries()) {
    agentApplies(kube, name);
    const left = affected.length - 1 - i;
    await events.next((e) => e.changeId === id && e.switchesBehindCount === left, `${left} behind`, 60_000);
  }
  await tracker.idle();
  const from = t.sql.length;
  const start = now();
  const cpu = process.cpuUsage();
  agentApplies(kube, affected.at(-1)!);
  await events.next((e) => e.changeId === id && e.stage === 'CONVERGED', 'CONVERGED', 60_000);
  latencies.push(now() - start);
  const used = process.cpuUsage(cpu);
  cpuPerConverge.push((used.user + used.system) / 1000);
  await tracker.idle();
  finalStatements.push(t.sql.length - from);
  perEvaluation.push((t.sql.length - phaseStart) / affected.length);
  events.close();
}
const cpuMs = processCpuMs() - cpuStart;

const ms = (value: number) => `${value.toFixed(1)} ms`;
console.log(
  `runs: ${runs}, a change of ${changedCount} VPCs each, affecting ${median(switchCounts)} switches (median)`,
);
console.log(
  `last agent update -> CONVERGED event: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}`,
);
console.log(
  `CPU of this process over that span (server write, watch stream, tracker, event): p50 ${ms(percentile(cpuPerConverge, 50))}, p99 ${ms(percentile(cpuPerConverge, 99))}`,
);
console.log(
  `statements, converging evaluation: median ${median(finalStatements)}, max ${Math.max(...finalStatements)}; per agent update over the phase: median ${median(perEvaluation).toFixed(1)}`,
);
console.log(`CPU of this process over the runs: ${cpuMs} ms (${(cpuMs / runs).toFixed(0)} ms per run, all steps)`);
console.log(`load average: ${loadAverage()}`);
await t.stop();
await kube.close();
process.exit(0);
