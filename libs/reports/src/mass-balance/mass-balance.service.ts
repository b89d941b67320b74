import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { ReportPeriod } from '../report-period';
import { Figure, LinkedFigure, MassBalanceContainerPage, MassBalanceReport, MassBalanceRow, ReceivedRow } from '../reports.views';
import { MASS_BALANCE_BUCKETS, MASS_BALANCE_CONTAINERS_SQL, MASS_BALANCE_SQL, MassBalanceBucket, RECEIVED_SQL } from './mass-balance.sql';

type Raw = Record<string, string | number | string[] | null>;

const BUCKET_FIELDS: Record<MassBalanceBucket, keyof MassBalanceRow> = {
  stored: 'stored',
  awaiting_shipment: 'awaitingShipment',
  in_transit: 'inTransit',
  at_receiver: 'atReceiver',
  disposed: 'disposed',
  refused: 'refused',
  own_disposal: 'ownDisposal',
  repackaged: 'repackaged',
  unaccounted: 'unaccounted',
};

const kg = (value: unknown): number => Math.round(Number(value ?? 0) * 1000) / 1000;
const kgOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : kg(value));
const figure = (raw: Raw, prefix: string): Figure => ({ containers: Number(raw[`${prefix}_count`] ?? 0), kg: kg(raw[`${prefix}_kg`]) });

/**
 * Mass balance of a unit per waste code: where everything it generated in the period is now. The
 * buckets partition the containers, so
 *   generated = stored + awaitingShipment + inTransit + atReceiver + disposed + refused + ownDisposal + repackaged + unaccounted
 * holds by construction, and `unaccounted` is exactly what the ledger cannot place.
 */
@Injectable()
export class MassBalanceService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(organisationId: string, period: ReportPeriod, wasteCode: string | null, linkBase: string): Promise<MassBalanceReport> {
    const [org] = (await this.db.query(`SELECT name FROM organisations WHERE id = $1`, [organisationId])) as { name: string }[];
    if (!org) throw new DomainException('NOT_FOUND');
    const params = [organisationId, period.start, period.end, wasteCode];
    const [generated, received] = (await Promise.all([this.db.query(MASS_BALANCE_SQL, params), this.db.query(RECEIVED_SQL, params)])) as [Raw[], Raw[]];
    const href = (code: string, bucket: MassBalanceBucket): string => {
      const q = new URLSearchParams({ organisationId, from: period.from, to: period.to, bucket });
      if (code !== '*') q.set('wasteCode', code);
      return `${linkBase}?${q.toString()}`;
    };
    const rows = generated.map((raw) => this.row(raw, href));
    return {
      organisationId,
      organisation: org.name,
      from: period.from,
      to: period.to,
      rows,
      totals: this.totals(rows, href),
      received: received.map((raw) => this.receivedRow(raw)),
    };
  }

  async containers(
    organisationId: string,
    period: ReportPeriod,
    filter: { wasteCode?: string; bucket?: MassBalanceBucket; after?: string; limit?: number },
  ): Promise<MassBalanceContainerPage> {
    const limit = filter.limit ?? 100;
    const rows = (await this.db.query(MASS_BALANCE_CONTAINERS_SQL, [
      organisationId,
      period.start,
      period.end,
      filter.wasteCode ?? null,
      filter.bucket ?? null,
      filter.after ?? null,
      limit + 1,
    ])) as MassBalanceContainerPage['containers'];
    const page = rows.slice(0, limit).map((r) => ({ ...r, kg: kg(r.kg) }));
    return { containers: page, next: rows.length > limit ? page[page.length - 1].id : null };
  }

  private row(raw: Raw, href: (code: string, bucket: MassBalanceBucket) => string): MassBalanceRow {
    const code = String(raw.wasteCode);
    const linked = (bucket: MassBalanceBucket): LinkedFigure => ({
      ...figure(raw, bucket),
      containerIds: bucket === 'unaccounted' ? ((raw.unaccounted_ids as string[] | null) ?? []) : [],
      href: href(code, bucket),
    });
    const row = {
      wasteCode: code,
      category: String(raw.category),
      description: String(raw.description),
      generated: figure(raw, 'generated'),
      repackagedOutputs: figure(raw, 'repackaged_output'),
      shipped: figure(raw, 'shipped'),
      receivedByReceivers: figure(raw, 'received'),
      measured: {
        receivedKg: kgOrNull(raw.measured_received_kg),
        acceptedKg: kgOrNull(raw.measured_accepted_kg),
        refusedKg: kgOrNull(raw.measured_refused_kg),
      },
    } as MassBalanceRow;
    for (const bucket of MASS_BALANCE_BUCKETS) (row[BUCKET_FIELDS[bucket]] as LinkedFigure) = linked(bucket);
    return row;
  }

  private totals(rows: MassBalanceRow[], href: (code: string, bucket: MassBalanceBucket) => string): MassBalanceRow {
    const sum = (pick: (r: MassBalanceRow) => Figure): Figure => ({
      containers: rows.reduce((s, r) => s + pick(r).containers, 0),
      kg: kg(rows.reduce((s, r) => s + pick(r).kg, 0)),
    });
    const sumNullable = (pick: (r: MassBalanceRow) => number | null): number | null =>
      rows.some((r) => pick(r) !== null) ? kg(rows.reduce((s, r) => s + (pick(r) ?? 0), 0)) : null;
    const total = {
      wasteCode: '*',
      category: '*',
      description: '合计',
      generated: sum((r) => r.generated),
      repackagedOutputs: sum((r) => r.repackagedOutputs),
      shipped: sum((r) => r.shipped),
      receivedByReceivers: sum((r) => r.receivedByReceivers),
      measured: {
        receivedKg: sumNullable((r) => r.measured.receivedKg),
        acceptedKg: sumNullable((r) => r.measured.acceptedKg),
        refusedKg: sumNullable((r) => r.measured.refusedKg),
      },
    } as MassBalanceRow;
    for (const bucket of MASS_BALANCE_BUCKETS) {
      const field = BUCKET_FIELDS[bucket];
      (total[field] as LinkedFigure) = {
        ...sum((r) => r[field] as LinkedFigure),
        containerIds: rows.flatMap((r) => (r[field] as LinkedFigure).containerIds).slice(0, 100),
        href: href('*', bucket),
      };
    }
    return total;
  }

  private receivedRow(raw: Raw): ReceivedRow {
    return {
      wasteCode: String(raw.wasteCode),
      received: figure(raw, 'received'),
      measuredKg: kgOrNull(raw.measured_kg),
      acceptedKg: kg(raw.accepted_kg),
      refusedKg: kg(raw.refused_kg),
      refusedContainers: Number(raw.refused_count),
      treated: figure(raw, 'treated'),
      intermediate: figure(raw, 'intermediate'),
      awaitingTreatment: figure(raw, 'awaiting_treatment'),
    };
  }
}
