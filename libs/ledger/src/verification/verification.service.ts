import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KeyObject, randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { VERIFYING_KEYS, VerifyingKey } from '@app/config';
import { DomainException } from '@app/errors';
import { JobName, JobPayloads, JobQueueService } from '@app/queue';
import { EVENT_PREIMAGE_COLUMNS } from '../encoding/event-encoding';
import { isUuid, uuidFromBytes } from '../encoding/fields';
import { checkpointSignatureValid } from '../encoding/checkpoint-encoding';
import { CHECKPOINT_SELECT, CheckpointRow, toCheckpointToVerify } from '../checkpoints/checkpoint-row';
import { CheckpointTree, checkpointsCovering, loadCheckpointTree } from '../checkpoints/checkpoint-trees';
import { LEDGER_OPTIONS, LedgerOptions } from '../ledger-options';
import { LedgerErrors } from '../ledger.errors';
import { assertSubject } from '../ledger.service';
import { BrokenLink, RangeVerification, SubjectVerification, VerificationRecord, VerificationStatus } from '../ledger.types';
import { copyBinary, pgClientOf, seqLiteral } from './binary-copy';
import { ChainChecker, Failure } from './chain-checker';

const PREIMAGE = EVENT_PREIMAGE_COLUMNS.join(', ');

interface VerificationRow {
  id: string;
  from_seq: string | null;
  to_seq: string | null;
  requested_by: string | null;
  status: VerificationStatus;
  events_checked: string;
  checkpoints_checked: number;
  first_broken: BrokenLink | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/**
 * Verifies the ledger: a subject's story (chain, head, and inclusion in signed checkpoints), or a
 * seq range (every event's hash, every chain link, every checkpoint's root and signature, and the
 * heads). Reads run in one REPEATABLE READ snapshot so events, heads and checkpoints agree, and
 * stream through binary COPY (binary-copy.ts). Range runs requested through the API are recorded in
 * ledger_verifications and executed by the worker.
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger(VerificationService.name);
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VERIFYING_KEYS) keys: VerifyingKey[],
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
    // Optional so the ledger works in contexts without queues; requests are then picked up from the table.
    @Optional() private readonly queues?: JobQueueService,
  ) {
    // The current key and the retired ones: checkpoints keep the id of the key that signed them.
    this.keys = new Map(keys.map((k) => [k.keyId, k.publicKey]));
  }

  /** Checks every event of seq fromSeq..toSeq (default: all), widened to whole checkpoints. */
  async verifyRange(fromSeq?: string | number | bigint | null, toSeq?: string | number | bigint | null): Promise<RangeVerification> {
    const started = Date.now();
    const from = parseSeq(fromSeq, 'fromSeq') ?? 1n;
    const toGiven = parseSeq(toSeq, 'toSeq');
    if (from < 1n) throw new DomainException(LedgerErrors.LEDGER_RANGE_INVALID, { problem: 'fromSeq must be at least 1' });
    if (toGiven !== null && toGiven < from) throw new DomainException(LedgerErrors.LEDGER_RANGE_INVALID, { problem: 'toSeq is before fromSeq' });

    return this.inSnapshot(async (runner) => {
      // The end is the last event or the last checkpoint, whichever is later: deleting every event
      // a checkpoint signed must not take that checkpoint out of the range.
      const [{ max }] = (await runner.query(
        `SELECT GREATEST((SELECT max(seq) FROM events), (SELECT max(to_seq) FROM ledger_checkpoints))::text AS max`,
      )) as { max: string | null }[];
      const end = max === null ? 0n : BigInt(max);
      const to = toGiven === null || toGiven > end ? end : toGiven;
      // Widen to whole checkpoints: a root can only be recomputed from all of its events.
      const around = async (seq: bigint): Promise<CheckpointRow | undefined> =>
        ((await runner.query(`${CHECKPOINT_SELECT} WHERE c.from_seq <= $1 AND c.to_seq >= $1`, [seq.toString()])) as CheckpointRow[])[0];
      const effectiveFrom = from <= to ? BigInt((await around(from))?.from_seq ?? from) : from;
      const effectiveTo = from <= to ? BigInt((await around(to))?.to_seq ?? to) : to;
      const checkpoints = (
        (await runner.query(`${CHECKPOINT_SELECT} WHERE c.from_seq >= $1 AND c.to_seq <= $2 ORDER BY c.from_seq`, [
          effectiveFrom.toString(),
          effectiveTo.toString(),
        ])) as CheckpointRow[]
      ).map(toCheckpointToVerify);
      const [previous] = (await runner.query(`SELECT id::text AS id, to_seq::text AS to_seq, merkle_root FROM ledger_checkpoints WHERE to_seq = $1`, [
        (effectiveFrom - 1n).toString(),
      ])) as { id: string; to_seq: string; merkle_root: Buffer }[];

      const checker = new ChainChecker({
        startsAtOne: effectiveFrom === 1n,
        checkpoints,
        previousCheckpoint: previous ? { id: previous.id, toSeq: BigInt(previous.to_seq), merkleRoot: previous.merkle_root } : null,
        keys: this.keys,
      });
      const client = await pgClientOf(runner);
      const batch = this.options.verifyBatchSize;
      let after = effectiveFrom - 1n;
      while (!checker.failure && after < effectiveTo) {
        const rows = await copyBinary(
          client,
          `COPY (SELECT seq, hash, ${PREIMAGE} FROM events
                 WHERE seq > ${seqLiteral(after)} AND seq <= ${seqLiteral(effectiveTo)}
                 ORDER BY seq LIMIT ${batch}) TO STDOUT (FORMAT binary)`,
          checker.onRow,
        );
        await this.checkPendingLinks(runner, checker);
        if (rows < batch) break;
        after = BigInt(checker.lastSeq);
      }
      if (!checker.failure) checker.finish();
      const headsChecked = toGiven === null || toGiven >= end;
      if (!checker.failure && headsChecked) await this.checkHeads(client, checker, effectiveFrom);
      return {
        ok: checker.failure === null,
        fromSeq: effectiveFrom.toString(),
        toSeq: effectiveTo.toString(),
        events: checker.events,
        checkpoints: checker.checkpointsVerified,
        headsChecked,
        durationMs: Date.now() - started,
        ...(checker.failure ? { firstBroken: brokenLink(checker.failure) } : {}),
      };
    });
  }

  /** Checks one subject's story: every hash and link, its head, and each sealed event's checkpoint. */
  async verifySubject(subjectType: string, subjectId: string): Promise<SubjectVerification> {
    assertSubject(subjectType, subjectId);
    return this.inSnapshot(async (runner) => {
      const client = await pgClientOf(runner);
      const checker = new ChainChecker({ startsAtOne: true, checkpoints: [], previousCheckpoint: null, keys: this.keys });
      const seen: { seq: string; subjectSeq: number; hash: Buffer }[] = [];
      const rows = await copyBinary(
        client,
        `COPY (SELECT seq, hash, ${PREIMAGE} FROM events
               WHERE subject_type = ${client.escapeLiteral(subjectType)} AND subject_id = ${client.escapeLiteral(subjectId)}
               ORDER BY seq) TO STDOUT (FORMAT binary)`,
        (buf, start, end) => {
          checker.onRow(buf, start, end);
          const slot = checker.lastSlot;
          if (!checker.failure && slot >= 0) seen.push({ seq: String(checker.chains.seq(slot)), subjectSeq: checker.chains.subjectSeq(slot), hash: checker.chains.hash(slot) });
        },
      );
      if (rows === 0) throw new DomainException(LedgerErrors.LEDGER_SUBJECT_NOT_FOUND, { subjectType, subjectId });
      const result = (failure: Failure | null, sealed = 0): SubjectVerification => ({
        ok: failure === null,
        events: rows,
        sealed,
        ...(failure ? { firstBroken: brokenLink(failure) } : {}),
      });
      if (checker.failure) return result(checker.failure);

      const last = seen[seen.length - 1];
      const [head] = (await runner.query(`SELECT last_seq, last_hash FROM ledger_heads WHERE subject_type = $1 AND subject_id = $2`, [
        subjectType,
        subjectId,
      ])) as { last_seq: number; last_hash: Buffer | null }[];
      if (!head || head.last_seq !== last.subjectSeq || !head.last_hash?.equals(last.hash)) {
        return result({
          position: Number(last.seq),
          seq: head && head.last_seq > last.subjectSeq ? null : last.seq,
          subjectType,
          subjectId,
          subjectSeq: last.subjectSeq,
          reason: 'head_mismatch',
          detail: head
            ? `the chain ends at subject_seq ${last.subjectSeq}, ledger_heads records ${head.last_seq}: events at the end are missing or the head was altered`
            : 'the subject has events but no ledger head',
        });
      }

      const covering = await checkpointsCovering(runner, seen.map((e) => e.seq));
      const trees = new Map<string, CheckpointTree>();
      let sealed = 0;
      for (const e of seen) {
        const cp = covering.get(e.seq);
        if (!cp) continue;
        const fail = (reason: Failure['reason'], detail: string): SubjectVerification =>
          result({ position: Number(e.seq), seq: e.seq, subjectType, subjectId, subjectSeq: e.subjectSeq, checkpointId: cp.id, reason, detail });
        let tree = trees.get(cp.id);
        if (!tree) {
          const message = toCheckpointToVerify(cp);
          const key = this.keys.get(cp.key_id);
          if (!key) return fail('checkpoint_unknown_key', `checkpoint signed with key ${cp.key_id}, which this verifier does not hold`);
          if (!checkpointSignatureValid(message, cp.signature, key)) return fail('checkpoint_signature', 'the checkpoint signature does not match the checkpoint as stored');
          tree = await loadCheckpointTree(runner, cp);
          if (tree.levels[0].length !== cp.event_count) {
            return fail('checkpoint_count', `checkpoint signed over ${cp.event_count} events, ${tree.levels[0].length} are stored`);
          }
          if (!tree.levels[tree.levels.length - 1][0].equals(cp.merkle_root)) {
            return fail('checkpoint_root', 'the Merkle root of the stored events differs from the signed root');
          }
          trees.set(cp.id, tree);
        }
        const index = tree.indexBySeq.get(e.seq);
        if (index === undefined || !tree.levels[0][index].equals(e.hash)) {
          return fail('inclusion_proof', 'the event is not the leaf its checkpoint signed for its seq');
        }
        sealed++;
      }
      return result(null, sealed);
    });
  }

  /** Records a range verification and asks the worker to run it. */
  async requestVerification(request: JobPayloads[JobName.VerifyLedger] = {}): Promise<VerificationRecord> {
    const from = parseSeq(request.fromSeq, 'fromSeq');
    const to = parseSeq(request.toSeq, 'toSeq');
    if (from !== null && to !== null && to < from) throw new DomainException(LedgerErrors.LEDGER_RANGE_INVALID, { problem: 'toSeq is before fromSeq' });
    const id = randomUUID();
    const [row] = (await this.db.query(
      `INSERT INTO ledger_verifications (id, from_seq, to_seq, requested_by, status) VALUES ($1, $2, $3, $4, 'queued') RETURNING ${VERIFICATION_COLUMNS}`,
      [id, from?.toString() ?? null, to?.toString() ?? null, request.requestedBy ?? null],
    )) as VerificationRow[];
    await this.enqueue(row);
    return toRecord(row);
  }

  /**
   * Runs a requested verification (the worker's VerifyLedger job). The job id is the verification's
   * id; a job enqueued without a recorded request gets a record now. A verification that already
   * finished is returned as it is, so a repeated job does no work twice.
   */
  async runVerification(jobId: string | null | undefined, payload: JobPayloads[JobName.VerifyLedger]): Promise<VerificationRecord> {
    let row = jobId && isUuid(jobId) ? await this.findRow(jobId) : null;
    if (!row) {
      [row] = (await this.db.query(
        `INSERT INTO ledger_verifications (id, from_seq, to_seq, requested_by, status) VALUES ($1, $2, $3, $4, 'queued') RETURNING ${VERIFICATION_COLUMNS}`,
        [
          jobId && isUuid(jobId) ? jobId : randomUUID(),
          parseSeq(payload.fromSeq, 'fromSeq')?.toString() ?? null,
          parseSeq(payload.toSeq, 'toSeq')?.toString() ?? null,
          payload.requestedBy ?? null,
        ],
      )) as VerificationRow[];
    }
    if (row.status === 'ok' || row.status === 'broken') return toRecord(row);
    await this.db.query(`UPDATE ledger_verifications SET status = 'running', started_at = now(), error = NULL WHERE id = $1`, [row.id]);
    try {
      const result = await this.verifyRange(row.from_seq, row.to_seq);
      const [done] = (await this.db.query(
        `UPDATE ledger_verifications
         SET status = $2, events_checked = $3, checkpoints_checked = $4, first_broken = $5, finished_at = now()
         WHERE id = $1 RETURNING ${VERIFICATION_COLUMNS}`,
        [row.id, result.ok ? 'ok' : 'broken', result.events, result.checkpoints, result.firstBroken ? JSON.stringify(result.firstBroken) : null],
      )) as [VerificationRow[], number];
      if (!result.ok) this.logger.error({ verification: row.id, firstBroken: result.firstBroken }, 'LEDGER VERIFICATION FOUND A BROKEN LINK');
      return toRecord(done[0]);
    } catch (error) {
      await this.db.query(`UPDATE ledger_verifications SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [
        row.id,
        (error as Error).message.slice(0, 2000),
      ]);
      throw error;
    }
  }

  async getVerification(id: string): Promise<VerificationRecord> {
    const row = isUuid(id) ? await this.findRow(id) : null;
    if (!row) throw new DomainException(LedgerErrors.LEDGER_VERIFICATION_NOT_FOUND, { id });
    return toRecord(row);
  }

  async listVerifications(options: { limit?: number } = {}): Promise<VerificationRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
    const rows = (await this.db.query(`SELECT ${VERIFICATION_COLUMNS} FROM ledger_verifications ORDER BY created_at DESC LIMIT $1`, [limit])) as VerificationRow[];
    return rows.map(toRecord);
  }

  /** Enqueues again the requests whose job never reached Redis (the table, not the queue, is the record). */
  async requeueStale(): Promise<number> {
    if (!this.queues) return 0;
    const rows = (await this.db.query(
      `SELECT ${VERIFICATION_COLUMNS} FROM ledger_verifications
       WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1::float8 / 1000) ORDER BY created_at LIMIT 100`,
      [this.options.staleVerificationMs],
    )) as VerificationRow[];
    for (const row of rows) await this.enqueue(row);
    return rows.length;
  }

  private async enqueue(row: VerificationRow): Promise<void> {
    // The verification id is the job id: BullMQ ignores a second job with the same id while the first exists.
    await this.queues?.enqueue(
      JobName.VerifyLedger,
      { ...(row.from_seq ? { fromSeq: row.from_seq } : {}), ...(row.to_seq ? { toSeq: row.to_seq } : {}), ...(row.requested_by ? { requestedBy: row.requested_by } : {}) },
      { jobId: row.id },
    );
  }

  private async findRow(id: string): Promise<VerificationRow | null> {
    const rows = (await this.db.query(`SELECT ${VERIFICATION_COLUMNS} FROM ledger_verifications WHERE id = $1`, [id])) as VerificationRow[];
    return rows[0] ?? null;
  }

  /** Runs `fn` in a read-only REPEATABLE READ transaction: one snapshot for events, heads and checkpoints. */
  private async inSnapshot<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      // The planner's JIT would compile each large COPY query anew (~0.1 s each) for no gain here.
      await runner.query('SET LOCAL jit = off');
      const result = await fn(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Subjects whose chain started before the range: their first link must match the stored predecessor. */
  private async checkPendingLinks(runner: QueryRunner, checker: ChainChecker): Promise<void> {
    if (checker.pending.length === 0) return;
    const pending = checker.pending.splice(0);
    const rows = (await runner.query(
      `SELECT p.i, e.seq::text AS seq, e.hash
       FROM unnest($1::text[], $2::uuid[], $3::int[]) WITH ORDINALITY AS p(subject_type, subject_id, subject_seq, i)
       LEFT JOIN events e ON e.subject_type = p.subject_type AND e.subject_id = p.subject_id AND e.subject_seq = p.subject_seq`,
      [pending.map((p) => p.subjectType), pending.map((p) => p.subjectId), pending.map((p) => p.subjectSeq - 1)],
    )) as { i: string; seq: string | null; hash: Buffer | null }[];
    const found = new Map(rows.filter((r) => r.seq !== null).map((r) => [Number(r.i) - 1, r]));
    pending.forEach((p, i) => {
      const predecessor = found.get(i);
      const base = { position: p.seq, seq: String(p.seq), subjectType: p.subjectType, subjectId: p.subjectId, subjectSeq: p.subjectSeq };
      if (!predecessor || !predecessor.hash) {
        checker.report({ ...base, reason: 'subject_seq_gap', detail: `subject_seq ${p.subjectSeq - 1} is missing` });
      } else if (!predecessor.hash.equals(p.prevHash)) {
        checker.report({ ...base, reason: 'prev_hash_mismatch', detail: `prev_hash is not the hash of subject_seq ${p.subjectSeq - 1} (seq ${predecessor.seq})` });
      } else if (BigInt(predecessor.seq as string) >= BigInt(p.seq)) {
        checker.report({ ...base, reason: 'subject_seq_order', detail: `subject_seq ${p.subjectSeq - 1} has a later seq (${predecessor.seq})` });
      }
    });
  }

  /**
   * Compares every head with the end of its chain: deleting a subject's last events leaves an
   * intact but shorter chain, which only the head (or a checkpoint) shows.
   */
  private async checkHeads(client: Awaited<ReturnType<typeof pgClientOf>>, checker: ChainChecker, from: bigint): Promise<void> {
    await copyBinary(
      client,
      `COPY (SELECT subject_type, subject_id, last_seq, last_hash, last_event_seq FROM ledger_heads
             ${from > 1n ? `WHERE last_event_seq >= ${seqLiteral(from)}` : ''}) TO STDOUT (FORMAT binary)`,
      (buf, start) => {
        const chains = checker.chains;
        let p = start + 2;
        const typeAt = p + 4;
        const typeLength = buf.readInt32BE(p);
        p += 4 + typeLength;
        const uuidAt = p + 4;
        p += 4 + 16;
        const lastSeq = buf.readInt32BE(p + 4);
        p += 8;
        const hashLength = buf.readInt32BE(p);
        const hashAt = p + 4;
        p += 4 + Math.max(hashLength, 0);
        const lastEventSeq = buf.readInt32BE(p) === 8 ? Number(buf.readBigInt64BE(p + 4)) : Number.MAX_SAFE_INTEGER;
        const subject = (): { subjectType: string; subjectId: string } => ({
          subjectType: buf.toString('utf8', typeAt, typeAt + typeLength),
          subjectId: uuidFromBytes(buf, uuidAt),
        });
        const slot = chains.find(chains.typeId(buf, typeAt, typeLength), buf, uuidAt);
        if (slot < 0) {
          checker.report({ position: lastEventSeq, seq: null, ...subject(), subjectSeq: lastSeq, reason: 'head_mismatch', detail: `ledger_heads records ${lastSeq} events, none is in the ledger` });
          return;
        }
        chains.markHeadSeen(slot);
        const chainSeq = chains.subjectSeq(slot);
        if (chainSeq !== lastSeq || hashLength !== 32 || !chains.hashEquals(slot, buf, hashAt)) {
          checker.report({
            position: chains.seq(slot),
            seq: chainSeq < lastSeq ? null : String(chains.seq(slot)),
            ...subject(),
            subjectSeq: chainSeq,
            reason: 'head_mismatch',
            detail: `the chain ends at subject_seq ${chainSeq} (seq ${chains.seq(slot)}), ledger_heads records ${lastSeq}: ${
              chainSeq < lastSeq ? 'events at the end are missing' : 'the head was altered'
            }`,
          });
        }
      },
    );
    for (const { slot, subjectType, subjectId } of checker.chains.withoutHead()) {
      checker.report({
        position: checker.chains.seq(slot),
        seq: String(checker.chains.seq(slot)),
        subjectType,
        subjectId,
        subjectSeq: checker.chains.subjectSeq(slot),
        reason: 'head_mismatch',
        detail: 'the subject has events but no ledger head: they were not appended through the ledger',
      });
    }
  }
}

const VERIFICATION_COLUMNS = `id::text AS id, from_seq::text AS from_seq, to_seq::text AS to_seq, requested_by, status,
  events_checked::text AS events_checked, checkpoints_checked, first_broken, error, created_at, started_at, finished_at`;

function toRecord(r: VerificationRow): VerificationRecord {
  return {
    id: r.id,
    fromSeq: r.from_seq,
    toSeq: r.to_seq,
    requestedBy: r.requested_by,
    status: r.status,
    eventsChecked: Number(r.events_checked),
    checkpointsChecked: r.checkpoints_checked,
    firstBroken: r.first_broken,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

function brokenLink(failure: Failure): BrokenLink {
  const { position: _position, ...link } = failure;
  return link;
}

export function parseSeq(value: string | number | bigint | null | undefined, name: string): bigint | null {
  if (value === undefined || value === null || value === '') return null;
  const text = String(value);
  if (!/^\d{1,18}$/.test(text)) throw new DomainException(LedgerErrors.LEDGER_RANGE_INVALID, { problem: `${name} must be a whole number` });
  return BigInt(text);
}
