/**
 * Cluster watch figures (prints numbers; not a test).
 *
 *   1. Initial sync: 10,000 live objects (VPCs, VPC attachments, connections, switches) listed in
 *      pages and the watches started, through the Kubernetes adapter against the test API server.
 *   2. Sustained stream: 500 watch events per second for ~10 s (spec changes, some reverting),
 *      drift recomputed against the "Git" version on every event.
 *
 * The test API server runs in a child process, so the CPU figures are the gateway side's alone
 * (adapter + JSON parsing + drift). Latency is from the server writing the event to `onEvent`,
 * both sides reading the same wall clock (performance.timeOrigin + performance.now()).
 *
 *   node bench/cluster-watch.ts [--objects 10000] [--rate 500] [--seconds 10]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { kindKey, objectKey, type ClusterObject, type WatchedKind } from '../src/cluster/cluster-client.ts';
import { computeDrift, summarizeDrift, type DriftStatus, type KubeLikeObject } from '../src/cluster/drift.ts';
import { createKubernetesClusterClient } from '../src/cluster/kubernetes/kubernetes-cluster-client.ts';
import { HEDGEHOG_CRDS } from '../test/support/kube-server/hedgehog.ts';
import { KubeServer, type KubeObject } from '../test/support/kube-server/kube-server.ts';
import { percentile } from './stats.ts';

const TOKEN = 'bench-token';
const EMITTED_AT = 'bench.hedgehog.local/emitted-at';
const KINDS = [HEDGEHOG_CRDS.VPC, HEDGEHOG_CRDS.VPCAttachment, HEDGEHOG_CRDS.Connection, HEDGEHOG_CRDS.Switch] as const;
const SHARE = [0.4, 0.4, 0.15, 0.05]; // of the objects, per kind above

const now = () => performance.timeOrigin + performance.now();

/** The same deterministic objects on both sides: the server's seed and the gateway's "Git". */
function generate(total: number): KubeObject[] {
  const objects: KubeObject[] = [];
  KINDS.forEach((kind, k) => {
    const count = Math.round(total * SHARE[k]!);
    for (let i = 0; i < count; i++) objects.push(makeObject(kind, i, 0));
  });
  return objects.slice(0, total);
}

function makeObject(kind: (typeof KINDS)[number], index: number, revision: number): KubeObject {
  const name = `${kind.plural.slice(0, 4)}-${String(index).padStart(5, '0')}`;
  const metadata = {
    name,
    namespace: 'default',
    labels: { 'fabric.githedgehog.com/bench': 'yes', team: `t${index % 7}` },
  };
  const apiVersion = `${kind.group}/${kind.version}`;
  switch (kind.kind) {
    case 'VPC':
      return {
        apiVersion,
        kind: kind.kind,
        metadata,
        spec: {
          ipv4Namespace: 'default',
          vlanNamespace: 'default',
          subnets: {
            'subnet-1': {
              subnet: `10.${index >> 8}.${index & 255}.0/24`,
              gateway: `10.${index >> 8}.${index & 255}.1`,
              vlan: 1000 + ((index + revision) % 2000),
              dhcp: { enable: revision % 2 === 1 },
            },
          },
        },
      };
    case 'VPCAttachment':
      return {
        apiVersion,
        kind: kind.kind,
        metadata,
        spec: {
          subnet: `vpc-${String(index).padStart(5, '0')}/subnet-1`,
          connection: `server-${index}--unbundled--leaf-${index % 32}`,
          nativeVLAN: revision % 2 === 1,
        },
      };
    case 'Connection':
      return {
        apiVersion,
        kind: kind.kind,
        metadata,
        spec: {
          unbundled: {
            link: {
              server: { port: `server-${index}/enp2s1` },
              switch: { port: `leaf-${index % 32}/E1/${(index % 48) + 1}` },
            },
            mtu: 9000 + (revision % 2),
          },
        },
      };
    default:
      return {
        apiVersion,
        kind: kind.kind,
        metadata,
        spec: { role: 'server-leaf', profile: 'vs', asn: 65101 + index, description: `rev ${revision}` },
      };
  }
}

// ---- child process: the API server -------------------------------------------------------------

type ToServer = { cmd: 'stream'; rate: number; seconds: number };
type FromServer = { ready: string } | { streamed: number };

async function runServer(objects: number): Promise<void> {
  const server = await KubeServer.start({ crds: Object.values(HEDGEHOG_CRDS), token: TOKEN });
  const seeded = generate(objects);
  for (const object of seeded) server.create(object);
  process.send!({ ready: server.url } satisfies FromServer);
  process.on('message', (message: ToServer) => {
    if (message.cmd !== 'stream') return;
    const total = message.rate * message.seconds;
    const start = performance.now();
    let sent = 0;
    // Catch up to the target count on each tick so the rate holds even when timers are late.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * message.rate));
      for (; sent < due; sent++) {
        const base = seeded[(sent * 7919) % seeded.length]!;
        const index = Number(base.metadata.name.slice(-5));
        const kind = KINDS.find((k) => k.kind === base.kind)!;
        const next = makeObject(kind, index, sent % 3 === 2 ? 0 : sent + 1); // every third change reverts
        next.metadata.annotations = { [EMITTED_AT]: String(now()) };
        server.update(next);
      }
      if (sent >= total) {
        clearInterval(timer);
        process.send!({ streamed: sent } satisfies FromServer);
      }
    }, 5);
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
}

// ---- parent: the gateway side ------------------------------------------------------------------

function normalize(object: KubeLikeObject): KubeLikeObject {
  const metadata = (object.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  const labels = Object.fromEntries(
    Object.entries(metadata.labels ?? {}).filter(([key]) => !key.startsWith('fabric.githedgehog.com/')),
  );
  const annotations = Object.fromEntries(
    Object.entries(metadata.annotations ?? {}).filter(([key]) => key !== EMITTED_AT),
  );
  return { ...object, metadata: { ...metadata, labels, annotations } };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      objects: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '10' },
      server: { type: 'boolean', default: false },
    },
  });
  const objectCount = Number(values.objects);
  if (values.server) return runServer(objectCount);

  const child: ChildProcess = fork(import.meta.filename, ['--server', '--objects', String(objectCount)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ ready: string }];
  const client = createKubernetesClusterClient({ server: ready.ready, token: TOKEN });

  const desired = new Map<string, KubeObject>(
    generate(objectCount).map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o]),
  );
  const drift = new Map<string, DriftStatus>();
  const latencies: number[] = [];
  let streaming = false;
  let streamedEvents = 0;
  let onStreamEvent: (() => void) | undefined;
  const synced = new Set<string>();
  let onSynced: (() => void) | undefined;

  const recompute = (_kind: WatchedKind, object: ClusterObject | undefined, key: string) => {
    const result = computeDrift({ desired: desired.get(key), live: object, clusterConnected: true, normalize });
    drift.set(key, result.status);
  };

  const cpuBeforeSync = process.cpuUsage();
  const syncStart = performance.now();
  const handle = client.watch(KINDS, {
    onEvent(event) {
      if (event.type === 'synced') {
        for (const object of event.objects) recompute(event.kind, object, `${event.kind.kind}/${objectKey(object)}`);
        synced.add(kindKey(event.kind));
        onSynced?.();
        return;
      }
      const key = `${event.kind.kind}/${objectKey(event.object)}`;
      recompute(event.kind, event.type === 'upsert' ? event.object : undefined, key);
      if (!streaming) return;
      const emittedAt = Number(event.object.metadata.annotations?.[EMITTED_AT]);
      if (Number.isFinite(emittedAt)) latencies.push(now() - emittedAt);
      streamedEvents++;
      onStreamEvent?.();
    },
  });
  await new Promise<void>((resolve) => {
    onSynced = () => synced.size === KINDS.length && resolve();
  });
  const syncMs = performance.now() - syncStart;
  const syncCpu = process.cpuUsage(cpuBeforeSync);

  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const expected = rate * seconds;
  streaming = true;
  const cpuBeforeStream = process.cpuUsage();
  const streamStart = performance.now();
  child.send({ cmd: 'stream', rate, seconds } satisfies ToServer);
  await new Promise<void>((resolve) => {
    onStreamEvent = () => streamedEvents >= expected && resolve();
  });
  const streamMs = performance.now() - streamStart;
  const streamCpu = process.cpuUsage(cpuBeforeStream);
  await handle.stop();
  child.disconnect();

  const sorted = [...latencies].sort((a, b) => a - b);
  const summary = summarizeDrift([...drift].map(([key, status]) => ({ kind: key.split('/')[0]!, status })));
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`cluster watch benchmark (node ${process.version}, ${objectCount} objects, ${KINDS.length} kinds)`);
  console.log(
    `initial sync: ${ms(syncMs)} wall, ${ms((syncCpu.user + syncCpu.system) / 1000)} CPU, ${Math.round(objectCount / (syncMs / 1000))} objects/s (list pages of 500 + watch start + drift per object)`,
  );
  console.log(
    `stream: ${streamedEvents} events in ${ms(streamMs)} (${Math.round(streamedEvents / (streamMs / 1000))}/s target ${rate}/s)`,
  );
  console.log(
    `CPU per event: ${((streamCpu.user + streamCpu.system) / streamedEvents).toFixed(0)} µs (user ${(streamCpu.user / streamedEvents).toFixed(0)} µs, system ${(streamCpu.system / streamedEvents).toFixed(0)} µs), including drift`,
  );
  console.log(
    `latency server write → onEvent: p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}`,
  );
  console.log(`drift after the stream: ${JSON.stringify(summary.byStatus)}`);
}

await main();
