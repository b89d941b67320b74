import { LabelFontWeight, labelFont } from './label-fonts';

const widthCache: Record<LabelFontWeight, Map<string, number>> = { regular: new Map(), bold: new Map() };

/**
 * Width in em of one character. Labels are short lines of mostly CJK text, where kerning does not
 * apply, so summed advances measure a line as the renderers will set it, much faster than shaping.
 */
function charWidthEm(ch: string, weight: LabelFontWeight): number {
  const cache = widthCache[weight];
  let width = cache.get(ch);
  if (width === undefined) {
    const { metrics } = labelFont(weight);
    const codePoint = ch.codePointAt(0) ?? 0;
    width = metrics.hasGlyphForCodePoint(codePoint)
      ? metrics.glyphForCodePoint(codePoint).advanceWidth / metrics.unitsPerEm
      : 1;
    cache.set(ch, width);
  }
  return width;
}

export function measure(text: string, size: number, weight: LabelFontWeight): number {
  let em = 0;
  for (const ch of text) em += charWidthEm(ch, weight);
  return em * size;
}

/** Punctuation that may not start a line (避头点): it sticks to what precedes it. */
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕”’,.;:?!)]}%…·']);
const LATIN_RUN = /[\p{L}\p{N}\-_.@/+#]/u;
const CJK = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u;

/** Splits text into the pieces a line may break between. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let current = '';
  const flush = () => {
    if (current) out.push(current);
    current = '';
  };
  for (const ch of text) {
    if (/\s/.test(ch)) {
      flush();
      out.push(' ');
    } else if (NO_LINE_START.has(ch)) {
      current += ch;
    } else if (CJK.test(ch)) {
      flush();
      current = ch;
    } else if (LATIN_RUN.test(ch) && current && !CJK.test(current.slice(-1)) && !NO_LINE_START.has(current.slice(-1))) {
      current += ch;
    } else {
      flush();
      current = ch;
    }
  }
  flush();
  return out;
}

/** Greedy wrapping; a token wider than a line is split between characters. */
export function wrapText(text: string, width: number, size: number, weight: LabelFontWeight): string[] {
  const normalised = text.replace(/\s+/g, ' ').trim();
  if (!normalised) return [''];
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line.trimEnd());
    line = '';
  };
  for (const token of tokens(normalised)) {
    if (token === ' ') {
      if (line) line += ' ';
      continue;
    }
    if (measure(line + token, size, weight) <= width) {
      line += token;
      continue;
    }
    if (line.trim()) push();
    if (measure(token, size, weight) <= width) {
      line = token;
      continue;
    }
    for (const ch of token) {
      if (line && measure(line + ch, size, weight) > width) push();
      line += ch;
    }
  }
  if (line.trim()) push();
  return lines.length ? lines : [''];
}

/** Cuts a line so that it and a closing ellipsis fit the width. */
export function ellipsize(line: string, width: number, size: number, weight: LabelFontWeight): string {
  const chars = [...line];
  while (chars.length && measure(chars.join('') + '…', size, weight) > width) chars.pop();
  return chars.join('').trimEnd() + '…';
}
