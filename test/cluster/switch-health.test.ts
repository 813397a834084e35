import { describe, expect, it } from 'vitest';
import { switchHealth } from '../../src/cluster/switch-health.ts';

const now = new Date('2026-11-22T03:00:00Z');

/** An Agent as the fabric controller and the switch agent write it (hedgehog-crds.md §9). */
function agent(status: Record<string, unknown>, generation = 7) {
  return {
    apiVersion: 'agent.githedgehog.com/v1beta1',
    kind: 'Agent',
    metadata: { name: 'leaf-1', namespace: 'default', generation },
    spec: { role: 'server-leaf' },
    status,
  };
}

describe('switchHealth', () => {
  it('is HEALTHY when the current generation is applied and the heartbeat is fresh', () => {
    const health = switchHealth(
      agent({
        lastHeartbeat: '2026-11-22T02:59:30Z',
        lastAppliedGen: 7,
        lastAttemptGen: 7,
        lastAppliedTime: '2026-11-22T02:50:00Z',
        version: 'v0.87.4',
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'ApplySucceeded',
            lastTransitionTime: '2026-11-22T02:50:00Z',
            message: '',
          },
        ],
      }),
      now,
    );
    expect(health).toEqual({
      state: 'HEALTHY',
      currentGeneration: 7,
      appliedGeneration: 7,
      attemptedGeneration: 7,
      upToDate: true,
      lastHeartbeat: new Date('2026-11-22T02:59:30Z'),
      heartbeatAgeMs: 30_000,
      lastAppliedTime: new Date('2026-11-22T02:50:00Z'),
      ready: true,
      rebootRequired: undefined,
      agentVersion: 'v0.87.4',
    });
  });

  it('is APPLYING while the agent is behind the current generation', () => {
    const health = switchHealth(
      agent({ lastHeartbeat: '2026-11-22T02:59:50Z', lastAppliedGen: 6, lastAttemptGen: 7, conditions: [] }),
      now,
    );
    expect(health).toMatchObject({
      state: 'APPLYING',
      upToDate: false,
      currentGeneration: 7,
      appliedGeneration: 6,
      attemptedGeneration: 7,
      ready: undefined,
    });
  });

  it('is HEARTBEAT_STALE past the threshold, whatever the generations say', () => {
    const status = { lastHeartbeat: '2026-11-22T02:50:00Z', lastAppliedGen: 7 };
    expect(switchHealth(agent(status), now).state).toBe('HEARTBEAT_STALE');
    expect(switchHealth(agent(status), now, { heartbeatStaleAfterMs: 15 * 60_000 }).state).toBe('HEALTHY');
  });

  it('is NO_HEARTBEAT for an agent that never reported (empty status, zero time)', () => {
    expect(switchHealth(agent({ conditions: null }), now)).toMatchObject({
      state: 'NO_HEARTBEAT',
      lastHeartbeat: undefined,
      heartbeatAgeMs: undefined,
    });
    expect(switchHealth(agent({ lastHeartbeat: '0001-01-01T00:00:00Z' }), now).state).toBe('NO_HEARTBEAT');
    expect(switchHealth({}, now).state).toBe('NO_HEARTBEAT');
  });

  it('reads rebootRequired and a Ready=False condition', () => {
    const health = switchHealth(
      agent({
        lastHeartbeat: '2026-11-22T02:59:59Z',
        lastAppliedGen: 7,
        rebootRequired: true,
        conditions: [{ type: 'Ready', status: 'False' }],
      }),
      now,
    );
    expect(health).toMatchObject({ rebootRequired: true, ready: false });
  });
});
