import { PathPart, Rgb } from './hazard-pictograms';
import { LabelData } from './label-data';
import { FALLBACK_FAMILIES, labelFont, LabelFontWeight } from './label-fonts';
import { layoutLabel, LabelLayout, Shape } from './label-layout';
import { qrRuns } from './qr-matrix';
import { escapeXml } from './xml-escape';

/** Millimetres with three decimals: a micrometre is finer than any printer. */
const num = (value: number): string => String(Math.round(value * 1000) / 1000);
/** Scale factors multiply every coordinate under them, so they keep more digits. */
const factor = (value: number): string => String(Math.round(value * 1e6) / 1e6);
const rgb = ([r, g, b]: Rgb): string => `rgb(${r},${g},${b})`;

const fontAttributes = (weight: LabelFontWeight): string =>
  `font-family="${escapeXml(`'${labelFont(weight).family}', ${FALLBACK_FAMILIES}`)}" font-weight="${weight === 'bold' ? 700 : 400}"`;

function partSvg(part: PathPart): string {
  const fill = part.fill ? rgb(part.fill) : 'none';
  const stroke = part.stroke
    ? ` stroke="${rgb(part.stroke)}" stroke-width="${num(part.strokeWidth ?? 1)}" stroke-linejoin="round"${part.roundCaps ? ' stroke-linecap="round"' : ''}`
    : '';
  return `<path d="${part.d}" fill="${fill}"${stroke}/>`;
}

function shapeSvg(shape: Shape): string {
  switch (shape.kind) {
    case 'rect': {
      const fill = shape.fill ? rgb(shape.fill) : 'none';
      const stroke = shape.stroke ? ` stroke="${rgb(shape.stroke)}" stroke-width="${num(shape.strokeWidth ?? 0.2)}"` : '';
      return `<rect x="${num(shape.x)}" y="${num(shape.y)}" width="${num(shape.width)}" height="${num(shape.height)}" fill="${fill}"${stroke}/>`;
    }
    case 'line':
      return `<line x1="${num(shape.x1)}" y1="${num(shape.y1)}" x2="${num(shape.x2)}" y2="${num(shape.y2)}" stroke="${rgb(shape.stroke)}" stroke-width="${num(shape.strokeWidth)}"/>`;
    case 'paths':
      return (
        `<g transform="translate(${num(shape.x)} ${num(shape.y)}) scale(${factor(shape.scale)})" role="img">` +
        `<title>${escapeXml(shape.title)}</title>${shape.parts.map(partSvg).join('')}</g>`
      );
    case 'text':
      return (
        `<text x="${num(shape.x)}" y="${num(shape.y)}" font-size="${num(shape.size)}" ${fontAttributes(shape.weight)}` +
        `${shape.anchor === 'middle' ? ' text-anchor="middle"' : ''}>${escapeXml(shape.text)}</text>`
      );
    case 'qr': {
      // One path of horizontal runs in module units; crisp edges keep modules square when rasterised.
      const d = qrRuns(shape.matrix)
        .map((run) => `M${run.column} ${run.row}h${run.length}v1h-${run.length}z`)
        .join('');
      return `<path transform="translate(${num(shape.x)} ${num(shape.y)}) scale(${factor(shape.moduleSize)})" d="${d}" fill="rgb(0,0,0)" shape-rendering="crispEdges"/>`;
    }
  }
}

/** The code as one text element, so a search or copy finds all 37 characters together. */
function codeSvg(layout: LabelLayout): string {
  const { code } = layout;
  const lines = code.lines
    .map((line, i) => `<tspan x="${num(code.x)}" y="${num(code.y[i])}">${escapeXml(line)}</tspan>`)
    .join('');
  return `<text font-size="${num(code.size)}" ${fontAttributes('regular')} data-role="code">${lines}</text>`;
}

export function layoutToSvg(layout: LabelLayout): string {
  const side = num(layout.sideMm);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${side}mm" height="${side}mm" viewBox="0 0 ${side} ${side}" fill="rgb(0,0,0)">` +
    `<title>${escapeXml(layout.title)}</title>` +
    layout.shapes.map(shapeSvg).join('') +
    codeSvg(layout) +
    `</svg>\n`
  );
}

/**
 * The label as SVG, in millimetres at its true size (HJ 1276-2022 minimum for the container's
 * volume). Text is real text naming Noto Sans SC first; renderLabelPng rasterises it with that font.
 */
export function renderLabelSvg(data: LabelData): string {
  return layoutToSvg(layoutLabel(data));
}
