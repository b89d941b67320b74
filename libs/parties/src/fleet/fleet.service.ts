import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { assertOrganisationHasRole } from '../organisations/organisation-roles';
import { PartiesErrors } from '../parties.errors';
import { Driver, Vehicle } from './fleet.types';

/** The current document of a vehicle or driver (`holder` column), as JSON. */
const documentOf = (kind: 'vehicle_permit' | 'driver_qualification', holder: 'vehicle_id' | 'driver_id', alias: string): string => `
  (SELECT json_build_object('id', l.id, 'number', l.number, 'validFrom', l.valid_from::text, 'validTo', l.valid_to::text,
                            'dangerousGoodsClasses', l.dangerous_goods_classes)
     FROM licences_current l WHERE l.kind = '${kind}' AND l.${holder} = ${alias}.id
    ORDER BY l.valid_to DESC, l.created_at DESC LIMIT 1)`;

const VEHICLE = `SELECT v.id, v.organisation_id AS "organisationId", v.plate, v.created_at AS "createdAt",
  ${documentOf('vehicle_permit', 'vehicle_id', 'v')} AS permit FROM vehicles v`;
const DRIVER = `SELECT d.id, d.organisation_id AS "organisationId", d.name, d.phone, d.created_at AS "createdAt",
  ${documentOf('driver_qualification', 'driver_id', 'd')} AS qualification FROM drivers d`;

/** A carrier's vehicles and drivers; their permits and qualifications are licences (see LicenceService). */
@Injectable()
export class FleetService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async addVehicle(organisationId: string, plate: string): Promise<Vehicle> {
    await assertOrganisationHasRole(this.db, organisationId, ['transporter']);
    const rows = (await this.db.query(
      `INSERT INTO vehicles (organisation_id, plate) VALUES ($1, $2) ON CONFLICT (plate) DO NOTHING RETURNING id`,
      [organisationId, plate],
    )) as { id: string }[];
    if (!rows[0]) throw new DomainException(PartiesErrors.VEHICLE_EXISTS);
    return this.vehicle(rows[0].id);
  }

  async vehicles(organisationId: string): Promise<Vehicle[]> {
    return (await this.db.query(`${VEHICLE} WHERE v.organisation_id = $1 ORDER BY v.plate`, [organisationId])) as Vehicle[];
  }

  async vehicle(id: string): Promise<Vehicle> {
    const [vehicle] = (await this.db.query(`${VEHICLE} WHERE v.id = $1`, [id])) as Vehicle[];
    if (!vehicle) throw new DomainException('NOT_FOUND');
    return vehicle;
  }

  async addDriver(organisationId: string, input: { name: string; phone?: string }): Promise<Driver> {
    await assertOrganisationHasRole(this.db, organisationId, ['transporter']);
    const [{ id }] = (await this.db.query(`INSERT INTO drivers (organisation_id, name, phone) VALUES ($1, $2, $3) RETURNING id`, [
      organisationId,
      input.name,
      input.phone ?? null,
    ])) as { id: string }[];
    return this.driver(id);
  }

  async drivers(organisationId: string): Promise<Driver[]> {
    return (await this.db.query(`${DRIVER} WHERE d.organisation_id = $1 ORDER BY d.name, d.id`, [organisationId])) as Driver[];
  }

  async driver(id: string): Promise<Driver> {
    const [driver] = (await this.db.query(`${DRIVER} WHERE d.id = $1`, [id])) as Driver[];
    if (!driver) throw new DomainException('NOT_FOUND');
    return driver;
  }
}
