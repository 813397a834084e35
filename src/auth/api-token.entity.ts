import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An API token. Only the SHA-256 of the token is stored; the token itself is shown once. */
export const ApiTokenSchema = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    name: p.string().length(255).unique(),
    tokenHash: p.string().length(64).unique().hidden(),
    /** The first characters of the token, so people can tell their tokens apart. */
    prefix: p.string().length(16),
    role: p.enum(ROLES),
    /** Fabrics the token may touch; empty = every fabric. */
    fabricIds: p
      .json<string[]>()
      .defaultRaw(`'[]'`)
      .onCreate(() => []),
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    createdBy: p.string().length(255),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type ApiToken = InferEntity<typeof ApiTokenSchema>;
