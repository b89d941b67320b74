import { Resvg } from '@resvg/resvg-js';
import { LabelData } from './label-data';
import { labelFont, labelFontFile } from './label-fonts';
import { layoutLabel } from './label-layout';
import { layoutToSvg } from './label-svg';

export interface PngOptions {
  /** Dots per inch of the printer; 300 by default, a common label-printer resolution. */
  dpi?: number;
}

const MM_PER_INCH = 25.4;

/** The label as a PNG at its true size for the given resolution, with the bundled CJK font. */
export function renderLabelPng(data: LabelData, options: PngOptions = {}): Buffer {
  const dpi = options.dpi ?? 300;
  if (!Number.isFinite(dpi) || dpi < 50 || dpi > 2400) throw new RangeError(`dpi must be between 50 and 2400, got ${dpi}`);
  const layout = layoutLabel(data);
  const resvg = new Resvg(layoutToSvg(layout), {
    fitTo: { mode: 'width', value: Math.round((layout.sideMm / MM_PER_INCH) * dpi) },
    // Only the bundled font: the output must not depend on what the host happens to have installed.
    font: {
      loadSystemFonts: false,
      fontFiles: [labelFontFile('regular'), labelFontFile('bold')],
      defaultFontFamily: labelFont('regular').family,
    },
  });
  return resvg.render().asPng();
}
