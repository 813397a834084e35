import { expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTest } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { createDraft, createFabric, createRepository, vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTest;

async function countRows(t: TestApp, fabricId: string) {
  const [row] = await queryDatabase<{ resources: string; operations: string; events: string; orphans: string }>(
    t.database.url,
    `select
       (select count(*) from resource where fabric_id = $1) as resources,
       (select count(*) from sync_operation where fabric_id = $1) as operations,
       (select count(*) from sync_event e join sync_operation o on o.id = e.operation_id where o.fabric_id = $1) as events,
       (select count(*) from sync_event e left join sync_operation o on o.id = e.operation_id where o.id is null)
         + (select count(*) from resource r left join fabric f on f.id = r.fabric_id where f.id is null)
         + (select count(*) from sync_operation s left join fabric f on f.id = s.fabric_id where f.id is null) as orphans`,
    [fabricId],
  );
  return {
    resources: Number(row?.resources),
    operations: Number(row?.operations),
    events: Number(row?.events),
    orphans: Number(row?.orphans),
  };
}

it('deleting a fabric removes its resources, operations and events, keeps the repository, and the fabric can be recreated', async ({
  t,
}) => {
  const repository = await createRepository(t, { name: 'clean-state-repo' });
  const fabric = await createFabric(t, {
    name: 'clean-state',
    gitRepositoryId: repository.id,
    gitopsDirectory: 'fabrics/clean',
  });
  for (const name of ['leaf-01', 'leaf-02', 'spine-01']) await createDraft(t, fabric.id, vlanNamespaceYaml(name));
  const services = t.app.services();
  for (const type of ['pull', 'push'] as const) {
    const operation = await services.operations.create({ fabricId: fabric.id, type, initiatedBy: 'seed' });
    await services.operations.update(operation, { status: 'completed' }, [
      { message: 'step one' },
      { message: 'step two' },
    ]);
  }
  // Another fabric whose rows must survive.
  const neighbour = await createFabric(t, { name: 'neighbour' });
  await createDraft(t, neighbour.id, vlanNamespaceYaml('neighbour-leaf'));

  expect(await countRows(t, fabric.id)).toEqual({ resources: 3, operations: 2, events: 4, orphans: 0 });

  const deleted = await t.graphqlOk(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabric.id });
  expect(deleted.deleteFabric).toBe(fabric.id);
  expect(await countRows(t, fabric.id)).toEqual({ resources: 0, operations: 0, events: 0, orphans: 0 });
  expect(await countRows(t, neighbour.id)).toMatchObject({ resources: 1 });

  const kept = await t.graphqlOk(`query($id: ID!) { gitRepository(id: $id) { name } }`, { id: repository.id });
  expect(kept.gitRepository.name).toBe('clean-state-repo');

  const recreated = await createFabric(t, {
    name: 'clean-state',
    gitRepositoryId: repository.id,
    gitopsDirectory: 'fabrics/clean',
  });
  expect(recreated.id).not.toBe(fabric.id);
  const listed = await t.graphqlOk(`query($f: ID!) { resources(fabricId: $f) { totalCount } }`, { f: recreated.id });
  expect(listed.resources.totalCount).toBe(0);
});
