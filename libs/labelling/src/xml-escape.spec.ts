import { escapeXml } from './xml-escape';

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('leaves Chinese and ordinary text alone', () => {
    expect(escapeXml('废矿物油 HW08 900-214-08')).toBe('废矿物油 HW08 900-214-08');
  });

  it('replaces characters XML cannot carry, keeping tab and newline', () => {
    expect(escapeXml('a\u0000b\u001Fc\td\ne\uFFFF')).toBe('a\uFFFDb\uFFFDc\td\ne\uFFFD');
  });

  it('replaces a lone surrogate but keeps a pair', () => {
    expect(escapeXml('x\uD800y')).toBe('x\uFFFDy');
    expect(escapeXml('😀')).toBe('😀');
  });
});
