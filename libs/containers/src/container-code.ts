/**
 * The 数字识别码 (HJ 1276-2022): unit code (USCC) + waste code without hyphens + generation date
 * YYYYMMDD + sequence. Segment lengths follow practice and are kept in one place.
 */
export const CODE_SEGMENTS = { unit: 18, waste: 8, date: 8, sequence: 3 } as const;
export const CODE_LENGTH = CODE_SEGMENTS.unit + CODE_SEGMENTS.waste + CODE_SEGMENTS.date + CODE_SEGMENTS.sequence;
export const MAX_SEQUENCE = 10 ** CODE_SEGMENTS.sequence - 1;

/** Generation dates are Chinese calendar days (UTC+8), whatever the server's zone. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function formatContainerCode(uscc: string, wasteCode: string, day: string, sequence: number): string {
  if (sequence < 1 || sequence > MAX_SEQUENCE) throw new RangeError(`sequence ${sequence} out of range`);
  return uscc + wasteCode.replace(/-/g, '') + day.replace(/-/g, '') + String(sequence).padStart(CODE_SEGMENTS.sequence, '0');
}

export interface ParsedContainerCode {
  uscc: string;
  wasteCode: string;
  day: string;
  sequence: number;
}

const CODE_PATTERN = new RegExp(
  `^([0-9A-HJ-NPQRTUWXY]{${CODE_SEGMENTS.unit}})([0-9]{${CODE_SEGMENTS.waste}})([0-9]{${CODE_SEGMENTS.date}})([0-9]{${CODE_SEGMENTS.sequence}})$`,
);

export function parseContainerCode(code: string): ParsedContainerCode | null {
  const m = CODE_PATTERN.exec(code);
  if (!m) return null;
  const [, uscc, waste, date, seq] = m;
  return {
    uscc,
    wasteCode: `${waste.slice(0, 3)}-${waste.slice(3, 6)}-${waste.slice(6)}`,
    day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`,
    sequence: Number(seq),
  };
}
