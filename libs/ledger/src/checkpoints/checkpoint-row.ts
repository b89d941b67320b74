import { CheckpointRecord } from '../ledger.types';
import { isoToMicros } from '../encoding/fields';
import { CheckpointToVerify } from '../verification/chain-checker';

/**
 * A checkpoint with what its signature also covers from its predecessor. The predecessor is joined,
 * not trusted from the row: if it were deleted, prev_merkle_root comes back null and the chain check fails.
 */
export const CHECKPOINT_SELECT = `
  SELECT c.id::text AS id, c.from_seq::text AS from_seq, c.to_seq::text AS to_seq, c.event_count,
         c.merkle_root, to_char(c.signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS signed_at,
         c.key_id, c.signature, c.prev_checkpoint_id::text AS prev_checkpoint_id,
         p.merkle_root AS prev_merkle_root, p.to_seq::text AS prev_to_seq
  FROM ledger_checkpoints c LEFT JOIN ledger_checkpoints p ON p.id = c.prev_checkpoint_id`;

export interface CheckpointRow {
  id: string;
  from_seq: string;
  to_seq: string;
  event_count: number;
  merkle_root: Buffer;
  signed_at: string;
  key_id: string;
  signature: Buffer;
  prev_checkpoint_id: string | null;
  prev_merkle_root: Buffer | null;
  prev_to_seq: string | null;
}

export function toCheckpointToVerify(r: CheckpointRow): CheckpointToVerify {
  return {
    id: r.id,
    fromSeq: BigInt(r.from_seq),
    toSeq: BigInt(r.to_seq),
    eventCount: r.event_count,
    merkleRoot: r.merkle_root,
    prevCheckpointId: r.prev_checkpoint_id,
    // A missing predecessor row still has to be signed over *something*: with the id but no root
    // the message cannot be rebuilt, so use 32 zero bytes and let the chain check name the problem.
    prevMerkleRoot: r.prev_checkpoint_id === null ? null : (r.prev_merkle_root ?? Buffer.alloc(32)),
    signedAtUs: isoToMicros(r.signed_at),
    keyId: r.key_id,
    signature: r.signature,
    prevToSeq: r.prev_to_seq === null ? null : BigInt(r.prev_to_seq),
  };
}

export function toCheckpointRecord(r: CheckpointRow): CheckpointRecord {
  return {
    id: r.id,
    fromSeq: r.from_seq,
    toSeq: r.to_seq,
    eventCount: r.event_count,
    merkleRoot: r.merkle_root.toString('hex'),
    signedAt: r.signed_at,
    keyId: r.key_id,
    signature: r.signature.toString('base64url'),
    prevCheckpointId: r.prev_checkpoint_id,
    prevMerkleRoot: r.prev_merkle_root ? r.prev_merkle_root.toString('hex') : null,
  };
}
