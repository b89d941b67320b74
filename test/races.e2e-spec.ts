import { randomInt } from 'node:crypto';
import { runSeeds } from '../seeds/run';
import { CARRIER1_LEG, bearer, oilDrum, org } from './support/demo';
import { TestApp, startTestApp } from './support/test-app';

/**
 * Fifty clients racing on the same containers and manifests. Whatever interleaving the database
 * picks, each answer is a success or a stable 4xx (never a 500), and the invariants hold in SQL
 * afterwards: serial numbers unique and gap-free, a container on at most one open manifest, one
 * accepted loading and one accepted arrival per container, every accepted scan in the ledger exactly
 * once, one receipt decision per container.
 */

const CLIENTS = 50;

interface Registered {
  id: string;
  code: string;
  qrPayload: string;
}

describe('50 clients racing on the same containers and manifests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('races', { RATE_LIMIT_PER_MINUTE: '1000000' });
    await runSeeds(t.config.databaseUrl, { quiet: true });
  });
  afterAll(() => t?.close());

  const q = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => (await t.db.query(sql, params)) as T[];
  const register = async (n: number, over: Record<string, unknown> = {}): Promise<Registered[]> =>
    (await t.http().post('/api/v1/containers').set('Authorization', bearer('factory')).send({ containers: Array.from({ length: n }, () => oilDrum({ netWeightKg: 1, ...over })) }).expect(201)).body.containers;
  const draft = (containerIds: string[]) =>
    t.http().post('/api/v1/manifests').set('Authorization', bearer('factory')).send({
      receiverId: org('cementkiln'),
      legs: [CARRIER1_LEG],
      containerIds,
      emergencyMeasures: '泄漏时用吸附棉围堵，拨打 12369。',
      plannedStart: new Date().toISOString(),
      plannedEnd: new Date(Date.now() + 4 * 3_600_000).toISOString(),
    });
  const submitted = async (drums: Registered[]): Promise<string> => {
    const id = (await draft(drums.map((d) => d.id)).expect(201)).body.id as string;
    await t.http().post(`/api/v1/manifests/${id}/submit`).set('Authorization', bearer('factory')).expect(200);
    return id;
  };
  const race = <T>(fn: (client: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: CLIENTS }, (_, c) => fn(c)));
  const statuses = (rs: { status: number }[]): Record<number, number> => rs.reduce<Record<number, number>>((a, r) => ({ ...a, [r.status]: (a[r.status] ?? 0) + 1 }), {});
  const pick = <T>(xs: T[], k: number): T[] => [...xs].sort(() => randomInt(3) - 1).slice(0, k);
  const at = (minutesAgo: number): string => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  it('registers concurrently without a duplicate or a gap in the serial numbers', async () => {
    const generatedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const replies = await race(() => t.http().post('/api/v1/containers').set('Authorization', bearer('factory')).send({ containers: Array.from({ length: 5 }, () => oilDrum({ generatedAt })) }));
    expect(statuses(replies)).toEqual({ 201: CLIENTS });
    const codes = replies.flatMap((r) => (r.body.containers as Registered[]).map((c) => c.code));
    expect(new Set(codes).size).toBe(CLIENTS * 5);
    const [row] = await q(
      `SELECT count(*)::int AS n, count(DISTINCT code)::int AS distinct_codes, min(right(code, 3)::int) AS lo, max(right(code, 3)::int) AS hi
         FROM containers WHERE code = ANY($1)`,
      [codes],
    );
    // One (unit, waste code, day) key: the serials are exactly 1..250.
    expect(row).toEqual({ n: 250, distinct_codes: 250, lo: 1, hi: 250 });
    const [{ dup }] = await q(`SELECT count(*)::int AS dup FROM (SELECT code FROM containers GROUP BY code HAVING count(*) > 1) d`);
    expect(dup).toBe(0);
  });

  it('never puts a container on two open manifests when drafts overlap', async () => {
    const drums = await register(20);
    const wanted = Array.from({ length: CLIENTS }, () => pick(drums, 2 + randomInt(4)).map((d) => d.id));
    const replies = await race((c) => draft(wanted[c]));
    const codes = replies.filter((r) => r.status !== 201).map((r) => r.body.error?.code);
    expect(replies.filter((r) => r.status >= 500)).toEqual([]);
    expect(new Set(codes)).toEqual(new Set(codes.filter((c) => c === 'CONTAINER_NOT_AVAILABLE' || c === 'CONTAINER_ON_OPEN_MANIFEST')));
    const winners = replies.filter((r) => r.status === 201);
    expect(winners.length).toBeGreaterThan(0);
    // A winner has all its containers; a loser left nothing behind.
    for (const [c, r] of replies.entries()) {
      const [{ n }] = await q(`SELECT count(*)::int AS n FROM manifest_items WHERE manifest_id = $1`, [r.body.id ?? '00000000-0000-0000-0000-000000000000']);
      expect(n).toBe(r.status === 201 ? wanted[c].length : 0);
    }
    const [{ manifests }] = await q(`SELECT count(*)::int AS manifests FROM manifests WHERE id = ANY($1)`, [winners.map((w) => w.body.id)]);
    expect(manifests).toBe(winners.length);
    const [{ twice }] = await q(
      `SELECT count(*)::int AS twice FROM (
         SELECT i.container_id FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id
          WHERE i.container_id = ANY($1) AND m.status IN ('draft','submitted','in_transit','arrived')
          GROUP BY i.container_id HAVING count(*) > 1) d`,
      [drums.map((d) => d.id)],
    );
    expect(twice).toBe(0);
    const [{ onManifest }] = await q(`SELECT count(*)::int AS "onManifest" FROM containers WHERE id = ANY($1) AND status = 'on_manifest'`, [drums.map((d) => d.id)]);
    const [{ listed }] = await q(`SELECT count(DISTINCT container_id)::int AS listed FROM manifest_items WHERE container_id = ANY($1)`, [drums.map((d) => d.id)]);
    expect(onManifest).toBe(listed);
  });

  it('records one loading and one arrival per container when devices race, each once in the ledger', async () => {
    const drums = await register(20);
    const id = await submitted(drums);
    // Loading: 50 devices of the carrier (admin and driver tokens), each scanning 8 random drums;
    // device 0 and device 1 also race each other with the very same upload (same keys).
    const loads = Array.from({ length: CLIENTS }, (_, c) =>
      pick(drums, 8).map((d, i) => ({ idempotencyKey: `L${c}-${i}`, deviceId: `pda-${c % 25}`, kind: 'load', manifestId: id, label: d.qrPayload, deviceTime: at(60 - i) })),
    );
    loads[1] = loads[0];
    const single = (c: number) => c % 2 === 0;
    const loadReplies = await race((c) =>
      single(c)
        ? Promise.all(loads[c].map((s) => t.http().post('/api/v1/scans').set('Authorization', bearer('carrier1', c % 4 === 0 ? 'driver' : 'admin')).send(s)))
        : t.http().post('/api/v1/scans/batch').set('Authorization', bearer('carrier1')).send({ scans: loads[c] }).then((r) => [r]),
    );
    expect(loadReplies.flat().filter((r) => r.status >= 500 || ![200, 201, 409].includes(r.status)).map((r) => [r.status, r.body])).toEqual([]);

    await t.http().post(`/api/v1/manifests/${id}/depart`).set('Authorization', bearer('carrier1')).expect(200);
    const arrivals = Array.from({ length: CLIENTS }, (_, c) =>
      pick(drums, 6).map((d, i) => ({ idempotencyKey: `A${c}-${i}`, deviceId: `gate-${c % 10}`, kind: 'arrive', manifestId: id, label: d.qrPayload, weightKg: 1, deviceTime: at(10 - i / 10) })),
    );
    const arriveReplies = await race((c) =>
      single(c)
        ? Promise.all(arrivals[c].map((s) => t.http().post('/api/v1/scans').set('Authorization', bearer('cementkiln')).send(s)))
        : t.http().post('/api/v1/scans/batch').set('Authorization', bearer('cementkiln')).send({ scans: arrivals[c] }).then((r) => [r]),
    );
    expect(arriveReplies.flat().filter((r) => r.status >= 500 || ![200, 201, 409].includes(r.status)).map((r) => [r.status, r.body])).toEqual([]);

    const ids = drums.map((d) => d.id);
    const perContainer = await q(
      `SELECT c.id, count(*) FILTER (WHERE s.kind = 'load' AND s.accepted)::int AS loads, count(*) FILTER (WHERE s.kind = 'arrive' AND s.accepted)::int AS arrivals
         FROM containers c LEFT JOIN scans s ON s.container_id = c.id AND s.manifest_id = $2
        WHERE c.id = ANY($1) GROUP BY c.id`,
      [ids, id],
    );
    const touched = new Set([...loads.flat(), ...arrivals.flat()].map((s) => s.label));
    for (const row of perContainer) {
      const drum = drums.find((d) => d.id === row.id)!;
      const loaded = loads.flat().some((s) => s.label === drum.qrPayload);
      const arrived = arrivals.flat().some((s) => s.label === drum.qrPayload);
      expect({ id: row.id, loads: row.loads, arrivals: row.arrivals }).toEqual({ id: row.id, loads: loaded ? 1 : 0, arrivals: arrived ? 1 : 0 });
    }
    expect(touched.size).toBeGreaterThan(0);
    // Same device + key recorded once, even when two uploads raced.
    const [{ dupKeys }] = await q(`SELECT count(*)::int AS "dupKeys" FROM (SELECT 1 FROM scans WHERE manifest_id = $1 GROUP BY device_id, idempotency_key HAVING count(*) > 1) d`, [id]);
    expect(dupKeys).toBe(0);
    // Every accepted scan has exactly one scan.* event, and no event lacks its accepted scan.
    const [ledger] = await q(
      `WITH e AS (SELECT payload->>'deviceId' AS d, payload->>'idempotencyKey' AS k, count(*) AS n FROM events
                   WHERE type LIKE 'scan.%' AND payload->>'manifestId' = $1::text GROUP BY 1, 2)
       SELECT (SELECT count(*)::int FROM scans s WHERE s.manifest_id = $1::uuid AND s.accepted AND NOT EXISTS (SELECT 1 FROM e WHERE e.d = s.device_id AND e.k = s.idempotency_key)) AS missing,
              (SELECT count(*)::int FROM e WHERE n > 1 OR NOT EXISTS (SELECT 1 FROM scans s WHERE s.manifest_id = $1::uuid AND s.accepted AND s.device_id = e.d AND s.idempotency_key = e.k)) AS extra,
              (SELECT count(*)::int FROM scans WHERE manifest_id = $1::uuid AND accepted) AS accepted`,
      [id],
    );
    expect(ledger).toMatchObject({ missing: 0, extra: 0 });
    expect(ledger.accepted).toBe(perContainer.reduce((a, r) => a + r.loads + r.arrivals, 0));
    // No double receipt: arrival time and holder set once per item.
    const [{ received }] = await q(`SELECT count(*)::int AS received FROM containers WHERE id = ANY($1) AND status = 'received' AND holder_id = $2`, [ids, org('cementkiln')]);
    expect(received).toBe(new Set(arrivals.flat().map((s) => s.label)).size);
  });

  it('takes exactly one receipt decision per container when receivers race', async () => {
    const drums = await register(10);
    const id = await submitted(drums);
    await t.http().post('/api/v1/scans/batch').set('Authorization', bearer('carrier1'))
      .send({ scans: drums.map((d, i) => ({ idempotencyKey: `rl-${i}`, deviceId: 'pda-r', kind: 'load', manifestId: id, label: d.qrPayload, deviceTime: at(30) })) }).expect(200);
    await t.http().post('/api/v1/scans/batch').set('Authorization', bearer('cementkiln'))
      .send({ scans: drums.map((d, i) => ({ idempotencyKey: `ra-${i}`, deviceId: 'gate-r', kind: 'arrive', manifestId: id, label: d.qrPayload, weightKg: 1, deviceTime: at(5) })) }).expect(200);
    const decisions = [
      { decision: 'accepted' },
      { decision: 'refused', reason: '包装破损' },
      { decision: 'partially_refused', refusedKg: 0.5, reason: '含水量超标' },
    ];
    const replies = await race(() =>
      t.http().post(`/api/v1/manifests/${id}/receipt`).set('Authorization', bearer('cementkiln'))
        .send({ decisions: pick(drums, 1 + randomInt(4)).map((d) => ({ containerId: d.id, ...decisions[randomInt(decisions.length)] })) }),
    );
    expect(replies.filter((r) => r.status >= 500).map((r) => r.body)).toEqual([]);
    expect(replies.filter((r) => r.status !== 200).every((r) => ['RECEIPT_INVALID', 'MANIFEST_WRONG_STATUS'].includes(r.body.error?.code))).toBe(true);
    const rows = await q(
      `SELECT i.container_id, i.decision, (SELECT count(*)::int FROM events e WHERE e.subject_id = i.container_id AND e.type IN ('container.accepted','container.refused','container.partially_refused')
                                                  AND e.payload->>'manifestId' = $1::text) AS events,
              (SELECT max(e.type) FROM events e WHERE e.subject_id = i.container_id AND e.type IN ('container.accepted','container.refused','container.partially_refused') AND e.payload->>'manifestId' = $1::text) AS last_type
         FROM manifest_items i WHERE i.manifest_id = $1::uuid`,
      [id],
    );
    for (const r of rows) {
      // Decided at most once, and the ledger says what the row says.
      expect(r.events).toBe(r.decision ? 1 : 0);
      if (r.decision) expect(r.last_type).toBe(`container.${r.decision}`);
    }
    const [m] = await q(`SELECT status, (SELECT count(*)::int FROM manifest_items WHERE manifest_id = $1 AND decision IS NULL) AS open FROM manifests WHERE id = $1`, [id]);
    expect(m.status).toBe(m.open === 0 ? 'received' : 'arrived');
    const winners = replies.filter((r) => r.status === 200).length;
    process.stdout.write(`[races] receipt: ${winners} of ${CLIENTS} racing receipts won; ${rows.filter((r) => r.decision).length}/10 containers decided\n`);
  });
});
