import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, QueryRunner } from 'typeorm';
import { SIGNING_KEY, SigningKey } from '@app/config';
import { signCheckpoint } from '../encoding/checkpoint-encoding';
import { dateToMicros } from '../encoding/fields';
import { merkleRoot } from '../merkle/merkle';
import { LEDGER_OPTIONS, LedgerOptions } from '../ledger-options';
import { CheckpointRecord, SealResult } from '../ledger.types';
import { CHECKPOINT_SELECT, CheckpointRow, toCheckpointRecord } from './checkpoint-row';

/** Key of the session advisory lock that lets one sealer run at a time, cluster-wide. */
const SEAL_LOCK = `hashtext('wasteledger.seal-checkpoint')`;

/**
 * Seals signed Merkle checkpoints over the events appended since the last one.
 *
 * Which events may be sealed: seq comes from a sequence, so a transaction can draw seq 10, commit
 * after another transaction's seq 11 has been sealed, and leave 10 outside every checkpoint; and a
 * rolled-back transaction leaves a gap that will never be filled. The sealer therefore only seals up
 * to a seq H below which nothing can still appear:
 *
 *   1. read H = the sequence's last value (sequences hand values out in order; CACHE 1);
 *   2. then list the transactions holding RowExclusiveLock on `events`;
 *   3. wait until each of those has ended.
 *
 * An INSERT locks its target table while it is parsed, before its defaults draw seq, and keeps the
 * lock until commit or rollback. So a transaction that drew a value ≤ H had the lock before step 1:
 * either it had ended by step 2, or step 2 lists it and step 3 waits for it. After step 3 every
 * event with seq ≤ H is committed and visible or was rolled back and never will be. Unlike waiting
 * for the snapshot xmin, this waits only for ledger writers, not for unrelated long transactions,
 * and it never blocks appends. A writer that stays open longer than inFlightWaitMs postpones
 * sealing to the next run.
 */
@Injectable()
export class CheckpointService {
  private readonly logger = new Logger(CheckpointService.name);
  private partitionsCheckedAt = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
  ) {}

  async sealCheckpoint(): Promise<SealResult> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(${SEAL_LOCK}) AS locked`)) as { locked: boolean }[];
      if (!locked) return { sealed: [], stoppedBecause: 'busy' };
      try {
        await this.ensurePartitions(runner);
        return await this.sealUnderLock(runner);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(${SEAL_LOCK})`);
      }
    } finally {
      await runner.release();
    }
  }

  /** The latest checkpoint, if any. */
  async latest(): Promise<CheckpointRecord | null> {
    const rows = (await this.db.query(`${CHECKPOINT_SELECT} ORDER BY c.to_seq DESC LIMIT 1`)) as CheckpointRow[];
    return rows.length ? toCheckpointRecord(rows[0]) : null;
  }

  private async sealUnderLock(runner: QueryRunner): Promise<SealResult> {
    const [{ last }] = (await runner.query(
      `SELECT pg_sequence_last_value(pg_get_serial_sequence('events', 'seq'))::text AS last`,
    )) as { last: string | null }[];
    let previous = await this.latestRow(runner);
    const high = last === null ? 0n : BigInt(last);
    let from = previous ? BigInt(previous.to_seq) + 1n : 1n;
    if (high < from) return { sealed: [], stoppedBecause: 'caught_up' };
    if (!(await this.waitForAppendsInFlight(runner))) return { sealed: [], stoppedBecause: 'in_flight' };

    const sealed: CheckpointRecord[] = [];
    while (from <= high) {
      if (sealed.length >= this.options.maxCheckpointsPerRun) return { sealed, stoppedBecause: 'limit' };
      const leaves = await this.leaves(runner, from, high);
      if (leaves.hashes.length === 0) break; // only rolled-back seqs left: nothing to sign yet
      // A full batch ends at its last event; a partial one covers everything up to H, gaps included.
      const to = leaves.hashes.length === this.options.maxEventsPerCheckpoint ? leaves.lastSeq : high;
      const signedAt = new Date();
      const message = {
        id: randomUUID(),
        fromSeq: from,
        toSeq: to,
        eventCount: leaves.hashes.length,
        merkleRoot: merkleRoot(leaves.hashes),
        prevCheckpointId: previous ? previous.id : null,
        prevMerkleRoot: previous ? previous.merkle_root : null,
        signedAtUs: dateToMicros(signedAt),
        keyId: this.key.keyId,
      };
      const signature = signCheckpoint(message, this.key.privateKey);
      await runner.query(
        `INSERT INTO ledger_checkpoints (id, from_seq, to_seq, event_count, merkle_root, signed_at, key_id, signature, prev_checkpoint_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [message.id, from.toString(), to.toString(), message.eventCount, message.merkleRoot, signedAt.toISOString(), message.keyId, signature, message.prevCheckpointId],
      );
      previous = await this.latestRow(runner);
      if (!previous || previous.id !== message.id) throw new Error('the checkpoint just written is not the latest');
      sealed.push(toCheckpointRecord(previous));
      from = to + 1n;
    }
    if (sealed.length) {
      const last = sealed[sealed.length - 1];
      this.logger.log({ checkpoints: sealed.length, toSeq: last.toSeq }, 'sealed ledger checkpoints');
    }
    return { sealed, stoppedBecause: 'caught_up' };
  }

  private async latestRow(runner: QueryRunner): Promise<CheckpointRow | null> {
    const rows = (await runner.query(`${CHECKPOINT_SELECT} ORDER BY c.to_seq DESC LIMIT 1`)) as CheckpointRow[];
    return rows[0] ?? null;
  }

  /** The event hashes of seq from..to in seq order, at most one checkpoint's worth, in one value. */
  private async leaves(runner: QueryRunner, from: bigint, to: bigint): Promise<{ hashes: Buffer[]; lastSeq: bigint }> {
    const [row] = (await runner.query(
      `SELECT string_agg(int8send(seq) || hash, NULL ORDER BY seq) AS packed
       FROM (SELECT seq, hash FROM events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3) s`,
      [from.toString(), to.toString(), this.options.maxEventsPerCheckpoint],
    )) as { packed: Buffer | null }[];
    const packed = row.packed;
    const hashes: Buffer[] = [];
    let lastSeq = 0n;
    if (packed) {
      for (let i = 0; i < packed.length; i += 40) {
        lastSeq = packed.readBigInt64BE(i);
        hashes.push(packed.subarray(i + 8, i + 40));
      }
    }
    return { hashes, lastSeq };
  }

  private async waitForAppendsInFlight(runner: QueryRunner): Promise<boolean> {
    const lockHolders = `
      SELECT DISTINCT virtualtransaction FROM pg_locks
      WHERE locktype = 'relation' AND relation = 'events'::regclass AND mode = 'RowExclusiveLock'
        AND pid IS DISTINCT FROM pg_backend_pid()`;
    let pending = ((await runner.query(lockHolders)) as { virtualtransaction: string }[]).map((r) => r.virtualtransaction);
    const deadline = Date.now() + this.options.inFlightWaitMs;
    while (pending.length > 0) {
      if (Date.now() > deadline) {
        this.logger.warn({ transactions: pending.length }, 'ledger appends still in flight; sealing postponed');
        return false;
      }
      await sleep(20);
      pending = ((await runner.query(`${lockHolders} AND virtualtransaction = ANY($1)`, [pending])) as { virtualtransaction: string }[]).map(
        (r) => r.virtualtransaction,
      );
    }
    return true;
  }

  /** Keeps monthly partitions ready ahead of time; at most once an hour per process. */
  private async ensurePartitions(runner: QueryRunner): Promise<void> {
    if (Date.now() - this.partitionsCheckedAt < 3_600_000) return;
    try {
      await runner.query(`SELECT ledger_ensure_partitions($1)`, [this.options.partitionsAhead]);
      this.partitionsCheckedAt = Date.now();
    } catch (error) {
      // Not fatal: the default partition takes the rows meanwhile. Retried on the next run.
      this.logger.warn({ err: (error as Error).message }, 'could not create ledger partitions ahead');
    }
  }
}
