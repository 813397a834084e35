import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_SWITCH_PROFILES,
  countSwitchPorts,
  findSwitchProfile,
  switchPortMap,
} from '../../src/hedgehog/switch-profiles.ts';

describe('built-in switch profiles', () => {
  it('covers the 23 profiles of fabric v0.126 (reference §3)', () => {
    expect(BUILT_IN_SWITCH_PROFILES.map((profile) => profile.name)).toEqual([
      'celestica-ds2000',
      'celestica-ds2000-clsp',
      'celestica-ds3000',
      'celestica-ds3000-clsp',
      'celestica-ds4000',
      'celestica-ds4000-clsp',
      'celestica-ds4101',
      'celestica-ds4101-clsp',
      'celestica-ds5000',
      'celestica-ds5000-clsp',
      'cumulus-vx',
      'dell-s5232f-on',
      'dell-s5248f-on',
      'dell-z9332f-on',
      'edgecore-dcs203',
      'edgecore-dcs204',
      'edgecore-dcs240',
      'edgecore-dcs501',
      'edgecore-eps202',
      'edgecore-eps203',
      'supermicro-sse-c4632sb',
      'vs',
      'vs-clsp',
    ]);
    expect(findSwitchProfile('celestica-ds4000')!.features).toMatchObject({ eslag: false, roce: true, l2vni: false });
    expect(findSwitchProfile('supermicro-sse-c4632sb')!.ports).toEqual(findSwitchProfile('celestica-ds3000')!.ports);
  });

  it("lists a switch's ports for its breakouts; a broken-out port and its first sub-port are one physical port", () => {
    const { ports, invalidBreakouts } = switchPortMap(findSwitchProfile('celestica-ds3000')!, {
      'E1/1': '4x25G',
      'E1/2': '2x50G',
    });
    expect(invalidBreakouts).toEqual([]);
    expect(
      ['M1', 'E1/1', 'E1/1/1', 'E1/1/4', 'E1/2/2', 'E1/3', 'E1/3/1', 'E1/33'].every((port) => ports.has(port)),
    ).toBe(true);
    expect(['E1/1/5', 'E1/2/3', 'E1/3/2', 'E1/33/1', 'E1/34'].some((port) => ports.has(port))).toBe(false);
    expect(ports.get('E1/1')).toBe(ports.get('E1/1/1'));
    expect(ports.get('E1/1/2')).not.toBe(ports.get('E1/1/1'));
  });

  it('reports unsupported breakout modes and counts ports per pipeline', () => {
    const ds4000 = findSwitchProfile('celestica-ds4000')!;
    expect(switchPortMap(ds4000, { 'E1/1': '3x33G' }).invalidBreakouts).toEqual(['E1/1']);
    expect(countSwitchPorts(ds4000)).toMatchObject({ total: 33 });
    const broken = countSwitchPorts(ds4000, { 'E1/1': '8x50G', 'E1/2': '8x50G', 'E1/3': '8x50G' });
    expect(broken.total).toBe(33 + 3 * 7);
    expect(broken.perPipeline.get('1')).toBe(8 * 3 + 1); // above the pipeline limit of 18
  });

  it('virtual switches have no breakout ports', () => {
    const vs = findSwitchProfile('vs')!;
    expect(Object.keys(vs.ports)).toHaveLength(49);
    expect(switchPortMap(vs).ports.has('E1/49')).toBe(false);
  });
});
