import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { woffToSfnt } from './woff';

export type LabelFontWeight = 'regular' | 'bold';

/**
 * Noto Sans SC cut to the 8,105 characters of the 通用规范汉字表 plus ASCII: every character a
 * label needs, about 1.8 MB a weight, shipped by an npm package so installs need nothing else.
 */
const FONT_PACKAGE = '@openfonts/noto-sans-sc_chinese-simplified';
const FONT_FILES: Readonly<Record<LabelFontWeight, string>> = {
  regular: 'files/noto-sans-sc-chinese-simplified-400.woff',
  bold: 'files/noto-sans-sc-chinese-simplified-700.woff',
};

/** Generic families listed after ours, so an SVG viewer without this font still shows Chinese. */
export const FALLBACK_FAMILIES = "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif";

export interface LabelFont {
  weight: LabelFontWeight;
  /** The family name inside the font file, which is what renderers match on. */
  family: string;
  /** The plain OpenType file. */
  sfnt: Buffer;
  metrics: fontkit.Font;
}

const fonts = new Map<LabelFontWeight, LabelFont>();
const files = new Map<LabelFontWeight, string>();

export function labelFont(weight: LabelFontWeight): LabelFont {
  let font = fonts.get(weight);
  if (!font) {
    const woff = readFileSync(require.resolve(`${FONT_PACKAGE}/${FONT_FILES[weight]}`));
    const sfnt = woffToSfnt(woff);
    const metrics = fontkit.create(sfnt) as fontkit.Font;
    font = { weight, family: metrics.familyName, sfnt, metrics };
    fonts.set(weight, font);
  }
  return font;
}

/**
 * The font as a plain file on disk, for a renderer that loads fonts only from paths. Written once
 * per content under the temp directory; the name carries a hash of the bytes, and the write goes
 * through a rename, so concurrent processes never read a half-written file.
 */
export function labelFontFile(weight: LabelFontWeight): string {
  let path = files.get(weight);
  if (!path) {
    const { sfnt } = labelFont(weight);
    const dir = join(tmpdir(), 'labelling-fonts');
    path = join(dir, `noto-sans-sc-${weight}-${createHash('sha256').update(sfnt).digest('hex').slice(0, 16)}.otf`);
    if (!isFileOfSize(path, sfnt.length)) {
      mkdirSync(dir, { recursive: true });
      const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(partial, sfnt);
      renameSync(partial, path);
    }
    files.set(weight, path);
  }
  return path;
}

function isFileOfSize(path: string, size: number): boolean {
  try {
    return statSync(path).size === size;
  } catch {
    return false;
  }
}

/**
 * Height of a capital letter relative to the font size, the shortest of the characters a label
 * must keep legible (ideographs are about 0.92, digits 0.76): sizing type by it keeps every
 * character of the code and phone number at the minimum height too.
 */
export function capHeightRatio(): number {
  const { metrics } = labelFont('regular');
  return metrics.capHeight / metrics.unitsPerEm;
}
