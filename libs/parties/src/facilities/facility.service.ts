import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { assertOrganisationHasRole } from '../organisations/organisation-roles';
import { PartiesErrors } from '../parties.errors';

export interface Facility {
  id: string;
  organisationId: string;
  code: string;
  name: string;
  kind: 'storage';
  capacityTonnes: number;
  createdAt: Date;
}

export interface NewFacility {
  code: string;
  name: string;
  capacityTonnes: number;
}

const COLUMNS = `id, organisation_id AS "organisationId", code, name, kind, capacity_tonnes::float8 AS "capacityTonnes", created_at AS "createdAt"`;

/** Storage facilities (贮存设施) of generators and collection points. */
@Injectable()
export class FacilityService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(organisationId: string, input: NewFacility): Promise<Facility> {
    await assertOrganisationHasRole(this.db, organisationId, ['generator', 'collector']);
    const rows = (await this.db.query(
      `INSERT INTO facilities (organisation_id, code, name, capacity_tonnes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organisation_id, code) DO NOTHING RETURNING ${COLUMNS}`,
      [organisationId, input.code, input.name, input.capacityTonnes],
    )) as Facility[];
    if (!rows[0]) throw new DomainException(PartiesErrors.FACILITY_EXISTS);
    return rows[0];
  }

  async list(organisationId: string): Promise<Facility[]> {
    return (await this.db.query(`SELECT ${COLUMNS} FROM facilities WHERE organisation_id = $1 ORDER BY code`, [organisationId])) as Facility[];
  }
}
