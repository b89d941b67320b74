import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainException } from '@app/errors';
import { LedgerService } from '@app/ledger';
import { Actor, isPlatformAdmin, isRegulator } from '../auth/actor';
import { PartiesErrors } from '../parties.errors';
import { invalidField } from '../shared/field-error';
import { ledgerActorOf } from '../shared/ledger-actor';
import { NewOrganisation, Organisation, OrganisationChanges, OrganisationQuery, Page } from './organisation.types';

export const ORGANISATION_COLUMNS = `
  o.id, o.uscc, o.name, o.address, o.division_code AS "divisionCode", o.lat::float8 AS lat, o.lng::float8 AS lng,
  o.contact_name AS "contactName", o.contact_phone AS "contactPhone", o.roles, o.generator_kind AS "generatorKind",
  o.medical_level AS "medicalLevel", o.management_class AS "managementClass", o.jurisdiction,
  o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

/**
 * Rules spanning several fields, which the database also enforces with CHECKs; checked here first so
 * the caller learns which field is wrong instead of getting a constraint name.
 */
function assertConsistent(input: NewOrganisation): void {
  if (new Set(input.roles).size !== input.roles.length) throw invalidField('roles', 'arrayUnique', 'roles must not repeat');
  const generator = input.roles.includes('generator');
  if (generator && !input.generatorKind) throw invalidField('generatorKind', 'requiredForGenerator', 'generatorKind is required for a generator');
  if (!generator && input.generatorKind) throw invalidField('generatorKind', 'onlyForGenerator', 'generatorKind is only for generators');
  if (input.generatorKind === 'medical' && !input.medicalLevel) {
    throw invalidField('medicalLevel', 'requiredForMedical', 'medicalLevel is required for a medical generator');
  }
  if (input.generatorKind !== 'medical' && input.medicalLevel) {
    throw invalidField('medicalLevel', 'onlyForMedical', 'medicalLevel is only for medical generators');
  }
  const regulator = input.roles.includes('regulator');
  if (regulator && !input.jurisdiction?.length) throw invalidField('jurisdiction', 'requiredForRegulator', 'jurisdiction is required for a regulator');
  if (!regulator && input.jurisdiction) throw invalidField('jurisdiction', 'onlyForRegulator', 'jurisdiction is only for regulators');
  assertLocation(input);
}

function assertLocation(input: { lat?: number; lng?: number }): void {
  if ((input.lat === undefined) !== (input.lng === undefined)) {
    throw invalidField(input.lat === undefined ? 'lat' : 'lng', 'bothOrNeither', 'lat and lng go together');
  }
}

@Injectable()
export class OrganisationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  /** Registers an organisation; ORGANISATION_EXISTS when its USCC is taken. Ledger subject 'organisation'. */
  async create(actor: Actor, input: NewOrganisation): Promise<Organisation> {
    assertConsistent(input);
    return this.db.transaction(async (m) => {
      const organisation = await this.insert(m, input);
      const { id, createdAt: _c, updatedAt: _u, ...facts } = organisation;
      await this.ledger.append(m, { subjectType: 'organisation', subjectId: id, type: 'organisation.registered', actor: ledgerActorOf(actor), payload: facts });
      return organisation;
    });
  }

  private async insert(m: EntityManager, input: NewOrganisation): Promise<Organisation> {
    const rows = (await m.query(
      `INSERT INTO organisations AS o (uscc, name, address, division_code, lat, lng, contact_name, contact_phone, roles,
                                       generator_kind, medical_level, management_class, jurisdiction)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (uscc) DO NOTHING
       RETURNING ${ORGANISATION_COLUMNS}`,
      [
        input.uscc,
        input.name,
        input.address ?? '',
        input.divisionCode,
        input.lat ?? null,
        input.lng ?? null,
        input.contactName ?? null,
        input.contactPhone ?? null,
        input.roles,
        input.generatorKind ?? null,
        input.medicalLevel ?? null,
        input.managementClass ?? null,
        input.jurisdiction ? [...new Set(input.jurisdiction)] : null,
      ],
    )) as Organisation[];
    if (!rows[0]) throw new DomainException(PartiesErrors.ORGANISATION_EXISTS);
    return rows[0];
  }

  /** The organisations the caller may see: all for platform admins, the jurisdiction for regulators, else its own. */
  async list(actor: Actor, query: OrganisationQuery): Promise<Page<Organisation>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!isPlatformAdmin(actor)) {
      params.push(actor.organisationId);
      const own = `o.id = $${params.length}`;
      if (isRegulator(actor) && actor.jurisdictionPrefixes.length) {
        // Prefixes are digits only (checked by the jurisdiction CHECK), so they need no LIKE escaping.
        params.push(actor.jurisdictionPrefixes.map((prefix) => `${prefix}%`));
        where.push(`(${own} OR o.division_code LIKE ANY ($${params.length}::text[]))`);
      } else {
        where.push(own);
      }
    }
    if (query.role) {
      params.push(query.role);
      where.push(`$${params.length} = ANY (o.roles)`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.db.query(`SELECT count(*)::int AS total FROM organisations o ${filter}`, params)) as { total: number }[];
    const items = (await this.db.query(
      `SELECT ${ORGANISATION_COLUMNS} FROM organisations o ${filter}
        ORDER BY o.created_at, o.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    )) as Organisation[];
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string, manager: EntityManager = this.db.manager): Promise<Organisation> {
    const rows = (await manager.query(`SELECT ${ORGANISATION_COLUMNS} FROM organisations o WHERE o.id = $1`, [id])) as Organisation[];
    if (!rows[0]) throw new DomainException('NOT_FOUND');
    return rows[0];
  }

  /** Changes an organisation's contact data; the previous row is kept in organisation_history by a trigger, the change in the ledger. */
  async update(actor: Actor, id: string, changes: OrganisationChanges): Promise<Organisation> {
    assertLocation(changes);
    const columns: Record<keyof OrganisationChanges, string> = {
      address: 'address',
      lat: 'lat',
      lng: 'lng',
      contactName: 'contact_name',
      contactPhone: 'contact_phone',
      managementClass: 'management_class',
    };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, column] of Object.entries(columns) as [keyof OrganisationChanges, string][]) {
      if (changes[key] === undefined) continue;
      params.push(changes[key]);
      sets.push(`${column} = $${params.length}`);
    }
    if (!sets.length) return this.get(id);
    return this.db.transaction(async (m) => {
      await recordChangedBy(m, actor);
      const rows = (await m.query(
        `UPDATE organisations AS o SET ${sets.join(', ')}, updated_at = now() WHERE o.id = $1 RETURNING ${ORGANISATION_COLUMNS}`,
        params,
      )) as [Organisation[], number];
      if (!rows[0][0]) throw new DomainException('NOT_FOUND');
      await this.ledger.append(m, { subjectType: 'organisation', subjectId: id, type: 'organisation.updated', actor: ledgerActorOf(actor), payload: { ...changes } });
      return rows[0][0];
    });
  }
}

/** Tells the history triggers who makes the change (transaction-local). */
export async function recordChangedBy(m: EntityManager, actor: Actor): Promise<void> {
  await m.query(`SELECT set_config('wasteledger.user_id', $1, true)`, [actor.userId]);
}
