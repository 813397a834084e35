/**
 * The GitOps directory manager: initialise, validate and ingest a fabric's directory through the
 * GitHost port only. The decisions are made by the pure planners (layout.ts, ingestion-plan.ts);
 * this service reads Git, calls them, makes the one commit, and records the outcome in the
 * fabric, the resource rows (desired state only; never drafts) and the operation's log.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import { DomainError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { publishDesiredStateChanged, publishFabricEvent } from '../events/fabric-events.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { GitRepository } from '../fabric/git-repository.entity.ts';
import {
  openFabricGit,
  openRepositoryGit,
  requireFabricRepository,
  type FabricGitDependencies,
  type RepositoryGit,
} from '../fabric/fabric-git.ts';
import { withGatewayTrailers } from '../git/commit-trailers.ts';
import { isGitHostError, type CommitResult } from '../git/git-host.ts';
import { scrubSecrets } from '../git/scrub.ts';
import type { HedgehogObject } from '../hedgehog/canonical.ts';
import { validateManifests } from '../hedgehog/validate.ts';
import { parse as parseYaml } from 'yaml';
import type { Resource } from '../resource/resource.entity.ts';
import {
  analyzeAfterLargeWrite,
  desiredObjects,
  insertDesiredRows,
  rowsOfKinds,
  type NewDesiredRow,
} from '../resource/resource.repository.ts';
import { editableStateOf, setDesired } from '../resource/resource-state.ts';
import {
  contentOf,
  desiredContentOf,
  impactOfObjects,
  publishRecorded,
  recordChange,
  sameContent,
  type ChangeHeader,
  type RecordedStage,
  type TouchedObject,
} from '../changes/change-recorder.ts';

const identityOf = (object: { kind: string; namespace: string; name: string }) => ({
  kind: object.kind,
  namespace: object.namespace,
  name: object.name,
});
import { checkCancelled, OperationCancelledError } from '../operations/cancellation.ts';
import type { SyncEvent, SyncOperation } from '../operations/sync-operation.entity.ts';
import type { SyncOperationService } from '../operations/sync-operation.service.ts';
import type { OperationPhase } from '../operations/operation-phases.ts';
import { chunkChanges } from './commit-chunks.ts';
import {
  discoverRawFiles,
  ingestionCommitSubject,
  managedPathsToCompare,
  planIngestion,
  type IngestionPlan,
  type RawDiscovery,
  type StageCounters,
} from './ingestion-plan.ts';
import {
  ARCHIVE_LOG_PATH,
  MANIFEST_PATH,
  managedFilesToRead,
  planDirectoryInit,
  validateDirectory,
  type DirectoryEntry,
  type DirectoryFinding,
  type DirectoryStatus,
} from './layout.ts';

let gatewayVersionCache: string | undefined;
/** The gateway's own version (package.json), recorded in the directory manifest. */
export function gatewayVersion(): string {
  gatewayVersionCache ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return gatewayVersionCache;
}

/** How an operation reports progress; the operation handlers pass `operations.update`. */
export interface OperationProgress {
  operationId: string;
  actor: string;
  report(
    change: Partial<
      Pick<
        SyncOperation,
        | 'progressDone'
        | 'progressTotal'
        | 'details'
        | 'filesProcessed'
        | 'filesCreated'
        | 'filesUpdated'
        | 'filesDeleted'
        | 'commitSha'
      >
    > & { phase?: OperationPhase },
    events?: { level?: SyncEvent['level']; message: string; path?: string | null }[],
  ): Promise<void>;
  signal?: AbortSignal;
}

export interface DirectoryValidation {
  status: DirectoryStatus;
  findings: DirectoryFinding[];
  /** The commit that was checked, or null when the branch does not exist. */
  commit: string | null;
}

export interface GitopsServiceDependencies extends FabricGitDependencies {
  em: EntityManager;
  eventBus: EventBus;
  config: Pick<Config, 'maxYamlBytes' | 'gitopsMaxCommitBytes'>;
  /** Launches the directory_init and ingestion operations (see gitops-operations.ts). */
  operations: SyncOperationService;
}

interface OpenedDirectory extends RepositoryGit {
  /** `fabric/` (with slash) or `` for the repository root. */
  prefix: string;
}

/** Blobs read per request (GitHub's batch size), with progress after each batch. */
const BLOB_BATCH = 100;

/** Most events an operation records per kind of detail; the rest is summarised in one line. */
const EVENT_LIMIT = 200;

export class GitopsService {
  private readonly deps: GitopsServiceDependencies;

  constructor(deps: GitopsServiceDependencies) {
    this.deps = deps;
  }

  /** The fabric's repository; INVALID_INPUT when it has none. */
  async requireRepository(fabricId: string): Promise<{ fabric: Fabric; repository: GitRepository }> {
    return requireFabricRepository(this.deps, fabricId);
  }

  /** Queues a directory_init operation for a fabric with a repository; returns it at once (pending). */
  async startDirectoryInit(fabricId: string, actor: string): Promise<SyncOperation> {
    const { fabric } = await this.requireRepository(fabricId);
    return this.deps.operations.launch({
      fabricId: fabric.id,
      type: 'directory_init',
      initiatedBy: actor,
      jobKey: `directory_init:${fabric.id}`,
    });
  }

  /** Queues an ingestion operation for a fabric with a repository; returns it at once (pending). */
  async startIngestion(fabricId: string, actor: string): Promise<SyncOperation> {
    const { fabric } = await this.requireRepository(fabricId);
    return this.deps.operations.launch({
      fabricId: fabric.id,
      type: 'ingestion',
      initiatedBy: actor,
      jobKey: `ingestion:${fabric.id}`,
    });
  }

  /** Contacts the remote and records connectionStatus, lastValidatedAt and validationError. */
  async testRepository(id: string): Promise<GitRepository> {
    const repository = await this.deps.gitRepositories.get(id);
    let git: RepositoryGit | undefined;
    try {
      git = await openRepositoryGit(this.deps, repository, { fabricId: '', operationId: 'test-repository' });
      const access = await git.host.checkAccess();
      const ok = access.canRead && access.canWrite;
      repository.connectionStatus = ok ? 'connected' : 'failed';
      repository.validationError = ok
        ? null
        : access.canRead
          ? `the credentials may read but not write (permission ${access.permission ?? 'unknown'}); the gateway needs to push`
          : repository.hasCredentials
            ? 'the repository was not found, or these credentials may not read it'
            : 'the repository was not found or is not reachable';
    } catch (error) {
      repository.connectionStatus = 'failed';
      repository.validationError = safeMessage(error, git?.secrets ?? []);
    } finally {
      await git?.close();
    }
    repository.lastValidatedAt = new Date();
    await this.deps.em.flush();
    return repository;
  }

  /** Adds what the layout still lacks in ONE commit, or none when nothing is missing. */
  async initializeDirectory(fabricId: string, progress: OperationProgress): Promise<Partial<SyncOperation>> {
    const fabric = await this.deps.fabrics.get(fabricId);
    const statusBefore = fabric.gitopsDirectoryStatus;
    fabric.gitopsDirectoryStatus = 'initializing';
    await this.deps.em.flush();
    const opened = await this.open(fabric, progress.operationId).catch((error: unknown) =>
      this.recordInitFailure(fabric, error, []),
    );
    try {
      for (let attempt = 1; ; attempt++) {
        await progress.report({ phase: 'reading' });
        const head = await opened.host.getBranchHead(opened.branch);
        const entries = head === null ? [] : await this.readDirectory(opened, head);
        const additions = planDirectoryInit(entries, { fabricName: fabric.name, gatewayVersion: gatewayVersion() });
        // Read and planned: the last boundary before the commit (nothing has been written yet).
        checkCancelled(progress.signal);
        if (additions.length === 0) {
          await this.recordDirectoryState(fabric, 'initialized', null);
          await progress.report({ phase: 'done' }, [
            { message: `${opened.prefix || '(repository root)'} is already initialised; nothing to commit` },
          ]);
          return { filesCreated: 0 };
        }
        await progress.report({ phase: 'committing', progressTotal: additions.length }, []);
        const result = await opened.host.commit(
          {
            branch: opened.branch,
            expectedHeadOid: head,
            message: withGatewayTrailers(
              `Initialise GitOps directory ${opened.prefix || '/'} of fabric ${fabric.name}`,
              progress,
            ),
            additions: additions.map((file) => ({ path: opened.prefix + file.path, contents: file.contents })),
            deletions: [],
          },
          {
            // Files written (native git) or encoded (GitHub) so far; the push of the commit is one step.
            onProgress: (filesDone) => progress.report({ progressDone: filesDone }),
          },
        );
        if (result.status === 'head_moved') {
          if (attempt < 2) continue;
          throw new DomainError(
            'CONFLICT',
            `branch ${opened.branch} kept moving while the directory was being initialised; try again`,
          );
        }
        await progress.report({ phase: 'recording', commitSha: result.oid });
        await this.recordDirectoryState(fabric, 'initialized', null);
        await progress.report(
          { phase: 'done', progressDone: additions.length, filesCreated: additions.length, commitSha: result.oid },
          additions.map((file) => ({ message: 'created', path: opened.prefix + file.path })),
        );
        publishFabricEvent(this.deps.eventBus, fabric.id, {
          type: 'GITOPS_DIRECTORY_INITIALIZED',
          commit: result.oid,
          operationId: progress.operationId,
          files: additions.length,
        });
        return { filesCreated: additions.length, commitSha: result.oid };
      }
    } catch (error) {
      if (error instanceof OperationCancelledError) {
        // Cancelled before the commit: the directory is as it was, and so is its status.
        fabric.gitopsDirectoryStatus = statusBefore;
        await this.deps.em.flush();
        throw error;
      }
      return this.recordInitFailure(fabric, error, opened.secrets);
    } finally {
      await opened.close();
    }
  }

  /** Reads the directory at the branch head and reports what does not follow the layout. */
  async validateDirectory(fabricId: string): Promise<DirectoryValidation> {
    const { fabric } = await this.requireRepository(fabricId);
    const opened = await this.open(fabric, 'validate-directory');
    try {
      const head = await opened.host.getBranchHead(opened.branch);
      const entries = head === null ? [] : await this.readDirectory(opened, head);
      const wanted = [...managedFilesToRead(entries), ...entries.filter((entry) => entry.path === MANIFEST_PATH)];
      const texts = await this.readTexts(opened, wanted);
      const report = validateDirectory(entries, texts);
      await this.recordDirectoryState(fabric, report.status, null);
      return { ...report, commit: head };
    } catch (error) {
      throw new Error(safeMessage(error, opened.secrets));
    } finally {
      await opened.close();
    }
  }

  /**
   * The five-stage pipeline in ONE commit: discovery, validation (with the fabric's current
   * objects), classification, processing (managed files, then resource rows in one transaction)
   * and archive (raw files removed, archive log appended). Retries once when the branch moved.
   */
  async ingest(fabricId: string, progress: OperationProgress): Promise<Partial<SyncOperation>> {
    const { fabric } = await this.requireRepository(fabricId);
    const opened = await this.open(fabric, progress.operationId);
    try {
      for (let attempt = 1; ; attempt++) {
        await progress.report({ phase: 'discovery' });
        const head = await opened.host.getBranchHead(opened.branch);
        if (head === null)
          throw new DomainError(
            'INVALID_INPUT',
            `branch ${opened.branch} does not exist yet; initialise the GitOps directory first`,
          );
        const entries = await this.readDirectory(opened, head);
        const discovery = discoverRawFiles(entries, { maxBytes: this.deps.config.maxYamlBytes });
        const skippedEvents = discovery.skipped.map((skip) => ({
          level: 'warning' as const,
          message: `${skip.code}: ${skip.message}`,
          path: opened.prefix + skip.path,
        }));
        if (discovery.files.length === 0) {
          await progress.report({ phase: 'done', details: { stages: emptyCounters(discovery.skipped.length) } }, [
            ...skippedEvents,
            { message: `no YAML files in ${opened.prefix}raw/; nothing to ingest` },
          ]);
          await this.recordDirectoryState(fabric, fabric.gitopsDirectoryStatus, null);
          return { filesProcessed: 0 };
        }
        checkCancelled(progress.signal);

        // Read, validated and planned in a function of its own: the raw texts, the parsed documents
        // and the validation's results go when it returns; the plan keeps what the commit and the
        // rows need.
        const { plan, existing } = await this.planRawFiles(fabric, opened, head, entries, discovery, progress);
        checkCancelled(progress.signal);

        // Processing and archive land together: one commit writes managed/ and unmanaged/,
        // removes the raw files and appends the archive log. Only a change above the size limit
        // is split, and then the raw files leave in the last commit (see commit-chunks.ts).
        await progress.report({ phase: 'committing' });
        const subject = ingestionCommitSubject(plan);
        const { result, commits, parts } = await this.commitPlan(fabric, opened, head, plan, subject, progress);
        // The files are in Git now: their contents (the canonical text of every object) go before
        // the rows are written.
        plan.additions = [];
        if (result.status === 'head_moved') {
          const partly =
            commits.length > 0
              ? ` after ${commits.length} of ${parts} commits (raw/ is untouched; running ingestion again finishes it)`
              : '';
          if (attempt < 2) {
            await progress.report({}, [
              { level: 'warning', message: `branch ${opened.branch} moved while ingesting${partly}; reading it again` },
            ]);
            continue;
          }
          throw new DomainError(
            'CONFLICT',
            `branch ${opened.branch} kept moving during ingestion${partly || '; nothing was committed'}; try again`,
          );
        }
        if (parts > 1) {
          await progress.report({ details: { commits } }, [
            {
              level: 'warning',
              message: `the change was above ${this.deps.config.gitopsMaxCommitBytes} bytes: committed in ${parts} parts`,
            },
          ]);
        }

        await progress.report({ phase: 'recording', commitSha: result.oid });
        // One transaction that moves no commit pointer: when it fails, the next pull reads the
        // ingestion commit from the fabric's last pulled commit and records it.
        let recorded: RecordedStage[] = [];
        try {
          recorded = await this.upsertDesiredState(fabric.id, plan, result.oid, {
            state: existing,
            operationId: progress.operationId,
            actor: progress.actor,
            branch: opened.branch,
            message: subject,
            author: { name: opened.repository.commitAuthorName, email: opened.repository.commitAuthorEmail },
          });
        } catch (error) {
          throw new Error(
            `commit ${result.oid} landed on ${opened.branch}, but recording it failed: ${safeMessage(error, opened.secrets)}; the next pull records it`,
            { cause: error },
          );
        }
        await this.recordDirectoryState(fabric, fabric.gitopsDirectoryStatus, null);
        const counters = plan.counters;
        await progress.report(
          {
            details: { stages: counters, sourceCommit: head, conflicts: plan.conflicts },
            progressDone: discovery.files.length,
          },
          [...skippedEvents, ...stageEvents(plan, opened.prefix, result.oid)],
        );
        publishFabricEvent(this.deps.eventBus, fabric.id, {
          type: 'GITOPS_INGESTED',
          commit: result.oid,
          operationId: progress.operationId,
          created: counters.processing.created,
          updated: counters.processing.updated,
          rawFiles: counters.discovery.rawFiles,
          unmanaged: counters.processing.unmanagedFiles,
          conflicts: plan.conflicts.length,
        });
        publishDesiredStateChanged(this.deps.eventBus, fabric.id, 'all');
        publishRecorded(this.deps.eventBus, recorded);
        return {
          filesProcessed: counters.discovery.rawFiles,
          filesCreated: counters.processing.created + counters.processing.unmanagedFiles * 2,
          filesUpdated: counters.processing.updated + (counters.archive.logEntries > 0 ? 1 : 0),
          filesDeleted: counters.archive.rawFilesRemoved,
          commitSha: result.oid,
        };
      }
    } catch (error) {
      if (error instanceof DomainError || error instanceof OperationCancelledError) throw error;
      throw new Error(safeMessage(error, opened.secrets));
    } finally {
      await opened.close();
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Stages 2-4 of an ingestion: the raw files read, validated with the fabric's objects and
   * planned (a conflict keeps the managed file, and the rest is checked again against it).
   */
  private async planRawFiles(
    fabric: Fabric,
    opened: OpenedDirectory,
    head: string,
    entries: readonly DirectoryEntry[],
    discovery: RawDiscovery,
    progress: OperationProgress,
  ): Promise<{ plan: IngestionPlan; existing: HedgehogObject[] }> {
    await progress.report({ phase: 'validation', progressTotal: discovery.files.length });
    const archiveLog = entries.find((entry) => entry.path === ARCHIVE_LOG_PATH);
    // Raw files are read in batches: the progress bar moves as they arrive (raw files read).
    const texts = await this.readTexts(
      opened,
      archiveLog ? [...discovery.files, archiveLog] : discovery.files,
      async (read) => {
        if (read < discovery.files.length) await progress.report({ progressDone: read });
        checkCancelled(progress.signal);
      },
    );
    const rawFiles = discovery.files.map((entry) => ({ path: entry.path, text: texts.get(entry.path) ?? '' }));
    const existing = await desiredObjects(this.deps.em, fabric.id);
    let validation = validateManifests({
      files: rawFiles,
      existing,
      fabricConfig: fabric.validationSettings as never,
    });
    checkCancelled(progress.signal);

    await progress.report({ phase: 'classification' });
    const tree = new Map(entries.map((entry) => [entry.path, entry.oid]));
    const comparePaths = new Set(managedPathsToCompare(validation, tree));
    const managedTexts = await this.readTexts(
      opened,
      entries.filter((entry) => comparePaths.has(entry.path)),
    );
    const planWith = (checked: typeof validation) =>
      planIngestion({
        rawFiles,
        skipped: discovery.skipped,
        validation: checked,
        tree,
        managedTexts,
        archiveLog: archiveLog ? (texts.get(archiveLog.path) ?? null) : null,
        sourceCommit: head,
        operationId: progress.operationId,
        actor: progress.actor,
        at: new Date().toISOString(),
      });
    let plan = planWith(validation);
    if (plan.conflicts.length > 0) {
      // A conflict keeps the managed file: the rest of raw/ is checked again against it.
      const kept = new Map(
        plan.conflicts.flatMap((conflict) => {
          const object = readManagedObject(managedTexts.get(conflict.managedPath));
          return object ? [[`${conflict.kind}|${conflict.namespace}|${conflict.name}`, object] as const] : [];
        }),
      );
      validation = validateManifests({
        files: rawFiles,
        existing: [
          ...existing.filter(
            (object) => !kept.has(`${object.kind}|${object.metadata.namespace ?? 'default'}|${object.metadata.name}`),
          ),
          ...kept.values(),
        ],
        keepExisting: plan.conflicts,
        fabricConfig: fabric.validationSettings as never,
      });
      plan = planWith(validation);
    }
    return { plan, existing };
  }

  /**
   * The plan's commit: one, or parts when it is above GITOPS_MAX_COMMIT_BYTES (the raw files
   * leave in the last, see commit-chunks.ts). Stops at the first part whose branch moved.
   */
  private async commitPlan(
    fabric: Fabric,
    opened: OpenedDirectory,
    head: string,
    plan: IngestionPlan,
    subject: string,
    progress: OperationProgress,
  ): Promise<{ result: CommitResult; commits: string[]; parts: number }> {
    const chunks = chunkChanges(plan, {
      maxBytes: this.deps.config.gitopsMaxCommitBytes,
      last: new Set([ARCHIVE_LOG_PATH]),
    });
    const commits: string[] = [];
    let result: CommitResult = { status: 'head_moved', actualHeadOid: null };
    for (const [index, chunk] of chunks.entries()) {
      const part = chunks.length > 1 ? ` (part ${index + 1} of ${chunks.length})` : '';
      result = await opened.host.commit({
        branch: opened.branch,
        expectedHeadOid: commits.at(-1) ?? head,
        message: withGatewayTrailers(
          `${subject}${part}\n\nFabric ${fabric.name}, directory ${opened.prefix || '/'}.`,
          progress,
        ),
        additions: chunk.additions.map((file) => ({ path: opened.prefix + file.path, contents: file.contents })),
        deletions: chunk.deletions.map((path) => ({ path: opened.prefix + path })),
      });
      if (result.status === 'head_moved') break;
      commits.push(result.oid);
      // A part that landed is named at once: a later part failing still leaves it on the operation.
      if (chunks.length > 1) await progress.report({ commitSha: result.oid, details: { commits } });
    }
    return { result, commits, parts: chunks.length };
  }

  private async open(fabric: Fabric, operationId: string): Promise<OpenedDirectory> {
    const git = await openFabricGit(this.deps, fabric.id, operationId);
    const directory = fabric.gitopsDirectory.replace(/^\/+|\/+$/g, '');
    return { ...git, prefix: directory === '' ? '' : `${directory}/` };
  }

  /** The directory's files at `commit`, with paths relative to the directory. */
  private async readDirectory(opened: OpenedDirectory, commit: string): Promise<DirectoryEntry[]> {
    const entries = await opened.host.readTree(commit, opened.prefix.replace(/\/$/, ''));
    return entries.map((entry) => ({
      path: entry.path.slice(opened.prefix.length),
      oid: entry.oid,
      size: entry.size,
      mode: entry.mode,
    }));
  }

  /**
   * The texts of these entries, read in batches of BLOB_BATCH blobs (GitHub's batch, so no more
   * requests than one call); `onBatch` is told how many entries are read after each batch.
   */
  private async readTexts(
    opened: OpenedDirectory,
    entries: readonly DirectoryEntry[],
    onBatch?: (read: number) => Promise<void>,
  ): Promise<Map<string, string>> {
    if (entries.length === 0) return new Map();
    const oids = [...new Set(entries.map((entry) => entry.oid))];
    // Decoded batch by batch: no more than one batch of bytes is held.
    const decoder = new TextDecoder();
    const byOid = new Map<string, string>();
    const entriesPerOid = new Map<string, number>();
    for (const entry of entries) entriesPerOid.set(entry.oid, (entriesPerOid.get(entry.oid) ?? 0) + 1);
    let read = 0;
    for (let start = 0; start < oids.length; start += BLOB_BATCH) {
      const batch = oids.slice(start, start + BLOB_BATCH);
      for (const [oid, bytes] of await opened.host.readBlobs(batch)) byOid.set(oid, decoder.decode(bytes));
      for (const oid of batch) read += entriesPerOid.get(oid) ?? 0;
      await onBatch?.(read);
    }
    return new Map(entries.map((entry) => [entry.path, byOid.get(entry.oid) ?? '']));
  }

  /**
   * Desired state, file path, blob oid and hash of every ingested object, and the change record of
   * the objects whose content it changed (the gateway's, COMMITTED), in one transaction.
   */
  private async upsertDesiredState(
    fabricId: string,
    plan: IngestionPlan,
    commit: string,
    origin: {
      /** The fabric's desired objects before the ingestion (the impact's index). */
      state: readonly HedgehogObject[];
      operationId: string;
      actor: string;
      branch: string;
      message: string;
      author: { name: string; email: string };
    },
  ): Promise<RecordedStage[]> {
    if (plan.objects.length === 0) return [];
    const now = new Date();
    const recorded = await this.deps.em.transactional(async (em) => {
      const kinds = [...new Set(plan.objects.map((planned) => planned.object.kind))];
      const rows = await rowsOfKinds(em, fabricId, kinds);
      const byIdentity = new Map(rows.map((row) => [`${row.kind}|${row.namespace}|${row.name}`, row]));
      // New rows go in by a bulk insert, never into the unit of work (resource.repository.ts).
      const inserts: NewDesiredRow[] = [];
      const touched: TouchedObject[] = [];
      for (const { object, managedPath } of plan.objects) {
        const source = { path: managedPath, blobOid: object.gitBlobOid, fileHash: object.sha256, commit, at: now };
        const row: Resource | undefined = byIdentity.get(`${object.kind}|${object.namespace}|${object.name}`);
        const state = editableStateOf(object.object);
        const committed = contentOf(state);
        if (row) {
          const previous = desiredContentOf(row);
          if (!sameContent(previous, committed))
            touched.push({ ...identityOf(object), resourceId: row.id, previous, committed });
          setDesired(row, object.object, source);
          continue;
        }
        const id = randomUUID();
        touched.push({ ...identityOf(object), resourceId: id, previous: null, committed });
        inserts.push({
          id,
          kind: object.kind,
          namespace: object.namespace,
          name: object.name,
          apiVersion: state.apiVersion,
          spec: state.spec,
          labels: state.labels,
          annotations: state.annotations,
          ...source,
        });
      }
      await insertDesiredRows(em, fabricId, inserts);
      if (touched.length === 0) return [];
      const header: ChangeHeader = {
        fabricId,
        source: 'gateway',
        stage: 'COMMITTED',
        commitOid: commit,
        branch: origin.branch,
        message: origin.message,
        actor: origin.actor,
        authorName: origin.author.name,
        authorEmail: origin.author.email,
        commits: [
          {
            oid: commit,
            message: origin.message,
            authorName: origin.author.name,
            authorEmail: origin.author.email,
            committedAt: now.toISOString(),
          },
        ],
        operationId: origin.operationId,
      };
      return recordChange(em, header, touched, impactOfObjects(origin.state, touched), now);
    });
    await analyzeAfterLargeWrite(this.deps.em, plan.objects.length);
    return recorded;
  }

  private async recordDirectoryState(
    fabric: Fabric,
    status: Fabric['gitopsDirectoryStatus'],
    error: string | null,
  ): Promise<void> {
    fabric.gitopsDirectoryStatus = status;
    fabric.directoryInitError = error;
    if (error === null) fabric.lastDirectorySync = new Date();
    await this.deps.em.flush();
  }

  private async recordInitFailure(fabric: Fabric, error: unknown, secrets: readonly string[]): Promise<never> {
    const message = safeMessage(error, secrets);
    await this.recordDirectoryState(fabric, 'error', message);
    if (error instanceof DomainError) throw error;
    throw new Error(message);
  }
}

/**
 * The message of an error, never its cause: octokit's errors carry the request, and the request
 * carries the token. Known secrets are blanked as a second line of defence.
 */
function safeMessage(error: unknown, secrets: readonly string[]): string {
  const text =
    isGitHostError(error) || error instanceof DomainError
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
  return scrubSecrets(text, secrets);
}

function emptyCounters(skipped: number): StageCounters {
  return {
    discovery: { rawFiles: 0, skipped },
    validation: { documents: 0, errors: 0, warnings: 0 },
    classification: { toManaged: 0, toUnmanaged: 0, conflicts: 0, empty: 0 },
    processing: { created: 0, updated: 0, unchanged: 0, unmanagedFiles: 0 },
    archive: { rawFilesRemoved: 0, logEntries: 0 },
  };
}

/** One line per stage, then per raw file and per document kept out of managed/ (bounded). */
function stageEvents(
  plan: IngestionPlan,
  prefix: string,
  commit: string,
): { level?: SyncEvent['level']; message: string; path?: string | null }[] {
  const { discovery, validation, classification, processing, archive } = plan.counters;
  const events: { level?: SyncEvent['level']; message: string; path?: string | null }[] = [
    { message: `discovery: ${discovery.rawFiles} raw file(s) to ingest, ${discovery.skipped} left alone` },
    {
      message: `validation: ${validation.documents} document(s), ${validation.errors} error(s), ${validation.warnings} warning(s)`,
    },
    {
      message: `classification: ${classification.toManaged} to managed/, ${classification.toUnmanaged} to unmanaged/ (${classification.conflicts} conflict(s)), ${classification.empty} empty`,
    },
    {
      message: `processing: ${processing.created} created, ${processing.updated} updated, ${processing.unchanged} unchanged, ${processing.unmanagedFiles} unmanaged file(s) in commit ${commit}`,
    },
    {
      message: `archive: ${archive.rawFilesRemoved} raw file(s) removed, ${archive.logEntries} archive log entr${archive.logEntries === 1 ? 'y' : 'ies'}`,
    },
  ];
  for (const file of plan.files.slice(0, EVENT_LIMIT)) {
    const kept = file.unmanagedPath ? `, ${file.unmanagedDocuments} document(s) to ${prefix}${file.unmanagedPath}` : '';
    events.push({
      level: file.unmanagedPath ? 'warning' : 'info',
      message: `${file.objects.length} object(s) to managed/${kept}; raw file archived`,
      path: prefix + file.path,
    });
  }
  if (plan.files.length > EVENT_LIMIT)
    events.push({ message: `… and ${plan.files.length - EVENT_LIMIT} more raw files` });
  for (const document of plan.unmanaged.slice(0, EVENT_LIMIT)) {
    const first = document.findings[0];
    const where = document.documentIndex === undefined ? 'file' : `document ${document.documentIndex}`;
    const what = document.kind ? ` (${document.kind}${document.name ? ` ${document.name}` : ''})` : '';
    const finding = first ? `: ${first.code}${first.line ? ` at line ${first.line}` : ''}: ${first.message}` : '';
    events.push({
      level: 'warning',
      message: `${where}${what} ${document.reason}${finding}`,
      path: prefix + document.sourcePath,
    });
  }
  if (plan.unmanaged.length > EVENT_LIMIT)
    events.push({
      level: 'warning',
      message: `… and ${plan.unmanaged.length - EVENT_LIMIT} more documents kept in unmanaged/`,
    });
  for (const finding of plan.fabricFindings.slice(0, EVENT_LIMIT)) {
    events.push({
      level: finding.severity === 'error' ? 'warning' : 'info',
      message: `${finding.code}: ${finding.message}`,
    });
  }
  return events;
}

/** A managed file's object as written (one document), or undefined when it cannot be read. */
function readManagedObject(text: string | undefined): HedgehogObject | undefined {
  if (text === undefined) return undefined;
  try {
    const object = parseYaml(text) as unknown;
    return object !== null && typeof object === 'object' && !Array.isArray(object)
      ? (object as HedgehogObject)
      : undefined;
  } catch {
    return undefined;
  }
}
