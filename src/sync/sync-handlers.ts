/**
 * The operation handlers of the sync: pull, push, bidirectional (pull then push, one operation)
 * and conflict_resolution. Registered by the composition root; launched by the GraphQL
 * mutations, the webhook and the head check.
 */
import { DomainError } from '../errors.ts';
import type { OperationHandlers, OperationStepsContext } from './launch-operation.ts';
import { launchOperation } from './launch-operation.ts';
import { openFabricGit } from './git-access.ts';
import { publishTo, pullFabric, type PullContext, type PullResult } from './pull.ts';
import { pushFabric } from './push.ts';
import { applyResolution, type ResolutionStrategy } from './conflict-resolution.ts';
import type { SyncOperation } from './sync-operation.entity.ts';
import { cancelTopic } from './sync-commands.ts';

export function registerSyncHandlers(handlers: OperationHandlers): void {
  handlers.pull = (context) => withGit(context, async (pull) => pullCounters(await pullFabric(pull), context));
  handlers.push = (context) => withGit(context, (pull, repository) => pushAndCount(context, pull, repository));
  handlers.bidirectional = handlers.push;
  handlers.conflict_resolution = async (context) => {
    const { resourceId, strategy, merged } = context.operation.details as { resourceId: string; strategy: ResolutionStrategy; merged?: unknown };
    const resource = await context.services.resources.get(resourceId);
    if (resource.fabric.id !== context.operation.fabric.id) throw new DomainError('INVALID_INPUT', 'the resource belongs to another fabric');
    const outcome = applyResolution(resource, { strategy, merged, actor: context.operation.initiatedBy });
    await context.services.em.flush();
    await context.operations.update(context.operation, { phase: 'resolved' }, [{ message: outcome, path: `${resource.kind}/${resource.name}` }]);
    publishTo(context.dependencies.eventBus, resource.fabric.id)({ type: 'CONFLICT_RESOLVED', resourceId, strategy });
    // GUI_WINS means "push mine": the push runs in this same operation, right after.
    if (strategy === 'GUI_WINS') return withGit(context, (pull, repository) => pushAndCount(context, pull, repository));
  };
}

async function withGit<T>(context: OperationStepsContext, work: (pull: PullContext, repository: import('../fabric/git-repository.entity.ts').GitRepository) => Promise<T>): Promise<T> {
  // Cancelled by the runner's signal (shutdown) or by cancelSyncOperation.
  const cancel = new AbortController();
  const requests = context.dependencies.eventBus.subscribe(cancelTopic(context.operation.id), { signal: cancel.signal });
  void (async () => {
    for await (const _request of requests) {
      cancel.abort();
      break;
    }
  })().catch(() => {});
  const signal = AbortSignal.any([context.signal, cancel.signal]);
  let git: Awaited<ReturnType<typeof openFabricGit>> | null = null;
  try {
    git = await openFabricGit(context.dependencies, context.services, context.operation.fabric.id, context.operation.id);
    const pull: PullContext = {
      em: context.services.em, operations: context.operations, operation: context.operation, signal,
      fabric: git.fabric, host: git.host, branch: git.branch, publish: publishTo(context.dependencies.eventBus, git.fabric.id),
    };
    return await work(pull, git.repository);
  } finally {
    await git?.close();
    await requests.return?.();
  }
}

async function pushAndCount(context: OperationStepsContext, pull: PullContext, repository: import('../fabric/git-repository.entity.ts').GitRepository): Promise<Partial<SyncOperation>> {
  const details = context.operation.details as { message?: string | null };
  const result = await pushFabric(pull, {
    repository, message: details.message ?? null, actor: context.operation.initiatedBy, maxAttempts: context.dependencies.config.pushMaxAttempts,
  });
  const pulled = result.pulls.reduce((sum, one) => sum + one.filesCreated + one.filesUpdated + one.filesDeleted, 0);
  await launchIngestionIfNeeded(context, result.pulls);
  return {
    filesProcessed: result.written + pulled,
    filesCreated: result.pulls.reduce((sum, one) => sum + one.filesCreated, 0),
    filesUpdated: result.written + result.pulls.reduce((sum, one) => sum + one.filesUpdated, 0),
    filesDeleted: result.pulls.reduce((sum, one) => sum + one.filesDeleted, 0),
    commitSha: result.commitOid,
    pullRequestUrl: result.pullRequestUrl,
    details: {
      ...context.operation.details,
      push: {
        branch: result.branch, attempts: result.attempts, written: result.written, unchanged: result.unchanged,
        conflicted: result.conflicted, refused: result.refused,
      },
    },
  };
}

async function pullCounters(result: PullResult, context: OperationStepsContext): Promise<Partial<SyncOperation>> {
  await launchIngestionIfNeeded(context, [result]);
  return {
    filesProcessed: result.filesCreated + result.filesUpdated + result.filesDeleted,
    filesCreated: result.filesCreated,
    filesUpdated: result.filesUpdated,
    filesDeleted: result.filesDeleted,
    details: {
      ...context.operation.details,
      pull: { head: result.headOid, upToDate: result.upToDate, conflicts: result.conflicts, merged: result.merged, rawFiles: result.rawFiles.length },
    },
  };
}

/**
 * Files waiting in raw/ are handed to the ingestion operation (GitOps directory manager), queued
 * right behind this one on the fabric's queue. Without an ingestion handler they are reported.
 */
async function launchIngestionIfNeeded(context: OperationStepsContext, pulls: readonly PullResult[]): Promise<void> {
  const raw = pulls.flatMap((pull) => pull.rawFiles);
  if (raw.length === 0) return;
  if (!context.dependencies.operationHandlers.ingestion) {
    await context.operations.update(context.operation, {}, [{ level: 'warning', message: `${raw.length} file(s) wait in raw/; no ingestion is available in this gateway` }]);
    return;
  }
  const ingestion = await launchOperation(context.dependencies, context.services, {
    fabricId: context.operation.fabric.id, type: 'ingestion', trigger: context.operation.trigger,
    initiatedBy: context.operation.initiatedBy, jobKey: `ingestion:${context.operation.fabric.id}`,
  });
  await context.operations.update(context.operation, {}, [{ message: `${raw.length} raw file(s): ingestion queued as operation ${ingestion.id}` }]);
}
