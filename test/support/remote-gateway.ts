/**
 * A running gateway with one fabric wired to a real remote, per adapter: a file:// bare
 * repository for the native git adapter, the GitHub test server (itself backed by a bare
 * repository) for the GitHub adapter. Tests drive the gateway through GraphQL and look at the
 * remote with the git CLI.
 */
import { createFabric, createRepository } from './fixtures.ts';
import { createBareRepository } from './git-fixtures.ts';
import { startGitHubServer, type GitHubServer } from './github-server/github-server.ts';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.ts';

export interface GatewayWithRemote {
  t: TestApp;
  fabricId: string;
  repositoryId: string;
  /** Bare repository that receives the gateway's commits; inspect it with the git CLI. */
  remote: string;
  github?: GitHubServer;
  stop(): Promise<void>;
}

export interface TAdapter {
  name: 'git' | 'github';
  start(options?: {
    directory?: string;
    env?: Record<string, string>;
    openGitHost?: TestAppOptions['openGitHost'];
  }): Promise<GatewayWithRemote>;
}

async function fabricFor(t: TestApp, repository: Record<string, unknown>, directory: string | undefined) {
  const record = await createRepository(t, repository);
  const fabric = await createFabric(t, {
    gitRepositoryId: record.id,
    ...(directory !== undefined ? { gitopsDirectory: directory } : {}),
  });
  return { fabricId: fabric.id, repositoryId: record.id };
}

export const tAdapters: TAdapter[] = [
  {
    name: 'git',
    async start(options = {}) {
      const remote = await createBareRepository();
      const t = await startTestApp({ env: options.env ?? {}, openGitHost: options.openGitHost });
      const ids = await fabricFor(t, { url: `file://${remote}`, provider: 'GIT' }, options.directory);
      return { t, remote, ...ids, stop: () => t.stop() };
    },
  },
  {
    name: 'github',
    async start(options = {}) {
      // The test server serves one repository and GITHUB_API_URL is one setting per app.
      const github = await startGitHubServer();
      const t = await startTestApp({
        env: { ...options.env, GITHUB_API_URL: github.url },
        openGitHost: options.openGitHost,
      });
      const ids = await fabricFor(
        t,
        {
          url: `https://github.com/${github.owner}/${github.name}`,
          provider: 'GITHUB',
          credentials: { token: github.token },
        },
        options.directory,
      );
      return {
        t,
        github,
        remote: github.repositoryDir,
        ...ids,
        async stop() {
          await t.stop();
          await github.close();
          if (github.rejectedQueries.length > 0)
            throw new Error(`GitHub would reject: ${JSON.stringify(github.rejectedQueries)}`);
        },
      };
    },
  },
];

const EVENT_PAGE = 'pageInfo { hasNextPage endCursor } edges { node { level message path } }';

/** The log comes as a connection (SyncEventConnection); `withEventList` reads all of it as a list. */
export const OPERATION_FIELDS = `id operationType status phase errorMessage commitSha filesProcessed filesCreated filesUpdated filesDeleted details initiatedBy events(first: 100) { ${EVENT_PAGE} }`;

type EventLine = { level: string; message: string; path: string | null };
type EventPage = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: EventLine }[] };

/** An operation as OPERATION_FIELDS reads it, with its whole log as a list (later pages read as needed). */
export async function withEventList<T extends { id: string; events: unknown }>(
  t: TestApp,
  operation: T,
): Promise<Omit<T, 'events'> & { events: EventLine[] }> {
  let page = operation.events as EventPage;
  const events = page.edges.map((edge) => edge.node);
  while (page.pageInfo.hasNextPage) {
    const next = await t.graphqlOk<{ syncOperation: { events: EventPage } }>(
      `query($id: ID!, $after: String) { syncOperation(id: $id) { events(first: 100, after: $after) { ${EVENT_PAGE} } } }`,
      { id: operation.id, after: page.pageInfo.endCursor },
    );
    page = next.syncOperation.events;
    events.push(...page.edges.map((edge) => edge.node));
  }
  return { ...operation, events };
}

export interface OperationResult {
  id: string;
  operationType: string;
  status: string;
  phase: string;
  errorMessage: string | null;
  commitSha: string | null;
  filesProcessed: number;
  filesCreated: number;
  filesUpdated: number;
  filesDeleted: number;
  details: Record<string, any>;
  initiatedBy: string;
  events: { level: string; message: string; path: string | null }[];
}
