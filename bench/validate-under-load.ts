/**
 * /healthz while viewers validate huge YAML (issue 11, item 7). Prints figures; not a test.
 * Starts the real gateway in its own process on a fresh PostgreSQL test database, then measures
 * /healthz latency (sequential requests from this process):
 *   - idle;
 *   - while `--clients` requests each validate `--documents` tiny documents at once (the most
 *     MAX_YAML_DOCUMENTS allows by default), run on the validation worker threads;
 *   - while the same clients send 100,000 documents each (refused before parsing).
 * Goal: /healthz p99 under 100 ms while 4 such requests run.
 *
 * Run: npx tsx bench/validate-under-load.ts [--clients 4] [--documents 50000]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../test/support/database.ts';
import { startGatewayProcess } from '../test/support/gateway-process.ts';
import { percentile } from './stats.ts';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '4' }, documents: { type: 'string', default: '50000' } },
});
const clients = Number(values.clients);
const documents = Number(values.documents);

const database = await createTestDatabase();
const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-validate-'));
const gateway = await startGatewayProcess({
  DATABASE_URL: database.url,
  DATA_DIR: dataDir,
  GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
  HEAD_CHECK: 'false',
  LOG_LEVEL: 'info',
  NODE_ENV: 'development',
});
const token = gateway.lines.map((line) => /^\s+(hgw_\S+)\s*$/.exec(line)?.[1]).find(Boolean);
if (!token) throw new Error('no admin token printed');

async function healthzWhile(work: Promise<unknown> | null, minimumSamples: number): Promise<number[]> {
  const samples: number[] = [];
  let done = work === null;
  void work?.finally(() => {
    done = true;
  });
  while (!done || samples.length < minimumSamples) {
    const started = performance.now();
    const response = await fetch(`${gateway.url}/healthz`);
    await response.text();
    samples.push(performance.now() - started);
    if (work === null && samples.length >= minimumSamples) break;
  }
  return samples;
}

async function validate(yaml: string): Promise<{ ms: number; code: string }> {
  const started = performance.now();
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'query($y: String!) { validateManifests(yaml: $y) { valid errorCount } }',
      variables: { y: yaml },
    }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { ms: performance.now() - started, code: body.errors?.[0]?.extensions?.code ?? 'OK' };
}

const tiny = (count: number) => Array.from({ length: count }, (_, index) => `a: ${index}\n`).join('---\n');
const describe = (label: string, samples: number[]) =>
  console.log(
    `${label.padEnd(44)} n=${String(samples.length).padStart(5)}  p50 ${percentile(samples, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(samples, 99).toFixed(1).padStart(7)} ms  max ${Math.max(
      ...samples,
    )
      .toFixed(1)
      .padStart(7)} ms`,
  );

try {
  await healthzWhile(null, 200); // warm-up
  describe('/healthz idle', await healthzWhile(null, 500));
  const allowed = tiny(documents);
  await validate(tiny(2_000)); // starts a worker thread
  const runs = Array.from({ length: clients }, () => validate(allowed));
  describe(`/healthz, ${clients} x validateManifests(${documents} docs)`, await healthzWhile(Promise.all(runs), 50));
  for (const run of await Promise.all(runs))
    console.log(`  validateManifests(${documents} docs): ${run.ms.toFixed(0)} ms, ${run.code}`);
  const refused = Array.from({ length: clients }, () => validate(tiny(100_000)));
  describe(`/healthz, ${clients} x validateManifests(100000 docs)`, await healthzWhile(Promise.all(refused), 50));
  for (const run of await Promise.all(refused))
    console.log(`  validateManifests(100000 docs): ${run.ms.toFixed(0)} ms, ${run.code}`);
} finally {
  gateway.child.kill('SIGTERM');
  await gateway.exited;
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}
