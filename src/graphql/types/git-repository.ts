import {
  GIT_AUTH_TYPES,
  GIT_CONNECTION_STATUSES,
  GIT_PROVIDERS,
  type GitRepository,
} from '../../fabric/git-repository.entity.ts';
import { NodeInterface, builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { describedEnumValues } from '../enums.ts';

export const GitProviderEnum = builder.enumType('GitProvider', {
  description: 'How the gateway talks to a Git repository.',
  values: describedEnumValues(GIT_PROVIDERS, {
    github: "GitHub's GraphQL and REST APIs (github.com or GitHub Enterprise); pull requests supported.",
    git: 'Plain git over https or ssh (the git command line).',
  }),
});
export const GitAuthTypeEnum = builder.enumType('GitAuthType', {
  description: 'Which of the stored credentials are used.',
  values: describedEnumValues(GIT_AUTH_TYPES, {
    token: 'An access token (GitHub, or https).',
    ssh_key: 'An SSH private key.',
    basic: 'A username and password (https).',
    none: 'No credentials (a public repository, or a local path in tests).',
  }),
});
export const GitConnectionStatusEnum = builder.enumType('GitConnectionStatus', {
  description: 'The outcome of the last connection test (testGitRepository).',
  values: describedEnumValues(GIT_CONNECTION_STATUSES, {
    pending: 'Not tested since created or since its address or credentials changed.',
    testing: 'Reserved; not set by this version.',
    connected: 'The last test reached the repository with the stored credentials.',
    failed: 'The last test failed; validationError says why.',
  }),
});

export const GitRepositoryRef = builder.objectRef<GitRepository>('GitRepository');

GitRepositoryRef.implement({
  interfaces: [NodeInterface],
  description: 'A Git repository that holds the GitOps directories of one or more fabrics. Credentials are write-only.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The UUID of the repository.' }),
    name: t.exposeString('name', { description: 'Unique name, at most 255 characters.' }),
    url: t.exposeString('url', {
      description: 'Where it is: https://, ssh:// or scp-like git@host:path; never contains credentials.',
    }),
    provider: t.expose('provider', { type: GitProviderEnum, description: 'How the gateway talks to it.' }),
    defaultBranch: t.exposeString('defaultBranch', { description: 'The branch fabrics are read from.' }),
    authType: t.expose('authType', { type: GitAuthTypeEnum, description: 'Which credentials are used.' }),
    hasCredentials: t.boolean({
      description: 'Whether credentials are stored. They are never returned.',
      resolve: (repository) => Boolean(repository.hasCredentials),
    }),
    hasWebhookSecret: t.boolean({
      description: 'Whether a webhook secret is stored (webhooks are then checked against it). Never returned.',
      resolve: (repository) => Boolean(repository.hasWebhookSecret),
    }),
    connectionStatus: t.expose('connectionStatus', {
      type: GitConnectionStatusEnum,
      description: 'The outcome of the last connection test.',
    }),
    lastValidatedAt: t.expose('lastValidatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last tested; null when never.',
    }),
    validationError: t.exposeString('validationError', {
      nullable: true,
      description: 'Why the last test failed, without credentials; null when it did not.',
    }),
    directPushEnabled: t.exposeBoolean('directPushEnabled', {
      description:
        'Commits go straight to the default branch; when false (or pushBranch is another branch) they are proposed in a pull request.',
    }),
    pushBranch: t.exposeString('pushBranch', {
      description: 'Branch that pushes go to; empty means the default branch.',
    }),
    commitAuthorName: t.exposeString('commitAuthorName', { description: "Author name of the gateway's commits." }),
    commitAuthorEmail: t.exposeString('commitAuthorEmail', { description: "Author email of the gateway's commits." }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the record last changed.' }),
  }),
});

const GitCredentialsInput = builder.inputType('GitCredentialsInput', {
  description: 'Write-only. A token (GitHub or https), a username and password, or an SSH private key.',
  fields: (t) => ({
    token: t.string({ description: 'An access token, at most 4096 characters (authType TOKEN).' }),
    username: t.string({ description: 'A username (authType BASIC).' }),
    password: t.string({ description: 'A password, at most 4096 characters (authType BASIC).' }),
    sshPrivateKey: t.string({ description: 'An SSH private key in OpenSSH PEM form (authType SSH_KEY).' }),
  }),
});

const repositoryInputFields = (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => ({
  url: t.string({ description: 'https://, ssh:// or git@host:path, at most 2048 characters, without credentials.' }),
  provider: t.field({ type: GitProviderEnum, description: 'Default: GITHUB for https://github.com/ URLs, else GIT.' }),
  defaultBranch: t.string({ description: 'A valid branch name (default "main").' }),
  authType: t.field({ type: GitAuthTypeEnum, description: 'Default NONE.' }),
  credentials: t.field({ type: GitCredentialsInput, description: 'Write-only; null clears them.' }),
  webhookSecret: t.string({ description: 'Write-only, 8 to 1024 characters; null clears it.' }),
  directPushEnabled: t.boolean({ description: 'Commit straight to the default branch (default true).' }),
  pushBranch: t.string({ description: 'Branch pushes go to; empty for the default branch (default "").' }),
  commitAuthorName: t.string({ description: 'Author name of the commits (default "HNP Bidirectional Sync").' }),
  commitAuthorEmail: t.string({ description: 'Author email of the commits (default "hnp-sync@hedgehog.gitops").' }),
});

const CreateGitRepositoryInput = builder.inputType('CreateGitRepositoryInput', {
  description: 'A new repository record. Name and URL are required.',
  fields: (t) => ({
    ...repositoryInputFields(t),
    name: t.string({ required: true, description: 'Unique name, 1 to 255 characters.' }),
    url: t.string({
      required: true,
      description: 'https://, ssh:// or git@host:path, at most 2048 characters, without credentials.',
    }),
  }),
});
const UpdateGitRepositoryInput = builder.inputType('UpdateGitRepositoryInput', {
  description: 'Changes to a repository record: absent fields are left as they are.',
  fields: (t) => ({
    ...repositoryInputFields(t),
    name: t.string({ description: 'Unique name, 1 to 255 characters.' }),
  }),
});

/** GraphQL gives absent fields as undefined and explicit nulls as null; the services tell them apart. */
export function withoutUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

builder.queryFields((t) => ({
  gitRepositories: t.field({
    type: [GitRepositoryRef],
    description: 'Every repository record. Not for fabric-limited tokens (FORBIDDEN).',
    resolve: (_root, _args, context) => context.services.gitRepositories.list(),
  }),
  gitRepository: t.field({
    type: GitRepositoryRef,
    description: 'A repository by id. Not for fabric-limited tokens. Errors: NOT_FOUND, FORBIDDEN.',
    args: { id: t.arg.id({ required: true, description: 'The UUID of the repository.' }) },
    resolve: (_root, args, context) => context.services.gitRepositories.get(String(args.id)),
  }),
}));

builder.mutationFields((t) => ({
  createGitRepository: t.field({
    type: GitRepositoryRef,
    description: mutationDescription(
      'createGitRepository',
      'Records a repository (nothing is contacted: testGitRepository does that). INVALID_INPUT names each bad field; DUPLICATE when the name is taken.',
      ['INVALID_INPUT', 'DUPLICATE'],
    ),
    args: { input: t.arg({ type: CreateGitRepositoryInput, required: true, description: 'The new repository.' }) },
    resolve: (_root, args, context) => context.services.gitRepositories.create(withoutUndefined(args.input) as never),
  }),
  updateGitRepository: t.field({
    type: GitRepositoryRef,
    description: mutationDescription(
      'updateGitRepository',
      'Changes a repository record; absent fields stay. New credentials set connectionStatus back to PENDING.',
      ['NOT_FOUND', 'INVALID_INPUT', 'DUPLICATE', 'CONFLICT'],
    ),
    args: {
      id: t.arg.id({ required: true, description: 'The UUID of the repository.' }),
      input: t.arg({ type: UpdateGitRepositoryInput, required: true, description: 'The changes.' }),
    },
    resolve: (_root, args, context) =>
      context.services.gitRepositories.update(String(args.id), withoutUndefined(args.input) as never),
  }),
  deleteGitRepository: t.id({
    description: mutationDescription(
      'deleteGitRepository',
      'Deletes the repository record (not the repository); returns its id. Refused with IN_USE while a fabric uses it.',
      ['NOT_FOUND', 'IN_USE'],
    ),
    args: { id: t.arg.id({ required: true, description: 'The UUID of the repository.' }) },
    resolve: async (_root, args, context) => {
      await context.services.gitRepositories.delete(String(args.id));
      return args.id;
    },
  }),
}));
