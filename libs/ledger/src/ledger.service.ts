import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { queryPrepared } from '@app/database';
import { DomainException } from '@app/errors';
import { CanonicalJsonError, canonicalJson } from './encoding/canonical-json';
import { eventHash } from './encoding/event-encoding';
import { dateToMicros, isUuid } from './encoding/fields';
import { LedgerErrors } from './ledger.errors';
import { AppendedEvent, LedgerEvent, NewLedgerEvent, SubjectEventsPage } from './ledger.types';
import { EVENT_COLUMNS_SQL, EventRow, toLedgerEvent } from './event-row';

const SUBJECT_TYPE = /^[a-z][a-z0-9_]{0,31}$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

interface Prepared {
  id: string;
  subjectType: string;
  subjectId: string;
  type: string;
  actorOrgId: string | null;
  actorUserId: string | null;
  actorDevice: string | null;
  deviceTime: Date | null;
  payloadJson: string;
}

interface SubjectState {
  subjectType: string;
  subjectId: string;
  count: number;
  nextSeq: number;
  prevHash: Buffer | null;
}

// Reserve subject_seq values: one upsert for every subject of the batch. The row lock it takes is
// what serialises appends to one subject; subjects are sorted so concurrent batches lock in the same
// order and cannot deadlock on each other. RETURNING gives the new last_seq and the *old* last_hash
// (this statement does not touch it): the previous link of the first new event.
const RESERVE_HEADS = `
  INSERT INTO ledger_heads (subject_type, subject_id, last_seq)
  SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[])
  ON CONFLICT (subject_type, subject_id)
  DO UPDATE SET last_seq = ledger_heads.last_seq + EXCLUDED.last_seq, updated_at = now()
  RETURNING subject_type, subject_id::text AS subject_id, last_seq, last_hash`;

// One statement inserts every event and moves every head to its new last hash. Rows are inserted in
// array order, so seq follows the order the caller gave (and subject_seq within a subject).
// payload::text comes back so the append can prove the database stores exactly the canonical JSON it
// hashed (see canonical-json.ts); a mismatch aborts the caller's transaction.
const INSERT_EVENTS = `
  WITH ins AS (
    INSERT INTO events (id, subject_type, subject_id, subject_seq, type, actor_org_id, actor_user_id,
                        actor_device, device_time, server_time, payload, prev_hash, hash)
    SELECT u.id, u.subject_type, u.subject_id, u.subject_seq, u.type, u.actor_org_id, u.actor_user_id,
           u.actor_device, u.device_time, $10::timestamptz, u.payload, u.prev_hash, u.hash
    FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::text[], $6::uuid[], $7::uuid[],
                $8::text[], $9::timestamptz[], $11::jsonb[], $12::bytea[], $13::bytea[])
      AS u(id, subject_type, subject_id, subject_seq, type, actor_org_id, actor_user_id, actor_device,
           device_time, payload, prev_hash, hash)
    RETURNING id, seq, subject_type, subject_id, subject_seq, hash, payload::text AS payload_text
  ), heads AS (
    -- RESERVE_HEADS already moved last_seq to the batch's last subject_seq: the event with that
    -- subject_seq is the subject's new end. Driven by the inserted rows, one index probe each.
    UPDATE ledger_heads h
    SET last_hash = ins.hash, last_event_seq = ins.seq
    FROM ins
    WHERE h.subject_type = ins.subject_type AND h.subject_id = ins.subject_id AND h.last_seq = ins.subject_seq
  )
  SELECT id::text AS id, seq::text AS seq, payload_text FROM ins`;

/**
 * Appends events to the ledger inside the caller's transaction, so a state change and its events
 * commit together or not at all, and reads a subject's story back.
 */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Appends one event. `manager` must be the caller's transaction (EntityManager of db.transaction). */
  async append(manager: EntityManager, event: NewLedgerEvent): Promise<AppendedEvent> {
    const [appended] = await this.appendMany(manager, [event]);
    return appended;
  }

  /**
   * Appends events in the order given (they may concern many subjects, or one subject several
   * times) with two statements whatever their number: one upsert of the heads, one insert.
   */
  async appendMany(manager: EntityManager, events: readonly NewLedgerEvent[]): Promise<AppendedEvent[]> {
    if (events.length === 0) return [];
    if (!manager.queryRunner?.isTransactionActive) {
      // Outside a transaction the events could commit without the change they record, or the reverse.
      throw new Error('LedgerService.append must be called with the EntityManager of an open transaction');
    }
    const prepared = events.map(prepare);
    // One clock reading per batch, in JavaScript, so the hash can be computed before the insert.
    // Milliseconds survive timestamptz (microseconds) exactly.
    const serverTime = new Date();
    const serverTimeUs = dateToMicros(serverTime);

    const subjects = new Map<string, SubjectState>();
    for (const p of prepared) {
      const key = `${p.subjectType}/${p.subjectId}`;
      const s = subjects.get(key);
      if (s) s.count++;
      else subjects.set(key, { subjectType: p.subjectType, subjectId: p.subjectId, count: 1, nextSeq: 0, prevHash: null });
    }
    const ordered = [...subjects.values()].sort(
      (a, b) => (a.subjectType < b.subjectType ? -1 : a.subjectType > b.subjectType ? 1 : a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0),
    );
    const heads = (await queryPrepared(manager, 'ledger.reserve-heads', RESERVE_HEADS, [
      ordered.map((s) => s.subjectType),
      ordered.map((s) => s.subjectId),
      ordered.map((s) => s.count),
    ])) as { subject_type: string; subject_id: string; last_seq: number; last_hash: Buffer | null }[];
    for (const h of heads) {
      const s = subjects.get(`${h.subject_type}/${h.subject_id}`);
      if (!s) throw new Error(`ledger_heads returned an unexpected subject ${h.subject_type}/${h.subject_id}`);
      s.nextSeq = h.last_seq - s.count + 1;
      s.prevHash = h.last_hash;
      if (s.nextSeq > 1 && s.prevHash === null) {
        throw new Error(`ledger head of ${h.subject_type}/${h.subject_id} has no hash`);
      }
    }

    const subjectSeqs: number[] = [];
    const prevHashes: (Buffer | null)[] = [];
    const hashes: Buffer[] = [];
    for (const p of prepared) {
      const s = subjects.get(`${p.subjectType}/${p.subjectId}`) as SubjectState;
      const subjectSeq = s.nextSeq++;
      const hash = eventHash({
        id: p.id,
        prevHash: s.prevHash,
        subjectType: p.subjectType,
        subjectId: p.subjectId,
        subjectSeq,
        type: p.type,
        actorOrgId: p.actorOrgId,
        actorUserId: p.actorUserId,
        actorDevice: p.actorDevice,
        deviceTimeUs: p.deviceTime ? dateToMicros(p.deviceTime) : null,
        serverTimeUs,
        payloadJson: p.payloadJson,
      });
      subjectSeqs.push(subjectSeq);
      prevHashes.push(s.prevHash);
      hashes.push(hash);
      s.prevHash = hash;
    }

    const rows = (await queryPrepared(manager, 'ledger.insert-events', INSERT_EVENTS, [
      prepared.map((p) => p.id),
      prepared.map((p) => p.subjectType),
      prepared.map((p) => p.subjectId),
      subjectSeqs,
      prepared.map((p) => p.type),
      prepared.map((p) => p.actorOrgId),
      prepared.map((p) => p.actorUserId),
      prepared.map((p) => p.actorDevice),
      prepared.map((p) => (p.deviceTime ? p.deviceTime.toISOString() : null)),
      serverTime.toISOString(),
      prepared.map((p) => p.payloadJson),
      prevHashes,
      hashes,
    ])) as { id: string; seq: string; payload_text: string }[];

    const byId = new Map(rows.map((r) => [r.id, r]));
    return prepared.map((p, i) => {
      const row = byId.get(p.id);
      if (!row) throw new Error(`event ${p.id} was not inserted`);
      if (row.payload_text !== p.payloadJson) {
        throw new Error(`the database stored the payload of event ${p.id} differently from its canonical JSON; refusing to record an unverifiable hash`);
      }
      return {
        id: p.id,
        seq: row.seq,
        subjectType: p.subjectType,
        subjectId: p.subjectId,
        subjectSeq: subjectSeqs[i],
        type: p.type,
        serverTime,
        hash: hashes[i].toString('hex'),
      };
    });
  }

  /**
   * A subject's events in order, a page at a time: keyset pagination on subject_seq, so page 100 of a
   * long story costs what page 1 does (one index range scan per partition).
   */
  async subjectEvents(
    subjectType: string,
    subjectId: string,
    options: { afterSeq?: number; limit?: number } = {},
  ): Promise<SubjectEventsPage> {
    assertSubject(subjectType, subjectId);
    const afterSeq = options.afterSeq ?? 0;
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
      throw new DomainException(LedgerErrors.LEDGER_RANGE_INVALID, { problem: 'afterSeq must be a whole number ≥ 0' });
    }
    const rows = (await this.db.query(
      `SELECT ${EVENT_COLUMNS_SQL} FROM events
       WHERE subject_type = $1 AND subject_id = $2 AND subject_seq > $3
       ORDER BY events.subject_seq LIMIT $4`,
      [subjectType, subjectId, afterSeq, limit + 1],
    )) as EventRow[];
    const more = rows.length > limit;
    const events: LedgerEvent[] = rows.slice(0, limit).map(toLedgerEvent);
    return { events, nextAfterSeq: more ? events[events.length - 1].subjectSeq : null };
  }
}

export function assertSubject(subjectType: string, subjectId: string): void {
  if (!SUBJECT_TYPE.test(subjectType)) throw new DomainException('NOT_FOUND');
  if (!isUuid(subjectId)) throw new DomainException('NOT_FOUND');
}

function prepare(e: NewLedgerEvent): Prepared {
  // Malformed kinds and ids are programming errors, not the caller's input: they surface as 500s.
  if (!SUBJECT_TYPE.test(e.subjectType)) throw new TypeError(`invalid ledger subject type: ${e.subjectType}`);
  if (!EVENT_TYPE.test(e.type) || e.type.length > 64) throw new TypeError(`invalid ledger event type: ${e.type}`);
  const subjectId = e.subjectId.toLowerCase();
  if (!isUuid(subjectId)) throw new TypeError(`invalid ledger subject id: ${e.subjectId}`);
  const actorOrgId = e.actor.organisationId?.toLowerCase() ?? null;
  const actorUserId = e.actor.userId?.toLowerCase() ?? null;
  if (actorOrgId !== null && !isUuid(actorOrgId)) throw new TypeError(`invalid actor organisation id: ${actorOrgId}`);
  if (actorUserId !== null && !isUuid(actorUserId)) throw new TypeError(`invalid actor user id: ${actorUserId}`);
  const device = e.actor.device ? e.actor.device : null;
  if (device !== null && device.length > 128) {
    throw new DomainException(LedgerErrors.LEDGER_PAYLOAD_INVALID, { problem: 'names a device id longer than 128 characters' });
  }
  const deviceTime = e.deviceTime ?? null;
  if (deviceTime !== null && !Number.isFinite(deviceTime.getTime())) throw new TypeError('invalid device time');
  let payloadJson: string;
  try {
    payloadJson = canonicalJson(e.payload);
  } catch (error) {
    if (error instanceof CanonicalJsonError) {
      throw new DomainException(LedgerErrors.LEDGER_PAYLOAD_INVALID, { problem: `${error.path} ${error.problem}` }, { path: error.path });
    }
    throw error;
  }
  return {
    id: randomUUID(),
    subjectType: e.subjectType,
    subjectId,
    type: e.type,
    actorOrgId,
    actorUserId,
    actorDevice: device,
    deviceTime,
    payloadJson,
  };
}
