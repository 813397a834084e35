import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FINDING_CODES } from '../../src/hedgehog/findings.ts';

it('docs/validation.md lists every finding code with its meaning', () => {
  const page = readFileSync(join(import.meta.dirname, '../../docs/validation.md'), 'utf8');
  const listed = [...page.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)].map((match) => [match[1], match[2]]);
  expect(Object.fromEntries(listed)).toEqual(
    Object.fromEntries(Object.entries(FINDING_CODES).map(([code, meaning]) => [code, meaning.replace(/\|/g, '\\|')])),
  );
});
