/**
 * The typed client's generated files are what `schema.graphql` and today's documents give: the
 * generator runs in memory with the committed configuration and its output is compared, file by
 * file, with client/src/generated/.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import { codegenConfig, GENERATED_DIR } from '../../client/codegen.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STALE = `client/src/generated/ is stale: run \`npm run codegen\` (it prints schema.graphql, then regenerates the client) and commit the result`;

describe('the generated client', () => {
  it('is current with schema.graphql and the documents', async () => {
    // A document the schema no longer accepts fails here, naming the document and the field.
    const outputs = (await generate(codegenConfig(), false).catch((error: Error) => {
      throw new Error(`${STALE}; the generator failed: ${error.message}`, { cause: error });
    })) as { filename: string; content: string }[];
    const expected = new Map(
      outputs.map((output) => [path.relative(ROOT, path.resolve(ROOT, output.filename)), output.content]),
    );
    const present = (await readdir(path.join(ROOT, GENERATED_DIR))).map((name) => path.join(GENERATED_DIR, name));
    expect(present.sort(), STALE).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) {
      expect(await readFile(path.join(ROOT, file), 'utf8'), `${file}: ${STALE}`).toBe(content);
    }
  });
});
