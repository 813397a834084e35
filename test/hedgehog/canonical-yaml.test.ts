import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { printYamlDocument } from '../../src/hedgehog/canonical-yaml.ts';

describe('printYamlDocument', () => {
  it('prints block YAML with nested maps, lists of maps and empty collections', () => {
    expect(printYamlDocument({ a: { b: [{ c: 1, d: [] }, 'x', [1, 2]], e: {} }, f: null, g: true })).toBe(
      [
        'a:',
        '  b:',
        '    - c: 1',
        '      d: []',
        '    - x',
        '    - - 1',
        '      - 2',
        '  e: {}',
        'f: null',
        'g: true',
        '',
      ].join('\n'),
    );
  });

  it('quotes what a YAML 1.1 or 1.2 reader would misread, and nothing else', () => {
    const quoted = [
      'yes',
      'on',
      'No',
      'null',
      '017',
      '12',
      '1.5',
      '1e5',
      '0x1f',
      '1:20',
      '2001-12-14',
      '',
      ' lead',
      'a: b',
      '#c',
      '-',
      '.inf',
      '~',
      'a:',
      '@x',
    ];
    const plain = [
      'E1/1',
      '4x25G',
      '10.0.1.1',
      '172.30.0.10/21',
      '3001:65101',
      '0c:20:12:ff:00:00',
      'server-0001--eslag--leaf-01--leaf-02',
      'fabric.githedgehog.com/ports',
    ];
    for (const text of quoted) expect(printYamlDocument({ k: text }), text).toBe(`k: ${JSON.stringify(text)}\n`);
    for (const text of plain) expect(printYamlDocument({ k: text }), text).toBe(`k: ${text}\n`);
  });

  it('round-trips any JSON object under both YAML 1.2 and YAML 1.1 readers (fast-check)', () => {
    const anyString = fc.string({ unit: 'binary', maxLength: 12 });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        anyString,
        tie('list'),
        tie('map'),
      ),
      list: fc.array(tie('value'), { maxLength: 4 }),
      map: fc.dictionary(anyString, tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(anyString, json.value, { maxKeys: 6 }), (value) => {
        const text = printYamlDocument(value);
        const expected = JSON.parse(JSON.stringify(value)) as unknown; // -0 → 0, as JSON and YAML have it
        expect(parse(text, { uniqueKeys: false })).toEqual(expected);
        expect(parse(text, { version: '1.1', uniqueKeys: false })).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
