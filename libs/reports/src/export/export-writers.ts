import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { PassThrough, Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Cell, ExportColumn, ExportFormat, ExportRecord } from './export-column';

/**
 * Writers that turn a stream of records into CSV, XLSX or JSON without holding them: each reads its
 * source as the sink takes the output, so a year of a large unit's 台账 passes through in constant
 * memory. `beforeEnd` runs after the last record and before the sink is ended (the ledger records
 * the export there, so a client never gets the whole of an export that was not recorded).
 */
export interface WriteOptions {
  /** The columns, in the order of each record's cells. */
  columns: readonly ExportColumn[];
  /** XLSX: the worksheet name (a second sheet "name (2)" starts when one is full). */
  sheetName?: string;
  /** JSON: members written before "rows" (e.g. the filters). */
  jsonHead?: Record<string, unknown>;
  /** XLSX: data rows per sheet (default and maximum: Excel's limit). */
  maxRowsPerSheet?: number;
  beforeEnd?: (rowCount: number) => Promise<void>;
}

/** Excel's limit is 1,048,576 rows a sheet, the header included. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;
/** XLSX: how much worksheet XML may wait for the compressor before reading from the source pauses. */
const XLSX_PENDING_LIMIT_BYTES = 1024 * 1024;
/** Few records in flight between stages: whatever waits in a buffer outlives a young-generation GC. */
const RECORDS_IN_FLIGHT = 64;

export async function writeExport(format: ExportFormat, source: Readable, sink: Writable, options: WriteOptions): Promise<number> {
  switch (format) {
    case 'csv':
      return writeCsv(source, sink, options);
    case 'xlsx':
      return writeXlsx(source, sink, options);
    case 'json':
      return writeJson(source, sink, options);
  }
}

/**
 * Passes records on, counting them; writes the header row first (when given) and runs `beforeEnd`
 * when the source is exhausted, before anything downstream ends.
 */
class Counter extends Transform {
  count = 0;
  private headed = false;
  constructor(
    private readonly header: ExportRecord | null,
    private readonly beforeEnd?: (rowCount: number) => Promise<void>,
  ) {
    super({ objectMode: true, highWaterMark: RECORDS_IN_FLIGHT });
  }
  private head(): void {
    if (this.headed) return;
    this.headed = true;
    if (this.header) this.push(this.header);
  }
  override _transform(record: ExportRecord, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.head();
    this.count++;
    callback(null, record);
  }
  override _flush(callback: TransformCallback): void {
    this.head();
    if (!this.beforeEnd) return callback();
    this.beforeEnd(this.count).then(() => callback(), (error: Error) => callback(error));
  }
}

export async function writeCsv(source: Readable, sink: Writable, options: WriteOptions): Promise<number> {
  const counter = new Counter(options.columns.map((c) => c.header), options.beforeEnd);
  // A BOM, so that Excel opens the Chinese headers as UTF-8; CRLF as RFC 4180 asks.
  const csv = stringify({ bom: true, record_delimiter: 'windows' });
  await pipeline(source, counter, csv, sink);
  return counter.count;
}

export async function writeJson(source: Readable, sink: Writable, options: WriteOptions): Promise<number> {
  let count = 0;
  const keys = options.columns.map((c) => c.key);
  const head = JSON.stringify({ ...(options.jsonHead ?? {}), columns: options.columns.map((c) => ({ key: c.key, header: c.header })) });
  const json = new Transform({
    writableObjectMode: true,
    writableHighWaterMark: RECORDS_IN_FLIGHT,
    transform(record: ExportRecord, _encoding, callback) {
      const row: Record<string, Cell> = {};
      for (let i = 0; i < keys.length; i++) row[keys[i]] = record[i] ?? null;
      callback(null, (count++ === 0 ? `${head.slice(0, -1)},"rows":[\n` : ',\n') + JSON.stringify(row));
    },
    flush(callback) {
      const tail = `${count === 0 ? `${head.slice(0, -1)},"rows":[` : '\n'}],"rowCount":${count}}\n`;
      if (!options.beforeEnd) return callback(null, tail);
      options.beforeEnd(count).then(() => callback(null, tail), (error: Error) => callback(error));
    },
  });
  await pipeline(source, json, sink);
  return count;
}

interface StreamState {
  length?: number;
}
interface PipedStream {
  writableLength?: number;
  readableLength?: number;
  _writableState?: StreamState;
  _readableState?: StreamState;
}
interface PipedStreamBuf {
  pipes?: PipedStream[];
}

/**
 * exceljs's streaming writer hands worksheet XML to the zip compressor without waiting for it: when
 * the sink is slower than the database (a slow client), the XML would pile up in memory. So rows are
 * read only while little XML waits for the compressor (exceljs internals: the worksheet's StreamBuf
 * pipes into archiver's input stream; if a release moves them, this degrades to yielding).
 */
function pendingXml(worksheet: ExcelJS.Worksheet): number {
  const pipes = (worksheet as unknown as { stream?: PipedStreamBuf }).stream?.pipes ?? [];
  // archiver's PassThrough comes from readable-stream 2, which has no writableLength/readableLength.
  return pipes.reduce(
    (sum, p) => sum + (p.writableLength ?? p._writableState?.length ?? 0) + (p.readableLength ?? p._readableState?.length ?? 0),
    0,
  );
}

export async function writeXlsx(source: Readable, sink: Writable, options: WriteOptions): Promise<number> {
  // The workbook writes into a gate that holds back the end of the output until beforeEnd has run.
  let count = 0;
  const gate = new PassThrough({
    final(callback) {
      if (!options.beforeEnd) return callback();
      options.beforeEnd(count).then(() => callback(), (error: Error) => callback(error));
    },
  });
  const delivered = pipeline(gate, sink);
  // No styles and no shared strings: both are tables exceljs keeps in memory for the whole file.
  // Deflate level 1: the compressor, not the database, is what an XLSX export waits for.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: gate, useStyles: false, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  workbook.creator = 'wasteledger';
  const name = options.sheetName ?? 'Sheet';
  const perSheet = Math.min(options.maxRowsPerSheet ?? XLSX_MAX_DATA_ROWS, XLSX_MAX_DATA_ROWS);
  let sheetNo = 0;
  let inSheet = 0;
  const openSheet = (): ExcelJS.Worksheet => {
    sheetNo++;
    inSheet = 0;
    const ws = workbook.addWorksheet(sheetNo === 1 ? name : `${name} (${sheetNo})`, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = options.columns.map((c) => ({ header: c.header, width: c.width ?? 14 }));
    ws.getRow(1).commit();
    return ws;
  };
  try {
    let sheet = openSheet();
    for await (const record of source as AsyncIterable<ExportRecord>) {
      if (inSheet === perSheet) {
        sheet.commit();
        sheet = openSheet();
      }
      sheet.addRow(record).commit();
      inSheet++;
      count++;
      if ((count & 255) === 0) {
        while (pendingXml(sheet) > XLSX_PENDING_LIMIT_BYTES) await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    await workbook.commit();
  } catch (error) {
    gate.destroy(error as Error);
    await delivered.catch(() => undefined);
    throw error;
  }
  await delivered;
  return count;
}
