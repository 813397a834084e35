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
        headers: { authorization: `bearer ${token}`, 'content-type': 'application/json', accept: 'application/vnd.github.v4+json' },
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
            fileChanges: { additions: [{ path: 'b.txt', contents: Buffer.from('bee').toString('base64') }], deletions: [{ path: 'a.txt' }] },
          },
        },
      );
      const oid = ((await committed.json()) as { data: { createCommitOnBranch: { commit: { oid: string } } } }).data.createCommitOnBranch.commit.oid;
      const [head] = await gitLog(server.repositoryDir, 'main');
      expect(head).toMatchObject({ oid, parents: [base], message: 'From the API\n\nBody', authorName: 'hnp-test-bot' });
      expect((await readFileAt(server.repositoryDir, oid, 'b.txt')).toString()).toBe('bee');

      const stale = await post(
        `mutation Commit($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`,
        { input: { branch: { repositoryNameWithOwner: 'hedgehog/fabric-gitops', branchName: 'main' }, expectedHeadOid: base, message: { headline: 'stale' } } },
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
});
