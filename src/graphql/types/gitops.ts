import { DIRECTORY_FINDING_CODES, type DirectoryFinding } from '../../gitops/layout.ts';
import type { DirectoryValidation } from '../../gitops/gitops.service.ts';
import { builder } from '../builder.ts';
import { GitopsDirectoryStatusEnum } from './fabric.ts';
import { GitRepositoryRef } from './git-repository.ts';
import { SyncOperationRef } from './sync-operation.ts';

const GitopsDirectoryFindingCodeEnum = builder.enumType('GitopsDirectoryFindingCode', {
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
    code: t.expose('code', { type: GitopsDirectoryFindingCodeEnum }),
    path: t.exposeString('path', { description: 'Relative to the fabric directory.' }),
    message: t.exposeString('message'),
  }),
});

const GitopsDirectoryReportRef = builder
  .objectRef<DirectoryValidation & { fabricId: string }>('GitopsDirectoryReport')
  .implement({
    description: "The fabric's GitOps directory checked against the layout at the branch head.",
    fields: (t) => ({
      fabricId: t.exposeID('fabricId'),
      status: t.expose('status', { type: GitopsDirectoryStatusEnum }),
      valid: t.boolean({ resolve: (report) => report.findings.length === 0 }),
      commit: t.exposeString('commit', {
        nullable: true,
        description: 'The commit checked; null when the branch does not exist.',
      }),
      findings: t.field({ type: [GitopsDirectoryFindingRef], resolve: (report) => report.findings }),
    }),
  });

builder.mutationFields((t) => ({
  initializeGitopsDirectory: t.field({
    type: SyncOperationRef,
    description:
      'Creates what the directory layout lacks in one commit (none when it is complete). Runs as a directory_init operation.',
    args: { fabricId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.gitops.startDirectoryInit(String(args.fabricId), context.actor.name),
  }),
  validateGitopsDirectory: t.field({
    type: GitopsDirectoryReportRef,
    description:
      'Reads the directory at the branch head and reports missing folders and misplaced or misnamed files; records the status on the fabric.',
    args: { fabricId: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => ({
      ...(await context.services.gitops.validateDirectory(String(args.fabricId))),
      fabricId: String(args.fabricId),
    }),
  }),
  ingestRaw: t.field({
    type: SyncOperationRef,
    description:
      'Ingests the YAML files in raw/ into managed/ (and unmanaged/) in one commit. Runs as an ingestion operation.',
    args: { fabricId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.gitops.startIngestion(String(args.fabricId), context.actor.name),
  }),
  testGitRepository: t.field({
    type: GitRepositoryRef,
    description:
      'Contacts the remote with the stored credentials and records connectionStatus, lastValidatedAt and validationError.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.gitops.testRepository(String(args.id)),
  }),
}));
