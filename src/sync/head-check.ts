/**
 * The periodic head check: for every fabric with a Git repository, once per its
 * `pullIntervalSeconds`, read the branch head (one cheap request) and queue a pull when it differs
 * from `lastPulledCommit`. Lost or undelivered webhooks therefore lose nothing, only time. Several
 * gateway processes may all check: their pulls collapse on the job key.
 */
import { FabricSchema } from '../fabric/fabric.entity.ts';
import type { Logger } from '../logger.ts';
import { autoCommitState } from '../resource/resource.repository.ts';
import type { Services } from '../services.ts';
import type { FabricGit, OpenGit } from './git-access.ts';

/** What the head check is given: a unit of work per round, the way to a fabric's Git, a logger. */
export interface HeadCheckDependencies {
  openUnitOfWork: () => Pick<Services, 'em' | 'fabrics' | 'gitRepositories' | 'operations' | 'sync'>;
  openGit: OpenGit;
  logger: Logger;
}

export interface HeadCheckResult {
  checked: number;
  queued: string[];
  failed: { fabricId: string; reason: string }[];
}

export async function checkHeadsOnce(
  deps: HeadCheckDependencies,
  options: { now?: number; lastChecked?: Map<string, number> } = {},
): Promise<HeadCheckResult> {
  const now = options.now ?? Date.now();
  const services = deps.openUnitOfWork();
  const fabrics = await services.em.find(FabricSchema, { gitRepository: { $ne: null } }, { orderBy: { name: 'asc' } });
  const result: HeadCheckResult = { checked: 0, queued: [], failed: [] };
  for (const fabric of fabrics) {
    const last = options.lastChecked?.get(fabric.id);
    if (options.lastChecked && last === undefined) {
      // First sight: checked one interval from now (a start-up does not stampede the remotes).
      options.lastChecked.set(fabric.id, now);
      continue;
    }
    if (last !== undefined && now - last < fabric.pullIntervalSeconds * 1000) continue;
    options.lastChecked?.set(fabric.id, now);
    result.checked += 1;
    let git: FabricGit | null = null;
    try {
      git = await deps.openGit(services, fabric.id, 'head-check');
      const head = await git.host.getBranchHead(git.branch);
      if (head !== null && head !== fabric.lastPulledCommit) {
        const operation = await services.sync.start({
          fabricId: fabric.id,
          direction: 'PULL',
          actor: 'head-check',
          trigger: 'schedule',
          details: { seenHead: head },
        });
        result.queued.push(operation.id);
      }
    } catch (error) {
      result.failed.push({ fabricId: fabric.id, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      await git?.close();
    }
  }
  if (result.failed.length > 0) deps.logger.warn({ failed: result.failed }, 'head check could not read some branches');
  return result;
}

/**
 * Auto-commit (per fabric, off by default): once a fabric's drafts have been quiet for
 * `autoCommitQuietSeconds`, a push is queued. Nothing new since the last auto-commit attempt
 * (drafts refused or in conflict stay) means no new attempt.
 */
export async function checkAutoCommitsOnce(
  deps: Pick<HeadCheckDependencies, 'openUnitOfWork'>,
  options: { now?: number } = {},
): Promise<string[]> {
  const now = options.now ?? Date.now();
  const services = deps.openUnitOfWork();
  const fabrics = await services.em.find(
    FabricSchema,
    { autoCommitEnabled: true, gitRepository: { $ne: null } },
    { orderBy: { name: 'asc' } },
  );
  const queued: string[] = [];
  for (const fabric of fabrics) {
    const state = await autoCommitState(services.em, fabric.id);
    if (state.drafts === 0 || !state.lastDraft) continue;
    const lastDraft = state.lastDraft.getTime();
    if (now - lastDraft < fabric.autoCommitQuietSeconds * 1000) continue;
    if (state.lastAttempt && state.lastAttempt.getTime() >= lastDraft) continue;
    const operation = await services.operations.launch({
      fabricId: fabric.id,
      type: 'push',
      trigger: 'schedule',
      initiatedBy: 'auto-commit',
      jobKey: `auto-commit:${fabric.id}`,
      details: {
        message: `Auto-commit of ${state.drafts} draft(s) of ${fabric.name} after ${fabric.autoCommitQuietSeconds} s without edits`,
      },
    });
    queued.push(operation.id);
  }
  return queued;
}

/** Runs `checkHeadsOnce` every `tickMs` (fabrics are checked by their own interval); `stop()` ends it. */
export function startHeadChecks(
  deps: HeadCheckDependencies,
  options: { tickMs?: number } = {},
): { stop(): Promise<void> } {
  const lastChecked = new Map<string, number>();
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return; // a slow remote never piles checks up
    running = checkHeadsOnce(deps, { lastChecked })
      .then(() => checkAutoCommitsOnce(deps))
      .catch((error: unknown) =>
        deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'head check failed'),
      )
      .finally(() => (running = null));
  }, options.tickMs ?? 5_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
