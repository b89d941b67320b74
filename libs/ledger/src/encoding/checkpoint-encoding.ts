import { sign, verify, KeyObject } from 'node:crypto';
import { encodeFields, int64Bytes, timestampBytes, uuidBytes } from './fields';

/**
 * The message a checkpoint's Ed25519 signature covers, version 1 (docs/ledger.md):
 *
 *   field(TAG) field(id) field(from_seq) field(to_seq) field(event_count) field(merkle_root)
 *   field(prev_checkpoint_id) field(prev_merkle_root) field(signed_at) field(key_id)
 *
 * TAG is the ASCII text `wasteledger.checkpoint.v1`; ids are 16-byte uuids; seqs and the count are
 * int64 big-endian; roots are 32 bytes; signed_at is int64 microseconds since 2000-01-01Z; key_id
 * is UTF-8. The first checkpoint has null prev fields. Binding the previous root as well as its id
 * chains the checkpoints, so none can be removed or replaced without breaking the next signature.
 */
export const CHECKPOINT_TAG = 'wasteledger.checkpoint.v1';
const TAG_BYTES = Buffer.from(CHECKPOINT_TAG, 'ascii');

export interface CheckpointMessage {
  id: string;
  fromSeq: bigint;
  toSeq: bigint;
  eventCount: number;
  merkleRoot: Buffer;
  prevCheckpointId: string | null;
  prevMerkleRoot: Buffer | null;
  /** Microseconds since the Unix epoch. */
  signedAtUs: bigint;
  keyId: string;
}

export function encodeCheckpoint(c: CheckpointMessage): Buffer {
  if ((c.prevCheckpointId === null) !== (c.prevMerkleRoot === null)) {
    throw new TypeError('prevCheckpointId and prevMerkleRoot are given together or not at all');
  }
  return encodeFields([
    TAG_BYTES,
    uuidBytes(c.id),
    int64Bytes(c.fromSeq),
    int64Bytes(c.toSeq),
    int64Bytes(BigInt(c.eventCount)),
    c.merkleRoot,
    c.prevCheckpointId === null ? null : uuidBytes(c.prevCheckpointId),
    c.prevMerkleRoot,
    timestampBytes(c.signedAtUs),
    Buffer.from(c.keyId, 'utf8'),
  ]);
}

export function signCheckpoint(c: CheckpointMessage, privateKey: KeyObject): Buffer {
  // Ed25519 takes no separate digest: the algorithm argument must be null.
  return sign(null, encodeCheckpoint(c), privateKey);
}

export function checkpointSignatureValid(c: CheckpointMessage, signature: Buffer, publicKey: KeyObject): boolean {
  try {
    return verify(null, encodeCheckpoint(c), publicKey, signature);
  } catch {
    return false;
  }
}
