import PDFDocument from 'pdfkit';
import { PathPart, Rgb } from './hazard-pictograms';
import { LabelData } from './label-data';
import { labelFont, LabelFontWeight } from './label-fonts';
import { layoutLabel, LabelLayout, Shape } from './label-layout';
import { A4_MM, sheetGridForSide } from './label-size';
import { qrRuns } from './qr-matrix';
import { measure } from './text-wrap';

const PT_PER_MM = 72 / 25.4;
const FONT_NAMES: Readonly<Record<LabelFontWeight, string>> = { regular: 'label-regular', bold: 'label-bold' };

type Doc = InstanceType<typeof PDFDocument>;
const colour = (c: Rgb): [number, number, number] => [c[0], c[1], c[2]];

function drawParts(doc: Doc, parts: readonly PathPart[]): void {
  for (const part of parts) {
    doc.path(part.d);
    if (part.stroke) {
      doc.lineWidth(part.strokeWidth ?? 1).lineJoin('round').lineCap(part.roundCaps ? 'round' : 'butt');
    }
    if (part.fill && part.stroke) doc.fillAndStroke(colour(part.fill), colour(part.stroke));
    else if (part.fill) doc.fill(colour(part.fill));
    else if (part.stroke) doc.stroke(colour(part.stroke));
  }
}

function drawText(doc: Doc, x: number, y: number, size: number, weight: LabelFontWeight, text: string): void {
  doc
    .font(FONT_NAMES[weight])
    .fontSize(size)
    .fillColor('black')
    .text(text, x, y, { lineBreak: false, baseline: 'alphabetic' });
}

function drawShape(doc: Doc, shape: Shape): void {
  switch (shape.kind) {
    case 'rect':
      doc.rect(shape.x, shape.y, shape.width, shape.height);
      if (shape.stroke) doc.lineWidth(shape.strokeWidth ?? 0.2);
      if (shape.fill && shape.stroke) doc.fillAndStroke(colour(shape.fill), colour(shape.stroke));
      else if (shape.fill) doc.fill(colour(shape.fill));
      else if (shape.stroke) doc.stroke(colour(shape.stroke));
      return;
    case 'line':
      doc.moveTo(shape.x1, shape.y1).lineTo(shape.x2, shape.y2).lineWidth(shape.strokeWidth).lineCap('butt').stroke(colour(shape.stroke));
      return;
    case 'paths':
      doc.save().translate(shape.x, shape.y).scale(shape.scale);
      drawParts(doc, shape.parts);
      doc.restore();
      return;
    case 'text': {
      const x = shape.anchor === 'middle' ? shape.x - measure(shape.text, shape.size, shape.weight) / 2 : shape.x;
      drawText(doc, x, shape.y, shape.size, shape.weight, shape.text);
      return;
    }
    case 'qr': {
      const m = shape.moduleSize;
      for (const run of qrRuns(shape.matrix)) doc.rect(shape.x + run.column * m, shape.y + run.row * m, run.length * m, m);
      doc.fill('black');
      return;
    }
  }
}

/** Draws one label with its top-left corner at (x, y) mm on the current page. */
function drawLabel(doc: Doc, layout: LabelLayout, xMm: number, yMm: number): void {
  doc.save().scale(PT_PER_MM).translate(xMm, yMm);
  for (const shape of layout.shapes) drawShape(doc, shape);
  layout.code.lines.forEach((line, i) => drawText(doc, layout.code.x, layout.code.y[i], layout.code.size, 'regular', line));
  doc.restore();
}

export interface SheetOptions {
  /** Document title shown by PDF viewers. */
  title?: string;
}

/**
 * An A4 print sheet: labels at their true size in a grid, in the order given. Labels of another
 * size than the one before them start a new page, so every page is one grid; see labelsPerPage.
 */
export async function renderLabelSheetPdf(labels: readonly LabelData[], options: SheetOptions = {}): Promise<Buffer> {
  if (labels.length === 0) throw new RangeError('A label sheet needs at least one label');
  // Lay out everything first: a label that cannot be drawn fails before any output is made.
  const layouts = labels.map(layoutLabel);

  const doc = new PDFDocument({
    size: [A4_MM.width * PT_PER_MM, A4_MM.height * PT_PER_MM],
    margin: 0,
    autoFirstPage: false,
    info: { Title: options.title ?? '危险废物标签' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // PDFKit embeds only the glyphs used, so a sheet carries a small subset of each weight.
  doc.registerFont(FONT_NAMES.regular, labelFont('regular').sfnt);
  doc.registerFont(FONT_NAMES.bold, labelFont('bold').sfnt);

  let slot = 0;
  let capacity = 0;
  let side = 0;
  let grid = sheetGridForSide(layouts[0].sideMm);
  for (const layout of layouts) {
    if (layout.sideMm !== side || slot === capacity) {
      if (layout.sideMm !== side) {
        side = layout.sideMm;
        grid = sheetGridForSide(side);
        capacity = grid.columns * grid.rows;
      }
      doc.addPage();
      slot = 0;
    }
    const column = slot % grid.columns;
    const row = Math.floor(slot / grid.columns);
    drawLabel(doc, layout, grid.originXMm + column * grid.pitchMm, grid.originYMm + row * grid.pitchMm);
    slot++;
  }
  doc.end();
  return finished;
}
