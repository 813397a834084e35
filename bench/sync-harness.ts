/** Shared set-up of the sync benchmarks: a real gateway (test database), a remote, a fabric. */
import { join } from 'node:path';
import { CliGitHost } from '../src/git/cli/cli-git-host.ts';
import { managedFilePath, renderCanonicalYaml, type HedgehogObject } from '../src/hedgehog/canonical.ts';
import { topics } from '../src/events/event-bus.ts';
import { createBareRepository, makeScratchDir } from '../test/support/git-fixtures.ts';
import { startGitHubServer, type GitHubServer } from '../test/support/github-server/github-server.ts';
import { startTestApp, type TestApp } from '../test/support/test-app.ts';

export const vlanNamespace = (name: string, to: number): HedgehogObject => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name, namespace: 'default' },
  spec: { ranges: [{ from: 1000, to }] },
});

export interface Bench {
  t: TestApp;
  fabricId: string;
  remote: string;
  github: GitHubServer | null;
  /** Commits files to the remote as someone else would (native adapter, one commit). */
  commitElsewhere(files: HedgehogObject[], message: string): Promise<string>;
  run(
    type: 'pull' | 'push',
    details?: Record<string, unknown>,
  ): Promise<{ ms: number; operation: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startBench(options: { adapter: 'git' | 'github'; name: string }): Promise<Bench> {
  const github = options.adapter === 'github' ? await startGitHubServer() : null;
  const remote = github ? github.repositoryDir : await createBareRepository();
  const t = await startTestApp({
    env: { HEAD_CHECK: 'false', LOG_LEVEL: 'warn', ...(github ? { GITHUB_API_URL: github.url } : {}) },
  });
  const services = t.app.services();
  const repository = await services.gitRepositories.create(
    github
      ? {
          name: options.name,
          url: `https://github.com/${github.owner}/${github.name}`,
          provider: 'github',
          credentials: { token: github.token },
        }
      : { name: options.name, url: `file://${remote}` },
  );
  const fabric = await services.fabrics.create({ name: options.name, gitRepositoryId: repository.id });
  const writer = new CliGitHost({
    remoteUrl: `file://${remote}`,
    cacheDir: join(await makeScratchDir('bench-cache-'), 'c'),
  });
  return {
    t,
    fabricId: fabric.id,
    remote,
    github,
    async commitElsewhere(objects, message) {
      const head = await writer.getBranchHead('main');
      const result = await writer.commit({
        branch: 'main',
        expectedHeadOid: head,
        message,
        deletions: [],
        additions: objects.map((object) => ({
          path: `fabric/${managedFilePath(object)}`,
          contents: renderCanonicalYaml(object),
        })),
      });
      if (result.status !== 'committed') throw new Error('the remote moved');
      return result.oid;
    },
    async run(type, details = {}) {
      // Timed from the launch to the operation's own end (its last update on the event bus), not
      // to the runner's idle: a job queue may tidy up after the operation has ended.
      const updates = t.app.eventBus.subscribe<{ operationId: string; status: string }>(topics.fabric(fabric.id));
      const started = performance.now();
      const operation = await t.app
        .services()
        .operations.launch({ fabricId: fabric.id, type, initiatedBy: 'bench', details });
      for await (const update of updates) {
        if (update.operationId === operation.id && ['completed', 'failed', 'cancelled'].includes(update.status)) break;
      }
      const ms = performance.now() - started;
      await t.app.runner.idle();
      const done = await t.app.services().operations.get(operation.id);
      if (done.status !== 'completed') throw new Error(`${type} ${done.status}: ${done.errorMessage}`);
      return { ms, operation: done as unknown as Record<string, unknown> };
    },
    async stop() {
      await writer.close();
      await t.stop();
      await github?.close();
    },
  };
}
