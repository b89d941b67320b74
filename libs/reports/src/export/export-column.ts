/** One column of a tabular export: its key in JSON, its header in CSV and XLSX, its width in XLSX. */
export interface ExportColumn<K extends string = string> {
  key: K;
  header: string;
  width?: number;
}

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/** A cell value as the writers take it. */
export type Cell = string | number | null;
/**
 * One row, its cells in the order of the export's columns. Positional rather than keyed: an export
 * allocates a record per row, and arrays are what the database driver, csv-stringify and exceljs
 * handle with the least garbage.
 */
export type ExportRecord = Cell[];
