/**
 * The impact of a change whose objects are all new (an ingestion of new objects) is computed in
 * batches of NEW_OBJECTS_BATCH (change-recorder.ts): the change's switches, their relations in
 * order, `immediate`, `removed` and the summary must be exactly those of one `computeImpact` over
 * every object, which is what the recorder did before, and the unresolved references the same.
 */
import { describe, expect, it } from 'vitest';
import {
  changeImpactOf,
  contentOf,
  impactOfObjects,
  NEW_OBJECTS_BATCH,
  type TouchedObject,
} from '../../src/changes/change-recorder.ts';
import { canonicalize, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import { buildImpactIndex, computeImpact } from '../../src/hedgehog/impact.ts';
import { editableStateOf } from '../../src/resource/resource-state.ts';

const fabric = generateFabric({
  spines: 2,
  leaves: 16,
  serversPerLeafPair: 64,
  vpcs: 60,
  attachmentsPerConnection: 3,
}).map(canonicalize);

/** The objects as the ingestion hands them to the recorder: new, with their committed content. */
function created(objects: readonly HedgehogObject[]): TouchedObject[] {
  return objects.map((object) => ({
    kind: object.kind,
    namespace: object.metadata.namespace ?? 'default',
    name: object.metadata.name,
    resourceId: null,
    previous: null,
    committed: contentOf(editableStateOf(object as never)),
  }));
}

/** What the recorder computed before: one walk of every new object over the state before. */
function atOnce(state: readonly HedgehogObject[], objects: readonly HedgehogObject[]) {
  return changeImpactOf(
    computeImpact(
      buildImpactIndex(state),
      objects.map((object) => ({ action: 'create' as const, after: object })),
    ),
  );
}

describe('the impact of new objects, in batches', () => {
  it('a whole fabric new: the same switches, relations, summary as one walk of every object', () => {
    expect(fabric.length).toBeGreaterThan(NEW_OBJECTS_BATCH * 2);
    const batched = impactOfObjects([], created(fabric));
    const whole = atOnce([], fabric);
    expect(batched).toEqual(whole);
    // Not a trivial answer: every switch, each reached by several relations over several batches.
    expect(batched.switches).toHaveLength(fabric.filter((object) => object.kind === 'Switch').length);
    expect(Math.max(...batched.switches.map((entry) => entry.relations.length))).toBeGreaterThan(5);
    expect(batched.summary).toMatch(/^affects 18 switches: /);
  });

  it('new objects added to a fabric that holds the rest', () => {
    // Switches, connections and VPCs exist; the attachments and servers come in new, in an
    // order that mixes kinds across batches.
    const isNew = (object: HedgehogObject) => ['VPCAttachment', 'Server'].includes(object.kind);
    const state = fabric.filter((object) => !isNew(object));
    const added = fabric.filter(isNew).reverse();
    expect(added.length).toBeGreaterThan(NEW_OBJECTS_BATCH);
    const batched = impactOfObjects(state, created(added));
    expect(batched).toEqual(atOnce(state, added));
    expect(batched.switches.length).toBeGreaterThan(0);
  });

  it('new objects naming objects that do not exist: the same unresolved references', () => {
    // Without their connections, the attachments name connections that do not exist. A batch's
    // objects come last in the index's reverse lists, so a VPC's missing connections may be
    // listed in another order: the same references, not the same order.
    const added = fabric.filter((object) => object.kind !== 'Connection');
    const batched = impactOfObjects([], created(added));
    const whole = atOnce([], added);
    expect(batched.unresolved.length).toBeGreaterThan(1000);
    expect({ ...batched, unresolved: [...batched.unresolved].sort() }).toEqual({
      ...whole,
      unresolved: [...whole.unresolved].sort(),
    });
  });
});
