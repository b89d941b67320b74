import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { runSeeds } from '../../seeds/run';
import { CARRIER1_LEG, bearer, oilDrum, org } from '../support/demo';
import { cloneTemplate } from '../support/databases';

/**
 * What every fault case needs: a seeded database of its own, a fetch-based client for the API
 * process, the demo district's fixtures, and the invariants asserted in SQL afterwards.
 */

export interface FaultDb {
  name: string;
  url: string;
  pool: Pool;
  drop: () => Promise<void>;
}

export async function seededDatabase(label: string): Promise<FaultDb> {
  const database = await cloneTemplate(label);
  await runSeeds(database.url, { quiet: true });
  const pool = new Pool({ connectionString: database.url, max: 3 });
  pool.on('error', () => undefined);
  return {
    ...database,
    pool,
    drop: async () => {
      await pool.end().catch(() => undefined);
      await database.drop();
    },
  };
}

export async function one<T = Record<string, unknown>>(pool: Pool, sql: string, params: unknown[] = []): Promise<T> {
  return (await pool.query(sql, params)).rows[0] as T;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** One request to a process over real HTTP. A connection error becomes status 0 with the error as text. */
export async function call(base: string, method: string, path: string, options: { key?: string; body?: unknown; timeoutMs?: number; token?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = options.token;
  else if (options.key) headers.authorization = bearer(options.key);
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: res.status, headers: res.headers, body, text };
  } catch (error) {
    return { status: 0, headers: new Headers(), body: null, text: String((error as Error).cause ?? error) };
  }
}

export async function expectStatus(reply: Promise<Reply> | Reply, status: number): Promise<Reply> {
  const r = await reply;
  if (r.status !== status) throw new Error(`expected HTTP ${status}, got ${r.status}: ${r.text.slice(0, 500)}`);
  return r;
}

export interface Registered {
  id: string;
  code: string;
  qrPayload: string;
}

/**
 * `n` drums of the demo factory, registered through the API. The sequence allows 999 codes per
 * (unit, waste code, day), so each block of 500 is dated a different day.
 */
let daysUsed = 0;
export async function registerDrums(base: string, n: number, weightKg = 1): Promise<Registered[]> {
  const out: Registered[] = [];
  while (out.length < n) {
    const size = Math.min(500, n - out.length);
    const generatedAt = new Date(Date.now() - ++daysUsed * 86_400_000).toISOString();
    const containers = Array.from({ length: size }, () => oilDrum({ netWeightKg: weightKg, generatedAt }));
    const r = await expectStatus(call(base, 'POST', '/api/v1/containers', { key: 'factory', body: { containers }, timeoutMs: 60_000 }), 201);
    out.push(...(r.body as { containers: Registered[] }).containers);
  }
  return out;
}

/** A manifest from the factory to the cement kiln with carrier 1, drafted and submitted. */
export async function submittedManifest(base: string, containers: Registered[]): Promise<string> {
  const draft = await expectStatus(
    call(base, 'POST', '/api/v1/manifests', {
      key: 'factory',
      body: {
        receiverId: org('cementkiln'),
        legs: [CARRIER1_LEG],
        containerIds: containers.map((c) => c.id),
        emergencyMeasures: '泄漏时用吸附棉围堵，拨打 12369。',
        plannedStart: new Date().toISOString(),
        plannedEnd: new Date(Date.now() + 4 * 3_600_000).toISOString(),
      },
      timeoutMs: 60_000,
    }),
    201,
  );
  const id = (draft.body as { id: string }).id;
  await expectStatus(call(base, 'POST', `/api/v1/manifests/${id}/submit`, { key: 'factory', body: {}, timeoutMs: 60_000 }), 200);
  return id;
}

export interface LoadScan {
  idempotencyKey: string;
  deviceId: string;
  kind: 'load' | 'arrive';
  manifestId: string;
  label: string;
  deviceTime: string;
  weightKg?: number;
}

export function loadScans(manifestId: string, containers: Registered[], deviceId = `pda-${randomUUID().slice(0, 8)}`): LoadScan[] {
  const start = Date.now() - 3_600_000;
  return containers.map((c, i) => ({
    idempotencyKey: `${deviceId}-${i}`,
    deviceId,
    kind: 'load',
    manifestId,
    label: c.qrPayload,
    deviceTime: new Date(start + i * 1000).toISOString(),
  }));
}

/**
 * The invariants of custody scans for a set of (device, key) pairs, straight from SQL: each key is
 * recorded once in `scans`, and each accepted scan has exactly one scan.* event in the ledger.
 */
export async function scanInvariants(pool: Pool, devices: string[]): Promise<{ rows: number; accepted: number; duplicateKeys: number; events: number; eventsPerAccepted: { missing: number; extra: number } }> {
  const counts = await one<{ rows: number; accepted: number; dup: number }>(
    pool,
    `SELECT count(*)::int AS rows, count(*) FILTER (WHERE accepted)::int AS accepted,
            (SELECT count(*)::int FROM (SELECT 1 FROM scans WHERE device_id = ANY($1) GROUP BY device_id, idempotency_key HAVING count(*) > 1) d) AS dup
       FROM scans WHERE device_id = ANY($1)`,
    [devices],
  );
  const events = await one<{ n: number }>(pool, `SELECT count(*)::int AS n FROM events WHERE type LIKE 'scan.%' AND payload->>'deviceId' = ANY($1)`, [devices]);
  const mismatch = await one<{ missing: number; extra: number }>(
    pool,
    `WITH e AS (SELECT payload->>'deviceId' AS d, payload->>'idempotencyKey' AS k, count(*) AS n
                  FROM events WHERE type LIKE 'scan.%' AND payload->>'deviceId' = ANY($1) GROUP BY 1, 2)
     SELECT (SELECT count(*)::int FROM scans s WHERE s.device_id = ANY($1) AND s.accepted
               AND NOT EXISTS (SELECT 1 FROM e WHERE e.d = s.device_id AND e.k = s.idempotency_key)) AS missing,
            (SELECT count(*)::int FROM e WHERE e.n > 1
               OR NOT EXISTS (SELECT 1 FROM scans s WHERE s.device_id = e.d AND s.idempotency_key = e.k AND s.accepted)) AS extra`,
    [devices],
  );
  return { rows: counts.rows, accepted: counts.accepted, duplicateKeys: counts.dup, events: events.n, eventsPerAccepted: mismatch };
}

/** Ledger checkpoints form one chain over seq without gaps or overlaps, each pointing at the one before. */
export async function checkpointChain(pool: Pool): Promise<{ count: number; gaps: number; overlaps: number; brokenLinks: number; toSeq: string | null }> {
  return one(
    pool,
    `WITH c AS (SELECT id, from_seq, to_seq, prev_checkpoint_id, lag(to_seq) OVER (ORDER BY from_seq) AS prev_to, lag(id) OVER (ORDER BY from_seq) AS prev_id
                  FROM ledger_checkpoints)
     SELECT count(*)::int AS count,
            count(*) FILTER (WHERE prev_to IS NOT NULL AND from_seq > prev_to + 1)::int
              + count(*) FILTER (WHERE prev_to IS NULL AND from_seq <> 1)::int AS gaps,
            count(*) FILTER (WHERE prev_to IS NOT NULL AND from_seq <= prev_to)::int AS overlaps,
            count(*) FILTER (WHERE prev_checkpoint_id IS DISTINCT FROM prev_id)::int AS "brokenLinks",
            max(to_seq)::text AS "toSeq"
       FROM c`,
  );
}

export async function maxSeq(pool: Pool): Promise<bigint> {
  const { s } = await one<{ s: string | null }>(pool, `SELECT max(seq)::text AS s FROM events`);
  return BigInt(s ?? 0);
}

/** Polls until `check` holds (or the time is up), returning its last value either way. */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!check(value) && Date.now() < deadline) {
    await sleep(everyMs);
    value = await probe();
  }
  return value;
}

/** The one error shape, whatever went wrong. */
export function isErrorShape(body: unknown): boolean {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  return (
    !!error &&
    typeof error.code === 'string' &&
    /^[A-Z][A-Z0-9_]+$/.test(error.code) &&
    typeof error.message === 'string' &&
    'details' in error &&
    typeof error.requestId === 'string' &&
    error.requestId.length > 0
  );
}

/**
 * Every subject's chain is whole: subject_seq runs 1..n without a gap or a repeat, each event links
 * to the hash of the one before, and the head names the last event. Hashes themselves are
 * recomputed by the API's verify endpoint (see `verifySubjects`).
 */
export async function chainBreaks(pool: Pool): Promise<number> {
  const { n } = await one<{ n: number }>(
    pool,
    `WITH e AS (SELECT subject_type, subject_id, subject_seq, hash, prev_hash,
                       lag(hash) OVER w AS before, row_number() OVER w AS rn
                  FROM events WINDOW w AS (PARTITION BY subject_type, subject_id ORDER BY subject_seq))
     SELECT (SELECT count(*)::int FROM e WHERE subject_seq <> rn OR prev_hash IS DISTINCT FROM before)
          + (SELECT count(*)::int FROM ledger_heads h
               WHERE NOT EXISTS (SELECT 1 FROM events x WHERE x.subject_type = h.subject_type AND x.subject_id = h.subject_id
                                   AND x.subject_seq = h.last_seq AND x.hash = h.last_hash)) AS n`,
  );
  return n;
}

/** Asks the API to recompute the hash chain of some subjects; returns those that do not verify. */
export async function verifySubjects(base: string, subjects: { type: string; id: string }[]): Promise<string[]> {
  const bad: string[] = [];
  for (const s of subjects) {
    const r = await call(base, 'GET', `/api/v1/ledger/${s.type}/${s.id}/verify`, { key: 'regulator' });
    if (r.status !== 200 || (r.body as { ok?: boolean } | null)?.ok !== true) bad.push(`${s.type}/${s.id}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  return bad;
}
