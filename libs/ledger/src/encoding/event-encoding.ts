import { hash as oneShotHash } from 'node:crypto';
import { NULL_LENGTH, PG_EPOCH_OFFSET_US, isUuid } from './fields';

/**
 * The bytes an event's hash covers (its "preimage"), version 1. docs/ledger.md is the normative
 * description; this is the reference implementation, and scripts/verify-ledger-bundle.js an
 * independent one.
 *
 *   preimage = field(TAG) field(id) field(prev_hash) field(subject_type) field(subject_id)
 *              field(subject_seq) field(type) field(actor_org_id) field(actor_user_id)
 *              field(actor_device) field(device_time) field(server_time) field(payload)
 *   hash     = SHA-256(preimage)
 *
 * with field() as in fields.ts (int32 length or -1 for null, then the bytes), TAG the ASCII text
 * `wasteledger.event.v1`, uuids as 16 bytes, subject_seq an int32, times int64 microseconds since
 * 2000-01-01Z, and payload the byte 0x01 followed by the canonical JSON (canonical-json.ts) in UTF-8.
 *
 * Every field is written exactly as PostgreSQL's binary COPY writes the column (payload is jsonb,
 * whose binary form is the version byte 1 and the text), so `COPY (SELECT <these columns>) TO
 * STDOUT (FORMAT binary)` emits each preimage verbatim after the row's field count.
 *
 * The preimage always starts with the byte 0x00 (the high byte of TAG's length) while Merkle
 * nodes start with 0x01, so an event hash can never be confused with an inner node (merkle.ts).
 */
export const EVENT_TAG = 'wasteledger.event.v1';
const TAG_BYTES = Buffer.from(EVENT_TAG, 'ascii');
/** jsonb's binary format version, kept as the first payload byte. */
export const PAYLOAD_FORMAT_VERSION = 1;

/** Number of fields in a version 1 preimage. */
export const EVENT_FIELD_COUNT = 13;

export interface EncodableEvent {
  id: string;
  prevHash: Buffer | null;
  subjectType: string;
  subjectId: string;
  subjectSeq: number;
  type: string;
  actorOrgId: string | null;
  actorUserId: string | null;
  actorDevice: string | null;
  /** Microseconds since the Unix epoch. */
  deviceTimeUs: bigint | null;
  /** Microseconds since the Unix epoch. */
  serverTimeUs: bigint;
  /** The canonical JSON text of the payload. */
  payloadJson: string;
}

export function payloadBytes(payloadJson: string): Buffer {
  const text = Buffer.from(payloadJson, 'utf8');
  const out = Buffer.allocUnsafe(text.length + 1);
  out[0] = PAYLOAD_FORMAT_VERSION;
  text.copy(out, 1);
  return out;
}

/**
 * Writes the preimage into one buffer sized up front (this runs once per appended event and once
 * per event in tools, so it avoids a buffer per field).
 */
export function encodeEvent(e: EncodableEvent): Buffer {
  if (e.prevHash !== null && e.prevHash.length !== 32) throw new TypeError('prevHash must be 32 bytes');
  const typeLength = Buffer.byteLength(e.subjectType, 'utf8');
  const eventTypeLength = Buffer.byteLength(e.type, 'utf8');
  const deviceLength = e.actorDevice === null ? -1 : Buffer.byteLength(e.actorDevice, 'utf8');
  const payloadLength = Buffer.byteLength(e.payloadJson, 'utf8') + 1;
  const size =
    EVENT_FIELD_COUNT * 4 +
    TAG_BYTES.length +
    16 +
    (e.prevHash ? 32 : 0) +
    typeLength +
    16 +
    4 +
    eventTypeLength +
    (e.actorOrgId === null ? 0 : 16) +
    (e.actorUserId === null ? 0 : 16) +
    Math.max(deviceLength, 0) +
    (e.deviceTimeUs === null ? 0 : 8) +
    8 +
    payloadLength;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  const nul = (): void => {
    o = out.writeInt32BE(NULL_LENGTH, o);
  };
  o = out.writeInt32BE(TAG_BYTES.length, o);
  o += TAG_BYTES.copy(out, o);
  o = out.writeInt32BE(16, o);
  o = writeUuid(out, o, e.id);
  if (e.prevHash) {
    o = out.writeInt32BE(32, o);
    o += e.prevHash.copy(out, o);
  } else nul();
  o = out.writeInt32BE(typeLength, o);
  o += out.write(e.subjectType, o, 'utf8');
  o = out.writeInt32BE(16, o);
  o = writeUuid(out, o, e.subjectId);
  o = out.writeInt32BE(4, o);
  o = out.writeInt32BE(e.subjectSeq, o);
  o = out.writeInt32BE(eventTypeLength, o);
  o += out.write(e.type, o, 'utf8');
  for (const id of [e.actorOrgId, e.actorUserId]) {
    if (id === null) nul();
    else {
      o = out.writeInt32BE(16, o);
      o = writeUuid(out, o, id);
    }
  }
  if (e.actorDevice === null) nul();
  else {
    o = out.writeInt32BE(deviceLength, o);
    o += out.write(e.actorDevice, o, 'utf8');
  }
  if (e.deviceTimeUs === null) nul();
  else {
    o = out.writeInt32BE(8, o);
    o = out.writeBigInt64BE(e.deviceTimeUs - PG_EPOCH_OFFSET_US, o);
  }
  o = out.writeInt32BE(8, o);
  o = out.writeBigInt64BE(e.serverTimeUs - PG_EPOCH_OFFSET_US, o);
  o = out.writeInt32BE(payloadLength, o);
  out[o++] = PAYLOAD_FORMAT_VERSION;
  o += out.write(e.payloadJson, o, 'utf8');
  if (o !== size) throw new Error('event preimage size mismatch');
  return out;
}

function writeUuid(out: Buffer, offset: number, uuid: string): number {
  if (!isUuid(uuid)) throw new TypeError(`not a UUID: ${uuid}`);
  // Five hex groups of the canonical text form, written straight into place.
  out.write(uuid.slice(0, 8), offset, 'hex');
  out.write(uuid.slice(9, 13), offset + 4, 'hex');
  out.write(uuid.slice(14, 18), offset + 6, 'hex');
  out.write(uuid.slice(19, 23), offset + 8, 'hex');
  out.write(uuid.slice(24, 36), offset + 10, 'hex');
  return offset + 16;
}

export function sha256(data: Buffer): Buffer {
  // The one-shot hash() avoids creating a Hash object per call: about twice as fast for small inputs.
  return oneShotHash('sha256', data, 'buffer');
}

/**
 * The digest as a 32-character latin1 string, one character per byte. Returning a string instead
 * of a Buffer halves the cost of a hash of this size (no backing store to allocate and collect),
 * which matters where every event is hashed: verification.
 */
export function sha256Latin1(data: Uint8Array): string {
  // 'binary' is Node's alias of latin1 (the typings only list that name).
  return oneShotHash('sha256', data, 'binary');
}

/** Whether the latin1 digest `digest` equals the 32 bytes of `buf` at `offset`. */
export function digestEquals(digest: string, buf: Uint8Array, offset: number): boolean {
  if (offset + 32 > buf.length) return false;
  for (let i = 0; i < 32; i++) if (digest.charCodeAt(i) !== buf[offset + i]) return false;
  return true;
}

export function eventHash(e: EncodableEvent): Buffer {
  return sha256(encodeEvent(e));
}

/**
 * The SQL select list that makes PostgreSQL emit an event's preimage: one column per field, in
 * order. Verification streams `seq, hash, <these>` with binary COPY and hashes the bytes after the
 * first two columns; a change to any column therefore changes what is hashed.
 */
export const EVENT_PREIMAGE_COLUMNS = [
  `'${EVENT_TAG}'::text`,
  'id',
  'prev_hash',
  'subject_type',
  'subject_id',
  'subject_seq',
  'type',
  'actor_org_id',
  'actor_user_id',
  'actor_device',
  'device_time',
  'server_time',
  'payload',
] as const;
