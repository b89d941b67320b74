import { setTimeout as sleep } from 'node:timers/promises';
import { ApiProcess, RedisProcess, WorkerProcess, privateRedis, spawnApi, spawnWorker, stopAll, uniquePrefix } from '../support/processes';
import { FaultDb, Reply, call, chainBreaks, checkpointChain, eventually, loadScans, maxSeq, one, registerDrums, scanInvariants, seededDatabase, submittedManifest } from './fault-support';

/**
 * Redis crashes (SIGKILL, no persistence: it comes back empty) while scanners upload, and is started
 * again on the same port. The queue only wakes workers, so the API must keep accepting scans while
 * it is down, and the workers must catch up from Postgres once it is back — even though every job
 * and every repeatable schedule that lived in Redis is gone.
 *
 * Reconciliation must keep opening alerts meanwhile (its drain falls back to running in-process).
 *
 * A private redis-server is used: the machine's shared one on 6379 serves other tests.
 */
describe('Redis stopped and started again during scanning', () => {
  let db: FaultDb;
  let redis: RedisProcess;
  let api: ApiProcess;
  let worker: WorkerProcess;

  beforeAll(async () => {
    db = await seededDatabase('redisdown');
    redis = await privateRedis();
    const env = { databaseUrl: db.url, redisUrl: redis.url, queuePrefix: uniquePrefix('redisdown') };
    [api, worker] = await Promise.all([spawnApi(env), spawnWorker(env)]);
  });
  afterAll(async () => {
    await stopAll();
    await db?.drop();
  });

  it('keeps accepting every scan while Redis is down, records each once, and the worker seals them after', async () => {
    const drums = await registerDrums(api.base, 400);
    const manifestId = await submittedManifest(api.base, drums);
    const singles = loadScans(manifestId, drums.slice(0, 200), 'pda-online');
    const batches = loadScans(manifestId, drums.slice(200), 'pda-offline');
    const replies: { phase: string; reply: Reply }[] = [];
    let phase = 'up';

    // One scanner online (single scans), one uploading offline batches of 25, until both are done.
    let s = 0;
    let b = 0;
    const online = (async () => {
      for (; s < singles.length; s++) {
        replies.push({ phase, reply: await call(api.base, 'POST', '/api/v1/scans', { key: 'carrier1', body: singles[s] }) });
        await sleep(25);
      }
    })();
    const offline = (async () => {
      for (; b < batches.length; b += 25) {
        replies.push({ phase, reply: await call(api.base, 'POST', '/api/v1/scans/batch', { key: 'carrier1', body: { scans: batches.slice(b, b + 25) } }) });
        await sleep(600);
      }
    })();

    await sleep(2_000);
    await redis.crash();
    phase = 'down';
    await sleep(1_000);
    // The receiver scans 20 arrivals at twice the declared weight while Redis is down: reconciliation
    // must still open their alerts (its wake-up cannot be queued, so the worker drains in-process).
    const arrivals = loadScans(manifestId, drums.slice(380), 'kiln-gate').map((x) => ({ ...x, kind: 'arrive' as const, weightKg: 2, deviceTime: new Date().toISOString() }));
    const arrived = await call(api.base, 'POST', '/api/v1/scans/batch', { key: 'cementkiln', body: { scans: arrivals } });
    replies.push({ phase, reply: arrived });
    expect((arrived.body as { accepted?: number } | null)?.accepted).toBe(20);
    await sleep(4_000);
    const sentWhileDown = replies.filter((r) => r.phase === 'down').length;
    await redis.start();
    phase = 'back';
    await Promise.all([online, offline]);

    const down = replies.filter((r) => r.phase === 'down');
    process.stdout.write(`[redis-outage] ${replies.length} uploads, ${down.length} while Redis was down (${sentWhileDown} answered within the outage)\n`);
    expect(down.length).toBeGreaterThan(10);
    expect(replies.filter((r) => r.reply.status !== 201 && r.reply.status !== 200).map((r) => `${r.phase} ${r.reply.status} ${r.reply.text.slice(0, 200)}`)).toEqual([]);
    expect(api.running && worker.running).toBe(true);

    const inv = await scanInvariants(db.pool, ['pda-online', 'pda-offline', 'kiln-gate']);
    expect(inv).toEqual({ rows: 420, accepted: 420, duplicateKeys: 0, events: 420, eventsPerAccepted: { missing: 0, extra: 0 } });
    expect(await chainBreaks(db.pool)).toBe(0);

    // Reconciliation caught up: one weight alert per weighed drum, none twice.
    const weighed = drums.slice(380).map((d) => d.id);
    const alerts = await eventually(
      () => one<{ n: number; subjects: number }>(db.pool, `SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS subjects FROM alerts WHERE rule = 'WEIGHT_DISCREPANCY' AND subject_id = ANY($1)`, [weighed]),
      (a) => a.subjects >= 20,
      30_000,
    );
    expect(alerts).toEqual({ n: 20, subjects: 20 });

    // The worker catches up: every event up to now ends up in a signed checkpoint.
    const high = await maxSeq(db.pool);
    const chain = await eventually(() => checkpointChain(db.pool), (c) => c.toSeq !== null && BigInt(c.toSeq) >= high, 45_000);
    process.stdout.write(`[redis-outage] checkpoints after Redis came back: ${JSON.stringify(chain)}, events up to ${high}\n`);
    expect(chain).toMatchObject({ gaps: 0, overlaps: 0, brokenLinks: 0 });
    expect(chain.toSeq === null ? 0n : BigInt(chain.toSeq)).toBeGreaterThanOrEqual(high);
  });
});
