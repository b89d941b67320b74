/**
 * The field encoding shared by event hashes and checkpoint signatures.
 *
 * A message is a sequence of fields; each field is a signed 32-bit big-endian length followed by
 * that many bytes, and a null field is the length -1 with no bytes. This is exactly how PostgreSQL's
 * binary COPY writes a row's columns, which is why the database can hand verification the bytes to
 * hash directly (see event-encoding.ts). Values are written as PostgreSQL's binary send functions
 * write them: text as UTF-8, uuid as its 16 bytes, integers big-endian, timestamps as a signed
 * 64-bit count of microseconds since 2000-01-01T00:00:00Z.
 */

export const NULL_LENGTH = -1;

/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01T00:00:00Z). */
export const PG_EPOCH_OFFSET_US = 946_684_800_000_000n;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function uuidBytes(value: string): Buffer {
  const lower = value.toLowerCase();
  if (!UUID.test(lower)) throw new TypeError(`not a UUID: ${value}`);
  return Buffer.from(lower.replace(/-/g, ''), 'hex');
}

export function uuidFromBytes(bytes: Buffer, offset = 0): string {
  const hex = bytes.toString('hex', offset, offset + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function int32Bytes(value: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(value);
  return b;
}

export function int64Bytes(value: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(value);
  return b;
}

/** A timestamp (µs since the Unix epoch) as PostgreSQL's timestamptz_send writes it. */
export function timestampBytes(unixMicros: bigint): Buffer {
  return int64Bytes(unixMicros - PG_EPOCH_OFFSET_US);
}

/** Concatenates fields, each with its length prefix; null is written as length -1. */
export function encodeFields(fields: readonly (Buffer | null)[]): Buffer {
  let size = 0;
  for (const f of fields) size += 4 + (f ? f.length : 0);
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const f of fields) {
    if (f === null) {
      offset = out.writeInt32BE(NULL_LENGTH, offset);
    } else {
      offset = out.writeInt32BE(f.length, offset);
      offset += f.copy(out, offset);
    }
  }
  return out;
}

/** Microseconds since the Unix epoch of a JavaScript date (millisecond precision). */
export function dateToMicros(date: Date): bigint {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('invalid date');
  return BigInt(ms) * 1000n;
}

/** `2025-01-02T03:04:05.123456Z`: ISO 8601, UTC, always six fractional digits, so no precision is lost. */
export function microsToIso(unixMicros: bigint): string {
  const ms = unixMicros / 1000n - (unixMicros % 1000n < 0n ? 1n : 0n);
  const micros = unixMicros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString(); // ...SS.mmmZ
  return `${iso.slice(0, -1)}${micros.toString().padStart(3, '0')}Z`;
}

const ISO_MICROS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/;

export function isoToMicros(iso: string): bigint {
  const match = ISO_MICROS.exec(iso);
  if (!match) throw new TypeError(`not a UTC ISO 8601 timestamp: ${iso}`);
  const seconds = Date.parse(`${match[1]}Z`);
  if (!Number.isFinite(seconds)) throw new TypeError(`not a valid timestamp: ${iso}`);
  return BigInt(seconds) * 1000n + BigInt((match[2] ?? '').padEnd(6, '0'));
}
