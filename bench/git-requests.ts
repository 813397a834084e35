/**
 * Git adapter figures: one commit of N generated YAML files, then reading the tree and every
 * blob back, through the native git adapter (file:// bare remote) and through the GitHub test
 * server. Prints wall time, commits made, and git commands / GitHub requests per step.
 *
 *   node bench/git-requests.ts [files=10000]
 */
import { join } from 'node:path';
import { CliGitHost } from '../src/git/cli/cli-git-host.ts';
import type { GitHost } from '../src/git/git-host.ts';
import { GitHubHost } from '../src/git/github/github-host.ts';
import { createBareRepository, gitLog, makeScratchDir, removeScratchDirs } from '../test/support/git-fixtures.ts';
import { startGitHubServer } from '../test/support/github-server/github-server.ts';

const fileCount = Number(process.argv[2] ?? 10_000);

function generatedFiles(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    path: `managed/connections/conn-${String(index).padStart(5, '0')}.yaml`,
    contents: `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: conn-${index}\n  namespace: default\nspec:\n  unbundled:\n    link:\n      server: { port: server-${index}/enp2s1 }\n      switch: { port: leaf-${index % 5}/E1/${(index % 48) + 1} }\n`,
  }));
}

async function measure(label: string, host: GitHost, remote: string, counter: () => number) {
  const files = generatedFiles(fileCount);
  const rows: string[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const before = counter();
    const started = performance.now();
    const result = await run();
    rows.push(
      `  ${name.padEnd(34)} ${(performance.now() - started).toFixed(0).padStart(7)} ms ${String(counter() - before).padStart(6)} ${label === 'github' ? 'requests' : 'git commands'}`,
    );
    return result;
  };
  const committed = await step(`commit ${fileCount} files (empty repo)`, () =>
    host.commit({
      branch: 'main',
      expectedHeadOid: null,
      message: `Add ${fileCount} connections`,
      additions: files,
      deletions: [],
    }),
  );
  if (committed.status !== 'committed') throw new Error(`commit failed: ${JSON.stringify(committed)}`);
  const head = await step('read head', () => host.getBranchHead('main'));
  const tree = await step('read tree managed/', () => host.readTree(head ?? '', 'managed'));
  const blobs = await step(`read ${tree.length} blobs`, () => host.readBlobs(tree.map((entry) => entry.oid)));
  const changed = await step('commit 100 changes + 100 deletions', () =>
    host.commit({
      branch: 'main',
      expectedHeadOid: head,
      message: 'Change 100, delete 100',
      additions: files.slice(0, 100).map((file) => ({ ...file, contents: `${file.contents}# changed\n` })),
      deletions: files.slice(100, 200).map((file) => ({ path: file.path })),
    }),
  );
  const commits = (await gitLog(remote, 'main')).length;
  console.log(
    `${label}: ${commits} commit(s) in the remote, ${blobs.size} blobs read back, last commit ${changed.status}`,
  );
  for (const row of rows) console.log(row);
}

try {
  {
    const remote = await createBareRepository();
    let commands = 0;
    const host = new CliGitHost({
      remoteUrl: `file://${remote}`,
      cacheDir: join(await makeScratchDir(), 'cache'),
      onCommand: () => commands++,
    });
    await measure('git', host, remote, () => commands);
  }
  {
    const server = await startGitHubServer();
    const host = new GitHubHost({ owner: server.owner, name: server.name, token: server.token, baseUrl: server.url });
    try {
      await measure('github', host, server.repositoryDir, () => host.requestCount);
      console.log(`  requests by operation: ${JSON.stringify(Object.fromEntries(host.requestsByOperation))}`);
    } finally {
      await server.close();
    }
  }
} finally {
  await removeScratchDirs();
}
