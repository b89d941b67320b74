import { Resvg } from '@resvg/resvg-js';
import { HAZARD_NAMES } from './label-data';
import { containerCode, hazardousLabel, medicalLabel } from './label-data.fixture';
import { capHeightRatio } from './label-fonts';
import { labelSizeForVolume } from './label-size';
import { renderLabelSvg } from './label-svg';

const decode = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** What a reader sees: the content of every text element, in drawing order, lines run together. */
function visibleText(svg: string): string {
  return decode([...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1].replace(/<[^>]+>/g, '')).join(''));
}

function codeText(svg: string): string {
  const match = /<text\b[^>]*data-role="code"[^>]*>([\s\S]*?)<\/text>/.exec(svg);
  return match ? decode(match[1].replace(/<[^>]+>/g, '')) : '';
}

describe('renderLabelSvg', () => {
  it('prints every field HJ 1276-2022 asks for on an orange hazardous-waste label', () => {
    const data = hazardousLabel({ hazards: ['T', 'C', 'I'], physicalForm: 'semi-solid', notes: '远离火源' });
    const svg = renderLabelSvg(data);
    const text = visibleText(svg);

    expect(svg).toContain('fill="rgb(255,150,0)"');
    expect(text).toContain('危险废物');
    expect(text).not.toContain('医疗废物');
    for (const expected of [
      `废物名称：${data.wasteName}`,
      `废物类别：${data.category}`,
      `废物代码：${data.wasteCode}`,
      '废物形态：半固态',
      `主要成分：${data.mainComponents}`,
      `危险特性：毒性、腐蚀性、易燃性`,
      `产生日期：2025-03-14`,
      `产生单位：${data.unitName}`,
      `联系人：${data.contactName}`,
      `联系方式：${data.contactPhone}`,
      '备注：远离火源',
      '数字识别码：',
    ]) {
      expect(text).toContain(expected);
    }
    expect(codeText(svg)).toBe(data.code);
    expect(svg).toContain(`<title>危险废物标签 ${data.code}</title>`);
    // One pictogram per characteristic, named for assistive readers.
    for (const hazard of data.hazards) expect(svg).toContain(`<title>${HAZARD_NAMES[hazard]}</title>`);
    expect(svg).not.toContain(`<title>${HAZARD_NAMES.R}</title>`);
    // The QR code is drawn as modules.
    expect(svg).toMatch(/<path transform="[^"]+" d="M\d+ \d+h\d+v1h-\d+z/);
  });

  it('gives medical waste (HW01) the yellow 医疗废物 label with unit, date, category and notes', () => {
    const data = medicalLabel({ generatedOn: new Date('2025-03-13T17:30:00Z') });
    const svg = renderLabelSvg(data);
    const text = visibleText(svg);

    expect(text).toContain('医疗废物');
    expect(text).not.toContain('危险废物');
    expect(svg).toContain('fill="rgb(255,210,0)"');
    expect(svg).not.toContain('rgb(255,150,0)');
    expect(text).toContain(`产生单位：${data.unitName}`);
    // 01:30 in China on the 14th, whatever the server's time zone.
    expect(text).toContain('产生日期：2025-03-14');
    expect(text).toContain('类别：感染性废物（HW01）');
    expect(text).toContain('特别说明：污染敷料，3/4满封口');
    expect(text).toContain('危险特性：感染性');
    expect(codeText(svg)).toBe(data.code);
  });

  it('treats a label marked medical as medical whatever its category says', () => {
    expect(visibleText(renderLabelSvg(hazardousLabel({ medicalWaste: true })))).toContain('医疗废物');
    expect(visibleText(renderLabelSvg(medicalLabel({ medicalWaste: false })))).toContain('危险废物');
  });

  it.each([
    [30, 100, 3],
    [200, 150, 5],
    [1000, 200, 6],
  ])('sizes the label for a %p L container at %p mm with text at least %p mm high', (litres, side, minText) => {
    const svg = renderLabelSvg(hazardousLabel({ containerVolumeLitres: litres }));
    expect(svg).toContain(`width="${side}mm" height="${side}mm" viewBox="0 0 ${side} ${side}"`);
    const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(10);
    // Even a capital letter, the shortest character printed, reaches the minimum height.
    for (const size of sizes) expect(size * capHeightRatio()).toBeGreaterThanOrEqual(minText);
  });

  it.each([
    [0, 100],
    [50, 100],
    [50.5, 150],
    [449, 150],
    [450, 200],
  ])('a %p L container takes a %p mm label', (litres, side) => {
    expect(labelSizeForVolume(litres).sideMm).toBe(side);
  });

  it('refuses an impossible volume', () => {
    expect(() => labelSizeForVolume(-1)).toThrow(RangeError);
    expect(() => labelSizeForVolume(Number.NaN)).toThrow(RangeError);
  });

  it('escapes markup in the data and stays well-formed', () => {
    const hostile = '<script>alert(1)</script>&"\'废油';
    const svg = renderLabelSvg(
      hazardousLabel({ wasteName: hostile, mainComponents: 'a < b & c > d', unitName: 'Unit "Q" \u0007Ltd' }),
    );
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&apos;废油');
    expect(visibleText(svg)).toContain(`废物名称：${hostile}`);
    expect(visibleText(svg)).toContain('a < b & c > d');
    // A control character cannot appear in XML even escaped; it is replaced rather than breaking the file.
    expect(visibleText(svg)).toContain('Unit "Q" \uFFFDLtd');
    expect(() => new Resvg(svg)).not.toThrow();
  });

  it('shortens an overlong value with an ellipsis rather than overflowing the label', () => {
    const svg = renderLabelSvg(hazardousLabel({ mainComponents: '含油废物、'.repeat(60) }));
    const text = visibleText(svg);
    expect(text).toContain('…');
    // Everything else is still there.
    expect(text).toContain('联系方式：023-65123456');
    expect(text).toContain('产生日期：2025-03-14');
  });

  it('refuses an unknown hazard characteristic', () => {
    expect(() => renderLabelSvg(hazardousLabel({ hazards: ['X' as never] }))).toThrow(/Unknown hazard/);
  });

  it('splits the code after the unit USCC when it needs two lines', () => {
    const code = containerCode(42);
    const svg = renderLabelSvg(hazardousLabel({ code }));
    const lines = [...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    expect(lines).toEqual([code.slice(0, 18), code.slice(18)]);
  });
});
