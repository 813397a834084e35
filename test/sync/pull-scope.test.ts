/**
 * A small pull is validated against the existing objects the change can reach
 * (hedgehog/validation-scope.ts), read by SQL: the rows it reads do not grow with the fabric, a
 * conflict with an object in an unchanged file is still caught, and the SQL reader returns every
 * object the scope asks for (checked against a filter over the whole fabric). Structural only:
 * counts of objects, never timings.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalize, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import { readExistingInScope } from '../../src/hedgehog/validation-scope.ts';
import { desiredObjects, desiredObjectsFor } from '../../src/resource/resource.repository.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { fileOf, sync } from './support.ts';

afterAll(removeScratchDirs);

const FABRIC: HedgehogObject[] = generateFabric({
  spines: 2,
  leaves: 4,
  serversPerLeafPair: 8,
  vpcs: 6,
  attachmentsPerConnection: 2,
}).map((object) => canonicalize(object));
const server = (name: string, labels?: Record<string, string>): HedgehogObject => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'Server',
  metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  spec: {},
});
const identity = (object: HedgehogObject) => `${object.kind}|${object.metadata.namespace}|${object.metadata.name}`;
const messages = (operation: { events: { message: string; level?: string }[] }) =>
  operation.events.map((event) => event.message);
const checkedAgainst = (operation: { events: { message: string }[] }) => {
  const line = messages(operation).find((message) => message.startsWith('validated against '));
  return line === undefined ? undefined : Number(/validated against (\d+)/.exec(line)![1]);
};

describe('a small pull reads what the change can reach (git adapter)', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
    await pushFromAnotherClone(env.remote, {
      files: Object.assign({ 'README.md': '# fabric\n' }, ...FABRIC.map(fileOf)),
      message: 'seed',
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: FABRIC.length });
  });
  afterEach(() => env.stop());

  const commitAndPull = async (objects: HedgehogObject[], message: string) => {
    await pushFromAnotherClone(env.remote, { files: Object.assign({}, ...objects.map(fileOf)), message });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled.status).toBe('COMPLETED');
    return pulled;
  };

  it('a one-file pull reads as many rows in a fabric with 600 more servers', async () => {
    const first = FABRIC.find((object) => object.kind === 'Server')!;
    const before = await commitAndPull([{ ...first, metadata: { ...first.metadata, labels: { round: '1' } } }], 'one');
    const small = checkedAgainst(before)!;
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(FABRIC.length / 2);

    await commitAndPull(
      Array.from({ length: 600 }, (_, index) => server(`extra-${String(index).padStart(3, '0')}`)),
      'many more servers',
    );
    const after = await commitAndPull([{ ...first, metadata: { ...first.metadata, labels: { round: '2' } } }], 'two');
    expect(after.filesUpdated).toBe(1);
    expect(checkedAgainst(after)).toBe(small);
  });

  it('still finds a port, a subnet and an attachment taken by objects in unchanged files', async () => {
    const connections = FABRIC.filter(
      (object) => object.kind === 'Connection' && 'unbundled' in (object.spec as object),
    );
    const vpcs = FABRIC.filter((object) => object.kind === 'VPC');
    const attachments = FABRIC.filter((object) => object.kind === 'VPCAttachment');
    for (const [changed, source, code] of [
      [connections[1]!, connections[0]!, 'PORT_IN_USE'],
      [vpcs[1]!, vpcs[0]!, 'SUBNET_OVERLAP'],
      [attachments[1]!, attachments[0]!, 'ATTACHMENT_CONFLICT'],
    ] as const) {
      const pulled = await commitAndPull([{ ...changed, spec: structuredClone(source.spec) }], `take ${code}`);
      expect(pulled.filesUpdated).toBe(1);
      expect(
        messages(pulled).some((message) => message.startsWith(`${code}: `)),
        code,
      ).toBe(true);
      expect(checkedAgainst(pulled)).toBeLessThan(FABRIC.length);
    }
  });

  it('the SQL reader returns what the scope asks for, for a change of every object', async () => {
    const em = env.t.app.services().em.fork();
    const all = await desiredObjects(em, env.fabricId);
    expect(all).toHaveLength(FABRIC.length);
    const hostile = [
      { ...server('a\u0000b'), spec: { port: 'x\u0000/y' } },
      { ...server('\uD800'), metadata: { name: '\uD800' } },
      {
        apiVersion: 'vpc.githedgehog.com/v1beta1',
        kind: 'VPCAttachment',
        metadata: { name: "o'; drop" },
        spec: { connection: '%_\\' },
      },
    ];
    for (const input of [...FABRIC.map((object) => ({ ...object, spec: structuredClone(object.spec) })), ...hostile]) {
      const except = new Set<string>();
      const bySql = await desiredObjectsFor(em, env.fabricId, [input], except);
      const inMemory = await readExistingInScope([input], async () => all);
      expect(bySql.map(identity).sort(), identity(input as HedgehogObject)).toEqual(inMemory!.map(identity).sort());
    }
  });
});
