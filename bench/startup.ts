/**
 * Start-up figures (prints numbers; not a test): milliseconds from spawning the gateway to the
 * first 200 from `/healthz`, and to its "gateway ready" log line, for a first start on an empty
 * DATA_DIR and for restarts on the same one.
 *
 *   node bench/startup.ts [--command "npm start"] [--database embedded|postgres] [--restarts 3]
 *
 * `--command` is what a user runs (default `npm start`; e.g. `node dist/src/main.js` for the
 * built server without npm, or `npx tsx src/main.ts` for the sources). With `--database postgres`
 * the gateway gets a fresh database on 127.0.0.1:5432 (dropped at the end). /healthz is asked
 * every 5 ms: the figure is the start-up itself, give or take that. CPU is the user + system time
 * of the gateway's whole process group up to that answer (npm and a build included; Linux /proc),
 * a figure that depends less on what else the machine is doing than the wall clock does.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { median } from './stats.ts';
import { adminQuery, freePort } from './support.ts';

const { values } = parseArgs({
  options: {
    command: { type: 'string', default: 'npm start' },
    database: { type: 'string', default: 'embedded' },
    restarts: { type: 'string', default: '3' },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..');

interface Start {
  healthzMs: number;
  readyLineMs: number;
  cpuMs: number;
}

/** User + system CPU of every process in a process group, with their waited-for children (Linux). */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // After "pid (name) ": state, ppid, pgrp, ..., utime (14th field), stime, cutime, cstime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** One start: spawned in its own process group (npm runs the gateway as a grandchild), stopped with SIGTERM. */
async function startOnce(env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('sh', ['-c', values.command], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const readyLine = new Promise<number>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.includes('gateway ready')) resolve(performance.now() - started);
    });
  });
  let healthzMs: number | null = null;
  let cpuMs = 0;
  let ended = false;
  void exited.then(() => (ended = true));
  while (healthzMs === null) {
    if (ended) throw new Error(`the gateway exited before /healthz answered:\n${output.join('\n')}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) {
      healthzMs = performance.now() - started;
      cpuMs = groupCpuMs(child.pid!);
    } else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const readyLineMs = await readyLine;
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  return { healthzMs, readyLineMs, cpuMs };
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-bench-startup-'));
// Run as root, the embedded server runs as `postgres`, which must be able to enter DATA_DIR.
await chmod(dataDir, 0o755);
const env: Record<string, string> = { DATA_DIR: dataDir, GATEWAY_SECRET_KEY: randomBytes(32).toString('hex') };
let database: string | null = null;
if (values.database === 'postgres') {
  database = `gateway_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database "${database}"`);
  env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${database}`;
}

try {
  console.log(`command: ${values.command}; database: ${values.database}; node ${process.versions.node}`);
  const first = await startOnce(env);
  console.log(
    `first start (empty DATA_DIR${database ? ', empty database' : ''}): /healthz ${Math.round(first.healthzMs)} ms (CPU ${first.cpuMs} ms), ready line ${Math.round(first.readyLineMs)} ms`,
  );
  const restarts: Start[] = [];
  for (let i = 0; i < Number(values.restarts); i++) restarts.push(await startOnce(env));
  const healthz = restarts.map((run) => Math.round(run.healthzMs));
  const ready = restarts.map((run) => Math.round(run.readyLineMs));
  const cpu = restarts.map((run) => run.cpuMs);
  console.log(
    `restart x${restarts.length}: /healthz median ${median(healthz)} ms (${healthz.join(', ')}), CPU median ${median(cpu)} ms (${cpu.join(', ')}), ready line median ${median(ready)} ms (${ready.join(', ')})`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
  if (database) await adminQuery(`drop database if exists "${database}" with (force)`);
}
