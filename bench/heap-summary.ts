/**
 * What grew between two V8 heap snapshots (as bench/fanout.ts --snapshots writes them): the
 * count and self size of each kind of object (constructor name for objects and closures' names
 * for closures, the node type for the rest), ordered by the growth in bytes. With a divisor
 * (e.g. the number of subscribers that connected in between) it prints the growth per unit too.
 *
 *   node bench/heap-summary.ts before.heapsnapshot after.heapsnapshot [divisor] [top=30]
 */
import { readFile } from 'node:fs/promises';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Per kind of object: how many there are and their self size in bytes. */
async function tally(file: string): Promise<Map<string, { count: number; bytes: number }>> {
  const heap = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const kinds = new Map<string, { count: number; bytes: number }>();
  for (let offset = 0; offset < heap.nodes.length; offset += stride) {
    const type = types[heap.nodes[offset + typeAt]!]!;
    const name = heap.strings[heap.nodes[offset + nameAt]!]!;
    const key =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${type} ${name.slice(0, 60)}`
        : type === 'string' || type === 'concatenated string' || type === 'sliced string'
          ? 'strings'
          : `(${type})${type === 'hidden' || type === 'code' || type === 'array' ? ` ${name.slice(0, 40)}` : ''}`;
    const kind = kinds.get(key) ?? { count: 0, bytes: 0 };
    kind.count += 1;
    kind.bytes += heap.nodes[offset + sizeAt]!;
    kinds.set(key, kind);
  }
  return kinds;
}

const [beforeFile, afterFile, divisorText, topText] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error('usage: heap-summary.ts <before> <after> [divisor] [top]');
const divisor = Number(divisorText ?? 1);
const before = await tally(beforeFile);
const after = await tally(afterFile);
const rows = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
  const a = before.get(key) ?? { count: 0, bytes: 0 };
  const b = after.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: b.count - a.count, bytes: b.bytes - a.bytes };
});
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(
  `total self size grew ${(total / 1024).toFixed(1)} kB${divisor !== 1 ? ` (${(total / divisor).toFixed(0)} B per unit)` : ''}`,
);
for (const row of rows.slice(0, Number(topText ?? 30)))
  console.log(
    `${String(row.bytes).padStart(10)} B ${String(row.count).padStart(8)} objects${divisor !== 1 ? ` ${(row.bytes / divisor).toFixed(0).padStart(6)} B/unit ${(row.count / divisor).toFixed(2).padStart(6)}/unit` : ''}  ${row.key}`,
  );
