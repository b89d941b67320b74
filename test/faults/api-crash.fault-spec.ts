import { setTimeout as sleep } from 'node:timers/promises';
import { ApiProcess, spawnApi, stopAll, uniquePrefix } from '../support/processes';
import {
  FaultDb,
  LoadScan,
  Reply,
  call,
  chainBreaks,
  eventually,
  loadScans,
  one,
  registerDrums,
  scanInvariants,
  seededDatabase,
  submittedManifest,
  verifySubjects,
} from './fault-support';

/**
 * The API is killed (SIGKILL: no shutdown hooks, no goodbye) while a 1,000-scan offline batch is
 * in flight. The device's client then does what a scanner app does: retries the same batch, same
 * idempotency keys, against the restarted API until it gets an answer. Whatever moment the crash
 * hit, the end state must be exactly the scans the device sent, each recorded once and each in the
 * ledger once.
 */
describe('the API killed in the middle of a batch upload', () => {
  let db: FaultDb;
  let api: ApiProcess;
  const prefix = uniquePrefix('apikill');
  const start = (port?: number): Promise<ApiProcess> => spawnApi({ databaseUrl: db.url, redisUrl: 'redis://127.0.0.1:6379', queuePrefix: prefix, port });

  beforeAll(async () => {
    db = await seededDatabase('apikill');
    api = await start();
  });
  afterAll(async () => {
    await stopAll();
    await db?.drop();
  });

  /** The scanner app: send the batch, and on no answer or a 5xx, wait and send the same batch again. */
  async function uploadUntilAnswered(scans: LoadScan[], token = 'carrier1'): Promise<{ reply: Reply; attempts: number }> {
    for (let attempts = 1; ; attempts++) {
      const reply = await call(api.base, 'POST', '/api/v1/scans/batch', { key: token, body: { scans }, timeoutMs: 60_000 });
      if (reply.status > 0 && reply.status < 500) return { reply, attempts };
      if (attempts > 40) throw new Error(`batch never answered: ${reply.status} ${reply.text.slice(0, 300)}`);
      await sleep(500);
    }
  }

  /** Kills the API at the moment `when` resolves, with the batch request already on the wire. */
  async function crashDuring(scans: LoadScan[], when: () => Promise<void>): Promise<Reply> {
    const inFlight = call(api.base, 'POST', '/api/v1/scans/batch', { key: 'carrier1', body: { scans }, timeoutMs: 60_000 });
    await when();
    const port = api.port;
    await api.kill('SIGKILL');
    const lost = await inFlight;
    api = await start(port);
    return lost;
  }

  const apiBackendInTransaction = async (): Promise<void> => {
    await eventually(
      () => one<{ n: number }>(db.pool, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'wasteledger-api' AND xact_start IS NOT NULL AND state <> 'idle'`, [db.name]),
      (r) => r.n > 0,
      20_000,
      2,
    );
  };

  const moments: [string, (scans: LoadScan[]) => () => Promise<void>][] = [
    ['as soon as the request is sent', () => () => sleep(0)],
    ['while the batch transaction is open', () => apiBackendInTransaction],
    [
      'right after the batch committed (the answer may never reach the device)',
      (scans) => async () => {
        await eventually(() => one<{ n: number }>(db.pool, `SELECT count(*)::int AS n FROM scans WHERE device_id = $1`, [scans[0].deviceId]), (r) => r.n > 0, 30_000, 2);
      },
    ],
  ];

  it.each(moments)('keeps exactly the scans sent, each once, when killed %s', async (_moment, when) => {
    const drums = await registerDrums(api.base, 1000);
    const manifestId = await submittedManifest(api.base, drums);
    const scans = loadScans(manifestId, drums);
    const device = scans[0].deviceId;

    const lost = await crashDuring(scans, when(scans));
    // The device got no answer, or (rarely) an answer just before the crash; either way it retries.
    const { reply } = await uploadUntilAnswered(scans);
    expect(reply.status).toBe(200);
    const results = (reply.body as { results: { code: string; duplicate: boolean; idempotencyKey: string }[] }).results;
    expect(results).toHaveLength(1000);
    expect(results.every((r) => r.code === 'ACCEPTED')).toBe(true);
    expect(results.map((r) => r.idempotencyKey)).toEqual(scans.map((s) => s.idempotencyKey));

    // And a second retry is a pure repeat.
    const again = await uploadUntilAnswered(scans);
    const repeated = (again.reply.body as { results: { code: string; duplicate: boolean }[] }).results;
    expect(repeated.every((r) => r.code === 'ACCEPTED' && r.duplicate)).toBe(true);

    const inv = await scanInvariants(db.pool, [device]);
    expect(inv).toEqual({ rows: 1000, accepted: 1000, duplicateKeys: 0, events: 1000, eventsPerAccepted: { missing: 0, extra: 0 } });
    const items = await one<{ loaded: number }>(db.pool, `SELECT count(*) FILTER (WHERE loaded_at IS NOT NULL)::int AS loaded FROM manifest_items WHERE manifest_id = $1`, [manifestId]);
    expect(items.loaded).toBe(1000);
    expect(await chainBreaks(db.pool)).toBe(0);
    expect(await verifySubjects(api.base, [drums[0], drums[499], drums[999]].map((d) => ({ type: 'container', id: d.id })))).toEqual([]);
    // Recorded for docs/reliability.md: what the crashed request itself saw.
    process.stdout.write(`[api-crash] ${_moment}: in-flight request got ${lost.status || lost.text.slice(0, 60)}\n`);
  });
});
