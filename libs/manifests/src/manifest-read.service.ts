import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import type { Actor } from '@app/parties';
import { ManifestListQueryDto } from './manifest.dto';

/** The read side of manifests: one manifest whole, and filtered, keyset-paginated lists. */
@Injectable()
export class ManifestReadService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(id: string): Promise<Record<string, unknown>> {
    const [manifest] = (await this.db.query(
      `SELECT m.*, g.name AS generator_name, r.name AS receiver_name FROM manifests m
         JOIN organisations g ON g.id = m.generator_id JOIN organisations r ON r.id = m.receiver_id WHERE m.id = $1`,
      [id],
    )) as Record<string, unknown>[];
    if (!manifest) throw new DomainException('MANIFEST_NOT_FOUND');
    const [legs, items, scans, discrepancies, children] = await Promise.all([
      this.db.query(
        `SELECT l.leg_no AS "legNo", l.carrier_id AS "carrierId", o.name AS "carrierName", l.vehicle_id AS "vehicleId", v.plate, l.driver_id AS "driverId", d.name AS "driverName"
           FROM manifest_legs l JOIN organisations o ON o.id = l.carrier_id JOIN vehicles v ON v.id = l.vehicle_id LEFT JOIN drivers d ON d.id = l.driver_id
          WHERE l.manifest_id = $1 ORDER BY l.leg_no`,
        [id],
      ),
      this.db.query(
        `SELECT i.container_id AS "containerId", c.code, c.waste_code AS "wasteCode", c.waste_name AS "wasteName", c.hazard_codes AS hazards,
                c.physical_form AS "physicalForm", c.container_type AS "packaging", c.status AS "containerStatus", i.packed_in AS "packedIn",
                i.declared_weight_kg::float8 AS "declaredWeightKg", i.current_leg AS "currentLeg", i.loaded_at AS "loadedAt", i.arrived_at AS "arrivedAt",
                i.received_weight_kg::float8 AS "receivedWeightKg", i.decision, i.accepted_kg::float8 AS "acceptedKg", i.refused_kg::float8 AS "refusedKg",
                i.refusal_reason AS "refusalReason", i.final_method AS "finalMethod", i.final_at AS "finalAt", i.onward_manifest_id AS "onwardManifestId"
           FROM manifest_items i JOIN containers c ON c.id = i.container_id WHERE i.manifest_id = $1 ORDER BY c.code`,
        [id],
      ),
      this.db.query(
        `SELECT s.id::text, s.kind, s.container_id AS "containerId", s.claimed_code AS code, s.organisation_id AS "organisationId", s.device_id AS "deviceId",
                s.device_time AS "deviceTime", s.received_at AS "receivedAt", s.lat::float8, s.lng::float8, s.weight_kg::float8 AS "weightKg",
                s.accepted, s.outcome_code AS "outcome"
           FROM scans s WHERE s.manifest_id = $1 ORDER BY s.device_time, s.id`,
        [id],
      ),
      this.db.query(
        `SELECT id::text, container_id AS "containerId", kind, declared_kg::float8 AS "declaredKg", measured_kg::float8 AS "measuredKg", detail, created_at AS "createdAt"
           FROM discrepancies WHERE manifest_id = $1 ORDER BY id`,
        [id],
      ),
      this.db.query(`SELECT id, number, relation, status FROM manifests WHERE parent_id = $1 ORDER BY created_at`, [id]),
    ]);
    const m = manifest as Record<string, unknown>;
    return {
      id: m.id,
      number: m.number,
      status: m.status,
      kind: m.kind,
      generator: { id: m.generator_id, name: m.generator_name },
      receiver: { id: m.receiver_id, name: m.receiver_name },
      emergencyMeasures: m.emergency_measures,
      plannedStart: m.planned_start,
      plannedEnd: m.planned_end,
      crossProvince: m.cross_province,
      approvalId: m.approval_id,
      roundId: m.round_id,
      paperBackfill: m.paper_backfill,
      parent: m.parent_id ? { id: m.parent_id, relation: m.relation } : null,
      children,
      submittedAt: m.submitted_at,
      departedAt: m.departed_at,
      arrivedAt: m.arrived_at,
      acceptedAt: m.accepted_at,
      confirmDeadline: m.confirm_deadline,
      confirmedAt: m.confirmed_at,
      completedAt: m.completed_at,
      receiverOpinion: m.receiver_opinion,
      legs,
      items,
      scans,
      discrepancies,
    };
  }

  async list(actor: Actor, q: ManifestListQueryDto, platformAdmin: boolean): Promise<{ manifests: unknown[]; next: string | null }> {
    const limit = q.limit ?? 50;
    const rows = (await this.db.query(
      `SELECT m.id, m.number, m.status, m.kind, m.generator_id AS "generatorId", m.receiver_id AS "receiverId", m.created_at AS "createdAt",
              m.submitted_at AS "submittedAt", m.confirm_deadline AS "confirmDeadline"
         FROM manifests m JOIN organisations g ON g.id = m.generator_id JOIN organisations r ON r.id = m.receiver_id
        WHERE ($1::boolean
               OR EXISTS (SELECT 1 FROM manifest_parties p WHERE p.manifest_id = m.id AND p.organisation_id = $2)
               OR EXISTS (SELECT 1 FROM unnest($3::text[]) x WHERE g.division_code LIKE x || '%' OR r.division_code LIKE x || '%'))
          AND ($4::text IS NULL OR m.status = $4)
          AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM manifest_parties p WHERE p.manifest_id = m.id AND p.organisation_id = $5))
          AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM manifest_items i WHERE i.manifest_id = m.id AND i.waste_code = $6))
          AND ($7::date IS NULL OR m.created_at >= ($7::date::timestamp AT TIME ZONE 'Asia/Shanghai'))
          AND ($8::date IS NULL OR m.created_at < ($8::date::timestamp AT TIME ZONE 'Asia/Shanghai'))
          AND ($9::uuid IS NULL OR m.id > $9)
        ORDER BY m.id LIMIT $10`,
      [platformAdmin, actor.organisationId, actor.jurisdictionPrefixes, q.status ?? null, q.partyId ?? null, q.wasteCode ?? null, q.from ?? null, q.to ?? null, q.after ?? null, limit + 1],
    )) as { id: string }[];
    const page = rows.slice(0, limit);
    return { manifests: page, next: rows.length > limit ? page[page.length - 1].id : null };
  }

  /**
   * 医疗废物交接登记 (《医疗废物管理条例》): per container, source, kind, weight, time, disposal method,
   * destination and the signing hand (the user who recorded each step, with its ledger event hash).
   */
  async handoverRegister(id: string): Promise<unknown[]> {
    return this.db.query(
      `SELECT c.code, g.name AS source, c.waste_code AS "wasteCode", c.waste_name AS kind, i.declared_weight_kg::float8 AS "declaredWeightKg",
              i.received_weight_kg::float8 AS "receivedWeightKg", i.loaded_at AS "handedOverAt", i.arrived_at AS "receivedAt",
              i.final_method AS "disposalMethod", dm.name_zh AS "disposalMethodName", r.name AS destination,
              (SELECT json_agg(json_build_object('kind', s.kind, 'userId', s.user_id, 'organisationId', s.organisation_id, 'deviceId', s.device_id, 'deviceTime', s.device_time) ORDER BY s.device_time)
                 FROM scans s WHERE s.manifest_id = i.manifest_id AND s.container_id = i.container_id AND s.accepted) AS signatures
         FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id JOIN containers c ON c.id = i.container_id
         JOIN organisations g ON g.id = c.organisation_id JOIN organisations r ON r.id = m.receiver_id
         LEFT JOIN disposal_methods dm ON dm.code = i.final_method
        WHERE i.manifest_id = $1 ORDER BY c.code`,
      [id],
    ) as Promise<unknown[]>;
  }
}
