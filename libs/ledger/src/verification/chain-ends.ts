import { uuidFromBytes } from '../encoding/fields';

/**
 * The end of every subject's chain seen so far by a verification: its subject_seq, its global seq
 * and its hash. One lookup per event, over as many subjects as the range holds — in seq order the
 * subjects come round at random, so this is a cache miss per event whatever the structure.
 *
 * A Map keyed by strings cost several misses per lookup plus a key string and an object per event
 * (over a microsecond per event, about as much as the SHA-256, in the 1M-event benchmark). This is
 * an open-addressing table with one 64-byte record per subject — one cache line — keyed by the
 * subject's UUID and a small id for its type, read straight from the COPY buffer: no allocation.
 *
 * Record (sixteen int32 words): 0-3 UUID (as read big-endian), 4 type id + 1 (0 = empty slot),
 * 5 subject_seq, 6-7 seq (a float64, exact below 2^53), 8-15 the hash (big-endian words), and a
 * separate byte per slot for "its head was seen".
 */
const WORDS = 16;

export class ChainEnds {
  private readonly types: Buffer[] = [];
  private words: Int32Array;
  private seqs: Float64Array;
  private headSeen: Uint8Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity <<= 1;
    this.mask = capacity - 1;
    this.words = new Int32Array(capacity * WORDS);
    this.seqs = new Float64Array(this.words.buffer);
    this.headSeen = new Uint8Array(capacity);
  }

  /** The id of a subject type given as its bytes in `buf` (adding it the first time). */
  typeId(buf: Buffer, start: number, length: number): number {
    // A handful of types, a few bytes each: a plain loop beats a native compare call.
    for (let i = 0; i < this.types.length; i++) {
      const t = this.types[i];
      if (t.length !== length) continue;
      let j = 0;
      while (j < length && t[j] === buf[start + j]) j++;
      if (j === length) return i;
    }
    this.types.push(Buffer.from(buf.subarray(start, start + length)));
    return this.types.length - 1;
  }

  /**
   * The slot of the subject whose UUID is the 16 bytes at `uuidAt`, or the bitwise complement of
   * the empty slot where it would go (so `slot < 0` means "not seen yet").
   */
  find(typeId: number, buf: Buffer, uuidAt: number): number {
    const w0 = buf.readInt32BE(uuidAt);
    const w1 = buf.readInt32BE(uuidAt + 4);
    const w2 = buf.readInt32BE(uuidAt + 8);
    const w3 = buf.readInt32BE(uuidAt + 12);
    const words = this.words;
    let slot = (Math.imul(w0 ^ w3 ^ typeId, 0x9e3779b1) ^ Math.imul(w1 ^ w2, 0x85ebca77)) & this.mask;
    for (;;) {
      const r = slot * WORDS;
      const tag = words[r + 4];
      if (tag === 0) return ~slot;
      if (tag === typeId + 1 && words[r] === w0 && words[r + 1] === w1 && words[r + 2] === w2 && words[r + 3] === w3) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Records a new subject in the empty slot `~missing` returned by find(); returns its slot. */
  insert(missing: number, typeId: number, buf: Buffer, uuidAt: number, subjectSeq: number, seq: number, digest: string): number {
    let slot = ~missing;
    if ((this.size + 1) * 2 > this.mask + 1) {
      this.grow();
      slot = ~this.find(typeId, buf, uuidAt);
    }
    const r = slot * WORDS;
    const words = this.words;
    words[r] = buf.readInt32BE(uuidAt);
    words[r + 1] = buf.readInt32BE(uuidAt + 4);
    words[r + 2] = buf.readInt32BE(uuidAt + 8);
    words[r + 3] = buf.readInt32BE(uuidAt + 12);
    words[r + 4] = typeId + 1;
    this.size++;
    this.update(slot, subjectSeq, seq, digest);
    return slot;
  }

  update(slot: number, subjectSeq: number, seq: number, digest: string): void {
    const r = slot * WORDS;
    const words = this.words;
    words[r + 5] = subjectSeq;
    this.seqs[slot * (WORDS / 2) + 3] = seq;
    for (let i = 0; i < 8; i++) {
      const c = i * 4;
      words[r + 8 + i] = (digest.charCodeAt(c) << 24) | (digest.charCodeAt(c + 1) << 16) | (digest.charCodeAt(c + 2) << 8) | digest.charCodeAt(c + 3);
    }
  }

  subjectSeq(slot: number): number {
    return this.words[slot * WORDS + 5];
  }

  seq(slot: number): number {
    return this.seqs[slot * (WORDS / 2) + 3];
  }

  /** Whether the 32 bytes at `at` in `buf` are this subject's last hash. */
  hashEquals(slot: number, buf: Buffer, at: number): boolean {
    if (at + 32 > buf.length) return false;
    const r = slot * WORDS + 8;
    for (let i = 0; i < 8; i++) if (this.words[r + i] !== buf.readInt32BE(at + i * 4)) return false;
    return true;
  }

  hash(slot: number): Buffer {
    const out = Buffer.allocUnsafe(32);
    for (let i = 0; i < 8; i++) out.writeInt32BE(this.words[slot * WORDS + 8 + i], i * 4);
    return out;
  }

  markHeadSeen(slot: number): void {
    this.headSeen[slot] = 1;
  }

  /** Every subject whose head was not marked seen. */
  *withoutHead(): Generator<{ slot: number; subjectType: string; subjectId: string }> {
    for (let slot = 0; slot <= this.mask; slot++) {
      if (this.words[slot * WORDS + 4] !== 0 && !this.headSeen[slot]) yield { slot, ...this.subject(slot) };
    }
  }

  subject(slot: number): { subjectType: string; subjectId: string } {
    const r = slot * WORDS;
    const uuid = Buffer.allocUnsafe(16);
    for (let i = 0; i < 4; i++) uuid.writeInt32BE(this.words[r + i], i * 4);
    return { subjectType: this.types[this.words[r + 4] - 1].toString('utf8'), subjectId: uuidFromBytes(uuid) };
  }

  private grow(): void {
    const oldWords = this.words;
    const oldSeen = this.headSeen;
    const oldCapacity = this.mask + 1;
    const capacity = oldCapacity * 2;
    this.mask = capacity - 1;
    this.words = new Int32Array(capacity * WORDS);
    this.seqs = new Float64Array(this.words.buffer);
    this.headSeen = new Uint8Array(capacity);
    const probe = Buffer.allocUnsafe(16);
    for (let old = 0; old < oldCapacity; old++) {
      const r = old * WORDS;
      if (oldWords[r + 4] === 0) continue;
      for (let i = 0; i < 4; i++) probe.writeInt32BE(oldWords[r + i], i * 4);
      const slot = ~this.find(oldWords[r + 4] - 1, probe, 0);
      this.words.set(oldWords.subarray(r, r + WORDS), slot * WORDS);
      this.headSeen[slot] = oldSeen[old];
    }
  }
}
