import type { ClientBase } from 'pg';
import QueryStream from 'pg-query-stream';
import { Transform, TransformCallback, Writable } from 'node:stream';
import { Cell, ExportFormat, ExportRecord } from '../export/export-column';
import { writeExport } from '../export/export-writers';
import { ReportPeriod } from '../report-period';
import { CONTAINER_TYPE_LABELS, DECISION_LABELS, LEDGER_BOOK_COLUMNS, LedgerBookKey, PHYSICAL_FORM_LABELS, STAGE_LABELS } from './ledger-book.columns';
import { ledgerBookQuery } from './ledger-book.query';

/**
 * Rows fetched from the cursor at a time. Small batches keep few rows alive at once (rows that wait
 * in a buffer get promoted to the old generation and inflate the heap); a round trip per 300 rows
 * costs little next to formatting them.
 */
const CURSOR_BATCH = 300;

const index = (key: LedgerBookKey): number => LEDGER_BOOK_COLUMNS.findIndex((c) => c.key === key);
const AT = {
  stage: index('stage'),
  physicalForm: index('physicalForm'),
  containerType: index('containerType'),
  decision: index('decision'),
};
const label = (labels: Record<string, string>, value: Cell): Cell => (value === null ? null : (labels[String(value)] ?? value));

/** Numbers each row (序号); for CSV and XLSX also writes the codes out in Chinese (JSON keeps the codes). */
class LedgerBookRecords extends Transform {
  private seq = 0;
  constructor(private readonly labelled: boolean) {
    super({ objectMode: true, highWaterMark: 64 });
  }
  override _transform(row: Cell[], _encoding: BufferEncoding, callback: TransformCallback): void {
    row.unshift(++this.seq);
    if (this.labelled) {
      row[AT.stage] = label(STAGE_LABELS, row[AT.stage]);
      row[AT.physicalForm] = label(PHYSICAL_FORM_LABELS, row[AT.physicalForm]);
      row[AT.containerType] = label(CONTAINER_TYPE_LABELS, row[AT.containerType]);
      row[AT.decision] = label(DECISION_LABELS, row[AT.decision]);
    }
    callback(null, row satisfies ExportRecord);
  }
}

export interface LedgerBookStreamOptions {
  organisationId: string;
  organisationName: string;
  period: ReportPeriod;
  format: ExportFormat;
  /** Runs after the last row, before the output ends (the ledger records the export here). */
  beforeEnd?: (rowCount: number) => Promise<void>;
}

/**
 * Streams a unit's 台账 from a Postgres cursor on `client` into `sink` as CSV, XLSX or JSON. The API
 * and the benchmark both export through this function; the caller owns the client (and its transaction).
 */
export async function streamLedgerBook(client: ClientBase, sink: Writable, options: LedgerBookStreamOptions): Promise<number> {
  const { text, values } = ledgerBookQuery(options.organisationId, options.period);
  const cursor = client.query(new QueryStream(text, values, { batchSize: CURSOR_BATCH, highWaterMark: CURSOR_BATCH, rowMode: 'array' }));
  const records = cursor.pipe(new LedgerBookRecords(options.format !== 'json'));
  cursor.once('error', (error) => records.destroy(error));
  // Whatever ends the export early (the client left, a writer failed), the cursor must be closed so
  // the connection is free for the caller's ROLLBACK.
  records.once('close', () => {
    if (!cursor.destroyed) cursor.destroy();
  });
  return writeExport(options.format, records, sink, {
    columns: LEDGER_BOOK_COLUMNS,
    sheetName: '危险废物管理台账',
    jsonHead: { organisationId: options.organisationId, organisation: options.organisationName, from: options.period.from, to: options.period.to },
    beforeEnd: options.beforeEnd,
  });
}
