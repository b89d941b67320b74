import { setTimeout as sleep } from 'node:timers/promises';
import { ApiProcess, WorkerProcess, spawnApi, spawnWorker, stopAll, uniquePrefix } from '../support/processes';
import { FaultDb, call, checkpointChain, eventually, loadScans, maxSeq, one, registerDrums, seededDatabase, submittedManifest } from './fault-support';

/**
 * Workers killed with SIGKILL mid-job and started again. What they produce must come out exactly
 * once: ledger checkpoints form one chain without a gap, an overlap or a duplicate, and reconciliation
 * opens one alert per violation — none missing, none twice.
 */
describe('workers killed mid-job', () => {
  let db: FaultDb;
  let api: ApiProcess;
  let worker: WorkerProcess;
  const prefix = uniquePrefix('wkill');
  const redisUrl = 'redis://127.0.0.1:6379';
  const appEnv = (): { databaseUrl: string; redisUrl: string; queuePrefix: string } => ({ databaseUrl: db.url, redisUrl, queuePrefix: prefix });

  beforeAll(async () => {
    db = await seededDatabase('wkill');
    api = await spawnApi(appEnv());
    worker = await spawnWorker(appEnv());
  });
  afterAll(async () => {
    await stopAll();
    await db?.drop();
  });

  it('seals checkpoints as one chain, without gaps or duplicates, across SIGKILLs of the worker mid-seal', async () => {
    const drums = await registerDrums(api.base, 300);
    const manifestId = await submittedManifest(api.base, drums);
    const scans = loadScans(manifestId, drums);
    // A scanner uploads batches of 10 without pause, so seals have appends in flight to wait for.
    let uploaded = 0;
    const uploader = (async () => {
      for (; uploaded < scans.length; uploaded += 10) {
        const r = await call(api.base, 'POST', '/api/v1/scans/batch', { key: 'carrier1', body: { scans: scans.slice(uploaded, uploaded + 10) } });
        expect(r.status).toBe(200);
        await sleep(50);
      }
    })();
    // Two kills, each at the moment a seal is under way if one is caught within 15 s: the worker
    // holds the sealer's advisory lock for as long as a seal runs.
    const sealing = `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                      WHERE l.locktype = 'advisory' AND a.datname = $1 AND a.application_name = 'wasteledger-worker'
                        AND l.objid::bigint = (hashtext('wasteledger.seal-checkpoint')::bigint & 4294967295)`;
    let kills = 0;
    let midSeal = 0;
    for (let k = 0; k < 2; k++) {
      const caught = await eventually(() => one<{ n: number }>(db.pool, sealing, [db.name]), (x) => x.n > 0, 15_000, 2);
      await worker.kill('SIGKILL');
      kills++;
      if (caught.n > 0) midSeal++;
      worker = await spawnWorker(appEnv());
    }
    await uploader;
    process.stdout.write(`[worker-crash] ${kills} SIGKILLs, ${midSeal} of them while a seal held its lock; ${uploaded} scans uploaded meanwhile\n`);
    expect(kills).toBe(2);
    expect(midSeal).toBeGreaterThanOrEqual(1);
    const high = await maxSeq(db.pool);
    const chain = await eventually(() => checkpointChain(db.pool), (c) => c.toSeq !== null && BigInt(c.toSeq) >= high, 60_000);
    process.stdout.write(`[worker-crash] checkpoints: ${JSON.stringify(chain)} covering seq 1..${high}\n`);
    expect(chain).toMatchObject({ gaps: 0, overlaps: 0, brokenLinks: 0 });
    expect(BigInt(chain.toSeq!)).toBeGreaterThanOrEqual(high);
    // Every event is inside exactly one checkpoint.
    const { outside } = await one<{ outside: number }>(
      db.pool,
      `SELECT count(*)::int AS outside FROM events e WHERE e.seq <= $1 AND (SELECT count(*) FROM ledger_checkpoints c WHERE e.seq BETWEEN c.from_seq AND c.to_seq) <> 1`,
      [high.toString()],
    );
    expect(outside).toBe(0);
  });

  it('opens exactly one alert per weight discrepancy when the worker is killed mid-drain', async () => {
    const drums = await registerDrums(api.base, 150);
    const manifestId = await submittedManifest(api.base, drums);
    // Arrivals weighing twice the declared 1 kg (and with no loading scan): violations on every drum.
    const arrivals = loadScans(manifestId, drums, 'kiln-gate').map((s) => ({ ...s, kind: 'arrive' as const, weightKg: 2 }));
    for (let i = 0; i < 6; i++) {
      const r = await call(api.base, 'POST', '/api/v1/scans/batch', { key: 'cementkiln', body: { scans: arrivals.slice(i * 25, i * 25 + 25) } });
      expect(r.status).toBe(200);
      expect((r.body as { accepted: number }).accepted).toBe(25);
      if (i % 3 === 0) {
        await sleep(30 + i * 40); // the NOTIFY has woken a drain; kill the worker somewhere inside it
        await worker.kill('SIGKILL');
        worker = await spawnWorker(appEnv());
      }
    }
    const ids = drums.map((d) => d.id);
    const count = (): Promise<{ n: number; subjects: number }> =>
      one(db.pool, `SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS subjects FROM alerts WHERE rule = 'WEIGHT_DISCREPANCY' AND subject_id = ANY($1)`, [ids]);
    const done = await eventually(count, (c) => c.subjects >= ids.length, 90_000);
    await sleep(3_000); // anything still to come (a duplicate) has had time to arrive
    const final = await count();
    process.stdout.write(`[worker-crash] alerts: ${JSON.stringify(final)} for ${ids.length} drums (first complete: ${JSON.stringify(done)})\n`);
    expect(final).toEqual({ n: ids.length, subjects: ids.length });
    const { dup } = await one<{ dup: number }>(db.pool, `SELECT count(*)::int AS dup FROM (SELECT 1 FROM alerts GROUP BY rule, subject_id, fingerprint HAVING count(*) > 1) d`);
    expect(dup).toBe(0);
  });
});
