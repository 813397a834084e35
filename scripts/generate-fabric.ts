/**
 * Writes a generated, valid, hydrated spine-leaf fabric as multi-document YAML.
 *
 *   npx tsx scripts/generate-fabric.ts --spines 4 --leaves 64 [--servers-per-leaf-pair 8]
 *     [--vpcs N] [--subnets-per-vpc 2] [--attachments-per-connection 1] [--no-externals]
 *     [--split-files N] [--out path]
 *
 * Without --out the YAML goes to stdout. With --split-files N, --out is a directory that receives
 * N files (fabric-01.yaml, ...) of near-equal size. The logic is src/hedgehog/generate-fabric.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFabric, renderMultiDocument, splitIntoFiles } from '../src/hedgehog/generate-fabric.ts';

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: {
    spines: { type: 'string', default: '2' },
    leaves: { type: 'string', default: '4' },
    'servers-per-leaf-pair': { type: 'string' },
    vpcs: { type: 'string' },
    'subnets-per-vpc': { type: 'string' },
    'attachments-per-connection': { type: 'string' },
    'no-externals': { type: 'boolean', default: false },
    'split-files': { type: 'string' },
    out: { type: 'string' },
  },
});

const optional = <K extends string>(key: K, value: number | undefined) => (value === undefined ? {} : { [key]: value });
let objects: ReturnType<typeof generateFabric>;
try {
  objects = generateFabric({
    spines: integer('spines', values.spines)!,
    leaves: integer('leaves', values.leaves)!,
    ...optional('serversPerLeafPair', integer('servers-per-leaf-pair', values['servers-per-leaf-pair'])),
    ...optional('vpcs', integer('vpcs', values.vpcs)),
    ...optional('subnetsPerVpc', integer('subnets-per-vpc', values['subnets-per-vpc'])),
    ...optional(
      'attachmentsPerConnection',
      integer('attachments-per-connection', values['attachments-per-connection']),
    ),
    externals: !values['no-externals'],
  });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const split = integer('split-files', values['split-files']);
if (split !== undefined && split > 0) {
  if (!values.out) {
    process.stderr.write('--split-files needs --out <directory>\n');
    process.exit(2);
  }
  mkdirSync(values.out, { recursive: true });
  const files = splitIntoFiles(objects, split);
  for (const file of files) writeFileSync(join(values.out, file.path), file.text);
  process.stderr.write(`wrote ${objects.length} objects in ${files.length} files to ${values.out}\n`);
} else if (values.out) {
  writeFileSync(values.out, renderMultiDocument(objects));
  process.stderr.write(`wrote ${objects.length} objects to ${values.out}\n`);
} else {
  process.stdout.write(renderMultiDocument(objects));
}
