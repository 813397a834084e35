import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const GIT_PROVIDERS = ['github', 'git'] as const;
export const GIT_AUTH_TYPES = ['token', 'ssh_key', 'basic', 'none'] as const;
export const GIT_CONNECTION_STATUSES = ['pending', 'testing', 'connected', 'failed'] as const;

export const GitRepositorySchema = defineEntity({
  name: 'GitRepository',
  tableName: 'git_repository',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    name: p.string().length(255).unique(),
    url: p.text(),
    provider: p.enum(GIT_PROVIDERS).default('git'),
    defaultBranch: p.string().length(255).default('main'),
    authType: p.enum(GIT_AUTH_TYPES).default('none'),
    /** AES-256-GCM sealed JSON of the credentials; write-only through the API. */
    encryptedCredentials: p.text().nullable().lazy(),
    encryptedWebhookSecret: p.text().nullable().lazy(),
    /** Computed in SQL so that listing repositories never loads a sealed secret. */
    hasCredentials: p
      .formula<boolean>((columns) => `${columns.encryptedCredentials} is not null`)
      .type('boolean')
      .persist(false),
    hasWebhookSecret: p
      .formula<boolean>((columns) => `${columns.encryptedWebhookSecret} is not null`)
      .type('boolean')
      .persist(false),
    connectionStatus: p.enum(GIT_CONNECTION_STATUSES).default('pending'),
    lastValidatedAt: p.datetime().nullable(),
    validationError: p.text().nullable(),
    directPushEnabled: p.boolean().default(true),
    /** Empty means the default branch. */
    pushBranch: p.string().length(255).default(''),
    commitAuthorName: p.string().length(255).default('HNP Bidirectional Sync'),
    commitAuthorEmail: p.string().length(255).default('hnp-sync@hedgehog.gitops'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type GitRepository = InferEntity<typeof GitRepositorySchema>;
