/**
 * What the drain reads. The ledger is the outbox of every state change. Scans that were refused are
 * recorded in `scans` but not in the ledger, and a refused scan is often the first sign of a cloned
 * label or an impossible order, so they are a second, smaller source read the same way.
 */
export interface DrainSource {
  name: 'ledger' | 'scans';
  /** The table whose RowExclusiveLock holders are the writers still in flight. */
  relation: 'events' | 'scans';
  /** The identity/serial sequence behind the position column. */
  sequenceSql: string;
  /** Positions (as text) in (after, upTo], for the late-commit check. */
  positionsSql: string;
  /** Full rows: `WHERE <position> = ANY($1)`. */
  rowsByPositionSql: string;
  /** Full rows after $1, in order, at most $2. */
  rowsAfterSql: string;
}

const EVENT_COLUMNS = `seq::text AS seq, subject_type, subject_id::text AS subject_id, type,
  CASE WHEN subject_type = 'container' THEN payload->>'manifestId' END AS manifest_id, NULL::text AS organisation_id`;

const SCAN_COLUMNS = `id::text AS seq, 'scan' AS subject_type, container_id::text AS subject_id, 'scan.refused' AS type,
  manifest_id::text AS manifest_id, organisation_id::text AS organisation_id`;

export const LEDGER_SOURCE: DrainSource = {
  name: 'ledger',
  relation: 'events',
  sequenceSql: `pg_get_serial_sequence('events', 'seq')`,
  positionsSql: `SELECT seq::text AS seq FROM events WHERE seq > $1::bigint AND seq <= $2::bigint`,
  rowsByPositionSql: `SELECT ${EVENT_COLUMNS} FROM events WHERE seq = ANY($1::bigint[]) ORDER BY events.seq`,
  rowsAfterSql: `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > $1::bigint ORDER BY events.seq LIMIT $2`,
};

export const REFUSED_SCANS_SOURCE: DrainSource = {
  name: 'scans',
  relation: 'scans',
  sequenceSql: `pg_get_serial_sequence('scans', 'id')`,
  positionsSql: `SELECT id::text AS seq FROM scans WHERE id > $1::bigint AND id <= $2::bigint AND NOT accepted`,
  rowsByPositionSql: `SELECT ${SCAN_COLUMNS} FROM scans WHERE id = ANY($1::bigint[]) ORDER BY id`,
  rowsAfterSql: `SELECT ${SCAN_COLUMNS} FROM scans WHERE id > $1::bigint AND NOT accepted ORDER BY id LIMIT $2`,
};

export const DRAIN_SOURCES: readonly DrainSource[] = [LEDGER_SOURCE, REFUSED_SCANS_SOURCE];
