import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DEFAULT_RELEASE_POLICY, limitHeapGrowth, shouldReleaseMemory } from '../../src/memory.ts';

const MiB = 2 ** 20;
const MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../../src/memory.ts')).href;

/** What the scripts print (bytes; `exposed` 1 when `gc` is on the global object); each prints some. */
interface Figures {
  before: number;
  after: number;
  collected: number;
  exposed: number;
}

/**
 * Runs an ES module in a Node process of its own (the resident set is the process's: vitest's
 * workers would share it) after it grew a heap of about 300 MiB and dropped it; returns what the
 * script printed last, parsed.
 */
function runAfterPeak(body: string, options: { before?: string; nodeOptions?: string[] } = {}): Promise<Figures> {
  const script = `
    import { releaseMemory, startMemoryReleaser } from ${JSON.stringify(MODULE)};
    const rss = () => process.memoryUsage.rss();
    const print = (figures) => console.log(JSON.stringify(figures));
    ${options.before ?? ''}
    const live = Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'kept ' + i }));
    let peak = [];
    for (let i = 0; i < 2_000_000; i += 1) peak.push({ i, text: 'peak ' + i, list: [i] });
    peak = null;
    ${body}
    globalThis.keep = live;
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code !== 0 || !last) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve(JSON.parse(last) as Figures);
    });
  });
}

describe('shouldReleaseMemory', () => {
  const policy = { quietUtilization: 0.05, minGrowthBytes: 48 * MiB };
  it.each([
    { case: 'quiet, grown by 200 MiB', rss: 350, utilization: 0.01, release: true },
    { case: 'quiet, grown by exactly the bound', rss: 198, utilization: 0.05, release: true },
    { case: 'busy (event loop 30% used)', rss: 350, utilization: 0.3, release: false },
    { case: 'just above quiet', rss: 350, utilization: 0.051, release: false },
    { case: 'quiet, grown less than the bound', rss: 197, utilization: 0, release: false },
    { case: 'quiet, smaller than the baseline', rss: 100, utilization: 0, release: false },
  ])('$case: $release', ({ rss, utilization, release }) => {
    expect(shouldReleaseMemory({ rss: rss * MiB, utilization }, 150 * MiB, policy)).toBe(release);
  });

  it('the default policy is the documented one', () => {
    expect(DEFAULT_RELEASE_POLICY).toEqual({ quietUtilization: 0.05, minGrowthBytes: 48 * MiB });
  });
});

describe('releaseMemory', () => {
  it('hands back the pages a full collection keeps after a peak', async () => {
    const figures = await runAfterPeak(
      `globalThis.gc(); const collected = rss(); const { before, after } = releaseMemory();
       print({ collected, before, after, exposed: typeof globalThis.gc === 'function' ? 1 : 0 });`,
      { nodeOptions: ['--expose-gc'] },
    );
    // A plain full collection leaves the peak's pages resident (V8 pools them) ...
    expect(figures.collected).toBeGreaterThan(250 * MiB);
    // ... the release returns at least 150 MiB of them.
    expect(figures.after).toBeLessThan(figures.collected - 150 * MiB);
    expect(figures.before).toBeGreaterThanOrEqual(figures.after);
  });

  it('works without --expose-gc and leaves no gc() on the global object', async () => {
    const figures = await runAfterPeak(
      `const { before, after } = releaseMemory(); print({ before, after, exposed: typeof globalThis.gc === 'function' ? 1 : 0 });`,
    );
    expect(figures.after).toBeLessThan(figures.before - 150 * MiB);
    expect(figures.exposed).toBe(0);
  });
});

describe('startMemoryReleaser', () => {
  it('releases once the process is quiet after a peak, and reports it', async () => {
    // Started before the peak (as the gateway starts it): its baseline is the small process.
    const figures = await runAfterPeak('', {
      // The releaser's timer does not keep the process alive: this one does, until the release.
      before: `const alive = setInterval(() => {}, 1_000);
        const releaser = startMemoryReleaser({
          intervalMs: 100,
          onRelease: (result) => { releaser.stop(); clearInterval(alive); print(result); },
        });`,
    });
    expect(figures.after).toBeLessThan(figures.before - 150 * MiB);
  });
});

/**
 * In a process of its own: about 100 MiB live, then medium-lived garbage (arrays that survive
 * scavenges, reach the old generation and die there) allocated steadily, as a server under load
 * does; returns the heap in use after a full collection (what survives: the 100 MiB and the last
 * arrays) and the largest old space seen meanwhile (MiB).
 */
function oldSpacePeak(percent: number | null): Promise<{ live: number; peak: number }> {
  const script = `
    import v8 from 'node:v8';
    import { limitHeapGrowth } from ${JSON.stringify(MODULE)};
    ${percent === null ? '' : `limitHeapGrowth(${percent});`}
    const old = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_size;
    const live = Array.from({ length: 1_000_000 }, (_, i) => ({ i, text: 'kept ' + i }));
    const ring = [];
    let peak = 0;
    for (let round = 0; round < 250; round += 1) {
      ring.push(Array.from({ length: 20_000 }, (_, i) => ({ round, i, text: 'medium ' + i })));
      if (ring.length > 10) ring.shift();
      peak = Math.max(peak, old());
    }
    globalThis.gc();
    globalThis.keep = [live, ring];
    console.log(JSON.stringify({ live: v8.getHeapStatistics().used_heap_size / 2 ** 20, peak: peak / 2 ** 20 }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code !== 0 || !last) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve(JSON.parse(last) as { live: number; peak: number });
    });
  });
}

describe('limitHeapGrowth', () => {
  it('keeps the old generation within the percent of what survives, plus a collection in progress', {
    timeout: 120_000,
  }, async () => {
    // V8's own factor let it reach 290-309 MiB here (2.9 times the 100 MiB live). With 25 %, the
    // old space reached 176-180 MiB on a quiet machine at the end of stop 23: the 25 % over what
    // survives and 52-55 MiB allocated while a concurrent collection was finishing. The 50 MiB
    // allowed for that before failed about one run in two; 70 leaves 15 MiB of room and still
    // fails V8's own factor by over 90 MiB.
    const { live, peak } = await oldSpacePeak(25);
    expect(live).toBeGreaterThan(90);
    expect(peak).toBeLessThan(live * 1.25 + 70);
  });

  it('refuses what is not a whole percent', () => {
    expect(() => limitHeapGrowth(-1)).toThrow(RangeError);
    expect(() => limitHeapGrowth(12.5)).toThrow(RangeError);
  });

  it('is the HEAP_GROWTH_PERCENT setting, 50 unless set, 0 for V8 own factor', () => {
    expect(loadConfig({}).heapGrowthPercent).toBe(50);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(() => loadConfig({ HEAP_GROWTH_PERCENT: '-5' })).toThrow(/HEAP_GROWTH_PERCENT/);
    expect(() => loadConfig({ HEAP_GROWTH_PERCENT: 'lots' })).toThrow(/HEAP_GROWTH_PERCENT/);
  });
});
