/**
 * A repository whose tree holds an entry git refuses to check out (`..`, `.`, `.git`), built
 * with plumbing because git itself will not commit one. A gateway commit to it fails with an
 * error naming the path; fabrics on other repositories keep committing.
 */
import { describe, expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTestWith } from '../support/app-fixture.ts';
import { createFabric, createRepository } from '../support/fixtures.ts';
import {
  branchHead,
  createBareRepository,
  git,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
import { commitChanges, editDraft, fileOf, rows, sync, vlanNamespace } from './support.ts';

const it = appTestWith({ env: { MUTATIONS_PER_MINUTE: '1000', HEAD_CHECK: 'false' } });
it.afterAll(async () => {
  await removeScratchDirs();
});

/** Adds `<parent>/<name>/x.yaml` to the branch's root tree, with git plumbing only. */
async function addUnsafeEntry(bare: string, parent: string, name: string): Promise<string> {
  const run = (args: string[], input?: string) =>
    git(['--git-dir', bare, ...args], input === undefined ? {} : { input });
  const blob = await run(['hash-object', '-w', '--stdin'], 'sneaky: true\n');
  const inner = await run(['mktree'], `100644 blob ${blob}\tx.yaml\n`);
  const unsafe = await run(['mktree'], `040000 tree ${inner}\t${name}\n100644 blob ${blob}\tfine.txt\n`);
  const head = await run(['rev-parse', 'refs/heads/main']);
  const root = (await run(['ls-tree', head])).split('\n').filter((line) => !line.endsWith(`\t${parent}`));
  const tree = await run(['mktree'], `${[...root, `040000 tree ${unsafe}\t${parent}`].join('\n')}\n`);
  const commit = await run(['commit-tree', tree, '-p', head, '-m', `add ${parent}/${name}`]);
  await run(['update-ref', 'refs/heads/main', commit, head]);
  return commit;
}

async function fabricOn(t: TestApp, name: string) {
  const remote = await createBareRepository();
  await pushFromAnotherClone(remote, { files: fileOf(vlanNamespace('ns-a')), message: 'seed' });
  const repository = await createRepository(t, { name, url: `file://${remote}` });
  const fabric = await createFabric(t, { name, gitRepositoryId: repository.id });
  return { remote, fabricId: fabric.id };
}

describe('a tree entry git refuses to check out', () => {
  for (const name of ['..', '.', '.git']) {
    it(`"${name}": the commit fails naming the path; a fabric on another repository still commits`, async ({ t }) => {
      const slug = name.replace(/\./g, 'dot');
      const bad = await fabricOn(t, `bad-${slug}`);
      const good = await fabricOn(t, `good-${slug}`);
      const unsafeHead = await addUnsafeEntry(bad.remote, 'elsewhere', name);
      for (const { fabricId } of [bad, good]) {
        expect(await sync(t, fabricId, 'PULL')).toMatchObject({ status: 'COMPLETED' });
        await editDraft(t, (await rows(t, fabricId)).get('ns-a')!.id, vlanNamespace('ns-a', 1500));
      }

      const failed = await commitChanges(t, bad.fabricId, 'resize ns-a');
      expect(failed.status).toBe('FAILED');
      expect(failed.errorMessage).toContain(`elsewhere/${name}/x.yaml`);
      expect(failed.errorMessage).toMatch(/cannot be checked out|rename or remove it/);
      expect(failed.errorMessage).not.toMatch(/\/tmp\/|hnp-/);
      expect(await branchHead(bad.remote, 'main')).toBe(unsafeHead);
      // The draft is kept for when the repository is repaired.
      expect((await rows(t, bad.fabricId)).get('ns-a')!.draft_action).not.toBeNull();

      const committed = await commitChanges(t, good.fabricId, 'resize ns-a');
      expect(committed).toMatchObject({ status: 'COMPLETED', errorMessage: null, filesUpdated: 1 });
    });
  }
});
