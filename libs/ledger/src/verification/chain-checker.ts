import { KeyObject } from 'node:crypto';
import { digestEquals, sha256Latin1 } from '../encoding/event-encoding';
import { checkpointSignatureValid, CheckpointMessage } from '../encoding/checkpoint-encoding';
import { uuidFromBytes } from '../encoding/fields';
import { MerkleAccumulator } from '../merkle/merkle';
import { ChainEnds } from './chain-ends';
import { BrokenLink, BrokenReason } from '../ledger.types';

/**
 * The verification state machine, fed the rows of
 *   COPY (SELECT seq, hash, <preimage columns> ...) TO STDOUT (FORMAT binary)
 * in seq order. For every row it recomputes the hash over the preimage bytes exactly as received
 * and checks the per-subject chain (subject_seq continuity and prev_hash linkage); for every signed
 * checkpoint it streams the hashes into a Merkle accumulator and compares root and count. It keeps
 * one small entry per subject seen (the chain's current end) and nothing per event.
 *
 * The hot path allocates only the digest (a latin1 string, see sha256Latin1); everything else is
 * read in place from the COPY buffer, and the chain ends live in a flat table (chain-ends.ts).
 */

/** A row's field count: seq and hash, then the 13 preimage fields. */
const ROW_FIELDS = 15;

/** A subject whose earlier events precede the range: its first link is checked against the database. */
export interface PendingLink {
  seq: number;
  subjectType: string;
  subjectId: string;
  subjectSeq: number;
  prevHash: Buffer;
}

export interface CheckpointToVerify extends CheckpointMessage {
  signature: Buffer;
  /** The previous checkpoint as stored, when the row has one (null if the referenced row is gone). */
  prevToSeq: bigint | null;
}

export interface Failure extends BrokenLink {
  /** Where in seq order the problem shows, to pick the first of several. */
  position: number;
}

export interface CheckerOptions {
  /** Subjects first seen with subject_seq > 1 are complete chains only when the range starts at 1. */
  startsAtOne: boolean;
  checkpoints: readonly CheckpointToVerify[];
  /** The checkpoint before the first one given, if any (to check the chain of checkpoints). */
  previousCheckpoint: { id: string; toSeq: bigint; merkleRoot: Buffer } | null;
  keys: ReadonlyMap<string, KeyObject>;
}

export class ChainChecker {
  readonly chains = new ChainEnds();
  /** The chain-end slot the last checked event updated (see ChainEnds). */
  lastSlot = -1;
  readonly pending: PendingLink[] = [];
  failure: Failure | null = null;
  events = 0;
  lastSeq = 0;
  checkpointsVerified = 0;

  private cpIndex = 0;
  private acc: MerkleAccumulator | null = null;
  // Checkpoint bounds as plain numbers: compared on every row, where BigInt would allocate.
  private readonly cpFrom: number[];
  private readonly cpTo: number[];
  private previous: { id: string; toSeq: bigint; merkleRoot: Buffer } | null;

  constructor(private readonly options: CheckerOptions) {
    this.previous = options.previousCheckpoint;
    this.cpFrom = options.checkpoints.map((c) => Number(c.fromSeq));
    this.cpTo = options.checkpoints.map((c) => Number(c.toSeq));
  }

  /** Feeds one COPY row (see binary-copy.ts). Rows after the first failure are only counted. */
  onRow = (buf: Buffer, start: number, end: number): void => {
    let p = start;
    if (buf.readInt16BE(p) !== ROW_FIELDS) throw new Error('unexpected row shape from the events COPY');
    p += 2;
    // seq: int8. Seqs stay far below 2^48, so the low six bytes read as a plain number.
    if (buf.readInt32BE(p) !== 8 || buf.readUInt16BE(p + 4) !== 0) throw new Error('unexpected seq encoding');
    const seq = buf.readUIntBE(p + 6, 6);
    p += 12;
    if (this.failure) return;
    this.lastSeq = seq;
    this.events++;
    const storedHashLength = buf.readInt32BE(p);
    const storedHashAt = p + 4;
    p += 4 + Math.max(storedHashLength, 0);

    const preimageStart = p;
    const computed = sha256Latin1(buf.subarray(preimageStart, end));

    // Walk the preimage to the fields the chain needs: tag, id, prev_hash, subject_type, subject_id, subject_seq.
    let q = preimageStart;
    q += 4 + buf.readInt32BE(q); // tag
    q += 4 + 16; // id
    const prevLength = buf.readInt32BE(q);
    const prevAt = q + 4;
    q += 4 + Math.max(prevLength, 0);
    const keyStart = q;
    const typeLength = buf.readInt32BE(q);
    q += 4 + typeLength;
    q += 4 + 16; // subject_id
    const keyEnd = q;
    // With its CHECK constraints dropped a row could hold nulls where the schema forbids them;
    // report that as a broken row rather than misreading the fields after it.
    if (typeLength < 0 || buf.readInt32BE(keyEnd - 20) !== 16 || buf.readInt32BE(keyEnd) !== 4) {
      this.failure = {
        position: seq,
        seq: String(seq),
        subjectType: null,
        subjectId: null,
        subjectSeq: null,
        reason: 'store_integrity',
        detail: 'the stored row has a null or malformed subject_type, subject_id or subject_seq',
      };
      return;
    }
    const subjectSeq = buf.readInt32BE(q + 4);

    if (storedHashLength !== 32 || !digestEquals(computed, buf, storedHashAt)) {
      return this.failRow(buf, seq, keyStart, typeLength, subjectSeq, 'hash_mismatch', 'the stored hash is not the SHA-256 of the event as stored: the event was altered');
    }

    this.advanceCheckpoints(seq);
    if (this.failure) return;
    if (this.acc) this.acc.push(computed);

    const chains = this.chains;
    const typeId = chains.typeId(buf, keyStart + 4, typeLength);
    const uuidAt = keyEnd - 16;
    const slot = chains.find(typeId, buf, uuidAt);
    if (slot >= 0) {
      const last = chains.subjectSeq(slot);
      if (subjectSeq <= last) {
        return this.failRow(buf, seq, keyStart, typeLength, subjectSeq, 'subject_seq_order', `subject_seq ${subjectSeq} comes after ${last} (seq ${chains.seq(slot)}): events were reordered or duplicated`);
      }
      if (subjectSeq !== last + 1) {
        return this.failRow(buf, seq, keyStart, typeLength, subjectSeq, 'subject_seq_gap', `subject_seq jumps from ${last} to ${subjectSeq}: events are missing`);
      }
      if (prevLength !== 32 || !chains.hashEquals(slot, buf, prevAt)) {
        return this.failRow(buf, seq, keyStart, typeLength, subjectSeq, 'prev_hash_mismatch', `prev_hash is not the hash of subject_seq ${last} (seq ${chains.seq(slot)})`);
      }
      chains.update(slot, subjectSeq, seq, computed);
      this.lastSlot = slot;
      return;
    }
    if (subjectSeq === 1) {
      if (prevLength !== -1) return this.failRow(buf, seq, keyStart, typeLength, subjectSeq, 'prev_hash_mismatch', "a subject's first event has a prev_hash");
    } else if (this.options.startsAtOne) {
      return this.failRow(buf, seq, keyStart, typeLength, subjectSeq, 'subject_seq_gap', `the subject's first event has subject_seq ${subjectSeq}: events 1..${subjectSeq - 1} are missing`);
    } else if (prevLength !== 32) {
      return this.failRow(buf, seq, keyStart, typeLength, subjectSeq, 'prev_hash_mismatch', 'an event after the first has no prev_hash');
    } else {
      this.pending.push({
        seq,
        subjectType: buf.toString('utf8', keyStart + 4, keyStart + 4 + typeLength),
        subjectId: uuidFromBytes(buf, uuidAt),
        subjectSeq,
        prevHash: Buffer.from(buf.subarray(prevAt, prevAt + 32)),
      });
    }
    this.lastSlot = chains.insert(slot, typeId, buf, uuidAt, subjectSeq, seq, computed);
  };

  /** Closes every checkpoint that ends before `seq`, and opens the one that contains it. */
  private advanceCheckpoints(seq: number): void {
    const cps = this.options.checkpoints;
    while (this.cpIndex < cps.length) {
      if (seq > this.cpTo[this.cpIndex]) {
        this.closeCheckpoint(cps[this.cpIndex]);
        if (this.failure) return;
        continue;
      }
      if (!this.acc && seq >= this.cpFrom[this.cpIndex]) this.acc = new MerkleAccumulator();
      return;
    }
  }

  private failRow(buf: Buffer, seq: number, keyStart: number, typeLength: number, subjectSeq: number, reason: BrokenReason, detail: string): void {
    this.failure = {
      position: seq,
      seq: String(seq),
      subjectType: buf.toString('utf8', keyStart + 4, keyStart + 4 + typeLength),
      subjectId: uuidFromBytes(buf, keyStart + 8 + typeLength),
      subjectSeq,
      reason,
      detail,
    };
  }

  /** Closes the checkpoints left when the stream has ended (or the range's end was reached). */
  finish(): void {
    const cps = this.options.checkpoints;
    while (!this.failure && this.cpIndex < cps.length) this.closeCheckpoint(cps[this.cpIndex]);
  }

  private closeCheckpoint(cp: CheckpointToVerify): void {
    const position = Number(cp.toSeq);
    const fail = (reason: BrokenReason, detail: string): void => {
      this.failure = { position, seq: null, subjectType: null, subjectId: null, subjectSeq: null, checkpointId: cp.id, reason, detail };
    };
    const acc = this.acc;
    this.acc = null;
    this.cpIndex++;
    const prev = this.previous;
    this.previous = { id: cp.id, toSeq: cp.toSeq, merkleRoot: cp.merkleRoot };

    if (prev === null) {
      if (cp.prevCheckpointId !== null || cp.fromSeq !== 1n) {
        return fail('checkpoint_chain', 'the first checkpoint must start at seq 1 and have no predecessor');
      }
    } else if (cp.prevCheckpointId !== prev.id || cp.fromSeq !== prev.toSeq + 1n || cp.prevToSeq !== prev.toSeq || !cp.prevMerkleRoot?.equals(prev.merkleRoot)) {
      return fail('checkpoint_chain', `does not follow checkpoint ${prev.id} (ending at seq ${prev.toSeq})`);
    }
    const key = this.options.keys.get(cp.keyId);
    if (!key) return fail('checkpoint_unknown_key', `signed with key ${cp.keyId}, which this verifier does not hold`);
    if (!checkpointSignatureValid(cp, cp.signature, key)) {
      return fail('checkpoint_signature', 'the signature does not match the checkpoint as stored');
    }
    const count = acc ? acc.size : 0;
    if (count !== cp.eventCount) {
      return fail('checkpoint_count', `signed over ${cp.eventCount} events, ${count} are stored in seq ${cp.fromSeq}..${cp.toSeq}`);
    }
    if (!acc || !acc.root().equals(cp.merkleRoot)) {
      return fail('checkpoint_root', 'the Merkle root of the stored events differs from the signed root');
    }
    this.checkpointsVerified++;
  }

  /** Records a failure found outside the stream (a pending link, a head), keeping the earliest. */
  report(failure: Failure): void {
    if (!this.failure || failure.position < this.failure.position) this.failure = failure;
  }
}
