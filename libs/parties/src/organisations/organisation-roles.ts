import { DomainException } from '@app/errors';
import type { EntityManager } from 'typeorm';
import type { OrganisationRole } from '../auth/actor';
import { PartiesErrors } from '../parties.errors';

/** ORGANISATION_ROLE_REQUIRED unless the organisation has at least one of the roles. */
export async function assertOrganisationHasRole(m: Pick<EntityManager, 'query'>, organisationId: string, roles: OrganisationRole[]): Promise<void> {
  const rows = (await m.query(`SELECT roles && $2::text[] AS ok FROM organisations WHERE id = $1`, [organisationId, roles])) as { ok: boolean }[];
  if (!rows[0]) throw new DomainException('NOT_FOUND');
  if (!rows[0].ok) throw new DomainException(PartiesErrors.ORGANISATION_ROLE_REQUIRED, { roles: roles.join(' / ') });
}
