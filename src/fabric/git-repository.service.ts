import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { DomainError, notFound, requireId } from '../errors.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { repositoryUrlProblem } from '../git/repository-url.ts';
import { parseInput } from '../validation.ts';
import { FabricSchema } from './fabric.entity.ts';
import { GIT_AUTH_TYPES, GIT_PROVIDERS, GitRepositorySchema, type GitRepository } from './git-repository.entity.ts';

const noControlCharacters = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

const CredentialsSchema = z
  .object({
    token: z.string().min(1).max(4096).optional(),
    username: z.string().min(1).max(255).optional(),
    password: z.string().min(1).max(4096).optional(),
    sshPrivateKey: z.string().min(1).max(65_536).optional(),
  })
  .strict();

export type GitCredentials = z.infer<typeof CredentialsSchema>;

const branchName = z
  .string()
  .max(255)
  .regex(
    /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[^\s~^:?*[\\\u0000-\u001f\u007f]*$/,
    'is not a valid git branch name',
  );

const RepositoryFields = {
  name: z.string().trim().min(1).max(255).refine(noControlCharacters, 'must not contain control characters'),
  url: z
    .string()
    .trim()
    .min(1)
    .max(2048)
    // One place decides (credentials, forms, leading "-"); its messages never quote the URL.
    .superRefine((url, context) => {
      const problem = repositoryUrlProblem(url);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  provider: z.enum(GIT_PROVIDERS),
  defaultBranch: branchName.min(1),
  authType: z.enum(GIT_AUTH_TYPES),
  credentials: CredentialsSchema.nullable(),
  webhookSecret: z.string().min(8).max(1024).nullable(),
  directPushEnabled: z.boolean(),
  pushBranch: branchName,
  commitAuthorName: z.string().trim().min(1).max(255).refine(noControlCharacters),
  commitAuthorEmail: z.string().trim().email().max(255),
};

const CreateRepositorySchema = z.object(RepositoryFields).partial().required({ name: true, url: true }).strict();
const UpdateRepositorySchema = z.object(RepositoryFields).partial().strict();

export type CreateGitRepositoryInput = z.input<typeof CreateRepositorySchema>;
export type UpdateGitRepositoryInput = z.input<typeof UpdateRepositorySchema>;

/** Guesses the provider from the URL when none is given: github.com is GitHub, anything else plain git. */
function inferProvider(url: string): GitRepository['provider'] {
  return /^https:\/\/github\.com\//.test(url) ? 'github' : 'git';
}

function checkProviderUrl(provider: GitRepository['provider'], url: string): void {
  if (provider === 'github' && !/^https:\/\/[^/]+\/[^/]+\/[^/]+?(\.git)?\/?$/.test(url)) {
    throw new DomainError('INVALID_INPUT', 'A GitHub repository URL must look like https://github.com/<owner>/<name>', {
      problems: [{ path: '$.url', message: 'expected https://<host>/<owner>/<name>' }],
    });
  }
}

export class GitRepositoryService {
  constructor(private readonly deps: { em: EntityManager; secretBox: SecretBox }) {}

  async list(): Promise<GitRepository[]> {
    return this.deps.em.find(GitRepositorySchema, {}, { orderBy: { name: 'asc' } });
  }

  async get(id: string): Promise<GitRepository> {
    const repository = await this.deps.em.findOne(GitRepositorySchema, { id: requireId('Git repository', id) });
    if (!repository) throw notFound('Git repository', id);
    return repository;
  }

  async create(input: CreateGitRepositoryInput): Promise<GitRepository> {
    const data = parseInput(CreateRepositorySchema, input, 'Git repository');
    const provider = data.provider ?? inferProvider(data.url);
    checkProviderUrl(provider, data.url);
    const { credentials, webhookSecret, ...fields } = data;
    const repository = this.deps.em.create(GitRepositorySchema, {
      ...fields,
      provider,
      authType:
        data.authType ??
        (credentials?.sshPrivateKey ? 'ssh_key' : credentials?.token ? 'token' : credentials ? 'basic' : 'none'),
      encryptedCredentials: credentials ? this.deps.secretBox.sealJson(credentials) : null,
      encryptedWebhookSecret: webhookSecret ? this.deps.secretBox.seal(webhookSecret) : null,
    } as never);
    await this.flushUnique(`A Git repository named ${JSON.stringify(data.name)} already exists`);
    this.refreshSecretFlags(repository, { credentials: true, webhookSecret: true });
    return repository;
  }

  async update(id: string, input: UpdateGitRepositoryInput): Promise<GitRepository> {
    const data = parseInput(UpdateRepositorySchema, input, 'Git repository');
    const repository = await this.get(id);
    const { credentials, webhookSecret, ...fields } = data;
    const provider = fields.provider ?? repository.provider;
    checkProviderUrl(provider, fields.url ?? repository.url);
    this.deps.em.assign(repository, fields as never);
    if (credentials !== undefined) {
      repository.encryptedCredentials = credentials ? this.deps.secretBox.sealJson(credentials) : null;
      // New credentials have not been tried yet.
      repository.connectionStatus = 'pending';
      repository.validationError = null;
    }
    if (webhookSecret !== undefined) {
      repository.encryptedWebhookSecret = webhookSecret ? this.deps.secretBox.seal(webhookSecret) : null;
    }
    await this.flushUnique(`A Git repository named ${JSON.stringify(fields.name)} already exists`);
    this.refreshSecretFlags(repository, {
      credentials: credentials !== undefined,
      webhookSecret: webhookSecret !== undefined,
    });
    return repository;
  }

  /** Refused while any fabric uses the repository; the error names those fabrics. */
  async delete(id: string): Promise<void> {
    const repository = await this.get(id);
    const users = await this.deps.em.find(
      FabricSchema,
      { gitRepository: id },
      { fields: ['name'], orderBy: { name: 'asc' } },
    );
    if (users.length > 0) {
      const names = users.map((fabric) => fabric.name);
      throw new DomainError(
        'IN_USE',
        `Git repository ${JSON.stringify(repository.name)} is used by fabric(s) ${names.join(', ')}; move or delete them first`,
        { fabrics: names },
      );
    }
    await this.deps.em.remove(repository).flush();
  }

  /** Decrypted credentials, for the Git adapters only; never for the API. */
  async readCredentials(repository: GitRepository): Promise<GitCredentials | null> {
    await this.deps.em.populate(repository, ['encryptedCredentials'] as never);
    return repository.encryptedCredentials
      ? this.deps.secretBox.openJson<GitCredentials>(repository.encryptedCredentials)
      : null;
  }

  /** Decrypted webhook secret, for checking webhook signatures only; never for the API or logs. */
  async readWebhookSecret(repository: GitRepository): Promise<string | null> {
    await this.deps.em.populate(repository, ['encryptedWebhookSecret'] as never);
    return repository.encryptedWebhookSecret ? this.deps.secretBox.open(repository.encryptedWebhookSecret) : null;
  }

  /** The `has…` flags are computed by SQL on load; after a write they are set from what was written. */
  private refreshSecretFlags(
    repository: GitRepository,
    written: { credentials: boolean; webhookSecret: boolean },
  ): void {
    if (written.credentials) repository.hasCredentials = repository.encryptedCredentials != null;
    if (written.webhookSecret) repository.hasWebhookSecret = repository.encryptedWebhookSecret != null;
  }

  private async flushUnique(message: string): Promise<void> {
    try {
      await this.deps.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        this.deps.em.clear();
        throw new DomainError('DUPLICATE', message);
      }
      throw error;
    }
  }
}
