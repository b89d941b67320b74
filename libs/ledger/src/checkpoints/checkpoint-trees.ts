import { QueryRunner } from 'typeorm';
import { merkleLevels } from '../merkle/merkle';
import { CHECKPOINT_SELECT, CheckpointRow } from './checkpoint-row';

/** A checkpoint's whole tree, rebuilt from the stored event hashes of its range. */
export interface CheckpointTree {
  checkpoint: CheckpointRow;
  /** Merkle levels, leaves first (see merkle.ts). */
  levels: Buffer[][];
  /** Leaf index by seq (decimal string). */
  indexBySeq: Map<string, number>;
}

/** For each seq, the checkpoint whose range contains it (seqs after the last checkpoint are absent). */
export async function checkpointsCovering(runner: QueryRunner, seqs: readonly string[]): Promise<Map<string, CheckpointRow>> {
  if (seqs.length === 0) return new Map();
  // One index probe per seq on from_seq (the latest checkpoint starting at or before it), not a
  // range scan over every checkpoint between a subject's first and last event.
  const rows = (await runner.query(
    `SELECT s.seq::text AS for_seq, cp.*
     FROM unnest($1::bigint[]) AS s(seq)
     JOIN LATERAL (${CHECKPOINT_SELECT} WHERE c.from_seq <= s.seq ORDER BY c.from_seq DESC LIMIT 1) cp ON cp.to_seq::bigint >= s.seq`,
    [seqs],
  )) as (CheckpointRow & { for_seq: string })[];
  return new Map(rows.map((r) => [r.for_seq, r]));
}

export async function loadCheckpointTree(runner: QueryRunner, checkpoint: CheckpointRow): Promise<CheckpointTree> {
  const [row] = (await runner.query(
    `SELECT string_agg(int8send(seq) || hash, NULL ORDER BY seq) AS packed FROM events WHERE seq >= $1 AND seq <= $2`,
    [checkpoint.from_seq, checkpoint.to_seq],
  )) as { packed: Buffer | null }[];
  const leaves: Buffer[] = [];
  const indexBySeq = new Map<string, number>();
  const packed = row.packed ?? Buffer.alloc(0);
  for (let i = 0; i < packed.length; i += 40) {
    indexBySeq.set(packed.readBigInt64BE(i).toString(), leaves.length);
    leaves.push(packed.subarray(i + 8, i + 40));
  }
  return { checkpoint, levels: leaves.length ? merkleLevels(leaves) : [[]], indexBySeq };
}
