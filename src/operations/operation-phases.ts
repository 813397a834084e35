/**
 * The phases an operation goes through, with what each means, and which phases each operation
 * type goes through in order. The `phase` column holds one of these values; GraphQL exposes them
 * as the `SyncOperationPhase` enum (upper case), with these descriptions.
 */
import type { OperationType } from './sync-operation.entity.ts';

/** Phase → what the operation is doing in it (and the unit `progressDone`/`progressTotal` count, if any). */
export const OPERATION_PHASE_DESCRIPTIONS = {
  queued: 'Recorded and waiting for a runner; nothing has started.',
  starting: 'Claimed by a runner; the first step is about to run.',
  reading_head: 'Reading the head commit of the branch.',
  up_to_date: 'The branch head is the commit last pulled: nothing to read.',
  reading_tree: 'Finding the files that changed since the last pulled commit (or listing the whole directory).',
  reading_files:
    'Reading the changed files from Git. Progress counts files (created, changed and deleted): it moves as blobs arrive.',
  applying:
    'A pull validates the files it read and writes the desired state in one transaction (one synchronous step: progress stays at the total).',
  committing:
    'Writing the commit. For a push or directory init, progress counts the files the commit writes: it moves as the adapter writes their blobs (native git) or encodes them into the request (GitHub), in batches of 100; sending the commit (one atomic request or push) is one step after the last batch.',
  head_moved: 'The branch moved during the push: pulling again before retrying the commit.',
  recording: 'The commit landed; recording it in the database.',
  committed: 'A push landed its commit and recorded it.',
  resolved: 'A conflict resolution was applied to the resource.',
  reading: 'Reading the GitOps directory to see what its layout lacks.',
  discovery: 'Ingestion: listing the YAML files waiting in raw/.',
  validation: 'Ingestion: reading and validating the raw files. Progress counts raw files: it moves as they are read.',
  classification: 'Ingestion: deciding where each object goes (managed/, unmanaged/, conflict).',
  ingest_raw: 'Files were found in raw/: ingesting them inside this operation.',
  ingest_discovery: 'Ingestion inside a pull or push: listing the YAML files waiting in raw/.',
  ingest_validation:
    'Ingestion inside a pull or push: reading and validating the raw files (progress counts raw files).',
  ingest_classification: 'Ingestion inside a pull or push: deciding where each object goes.',
  ingest_committing: 'Ingestion inside a pull or push: writing the ingestion commit.',
  ingest_recording: 'Ingestion inside a pull or push: recording the ingestion commit in the database.',
  ingest_done: 'Ingestion inside a pull or push finished; the pull that records its commit follows.',
  listing: 'Cluster refresh: listing every served kind again. Progress counts kinds: it moves as each kind is listed.',
  drift: 'Cluster refresh: recomputing drift for every resource of the fabric.',
  done: 'The work finished (the status says how).',
} as const;

export type OperationPhase = keyof typeof OPERATION_PHASE_DESCRIPTIONS;

export const OPERATION_PHASES = Object.keys(OPERATION_PHASE_DESCRIPTIONS) as OperationPhase[];

export function isOperationPhase(value: string): value is OperationPhase {
  return Object.hasOwn(OPERATION_PHASE_DESCRIPTIONS, value);
}

const PULL: readonly OperationPhase[] = ['reading_head', 'up_to_date', 'reading_tree', 'reading_files', 'applying'];
const INGEST_INSIDE: readonly OperationPhase[] = [
  'ingest_raw',
  'ingest_discovery',
  'ingest_validation',
  'ingest_classification',
  'ingest_committing',
  'ingest_recording',
  'ingest_done',
];
const PUSH: readonly OperationPhase[] = [
  ...PULL,
  'committing',
  'head_moved',
  'recording',
  'committed',
  ...INGEST_INSIDE,
];

/**
 * The phases of each operation type, in the order they can come (some are skipped: `up_to_date`
 * only when nothing changed, `head_moved` only when the branch moved, the `ingest_*` phases only
 * when raw/ holds files). Every type starts `queued`, `starting` and ends `done`.
 */
export const PHASES_BY_TYPE: Record<OperationType, readonly OperationPhase[]> = {
  directory_init: ['reading', 'committing', 'recording'],
  ingestion: ['discovery', 'validation', 'classification', 'committing', 'recording'],
  pull: [...PULL, ...INGEST_INSIDE],
  push: PUSH,
  bidirectional: PUSH,
  conflict_resolution: ['resolved', ...PUSH],
  cluster_refresh: ['listing', 'drift'],
};

/** The unit `progressDone`/`progressTotal` count in each operation type's slowest phase. */
export const PROGRESS_UNIT_BY_TYPE: Record<OperationType, string> = {
  directory_init: 'files the initialisation commit adds',
  ingestion: 'raw files read and validated',
  pull: 'changed files (read, then applied)',
  push: 'changed files of the pull before the commit, then files the commit writes',
  bidirectional: 'changed files of the pull before the commit, then files the commit writes',
  conflict_resolution: 'as push, when the resolution pushes (GUI_WINS)',
  cluster_refresh: 'kinds listed',
};

/** One line per operation type: its phases in order (for the schema's descriptions and docs). */
export function describePhasesByType(): string {
  return Object.entries(PHASES_BY_TYPE)
    .map(
      ([type, phases]) =>
        `- ${type.toUpperCase()}: ${['queued', 'starting', ...phases, 'done'].map((phase) => phase.toUpperCase()).join(' → ')} (progress counts ${PROGRESS_UNIT_BY_TYPE[type as OperationType]})`,
    )
    .join('\n');
}
