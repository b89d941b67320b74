import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { LedgerService } from '@app/ledger';
import type { Actor } from '@app/parties';
import { complianceScoreSql } from '../district/district.service';
import { riskWeight } from '../district/compliance';
import { chinaDay, isCalendarDay } from '../report-period';
import { divisionScope, inPrefixes } from '../report-scope';
import { CreateDrawDto, InspectionResultDto } from '../reports.dto';
import { DrawView, DrawnUnit, InspectionRecord } from '../reports.views';
import { Candidate, SAMPLING_ALGORITHM, drawSample, populationHash } from './sampling';
import '../reports.errors';

/** Risk looks back this far when a draw is weighted. */
const RISK_WINDOW_DAYS = 365;

interface DrawRow {
  id: string;
  regulator_id: string;
  drawn_by: string;
  seed: string;
  filters: Record<string, unknown>;
  weighted: boolean;
  algorithm: string;
  requested_size: number;
  population_size: number;
  population: Candidate[];
  population_hash: string;
  inspectors: string[];
  inspectors_per_unit: number;
  created_at: Date;
}

const INSPECTION_COLUMNS = `i.id, i.draw_id AS "drawId", i.organisation_id AS "organisationId", i.result, i.findings, i.inspector,
  to_char(i.inspected_on, 'YYYY-MM-DD') AS "inspectedOn", i.recorded_by AS "recordedBy", i.created_at AS "createdAt"`;

/**
 * 双随机 inspections: a reproducible random draw of units from a filtered population of the
 * regulator's jurisdiction (weighted by risk when asked), recorded with its seed, filters and
 * population so anyone can re-draw it; then the inspection results against the drawn units.
 */
@Injectable()
export class InspectionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  async draw(actor: Actor, dto: CreateDrawDto, now = new Date()): Promise<DrawView> {
    const prefixes = divisionScope(actor, dto.division);
    const seed = dto.seed ?? randomBytes(12).toString('base64url');
    const filters = {
      prefixes,
      ...(dto.division ? { division: dto.division } : {}),
      ...(dto.roles?.length ? { roles: [...dto.roles].sort() } : {}),
      ...(dto.managementClasses?.length ? { managementClasses: [...dto.managementClasses].sort() } : {}),
      ...(dto.generatorKinds?.length ? { generatorKinds: [...dto.generatorKinds].sort() } : {}),
    };
    const params: unknown[] = [
      prefixes,
      dto.roles?.length ? dto.roles : null,
      dto.managementClasses?.length ? dto.managementClasses : null,
      dto.generatorKinds?.length ? dto.generatorKinds : null,
    ];
    if (dto.weighted) params.push(new Date(now.getTime() - RISK_WINDOW_DAYS * 86_400_000), now);
    const rows = (await this.db.query(
      `SELECT o.id, ${dto.weighted ? complianceScoreSql('$5', '$6') : '100::float8'} AS score
         FROM organisations o
        WHERE ${inPrefixes('o.division_code', '$1')} AND NOT (o.roles <@ ARRAY['regulator'])
          AND ($2::text[] IS NULL OR o.roles && $2::text[])
          AND ($3::text[] IS NULL OR o.management_class = ANY($3::text[]))
          AND ($4::text[] IS NULL OR o.generator_kind = ANY($4::text[]))`,
      params,
    )) as { id: string; score: number }[];
    if (!rows.length) throw new DomainException('INSPECTION_POPULATION_EMPTY', {}, { filters });
    const population: Candidate[] = rows.map((r) => ({ id: r.id, weight: dto.weighted ? riskWeight(r.score) : 1 }));
    const inspectors = dto.inspectors ?? [];
    const perUnit = inspectors.length ? Math.min(dto.inspectorsPerUnit ?? 2, inspectors.length) : 0;
    const drawn = drawSample(seed, population, dto.size, inspectors, perUnit);
    const hash = populationHash(population);
    const id = await this.db.transaction(async (m) => {
      const [draw] = (await m.query(
        `INSERT INTO inspection_draws (regulator_id, drawn_by, seed, filters, weighted, algorithm, requested_size, population_size,
                                       population, population_hash, inspectors, inspectors_per_unit)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
        [actor.organisationId, actor.userId, seed, filters, Boolean(dto.weighted), SAMPLING_ALGORITHM, dto.size, population.length,
          JSON.stringify(population), hash, inspectors, perUnit],
      )) as { id: string }[];
      await m.query(
        `INSERT INTO inspection_draw_units (draw_id, organisation_id, rank, weight, sort_key, inspectors)
         SELECT $1, o, r, w, k, COALESCE(string_to_array(i, E'\\x1f'), '{}')
           FROM unnest($2::uuid[], $3::int[], $4::numeric[], $5::float8[], $6::text[]) AS t(o, r, w, k, i)`,
        [draw.id, drawn.map((d) => d.id), drawn.map((d) => d.rank), drawn.map((d) => d.weight), drawn.map((d) => d.key),
          drawn.map((d) => (d.inspectors.length ? d.inspectors.join('\u001f') : null))],
      );
      await this.ledger.append(m, {
        subjectType: 'inspection_draw',
        subjectId: draw.id,
        type: 'inspection_draw.created',
        actor: { organisationId: actor.organisationId, userId: actor.userId },
        payload: {
          seed,
          filters,
          weighted: Boolean(dto.weighted),
          algorithm: SAMPLING_ALGORITHM,
          requestedSize: dto.size,
          populationSize: population.length,
          populationHash: hash,
          chosen: drawn.map((d) => ({ rank: d.rank, organisationId: d.id, inspectors: d.inspectors })),
        },
      });
      return draw.id;
    });
    return this.get(id, true);
  }

  async list(actor: Actor, platformAdmin: boolean, limit: number): Promise<Omit<DrawView, 'units'>[]> {
    const rows = (await this.db.query(
      `SELECT * FROM inspection_draws WHERE ($1::boolean OR regulator_id = $2) ORDER BY created_at DESC, id LIMIT $3`,
      [platformAdmin, actor.organisationId, limit],
    )) as DrawRow[];
    return rows.map((r) => this.view(r));
  }

  async get(id: string, verify = false): Promise<DrawView> {
    const [row] = (await this.db.query(`SELECT * FROM inspection_draws WHERE id = $1`, [id])) as DrawRow[];
    if (!row) throw new DomainException('INSPECTION_DRAW_NOT_FOUND');
    const units = (await this.db.query(
      `SELECT u.rank, u.organisation_id AS "organisationId", o.name, o.division_code AS "divisionCode", u.weight::float8 AS weight, u.inspectors,
              (SELECT row_to_json(x) FROM (SELECT ${INSPECTION_COLUMNS} FROM inspections i WHERE i.draw_id = u.draw_id AND i.organisation_id = u.organisation_id) x) AS inspection
         FROM inspection_draw_units u JOIN organisations o ON o.id = u.organisation_id
        WHERE u.draw_id = $1 ORDER BY u.rank`,
      [id],
    )) as DrawnUnit[];
    const view: DrawView = { ...this.view(row), units };
    if (verify) {
      const again = drawSample(row.seed, row.population, row.requested_size, row.inspectors, row.inspectors_per_unit);
      view.verified =
        populationHash(row.population) === row.population_hash &&
        again.length === units.length &&
        again.every((d, i) => d.id === units[i].organisationId && d.inspectors.join('\u001f') === units[i].inspectors.join('\u001f'));
    }
    return view;
  }

  async recordResult(actor: Actor, drawId: string, dto: InspectionResultDto): Promise<InspectionRecord> {
    const findings = (dto.findings ?? '').trim();
    if (dto.result === 'failed' && !findings) {
      throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'findings', constraints: { required: 'a failed inspection needs its findings' } }]);
    }
    if (!isCalendarDay(dto.inspectedOn)) {
      throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'inspectedOn', constraints: { day: 'inspectedOn is not a calendar day' } }]);
    }
    if (dto.inspectedOn > chinaDay(new Date())) {
      throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'inspectedOn', constraints: { past: 'an inspection cannot be in the future' } }]);
    }
    return this.db.transaction(async (m) => {
      const sampled = (await m.query(`SELECT 1 FROM inspection_draw_units WHERE draw_id = $1 AND organisation_id = $2`, [drawId, dto.organisationId])) as unknown[];
      if (!sampled.length) throw new DomainException('INSPECTION_UNIT_NOT_SAMPLED', {}, { organisationId: dto.organisationId });
      const [row] = (await m.query(
        `INSERT INTO inspections (draw_id, organisation_id, regulator_id, result, findings, inspector, inspected_on, recorded_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
         ON CONFLICT (draw_id, organisation_id) DO NOTHING
         RETURNING id`,
        [drawId, dto.organisationId, actor.organisationId, dto.result, findings, dto.inspector, dto.inspectedOn, actor.userId],
      )) as { id: string }[];
      if (!row) throw new DomainException('INSPECTION_ALREADY_RECORDED');
      await this.ledger.append(m, {
        subjectType: 'inspection',
        subjectId: row.id,
        type: 'inspection.recorded',
        actor: { organisationId: actor.organisationId, userId: actor.userId },
        payload: { drawId, organisationId: dto.organisationId, result: dto.result, findings, inspector: dto.inspector, inspectedOn: dto.inspectedOn },
      });
      const [record] = (await m.query(`SELECT ${INSPECTION_COLUMNS} FROM inspections i WHERE i.id = $1`, [row.id])) as InspectionRecord[];
      return record;
    });
  }

  private view(r: DrawRow): Omit<DrawView, 'units'> {
    return {
      id: r.id,
      regulatorId: r.regulator_id,
      drawnBy: r.drawn_by,
      seed: r.seed,
      filters: r.filters,
      weighted: r.weighted,
      algorithm: r.algorithm,
      requestedSize: r.requested_size,
      populationSize: r.population_size,
      populationHash: r.population_hash,
      createdAt: r.created_at,
    };
  }
}
