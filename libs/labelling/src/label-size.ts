/** A label's printed size; HJ 1276-2022 sets the minimum by the container's volume. */
export interface LabelSize {
  /** Side of the square label, mm. */
  sideMm: 100 | 150 | 200;
  /** Minimum height of any printed character, mm. */
  minTextMm: 3 | 5 | 6;
}

export function labelSizeForVolume(volumeLitres: number): LabelSize {
  if (!Number.isFinite(volumeLitres) || volumeLitres < 0) {
    throw new RangeError(`Container volume must be a non-negative number of litres, got ${volumeLitres}`);
  }
  if (volumeLitres <= 50) return { sideMm: 100, minTextMm: 3 };
  if (volumeLitres < 450) return { sideMm: 150, minTextMm: 5 };
  return { sideMm: 200, minTextMm: 6 };
}

export const A4_MM = { width: 210, height: 297 } as const;
/** Kept inside what office printers can reach. */
export const SHEET_MARGIN_MM = 3;
/** Room for the cut between two labels. */
export const SHEET_GAP_MM = 2;

export interface SheetGrid {
  columns: number;
  rows: number;
  /** Left and top of the first label, mm: the grid is centred on the page. */
  originXMm: number;
  originYMm: number;
  pitchMm: number;
}

/** Labels print at their true size, so how many fit on an A4 page follows from the side. */
export function sheetGridForSide(sideMm: number): SheetGrid {
  const fit = (pageMm: number) =>
    Math.max(1, Math.floor((pageMm - 2 * SHEET_MARGIN_MM + SHEET_GAP_MM) / (sideMm + SHEET_GAP_MM)));
  const columns = fit(A4_MM.width);
  const rows = fit(A4_MM.height);
  const pitchMm = sideMm + SHEET_GAP_MM;
  return {
    columns,
    rows,
    originXMm: (A4_MM.width - (columns * pitchMm - SHEET_GAP_MM)) / 2,
    originYMm: (A4_MM.height - (rows * pitchMm - SHEET_GAP_MM)) / 2,
    pitchMm,
  };
}

/** How many labels of a container of this volume one A4 sheet holds. */
export function labelsPerPage(volumeLitres: number): number {
  const grid = sheetGridForSide(labelSizeForVolume(volumeLitres).sideMm);
  return grid.columns * grid.rows;
}
