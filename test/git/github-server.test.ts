/**
 * The GitHub test server itself, spoken to with plain fetch: it must reject what GitHub rejects
 * (so the adapter's tests mean something) and really commit into its bare repository.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gitLog, pushFromAnotherClone, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { startGitHubServer } from '../support/github-server/github-server.ts';

afterAll(removeScratchDirs);

describe('GitHub test server', () => {
  it('rejects queries that do not fit GitHub schema, wrong tokens, and commits for real', async () => {
    const server = await startGitHubServer();
    const post = (query: string, variables: Record<string, unknown> = {}, token = server.token) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          authorization: `bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/vnd.github.v4+json',
        },
        body: JSON.stringify({ query, variables }),
      });
    try {
      const invalid = await post('query Bad { repository(owner: "hedgehog", name: "fabric-gitops") { noSuchField } }');
      expect(invalid.status).toBe(200);
      expect(((await invalid.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/noSuchField/);
      expect(server.rejectedQueries).toHaveLength(1);
      server.rejectedQueries.length = 0;

      expect((await post('query { rateLimit { remaining } }', {}, 'wrong')).status).toBe(401);

      const base = await pushFromAnotherClone(server.repositoryDir, { files: { 'a.txt': 'a' } });
      const committed = await post(
        `mutation Commit($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`,
        {
          input: {
            branch: { repositoryNameWithOwner: 'hedgehog/fabric-gitops', branchName: 'main' },
            expectedHeadOid: base,
            message: { headline: 'From the API', body: 'Body' },
            fileChanges: {
              additions: [{ path: 'b.txt', contents: Buffer.from('bee').toString('base64') }],
              deletions: [{ path: 'a.txt' }],
            },
          },
        },
      );
      const oid = ((await committed.json()) as { data: { createCommitOnBranch: { commit: { oid: string } } } }).data
        .createCommitOnBranch.commit.oid;
      const [head] = await gitLog(server.repositoryDir, 'main');
      expect(head).toMatchObject({ oid, parents: [base], message: 'From the API\n\nBody', authorName: 'hnp-test-bot' });
      expect((await readFileAt(server.repositoryDir, oid, 'b.txt')).toString()).toBe('bee');

      const stale = await post(
        `mutation Commit($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`,
        {
          input: {
            branch: { repositoryNameWithOwner: 'hedgehog/fabric-gitops', branchName: 'main' },
            expectedHeadOid: base,
            message: { headline: 'stale' },
          },
        },
      );
      expect(((await stale.json()) as { errors: { type: string; message: string }[] }).errors[0]).toMatchObject({
        type: 'STALE_DATA',
        message: expect.stringMatching(/^Expected branch to point to/),
      });
      expect(server.requestCount('Commit')).toBe(2);
      expect(server.rejectedQueries).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('compares two commits as GitHub does: from the merge base, renames found, files on page 1 only', async () => {
    const server = await startGitHubServer();
    const get = async (basehead: string, query = '', token = server.token) => {
      const response = await fetch(`${server.url}/repos/${server.owner}/${server.name}/compare/${basehead}${query}`, {
        headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json' },
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    try {
      const base = await pushFromAnotherClone(server.repositoryDir, { files: { 'a.txt': 'a\n', 'old.txt': 'same\n' } });
      const head = await pushFromAnotherClone(server.repositoryDir, {
        files: { 'a.txt': 'A\n', 'new.txt': 'same\n' },
        deletions: ['old.txt'],
      });
      const ahead = await get(`${base}...${head}`, '?per_page=1');
      expect(ahead.status).toBe(200);
      expect(ahead.body).toMatchObject({
        status: 'ahead',
        ahead_by: 1,
        behind_by: 0,
        total_commits: 1,
        merge_base_commit: { sha: base },
      });
      expect(ahead.body.commits.map((commit: { sha: string }) => commit.sha)).toEqual([head]);
      expect(
        ahead.body.files.map((file: Record<string, string>) => [file.status, file.filename, file.previous_filename]),
      ).toEqual([
        ['modified', 'a.txt', undefined],
        ['renamed', 'new.txt', 'old.txt'],
      ]);
      expect((await get(`${base}...${head}`, '?per_page=1&page=2')).body.files).toBeUndefined();
      expect((await get(`${head}...${base}`)).body).toMatchObject({ status: 'behind', files: [] });
      expect((await get(`${head}...${head}`)).body).toMatchObject({ status: 'identical', files: [] });

      // A rewritten head: the comparison runs from the merge base, so it shows only the new side.
      const amended = await pushFromAnotherClone(server.repositoryDir, { files: { 'b.txt': 'b\n' }, amend: true });
      const diverged = await get(`${head}...${amended}`);
      expect(diverged.body).toMatchObject({
        status: 'diverged',
        ahead_by: 1,
        behind_by: 1,
        merge_base_commit: { sha: base },
      });
      expect(diverged.body.files.map((file: Record<string, string>) => file.filename)).toEqual([
        'a.txt',
        'b.txt',
        'new.txt',
      ]);

      expect((await get(`${'0'.repeat(40)}...${head}`)).status).toBe(404);
      expect((await get(`${base}..${head}`)).status).toBe(404);
      expect((await get(`${base}...${head}`, '', 'wrong')).status).toBe(401);
      expect(server.requestCount('rest:compare')).toBe(8);
    } finally {
      await server.close();
    }
  });
  it('lists trees as GitHub does: any `recursive` value recurses, answers beyond the limit are cut and flagged', async () => {
    const server = await startGitHubServer({ maxTreeEntries: 5 });
    const get = async (sha: string, query = '') => {
      const response = await fetch(`${server.url}/repos/${server.owner}/${server.name}/git/trees/${sha}${query}`, {
        headers: { authorization: `token ${server.token}`, accept: 'application/vnd.github+json' },
      });
      return {
        status: response.status,
        body: (await response.json()) as { sha: string; truncated: boolean; tree: Record<string, unknown>[] },
      };
    };
    try {
      const head = await pushFromAnotherClone(server.repositoryDir, {
        files: { 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'dir/sub/c.txt': 'c\n' },
      });
      const root = await get(head);
      expect(root.status).toBe(200);
      expect(root.body.truncated).toBe(false);
      expect(root.body.tree.map((entry) => [entry.path, entry.type, entry.mode])).toEqual([
        ['a.txt', 'blob', '100644'],
        ['dir', 'tree', '040000'],
      ]);
      expect(root.body.tree[0]).toMatchObject({ size: 2 });
      expect(root.body.tree[1]).not.toHaveProperty('size');
      for (const query of ['?recursive=1', '?recursive=0', '?recursive=false']) {
        const whole = await get(head, query);
        expect(whole.body.truncated).toBe(false);
        expect(whole.body.tree.map((entry) => entry.path)).toEqual([
          'a.txt',
          'dir',
          'dir/b.txt',
          'dir/sub',
          'dir/sub/c.txt',
        ]);
      }
      server.state.maxTreeEntries = 3;
      const cut = await get(head, '?recursive=1');
      expect(cut.body).toMatchObject({ truncated: true });
      expect(cut.body.tree.map((entry) => entry.path)).toEqual(['a.txt', 'dir', 'dir/b.txt']);
      expect((await get('0'.repeat(40))).status).toBe(404);
      expect(server.requestCount('rest:getTree')).toBe(6);
    } finally {
      await server.close();
    }
  });
});
