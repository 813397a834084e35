/**
 * gateway_process_open_fds without listing /proc/self/fd on every scrape (prom-client's default
 * lists it: one entry per descriptor, 5,000 and more with that many subscribers).
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayMetrics, openFileDescriptors } from '../../src/metrics/metrics.ts';

const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) fs.closeSync(fd);
  vi.restoreAllMocks();
});

const openFds = async (metrics: GatewayMetrics) =>
  Number(/^gateway_process_open_fds (\d+)$/m.exec(await metrics.scrape())?.[1]);

describe.runIf(process.platform === 'linux')('gateway_process_open_fds', () => {
  it('counts the open descriptors as the listing does, and follows them as they open and close', async () => {
    const metrics = new GatewayMetrics();
    // The listing has its own descriptor open while it reads: one less is the count.
    expect(openFileDescriptors()).toBe(fs.readdirSync('/proc/self/fd').length - 1);
    const before = await openFds(metrics);
    for (let index = 0; index < 300; index += 1) opened.push(fs.openSync('/dev/null', 'r'));
    expect((await openFds(metrics)) - before).toBe(300);
    for (const fd of opened.splice(0)) fs.closeSync(fd);
    expect(await openFds(metrics)).toBe(before);
  });

  it('does not list /proc/self/fd when scraped', async () => {
    const metrics = new GatewayMetrics();
    const readdir = vi.spyOn(fs, 'readdirSync');
    for (let scrape = 0; scrape < 3; scrape += 1) await metrics.scrape();
    expect(readdir.mock.calls.filter(([directory]) => String(directory).startsWith('/proc/self/fd'))).toEqual([]);
    // Still one metric of that name, with its help.
    expect((await metrics.scrape()).match(/^# HELP gateway_process_open_fds .+$/gm)).toHaveLength(1);
  });
});
