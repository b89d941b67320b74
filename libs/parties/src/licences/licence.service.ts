import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainException } from '@app/errors';
import { LedgerService, NewLedgerEvent } from '@app/ledger';
import type { Actor, OrganisationRole } from '../auth/actor';
import { assertOrganisationHasRole } from '../organisations/organisation-roles';
import { PartiesErrors } from '../parties.errors';
import { invalidField } from '../shared/field-error';
import { ledgerActorOf } from '../shared/ledger-actor';
import { Licence, LicenceContent, LicenceKind, LicenceQuery, NewLicence } from './licence.types';

export const LICENCE_COLUMNS = `
  l.id, l.organisation_id AS "organisationId", l.kind, l.vehicle_id AS "vehicleId", l.driver_id AS "driverId", l.number,
  l.modes, l.waste_codes AS "wasteCodes", l.waste_categories AS "wasteCategories",
  l.dangerous_goods_classes AS "dangerousGoodsClasses", l.annual_capacity_tonnes::float8 AS "annualCapacityTonnes",
  l.valid_from::text AS "validFrom", l.valid_to::text AS "validTo", l.supersedes_id AS "supersedesId",
  n.id AS "supersededById", (n.id IS NULL) AS current, l.created_at AS "createdAt"`;
const LICENCE_FROM = `licences l LEFT JOIN licences n ON n.supersedes_id = l.id`;

/** Which organisations may hold each kind of licence. */
const HOLDER_ROLES: Record<LicenceKind, OrganisationRole[]> = {
  hw_operating: ['receiver', 'collector'],
  road_transport: ['transporter'],
  vehicle_permit: ['transporter'],
  driver_qualification: ['transporter'],
};

/** The kind-specific content rules, each failure naming its field. */
function assertContent(kind: LicenceKind, content: LicenceContent): void {
  if (content.validTo < content.validFrom) throw invalidField('validTo', 'notBeforeValidFrom', 'validTo must not be before validFrom');
  const wasteFields = ['modes', 'wasteCodes', 'wasteCategories', 'annualCapacityTonnes'] as const;
  if (kind === 'hw_operating') {
    if (content.annualCapacityTonnes === undefined) {
      throw invalidField('annualCapacityTonnes', 'requiredForHwOperating', 'annualCapacityTonnes is required for an hw_operating licence');
    }
    if (!content.wasteCodes?.length && !content.wasteCategories?.length) {
      throw invalidField('wasteCodes', 'codesOrCategories', 'an hw_operating licence lists wasteCodes, wasteCategories or both');
    }
    return;
  }
  for (const field of wasteFields) {
    const value = content[field];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      throw invalidField(field, 'onlyForHwOperating', `${field} is only for hw_operating licences`);
    }
  }
}

/** The ledger event that records a licence: its whole content, so the ledger alone tells its story. */
function recorded(actor: Actor, licence: Licence): NewLedgerEvent {
  return {
    subjectType: 'licence',
    subjectId: licence.id,
    type: 'licence.recorded',
    actor: ledgerActorOf(actor),
    payload: {
      organisationId: licence.organisationId,
      kind: licence.kind,
      vehicleId: licence.vehicleId,
      driverId: licence.driverId,
      number: licence.number,
      modes: licence.modes,
      wasteCodes: licence.wasteCodes,
      wasteCategories: licence.wasteCategories,
      dangerousGoodsClasses: licence.dangerousGoodsClasses,
      annualCapacityTonnes: licence.annualCapacityTonnes,
      validFrom: licence.validFrom,
      validTo: licence.validTo,
      supersedesId: licence.supersedesId,
    },
  };
}

/**
 * Licences are append-only (a trigger refuses UPDATE and DELETE): a renewal or correction is a new
 * licence that supersedes the old one, and the history stays. Each write and its ledger events
 * (subject 'licence') commit in one transaction.
 */
@Injectable()
export class LicenceService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  async create(actor: Actor, organisationId: string, input: NewLicence): Promise<Licence> {
    assertContent(input.kind, input);
    return this.db.transaction(async (m) => {
      await assertOrganisationHasRole(m, organisationId, HOLDER_ROLES[input.kind]);
      await this.assertHolder(m, organisationId, input);
      const licence = await this.getIn(m, await this.insert(m, organisationId, input, null));
      await this.ledger.append(m, recorded(actor, licence));
      return licence;
    });
  }

  /** Issues a new licence replacing `licenceId`, keeping its kind and holder; LICENCE_ALREADY_SUPERSEDED if it was replaced already. */
  async supersede(actor: Actor, licenceId: string, content: LicenceContent): Promise<Licence> {
    return this.db.transaction(async (m) => {
      // The row lock serialises two renewals of one licence; the UNIQUE on supersedes_id backs it up.
      const [old] = (await m.query(`SELECT ${LICENCE_COLUMNS} FROM ${LICENCE_FROM} WHERE l.id = $1 FOR UPDATE OF l`, [licenceId])) as Licence[];
      if (!old) throw new DomainException('NOT_FOUND');
      if (!old.current) throw new DomainException(PartiesErrors.LICENCE_ALREADY_SUPERSEDED, {}, { supersededById: old.supersededById });
      assertContent(old.kind, content);
      const input: NewLicence = { ...content, kind: old.kind, vehicleId: old.vehicleId ?? undefined, driverId: old.driverId ?? undefined };
      const licence = await this.getIn(m, await this.insert(m, old.organisationId, input, old.id));
      await this.ledger.appendMany(m, [
        recorded(actor, licence),
        { subjectType: 'licence', subjectId: old.id, type: 'licence.superseded', actor: ledgerActorOf(actor), payload: { supersededById: licence.id } },
      ]);
      return licence;
    });
  }

  async get(id: string): Promise<Licence> {
    return this.getIn(this.db.manager, id);
  }

  async list(organisationId: string, query: LicenceQuery = {}): Promise<Licence[]> {
    const params: unknown[] = [organisationId];
    const where = ['l.organisation_id = $1'];
    if (!query.history) where.push('n.id IS NULL');
    if (query.kind) {
      params.push(query.kind);
      where.push(`l.kind = $${params.length}`);
    }
    return (await this.db.query(
      `SELECT ${LICENCE_COLUMNS} FROM ${LICENCE_FROM} WHERE ${where.join(' AND ')} ORDER BY l.kind, l.valid_from DESC, l.created_at DESC`,
      params,
    )) as Licence[];
  }

  private async getIn(m: EntityManager, id: string): Promise<Licence> {
    const [licence] = (await m.query(`SELECT ${LICENCE_COLUMNS} FROM ${LICENCE_FROM} WHERE l.id = $1`, [id])) as Licence[];
    if (!licence) throw new DomainException('NOT_FOUND');
    return licence;
  }

  /** A vehicle permit names a vehicle of the holder, a driver qualification a driver of it; no other kind names either. */
  private async assertHolder(m: EntityManager, organisationId: string, input: NewLicence): Promise<void> {
    const subjects = [
      { field: 'vehicleId', table: 'vehicles', id: input.vehicleId, kind: 'vehicle_permit' },
      { field: 'driverId', table: 'drivers', id: input.driverId, kind: 'driver_qualification' },
    ] as const;
    for (const subject of subjects) {
      if (input.kind !== subject.kind) {
        if (subject.id !== undefined) throw invalidField(subject.field, 'onlyFor', `${subject.field} is only for ${subject.kind} licences`);
        continue;
      }
      if (subject.id === undefined) throw invalidField(subject.field, 'required', `${subject.field} is required for a ${subject.kind} licence`);
      const rows = (await m.query(`SELECT 1 FROM ${subject.table} WHERE id = $1 AND organisation_id = $2`, [subject.id, organisationId])) as unknown[];
      if (!rows.length) throw invalidField(subject.field, 'ofOrganisation', `${subject.field} must name one of this organisation's ${subject.table}`);
    }
  }

  private async insert(m: EntityManager, organisationId: string, input: NewLicence, supersedesId: string | null): Promise<string> {
    const [row] = (await m.query(
      `INSERT INTO licences (organisation_id, kind, vehicle_id, driver_id, number, modes, waste_codes, waste_categories,
                             dangerous_goods_classes, annual_capacity_tonnes, valid_from, valid_to, supersedes_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (supersedes_id) DO NOTHING RETURNING id`,
      [
        organisationId,
        input.kind,
        input.vehicleId ?? null,
        input.driverId ?? null,
        input.number,
        unique(input.modes),
        unique(input.wasteCodes),
        unique(input.wasteCategories),
        unique(input.dangerousGoodsClasses),
        input.annualCapacityTonnes ?? null,
        input.validFrom,
        input.validTo,
        supersedesId,
      ],
    )) as { id: string }[];
    // Another request superseded the same licence first.
    if (!row) throw new DomainException(PartiesErrors.LICENCE_ALREADY_SUPERSEDED);
    return row.id;
  }
}

function unique(values: string[] | undefined): string[] {
  return [...new Set(values ?? [])];
}
