import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainException } from '@app/errors';
import { Actor } from '../auth/actor';
import { TokenService } from '../auth/token.service';
import { OrganisationService } from '../organisations/organisation.service';
import { invalidField } from '../shared/field-error';
import { ApiToken, IssuedToken, Me, NewUser, User } from './user.types';

const USER_COLUMNS = `id, organisation_id AS "organisationId", name, role, driver_id AS "driverId", created_at AS "createdAt"`;
const TOKEN_COLUMNS = `id, user_id AS "userId", name, created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt",
  last_used_at AS "lastUsedAt",
  CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired' ELSE 'active' END AS status`;

/** The people of an organisation and their API tokens (one per device or integration). */
@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly organisations: OrganisationService,
  ) {}

  async create(organisationId: string, input: NewUser): Promise<User> {
    if (input.role === 'driver' && !input.driverId) throw invalidField('driverId', 'requiredForDriver', 'driverId is required for role driver');
    if (input.role !== 'driver' && input.driverId) throw invalidField('driverId', 'onlyForDriver', 'driverId is only for role driver');
    if (input.driverId) {
      const rows = (await this.db.query(`SELECT 1 FROM drivers WHERE id = $1 AND organisation_id = $2`, [input.driverId, organisationId])) as unknown[];
      if (!rows.length) throw invalidField('driverId', 'ofOrganisation', "driverId must name one of this organisation's drivers");
    }
    const [user] = (await this.db.query(
      `INSERT INTO users (organisation_id, name, role, driver_id) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
      [organisationId, input.name, input.role, input.driverId ?? null],
    )) as User[];
    return user;
  }

  async list(organisationId: string): Promise<User[]> {
    return (await this.db.query(`SELECT ${USER_COLUMNS} FROM users WHERE organisation_id = $1 ORDER BY created_at, id`, [organisationId])) as User[];
  }

  async get(id: string, manager: EntityManager = this.db.manager): Promise<User> {
    const [user] = (await manager.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id])) as User[];
    if (!user) throw new DomainException('NOT_FOUND');
    return user;
  }

  async me(actor: Actor): Promise<Me> {
    const user = await this.get(actor.userId);
    const organisation = actor.organisationId ? await this.organisations.get(actor.organisationId) : null;
    return {
      user,
      organisation,
      roles: actor.organisationRoles,
      jurisdiction: organisation?.jurisdiction ?? [],
      tokenId: actor.tokenId,
    };
  }

  /** Issues a token; the response is the only place its secret ever appears (the database keeps its hash). */
  async issueToken(userId: string, input: { name: string; expiresAt?: Date }): Promise<IssuedToken> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw invalidField('expiresAt', 'inFuture', 'expiresAt must be in the future');
    return this.db.transaction(async (m) => {
      await this.get(userId, m);
      const { id, token } = await this.tokens.issue(m, userId, input.name, input.expiresAt ?? null);
      return { ...(await this.token(id, m)), token };
    });
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    return (await this.db.query(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id`, [userId])) as ApiToken[];
  }

  /** Revokes a token at once; revoking a revoked token changes nothing and answers the same. */
  async revokeToken(tokenId: string): Promise<ApiToken> {
    // Not inside a wider transaction: the revocation must be committed before TokenService drops its
    // cache, or a request in between could cache the token as still valid.
    await this.tokens.revoke(this.db.manager, tokenId);
    return this.token(tokenId, this.db.manager);
  }

  private async token(id: string, manager: EntityManager): Promise<ApiToken> {
    const [token] = (await manager.query(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [id])) as ApiToken[];
    if (!token) throw new DomainException('NOT_FOUND');
    return token;
  }
}
