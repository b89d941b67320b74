import { ellipsize, measure, wrapText } from './text-wrap';

describe('wrapText', () => {
  const size = 4;

  it('keeps a line that fits whole', () => {
    expect(wrapText('废矿物油', 100, size, 'regular')).toEqual(['废矿物油']);
  });

  it('breaks Chinese between any two characters and never exceeds the width', () => {
    const width = 5 * size;
    const lines = wrapText('废矿物油与含矿物油废物含油抹布', width, size, 'regular');
    expect(lines.join('')).toBe('废矿物油与含矿物油废物含油抹布');
    expect(lines.length).toBe(3);
    for (const line of lines) expect(measure(line, size, 'regular')).toBeLessThanOrEqual(width + 1e-9);
  });

  it('does not start a line with closing punctuation', () => {
    const lines = wrapText('废机油、含油棉纱、手套', 4 * size, size, 'regular');
    for (const line of lines) expect(line).not.toMatch(/^[、，。）]/);
  });

  it('keeps a Latin word or number together when it fits a line', () => {
    const lines = wrapText('联系 023-65123456', 11 * size * 0.6, size, 'regular');
    expect(lines).toContain('023-65123456');
  });

  it('collapses white space', () => {
    expect(wrapText('  废油 \n  桶 ', 100, size, 'regular')).toEqual(['废油 桶']);
  });
});

describe('ellipsize', () => {
  it('cuts the end and adds an ellipsis within the width', () => {
    const width = 4 * 4;
    const cut = ellipsize('废矿物油与含矿物油废物', width, 4, 'regular');
    expect(cut.endsWith('…')).toBe(true);
    expect(measure(cut, 4, 'regular')).toBeLessThanOrEqual(width);
  });
});
