import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { DomainError, notFound, requireId } from '../errors.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import { parseInput } from '../validation.ts';
import { ApiTokenSchema, ROLES, type ApiToken } from './api-token.entity.ts';
import type { TokenCache } from './token-cache.ts';
import { generateToken, hashToken, looksLikeToken, type Actor } from './tokens.ts';

const CreateTokenSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[\w .@:-]+$/, 'letters, digits, spaces and . _ @ : - only'),
    role: z.enum(ROLES),
    fabricIds: z.array(z.string().uuid()).max(1000).optional(),
    expiresAt: z.date().nullable().optional(),
  })
  .strict();

export type CreateTokenInput = z.input<typeof CreateTokenSchema>;

/** The one rule on every transport (HTTP, SSE, WebSocket): `Authorization: Bearer <token>`. */
export const NO_TOKEN_SENT = 'No API token was sent: send `Authorization: Bearer <token>`';
export const NOT_BEARER = 'Authorization must be `Bearer <token>`';

export class AuthenticationError extends DomainError {
  constructor(reason: string) {
    super('UNAUTHENTICATED', reason);
  }
}

export class TokenService {
  constructor(
    private readonly deps: {
      em: EntityManager;
      /** Tokens recently found valid (see token-cache.ts); none: every check asks the database. */
      cache?: TokenCache;
    },
  ) {}

  /** Creates a token; the returned `token` is the only time it exists in clear. */
  async create(input: CreateTokenInput, createdBy: string): Promise<{ token: string; record: ApiToken }> {
    const data = parseInput(CreateTokenSchema, input, 'API token');
    if (data.expiresAt && data.expiresAt.getTime() <= Date.now()) {
      throw new DomainError('INVALID_INPUT', 'expiresAt must be in the future', {
        problems: [{ path: '$.expiresAt', message: 'in the past' }],
      });
    }
    const fabricIds = [...new Set(data.fabricIds ?? [])];
    if (fabricIds.length > 0) {
      const found = await this.deps.em.count(FabricSchema, { id: { $in: fabricIds } });
      if (found !== fabricIds.length) throw new DomainError('NOT_FOUND', 'One of the fabrics does not exist');
    }
    const token = generateToken();
    const record = this.deps.em.create(ApiTokenSchema, {
      name: data.name,
      role: data.role,
      fabricIds,
      expiresAt: data.expiresAt ?? null,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      createdBy,
    } as never);
    try {
      await this.deps.em.flush();
    } catch (error) {
      this.deps.em.clear();
      if (error instanceof UniqueConstraintViolationException)
        throw new DomainError('DUPLICATE', `A token named ${JSON.stringify(data.name)} already exists`);
      throw error;
    }
    return { token, record };
  }

  async list(): Promise<ApiToken[]> {
    return this.deps.em.find(ApiTokenSchema, {}, { orderBy: { createdAt: 'asc' } });
  }

  async get(id: string): Promise<ApiToken> {
    const record = await this.deps.em.findOne(ApiTokenSchema, { id: requireId('API token', id) });
    if (!record) throw notFound('API token', id);
    return record;
  }

  async revoke(id: string): Promise<ApiToken> {
    const record = await this.deps.em.findOne(ApiTokenSchema, { id: requireId('API token', id) });
    if (!record) throw notFound('API token', id);
    record.revokedAt ??= new Date();
    await this.deps.em.flush();
    this.deps.cache?.forgetToken(record.id);
    return record;
  }

  async count(): Promise<number> {
    return this.deps.em.count(ApiTokenSchema, {});
  }

  /**
   * The actor behind a token, or an UNAUTHENTICATED error saying why not (never echoing the token).
   * A token found valid less than the cache's time ago is not looked up again (see token-cache.ts);
   * `fresh` always asks the database (each operation sent over a WebSocket does).
   */
  async authenticate(token: string | null, options: { fresh?: boolean } = {}): Promise<Actor> {
    if (!token) throw new AuthenticationError(NO_TOKEN_SENT);
    if (!looksLikeToken(token)) throw new AuthenticationError('The API token is not valid');
    const tokenHash = hashToken(token);
    const cached = options.fresh ? undefined : this.deps.cache?.get(tokenHash);
    if (cached) return cached;
    // Past the identity map: the app checks every token on one long-lived unit of work, which must
    // see a revocation made through any other.
    const record = await this.deps.em.findOne(ApiTokenSchema, { tokenHash }, { disableIdentityMap: true });
    if (!record) throw new AuthenticationError('The API token is not valid');
    const unusable = whyUnusable(record);
    if (unusable) throw new AuthenticationError(unusable);
    // At most one write a minute per token for "last used".
    if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > 60_000) {
      await this.deps.em.nativeUpdate(ApiTokenSchema, { id: record.id }, { lastUsedAt: new Date() });
    }
    const actor: Actor = {
      name: record.name,
      role: record.role,
      fabricIds: record.fabricIds.length > 0 ? record.fabricIds : null,
      tokenId: record.id,
      expiresAt: record.expiresAt,
    };
    this.deps.cache?.set(tokenHash, actor);
    return actor;
  }

  /**
   * Why each of these tokens no longer works (not valid, revoked, expired); tokens that still
   * work are absent. Open connections are checked with it.
   */
  async whyUnusable(ids: readonly string[]): Promise<Map<string, string>> {
    const records = await this.deps.em.find(
      ApiTokenSchema,
      { id: { $in: [...ids] } },
      { fields: ['id', 'revokedAt', 'expiresAt'], disableIdentityMap: true },
    );
    const byId = new Map(records.map((record) => [record.id, record]));
    const reasons = new Map<string, string>();
    for (const id of ids) {
      const record = byId.get(id);
      const reason = record ? whyUnusable(record) : 'The API token is not valid';
      if (reason) reasons.set(id, reason);
    }
    return reasons;
  }
}

function whyUnusable(record: Pick<ApiToken, 'revokedAt' | 'expiresAt'>): string | null {
  if (record.revokedAt) return 'The API token has been revoked';
  if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) return 'The API token has expired';
  return null;
}
