import {
  GIT_AUTH_TYPES,
  GIT_CONNECTION_STATUSES,
  GIT_PROVIDERS,
  type GitRepository,
} from '../../fabric/git-repository.entity.ts';
import { builder } from '../builder.ts';
import { enumValues } from '../enums.ts';

export const GitProviderEnum = builder.enumType('GitProvider', {
  values: enumValues(GIT_PROVIDERS),
});
export const GitAuthTypeEnum = builder.enumType('GitAuthType', {
  values: enumValues(GIT_AUTH_TYPES),
});
export const GitConnectionStatusEnum = builder.enumType('GitConnectionStatus', {
  values: enumValues(GIT_CONNECTION_STATUSES),
});

export const GitRepositoryRef = builder.objectRef<GitRepository>('GitRepository');

GitRepositoryRef.implement({
  description: 'A Git repository that holds the GitOps directories of one or more fabrics. Credentials are write-only.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    url: t.exposeString('url'),
    provider: t.expose('provider', { type: GitProviderEnum }),
    defaultBranch: t.exposeString('defaultBranch'),
    authType: t.expose('authType', { type: GitAuthTypeEnum }),
    hasCredentials: t.boolean({
      description: 'Whether credentials are stored. They are never returned.',
      resolve: (repository) => Boolean(repository.hasCredentials),
    }),
    hasWebhookSecret: t.boolean({ resolve: (repository) => Boolean(repository.hasWebhookSecret) }),
    connectionStatus: t.expose('connectionStatus', { type: GitConnectionStatusEnum }),
    lastValidatedAt: t.expose('lastValidatedAt', { type: 'DateTime', nullable: true }),
    validationError: t.exposeString('validationError', { nullable: true }),
    directPushEnabled: t.exposeBoolean('directPushEnabled'),
    pushBranch: t.exposeString('pushBranch', {
      description: 'Branch that pushes go to; empty means the default branch.',
    }),
    commitAuthorName: t.exposeString('commitAuthorName'),
    commitAuthorEmail: t.exposeString('commitAuthorEmail'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const GitCredentialsInput = builder.inputType('GitCredentialsInput', {
  description: 'Write-only. A token (GitHub or https), a username and password, or an SSH private key.',
  fields: (t) => ({
    token: t.string(),
    username: t.string(),
    password: t.string(),
    sshPrivateKey: t.string(),
  }),
});

const repositoryInputFields = (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => ({
  url: t.string(),
  provider: t.field({ type: GitProviderEnum }),
  defaultBranch: t.string(),
  authType: t.field({ type: GitAuthTypeEnum }),
  credentials: t.field({ type: GitCredentialsInput, description: 'Write-only; null clears them.' }),
  webhookSecret: t.string({ description: 'Write-only; null clears it.' }),
  directPushEnabled: t.boolean(),
  pushBranch: t.string(),
  commitAuthorName: t.string(),
  commitAuthorEmail: t.string(),
});

const CreateGitRepositoryInput = builder.inputType('CreateGitRepositoryInput', {
  fields: (t) => ({
    ...repositoryInputFields(t),
    name: t.string({ required: true }),
    url: t.string({ required: true }),
  }),
});
const UpdateGitRepositoryInput = builder.inputType('UpdateGitRepositoryInput', {
  fields: (t) => ({ ...repositoryInputFields(t), name: t.string() }),
});

/** GraphQL gives absent fields as undefined and explicit nulls as null; the services tell them apart. */
export function withoutUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

builder.queryFields((t) => ({
  gitRepositories: t.field({
    type: [GitRepositoryRef],
    resolve: (_root, _args, context) => context.services.gitRepositories.list(),
  }),
  gitRepository: t.field({
    type: GitRepositoryRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.gitRepositories.get(String(args.id)),
  }),
}));

builder.mutationFields((t) => ({
  createGitRepository: t.field({
    type: GitRepositoryRef,
    args: { input: t.arg({ type: CreateGitRepositoryInput, required: true }) },
    resolve: (_root, args, context) => context.services.gitRepositories.create(withoutUndefined(args.input) as never),
  }),
  updateGitRepository: t.field({
    type: GitRepositoryRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateGitRepositoryInput, required: true }) },
    resolve: (_root, args, context) =>
      context.services.gitRepositories.update(String(args.id), withoutUndefined(args.input) as never),
  }),
  deleteGitRepository: t.id({
    description: 'Refused with IN_USE while a fabric uses the repository. Returns the deleted id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.gitRepositories.delete(String(args.id));
      return args.id;
    },
  }),
}));
