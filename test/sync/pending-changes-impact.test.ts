/**
 * `pendingChanges.impact` and `changes.affectedSwitches`: the switches whose Agents the drafts
 * change, computed from the fabric's desired state by `hedgehog/impact.ts`, before anything is
 * committed. The fabric is the generated reference fabric, pulled from Git; a VPC edit must name
 * the leaves its attachments sit on, and a held-back (conflicted) draft is left out of the whole.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { buildImpactIndex, computeImpact } from '../../src/hedgehog/impact.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { referenceFabric } from '../gitops/support.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { createDraftOf, editDraft, fileOf, rows, sync, vlanNamespace } from './support.ts';

afterAll(removeScratchDirs);

const IMPACT_FIELDS = `impact { summary switches { name namespace removed reasons { object { kind name } action relation via { kind name } side immediate } } unresolved { missing { kind name } field } }
  changes { kind name action affectedSwitches }`;

interface ImpactView {
  impact: {
    summary: string;
    switches: {
      name: string;
      removed: boolean;
      reasons: { object: { kind: string; name: string }; relation: string; via: { kind: string; name: string }[] }[];
    }[];
    unresolved: { missing: { kind: string; name: string }; field: string }[];
  };
  changes: { kind: string; name: string; action: string; affectedSwitches: string[] }[];
}

describe('pendingChanges: which switches the drafts affect', () => {
  let env: GatewayWithRemote;
  let objects: HedgehogObject[];
  beforeEach(async () => {
    env = await tAdapters[0]!.start();
    objects = referenceFabric();
    await pushFromAnotherClone(env.remote, {
      files: Object.assign({}, ...objects.map(fileOf)),
      message: 'seed the reference fabric',
    });
    expect(await sync(env.t, env.fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
  });
  afterEach(() => env.stop());

  const review = async () =>
    (
      await env.t.graphqlOk<{ pendingChanges: ImpactView }>(
        `query($id: ID!) { pendingChanges(fabricId: $id) { ${IMPACT_FIELDS} } }`,
        { id: env.fabricId },
      )
    ).pendingChanges;

  it('names the leaves a VPC edit reaches through its attachments, and nothing for a namespace-only draft', async () => {
    const vpc = objects.find((object) => object.kind === 'VPC')!;
    const edited: HedgehogObject = {
      ...vpc,
      metadata: { ...vpc.metadata, labels: { team: 'blue' } },
      spec: { ...(vpc.spec as Record<string, unknown>), defaultIsolated: true },
    };
    const state = await rows(env.t, env.fabricId);
    await editDraft(env.t, state.get(vpc.metadata.name)!.id, edited);
    await createDraftOf(env.t, env.fabricId, vlanNamespace('extra', 2500));

    // What the pure function says for the same change over the same desired state.
    const expected = computeImpact(buildImpactIndex(objects), [{ action: 'update', before: vpc, after: edited }]);
    const leaves = expected.switches.map((item) => item.name);
    expect(leaves.length).toBeGreaterThan(0);

    const view = await review();
    expect(view.impact.switches.map((item) => item.name)).toEqual(leaves);
    expect(view.impact.summary).toBe(
      `affects ${leaves.length} switch${leaves.length === 1 ? '' : 'es'}: ${leaves.slice(0, 5).join(', ')}${leaves.length > 5 ? ` and ${leaves.length - 5} more` : ''}`,
    );
    for (const item of view.impact.switches) {
      expect(item.removed).toBe(false);
      expect(item.reasons.length).toBeGreaterThan(0);
      expect(item.reasons[0]).toMatchObject({
        object: { kind: 'VPC', name: vpc.metadata.name },
        relation: 'VPC_ATTACHMENT',
      });
      expect(item.reasons[0]!.via.map((step) => step.kind)).toContain('VPCAttachment');
    }
    expect(view.impact.unresolved).toEqual([]);
    const byName = new Map(view.changes.map((change) => [change.name, change]));
    expect(byName.get(vpc.metadata.name)).toMatchObject({ kind: 'VPC', action: 'UPDATE', affectedSwitches: leaves });
    // A VLANNamespace no switch lists reaches no Agent.
    expect(byName.get('extra')).toMatchObject({ action: 'CREATE', affectedSwitches: [] });
  });

  it('names the switch of a deleted server connection, by the relation it had before the delete', async () => {
    const connection = objects.find(
      (object) => object.kind === 'Connection' && (object.spec as Record<string, unknown>).unbundled !== undefined,
    )!;
    const state = await rows(env.t, env.fabricId);
    await env.t.graphqlOk(`mutation($id: ID!) { deleteResource(id: $id) { id } }`, {
      id: state.get(connection.metadata.name)!.id,
    });
    const leaf = (
      connection.spec as { unbundled: { link: { switch: { port: string } } } }
    ).unbundled.link.switch.port.split('/')[0];
    const view = await review();
    expect(view.impact.summary).toBe(`affects 1 switch: ${leaf}`);
    expect(view.impact.switches).toEqual([
      {
        name: leaf,
        namespace: 'default',
        removed: false,
        reasons: [
          {
            object: { kind: 'Connection', name: connection.metadata.name },
            action: 'DELETE',
            relation: 'CONNECTION_ENDPOINT',
            via: [],
            side: 'before',
            immediate: true,
          },
        ],
      },
    ]);
    expect(view.changes).toEqual([
      { kind: 'Connection', name: connection.metadata.name, action: 'DELETE', affectedSwitches: [leaf] },
    ]);
  });
});
