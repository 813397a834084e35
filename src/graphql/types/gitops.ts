import { DIRECTORY_FINDING_CODES, type DirectoryFinding } from '../../gitops/layout.ts';
import type { DirectoryValidation } from '../../gitops/gitops.service.ts';
import { builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { GitopsDirectoryStatusEnum } from './fabric.ts';
import { GitRepositoryRef } from './git-repository.ts';
import { SyncOperationRef } from './sync-operation.ts';

const GitopsDirectoryFindingCodeEnum = builder.enumType('GitopsDirectoryFindingCode', {
  description: 'What is wrong with a GitOps directory (docs/gitops.md describes the layout).',
  values: Object.fromEntries(
    Object.entries(DIRECTORY_FINDING_CODES).map(([code, description]) => [code, { value: code, description }]),
  ) as Record<
    keyof typeof DIRECTORY_FINDING_CODES,
    { value: keyof typeof DIRECTORY_FINDING_CODES; description: string }
  >,
});

const GitopsDirectoryFindingRef = builder.objectRef<DirectoryFinding>('GitopsDirectoryFinding').implement({
  description: 'One way the directory departs from the layout.',
  fields: (t) => ({
    code: t.expose('code', { type: GitopsDirectoryFindingCodeEnum, description: 'What kind of departure.' }),
    path: t.exposeString('path', { description: 'Relative to the fabric directory.' }),
    message: t.exposeString('message', { description: 'The finding in words.' }),
  }),
});

const GitopsDirectoryReportRef = builder
  .objectRef<DirectoryValidation & { fabricId: string }>('GitopsDirectoryReport')
  .implement({
    description: "The fabric's GitOps directory checked against the layout at the branch head.",
    fields: (t) => ({
      fabricId: t.exposeID('fabricId', { description: 'The UUID of the fabric.' }),
      status: t.expose('status', {
        type: GitopsDirectoryStatusEnum,
        description: 'The status recorded on the fabric from this check.',
      }),
      valid: t.boolean({ description: 'No findings.', resolve: (report) => report.findings.length === 0 }),
      commit: t.exposeString('commit', {
        nullable: true,
        description: 'The commit checked; null when the branch does not exist.',
      }),
      findings: t.field({
        type: [GitopsDirectoryFindingRef],
        description: 'Every departure from the layout; empty when valid.',
        resolve: (report) => report.findings,
      }),
    }),
  });

builder.mutationFields((t) => ({
  initializeGitopsDirectory: t.field({
    type: SyncOperationRef,
    description: mutationDescription(
      'initializeGitopsDirectory',
      'Creates what the directory layout lacks in one commit (none when it is complete). Runs as a DIRECTORY_INIT operation, returned at once. INVALID_INPUT when the fabric has no Git repository.',
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: { fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }) },
    resolve: (_root, args, context) =>
      context.services.gitops.startDirectoryInit(String(args.fabricId), context.actor.name),
  }),
  validateGitopsDirectory: t.field({
    type: GitopsDirectoryReportRef,
    description: mutationDescription(
      'validateGitopsDirectory',
      'Reads the directory at the branch head and reports missing folders and misplaced or misnamed files; records the status on the fabric. INVALID_INPUT when the fabric has no Git repository.',
      ['NOT_FOUND', 'INVALID_INPUT', 'CONFLICT'],
    ),
    args: { fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }) },
    resolve: async (_root, args, context) => ({
      ...(await context.services.gitops.validateDirectory(String(args.fabricId))),
      fabricId: String(args.fabricId),
    }),
  }),
  ingestRaw: t.field({
    type: SyncOperationRef,
    description: mutationDescription(
      'ingestRaw',
      'Ingests the YAML files in raw/ into managed/ (and unmanaged/) in one commit. Runs as an INGESTION operation, returned at once. INVALID_INPUT when the fabric has no Git repository.',
      ['NOT_FOUND', 'INVALID_INPUT'],
    ),
    args: { fabricId: t.arg.id({ required: true, description: 'The UUID of the fabric.' }) },
    resolve: (_root, args, context) =>
      context.services.gitops.startIngestion(String(args.fabricId), context.actor.name),
  }),
  testGitRepository: t.field({
    type: GitRepositoryRef,
    description: mutationDescription(
      'testGitRepository',
      'Contacts the remote with the stored credentials and records connectionStatus, lastValidatedAt and validationError; a failure to connect is recorded there, not answered as an error.',
      ['NOT_FOUND', 'CONFLICT'],
    ),
    args: { id: t.arg.id({ required: true, description: 'The UUID of the repository.' }) },
    resolve: (_root, args, context) => context.services.gitops.testRepository(String(args.id)),
  }),
}));
