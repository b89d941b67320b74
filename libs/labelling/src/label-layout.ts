import { BLACK, PathPart, pictogramParts, Rgb, WHITE } from './hazard-pictograms';
import {
  generationDateText,
  HAZARD_CHARACTERISTICS,
  HAZARD_NAMES,
  HazardCharacteristic,
  isMedicalWaste,
  LabelData,
  medicalKindText,
  physicalFormText,
} from './label-data';
import { capHeightRatio, LabelFontWeight } from './label-fonts';
import { labelSizeForVolume } from './label-size';
import { QR_QUIET_ZONE_MODULES, qrMatrix, QrMatrix } from './qr-matrix';
import { ellipsize, measure, wrapText } from './text-wrap';

/** HJ 1276-2022: hazardous-waste labels are orange. */
export const HAZARDOUS_ORANGE: Rgb = [255, 150, 0];
/** HJ 421-2008: medical-waste warnings are yellow. */
export const MEDICAL_YELLOW: Rgb = [255, 210, 0];

export type Shape =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; fill?: Rgb; stroke?: Rgb; strokeWidth?: number }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: Rgb; strokeWidth: number }
  /** Outlines drawn in their own 100×100 box, placed at x, y and scaled. */
  | { kind: 'paths'; x: number; y: number; scale: number; parts: PathPart[]; title: string }
  /** y is the baseline. */
  | { kind: 'text'; x: number; y: number; size: number; weight: LabelFontWeight; text: string; anchor: 'start' | 'middle' }
  /** The symbol's modules without quiet zone, from its top-left corner. */
  | { kind: 'qr'; x: number; y: number; moduleSize: number; matrix: QrMatrix };

export type TextShape = Extract<Shape, { kind: 'text' }>;

/** A label drawn in millimetres, from its top-left corner: what the SVG and PDF renderers paint. */
export interface LabelLayout {
  sideMm: number;
  minTextMm: number;
  medical: boolean;
  /** Short accessible name, carrying the full code. */
  title: string;
  background: Rgb;
  shapes: Shape[];
  /** The code, in lines with their baselines: a renderer keeps them one piece of text. */
  code: { x: number; lines: string[]; y: number[]; size: number };
  /** True when some text had to be shortened (with …) to fit the label. */
  truncated: boolean;
}

interface Field {
  label: string;
  value: string;
  /** May share a row with the field before it when both fit on one line. */
  pairs?: boolean;
  /** When text must be shortened to fit, lower ranks are shortened first; unranked fields last. */
  shortenRank?: number;
}

interface Row {
  parts: { label: string; lines: string[]; field: Field }[];
}

const LINE_PITCH = 1.2;
/** Lines may close up to this before any text is cut: ideographs are 0.92 em tall, so a gap remains. */
const TIGHT_LINE_PITCH = 1.08;

function validate(data: LabelData): HazardCharacteristic[] {
  if (!data.code) throw new RangeError('The label needs the container code');
  const hazards = [...new Set(data.hazards)];
  for (const hazard of hazards) {
    if (!HAZARD_CHARACTERISTICS.includes(hazard)) throw new RangeError(`Unknown hazard characteristic ${String(hazard)}`);
  }
  return hazards;
}

function fieldsFor(data: LabelData, medical: boolean, hazards: HazardCharacteristic[]): Field[] {
  const hazardText = hazards.length ? hazards.map((h) => HAZARD_NAMES[h]).join('、') : '—';
  const date = generationDateText(data.generatedOn);
  const notes = data.notes?.trim();
  if (medical) {
    const kind = medicalKindText(data.wasteCode);
    return [
      { label: '产生单位：', value: data.unitName, shortenRank: 2 },
      { label: '产生日期：', value: date },
      { label: '类别：', value: `${kind ?? data.wasteName}（${data.category}）` },
      { label: '废物代码：', value: data.wasteCode, pairs: true },
      { label: '废物名称：', value: data.wasteName, shortenRank: 3 },
      { label: '主要成分：', value: data.mainComponents, shortenRank: 1 },
      { label: '形态：', value: physicalFormText(data.physicalForm) },
      { label: '危险特性：', value: hazardText, pairs: true },
      { label: '联系人：', value: data.contactName },
      { label: '联系方式：', value: data.contactPhone, pairs: true },
      ...(notes ? [{ label: '特别说明：', value: notes, shortenRank: 0 }] : []),
    ];
  }
  return [
    { label: '废物名称：', value: data.wasteName, shortenRank: 3 },
    { label: '废物类别：', value: data.category },
    { label: '废物代码：', value: data.wasteCode, pairs: true },
    { label: '废物形态：', value: physicalFormText(data.physicalForm) },
    { label: '危险特性：', value: hazardText, pairs: true },
    { label: '主要成分：', value: data.mainComponents, shortenRank: 1 },
    { label: '产生单位：', value: data.unitName, shortenRank: 2 },
    { label: '联系人：', value: data.contactName },
    { label: '联系方式：', value: data.contactPhone, pairs: true },
    { label: '产生日期：', value: date },
    ...(notes ? [{ label: '备注：', value: notes, shortenRank: 0 }] : []),
  ];
}

export function layoutLabel(data: LabelData): LabelLayout {
  const hazards = validate(data);
  const medical = isMedicalWaste(data);
  const { sideMm: W, minTextMm } = labelSizeForVolume(data.containerVolumeLitres);
  // Type is sized so that even a capital letter or digit reaches the minimum height.
  const f = Math.ceil((minTextMm / capHeightRatio()) * 10) / 10;
  const margin = 0.03 * W;
  const border = 0.008 * W;
  const headerHeight = 0.1 * W;
  const qrSide = 0.27 * W;
  const bottomTop = W - qrSide - 2 * margin;
  const contentWidth = W - 2 * margin;
  const background = medical ? MEDICAL_YELLOW : HAZARDOUS_ORANGE;
  const shapes: Shape[] = [];
  const text = (x: number, y: number, value: string, weight: LabelFontWeight = 'regular', size = f): void => {
    shapes.push({ kind: 'text', x, y, size, weight, text: value, anchor: 'start' });
  };

  shapes.push({ kind: 'rect', x: 0, y: 0, width: W, height: W, fill: background });
  shapes.push({
    kind: 'rect',
    x: border / 2,
    y: border / 2,
    width: W - border,
    height: W - border,
    stroke: BLACK,
    strokeWidth: border,
  });

  // Header: the title, centred; medical waste also carries the biohazard mark.
  const title = medical ? '医疗废物' : '危险废物';
  const titleSize = Math.max(0.07 * W, f);
  shapes.push({
    kind: 'text',
    x: W / 2,
    y: headerHeight / 2 + 0.38 * titleSize,
    size: titleSize,
    weight: 'bold',
    text: title,
    anchor: 'middle',
  });
  if (medical) {
    const mark = 0.8 * headerHeight;
    shapes.push({
      kind: 'paths',
      x: margin,
      y: (headerHeight - mark) / 2,
      scale: mark / 100,
      parts: pictogramParts('In', false),
      title: '感染性',
    });
  }
  shapes.push({ kind: 'line', x1: 0, y1: headerHeight, x2: W, y2: headerHeight, stroke: BLACK, strokeWidth: border });

  // Fields: label, then the value wrapped under itself; short neighbours share a row.
  const fieldsTop = headerHeight + 0.015 * W;
  const fieldsBottom = bottomTop - 0.008 * W;
  const fields = fieldsFor(data, medical, hazards);
  const labelWidth = (field: Field) => measure(field.label, f, 'bold');
  const pairGap = 1.5 * f;
  const maxLines = new Map<Field, number>(fields.map((field) => [field, Number.POSITIVE_INFINITY]));
  let truncated = false;

  const linesOf = (field: Field): string[] => {
    const width = contentWidth - labelWidth(field);
    const lines = wrapText(field.value, width, f, 'regular');
    const limit = maxLines.get(field) ?? Number.POSITIVE_INFINITY;
    if (lines.length <= limit) return lines;
    const kept = lines.slice(0, limit);
    kept[limit - 1] = ellipsize(`${kept[limit - 1]}${lines[limit]}`, width, f, 'regular');
    return kept;
  };
  const buildRows = (): Row[] => {
    const rows: Row[] = [];
    for (const field of fields) {
      const lines = linesOf(field);
      const previous = rows[rows.length - 1];
      if (field.pairs && previous && previous.parts.length === 1 && previous.parts[0].lines.length === 1 && lines.length === 1) {
        const first = previous.parts[0];
        const width =
          labelWidth(first.field) + measure(first.lines[0], f, 'regular') + pairGap + labelWidth(field) + measure(lines[0], f, 'regular');
        if (width <= contentWidth) {
          previous.parts.push({ label: field.label, lines, field });
          continue;
        }
      }
      rows.push({ parts: [{ label: field.label, lines, field }] });
    }
    return rows;
  };
  const lineCount = (rows: Row[]) => rows.reduce((sum, row) => sum + Math.max(...row.parts.map((p) => p.lines.length)), 0);
  // The first baseline sits an ideograph's height below the top; the last line keeps its descent inside.
  const available = fieldsBottom - fieldsTop - f;
  const budget = Math.floor(available / (TIGHT_LINE_PITCH * f)) + 1;

  let rows = buildRows();
  // Over budget even closed up: shorten wrapped fields, lowest rank and longest first, a line at a time.
  while (lineCount(rows) > budget) {
    const [candidate] = rows
      .flatMap((row) => row.parts)
      .filter((part) => part.lines.length > 1)
      .sort(
        (a, b) =>
          (a.field.shortenRank ?? Number.POSITIVE_INFINITY) - (b.field.shortenRank ?? Number.POSITIVE_INFINITY) ||
          b.lines.length - a.lines.length,
      );
    if (!candidate) {
      throw new RangeError(`The label's fields need ${lineCount(rows)} lines; a ${W} mm label holds ${budget}`);
    }
    maxLines.set(candidate.field, candidate.lines.length - 1);
    truncated = true;
    rows = buildRows();
  }
  const totalLines = lineCount(rows);
  const pitch = totalLines > 1 ? Math.min(LINE_PITCH * f, available / (totalLines - 1)) : LINE_PITCH * f;

  let baseline = fieldsTop + 0.88 * f;
  for (const row of rows) {
    let x = margin;
    for (const part of row.parts) {
      text(x, baseline, part.label, 'bold');
      const valueX = x + measure(part.label, f, 'bold');
      part.lines.forEach((line, i) => text(valueX, baseline + i * pitch, line));
      x = valueX + measure(part.lines[0], f, 'regular') + pairGap;
    }
    baseline += Math.max(...row.parts.map((p) => p.lines.length)) * pitch;
  }

  shapes.push({ kind: 'line', x1: 0, y1: bottomTop, x2: W, y2: bottomTop, stroke: BLACK, strokeWidth: border / 2 });

  // Bottom left: hazard pictograms, then the code; bottom right: the QR code.
  const leftWidth = W - 3 * margin - qrSide;
  const codePitch = LINE_PITCH * f;
  const codeLines = splitCode(data.code, leftWidth, f);
  const codeBlock = (codeLines.length + 1) * codePitch;
  const zoneTop = bottomTop + margin;
  const zoneBottom = W - margin;
  if (hazards.length) {
    const gap = 0.02 * W;
    const side = Math.min(0.12 * W, zoneBottom - zoneTop - codeBlock - gap, (leftWidth - gap * (hazards.length - 1)) / hazards.length);
    hazards.forEach((hazard, i) => {
      shapes.push({
        kind: 'paths',
        x: margin + i * (side + gap),
        y: zoneTop,
        scale: side / 100,
        parts: pictogramParts(hazard),
        title: HAZARD_NAMES[hazard],
      });
    });
  }
  const codeY: number[] = [];
  let codeBaseline = zoneBottom - 0.12 * f - (codeLines.length - 1) * codePitch;
  text(margin, codeBaseline - codePitch, '数字识别码：', 'bold');
  for (let i = 0; i < codeLines.length; i++) {
    codeY.push(codeBaseline);
    codeBaseline += codePitch;
  }

  const matrix = qrMatrix(data.qrPayload);
  const qrX = W - margin - qrSide;
  const qrY = W - margin - qrSide;
  const moduleSize = qrSide / (matrix.size + 2 * QR_QUIET_ZONE_MODULES);
  shapes.push({ kind: 'rect', x: qrX, y: qrY, width: qrSide, height: qrSide, fill: WHITE });
  shapes.push({
    kind: 'qr',
    x: qrX + QR_QUIET_ZONE_MODULES * moduleSize,
    y: qrY + QR_QUIET_ZONE_MODULES * moduleSize,
    moduleSize,
    matrix,
  });

  return {
    sideMm: W,
    minTextMm,
    medical,
    title: `${title}标签 ${data.code}`,
    background,
    shapes,
    code: { x: margin, lines: codeLines, y: codeY, size: f },
    truncated,
  };
}

/**
 * The code on as few lines as fit; when it must break, it breaks after the unit's 18-character
 * USCC, the first of its segments, so each line reads as whole segments.
 */
function splitCode(code: string, width: number, size: number): string[] {
  if (measure(code, size, 'regular') <= width) return [code];
  const unit = code.slice(0, 18);
  const rest = code.slice(18);
  if (rest && measure(unit, size, 'regular') <= width && measure(rest, size, 'regular') <= width) return [unit, rest];
  return wrapText(code, width, size, 'regular');
}
