import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { LedgerService } from '@app/ledger';
import type { Actor } from '@app/parties';
import { ExportFormat } from '../export/export-column';
import { ReportPeriod } from '../report-period';
import { streamLedgerBook } from './ledger-book.stream';

export interface LedgerBookExport {
  actor: Actor;
  organisationId: string;
  period: ReportPeriod;
  format: ExportFormat;
  /** The id the export is recorded under (the ledger subject); a new one when absent. */
  exportId?: string;
}

/** An export can run long; the pool's default statement timeout is for requests, not for a year of 台账. */
const EXPORT_STATEMENT_TIMEOUT = '15min';

/**
 * Exports a unit's 台账 and records the export in the ledger (who, what, filters, row count) in the
 * same transaction as the cursor that read the rows. The event is appended after the last row and
 * before the output ends: an export whose recording failed never reaches the client whole.
 */
@Injectable()
export class LedgerBookService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  async organisationName(organisationId: string): Promise<string> {
    const [row] = (await this.db.query(`SELECT name FROM organisations WHERE id = $1`, [organisationId])) as { name: string }[];
    if (!row) throw new DomainException('NOT_FOUND');
    return row.name;
  }

  async export(request: LedgerBookExport, sink: Writable): Promise<{ exportId: string; rowCount: number }> {
    const organisationName = await this.organisationName(request.organisationId);
    const exportId = request.exportId ?? randomUUID();
    const qr = this.db.createQueryRunner();
    const client = (await qr.connect()) as ClientBase;
    try {
      await qr.startTransaction();
      await qr.query(`SET LOCAL statement_timeout = '${EXPORT_STATEMENT_TIMEOUT}'`);
      const rowCount = await streamLedgerBook(client, sink, {
        organisationId: request.organisationId,
        organisationName,
        period: request.period,
        format: request.format,
        beforeEnd: async (rows) => {
          await this.ledger.append(qr.manager, {
            subjectType: 'export',
            subjectId: exportId,
            type: 'export.created',
            actor: { organisationId: request.actor.organisationId, userId: request.actor.userId },
            payload: {
              who: { userId: request.actor.userId, organisationId: request.actor.organisationId, role: request.actor.role },
              what: 'ledger_book',
              format: request.format,
              filters: { organisationId: request.organisationId, from: request.period.from, to: request.period.to },
              rowCount: rows,
            },
          });
          await qr.commitTransaction();
        },
      });
      return { exportId, rowCount };
    } catch (error) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await qr.release();
    }
  }
}
