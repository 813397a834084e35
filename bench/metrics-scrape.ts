/**
 * CPU time of one /metrics scrape with many sockets open (prints numbers; not a test): N loopback
 * TCP connections held in this process (2N descriptors, 2N handles), then `--scrapes` scrapes of
 * the gateway's registry (GatewayMetrics, sources empty) beside prom-client's own default
 * metrics in a bare registry, in the same run.
 *
 *   node bench/metrics-scrape.ts [--sockets 5000] [--scrapes 50]
 */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { GatewayMetrics } from '../src/metrics/metrics.ts';
import { loadAverage } from './support.ts';

const { values } = parseArgs({
  options: { sockets: { type: 'string', default: '5000' }, scrapes: { type: 'string', default: '50' } },
});
const SOCKETS = Number(values.sockets);
const SCRAPES = Number(values.scrapes);

const accepted: net.Socket[] = [];
const server = net.createServer((socket) => accepted.push(socket));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
const clients: net.Socket[] = [];
for (let start = 0; start < SOCKETS; start += 200) {
  const batch = Array.from({ length: Math.min(200, SOCKETS - start) }, () => net.connect(port, '127.0.0.1'));
  await Promise.all(batch.map((socket) => once(socket, 'connect')));
  clients.push(...batch);
}
while (accepted.length < SOCKETS) await new Promise((resolve) => setImmediate(resolve));

/** CPU milliseconds (user + system) per scrape of `scrape`, over SCRAPES scrapes after 3 unmeasured. */
async function perScrape(scrape: () => Promise<string>): Promise<number> {
  for (let warm = 0; warm < 3; warm += 1) await scrape();
  const before = process.cpuUsage();
  for (let index = 0; index < SCRAPES; index += 1) await scrape();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / SCRAPES;
}

const bare = new Registry();
collectDefaultMetrics({ register: bare, prefix: 'gateway_' });
const gateway = new GatewayMetrics();
const defaults = await perScrape(() => bare.metrics());
const ours = await perScrape(() => gateway.scrape());
console.log(
  `${SOCKETS} connections (${SOCKETS * 2} descriptors); CPU per scrape: prom-client defaults ${defaults.toFixed(2)} ms, gateway registry ${ours.toFixed(2)} ms (x${(ours / defaults).toFixed(2)}); load average ${loadAverage()}`,
);
for (const socket of [...clients, ...accepted]) socket.destroy();
server.close();
