import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Readable, Writable } from 'node:stream';
import { ExportColumn, ExportRecord } from './export-column';
import { writeCsv, writeJson, writeXlsx } from './export-writers';

const COLUMNS: ExportColumn[] = [
  { key: 'seq', header: '序号' },
  { key: 'code', header: '数字识别码' },
  { key: 'kg', header: '重量（千克）' },
  { key: 'note', header: '备注' },
];
const records = (n: number): Readable =>
  Readable.from(
    Array.from({ length: n }, (_, i): ExportRecord => [i + 1, `C${i + 1}`, 1.5 * (i + 1), i % 2 ? null : '含逗号, 和"引号"']),
    { objectMode: true },
  );

/** Collects what is written, and when it was ended. */
class Collector extends Writable {
  chunks: Buffer[] = [];
  finishedAt = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
  override _final(callback: () => void): void {
    this.finishedAt = performance.now();
    callback();
  }
  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

describe('export writers', () => {
  it('writes CSV with a BOM, Chinese headers, CRLF and quoting, and records before ending', async () => {
    const sink = new Collector();
    let recordedAt = 0;
    let recordedCount = -1;
    const n = await writeCsv(records(3), sink, {
      columns: COLUMNS,
      beforeEnd: async (count) => {
        await new Promise((r) => setTimeout(r, 5));
        recordedCount = count;
        recordedAt = performance.now();
      },
    });
    const text = sink.buffer.toString('utf8');
    expect(n).toBe(3);
    expect(recordedCount).toBe(3);
    expect(recordedAt).toBeLessThanOrEqual(sink.finishedAt);
    expect(text.startsWith('\ufeff序号,数字识别码,重量（千克）,备注\r\n')).toBe(true);
    expect(parse(text, { bom: true })).toEqual([
      ['序号', '数字识别码', '重量（千克）', '备注'],
      ['1', 'C1', '1.5', '含逗号, 和"引号"'],
      ['2', 'C2', '3', ''],
      ['3', 'C3', '4.5', '含逗号, 和"引号"'],
    ]);
  });

  it('never ends the output of an export that could not be recorded', async () => {
    const sink = new Collector();
    await expect(writeCsv(records(2), sink, { columns: COLUMNS, beforeEnd: () => Promise.reject(new Error('ledger down')) })).rejects.toThrow('ledger down');
    expect(sink.finishedAt).toBe(0);
    const xlsxSink = new Collector();
    await expect(writeXlsx(records(2), xlsxSink, { columns: COLUMNS, beforeEnd: () => Promise.reject(new Error('ledger down')) })).rejects.toThrow('ledger down');
    expect(xlsxSink.finishedAt).toBe(0);
  });

  it('writes JSON rows keyed by column, and a header even when there is no row', async () => {
    const sink = new Collector();
    expect(await writeJson(records(2), sink, { columns: COLUMNS, jsonHead: { from: '2025-01-01' } })).toBe(2);
    expect(JSON.parse(sink.buffer.toString())).toEqual({
      from: '2025-01-01',
      columns: COLUMNS.map((c) => ({ key: c.key, header: c.header })),
      rows: [
        { seq: 1, code: 'C1', kg: 1.5, note: '含逗号, 和"引号"' },
        { seq: 2, code: 'C2', kg: 3, note: null },
      ],
      rowCount: 2,
    });
    const empty = new Collector();
    expect(await writeJson(records(0), empty, { columns: COLUMNS })).toBe(0);
    expect(JSON.parse(empty.buffer.toString())).toMatchObject({ rows: [], rowCount: 0 });
  });

  it('writes XLSX that exceljs reads back, starting a new sheet when one is full', async () => {
    const sink = new Collector();
    expect(await writeXlsx(records(7), sink, { columns: COLUMNS, sheetName: '台账', maxRowsPerSheet: 3 })).toBe(7);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(sink.buffer as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['台账', '台账 (2)', '台账 (3)']);
    const values = (sheet: ExcelJS.Worksheet): unknown[][] => (sheet.getSheetValues().filter(Boolean) as unknown[][]).map((row) => row.slice(1));
    expect(values(workbook.worksheets[0])).toEqual([
      ['序号', '数字识别码', '重量（千克）', '备注'],
      [1, 'C1', 1.5, '含逗号, 和"引号"'],
      [2, 'C2', 3],
      [3, 'C3', 4.5, '含逗号, 和"引号"'],
    ]);
    expect(values(workbook.worksheets[2])).toEqual([
      ['序号', '数字识别码', '重量（千克）', '备注'],
      [7, 'C7', 10.5, '含逗号, 和"引号"'],
    ]);
  });
});
