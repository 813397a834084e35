import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/events/event-bus.ts';

/** Lets every queued microtask (and the ones they queue) run, without leaving the current turn. */
async function drainMicrotasks(rounds = 50) {
  for (let round = 0; round < rounds; round += 1) await Promise.resolve();
}

describe('in-process event bus: delivery outside the publisher', () => {
  it('hands an event over in a later turn of the event loop, never inside publish or its microtasks', async () => {
    const bus = new InProcessEventBus();
    const received: number[] = [];
    const iterator = bus.subscribe<number>('topic');
    void iterator.next().then((result) => received.push(result.value as number));
    bus.publish('topic', 1);
    // The publisher (a mutation) goes on: its own continuations run before any subscriber's.
    await drainMicrotasks();
    expect(received).toEqual([]);
    expect(bus.pendingDeliveries).toBe(1);
    while (received.length === 0) await nextTurn();
    expect(received).toEqual([1]);
    expect(bus.pendingDeliveries).toBe(0);
    await iterator.return?.();
  });

  it('spreads one event to thousands of subscribers over several turns, each getting every event in order', async () => {
    const bus = new InProcessEventBus();
    const subscribers = Array.from({ length: 1_000 }, () => bus.subscribe<number>('topic'));
    for (let event = 0; event < 3; event += 1) bus.publish('topic', event);
    // One turn hands over a bounded share of the 3,000 deliveries, not all of them.
    await nextTurn();
    expect(bus.pendingDeliveries).toBeGreaterThan(0);
    for (const subscriber of subscribers) {
      const values = [];
      for (let event = 0; event < 3; event += 1) values.push((await subscriber.next()).value);
      expect(values).toEqual([0, 1, 2]);
    }
    expect(bus.pendingDeliveries).toBe(0);
  });

  it('does not hand a subscriber events published before it subscribed', async () => {
    const bus = new InProcessEventBus();
    const early = bus.subscribe<string>('topic');
    bus.publish('topic', 'before');
    const late = bus.subscribe<string>('topic');
    bus.publish('topic', 'after');
    expect((await early.next()).value).toBe('before');
    expect((await early.next()).value).toBe('after');
    expect((await late.next()).value).toBe('after');
  });

  it('frees the listener when a subscriber leaves while it waits for an event', async () => {
    const bus = new InProcessEventBus();
    const iterator = bus.subscribe<number>('topic');
    const waiting = iterator.next();
    expect(bus.subscriberCount('topic')).toBe(1);
    await iterator.return?.();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount('topic')).toBe(0);
  });
});
