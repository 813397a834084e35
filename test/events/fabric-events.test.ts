import { describe, expect, it } from 'vitest';
import { InProcessEventBus, topics } from '../../src/events/event-bus.ts';
import {
  publishDesiredStateChanged,
  publishFabricEvent,
  type FabricEvent,
  type InternalFabricEvent,
} from '../../src/events/fabric-events.ts';

const FABRIC = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

describe('fabric events', () => {
  it('publishes to the fabric topic, stamped with the fabric id and the time', async () => {
    const bus = new InProcessEventBus();
    const events = bus.subscribe<FabricEvent>(topics.fabric(FABRIC));
    const before = Date.now();
    publishFabricEvent(bus, FABRIC, {
      type: 'COMMITTED',
      commit: 'abc',
      branch: 'main',
      files: 2,
      operationId: 'op-1',
      pullRequestUrl: null,
    });
    const { value } = await events.next();
    expect(value).toEqual({
      type: 'COMMITTED',
      commit: 'abc',
      branch: 'main',
      files: 2,
      operationId: 'op-1',
      pullRequestUrl: null,
      fabricId: FABRIC,
      at: expect.any(String),
    });
    expect(Date.parse(value!.at)).toBeGreaterThanOrEqual(before - 1);
    bus.close();
  });

  it('sends desired-state changes on the internal topic only, where clients do not subscribe', async () => {
    const bus = new InProcessEventBus();
    const internal = bus.subscribe<InternalFabricEvent>(topics.fabricInternal(FABRIC));
    const client = bus.subscribe<FabricEvent>(topics.fabric(FABRIC));
    publishDesiredStateChanged(bus, FABRIC, ['r1']);
    publishDesiredStateChanged(bus, FABRIC, 'all');
    expect((await internal.next()).value).toEqual({
      type: 'DESIRED_STATE_CHANGED',
      fabricId: FABRIC,
      resourceIds: ['r1'],
    });
    expect((await internal.next()).value).toEqual({
      type: 'DESIRED_STATE_CHANGED',
      fabricId: FABRIC,
      resourceIds: 'all',
    });
    publishFabricEvent(bus, FABRIC, {
      type: 'CONFLICT_RESOLVED',
      resourceId: 'r1',
      strategy: 'GIT_WINS',
      kind: 'VPC',
      namespace: 'default',
      name: 'vpc-1',
      paths: [],
    });
    // The first event the client sees is the one published to it.
    expect((await client.next()).value).toMatchObject({ type: 'CONFLICT_RESOLVED' });
    bus.close();
  });
});
