import { EncodableEvent } from './encoding/event-encoding';
import { isoToMicros } from './encoding/fields';
import { LedgerEvent } from './ledger.types';

/**
 * The columns of an event as read for people and bundles: times as ISO 8601 with microseconds.
 * Some are renamed casts (seq is text): qualify ORDER BY columns (`events.seq`), or PostgreSQL
 * sorts by the output column, as text.
 */
export const EVENT_COLUMNS_SQL = `
  seq::text AS seq, id::text AS id, subject_type, subject_id::text AS subject_id, subject_seq, type,
  actor_org_id::text AS actor_org_id, actor_user_id::text AS actor_user_id, actor_device,
  to_char(device_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS device_time,
  to_char(server_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS server_time,
  payload, payload::text AS payload_json, prev_hash, hash`;

export interface EventRow {
  seq: string;
  id: string;
  subject_type: string;
  subject_id: string;
  subject_seq: number;
  type: string;
  actor_org_id: string | null;
  actor_user_id: string | null;
  actor_device: string | null;
  device_time: string | null;
  server_time: string;
  payload: Record<string, unknown>;
  /** Exactly the text jsonb gives back: what the hash covers. */
  payload_json: string;
  prev_hash: Buffer | null;
  hash: Buffer;
}

export function toLedgerEvent(r: EventRow): LedgerEvent {
  return {
    seq: r.seq,
    id: r.id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectSeq: r.subject_seq,
    type: r.type,
    actor: { organisationId: r.actor_org_id, userId: r.actor_user_id, device: r.actor_device },
    deviceTime: r.device_time,
    serverTime: r.server_time,
    payload: r.payload,
    prevHash: r.prev_hash ? r.prev_hash.toString('hex') : null,
    hash: r.hash.toString('hex'),
  };
}

/** The fields the event hash covers, as stored (event-encoding.ts): what a verifier re-hashes. */
export function toEncodableEvent(r: EventRow): EncodableEvent {
  return {
    id: r.id,
    prevHash: r.prev_hash,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectSeq: r.subject_seq,
    type: r.type,
    actorOrgId: r.actor_org_id,
    actorUserId: r.actor_user_id,
    actorDevice: r.actor_device,
    deviceTimeUs: r.device_time === null ? null : isoToMicros(r.device_time),
    serverTimeUs: isoToMicros(r.server_time),
    payloadJson: r.payload_json,
  };
}
