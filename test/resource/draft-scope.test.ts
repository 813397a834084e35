/**
 * A draft is validated against the part of the fabric its object can reach, as its drafts leave
 * it (resource.repository.ts, `effectiveObjectsFor`): the SQL reader returns, for a change of
 * every object, what the scope asks for over the whole fabric with its drafts applied (a filter
 * in memory over `effectiveObjectsOf`), drafts that move an attachment, rewire a connection or
 * delete a VPC included. Structural only: sets of objects, never timings.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalize, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import { readExistingInScope } from '../../src/hedgehog/validation-scope.ts';
import { effectiveObjectsFor, effectiveObjectsOf } from '../../src/resource/resource.repository.ts';
import { queryDatabase } from '../support/database.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { fileOf, sync } from '../sync/support.ts';

afterAll(removeScratchDirs);

const FABRIC: HedgehogObject[] = generateFabric({
  spines: 2,
  leaves: 4,
  serversPerLeafPair: 4,
  vpcs: 4,
  attachmentsPerConnection: 1,
}).map((object) => canonicalize(object));
const identity = (object: HedgehogObject) => `${object.kind}|${object.metadata.namespace}|${object.metadata.name}`;

describe('the objects a draft is validated against', () => {
  let env: GatewayWithRemote;
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
    await pushFromAnotherClone(env.remote, { files: Object.assign({}, ...FABRIC.map(fileOf)), message: 'seed' });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED', filesCreated: FABRIC.length });
  });
  afterEach(() => env.stop());

  /** Writes a draft on the row of `object` (fixture data, as a mutation would leave it). */
  const draft = async (object: HedgehogObject, change: { spec: unknown } | 'delete') => {
    await queryDatabase(
      env.t.database.url,
      `update resource set draft_action = $4, draft_spec = $5, draft_labels = null, draft_annotations = null,
         draft_api_version = null
       where fabric_id = $1 and kind = $2 and name = $3`,
      [
        env.fabricId,
        object.kind,
        object.metadata.name,
        change === 'delete' ? 'delete' : 'upsert',
        change === 'delete' ? null : JSON.stringify(change.spec),
      ],
    );
  };

  it('reads by SQL what the scope asks for over the fabric with its drafts, for a change of every object', async () => {
    const of = (kind: string) => FABRIC.filter((object) => object.kind === kind);
    const [attachment] = of('VPCAttachment');
    const connections = of('Connection').filter((object) => 'unbundled' in (object.spec as object));
    const moved = connections.find(
      (connection) => connection.metadata.name !== (attachment!.spec as { connection: string }).connection,
    )!;
    // An attachment moved to another connection, a connection rewired like another, a VPC deleted.
    await draft(attachment!, { spec: { ...(attachment!.spec as object), connection: moved.metadata.name } });
    await draft(connections[0]!, { spec: structuredClone(connections[1]!.spec) });
    await draft(of('VPC')[0]!, 'delete');

    const em = env.t.app.services().em.fork();
    const effective = await effectiveObjectsOf(em, env.fabricId);
    expect(effective).toHaveLength(FABRIC.length - 1);
    const hostile = [
      { kind: 'Server', apiVersion: 'wiring.githedgehog.com/v1beta1', metadata: { name: 'a\u0000b' }, spec: {} },
      {
        apiVersion: 'vpc.githedgehog.com/v1beta1',
        kind: 'VPCAttachment',
        metadata: { name: "o'; drop" },
        spec: { connection: '%_\\' },
      },
    ];
    let narrower = 0;
    for (const input of [...effective, ...FABRIC, ...hostile]) {
      const bySql = await effectiveObjectsFor(em, env.fabricId, [input]);
      const inMemory = await readExistingInScope([input], async () => effective);
      const name = identity(input as HedgehogObject);
      expect(bySql.map(identity).sort(), name).toEqual(inMemory!.map(identity).sort());
      if (bySql.length < effective.length) narrower += 1;
    }
    // The scope is what makes a draft's read small: most changes reach a part of the fabric.
    expect(narrower).toBeGreaterThan(effective.length / 2);
  });
});
