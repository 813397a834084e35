import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { IMPACT_RELATIONS } from '../../src/hedgehog/impact.ts';

it('docs/changes.md lists every impact relation with its meaning', () => {
  const page = readFileSync(join(import.meta.dirname, '../../docs/changes.md'), 'utf8');
  const listed = [...page.matchAll(/^\| `([a-z-]+)` \| (.+) \|$/gm)].map((match) => [match[1], match[2]]);
  expect(Object.fromEntries(listed)).toEqual(IMPACT_RELATIONS);
});
