/**
 * Impact benchmark (prints figures; not a test). Generates a ~10,000-object hydrated fabric and a
 * ~1,000-object one, builds the impact index of each once, then times, as medians over many runs
 * after a warm-up, `computeImpact` for changes of 10 objects of one kind (attachments moved,
 * VPCs, connections, switches) and for one IPv4Namespace (a kind every switch holds).
 * Goal (issue 17): the index is built once per desired state; then a change costs its own size
 * (and the size of its answer), not the fabric's: the same change should take about the same time
 * on both fabrics (the ratio printed last).
 *
 * Run: npx tsx bench/impact.ts [--runs 200]
 */
import { parseArgs } from 'node:util';
import type { HedgehogObject } from '../src/hedgehog/canonical.ts';
import { generateFabric } from '../src/hedgehog/generate-fabric.ts';
import { buildImpactIndex, computeImpact, type ImpactIndex, type ObjectChange } from '../src/hedgehog/impact.ts';
import { median } from './stats.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const runs = Math.max(1, Number(values.runs));

function measure(run: () => unknown): number {
  for (let index = 0; index < 5; index++) run(); // warm-up: JIT and caches
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const edited = (object: HedgehogObject, patch: Record<string, unknown>): HedgehogObject => ({
  ...object,
  spec: { ...(object.spec as object), ...patch },
});

/** Ten-object changes of several kinds, taken from the middle of the fabric. */
function changesOf(objects: HedgehogObject[]): Record<string, ObjectChange[]> {
  const of = (kind: string) => {
    const all = objects.filter((object) => object.kind === kind);
    const start = Math.floor(all.length / 2);
    return all.slice(start, start + 10);
  };
  const connections = objects.filter(
    (object) => object.kind === 'Connection' && 'unbundled' in (object.spec as object),
  );
  return {
    '10 VPCAttachments moved': of('VPCAttachment').map((object, index) => ({
      action: 'update',
      before: object,
      after: edited(object, { connection: connections[index]!.metadata.name }),
    })),
    '10 VPCs edited': of('VPC').map((object) => ({
      action: 'update',
      before: object,
      after: edited(object, { defaultIsolated: true }),
    })),
    '10 Connections deleted': of('Connection').map((object) => ({ action: 'delete', before: object })),
    '10 Switches edited (spec)': of('Switch').map((object) => ({
      action: 'update',
      before: object,
      after: edited(object, { description: 'changed' }),
    })),
    '1 IPv4Namespace (all switches)': of('IPv4Namespace')
      .slice(0, 1)
      .map((object) => ({ action: 'update', before: object, after: object })),
  };
}

interface Figures {
  objects: number;
  switches: number;
  indexMs: number;
  changes: Record<string, { ms: number; affected: number; reasons: number }>;
}

function run(label: string, objects: HedgehogObject[]): Figures {
  let index: ImpactIndex = buildImpactIndex(objects);
  const indexMs = measure(() => {
    index = buildImpactIndex(objects);
  });
  const changes: Figures['changes'] = {};
  for (const [name, change] of Object.entries(changesOf(objects))) {
    const result = computeImpact(index, change);
    const ms = measure(() => computeImpact(index, change));
    changes[name] = {
      ms,
      affected: result.switches.length,
      reasons: result.switches.reduce((sum, item) => sum + item.reasons.length, 0),
    };
  }
  const switches = objects.filter((object) => object.kind === 'Switch').length;
  console.log(`${label}: ${objects.length} objects, ${switches} switches`);
  console.log(`  buildImpactIndex (once per desired state): ${indexMs.toFixed(1)} ms`);
  for (const [name, figure] of Object.entries(changes))
    console.log(
      `  computeImpact, ${name.padEnd(31)} ${figure.ms.toFixed(3)} ms  (${figure.affected} switches, ${figure.reasons} reasons)`,
    );
  return { objects: objects.length, switches, indexMs, changes };
}

console.log(`median of ${runs} runs (after 5 warm-ups), node ${process.version}`);
const large = run(
  'large',
  generateFabric({ spines: 4, leaves: 64, serversPerLeafPair: 56, vpcs: 400, attachmentsPerConnection: 3 }),
);
const small = run('small', generateFabric({ spines: 2, leaves: 8, serversPerLeafPair: 40, vpcs: 40 }));
console.log(`cost ratio large/small fabric (${(large.objects / small.objects).toFixed(1)}x the objects):`);
for (const name of Object.keys(large.changes)) {
  const ratio = large.changes[name]!.ms / small.changes[name]!.ms;
  console.log(`  ${name.padEnd(31)} ${ratio.toFixed(2)}x`);
}
