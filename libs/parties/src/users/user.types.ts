import type { OrganisationRole, UserRole } from '../auth/actor';
import type { Organisation } from '../organisations/organisation.types';

/** Roles a user can have inside an organisation (platform admins belong to none). */
export const MEMBER_ROLES = ['admin', 'operator', 'driver', 'viewer'] as const satisfies readonly UserRole[];
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface User {
  id: string;
  organisationId: string | null;
  name: string;
  role: UserRole;
  driverId: string | null;
  createdAt: Date;
}

export interface NewUser {
  name: string;
  role: MemberRole;
  /** Required for (and only for) role driver: the driver record the user is. */
  driverId?: string;
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** An API token as listed: never its secret, never its hash. */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  status: TokenStatus;
}

/** The one response that carries a token's secret: the one that issues it. */
export interface IssuedToken extends ApiToken {
  token: string;
}

export interface Me {
  user: User;
  organisation: Organisation | null;
  roles: OrganisationRole[];
  /** Division codes the caller regulates (empty unless a regulator). */
  jurisdiction: string[];
  tokenId: string;
}
