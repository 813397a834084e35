/**
 * One client process of bench/fanout.ts (started with `fork`, driven over IPC): it holds its
 * share of the graphql-transport-ws subscribers, so that reading thousands of messages per round
 * runs on other processes than the bench's clock and the figures are the server's.
 *
 * Two kinds of subscriber (`client` in `connect`):
 *   - `raw` (the default): a `net` socket that does the WebSocket handshake and the protocol's
 *     init and subscribe itself (bench/raw-websocket.ts) and, per `next` message, checks the
 *     bytes of its start (this subscriber's id, `next`) and finds the event's name by scanning
 *     the bytes: no `ws` framing objects, no JSON.parse of the message. What a subscriber costs
 *     here is close to what receiving costs (the kernel's read and one pass over the bytes).
 *   - `ws`: a `ws` WebSocket and a JSON.parse of each message, as a JavaScript client would.
 *
 * Each subscriber counts an event once (a second `next` with the same name is a failure); the
 * process answers `expect` when every one of its subscribers has the event.
 *
 * Messages from the bench: `connect` (url, token, fabricId, count, query, client), `expect` (an
 * event's name: answered with the time, on the shared wall clock, at which the LAST of this
 * process's subscribers had it), `cpu` (this process's CPU time), `disconnect`.
 */
import { eventName } from './fanout-event-name.ts';
import { RawWebSocket } from './raw-websocket.ts';
import { WebSocket } from 'ws';

export type ClientKind = 'ws' | 'raw';

export type ToClients =
  | { type: 'connect'; url: string; token: string; fabricId: string; count: number; query: string; client: ClientKind }
  | { type: 'expect'; name: string }
  | { type: 'cpu' }
  | { type: 'disconnect' };

export type FromClients =
  | { type: 'connected' }
  | { type: 'arrived'; name: string; last: number }
  | { type: 'cpu'; user: number; system: number }
  | { type: 'disconnected' }
  | { type: 'failed'; message: string };

const send = (message: FromClients) => process.send!(message);
/** Milliseconds on a clock every process of the machine shares (unlike performance.now()). */
const wallClock = () => performance.timeOrigin + performance.now();

/** Closes one subscriber's connection; resolves when it is closed. */
const closers: (() => Promise<void>)[] = [];
let expected = 0;
/** Per event name: how many subscribers have it, and when the latest one got it. */
const arrivals = new Map<string, { count: number; last: number }>();
const expecting = new Set<string>();

function fail(message: string): void {
  send({ type: 'failed', message });
}

function answerIfComplete(name: string) {
  const seen = arrivals.get(name) ?? { count: 0, last: 0 };
  if (!expecting.has(name) || seen.count < expected) return;
  expecting.delete(name);
  arrivals.delete(name);
  send({ type: 'arrived', name, last: seen.last });
}

/** `subscriber` has event `name`: counted once (it gets the events in order, each once). */
function arrived(subscriber: { latest: string | null }, name: string): void {
  if (subscriber.latest === name) return fail(`event ${name} came twice to one subscriber`);
  subscriber.latest = name;
  const seen = arrivals.get(name) ?? { count: 0, last: 0 };
  seen.count += 1;
  seen.last = wallClock();
  arrivals.set(name, seen);
  answerIfComplete(name);
}

const subscribeMessage = (query: string, fabricId: string) =>
  JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { f: fabricId } } });
const initMessage = (token: string) =>
  JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });

function subscribeWs(url: string, token: string, fabricId: string, query: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const subscriber = { latest: null as string | null };
    socket.once('error', reject);
    socket.once('open', () => socket.send(initMessage(token)));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: any };
      if (message.type === 'connection_ack') {
        socket.send(subscribeMessage(query, fabricId));
        closers.push(
          () =>
            new Promise<void>((closed) => {
              socket.once('close', () => closed());
              socket.close();
            }),
        );
        resolve();
      } else if (message.type === 'next') {
        const name = message.payload?.data?.fabricEvents?.name as string | undefined;
        if (name) arrived(subscriber, name);
      } else if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
    });
  });
}

async function subscribeRaw(url: string, token: string, fabricId: string, query: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const subscriber = { latest: null as string | null };
  let acknowledged: (() => void) | null = null;
  let refused: ((error: Error) => void) | null = null;
  const ack = new Promise<void>((resolve, reject) => {
    acknowledged = resolve;
    refused = reject;
  });
  const socket = await RawWebSocket.open(hostname, Number(port), '/graphql', 'graphql-transport-ws', {
    message(data, start, end) {
      // An event (the common case) is recognised from its bytes; the rare others are parsed.
      const name = eventName(data, start, end);
      if (name !== null) return arrived(subscriber, name);
      const message = JSON.parse(data.toString('utf8', start, end)) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack') acknowledged?.();
      else if (message.type === 'next')
        fail(`a next message without an event name: ${data.toString('utf8', start, end)}`);
      else if (message.type === 'error') refused?.(new Error(JSON.stringify(message.payload)));
      else if (message.type !== 'ping' && message.type !== 'pong')
        fail(`unexpected ${data.toString('utf8', start, end)}`);
    },
    closed() {
      refused?.(new Error('closed before connection_ack'));
    },
  });
  socket.sendText(initMessage(token));
  await ack;
  refused = null;
  socket.sendText(subscribeMessage(query, fabricId));
  closers.push(() => socket.close());
}

// The bench went away (or stops its clients): exit normally, so that a CPU profile is written.
process.on('disconnect', () => process.exit(0));

process.on('message', async (message: ToClients) => {
  try {
    if (message.type === 'connect') {
      expected = message.count;
      for (let start = 0; start < message.count; start += 50)
        await Promise.all(
          Array.from({ length: Math.min(50, message.count - start) }, () =>
            (message.client === 'ws' ? subscribeWs : subscribeRaw)(
              message.url,
              message.token,
              message.fabricId,
              message.query,
            ),
          ),
        );
      send({ type: 'connected' });
    } else if (message.type === 'expect') {
      expecting.add(message.name);
      answerIfComplete(message.name);
    } else if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'cpu', user: usage.user / 1000, system: usage.system / 1000 });
    } else if (message.type === 'disconnect') {
      await Promise.all(closers.map((close) => close()));
      closers.length = 0;
      send({ type: 'disconnected' });
    }
  } catch (error) {
    send({ type: 'failed', message: String(error) });
  }
});
