/**
 * The operation handlers of the sync: pull, push, bidirectional (pull then push, one operation)
 * and conflict_resolution; YAML a pull finds in raw/ is ingested inside the same operation.
 * Registered by the composition root; launched by the GraphQL mutations, the webhook and the
 * head check.
 */
import type { Config } from '../config.ts';
import { DomainError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { GitRepository } from '../fabric/git-repository.entity.ts';
import { cancellable } from '../operations/cancellable.ts';
import { OperationCancelledError } from '../operations/cancellation.ts';
import type { OperationContext, OperationHandlers } from '../operations/operation-handler.ts';
import { isOperationPhase, type OperationPhase } from '../operations/operation-phases.ts';
import type { SyncOperation } from '../operations/sync-operation.entity.ts';
import type { Services } from '../services.ts';
import type { FabricGit, OpenGit } from './git-access.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import { pullFabric, type PullContext, type PullResult } from './pull.ts';
import { pushFabric } from './push.ts';
import { applyResolution, type ResolutionStrategy } from './conflict-resolution.ts';
import { conflictPathsOf } from './conflicts.ts';
import { isYamlFile } from '../gitops/fabric-paths.ts';

/** What the sync handlers use besides their operation's unit of work; given at registration. */
export interface SyncHandlerDependencies {
  eventBus: EventBus;
  config: Pick<Config, 'pushMaxAttempts'>;
  openGit: OpenGit;
}

type SyncContext = OperationContext<Services>;

export function registerSyncHandlers(handlers: OperationHandlers<Services>, deps: SyncHandlerDependencies): void {
  const withGit = <T>(context: SyncContext, work: (pull: PullContext, repository: GitRepository) => Promise<T>) =>
    withFabricGit(deps, context, work);
  const pushAndCount = (context: SyncContext, pull: PullContext, repository: GitRepository) =>
    pushAndCountWith(deps, context, pull, repository);
  // Every handler stops on the runner's signal (shutdown) or on cancelSyncOperation from any
  // replica: `cancellable` hands them a signal that aborts on either.
  handlers.pull = cancellable(deps.eventBus, (context) =>
    withGit(context, async (pull) => {
      const result = await pullFabric(pull);
      return pullCounters(result, context, await ingestRawFiles(context, pull, [result]));
    }),
  );
  handlers.push = cancellable(deps.eventBus, (context) =>
    withGit(context, (pull, repository) => pushAndCount(context, pull, repository)),
  );
  handlers.bidirectional = handlers.push;
  handlers.conflict_resolution = cancellable(deps.eventBus, async (context) => {
    const { resourceId, strategy, merged } = context.operation.details as {
      resourceId: string;
      strategy: ResolutionStrategy;
      merged?: unknown;
    };
    const resource = await context.services.resources.get(resourceId);
    if (resource.fabric.id !== context.operation.fabric.id)
      throw new DomainError('INVALID_INPUT', 'the resource belongs to another fabric');
    const paths = conflictPathsOf(resource.conflictDetails);
    const outcome = applyResolution(resource, { strategy, merged, actor: context.operation.initiatedBy });
    await context.services.em.flush();
    await context.progress({ phase: 'resolved' }, [{ message: outcome, path: `${resource.kind}/${resource.name}` }]);
    publishFabricEvent(deps.eventBus, resource.fabric.id, {
      type: 'CONFLICT_RESOLVED',
      resourceId,
      strategy,
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
      paths,
    });
    // GUI_WINS means "push mine": the push runs in this same operation, right after.
    if (strategy === 'GUI_WINS') return withGit(context, (pull, repository) => pushAndCount(context, pull, repository));
  });
}

async function withFabricGit<T>(
  deps: SyncHandlerDependencies,
  context: SyncContext,
  work: (pull: PullContext, repository: GitRepository) => Promise<T>,
): Promise<T> {
  const { services, operation, signal } = context;
  let git: FabricGit | null = null;
  try {
    git = await deps.openGit(services, operation.fabric.id, operation.id);
    const pull: PullContext = {
      em: services.em,
      operations: services.operations,
      operation,
      progress: context.progress,
      signal,
      fabric: git.fabric,
      host: git.host,
      branch: git.branch,
      eventBus: deps.eventBus,
      fullListing: operation.details.fullListing === true,
    };
    return await work(pull, git.repository);
  } finally {
    await git?.close();
  }
}

async function pushAndCountWith(
  deps: SyncHandlerDependencies,
  context: SyncContext,
  pull: PullContext,
  repository: GitRepository,
): Promise<Partial<SyncOperation>> {
  const details = context.operation.details as { message?: string | null };
  const result = await pushFabric(pull, {
    repository,
    message: details.message ?? null,
    actor: context.operation.initiatedBy,
    maxAttempts: deps.config.pushMaxAttempts,
  });
  const pulled = result.pulls.reduce((sum, one) => sum + one.filesCreated + one.filesUpdated + one.filesDeleted, 0);
  const ingestionCommit = await ingestRawFiles(context, pull, result.pulls);
  return {
    filesProcessed: result.written + pulled,
    // What the commit made, plus what the pulls before it recorded.
    filesCreated: result.created + result.pulls.reduce((sum, one) => sum + one.filesCreated, 0),
    filesUpdated: result.updated + result.pulls.reduce((sum, one) => sum + one.filesUpdated, 0),
    filesDeleted: result.deleted + result.pulls.reduce((sum, one) => sum + one.filesDeleted, 0),
    commitSha: result.commitOid ?? ingestionCommit,
    pullRequestUrl: result.pullRequestUrl,
    details: {
      ...context.operation.details,
      push: {
        branch: result.branch,
        attempts: result.attempts,
        written: result.written,
        unchanged: result.unchanged,
        conflicted: result.conflicted,
        refused: result.refused,
      },
    },
  };
}

function pullCounters(
  result: PullResult,
  context: SyncContext,
  ingestionCommit: string | null,
): Partial<SyncOperation> {
  return {
    filesProcessed: result.filesCreated + result.filesUpdated + result.filesDeleted,
    filesCreated: result.filesCreated,
    filesUpdated: result.filesUpdated,
    filesDeleted: result.filesDeleted,
    details: {
      ...context.operation.details,
      pull: {
        head: result.headOid,
        upToDate: result.upToDate,
        conflicts: result.conflicts,
        merged: result.merged,
        rawFiles: result.rawFiles.length,
        source: result.source,
      },
    },
    ...(ingestionCommit ? { commitSha: ingestionCommit } : {}),
  };
}

/**
 * Files waiting in raw/ are ingested inside this same operation, right after the pull or push:
 * the GitOps directory manager moves them into managed/ (and unmanaged/) in ONE commit, and a
 * second, incremental pull then records that commit, so the operation ends with Git and the
 * database in step. Its phases are reported as `ingest_<stage>`, its figures under
 * `details.ingestion`. When it fails, the operation fails with the reason: what was pulled stays
 * applied, and the raw files stay in raw/ for the next run. Returns the ingestion commit, or
 * null when nothing was ingested.
 */
async function ingestRawFiles(
  context: SyncContext,
  pull: PullContext,
  pulls: readonly PullResult[],
): Promise<string | null> {
  // The folder's keep file and non-YAML files are left alone by ingestion: they start none.
  const raw = [...new Set(pulls.flatMap((one) => one.rawFiles))].filter(isYamlFile);
  if (raw.length === 0) return null;
  const { progress, operation } = context;
  await progress({ phase: 'ingest_raw' }, [
    { message: `${raw.length} file(s) in raw/: ingesting them in this operation` },
  ]);
  let fields: Partial<SyncOperation>;
  try {
    fields = await context.services.gitops.ingest(operation.fabric.id, {
      operationId: operation.id,
      actor: operation.initiatedBy,
      signal: pull.signal,
      report: (change, events = []) => {
        const { phase, details, ...counters } = change;
        // The ingestion's own counters describe raw/, not the pull: kept apart under details.ingestion.
        const ingestion = {
          ...(operation.details.ingestion as Record<string, unknown> | undefined),
          ...details,
          ...pick(counters),
        };
        return progress(
          {
            ...(phase ? { phase: insideIngestion(phase) } : {}),
            details: { ...operation.details, ingestion },
            // A commit the ingestion made is the operation's when it made none of its own, so a failure after it still names it.
            ...(counters.commitSha && !operation.commitSha ? { commitSha: counters.commitSha } : {}),
          },
          events,
        );
      },
    });
  } catch (error) {
    if (error instanceof OperationCancelledError || pull.signal.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const head = pulls.at(-1)?.headOid;
    throw new Error(
      `the pull was applied${head ? ` up to ${head}` : ''}, but ingesting ${raw.length} file(s) from raw/ failed: ${reason}`,
    );
  }
  // The ingestion commit (and anything that landed meanwhile) is recorded like any other change.
  if (fields.commitSha) await pullFabric(pull);
  return fields.commitSha ?? null;
}

/** The phase of an ingestion run inside a pull or push (`ingest_<phase>`). */
function insideIngestion(phase: OperationPhase): OperationPhase {
  const inside = `ingest_${phase}`;
  return isOperationPhase(inside) ? inside : 'ingest_raw';
}

function pick(counters: Partial<SyncOperation>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ['filesProcessed', 'filesCreated', 'filesUpdated', 'filesDeleted', 'commitSha'] as const) {
    if (counters[key] !== undefined) kept[key] = counters[key];
  }
  return kept;
}
