import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from '../../src/diff/json-path.ts';
import { mergeThreeWay } from '../../src/diff/three-way-merge.ts';

const vpc = (subnets: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  kind: 'VPC',
  metadata: { name: 'vpc-1', namespace: 'default' },
  spec: { subnets, ...extra },
});

describe('mergeThreeWay', () => {
  it('merges changes to different fields without conflict', () => {
    const base = vpc({ 'subnet-1': { subnet: '10.0.1.0/24', vlan: 1001 } });
    const ours = vpc({ 'subnet-1': { subnet: '10.0.1.0/24', vlan: 1002 } });
    const theirs = vpc({ 'subnet-1': { subnet: '10.0.9.0/24', vlan: 1001 } }, { ipv4Namespace: 'default' });
    const { merged, conflicts } = mergeThreeWay(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged).toEqual(vpc({ 'subnet-1': { subnet: '10.0.9.0/24', vlan: 1002 } }, { ipv4Namespace: 'default' }));
  });

  it('reports the same field changed differently as a conflict and keeps theirs there', () => {
    const base = vpc({ 'subnet-1': { vlan: 1001, subnet: '10.0.1.0/24' } });
    const ours = vpc({ 'subnet-1': { vlan: 1002, subnet: '10.0.1.0/24' } });
    const theirs = vpc({ 'subnet-1': { vlan: 1003, subnet: '10.0.1.0/24' } });
    const { merged, conflicts } = mergeThreeWay(base, ours, theirs);
    expect(conflicts).toEqual([
      {
        path: '$.spec.subnets["subnet-1"].vlan',
        segments: ['spec', 'subnets', 'subnet-1', 'vlan'],
        base: 1001,
        ours: 1002,
        theirs: 1003,
      },
    ]);
    expect(merged).toEqual(theirs);
  });

  it('does not call an identical change on both sides a conflict', () => {
    const { merged, conflicts } = mergeThreeWay({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 2, b: 1 });
    expect(conflicts).toEqual([]);
    expect(merged).toEqual({ a: 2, b: 1 });
  });

  it('applies a deletion made on one side', () => {
    expect(mergeThreeWay({ a: 1, b: 2 }, { a: 1 }, { a: 5, b: 2 })).toEqual({ merged: { a: 5 }, conflicts: [] });
    expect(mergeThreeWay({ s: { x: 1 }, k: 1 }, { s: { x: 1 }, k: 2 }, { k: 1 })).toEqual({
      merged: { k: 2 },
      conflicts: [],
    });
  });

  it('reports delete on one side against modify on the other as a conflict', () => {
    const { merged, conflicts } = mergeThreeWay({ s: { x: 1, y: 1 } }, { s: { x: 2, y: 1 } }, {});
    expect(conflicts).toEqual([
      { path: '$.s', segments: ['s'], base: { x: 1, y: 1 }, ours: { x: 2, y: 1 }, theirs: undefined },
    ]);
    expect(merged).toEqual({});
    // a whole object deleted on our side while theirs changed it: conflict at the root
    const whole = mergeThreeWay({ a: 1 }, undefined, { a: 2 });
    expect(whole.conflicts.map((c) => c.path)).toEqual(['$']);
    expect(whole.merged).toEqual({ a: 2 });
  });

  it('treats arrays as atomic values', () => {
    const changedOnOneSide = mergeThreeWay({ l: [1, 2], n: 0 }, { l: [1, 2, 3], n: 0 }, { l: [1, 2], n: 1 });
    expect(changedOnOneSide).toEqual({ merged: { l: [1, 2, 3], n: 1 }, conflicts: [] });
    const changedOnBoth = mergeThreeWay({ l: [1, 2] }, { l: [1, 2, 3] }, { l: [0, 1, 2] });
    expect(changedOnBoth.conflicts).toEqual([
      { path: '$.l', segments: ['l'], base: [1, 2], ours: [1, 2, 3], theirs: [0, 1, 2] },
    ]);
  });

  it('merges objects added on both sides field by field', () => {
    const { merged, conflicts } = mergeThreeWay({}, { dhcp: { enable: true } }, { dhcp: { relay: 'x' } });
    expect(conflicts).toEqual([]);
    expect(merged).toEqual({ dhcp: { enable: true, relay: 'x' } });
  });

  it('keeps a "__proto__" key as data', () => {
    const ours = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as unknown;
    const theirs = JSON.parse('{"__proto__": {"x": 1}, "a": 2, "b": 1}') as unknown;
    const base = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as unknown;
    const { merged } = mergeThreeWay(base, ours, theirs);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.stringify(merged)).toBe('{"__proto__":{"x":1},"a":2,"b":1}');
  });

  describe('properties', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    it('merge(base, x, base) == x', () => {
      fc.assert(
        fc.property(json, json, (base, x) => {
          const { merged, conflicts } = mergeThreeWay(base, x, base);
          expect(conflicts).toEqual([]);
          expect(jsonEqual(merged, x)).toBe(true);
        }),
      );
    });
    it('merge(base, base, y) == y', () => {
      fc.assert(
        fc.property(json, json, (base, y) => {
          const { merged, conflicts } = mergeThreeWay(base, base, y);
          expect(conflicts).toEqual([]);
          expect(jsonEqual(merged, y)).toBe(true);
        }),
      );
    });
    it('merge(base, x, x) == x with no conflict', () => {
      fc.assert(
        fc.property(json, json, (base, x) => {
          const { merged, conflicts } = mergeThreeWay(base, x, x);
          expect(conflicts).toEqual([]);
          expect(jsonEqual(merged, x)).toBe(true);
        }),
      );
    });
    it('without conflicts the result does not depend on which side is ours', () => {
      const record = fc.dictionary(
        fc.constantFrom('a', 'b', 'c'),
        fc.oneof(
          fc.integer({ min: 0, max: 2 }),
          fc.dictionary(fc.constantFrom('x', 'y'), fc.integer({ min: 0, max: 2 })),
        ),
      );
      fc.assert(
        fc.property(record, record, record, (base, x, y) => {
          const forward = mergeThreeWay(base, x, y);
          const backward = mergeThreeWay(base, y, x);
          expect(forward.conflicts.map((c) => c.path).sort()).toEqual(backward.conflicts.map((c) => c.path).sort());
          if (forward.conflicts.length === 0) expect(jsonEqual(forward.merged, backward.merged)).toBe(true);
        }),
      );
    });
  });
});
