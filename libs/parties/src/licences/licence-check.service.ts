import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../auth/policies';
import { calendarDay } from '../shared/calendar-date';
import { LicenceCheckReason, LicenceCheckReasonCode, reason } from './licence-check.reasons';
import { allowsDangerousGoodsClass, coversWasteCode, dangerousGoodsClassFor, validityOn, wasteCategoryOf } from './licence-rules';
import type { LicenceKind } from './licence.types';

export interface ReceiveCheck {
  receiverId: string;
  wasteCode: string;
  tonnes: number;
  /** The day of the transfer: a date (YYYY-MM-DD) or a moment, taken as its calendar day in China. */
  on: Date | string;
}

export interface CarryCheck {
  carrierId: string;
  vehicleId: string;
  driverId?: string;
  wasteCode: string;
  on: Date | string;
}

export interface LicenceRef {
  id: string;
  kind: LicenceKind;
  number: string;
}

export interface CapacityUse {
  licenceId: string;
  year: number;
  annualTonnes: number;
  committedTonnes: number;
  remainingTonnes: number;
}

export interface LicenceCheckResult {
  allowed: boolean;
  /** Empty when allowed. */
  reasons: LicenceCheckReason[];
  /** The licences that allow it (to be quoted on the manifest), when allowed. */
  licences: LicenceRef[];
  /** For a receiver: the annual capacity of the licence that covers the code. */
  capacity?: CapacityUse;
}

interface LicenceRow {
  id: string;
  kind: LicenceKind;
  number: string;
  wasteCodes: string[];
  wasteCategories: string[];
  dangerousGoodsClasses: string[];
  annualCapacityTonnes: number | null;
  validFrom: string;
  validTo: string;
}

const CURRENT_LICENCE_COLUMNS = `id, kind, number, waste_codes AS "wasteCodes", waste_categories AS "wasteCategories",
  dangerous_goods_classes AS "dangerousGoodsClasses", annual_capacity_tonnes::float8 AS "annualCapacityTonnes",
  valid_from::text AS "validFrom", valid_to::text AS "validTo"`;

/** Tonnes compared in whole kilograms, so 0.1 + 0.2 is 0.3. */
const kg = (tonnes: number): number => Math.round(tonnes * 1000);

/** Reason codes for a document's validity problems, per kind of document. */
const VALIDITY_REASONS: Record<'licence' | 'vehicle' | 'driver', { expired: LicenceCheckReasonCode; notYetValid: LicenceCheckReasonCode }> = {
  licence: { expired: 'LICENCE_EXPIRED', notYetValid: 'LICENCE_NOT_YET_VALID' },
  vehicle: { expired: 'VEHICLE_PERMIT_EXPIRED', notYetValid: 'VEHICLE_PERMIT_NOT_YET_VALID' },
  driver: { expired: 'DRIVER_QUALIFICATION_EXPIRED', notYetValid: 'DRIVER_QUALIFICATION_NOT_YET_VALID' },
};

function validityProblem(l: LicenceRow, day: string, document: keyof typeof VALIDITY_REASONS): LicenceCheckReason | null {
  const validity = validityOn(l, day);
  if (validity === 'valid') return null;
  const code = validity === 'expired' ? VALIDITY_REASONS[document].expired : VALIDITY_REASONS[document].notYetValid;
  return reason(code, { number: l.number, validFrom: l.validFrom, validTo: l.validTo }, l.id);
}

const ref = (l: LicenceRow): LicenceRef => ({ id: l.id, kind: l.kind, number: l.number });

/**
 * "May this receiver take this waste, may this carrier carry it, on this day?" Only licences in force
 * (not superseded) count. Other modules call this before a manifest goes out and when reconciling;
 * pass the transaction's manager to see its uncommitted state.
 */
@Injectable()
export class LicenceCheckService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * With `reserve`, the caller is about to commit the tonnes (a manifest submitted, waste treated in
   * house): a transaction-scoped lock per receiver makes concurrent reservations take turns, so two
   * of them cannot both fit in the capacity that is left for one. Pass the transaction's manager.
   */
  async mayReceive(check: ReceiveCheck, manager: EntityManager = this.db.manager, options: { reserve?: boolean } = {}): Promise<LicenceCheckResult> {
    if (options.reserve) await manager.query(`SELECT pg_advisory_xact_lock(hashtext('receiver-capacity:' || $1))`, [check.receiverId]);
    const day = calendarDay(check.on);
    const year = Number(day.slice(0, 4));
    const licences = await this.currentLicences(manager, `organisation_id = $1 AND kind = 'hw_operating'`, [check.receiverId]);
    if (!licences.length) return refuse([reason('RECEIVER_NOT_LICENSED')]);

    const problems: LicenceCheckReason[] = [];
    const usable: LicenceRow[] = [];
    for (const l of licences) {
      const own: LicenceCheckReason[] = [];
      const validity = validityProblem(l, day, 'licence');
      if (validity) own.push(validity);
      if (!coversWasteCode(l, check.wasteCode)) {
        own.push(reason('CODE_NOT_COVERED', { number: l.number, wasteCode: check.wasteCode, category: wasteCategoryOf(check.wasteCode) }, l.id));
      }
      if (own.length) problems.push(...own);
      else usable.push(l);
    }
    if (!usable.length) return refuse(problems);

    // With several licences covering the code, the largest capacity is the one the load goes under.
    const licence = usable.reduce((best, l) => ((l.annualCapacityTonnes ?? 0) > (best.annualCapacityTonnes ?? 0) ? l : best));
    const [{ committed }] = (await manager.query(
      `SELECT coalesce(sum(tonnes), 0)::float8 AS committed FROM receiver_committed_tonnes WHERE receiver_id = $1 AND year = $2`,
      [check.receiverId, year],
    )) as { committed: number }[];
    const annual = licence.annualCapacityTonnes ?? 0;
    const capacity: CapacityUse = {
      licenceId: licence.id,
      year,
      annualTonnes: annual,
      committedTonnes: committed,
      remainingTonnes: (kg(annual) - kg(committed)) / 1000,
    };
    if (kg(committed) + kg(check.tonnes) > kg(annual)) {
      return {
        ...refuse([reason('CAPACITY_EXCEEDED', { number: licence.number, annual, committed, year, tonnes: check.tonnes }, licence.id)]),
        capacity,
      };
    }
    return { allowed: true, reasons: [], licences: [ref(licence)], capacity };
  }

  async mayCarry(check: CarryCheck, manager: EntityManager = this.db.manager): Promise<LicenceCheckResult> {
    const day = calendarDay(check.on);
    const dgClass = dangerousGoodsClassFor(check.wasteCode);
    const reasons: LicenceCheckReason[] = [];
    const used: LicenceRef[] = [];

    /** The documents of one subject: usable ones are recorded, otherwise why none is. */
    const examine = (documents: LicenceRow[], kind: keyof typeof VALIDITY_REASONS, missing: LicenceCheckReasonCode): void => {
      if (!documents.length) {
        reasons.push(reason(missing));
        return;
      }
      const valid = documents.filter((d) => validityOn(d, day) === 'valid');
      if (!valid.length) {
        for (const d of documents) reasons.push(validityProblem(d, day, kind)!);
        return;
      }
      const fit = valid.find((d) => allowsDangerousGoodsClass(d.dangerousGoodsClasses, dgClass));
      if (!fit) {
        for (const d of valid) {
          reasons.push(reason('DANGEROUS_GOODS_CLASS_NOT_COVERED', { number: d.number, class: dgClass ?? '', wasteCode: check.wasteCode }, d.id));
        }
        return;
      }
      used.push(ref(fit));
    };

    examine(
      await this.currentLicences(manager, `organisation_id = $1 AND kind = 'road_transport'`, [check.carrierId]),
      'licence',
      'CARRIER_NOT_LICENSED',
    );

    if (await this.belongsTo(manager, 'vehicles', check.vehicleId, check.carrierId)) {
      examine(
        await this.currentLicences(manager, `vehicle_id = $1 AND kind = 'vehicle_permit'`, [check.vehicleId]),
        'vehicle',
        'VEHICLE_PERMIT_MISSING',
      );
    } else {
      reasons.push(reason('VEHICLE_NOT_OF_CARRIER'));
    }

    if (check.driverId !== undefined) {
      if (await this.belongsTo(manager, 'drivers', check.driverId, check.carrierId)) {
        examine(
          await this.currentLicences(manager, `driver_id = $1 AND kind = 'driver_qualification'`, [check.driverId]),
          'driver',
          'DRIVER_QUALIFICATION_MISSING',
        );
      } else {
        reasons.push(reason('DRIVER_NOT_OF_CARRIER'));
      }
    }

    return reasons.length ? refuse(reasons) : { allowed: true, reasons: [], licences: used };
  }

  /** Licences in force: those no other licence supersedes. */
  // A malformed id (callers pass ids from anywhere) simply matches nothing.
  private async currentLicences(manager: EntityManager, where: string, params: unknown[]): Promise<LicenceRow[]> {
    if (!params.every(isUuid)) return [];
    return (await manager.query(
      `SELECT ${CURRENT_LICENCE_COLUMNS} FROM licences_current WHERE ${where} ORDER BY valid_to DESC, created_at DESC`,
      params,
    )) as LicenceRow[];
  }

  private async belongsTo(manager: EntityManager, table: 'vehicles' | 'drivers', id: string, organisationId: string): Promise<boolean> {
    if (!isUuid(id) || !isUuid(organisationId)) return false;
    const rows = (await manager.query(`SELECT 1 FROM ${table} WHERE id = $1 AND organisation_id = $2`, [id, organisationId])) as unknown[];
    return rows.length > 0;
  }
}

function refuse(reasons: LicenceCheckReason[]): LicenceCheckResult {
  return { allowed: false, reasons, licences: [] };
}
