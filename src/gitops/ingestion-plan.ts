/**
 * The five-stage ingestion pipeline as pure functions (no I/O): discovery picks the raw files to
 * read, the caller validates them with the catalog, and `planIngestion` classifies every
 * document, decides every file change and counts each stage. The service turns the plan into
 * one commit and the database rows.
 *
 * Every document of a raw file ends in exactly one place: a managed file (created, rewritten in
 * canonical form, or already identical), or `unmanaged/` with its reasons. Nothing is dropped
 * except documents that hold nothing (only comments or `---`), which are counted.
 */
import { Parser, parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  canonicalize,
  managedFilePath,
  renderCanonicalObjectYaml,
  type HedgehogObject,
} from '../hedgehog/canonical.ts';
import { byPath } from '../git/git-host.ts';
import type { Finding } from '../hedgehog/findings.ts';
import type { ValidatedObject, ValidationResult } from '../hedgehog/validate.ts';
import { isYamlFile } from './fabric-paths.ts';
import {
  ARCHIVE_LOG_PATH,
  KEEP_FILE,
  RAW_FOLDER,
  UNMANAGED_FOLDER,
  type DirectoryEntry,
  type PlannedFile,
} from './layout.ts';

// ---------------------------------------------------------------- discovery

export type SkipCode = 'NOT_YAML' | 'PATH_REFUSED' | 'SYMLINK' | 'TOO_LARGE';

export interface SkippedRawFile {
  path: string;
  code: SkipCode;
  message: string;
}

export interface RawDiscovery {
  /** YAML files to read and ingest. */
  files: DirectoryEntry[];
  /** Files reported and left alone (never read, never moved). */
  skipped: SkippedRawFile[];
}

/** Why a path must not be followed, or undefined when it is an ordinary relative path. */
export function unsafePathReason(path: string): string | undefined {
  if (path.includes('\0')) return 'contains a NUL character';
  if (/[\u0001-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'is absolute';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.split('/').some((segment) => segment === '..' || segment === '.' || segment === ''))
    return 'has an empty, `.` or `..` segment';
  return undefined;
}

/** Stage 1: `raw/**\/*.yaml|yml`; other files are reported and left where they are. */
export function discoverRawFiles(entries: readonly DirectoryEntry[], options: { maxBytes: number }): RawDiscovery {
  const files: DirectoryEntry[] = [];
  const skipped: SkippedRawFile[] = [];
  for (const entry of entries) {
    if (!entry.path.startsWith(`${RAW_FOLDER}/`)) continue;
    if (entry.path === `${RAW_FOLDER}/${KEEP_FILE}`) continue;
    const unsafe = unsafePathReason(entry.path);
    if (unsafe) {
      skipped.push({
        path: JSON.stringify(entry.path).slice(1, -1),
        code: 'PATH_REFUSED',
        message: `path ${unsafe}; not followed`,
      });
    } else if (entry.mode === '120000') {
      skipped.push({ path: entry.path, code: 'SYMLINK', message: 'a symbolic link; not followed' });
    } else if (!isYamlFile(entry.path)) {
      skipped.push({ path: entry.path, code: 'NOT_YAML', message: 'not a .yaml or .yml file; left alone' });
    } else if (entry.size > options.maxBytes) {
      skipped.push({
        path: entry.path,
        code: 'TOO_LARGE',
        message: `${entry.size} bytes, above the limit of ${options.maxBytes}; left alone (split it)`,
      });
    } else {
      files.push(entry);
    }
  }
  return { files, skipped };
}

// ---------------------------------------------------------------- planning

export interface RawFile {
  /** Relative to the fabric directory (`raw/fabric.yaml`); also the `file` given to validation. */
  path: string;
  text: string;
}

export type ObjectOutcome = 'created' | 'updated' | 'unchanged';

/**
 * What the database needs of a managed object: not the `ValidatedObject`, which holds its
 * canonical YAML once read (the commit's copy is dropped once committed; 50,000 texts at 50,000
 * objects would otherwise stay while the rows are written).
 */
export interface PlannedRecord {
  kind: string;
  namespace: string;
  name: string;
  /** The canonical object. */
  object: ValidatedObject['object'];
  gitBlobOid: string;
  sha256: string;
}

export interface PlannedObject {
  object: PlannedRecord;
  /** Relative to the fabric directory. */
  managedPath: string;
  outcome: ObjectOutcome;
  sourcePath: string;
}

export type UnmanagedReason = 'invalid' | 'not_managed' | 'unreadable' | 'conflict';

export interface ReasonFinding {
  severity: Finding['severity'];
  code: string;
  message: string;
  line?: number;
  column?: number;
  path?: string;
}

export interface UnmanagedDocument {
  sourcePath: string;
  /** 0-based index of the document in the raw file; absent when the whole file is unreadable. */
  documentIndex?: number;
  kind?: string;
  name?: string;
  reason: UnmanagedReason;
  findings: ReasonFinding[];
}

export interface Conflict {
  sourcePath: string;
  documentIndex: number;
  kind: string;
  namespace: string;
  name: string;
  managedPath: string;
}

export interface RawFileOutcome {
  path: string;
  /** Managed files the file's objects are now in (created, updated or already identical). */
  objects: string[];
  /** The unmanaged file its other documents went to, with its reason file. */
  unmanagedPath?: string;
  reasonPath?: string;
  unmanagedDocuments: number;
  conflicts: number;
  emptyDocuments: number;
}

export interface StageCounters {
  discovery: { rawFiles: number; skipped: number };
  validation: { documents: number; errors: number; warnings: number };
  classification: { toManaged: number; toUnmanaged: number; conflicts: number; empty: number };
  processing: { created: number; updated: number; unchanged: number; unmanagedFiles: number };
  archive: { rawFilesRemoved: number; logEntries: number };
}

export interface IngestionPlan {
  additions: PlannedFile[];
  deletions: string[];
  objects: PlannedObject[];
  unmanaged: UnmanagedDocument[];
  conflicts: Conflict[];
  files: RawFileOutcome[];
  counters: StageCounters;
  /** Findings not tied to a raw document (existing objects the input breaks). Reported, not blocking. */
  fabricFindings: Finding[];
  /** False when there is nothing to commit. */
  hasChanges: boolean;
}

export interface PlanIngestionInput {
  rawFiles: readonly RawFile[];
  skipped?: readonly SkippedRawFile[];
  /** `validateManifests` of exactly `rawFiles` (same paths), with the fabric's current objects. */
  validation: ValidationResult;
  /** Every file in the directory now: path → blob oid. */
  tree: ReadonlyMap<string, string>;
  /** Contents of the managed files that `managedPathsToCompare` named. */
  managedTexts: ReadonlyMap<string, string>;
  /** Current `.hnp/archive-log.yaml`, or null. */
  archiveLog: string | null;
  /** The commit the raw files were read at (where the originals stay reachable). */
  sourceCommit: string;
  operationId: string;
  actor: string;
  /** ISO time stamp recorded in the archive log. */
  at: string;
}

/**
 * Managed files whose content must be read before planning: those that valid objects would
 * write to and that already exist with other bytes (identical bytes need no read).
 */
export function managedPathsToCompare(validation: ValidationResult, tree: ReadonlyMap<string, string>): string[] {
  const paths = new Set<string>();
  for (const object of validation.objects) {
    if (!object.valid) continue;
    const path = managedFilePath(object.object);
    const oid = tree.get(path);
    if (oid !== undefined && oid !== object.gitBlobOid) paths.add(path);
  }
  return [...paths].sort();
}

interface DocumentSlice {
  index: number;
  text: string;
}

/**
 * The source text of each document, as written (comments included, `---`/`...` markers dropped).
 * Uses yaml's CST parser only (no composition): document boundaries are all that is needed, and
 * it is about twice as fast as parsing the documents again. Indexes match `parseManifests`.
 */
export function splitDocuments(text: string): DocumentSlice[] {
  const offsets: number[] = [];
  for (const token of new Parser().parse(text)) if (token.type === 'document') offsets.push(token.offset);
  return offsets.map((offset, index) => {
    const start = index === 0 ? 0 : offset;
    const end = index + 1 < offsets.length ? offsets[index + 1]! : text.length;
    const slice = text
      .slice(start, end)
      .replace(/^---[^\n]*\n?/, '')
      .replace(/\n\.\.\.\s*$/, '\n');
    return { index, text: slice.endsWith('\n') || slice === '' ? slice : `${slice}\n` };
  });
}

function reasonFinding(finding: Finding): ReasonFinding {
  return {
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
    ...(finding.line === undefined ? {} : { line: finding.line }),
    ...(finding.column === undefined ? {} : { column: finding.column }),
    path: finding.path,
  };
}

/** Is the managed file's object the same object, only written differently (then rewriting it is an update)? */
function sameObject(text: string | undefined, canonicalYaml: string): boolean {
  if (text === undefined) return false;
  try {
    const parsed = parseYaml(text) as HedgehogObject;
    return (
      parsed !== null && typeof parsed === 'object' && renderCanonicalObjectYaml(canonicalize(parsed)) === canonicalYaml
    );
  } catch {
    return false;
  }
}

/** `unmanaged/<path under raw/>`, or with `-<n>` before the extension when taken. */
function freeUnmanagedPath(rawPath: string, taken: (path: string) => boolean): string {
  const relative = rawPath.slice(RAW_FOLDER.length + 1);
  const base = `${UNMANAGED_FOLDER}/${relative}`;
  if (!taken(base) && !taken(`${base}.reason.yaml`)) return base;
  const dot = base.lastIndexOf('.');
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, dot)}-${n}${base.slice(dot)}`;
    if (!taken(candidate) && !taken(`${candidate}.reason.yaml`)) return candidate;
  }
}

/** Stages 2–5 decided: classification, processing and archive of every raw file. */
export function planIngestion(input: PlanIngestionInput): IngestionPlan {
  const { validation, tree } = input;
  const additions = new Map<string, string>();
  const taken = (path: string) => tree.has(path) || additions.has(path);
  const objects: PlannedObject[] = [];
  const unmanaged: UnmanagedDocument[] = [];
  const conflicts: Conflict[] = [];
  const files: RawFileOutcome[] = [];
  const counters: StageCounters = {
    discovery: { rawFiles: input.rawFiles.length, skipped: input.skipped?.length ?? 0 },
    validation: { documents: 0, errors: validation.errors.length, warnings: validation.warnings.length },
    classification: { toManaged: 0, toUnmanaged: 0, conflicts: 0, empty: 0 },
    processing: { created: 0, updated: 0, unchanged: 0, unmanagedFiles: 0 },
    archive: { rawFilesRemoved: 0, logEntries: 0 },
  };
  const allFindings = [...validation.errors, ...validation.warnings];
  const findingsByDocument = new Map<string, Finding[]>();
  const fileFindings = new Map<string, Finding[]>();
  const fabricFindings: Finding[] = [];
  for (const finding of allFindings) {
    if (finding.file === undefined) fabricFindings.push(finding);
    else if (finding.documentIndex === undefined)
      fileFindings.set(finding.file, [...(fileFindings.get(finding.file) ?? []), finding]);
    else {
      const key = `${finding.file}\0${finding.documentIndex}`;
      findingsByDocument.set(key, [...(findingsByDocument.get(key) ?? []), finding]);
    }
  }
  const objectByDocument = new Map<string, ValidatedObject>();
  for (const object of validation.objects) objectByDocument.set(`${object.file}\0${object.documentIndex}`, object);

  const archiveEntries: Record<string, unknown>[] = [];
  for (const raw of [...input.rawFiles].sort(byPath)) {
    const outcome: RawFileOutcome = {
      path: raw.path,
      objects: [],
      unmanagedDocuments: 0,
      conflicts: 0,
      emptyDocuments: 0,
    };
    const keptDocuments: { slice: DocumentSlice; entry: UnmanagedDocument }[] = [];
    const wholeFileProblems = fileFindings.get(raw.path) ?? [];
    const slices = wholeFileProblems.length > 0 ? [] : splitDocuments(raw.text);
    counters.validation.documents += slices.length;
    let unreadableFile: UnmanagedDocument | undefined;
    if (wholeFileProblems.length > 0) {
      unreadableFile = { sourcePath: raw.path, reason: 'unreadable', findings: wholeFileProblems.map(reasonFinding) };
    }
    for (const slice of slices) {
      const key = `${raw.path}\0${slice.index}`;
      const object = objectByDocument.get(key);
      const findings = (findingsByDocument.get(key) ?? []).map(reasonFinding);
      if (!object) {
        if (findings.length === 0) {
          outcome.emptyDocuments++;
          counters.classification.empty++;
          continue;
        }
        const identity = findingsByDocument.get(key)?.find((finding) => finding.kind !== undefined);
        const reason: UnmanagedReason = findings.some((finding) => finding.severity === 'error')
          ? 'invalid'
          : 'not_managed';
        keptDocuments.push({
          slice,
          entry: {
            sourcePath: raw.path,
            documentIndex: slice.index,
            reason,
            findings,
            ...(identity?.kind ? { kind: identity.kind } : {}),
            ...(identity?.name ? { name: identity.name } : {}),
          },
        });
        continue;
      }
      if (!object.valid) {
        keptDocuments.push({
          slice,
          entry: {
            sourcePath: raw.path,
            documentIndex: slice.index,
            kind: object.kind,
            name: object.name,
            reason: 'invalid',
            findings,
          },
        });
        continue;
      }
      const managedPath = managedFilePath(object.object);
      const unsafe = unsafePathReason(managedPath);
      if (unsafe) {
        // The catalog's name rules make this unreachable today; a path is still never trusted.
        keptDocuments.push({
          slice,
          entry: {
            sourcePath: raw.path,
            documentIndex: slice.index,
            kind: object.kind,
            name: object.name,
            reason: 'invalid',
            findings: [
              ...findings,
              {
                severity: 'error',
                code: 'PATH_REFUSED',
                path: '$.metadata.name',
                message: `its file name ${JSON.stringify(managedPath)} ${unsafe}`,
              },
            ],
          },
        });
        continue;
      }
      const existingOid = tree.get(managedPath);
      let objectOutcome: ObjectOutcome;
      if (existingOid === undefined) objectOutcome = 'created';
      else if (existingOid === object.gitBlobOid) objectOutcome = 'unchanged';
      else if (sameObject(input.managedTexts.get(managedPath), object.canonicalYaml)) objectOutcome = 'updated';
      else {
        const conflict: Conflict = {
          sourcePath: raw.path,
          documentIndex: slice.index,
          kind: object.kind,
          namespace: object.namespace,
          name: object.name,
          managedPath,
        };
        conflicts.push(conflict);
        outcome.conflicts++;
        keptDocuments.push({
          slice,
          entry: {
            sourcePath: raw.path,
            documentIndex: slice.index,
            kind: object.kind,
            name: object.name,
            reason: 'conflict',
            findings: [
              ...findings,
              {
                severity: 'error',
                code: 'MANAGED_CONFLICT',
                path: '$',
                message: `${managedPath} already holds a different ${object.kind} ${object.namespace}/${object.name}; the managed file is kept. Change the managed file instead, or delete it and ingest again.`,
              },
            ],
          },
        });
        continue;
      }
      if (objectOutcome !== 'unchanged') additions.set(managedPath, object.canonicalYaml);
      counters.processing[objectOutcome]++;
      counters.classification.toManaged++;
      const record: PlannedRecord = {
        kind: object.kind,
        namespace: object.namespace,
        name: object.name,
        object: object.object,
        gitBlobOid: object.gitBlobOid,
        sha256: object.sha256,
      };
      objects.push({ object: record, managedPath, outcome: objectOutcome, sourcePath: raw.path });
      outcome.objects.push(managedPath);
    }

    const kept = unreadableFile ? [unreadableFile] : keptDocuments.map((document) => document.entry);
    if (kept.length > 0) {
      const unmanagedPath = freeUnmanagedPath(raw.path, taken);
      const reasonPath = `${unmanagedPath}.reason.yaml`;
      const wholeFile = unreadableFile !== undefined || (outcome.objects.length === 0 && outcome.emptyDocuments === 0);
      // A file kept whole stays byte for byte; otherwise only the documents not managed are kept.
      const text = wholeFile ? raw.text : keptDocuments.map((document) => document.slice.text).join('---\n');
      additions.set(unmanagedPath, text);
      additions.set(reasonPath, renderReasonFile({ input, raw, kept, wholeFile }));
      outcome.unmanagedPath = unmanagedPath;
      outcome.reasonPath = reasonPath;
      outcome.unmanagedDocuments = kept.length;
      counters.classification.toUnmanaged += kept.length;
      counters.processing.unmanagedFiles++;
      unmanaged.push(...kept);
    }
    counters.classification.conflicts += outcome.conflicts;
    files.push(outcome);
    counters.archive.rawFilesRemoved++;
    archiveEntries.push({
      path: raw.path,
      sourceCommit: input.sourceCommit,
      archivedAt: input.at,
      operation: input.operationId,
      actor: input.actor,
      objects: outcome.objects,
      unmanaged: outcome.unmanagedPath
        ? { path: outcome.unmanagedPath, documents: outcome.unmanagedDocuments, conflicts: outcome.conflicts }
        : null,
      emptyDocuments: outcome.emptyDocuments,
    });
  }

  if (archiveEntries.length > 0) {
    additions.set(ARCHIVE_LOG_PATH, appendArchiveLog(input.archiveLog, archiveEntries));
    counters.archive.logEntries = archiveEntries.length;
  }
  const deletions = files.map((file) => file.path);
  return {
    additions: [...additions]
      .map(([path, contents]) => ({ path, contents }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    deletions,
    objects,
    unmanaged,
    conflicts,
    files,
    counters,
    fabricFindings,
    hasChanges: deletions.length > 0,
  };
}

const ARCHIVE_LOG_HEADER =
  '# Ingestion archive log, appended by the Hedgehog GitOps Gateway: one entry per raw file ingested.\n# sourceCommit is the commit the raw file was read at; the original stays reachable there.\n';

/** Appends entries as YAML sequence items, leaving the earlier text byte for byte as it was. */
export function appendArchiveLog(existing: string | null, entries: readonly Record<string, unknown>[]): string {
  const base =
    existing === null || existing === '' ? ARCHIVE_LOG_HEADER : existing.endsWith('\n') ? existing : `${existing}\n`;
  return base + stringifyYaml(entries);
}

function renderReasonFile(args: {
  input: PlanIngestionInput;
  raw: RawFile;
  kept: readonly UnmanagedDocument[];
  wholeFile: boolean;
}): string {
  const { input, raw, kept, wholeFile } = args;
  const header = `# Why these documents were not managed. Lines and columns refer to ${raw.path} at commit ${input.sourceCommit}${wholeFile ? ' (kept here unchanged)' : ''}.\n`;
  return (
    header +
    stringifyYaml({
      source: raw.path,
      sourceCommit: input.sourceCommit,
      operation: input.operationId,
      ingestedAt: input.at,
      documents: kept.map((document) => ({
        ...(document.documentIndex === undefined ? {} : { index: document.documentIndex }),
        ...(document.kind ? { kind: document.kind } : {}),
        ...(document.name ? { name: document.name } : {}),
        reason: document.reason,
        findings: document.findings,
      })),
    })
  );
}

/** `Ingest raw/: 3 created, 1 updated, 2 documents moved to unmanaged/ (1 conflict), 2 raw files archived`. */
export function ingestionCommitSubject(plan: IngestionPlan): string {
  const { processing, classification, archive } = plan.counters;
  const parts = [`${processing.created} created`, `${processing.updated} updated`];
  if (processing.unchanged > 0) parts.push(`${processing.unchanged} unchanged`);
  parts.push(
    `${classification.toUnmanaged} document${classification.toUnmanaged === 1 ? '' : 's'} moved to unmanaged/${classification.conflicts > 0 ? ` (${classification.conflicts} conflict${classification.conflicts === 1 ? '' : 's'})` : ''}`,
  );
  parts.push(`${archive.rawFilesRemoved} raw file${archive.rawFilesRemoved === 1 ? '' : 's'} archived`);
  return `Ingest raw/: ${parts.join(', ')}`;
}
