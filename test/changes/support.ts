/** Helpers of the change-record tests: rows of `change` and `change_object`, events, merging a pull request. */
import { join } from 'node:path';
import { topics } from '../../src/events/event-bus.ts';
import type { FabricEvent } from '../../src/events/fabric-events.ts';
import { queryDatabase } from '../support/database.ts';
import { git, makeScratchDir } from '../support/git-fixtures.ts';
import type { GatewayWithRemote } from '../support/remote-gateway.ts';

export interface ChangeRowView {
  id: string;
  source: string;
  stage: string;
  commit_oid: string;
  branch: string;
  message: string;
  actor: string | null;
  author_name: string;
  author_email: string;
  commits: { oid: string; message: string; authorName: string }[];
  operation_id: string | null;
  pull_request_url: string | null;
  pull_request_number: number | null;
  pull_request_state: string | null;
  merge_commit_oid: string | null;
  stages: { stage: string; at: string; detail?: string }[];
  open: boolean;
  landed_at: Date | null;
  object_count: number;
  objects_behind: string[];
  switches: { namespace: string; name: string; removed: boolean; immediate: boolean; relations: string[] }[];
  switches_behind: string[];
  impact_summary: string;
  impact_unresolved: string[];
  superseded_by: string | null;
  version: number;
}

/** The fabric's changes, oldest first. */
export function changeRows(env: GatewayWithRemote, fabricId = env.fabricId): Promise<ChangeRowView[]> {
  return queryDatabase<ChangeRowView>(
    env.t.database.url,
    'select * from change where fabric_id = $1 order by created_at, id',
    [fabricId],
  );
}

export interface ChangeObjectView {
  kind: string;
  namespace: string;
  name: string;
  action: string;
  resource_id: string | null;
  committed: { apiVersion: string; spec: unknown; labels: unknown; annotations: unknown } | null;
  previous: { apiVersion: string; spec: unknown; labels: unknown; annotations: unknown } | null;
}

/** A change's objects, in the order recorded. */
export function changeObjectRows(env: GatewayWithRemote, changeId: string): Promise<ChangeObjectView[]> {
  return queryDatabase<ChangeObjectView>(
    env.t.database.url,
    'select * from change_object where change_id = $1 order by id',
    [changeId],
  );
}

/** Collects the fabric's CHANGE_UPDATED events from the app's event bus until `stop`. */
export function changeEvents(env: GatewayWithRemote) {
  const events: (FabricEvent & { type: 'CHANGE_UPDATED' })[] = [];
  const subscription = env.t.app.eventBus.subscribe<FabricEvent>(topics.fabric(env.fabricId));
  const done = (async () => {
    for await (const event of subscription) if (event.type === 'CHANGE_UPDATED') events.push(event);
  })();
  return {
    events,
    async stop() {
      await subscription.return?.();
      await done;
    },
  };
}

/**
 * Merges `branch` into `main` of the remote as GitHub's merge button does (a merge commit, by
 * someone else), and marks the test server's pull request merged. Returns the merge commit.
 */
export async function mergeOnRemote(env: GatewayWithRemote, branch: string, number: number): Promise<string> {
  const work = join(await makeScratchDir('hnp-merge-'), 'work');
  await git(['clone', '--quiet', env.remote, work]);
  await git(['checkout', '--quiet', 'main'], { cwd: work });
  await git(['merge', '--quiet', '--no-ff', '-m', `Merge pull request #${number} from ${branch}`, `origin/${branch}`], {
    cwd: work,
  });
  await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], { cwd: work });
  const record = env.github?.state.pullRequests.find((pullRequest) => pullRequest.number === number);
  if (record) record.state = 'MERGED';
  return git(['rev-parse', 'HEAD'], { cwd: work });
}
