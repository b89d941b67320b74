import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, OrganisationRole, UserRole, divisionPrefix } from './actor';

const TOKEN_PREFIX = 'wl_';
const CACHE_TTL_MS = 5_000;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

interface TokenRow {
  token_id: string;
  user_id: string;
  role: UserRole;
  organisation_id: string | null;
  roles: OrganisationRole[] | null;
  division_code: string | null;
  jurisdiction: string[] | null;
  driver_id: string | null;
  expires_at: Date | null;
}

/**
 * Opaque API tokens: shown once, stored as SHA-256 (a token is 256 random bits, so a fast hash is
 * enough and lookups stay one index probe). Resolution is cached for a few seconds per process;
 * revocation clears this process's cache at once and others within the TTL.
 */
@Injectable()
export class TokenService {
  private readonly cache = new Map<string, { actor: Actor | null; until: number }>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async issue(
    manager: EntityManager,
    userId: string,
    name: string,
    expiresAt: Date | null,
    secret: string = newTokenSecret(),
  ): Promise<{ id: string; token: string }> {
    const [row] = (await manager.query(
      `INSERT INTO api_tokens (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [userId, name, hashToken(secret), expiresAt],
    )) as { id: string }[];
    return { id: row.id, token: secret };
  }

  async revoke(manager: EntityManager, tokenId: string): Promise<boolean> {
    const rows = (await manager.query(
      `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING encode(token_hash, 'hex') AS h`,
      [tokenId],
    )) as [{ h: string }[], number];
    this.cache.clear();
    return rows[1] > 0;
  }

  async resolve(token: string): Promise<Actor | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const key = hashToken(token).toString('hex');
    const cached = this.cache.get(key);
    const now = Date.now();
    if (cached && cached.until > now) return cached.actor;
    const rows = (await this.db.query(
      `SELECT t.id AS token_id, u.id AS user_id, u.role, u.organisation_id, o.roles, o.division_code, o.jurisdiction, u.driver_id,
              t.expires_at
         FROM api_tokens t
         JOIN users u ON u.id = t.user_id
         LEFT JOIN organisations o ON o.id = u.organisation_id
        WHERE t.token_hash = decode($1, 'hex') AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [key],
    )) as TokenRow[];
    const row = rows[0];
    const actor: Actor | null = row
      ? {
          userId: row.user_id,
          tokenId: row.token_id,
          role: row.role,
          organisationId: row.organisation_id,
          organisationRoles: row.roles ?? [],
          organisationDivision: row.division_code,
          jurisdictionPrefixes: (row.jurisdiction ?? []).map(divisionPrefix),
          driverId: row.driver_id,
        }
      : null;
    if (row) {
      // Good enough for "when was this device last seen": at most one write a minute per token.
      await this.db.query(
        `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [row.token_id],
      );
    }
    if (this.cache.size > 10_000) this.cache.clear();
    // A token must not outlive its expiry in the cache.
    const until = Math.min(now + CACHE_TTL_MS, row?.expires_at ? row.expires_at.getTime() : Infinity);
    this.cache.set(key, { actor, until });
    return actor;
  }
}
