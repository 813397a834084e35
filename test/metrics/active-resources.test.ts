/**
 * gateway_nodejs_active_handles and gateway_nodejs_active_resources (each by type and as a
 * `_total`) from one `process.getActiveResourcesInfo()` a scrape: prom-client's defaults ask Node
 * for every handle's object twice a scrape, one object per open socket.
 */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayMetrics } from '../../src/metrics/metrics.ts';

const SOCKETS = 200;

const sockets: net.Socket[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  vi.restoreAllMocks();
});

/** SOCKETS loopback connections held in this process: 2 × SOCKETS TCP handles and a server. */
async function openConnections(): Promise<void> {
  const server = net.createServer((socket) => sockets.push(socket));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const clients = Array.from({ length: SOCKETS }, () => net.connect(port, '127.0.0.1'));
  await Promise.all(clients.map((socket) => once(socket, 'connect')));
  sockets.push(...clients);
  while (sockets.length < 2 * SOCKETS) await new Promise((resolve) => setImmediate(resolve));
}

const sample = (text: string, name: string, labels = '') =>
  Number(new RegExp(`^${name}${labels.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1]);

describe('active handles and resources', () => {
  it('counts what Node lists, by type, with the open sockets among them', async () => {
    await openConnections();
    const metrics = new GatewayMetrics();
    const text = await metrics.scrape();
    // Taken in the same turn as the scrape's reading (nothing opens or closes in between).
    const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    const resources = process.getActiveResourcesInfo().length;
    expect(sample(text, 'gateway_nodejs_active_handles_total')).toBe(handles);
    expect(sample(text, 'gateway_nodejs_active_resources_total')).toBe(resources);
    expect(sample(text, 'gateway_nodejs_active_handles', '{type="TCPSocketWrap"}')).toBeGreaterThanOrEqual(2 * SOCKETS);
    expect(sample(text, 'gateway_nodejs_active_resources', '{type="TCPSocketWrap"}')).toBeGreaterThanOrEqual(
      2 * SOCKETS,
    );
    const byType = [...text.matchAll(/^gateway_nodejs_active_handles\{type="[^"]+"\} (\d+)$/gm)];
    expect(byType.reduce((sum, [, count]) => sum + Number(count), 0)).toBe(handles);
    // One metric of each name, with prom-client's help.
    for (const name of ['handles', 'handles_total', 'resources', 'resources_total'])
      expect(text.match(new RegExp(`^# HELP gateway_nodejs_active_${name} .+$`, 'gm'))).toHaveLength(1);
    // Sockets closed: the next scrape reads again.
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const after = await metrics.scrape();
    expect(sample(after, 'gateway_nodejs_active_handles_total')).toBeLessThan(handles - SOCKETS);
  });

  it("asks Node for the resources' names once a scrape, and never for the handles' objects", async () => {
    await openConnections();
    const metrics = new GatewayMetrics();
    const objects = vi.spyOn(process as unknown as { _getActiveHandles(): unknown[] }, '_getActiveHandles');
    const names = vi.spyOn(process, 'getActiveResourcesInfo');
    for (let scrape = 0; scrape < 3; scrape += 1) await metrics.scrape();
    expect(objects).not.toHaveBeenCalled();
    expect(names).toHaveBeenCalledTimes(3);
  });
});
