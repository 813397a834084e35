/**
 * The top self-time functions of a V8 CPU profile (.cpuprofile, as bench/read-path.ts PROFILE=dir
 * or `node --cpu-prof` write it), and the self time by package (node_modules/<name>, our src/,
 * node: internals, (garbage collector), (idle)...).
 *
 *   npx tsx bench/profile-summary.ts profile.cpuprofile [top=30]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topText] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
const idle = [...selfMicros].reduce((sum, [id, micros]) => (byIdName(id) === '(idle)' ? sum + micros : sum), 0);
function byIdName(id: number): string {
  return profile.nodes.find((node) => node.id === id)?.callFrame.functionName ?? '';
}
const busy = total - idle;

const where = (url: string) => {
  if (!url) return '';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return 'node:';
  const ours = /\/(src|bench|test)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
};
const pkg = (url: string) => {
  const place = where(url);
  if (place.startsWith('src/')) return 'src (ours)';
  return place || '(native/vm)';
};

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = byId.get(id)!;
  const frame = node.callFrame;
  const name = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const group = frame.url ? pkg(frame.url) : frame.functionName;
  byPackage.set(group, (byPackage.get(group) ?? 0) + micros);
}
// Shares of the time the process was busy (not waiting in its event loop).
const percent = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
console.log(
  `${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy; shares below are of the busy time`,
);
console.log('\nself time by package:');
for (const [name, micros] of [...byPackage]
  .filter(([name]) => name !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20))
  console.log(`${percent(micros)}  ${name}`);
console.log('\ntop self-time functions:');
for (const [name, micros] of [...byFunction]
  .filter(([name]) => !name.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topText ?? 30)))
  console.log(`${percent(micros)}  ${name}`);
