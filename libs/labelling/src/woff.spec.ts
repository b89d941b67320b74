import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';
import { woffToSfnt } from './woff';

const REGULAR_WOFF = require.resolve('@openfonts/noto-sans-sc_chinese-simplified/files/noto-sans-sc-chinese-simplified-400.woff');

function checksum(buffer: Buffer, offset: number, length: number): number {
  let sum = 0;
  for (let i = offset; i < offset + length; i += 4) sum = (sum + buffer.readUInt32BE(i)) >>> 0;
  return sum;
}

/** A WOFF holding the given tables, each compressed when that makes it smaller. */
function woffOf(tables: Record<string, Buffer>): Buffer {
  const tags = Object.keys(tables).sort();
  const header = Buffer.alloc(44 + 20 * tags.length);
  header.write('wOFF', 0, 'latin1');
  header.writeUInt32BE(0x00010000, 4);
  header.writeUInt16BE(tags.length, 12);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tags.forEach((tag, i) => {
    const data = tables[tag];
    const compressed = deflateSync(data);
    const stored = compressed.length < data.length ? compressed : data;
    const padded = Buffer.concat([stored, Buffer.alloc((4 - (stored.length % 4)) % 4)]);
    const entry = 44 + 20 * i;
    header.write(tag, entry, 'latin1');
    header.writeUInt32BE(offset, entry + 4);
    header.writeUInt32BE(stored.length, entry + 8);
    header.writeUInt32BE(data.length, entry + 12);
    header.writeUInt32BE(0x12345678, entry + 16);
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([header, ...bodies]);
}

describe('woffToSfnt', () => {
  it('unwraps the bundled font into an OpenType file with the same glyphs', () => {
    const woff = readFileSync(REGULAR_WOFF);
    const sfnt = woffToSfnt(woff);
    expect(sfnt.subarray(0, 4).toString('latin1')).toBe('OTTO');

    const original = fontkit.create(woff) as fontkit.Font;
    const unwrapped = fontkit.create(sfnt) as fontkit.Font;
    expect(unwrapped.numGlyphs).toBe(original.numGlyphs);
    expect(unwrapped.familyName).toBe(original.familyName);
    const glyph = unwrapped.glyphForCodePoint('危'.codePointAt(0)!);
    expect(glyph.id).toBe(original.glyphForCodePoint('危'.codePointAt(0)!).id);
    expect(glyph.path.toSVG()).toBe(original.glyphForCodePoint('危'.codePointAt(0)!).path.toSVG());
    // The whole file sums to the magic number the OpenType spec sets.
    expect(checksum(sfnt, 0, sfnt.length)).toBe(0xb1b0afba);
  });

  it('writes sorted, 4-byte aligned tables, inflating only the compressed ones', () => {
    const head = Buffer.alloc(54, 0);
    head.writeUInt32BE(0x5f0f3cf5, 12);
    const repetitive = Buffer.alloc(400, 7);
    const incompressible = Buffer.from([1, 2, 3, 4, 5]);
    const sfnt = woffToSfnt(woffOf({ zzzz: incompressible, head, aaaa: repetitive }));

    expect(sfnt.readUInt16BE(4)).toBe(3);
    const records = [0, 1, 2].map((i) => {
      const at = 12 + 16 * i;
      return {
        tag: sfnt.subarray(at, at + 4).toString('latin1'),
        offset: sfnt.readUInt32BE(at + 8),
        length: sfnt.readUInt32BE(at + 12),
      };
    });
    expect(records.map((r) => r.tag)).toEqual(['aaaa', 'head', 'zzzz']);
    for (const r of records) expect(r.offset % 4).toBe(0);
    expect(sfnt.subarray(records[0].offset, records[0].offset + records[0].length)).toEqual(repetitive);
    expect(sfnt.subarray(records[2].offset, records[2].offset + records[2].length)).toEqual(incompressible);
  });

  it('refuses what is not WOFF 1.0', () => {
    expect(() => woffToSfnt(Buffer.from('OTTO0000000000000000000000000000000000000000000'))).toThrow(/Not a WOFF/);
    const truncated = woffOf({ aaaa: Buffer.alloc(64, 1) }).subarray(0, 60);
    expect(() => woffToSfnt(truncated)).toThrow(/Truncated/);
  });
});
