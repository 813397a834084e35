import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffValues } from '../../src/diff/json-diff.ts';

describe('diffValues', () => {
  it('reports each changed leaf with a JSON path and segments', () => {
    const before = {
      spec: { vlan: 1000, subnets: { 'subnet-1': { dhcp: { enable: false }, subnet: '10.0.1.0/24' } } },
    };
    const after = { spec: { vlan: 1001, subnets: { 'subnet-1': { dhcp: { enable: true }, subnet: '10.0.1.0/24' } } } };
    expect(diffValues(before, after)).toEqual([
      { path: '$.spec.vlan', segments: ['spec', 'vlan'], before: 1000, after: 1001 },
      {
        path: '$.spec.subnets["subnet-1"].dhcp.enable',
        segments: ['spec', 'subnets', 'subnet-1', 'dhcp', 'enable'],
        before: false,
        after: true,
      },
    ]);
  });

  it('treats a property holding undefined like a missing one', () => {
    expect(diffValues({ spec: { a: 1, b: undefined } }, { spec: { a: 1 } })).toEqual([]);
  });

  it('reports added and removed fields with undefined on the missing side', () => {
    expect(diffValues({ a: 1 }, { b: 2 })).toEqual([
      { path: '$.a', segments: ['a'], before: 1, after: undefined },
      { path: '$.b', segments: ['b'], before: undefined, after: 2 },
    ]);
  });

  it('compares arrays by index, element fields one by one', () => {
    expect(
      diffValues({ ports: [{ n: 'E1/1', speed: 10 }, { n: 'E1/2' }] }, { ports: [{ n: 'E1/1', speed: 25 }] }),
    ).toEqual([
      { path: '$.ports[0].speed', segments: ['ports', 0, 'speed'], before: 10, after: 25 },
      { path: '$.ports[1]', segments: ['ports', 1], before: { n: 'E1/2' }, after: undefined },
    ]);
  });

  it('compares arrays by a key field when arrayKeys names one', () => {
    const before = {
      spec: {
        links: [
          { name: 'a', mtu: 9000 },
          { name: 'b', mtu: 9000 },
        ],
      },
    };
    const after = {
      spec: {
        links: [
          { name: 'b', mtu: 1500 },
          { name: 'a', mtu: 9000 },
        ],
      },
    };
    expect(diffValues(before, after).map((d) => d.path)).toEqual([
      '$.spec.links[0].name',
      '$.spec.links[0].mtu',
      '$.spec.links[1].name',
    ]);
    expect(diffValues(before, after, { arrayKeys: { '$.spec.links': 'name' } })).toEqual([
      {
        path: '$.spec.links[?(@.name=="b")].mtu',
        segments: ['spec', 'links', { key: 'name', value: 'b' }, 'mtu'],
        before: 9000,
        after: 1500,
      },
    ]);
  });

  it('falls back to index comparison when an element has no key', () => {
    const differences = diffValues(
      { l: [{ name: 'a' }, 3] },
      { l: [{ name: 'b' }, 3] },
      { arrayKeys: { '$.l': 'name' } },
    );
    expect(differences.map((d) => d.path)).toEqual(['$.l[0].name']);
  });

  it('reports a type change as one difference at that field', () => {
    expect(diffValues({ a: { b: 1 } }, { a: [1] })).toEqual([
      { path: '$.a', segments: ['a'], before: { b: 1 }, after: [1] },
    ]);
    expect(diffValues({ a: null }, { a: {} })).toHaveLength(1);
  });

  it('property: a value has no differences with itself or with a deep copy', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(diffValues(value, value)).toEqual([]);
        expect(diffValues(value, structuredClone(value))).toEqual([]);
      }),
    );
  });

  it('property: two values differ exactly when diffValues reports something', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        // Key order can differ with equal content, so only the "same text" direction is exact.
        if (same) expect(diffValues(a, b)).toEqual([]);
        if (diffValues(a, b).length === 0) expect(diffValues(b, a)).toEqual([]);
      }),
    );
  });
});
