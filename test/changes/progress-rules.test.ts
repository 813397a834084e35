/** The tracker's rules (change-progress.ts), pure: every stage, edge and limit on made-up inputs. */
import { describe, expect, it } from 'vitest';
import type { ClusterObject } from '../../src/cluster/cluster-client.ts';
import {
  changeProgress,
  objectState,
  type ProgressInput,
  type ProgressObject,
} from '../../src/changes/change-progress.ts';
import { enterStage, initialTimeline } from '../../src/changes/change-stages.ts';
import type { ChangeSwitch, CommittedContent } from '../../src/changes/change.entity.ts';

const LANDED = new Date('2026-12-06T10:00:00Z');
const at = (seconds: number) => new Date(LANDED.getTime() + seconds * 1000);
const LIMIT = 600;

const content = (vlan: number, labels: Record<string, string> | null = null): CommittedContent => ({
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  spec: { subnets: { 'subnet-1': { subnet: '10.0.1.0/24', vlan } } },
  labels,
  annotations: null,
});

const live = (c: CommittedContent | null, extra: Partial<ProgressObject['live'] & object> = {}) =>
  c
    ? { liveResourceVersion: '7', liveSpec: c.spec, liveLabels: c.labels, liveAnnotations: c.annotations, ...extra }
    : undefined;

function object(overrides: Partial<ProgressObject> = {}): ProgressObject {
  return {
    kind: 'VPC',
    namespace: 'default',
    name: 'vpc-1',
    action: 'update',
    committed: content(1002),
    previous: content(1001),
    appliedAt: null,
    live: live(content(1001)),
    synced: true,
    ...overrides,
  };
}

function sw(name: string, overrides: Partial<ChangeSwitch> = {}): ChangeSwitch {
  return {
    namespace: 'default',
    name,
    removed: false,
    immediate: true,
    relations: ['vpc-attachment'],
    generationAtCommit: 3,
    convergedGeneration: null,
    convergedAt: null,
    ...overrides,
  };
}

function agent(name: string, generation: number, applied: number, heartbeat: Date | null): ClusterObject {
  return {
    apiVersion: 'agent.githedgehog.com/v1beta1',
    kind: 'Agent',
    metadata: { name, namespace: 'default', generation },
    status: { lastAppliedGen: applied, ...(heartbeat ? { lastHeartbeat: heartbeat.toISOString() } : {}) },
  };
}

/** A change landed at LANDED (COMMITTED), optionally moved on through `stages`. */
function change(
  switches: ChangeSwitch[],
  stages: { stage: 'APPLIED' | 'STALLED' | 'DIVERGED'; at: Date; detail?: string }[] = [],
) {
  const timeline = initialTimeline('COMMITTED', LANDED);
  for (const s of stages) enterStage(timeline, s.stage, s.at, s.detail);
  return {
    stage: timeline.stage,
    stages: timeline.stages,
    landedAt: timeline.landedAt ?? null,
    appliedAt: timeline.appliedAt ?? null,
    switches,
    objectsBehind: ['VPC default/vpc-1'],
    switchesBehind: switches.filter((s) => !s.removed).map((s) => `default/${s.name}`),
  };
}

function input(overrides: Partial<ProgressInput> & { agents?: ClusterObject[] } = {}): ProgressInput {
  const agents = overrides.agents ?? [];
  return {
    change: change([sw('leaf-1')]),
    objects: [object()],
    agent: (_ns, name) => agents.find((a) => a.metadata.name === name),
    now: at(10),
    stallSeconds: LIMIT,
    heartbeatStaleAfterMs: 120_000,
    ...overrides,
  };
}

describe('objects', () => {
  it('an update is applied when live equals what it committed, after the drift normalisation', () => {
    // `dhcp.enable: false` is a zero value the normalisation drops: the same object as committed.
    const spec = { subnets: { 'subnet-1': { subnet: '10.0.1.0/24', vlan: 1002, dhcp: { enable: false } } } };
    expect(objectState(object({ live: live(content(1002), { liveSpec: spec }) }))).toBe('applied');
    expect(objectState(object({ live: live(content(1001)) }))).toBe('behind');
    expect(objectState(object({ live: live(content(1003)) }))).toBe('diverged');
    // A label that is neither committed nor previous.
    expect(objectState(object({ live: live(content(1002, { team: 'x' })) }))).toBe('diverged');
  });

  it('a kind not listed yet is unknown, whatever the row says', () => {
    expect(objectState(object({ synced: false, live: live(content(1002)) }))).toBe('unknown');
  });

  it('a delete is applied when the cluster no longer has it (no row, or a row without live state)', () => {
    const del = { action: 'delete' as const, committed: null, previous: content(1001) };
    expect(objectState(object({ ...del, live: undefined }))).toBe('applied');
    expect(objectState(object({ ...del, live: { ...live(content(1001))!, liveResourceVersion: null } }))).toBe(
      'applied',
    );
    expect(objectState(object({ ...del, live: live(content(1001)) }))).toBe('behind');
    expect(objectState(object({ ...del, live: live(content(1009)) }))).toBe('diverged');
  });

  it('a create is behind until live exists, diverged when live differs', () => {
    const create = { action: 'create' as const, previous: null };
    expect(objectState(object({ ...create, live: undefined }))).toBe('behind');
    expect(objectState(object({ ...create, live: live(content(1002)) }))).toBe('applied');
    expect(objectState(object({ ...create, live: live(content(1005)) }))).toBe('diverged');
  });

  it('an update whose object the cluster does not have is behind, not diverged', () => {
    expect(objectState(object({ live: undefined }))).toBe('behind');
  });

  it('live still holding a superseded change, or what was before it, is behind, not diverged', () => {
    // 1000 before the first change, 1001 committed by it (superseded), 1002 committed by this one.
    const earlier = [content(1000), content(1001)];
    expect(objectState(object({ earlier, live: live(content(1000)) }))).toBe('behind');
    expect(objectState(object({ earlier, live: live(content(1001)) }))).toBe('behind');
    expect(objectState(object({ earlier, live: live(content(1002)) }))).toBe('applied');
    expect(objectState(object({ earlier, live: live(content(1003)) }))).toBe('diverged');
    expect(objectState(object({ live: live(content(1000)) }))).toBe('diverged');
  });
});

describe('stages', () => {
  it('a change not landed (PROPOSED) does not move and has no deadline', () => {
    const proposed = { ...change([sw('leaf-1')]), stage: 'PROPOSED' as const, landedAt: null };
    const result = changeProgress(
      input({ change: proposed, objects: [object({ live: live(content(1002)) })], now: at(5000) }),
    );
    expect(result.enter).toBeNull();
    expect(result.nextDeadline).toBeNull();
  });

  it('not applied yet: no stage, objects behind, a deadline at landedAt + limit', () => {
    const result = changeProgress(input());
    expect(result.enter).toBeNull();
    expect(result.objectsBehind).toEqual(['VPC default/vpc-1']);
    expect(result.nextDeadline).toEqual(at(LIMIT));
  });

  it('applied, switches not yet converged: APPLIED, per-object appliedAt, deadline appliedAt + limit', () => {
    const result = changeProgress(
      input({ objects: [object({ live: live(content(1002)) })], agents: [agent('leaf-1', 3, 3, at(9))] }),
    );
    expect(result.enter).toEqual({ stage: 'APPLIED' });
    expect(result.objectsBehind).toEqual([]);
    expect(result.objects[0]!.appliedAt).toEqual(at(10));
    expect(result.switchesBehind).toEqual(['default/leaf-1']);
    // The tracker enters APPLIED at `now`: the deadline counts from there.
    expect(result.nextDeadline).toEqual(at(10 + LIMIT));
  });

  it('keeps an object appliedAt once set', () => {
    const result = changeProgress(input({ objects: [object({ live: live(content(1002)), appliedAt: at(3) })] }));
    expect(result.objects[0]!.appliedAt).toEqual(at(3));
  });

  it('CONVERGED when every switch applied a generation after the commit, with a fresh heartbeat', () => {
    const applied = change([sw('leaf-1'), sw('leaf-2', { generationAtCommit: 7 })], [{ stage: 'APPLIED', at: at(5) }]);
    const objects = [object({ live: live(content(1002)), appliedAt: at(5) })];
    // leaf-2 is at the generation it had at commit: not yet.
    const partly = changeProgress(
      input({ change: applied, objects, agents: [agent('leaf-1', 4, 4, at(9)), agent('leaf-2', 7, 7, at(9))] }),
    );
    expect(partly.enter).toBeNull();
    expect(partly.switchesBehind).toEqual(['default/leaf-2']);
    expect(partly.switches[0]).toMatchObject({ convergedGeneration: 4, convergedAt: at(10).toISOString() });
    const all = changeProgress(
      input({
        change: { ...applied, switches: partly.switches },
        objects,
        now: at(20),
        agents: [agent('leaf-1', 4, 4, at(19)), agent('leaf-2', 8, 8, at(19))],
      }),
    );
    expect(all.enter).toEqual({ stage: 'CONVERGED' });
    expect(all.switchesBehind).toEqual([]);
    // leaf-1 keeps the time it converged first.
    expect(all.switches[0]!.convergedAt).toBe(at(10).toISOString());
    expect(all.switches[1]).toMatchObject({ convergedGeneration: 8, convergedAt: at(20).toISOString() });
    expect(all.nextDeadline).toBeNull();
  });

  it('a generation applied but not yet the current one does not count', () => {
    const applied = change([sw('leaf-1')], [{ stage: 'APPLIED', at: at(5) }]);
    const result = changeProgress(
      input({
        change: applied,
        objects: [object({ live: live(content(1002)) })],
        agents: [agent('leaf-1', 5, 4, at(9))],
      }),
    );
    expect(result.switchesBehind).toEqual(['default/leaf-1']);
  });

  it('switches are not judged before every object is applied', () => {
    const result = changeProgress(input({ agents: [agent('leaf-1', 9, 9, at(9))] }));
    expect(result.switches[0]!.convergedAt).toBeNull();
    expect(result.switchesBehind).toEqual(['default/leaf-1']);
  });

  it('a stale heartbeat does not converge; a fresh one later does', () => {
    const applied = change([sw('leaf-1')], [{ stage: 'APPLIED', at: at(5) }]);
    const objects = [object({ live: live(content(1002)) })];
    const stale = changeProgress(
      input({ change: applied, objects, now: at(200), agents: [agent('leaf-1', 4, 4, at(10))] }),
    );
    expect(stale.enter).toBeNull();
    expect(stale.switchesBehind).toEqual(['default/leaf-1']);
    const noHeartbeat = changeProgress(input({ change: applied, objects, agents: [agent('leaf-1', 4, 4, null)] }));
    expect(noHeartbeat.switchesBehind).toEqual(['default/leaf-1']);
    const fresh = changeProgress(
      input({ change: applied, objects, now: at(200), agents: [agent('leaf-1', 4, 4, at(199))] }),
    );
    expect(fresh.enter).toEqual({ stage: 'CONVERGED' });
  });

  it('a switch without an Agent at commit counts from generation 0; one without an Agent now is behind', () => {
    const applied = change([sw('leaf-new', { generationAtCommit: null })], [{ stage: 'APPLIED', at: at(5) }]);
    const objects = [object({ live: live(content(1002)) })];
    expect(changeProgress(input({ change: applied, objects })).switchesBehind).toEqual(['default/leaf-new']);
    expect(changeProgress(input({ change: applied, objects, agents: [agent('leaf-new', 1, 1, at(9))] })).enter).toEqual(
      {
        stage: 'CONVERGED',
      },
    );
  });

  it('fills generationAtCommit from the Agent while nothing of the change is applied, never after', () => {
    const fresh = change([sw('leaf-1', { generationAtCommit: null }), sw('leaf-2', { generationAtCommit: null })]);
    const filled = changeProgress(input({ change: fresh, agents: [agent('leaf-1', 6, 6, at(9))] }));
    expect(filled.switches.map((s) => s.generationAtCommit)).toEqual([6, null]);
    // Once an object is live as committed the controller may have moved the Agent already: left null (0).
    const late = changeProgress(
      input({
        change: fresh,
        objects: [object({ live: live(content(1002)) })],
        agents: [agent('leaf-1', 7, 7, at(9))],
      }),
    );
    expect(late.switches[0]!.generationAtCommit).toBeNull();
  });

  it('removed switches are not waited for; a change that affects no switch converges when it applies', () => {
    const removed = change([sw('leaf-1', { removed: true })]);
    const objects = [object({ live: live(content(1002)) })];
    const result = changeProgress(input({ change: removed, objects }));
    expect(result.enter).toEqual({ stage: 'CONVERGED' });
    expect(result.switchesBehind).toEqual([]);
    expect(changeProgress(input({ change: change([]), objects })).enter).toEqual({ stage: 'CONVERGED' });
  });
});

describe('STALLED', () => {
  it('not applied within the limit of landing: STALLED naming the objects behind', () => {
    const objects = [object(), object({ name: 'vpc-2', live: live(content(1002)) })];
    const before = changeProgress(input({ objects, now: at(LIMIT - 1) }));
    expect(before.enter).toBeNull();
    const result = changeProgress(input({ objects, now: at(LIMIT) }));
    expect(result.enter).toEqual({
      stage: 'STALLED',
      detail: 'not applied after 600 s: 1 object behind: VPC default/vpc-1',
    });
    expect(result.nextDeadline).toBeNull();
  });

  it('a kind never listed makes its objects count as behind: STALLED after the limit', () => {
    const result = changeProgress(
      input({ objects: [object({ synced: false, live: live(content(1002)) })], now: at(LIMIT) }),
    );
    expect(result.enter?.stage).toBe('STALLED');
  });

  it('applied and not converged within the limit of appliedAt: STALLED naming the switches behind', () => {
    const applied = change([sw('leaf-1'), sw('leaf-2')], [{ stage: 'APPLIED', at: at(100) }]);
    const objects = [object({ live: live(content(1002)) })];
    const agents = [agent('leaf-1', 4, 4, at(100 + LIMIT)), agent('leaf-2', 4, 3, at(100 + LIMIT))];
    expect(changeProgress(input({ change: applied, objects, agents, now: at(99 + LIMIT) })).nextDeadline).toEqual(
      at(100 + LIMIT),
    );
    const result = changeProgress(input({ change: applied, objects, agents, now: at(100 + LIMIT) }));
    expect(result.enter).toEqual({
      stage: 'STALLED',
      detail: 'not converged after 600 s: 1 switch behind: default/leaf-2',
    });
  });

  it('switches behind only for reasons that are not immediate hold a change up after 3x the limit', () => {
    const applied = change([sw('leaf-1'), sw('leaf-2', { immediate: false })], [{ stage: 'APPLIED', at: at(0) }]);
    const objects = [object({ live: live(content(1002)) })];
    const agents = [agent('leaf-1', 4, 4, at(LIMIT)), agent('leaf-2', 3, 3, at(LIMIT))];
    const at1x = changeProgress(input({ change: applied, objects, agents, now: at(LIMIT) }));
    expect(at1x.enter).toBeNull();
    expect(at1x.switchesBehind).toEqual(['default/leaf-2']);
    expect(at1x.nextDeadline).toEqual(at(3 * LIMIT));
    const agents3x = [agent('leaf-1', 4, 4, at(3 * LIMIT)), agent('leaf-2', 3, 3, at(3 * LIMIT))];
    const at3x = changeProgress(
      input({ change: { ...applied, switches: at1x.switches }, objects, agents: agents3x, now: at(3 * LIMIT) }),
    );
    expect(at3x.enter).toEqual({
      stage: 'STALLED',
      detail: 'not converged after 1800 s: 1 switch behind: default/leaf-2',
    });
  });

  it('a stalled change that later applies enters APPLIED, then CONVERGED', () => {
    const stalled = change([sw('leaf-1')], [{ stage: 'STALLED', at: at(LIMIT), detail: 'not applied after 600 s: x' }]);
    const objects = [object({ live: live(content(1002)) })];
    // Applied long after landing: converging now is still within the limit of appliedAt.
    const applied = changeProgress(
      input({ change: stalled, objects, now: at(2 * LIMIT), agents: [agent('leaf-1', 3, 3, at(2 * LIMIT))] }),
    );
    expect(applied.enter).toEqual({ stage: 'APPLIED' });
    const converged = changeProgress(
      input({ change: stalled, objects, now: at(2 * LIMIT), agents: [agent('leaf-1', 4, 4, at(2 * LIMIT))] }),
    );
    expect(converged.enter).toEqual({ stage: 'CONVERGED' });
  });

  it('a stalled change does not enter STALLED again while the same kind of stall lasts', () => {
    const stalled = change(
      [sw('leaf-1')],
      [{ stage: 'STALLED', at: at(LIMIT), detail: 'not applied after 600 s: 2 objects behind: a, b' }],
    );
    const result = changeProgress(input({ change: stalled, now: at(2 * LIMIT) }));
    expect(result.enter).toBeNull();
    expect(result.objectsBehind).toEqual(['VPC default/vpc-1']);
  });
});

describe('DIVERGED', () => {
  it('live differs from both this change and the one before: DIVERGED naming the objects', () => {
    const result = changeProgress(input({ objects: [object({ live: live(content(1777)) })] }));
    expect(result.enter).toEqual({
      stage: 'DIVERGED',
      detail: 'live state differs from this change and the one before: VPC default/vpc-1',
    });
    expect(result.nextDeadline).toBeNull();
  });

  it('recovers: back to the landing stage when live returns to the previous content, APPLIED when to this one', () => {
    const diverged = change([sw('leaf-1')], [{ stage: 'DIVERGED', at: at(5), detail: 'x' }]);
    const back = changeProgress(input({ change: diverged, objects: [object()] }));
    expect(back.enter).toEqual({ stage: 'COMMITTED', detail: '1 not applied: VPC default/vpc-1' });
    const applied = changeProgress(input({ change: diverged, objects: [object({ live: live(content(1002)) })] }));
    expect(applied.enter).toEqual({ stage: 'APPLIED' });
  });
});

describe('hostile input', () => {
  it('Agents with garbage fields never converge and never throw', () => {
    const applied = change([sw('leaf-1')], [{ stage: 'APPLIED', at: at(5) }]);
    const objects = [object({ live: live(content(1002)) })];
    for (const garbage of [
      {
        metadata: { name: 'leaf-1', generation: '4' },
        status: { lastAppliedGen: '4', lastHeartbeat: at(9).toISOString() },
      },
      { metadata: { name: 'leaf-1', generation: 4 }, status: { lastAppliedGen: 4, lastHeartbeat: 'not a time\u0000' } },
      { metadata: { name: 'leaf-1', generation: 4.5 }, status: null },
    ]) {
      const result = changeProgress(
        input({ change: applied, objects, agent: () => garbage as unknown as ClusterObject }),
      );
      expect(result.switchesBehind).toEqual(['default/leaf-1']);
    }
  });

  it('live rows with NUL bytes and odd shapes are compared, not trusted', () => {
    const odd = object({
      live: { liveResourceVersion: '1', liveSpec: 'x\u0000', liveLabels: null, liveAnnotations: null },
    });
    expect(objectState(odd)).toBe('diverged');
  });
});
