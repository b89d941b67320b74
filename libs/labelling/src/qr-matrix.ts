import * as QRCode from 'qrcode';

/** Modules of a QR symbol, without its quiet zone. */
export interface QrMatrix {
  size: number;
  isDark(row: number, column: number): boolean;
}

/** A horizontal run of dark modules: drawing runs instead of single modules keeps output small. */
export interface QrRun {
  row: number;
  column: number;
  length: number;
}

/** Modules of white margin that scanners need around the symbol (ISO/IEC 18004). */
export const QR_QUIET_ZONE_MODULES = 4;

/** Level M (about 15% recoverable) survives the scuffs a drum label gets, at a moderate size. */
export function qrMatrix(payload: string): QrMatrix {
  if (payload.length === 0) throw new RangeError('The QR payload is empty');
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  return { size: modules.size, isDark: (row, column) => modules.get(row, column) !== 0 };
}

export function qrRuns(matrix: QrMatrix): QrRun[] {
  const runs: QrRun[] = [];
  for (let row = 0; row < matrix.size; row++) {
    let start = -1;
    for (let column = 0; column <= matrix.size; column++) {
      const dark = column < matrix.size && matrix.isDark(row, column);
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        runs.push({ row, column: start, length: column - start });
        start = -1;
      }
    }
  }
  return runs;
}
