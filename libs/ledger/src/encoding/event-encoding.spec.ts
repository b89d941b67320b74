import { createHash, randomUUID } from 'node:crypto';
import { EVENT_TAG, EncodableEvent, encodeEvent, eventHash, payloadBytes } from './event-encoding';
import { encodeFields, int32Bytes, isoToMicros, microsToIso, timestampBytes, uuidBytes } from './fields';

/** The preimage assembled field by field, the way docs/ledger.md states it. */
function reference(e: EncodableEvent): Buffer {
  return encodeFields([
    Buffer.from(EVENT_TAG),
    uuidBytes(e.id),
    e.prevHash,
    Buffer.from(e.subjectType),
    uuidBytes(e.subjectId),
    int32Bytes(e.subjectSeq),
    Buffer.from(e.type),
    e.actorOrgId === null ? null : uuidBytes(e.actorOrgId),
    e.actorUserId === null ? null : uuidBytes(e.actorUserId),
    e.actorDevice === null ? null : Buffer.from(e.actorDevice),
    e.deviceTimeUs === null ? null : timestampBytes(e.deviceTimeUs),
    timestampBytes(e.serverTimeUs),
    payloadBytes(e.payloadJson),
  ]);
}

const full: EncodableEvent = {
  id: randomUUID(),
  prevHash: createHash('sha256').update('previous').digest(),
  subjectType: 'container',
  subjectId: randomUUID(),
  subjectSeq: 7,
  type: 'scan.arrive',
  actorOrgId: randomUUID(),
  actorUserId: randomUUID(),
  actorDevice: '扫码枪-3',
  deviceTimeUs: isoToMicros('2025-06-01T08:00:00.123456Z'),
  serverTimeUs: isoToMicros('2025-06-01T08:00:01.5Z'),
  payloadJson: '{"weightKg": 12.5, "note": "感染性"}',
};
const sparse: EncodableEvent = { ...full, prevHash: null, subjectSeq: 1, actorOrgId: null, actorUserId: null, actorDevice: null, deviceTimeUs: null };

describe('event preimage (version 1)', () => {
  it.each([
    ['every field set', full],
    ['nullable fields null', sparse],
  ])('is the documented field sequence with %s', (_name, event) => {
    expect(encodeEvent(event).equals(reference(event))).toBe(true);
    expect(eventHash(event).equals(createHash('sha256').update(reference(event)).digest())).toBe(true);
  });

  it('starts with the byte 0x00, which keeps event hashes apart from Merkle nodes (0x01)', () => {
    expect(encodeEvent(full)[0]).toBe(0);
    expect(encodeEvent(full).subarray(0, 24).toString('latin1')).toBe(`\0\0\0\x14${EVENT_TAG}`);
  });

  it('writes null as length -1 and times as microseconds since 2000-01-01', () => {
    const bytes = encodeEvent(sparse);
    expect(bytes.includes(Buffer.from('ffffffff', 'hex'))).toBe(true);
    expect(timestampBytes(isoToMicros('2000-01-01T00:00:00.000001Z')).readBigInt64BE()).toBe(1n);
  });

  it('changes with every field', () => {
    const base = eventHash(full).toString('hex');
    const variants: Partial<EncodableEvent>[] = [
      { id: randomUUID() },
      { prevHash: Buffer.alloc(32) },
      { subjectType: 'manifest' },
      { subjectId: randomUUID() },
      { subjectSeq: 8 },
      { type: 'scan.load' },
      { actorOrgId: null },
      { actorUserId: randomUUID() },
      { actorDevice: '扫码枪-4' },
      { deviceTimeUs: full.deviceTimeUs! + 1n },
      { serverTimeUs: full.serverTimeUs + 1n },
      { payloadJson: '{"weightKg": 12.6, "note": "感染性"}' },
    ];
    for (const v of variants) expect(eventHash({ ...full, ...v }).toString('hex')).not.toBe(base);
  });

  it('refuses ids that are not lower-case UUIDs', () => {
    expect(() => encodeEvent({ ...full, subjectId: full.subjectId.toUpperCase() })).toThrow('not a UUID');
  });

  it('round-trips timestamps through their microsecond ISO form', () => {
    for (const iso of ['2025-06-01T08:00:00.123456Z', '1999-12-31T23:59:59.999999Z', '2000-01-01T00:00:00.000000Z']) {
      expect(microsToIso(isoToMicros(iso))).toBe(iso);
    }
  });
});
