/**
 * One client process of bench/fanout.ts (started with `fork`, driven over IPC): it holds its
 * share of the raw graphql-transport-ws subscribers, so that parsing thousands of messages per
 * round runs on other processes than the bench's clock and the figures are the server's.
 *
 * Messages from the bench: `connect` (url, token, fabricId, count, query), `expect` (an event's
 * name: answered with the time, on the shared wall clock, at which the LAST of this process's
 * subscribers had it), `cpu` (this process's CPU time), `disconnect`.
 */
import { WebSocket } from 'ws';

export type ToClients =
  | { type: 'connect'; url: string; token: string; fabricId: string; count: number; query: string }
  | { type: 'expect'; name: string }
  | { type: 'cpu' }
  | { type: 'disconnect' };

export type FromClients =
  | { type: 'connected' }
  | { type: 'arrived'; name: string; last: number }
  | { type: 'cpu'; ms: number }
  | { type: 'disconnected' }
  | { type: 'failed'; message: string };

const send = (message: FromClients) => process.send!(message);
/** Milliseconds on a clock every process of the machine shares (unlike performance.now()). */
const wallClock = () => performance.timeOrigin + performance.now();

const sockets: WebSocket[] = [];
let expected = 0;
/** Per event name: how many subscribers have it, and when the latest one got it. */
const arrivals = new Map<string, { count: number; last: number }>();
const expecting = new Set<string>();

function answerIfComplete(name: string) {
  const seen = arrivals.get(name) ?? { count: 0, last: 0 };
  if (!expecting.has(name) || seen.count < expected) return;
  expecting.delete(name);
  arrivals.delete(name);
  send({ type: 'arrived', name, last: seen.last });
}

function subscribe(url: string, token: string, fabricId: string, query: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    socket.once('error', reject);
    socket.once('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: any };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { f: fabricId } } }));
        sockets.push(socket);
        resolve();
      } else if (message.type === 'next') {
        const name = message.payload?.data?.fabricEvents?.name as string | undefined;
        if (!name) return;
        const seen = arrivals.get(name) ?? { count: 0, last: 0 };
        seen.count += 1;
        seen.last = wallClock();
        arrivals.set(name, seen);
        answerIfComplete(name);
      } else if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
    });
  });
}

process.on('message', async (message: ToClients) => {
  try {
    if (message.type === 'connect') {
      expected = message.count;
      for (let start = 0; start < message.count; start += 50)
        await Promise.all(
          Array.from({ length: Math.min(50, message.count - start) }, () =>
            subscribe(message.url, message.token, message.fabricId, message.query),
          ),
        );
      send({ type: 'connected' });
    } else if (message.type === 'expect') {
      expecting.add(message.name);
      answerIfComplete(message.name);
    } else if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'cpu', ms: (usage.user + usage.system) / 1000 });
    } else if (message.type === 'disconnect') {
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              socket.once('close', () => resolve());
              socket.close();
            }),
        ),
      );
      sockets.length = 0;
      send({ type: 'disconnected' });
    }
  } catch (error) {
    send({ type: 'failed', message: String(error) });
  }
});
