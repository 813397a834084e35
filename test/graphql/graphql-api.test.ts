import { describe, expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { createDraft, createFabric, createRepository, vlanNamespaceYaml } from '../support/fixtures.ts';

const it = appTest;

const REPOSITORY_FIELDS = `id name url provider defaultBranch authType hasCredentials hasWebhookSecret connectionStatus
  directPushEnabled pushBranch commitAuthorName commitAuthorEmail createdAt`;

describe('Git repositories', () => {
  it('creates a repository with the documented defaults and write-only credentials', async ({ t }) => {
    const secret = 'ghp_create_secret_value_123';
    const data = await t.graphqlOk(
      `mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { ${REPOSITORY_FIELDS} } }`,
      {
        input: {
          name: 'defaults',
          url: 'https://github.com/acme/fabric',
          credentials: { token: secret },
          webhookSecret: 'hook-secret-1',
        },
      },
    );
    expect(data.createGitRepository).toMatchObject({
      name: 'defaults',
      provider: 'GITHUB',
      defaultBranch: 'main',
      authType: 'TOKEN',
      hasCredentials: true,
      hasWebhookSecret: true,
      connectionStatus: 'PENDING',
      directPushEnabled: true,
      pushBranch: '',
      commitAuthorName: 'HNP Bidirectional Sync',
      commitAuthorEmail: 'hnp-sync@hedgehog.gitops',
    });
    const listed = await t.graphqlOk(`{ gitRepositories { ${REPOSITORY_FIELDS} } }`);
    expect(JSON.stringify([data, listed])).not.toContain(secret);
    const rows = await queryDatabase<{ encrypted_credentials: string }>(
      t.database.url,
      `select encrypted_credentials from git_repository where name = 'defaults'`,
    );
    expect(rows[0]?.encrypted_credentials).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(rows[0]?.encrypted_credentials).not.toContain(secret);
  });

  it('refuses a duplicate name with DUPLICATE and stores nothing more', async ({ t }) => {
    await createRepository(t, { name: 'twice' });
    const result = await t.graphql(
      `mutation { createGitRepository(input: { name: "twice", url: "file:///x.git" }) { id } }`,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('DUPLICATE');
    const rows = await queryDatabase<{ n: string }>(
      t.database.url,
      `select count(*) as n from git_repository where name = 'twice'`,
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('reports every invalid field with its path', async ({ t }) => {
    const result = await t.graphql(
      `mutation { createGitRepository(input: { name: "", url: "https://user:pw@host/x.git", commitAuthorEmail: "nope" }) { id } }`,
    );
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('INVALID_INPUT');
    const paths = ((error?.extensions?.problems ?? []) as { path: string }[]).map((problem) => problem.path).sort();
    expect(paths).toEqual(['$.commitAuthorEmail', '$.name', '$.url']);
  });

  it('updates settings and replaces or clears credentials', async ({ t }) => {
    const repository = await createRepository(t, { credentials: { token: 'first-token-abc' } });
    const updated = await t.graphqlOk(
      `mutation($id: ID!) { updateGitRepository(id: $id, input: { directPushEnabled: false, pushBranch: "gateway/proposals", credentials: null }) { directPushEnabled pushBranch hasCredentials } }`,
      { id: repository.id },
    );
    expect(updated.updateGitRepository).toEqual({
      directPushEnabled: false,
      pushBranch: 'gateway/proposals',
      hasCredentials: false,
    });
    const reread = await t.graphqlOk(`query($id: ID!) { gitRepository(id: $id) { hasCredentials pushBranch } }`, {
      id: repository.id,
    });
    expect(reread.gitRepository).toEqual({ hasCredentials: false, pushBranch: 'gateway/proposals' });
  });

  it('refuses to delete a repository that a fabric uses, naming the fabric, and deletes it once free', async ({
    t,
  }) => {
    const repository = await createRepository(t);
    const fabric = await createFabric(t, { name: 'uses-repo', gitRepositoryId: repository.id });
    const refused = await t.graphql(`mutation($id: ID!) { deleteGitRepository(id: $id) }`, { id: repository.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'IN_USE', fabrics: ['uses-repo'] });
    await t.graphqlOk(`mutation($id: ID!) { updateFabric(id: $id, input: { gitRepositoryId: null }) { id } }`, {
      id: fabric.id,
    });
    const deleted = await t.graphqlOk(`mutation($id: ID!) { deleteGitRepository(id: $id) }`, { id: repository.id });
    expect(deleted.deleteGitRepository).toBe(repository.id);
    const gone = await t.graphql(`query($id: ID!) { gitRepository(id: $id) { id } }`, { id: repository.id });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('Fabrics', () => {
  it('creates a fabric, finds it by id and by name, and normalises the directory', async ({ t }) => {
    const repository = await createRepository(t);
    const data = await t.graphqlOk(
      `mutation($input: CreateFabricInput!) { createFabric(input: $input) { id name status gitopsDirectory gitopsDirectoryStatus syncStatus pullIntervalSeconds autoCommitEnabled gitRepository { id } kubernetes { server namespaces hasCredentials } } }`,
      {
        input: {
          name: 'dc1',
          gitRepositoryId: repository.id,
          gitopsDirectory: '/fabrics/dc1/',
          kubernetes: { server: 'https://10.0.0.1:6443', token: 'kube-token-secret', namespaces: ['default'] },
        },
      },
    );
    expect(data.createFabric).toMatchObject({
      name: 'dc1',
      status: 'PLANNED',
      gitopsDirectory: 'fabrics/dc1',
      gitopsDirectoryStatus: 'NOT_INITIALIZED',
      syncStatus: 'NEVER_SYNCED',
      pullIntervalSeconds: 60,
      autoCommitEnabled: false,
      gitRepository: { id: repository.id },
      kubernetes: { server: 'https://10.0.0.1:6443', namespaces: ['default'], hasCredentials: true },
    });
    expect(JSON.stringify(data)).not.toContain('kube-token-secret');
    const byName = await t.graphqlOk(`{ fabric(name: "dc1") { id } }`);
    expect(byName.fabric.id).toBe(data.createFabric.id);
    const byId = await t.graphqlOk(`query($id: ID!) { fabric(id: $id) { name } }`, { id: data.createFabric.id });
    expect(byId.fabric.name).toBe('dc1');
  });

  it('refuses a second fabric on the same repository directory', async ({ t }) => {
    const repository = await createRepository(t);
    await createFabric(t, { gitRepositoryId: repository.id, gitopsDirectory: 'shared' });
    const result = await t.graphql(`mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }`, {
      input: { name: 'second-on-shared', gitRepositoryId: repository.id, gitopsDirectory: 'shared/' },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('DUPLICATE');
    expect(result.errors?.[0]?.message).toContain('directory');
  });

  it('refuses directories that escape the repository', async ({ t }) => {
    for (const directory of ['../outside', 'a/../../b', 'a//b', 'bad\u0000name']) {
      const result = await t.graphql(`mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }`, {
        input: { name: `escape-${Math.random().toString(36).slice(2, 6)}`, gitopsDirectory: directory },
      });
      expect(result.errors?.[0]?.extensions?.code, directory).toBe('INVALID_INPUT');
      expect(result.errors?.[0]?.extensions?.problems?.[0]?.path).toBe('$.gitopsDirectory');
    }
  });

  it('answers NOT_FOUND for unknown ids, including ones that are not UUIDs', async ({ t }) => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const result = await t.graphql(`query($id: ID!) { fabric(id: $id) { id } }`, { id });
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});

describe('Resource drafts', () => {
  it('records a draft from YAML with its author, then updates and deletes it', async ({ t }) => {
    const fabric = await createFabric(t);
    const created = await t.graphqlOk(
      `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id kind namespace name apiVersion hasDraft desired { spec } draft { action spec draftedBy baseBlobOid } } }`,
      { f: fabric.id, y: vlanNamespaceYaml('leaf-01') },
    );
    expect(created.createResource).toMatchObject({
      kind: 'VLANNamespace',
      namespace: 'default',
      name: 'leaf-01',
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      hasDraft: true,
      desired: null,
      draft: {
        action: 'UPSERT',
        spec: { ranges: [{ from: 1000, to: 1999 }] },
        draftedBy: 'test-admin',
        baseBlobOid: null,
      },
    });
    const id = created.createResource.id;
    const updated = await t.graphqlOk(
      `mutation($id: ID!, $o: JSON!) { updateResource(id: $id, manifest: { object: $o }) { draft { spec } version } }`,
      {
        id,
        o: {
          apiVersion: 'wiring.githedgehog.com/v1beta1',
          kind: 'VLANNamespace',
          metadata: { name: 'leaf-01' },
          spec: { ranges: [{ from: 2000, to: 2999 }] },
        },
      },
    );
    expect(updated.updateResource.draft.spec.ranges).toEqual([{ from: 2000, to: 2999 }]);
    // Only ever a draft: deleting it removes the row.
    const deleted = await t.graphqlOk(`mutation($id: ID!) { deleteResource(id: $id) { id } }`, { id });
    expect(deleted.deleteResource).toBeNull();
    const rows = await queryDatabase(t.database.url, `select id from resource where id = $1`, [id]);
    expect(rows).toHaveLength(0);
  });

  it('keeps a deletion of a Git-backed object as a delete draft', async ({ t }) => {
    const fabric = await createFabric(t);
    const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('spine-01'));
    // Simulate that the object reached Git (the sync issue does this through a pull).
    await queryDatabase(
      t.database.url,
      `update resource set desired_spec = '{"role":"spine"}', desired_blob_oid = 'abc', draft_action = null where id = $1`,
      [draft.id],
    );
    const deleted = await t.graphqlOk(
      `mutation($id: ID!) { deleteResource(id: $id) { draft { action baseBlobOid } desired { spec } } }`,
      { id: draft.id },
    );
    expect(deleted.deleteResource).toEqual({
      draft: { action: 'DELETE', baseBlobOid: 'abc' },
      desired: { spec: { role: 'spine' } },
    });
    const discarded = await t.graphqlOk(`mutation($id: ID!) { discardResourceDraft(id: $id) { hasDraft } }`, {
      id: draft.id,
    });
    expect(discarded.discardResourceDraft).toEqual({ hasDraft: false });
  });

  it('drops the conflict with the draft it was about when the draft is discarded', async ({ t }) => {
    const fabric = await createFabric(t);
    const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('conflicted-01'));
    // A draft a pull flagged (the sync tests reach this through Git).
    await queryDatabase(
      t.database.url,
      `update resource set desired_spec = '{"role":"spine"}', desired_blob_oid = 'abc', conflict_status = 'detected', conflict_details = '{"paths":[]}' where id = $1`,
      [draft.id],
    );
    const discarded = await t.graphqlOk(
      `mutation($id: ID!) { discardResourceDraft(id: $id) { hasDraft conflictStatus conflictDetails { commit } } }`,
      { id: draft.id },
    );
    // Left behind, the status would hold the next draft of this object back from every push.
    expect(discarded.discardResourceDraft).toEqual({ hasDraft: false, conflictStatus: 'NONE', conflictDetails: null });
  });

  it('refuses malformed YAML with line and column, and stores nothing', async ({ t }) => {
    const fabric = await createFabric(t);
    const result = await t.graphql(
      `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
      {
        f: fabric.id,
        y: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: [unclosed\n',
      },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const problem = result.errors?.[0]?.extensions?.problems?.[0];
    expect(problem.line).toBeGreaterThanOrEqual(4);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    const rows = await queryDatabase(t.database.url, `select id from resource where fabric_id = $1`, [fabric.id]);
    expect(rows).toHaveLength(0);
  });

  it('refuses a manifest without kind or name, pointing at where they belong', async ({ t }) => {
    const fabric = await createFabric(t);
    const result = await t.graphql(
      `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
      {
        f: fabric.id,
        y: 'apiVersion: wiring.githedgehog.com/v1beta1\nmetadata:\n  labels: {}\nspec: {}\n',
      },
    );
    const problems = result.errors?.[0]?.extensions?.problems as { path: string; line: number; column: number }[];
    expect(problems.map((problem) => problem.path)).toEqual(['$.kind', '$.metadata.name']);
    expect(problems[1]).toMatchObject({ line: 3, column: 3 });
  });

  it('refuses a second create of the same object and a rename through update', async ({ t }) => {
    const fabric = await createFabric(t);
    const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('leaf-dup'));
    const again = await t.graphql(
      `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
      { f: fabric.id, y: vlanNamespaceYaml('leaf-dup') },
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'DUPLICATE', resourceId: draft.id });
    const renamed = await t.graphql(
      `mutation($id: ID!, $y: String!) { updateResource(id: $id, manifest: { yaml: $y }) { id } }`,
      { id: draft.id, y: vlanNamespaceYaml('other-name') },
    );
    expect(renamed.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });

  it('pages, filters and caps the resource list', async ({ t }) => {
    const fabric = await createFabric(t);
    for (let index = 0; index < 12; index++)
      await createDraft(t, fabric.id, vlanNamespaceYaml(`page-${String(index).padStart(2, '0')}`));
    const first = await t.graphqlOk(
      `query($f: ID!) { resources(fabricId: $f, first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`,
      { f: fabric.id },
    );
    expect(first.resources.totalCount).toBe(12);
    expect(first.resources.edges.map((edge: { node: { name: string } }) => edge.node.name)).toEqual([
      'page-00',
      'page-01',
      'page-02',
      'page-03',
      'page-04',
    ]);
    const next = await t.graphqlOk(
      `query($f: ID!, $after: String) { resources(fabricId: $f, first: 5, after: $after) { edges { node { name } } } }`,
      { f: fabric.id, after: first.resources.pageInfo.endCursor },
    );
    expect(next.resources.edges[0].node.name).toBe('page-05');
    const searched = await t.graphqlOk(
      `query($f: ID!) { resources(fabricId: $f, search: "GE-1", hasDraft: true, kind: "VLANNamespace") { totalCount } }`,
      { f: fabric.id },
    );
    expect(searched.resources.totalCount).toBe(2);
    const tooMany = await t.graphql(`query($f: ID!, $n: Int) { resources(fabricId: $f, first: $n) { totalCount } }`, {
      f: fabric.id,
      n: 100000,
    });
    expect(tooMany.errors?.[0]?.extensions?.code, JSON.stringify(tooMany.errors)).toBe('INVALID_INPUT');
  });
});

describe('Errors', () => {
  it('masks unexpected failures and logs them', async ({ t }) => {
    // A JSON scalar inside an invalid enum position is a validation error: passes through.
    const invalid = await t.graphql(`{ fabrics { nope } }`);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
