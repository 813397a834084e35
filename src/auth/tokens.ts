import { hash, randomBytes } from 'node:crypto';
import type { Role } from './api-token.entity.ts';

/** Tokens look like `hgw_<43 url-safe characters>`: 256 random bits. */
const TOKEN_PATTERN = /^hgw_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return `hgw_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 of the token, hex (one-shot `crypto.hash`: no Hash object per request). */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** Who is calling: the token's name (recorded on drafts, operations and commits), role and fabrics. */
export interface Actor {
  name: string;
  role: Role;
  /** null = every fabric. */
  fabricIds: readonly string[] | null;
  tokenId: string | null;
  /** When the token stops working (open connections are closed then); null or absent = never. */
  expiresAt?: Date | null;
}

export const SYSTEM_ACTOR: Actor = { name: 'system', role: 'admin', fabricIds: null, tokenId: null };

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAllows(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export function actorMayTouchFabric(actor: Actor, fabricId: string): boolean {
  return actor.fabricIds === null || actor.fabricIds.includes(fabricId);
}
