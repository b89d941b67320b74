import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { IncrementalEvaluator } from '../evaluation/incremental-evaluator.service';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { DRAIN_SOURCES, DrainSource } from './drain-sources';
import { DrainRow, directTouches } from './touched-subjects';

/** Session advisory lock: one drain at a time across every worker process. */
const DRAIN_LOCK = 0x7265636f6e; // 'recon'

interface CursorRow {
  last_seq: string;
  pending_seq: string | null;
  pending_writers: string[] | null;
}

/** This process's memory of a source: how far it has read, and what above the cursor it processed. */
interface SourceState {
  readUpTo: bigint;
  processed: Set<string>;
}

interface SourceRead {
  source: DrainSource;
  cursor: CursorRow;
  rows: DrainRow[];
  /** The horizon that became final this round (every row at or below it is visible), if any. */
  final: bigint | null;
  /** A new horizon and the writers that must end before it is final. */
  horizon: bigint;
  writers: string[];
  truncated: boolean;
}

export interface DrainResult {
  status: 'drained' | 'busy';
  rounds: number;
  rows: number;
  alertChanges: number;
  /** Ledger cursor after the drain. */
  ledgerCursor: string | null;
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * The incremental path: reads the ledger (and refused scans) after a cursor kept in Postgres, and
 * re-evaluates the rules for the subjects the rows touch.
 *
 * Positions come from sequences, so a transaction can draw seq 10, commit after another's seq 11 was
 * read, and a `seq > cursor` scan would skip it for good. The cursor therefore only moves to a
 * horizon H below which nothing can still appear — the reasoning of the ledger's checkpoint sealer,
 * without its waiting: each round reads H (the sequence's last value) and then lists the writers in
 * flight (transactions holding RowExclusiveLock on the table, which an INSERT takes before drawing a
 * value); a later round that finds them all ended knows every row ≤ H is committed or never will be,
 * and moves the cursor there. Meanwhile rows are processed as soon as they are visible, and each round
 * also re-reads the window between the cursor and what it has read, for rows that committed late.
 * Evaluation is idempotent, so reading a row twice (after a crash, or in another process) is harmless.
 */
@Injectable()
export class LedgerDrain {
  private readonly logger = new Logger(LedgerDrain.name);
  private readonly state = new Map<string, SourceState>();
  private running: Promise<DrainResult> | null = null;
  private wakes = 0;
  /** The wake count when the last round began reading: a later wake may not have been seen. */
  private wakesAtLastLook = 0;
  private finishedAt = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly evaluator: IncrementalEvaluator,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  /** Something committed: a drain running in this process takes another round before it stops. */
  noteWake(): void {
    this.wakes++;
  }

  /** A run in this process is going on or ended within `ms`: its job may still hold the job id. */
  busyOrJustFinished(ms: number): boolean {
    return this.running !== null || Date.now() - this.finishedAt < ms;
  }

  /**
   * Drains until caught up (or out of budget). Concurrent calls in one process share one run. A wake
   * that arrives after the run's last look (its job is finishing, so the queue drops the duplicate
   * job id) starts one more run here; anything later is a new job, or at worst the next poll.
   */
  drain(): Promise<DrainResult> {
    if (!this.running) {
      let busy = false;
      this.running = this.run()
        .then((result) => {
          busy = result.status === 'busy';
          return result;
        })
        .finally(() => {
          this.running = null;
          this.finishedAt = Date.now();
          if (!busy && this.wakes !== this.wakesAtLastLook) {
            this.drain().catch((error: unknown) => this.logger.error({ err: (error as Error).message }, 'follow-up drain failed; the next wake or poll retries'));
          }
        });
    }
    return this.running;
  }

  private async run(): Promise<DrainResult> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock($1::bigint) AS locked`, [DRAIN_LOCK])) as { locked: boolean }[];
      if (!locked) return { status: 'busy', rounds: 0, rows: 0, alertChanges: 0, ledgerCursor: null };
      try {
        const result: DrainResult = { status: 'drained', rounds: 0, rows: 0, alertChanges: 0, ledgerCursor: null };
        const deadline = Date.now() + this.options.drainBudgetMs;
        let again: boolean;
        do {
          const wakesBefore = this.wakes;
          this.wakesAtLastLook = wakesBefore;
          const round = await this.round(runner);
          result.rounds++;
          result.rows += round.rows;
          result.alertChanges += round.alertChanges;
          result.ledgerCursor = round.ledgerCursor;
          // More to read, or something committed meanwhile. A horizon still waiting for writers does
          // not loop: the next wake or poll finalises it.
          again = round.truncated || this.wakes !== wakesBefore;
        } while (again && Date.now() < deadline);
        return result;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1::bigint)`, [DRAIN_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async round(runner: QueryRunner): Promise<{ rows: number; alertChanges: number; truncated: boolean; ledgerCursor: string }> {
    const reads: SourceRead[] = [];
    for (const source of DRAIN_SOURCES) reads.push(await this.read(runner, source));
    const rows = reads.flatMap((r) => r.rows);
    const lastLedgerSeq = reads.find((r) => r.source.name === 'ledger')?.rows.at(-1)?.seq ?? null;

    let alertChanges = 0;
    if (rows.length) {
      alertChanges = await this.evaluator.evaluateTouches(directTouches(rows), lastLedgerSeq);
    }

    let ledgerCursor = '0';
    for (const read of reads) {
      const state = this.stateOf(read.source, read.cursor);
      for (const row of read.rows) {
        state.processed.add(row.seq);
        if (BigInt(row.seq) > state.readUpTo) state.readUpTo = BigInt(row.seq);
      }
      // Nothing visible above what was read: every position up to H was either read or is in flight.
      if (!read.truncated) state.readUpTo = max(state.readUpTo, read.horizon);

      const last = BigInt(read.cursor.last_seq);
      const next = read.final !== null ? max(last, min(read.final, state.readUpTo)) : last;
      const keepOld = read.final === null && read.cursor.pending_seq !== null;
      const pendingSeq = keepOld ? BigInt(read.cursor.pending_seq as string) : read.horizon;
      const pendingWriters = keepOld ? (read.cursor.pending_writers ?? []) : read.writers;
      const pending = pendingSeq > next;
      await runner.query(
        `UPDATE reconciliation_cursor SET last_seq = $2, pending_seq = $3, pending_writers = $4, updated_at = now() WHERE name = $1`,
        [read.source.name, next.toString(), pending ? pendingSeq.toString() : null, pending ? pendingWriters : null],
      );
      for (const seq of state.processed) if (BigInt(seq) <= next) state.processed.delete(seq);
      if (read.source.name === 'ledger') ledgerCursor = next.toString();
    }
    return { rows: rows.length, alertChanges, truncated: reads.some((r) => r.truncated), ledgerCursor };
  }

  private stateOf(source: DrainSource, cursor: CursorRow): SourceState {
    let state = this.state.get(source.name);
    const last = BigInt(cursor.last_seq);
    if (!state) {
      state = { readUpTo: last, processed: new Set() };
      this.state.set(source.name, state);
    }
    // Another process may have moved the cursor past what this one read.
    if (last > state.readUpTo) state.readUpTo = last;
    return state;
  }

  private async read(runner: QueryRunner, source: DrainSource): Promise<SourceRead> {
    const [cursor] = (await runner.query(`SELECT last_seq::text, pending_seq::text, pending_writers FROM reconciliation_cursor WHERE name = $1`, [
      source.name,
    ])) as CursorRow[];
    if (!cursor) throw new Error(`reconciliation_cursor has no row for ${source.name}`);
    const state = this.stateOf(source, cursor);
    const writersOn = `SELECT DISTINCT virtualtransaction FROM pg_locks
                        WHERE locktype = 'relation' AND relation = '${source.relation}'::regclass AND mode = 'RowExclusiveLock'
                          AND pid IS DISTINCT FROM pg_backend_pid()`;

    // 1. Has the pending horizon become final?
    let final: bigint | null = null;
    if (cursor.pending_seq !== null) {
      const still = (await runner.query(`${writersOn} AND virtualtransaction = ANY($1::text[]) LIMIT 1`, [cursor.pending_writers ?? []])) as unknown[];
      if (!still.length) final = BigInt(cursor.pending_seq);
    }
    // 2. A new horizon: the sequence's last value first, then the writers that may hold values below it.
    const [{ last }] = (await runner.query(`SELECT pg_sequence_last_value(${source.sequenceSql})::text AS last`)) as { last: string | null }[];
    const horizon = last === null ? 0n : BigInt(last);
    const writers = ((await runner.query(writersOn)) as { virtualtransaction: string }[]).map((r) => r.virtualtransaction);

    // 3. Rows that committed late, inside the window already read, then the rows after it.
    const lastSeq = BigInt(cursor.last_seq);
    const rows: DrainRow[] = [];
    if (state.readUpTo > lastSeq) {
      const positions = (await runner.query(source.positionsSql, [lastSeq.toString(), state.readUpTo.toString()])) as { seq: string }[];
      const missed = positions.map((p) => p.seq).filter((seq) => !state.processed.has(seq));
      if (missed.length) {
        rows.push(...((await runner.query(source.rowsByPositionSql, [missed])) as DrainRow[]));
        this.logger.debug({ source: source.name, rows: missed.length }, 'rows committed behind the read position');
      }
    }
    const fresh = (await runner.query(source.rowsAfterSql, [state.readUpTo.toString(), this.options.drainBatchSize])) as DrainRow[];
    rows.push(...fresh);
    return { source, cursor, rows, final, horizon, writers, truncated: fresh.length >= this.options.drainBatchSize };
  }
}
