/**
 * The socket-write part of a fan-out alone (prints numbers; not a test): N WebSocket connections
 * to a `ws` server in this process, their client ends in a child process (which only reads), and
 * per round one result written to every socket, alternately
 *
 *   - as graphql-ws would (`ws.send` of the `next` message's text: a header and the text, corked),
 *   - with `resultWriter` (src/graphql/websocket.ts: the frame built once per event, ONE buffer
 *     per socket),
 *
 * the CPU time of this process (user and system: the write syscalls run on it) over the loop
 * that writes to all N, per socket. Alternating the two cancels drifts in the machine's load.
 * It runs the built gateway's modules (dist/, built first if stale, as `npm start` does).
 *
 *   node bench/ws-write.ts [--sockets 5000] [--rounds 40] [--payload 300]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
// @ts-expect-error: plain JavaScript, without types
import { build, buildState, DIST } from '../scripts/build.mjs';
import { percentile } from './stats.ts';
import { loadAverage } from './support.ts';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '40' },
    payload: { type: 'string', default: '300' },
    child: { type: 'string' },
  },
});

if (values.child) {
  // The client ends: connect, count messages, report when a round's messages have all come.
  const sockets: WebSocket[] = [];
  const url = values.child;
  const count = Number(values.sockets);
  let received = 0;
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, () => new WebSocket(url));
    await Promise.all(batch.map((socket) => once(socket, 'open')));
    for (const socket of batch)
      socket.on('message', () => {
        received += 1;
        if (received === count) {
          received = 0;
          process.send!('round');
        }
      });
    sockets.push(...batch);
  }
  process.send!('connected');
  process.on('disconnect', () => {
    for (const socket of sockets) socket.terminate();
  });
} else {
  if (['missing', 'stale'].includes(buildState())) build({ check: false });
  const { SharedResult } = (await import(
    path.join(DIST, 'src/graphql/shared-subscriptions.js')
  )) as typeof import('../src/graphql/shared-subscriptions.ts');
  const { resultWriter } = (await import(
    path.join(DIST, 'src/graphql/websocket.js')
  )) as typeof import('../src/graphql/websocket.ts');
  const SOCKETS = Number(values.sockets);
  const ROUNDS = Number(values.rounds);
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(server, 'listening');
  const accepted: WebSocket[] = [];
  server.on('connection', (socket) => accepted.push(socket));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = fork(import.meta.filename, ['--child', url, '--sockets', String(SOCKETS)]);
  const messages: string[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (message: string) => {
    messages.push(message);
    waiters.shift()?.();
  });
  const next = () => new Promise<void>((resolve) => waiters.push(resolve));
  await next();
  while (accepted.length < SOCKETS) await new Promise((resolve) => setImmediate(resolve));

  // graphql-ws ids are UUIDs; the payload is a fabric event of about --payload bytes.
  const ids = accepted.map(() => crypto.randomUUID());
  const writers = accepted.map((socket, index) => resultWriter(socket, ids[index]!));
  const result = (round: number) => ({
    data: {
      fabricEvents: { type: 'DRAFT_CHANGED', round, name: 'x'.repeat(Math.max(0, Number(values.payload) - 60)) },
    },
  });
  const perSocket: Record<'ws.send' | 'resultWriter', number[]> = { 'ws.send': [], resultWriter: [] };
  const systemPerSocket: Record<'ws.send' | 'resultWriter', number[]> = { 'ws.send': [], resultWriter: [] };
  for (let round = 0; round < ROUNDS * 2; round += 1) {
    const way = round % 2 === 0 ? 'ws.send' : 'resultWriter';
    const arrived = next();
    const before = process.cpuUsage();
    if (way === 'ws.send') {
      // What graphql-ws does per socket, with the result serialised once (as before this change).
      const json = JSON.stringify(result(round));
      for (let index = 0; index < SOCKETS; index += 1)
        accepted[index]!.send(`{"id":${JSON.stringify(ids[index])},"type":"next","payload":${json}}`);
    } else {
      const shared = new SharedResult(result(round));
      for (let index = 0; index < SOCKETS; index += 1) writers[index]!(shared);
    }
    const used = process.cpuUsage(before);
    await arrived;
    if (round >= 4) {
      perSocket[way].push(((used.user + used.system) / SOCKETS) * 1000);
      systemPerSocket[way].push((used.system / SOCKETS) * 1000);
    }
  }
  const line = (way: keyof typeof perSocket) =>
    `${way} p50 ${percentile(perSocket[way], 50).toFixed(0)} ns (system ${percentile(systemPerSocket[way], 50).toFixed(0)}), mean ${(perSocket[way].reduce((a, b) => a + b, 0) / perSocket[way].length).toFixed(0)} ns`;
  console.log(
    `${SOCKETS} sockets, ${ROUNDS} rounds each; CPU per socket write (user + system, this process): ${line('ws.send')}; ${line('resultWriter')}; ratio of p50 x${(percentile(perSocket.resultWriter, 50) / percentile(perSocket['ws.send'], 50)).toFixed(2)}; load average ${loadAverage()}`,
  );
  child.disconnect();
  child.kill();
  for (const socket of accepted) socket.terminate();
  server.close();
}
