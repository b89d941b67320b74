import { inflateSync } from 'node:zlib';

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const WOFF_HEADER_BYTES = 44;
const WOFF_ENTRY_BYTES = 20;
const SFNT_HEADER_BYTES = 12;
const SFNT_ENTRY_BYTES = 16;
const HEAD_TAG = 0x68656164; // 'head'
const HEAD_CHECKSUM_ADJUSTMENT_OFFSET = 8;

interface Table {
  tag: number;
  checksum: number;
  data: Buffer;
}

const align4 = (n: number) => (n + 3) & ~3;

function tableChecksum(buffer: Buffer, offset: number, length: number): number {
  let sum = 0;
  const end = offset + align4(length);
  for (let i = offset; i < end; i += 4) sum = (sum + buffer.readUInt32BE(i)) >>> 0;
  return sum;
}

/**
 * Unwraps a WOFF 1.0 font into the plain OpenType/TrueType file it was made from. The renderer that
 * rasterises labels reads only plain font files, and WOFF 1.0 is just the same tables, each
 * optionally zlib-compressed, behind a small directory.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < WOFF_HEADER_BYTES || woff.readUInt32BE(0) !== WOFF_SIGNATURE) {
    throw new Error('Not a WOFF 1.0 font');
  }
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  if (WOFF_HEADER_BYTES + numTables * WOFF_ENTRY_BYTES > woff.length) throw new Error('Truncated WOFF directory');

  const tables: Table[] = [];
  for (let i = 0; i < numTables; i++) {
    const entry = WOFF_HEADER_BYTES + i * WOFF_ENTRY_BYTES;
    const tag = woff.readUInt32BE(entry);
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const checksum = woff.readUInt32BE(entry + 16);
    if (offset + compLength > woff.length) throw new Error('Truncated WOFF table');
    const stored = woff.subarray(offset, offset + compLength);
    // The format stores a table uncompressed whenever compressing would not make it smaller.
    const data = compLength < origLength ? inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error('WOFF table length mismatch');
    tables.push({ tag, checksum, data });
  }
  // Table records in an sfnt must be sorted by tag, compared as unsigned numbers.
  tables.sort((a, b) => a.tag - b.tag);

  const directoryBytes = SFNT_HEADER_BYTES + numTables * SFNT_ENTRY_BYTES;
  const total = tables.reduce((sum, table) => sum + align4(table.data.length), directoryBytes);
  const out = Buffer.alloc(total);
  const entrySelector = Math.floor(Math.log2(Math.max(1, numTables)));
  const searchRange = 2 ** entrySelector * 16;
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);

  let offset = directoryBytes;
  let headOffset = -1;
  tables.forEach((table, i) => {
    const record = SFNT_HEADER_BYTES + i * SFNT_ENTRY_BYTES;
    table.data.copy(out, offset);
    if (table.tag === HEAD_TAG) {
      headOffset = offset;
      out.writeUInt32BE(0, offset + HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
    }
    out.writeUInt32BE(table.tag, record);
    out.writeUInt32BE(table.tag === HEAD_TAG ? tableChecksum(out, offset, table.data.length) : table.checksum, record + 4);
    out.writeUInt32BE(offset, record + 8);
    out.writeUInt32BE(table.data.length, record + 12);
    offset += align4(table.data.length);
  });
  // The whole-file checksum changes with the new layout; keep it consistent for strict readers.
  if (headOffset >= 0) {
    const adjustment = (0xb1b0afba - tableChecksum(out, 0, out.length)) >>> 0;
    out.writeUInt32BE(adjustment, headOffset + HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
  }
  return out;
}
