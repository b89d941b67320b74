import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor } from '@app/parties';
import { CONTENT_TYPES, LedgerBookQueryDto, LedgerBookService, ReportPolicies, reportPeriod } from '@app/reports';
import { ResponseSink, attachment } from './response-sink';

@ApiTags('reports')
@Controller('reports')
export class LedgerBookController {
  constructor(private readonly book: LedgerBookService) {}

  @Get('ledger-book')
  @Authorize(ReportPolicies.unitReport)
  @ApiOperation({
    summary: '台账 (HJ 1259) of a unit for a period, as CSV, XLSX or JSON',
    description:
      'One row per container per stage: 产生, 入库, 出库, 转移 (with receiver, its 经营许可证 number and method), 自行利用处置, 重新包装; ' +
      'as a receiver 接收 and 利用处置. Chinese column headers (CSV with a UTF-8 BOM). Streamed from a database cursor, so a year of a large ' +
      'unit exports in constant memory. Every export is recorded in the ledger (subject "export", event export.created: who, what, filters, ' +
      'row count) before the output ends; the X-Export-Id header names it. A unit reads only its own 台账, a regulator those in its jurisdiction.',
  })
  @ApiProduces(CONTENT_TYPES.csv, CONTENT_TYPES.xlsx, CONTENT_TYPES.json)
  @ApiOkResponse({ description: 'The 台账 file (format=csv default, xlsx, json).' })
  @ApiErrors('NOT_FOUND', 'REPORT_PERIOD_INVALID')
  async ledgerBook(@CurrentActor() actor: Actor, @Query() q: LedgerBookQueryDto, @Res() res: Response): Promise<void> {
    const period = reportPeriod(q.from, q.to);
    // The policy has checked the unit (defaulting to the caller's own).
    const organisationId = q.organisationId ?? (actor.organisationId as string);
    const format = q.format ?? 'csv';
    const name = await this.book.organisationName(organisationId);
    const exportId = randomUUID();
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', attachment(`ledger-book_${period.from}_${period.to}.${format}`, `危险废物管理台账_${name}_${period.from}_${period.to}.${format}`));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Export-Id', exportId);
    try {
      await this.book.export({ actor, organisationId, period, format, exportId }, new ResponseSink(res));
    } catch (error) {
      if (!res.headersSent) {
        for (const header of ['Content-Type', 'Content-Disposition', 'X-Export-Id']) res.removeHeader(header);
        throw error;
      }
      // Mid-stream: the client must not take a truncated file for a whole one.
      res.destroy(error as Error);
    }
  }
}
