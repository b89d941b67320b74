import type { INestApplicationContext } from '@nestjs/common';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { ContainersService } from '@app/containers';
import { JobName, JobQueueService } from '@app/queue';
import { LedgerDrain, RULE_LIST, SweepService, startReconciliationWorker } from '@app/reconciliation';
import { runSeeds } from '../seeds/run';
import { FACILITY, bearer, medicalBag, org } from './support/demo';
import { TestApp, startTestApp, testConfig } from './support/test-app';

/**
 * The worker side under stress: down while events arrive, without Redis, transactions committing out
 * of seq order, and jobs that crash half-way and run again. Postgres is the record; the queue only
 * wakes workers up.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP proxy to Redis on a port of its own: stopping it is, for whoever connects through it, Redis going down. */
async function redisProxy(target: URL): Promise<{ url: string; stop: () => Promise<void>; start: () => Promise<void>; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const start = (): Promise<void> =>
    new Promise((resolve) => {
      if (server) return resolve();
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await start();
  const url = new URL(target.toString());
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), stop, start, close: stop };
}
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();

describe('reconciliation worker', () => {
  let t: TestApp;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    t = await startTestApp('recworker');
    await runSeeds(t.config.databaseUrl, { quiet: true });
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await t.close();
  });

  async function startWorker(env: Record<string, string> = {}, overrides: Parameters<typeof startReconciliationWorker>[1] = {}): Promise<INestApplicationContext> {
    const w = await startReconciliationWorker(testConfig({ DATABASE_URL: t.config.databaseUrl, QUEUE_PREFIX: t.config.queuePrefix, ...env }), {
      schedule: false,
      ...overrides,
    });
    workers.push(w);
    return w;
  }
  async function stop(w: INestApplicationContext): Promise<void> {
    workers.splice(workers.indexOf(w), 1);
    await w.close();
  }

  /** A medical bag generated three days ago: STORED_TOO_LONG as soon as reconciliation sees it. */
  async function staleBag(): Promise<string> {
    const res = await t.http().post('/api/v1/containers').set('Authorization', bearer('hospital')).send({ containers: [medicalBag({ generatedAt: daysAgo(3) })] }).expect(201);
    return res.body.containers[0].id as string;
  }
  async function alertsAbout(subjectId: string): Promise<{ id: string; rule: string; status: string }[]> {
    return (await t.db.query(`SELECT id, rule, status FROM alerts WHERE subject_id = $1 ORDER BY opened_at`, [subjectId])) as { id: string; rule: string; status: string }[];
  }
  async function waitForAlert(subjectId: string, ms = 5_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if ((await alertsAbout(subjectId)).length) return true;
      await sleep(50);
    }
    return false;
  }
  const counts = async (): Promise<{ open: number; opened: number; alerts: number }> => {
    const [row] = (await t.db.query(
      `SELECT (SELECT count(*)::int FROM alerts WHERE status <> 'resolved') AS open,
              (SELECT count(*)::int FROM alerts) AS alerts,
              (SELECT count(*)::int FROM events WHERE type = 'alert.opened') AS opened`,
    )) as { open: number; opened: number; alerts: number }[];
    return row;
  };

  it('catches up from the cursor in Postgres when it starts after events arrived', async () => {
    const bag = await staleBag();
    await sleep(1_000);
    expect(await alertsAbout(bag)).toEqual([]);

    const w = await startWorker();
    expect(await waitForAlert(bag)).toBe(true);
    expect((await alertsAbout(bag)).map((a) => a.rule)).toEqual(['STORED_TOO_LONG']);
    await stop(w);
  });

  it('keeps raising alerts while its Redis is stopped, and catches up by the poll once Redis is back', async () => {
    // The worker's own Redis, behind a proxy this test can stop and start (the shared Redis stays up).
    const redis = await redisProxy(new URL(t.config.redisUrl));
    try {
      const w = await startWorker({ REDIS_URL: redis.url }, { enqueueTimeoutMs: 300 });
      await redis.stop();
      // No queue: the listener's wake-up cannot become a job, so the worker drains in-process.
      const bag = await staleBag();
      expect(await waitForAlert(bag)).toBe(true);
      await redis.start();
      await stop(w);

      // No listener either: only the repeatable poll drains, and it needs Redis.
      const polled = await startWorker({ REDIS_URL: redis.url }, { listen: false, schedule: true, pollEveryMs: 300, timeSweepEveryMs: 3_600_000, fullSweepEveryMs: 3_600_000 });
      await sleep(500);
      await redis.stop();
      await sleep(1_000); // a poll job already running when Redis went away may still finish
      const later = await staleBag();
      await sleep(1_500);
      expect(await alertsAbout(later)).toEqual([]);
      await redis.start();
      expect(await waitForAlert(later, 15_000)).toBe(true);
      expect((await alertsAbout(later)).map((a) => a.rule)).toEqual(['STORED_TOO_LONG']);
      await stop(polled);
    } finally {
      // Workers cannot shut down cleanly while their Redis is away: bring it back first.
      await redis.start();
      for (const w of workers.splice(0)) await w.close();
      await redis.close();
    }
  });

  it('does not skip an event that commits after a later one (seq order is not commit order)', async () => {
    const w = await startWorker();
    const containers = t.app.get(ContainersService);
    const actor = { organisationId: org('hospital'), userId: '00000000-0000-4000-8000-000000000201' };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let slowId = '';
    // T1 draws its seq first and commits last. (Another day than the API's bag below, so that the two
    // registrations do not queue on the same container-code sequence row.)
    const slow = t.db.transaction(async (m) => {
      const [bag] = await containers.registerIn(m, actor, [medicalBag({ generatedAt: daysAgo(4) }) as never], FACILITY.hospital);
      slowId = bag.id;
      await held;
    });
    await sleep(200);
    const fast = await staleBag();
    expect(slowId).not.toBe('');
    expect(await waitForAlert(fast)).toBe(true);
    const [{ seq }] = (await t.db.query(`SELECT max(seq)::text AS seq FROM events WHERE subject_id = $1`, [fast])) as { seq: string }[];
    const [cursor] = (await t.db.query(`SELECT last_seq::text FROM reconciliation_cursor WHERE name = 'ledger'`)) as { last_seq: string }[];
    expect(BigInt(cursor.last_seq)).toBeLessThan(BigInt(seq));

    release();
    await slow;
    expect(await waitForAlert(slowId)).toBe(true);
    await w.get(LedgerDrain).drain();
    await w.get(LedgerDrain).drain();
    const [after] = (await t.db.query(`SELECT last_seq::text FROM reconciliation_cursor WHERE name = 'ledger'`)) as { last_seq: string }[];
    expect(BigInt(after.last_seq)).toBeGreaterThanOrEqual(BigInt(seq));
    await stop(w);
  });

  it('re-reading the ledger after a crash before the cursor was saved changes nothing', async () => {
    const w = await startWorker();
    const bag = await staleBag();
    expect(await waitForAlert(bag)).toBe(true);
    await w.get(LedgerDrain).drain();
    await stop(w);
    const before = await counts();

    // As if the worker had died after committing its alerts but before saving the cursor.
    await t.db.query(`UPDATE reconciliation_cursor SET last_seq = 0, pending_seq = NULL, pending_writers = NULL`);
    const again = await startWorker();
    await again.get(LedgerDrain).drain();
    expect(await counts()).toEqual(before);
    expect(before.opened).toBe(before.alerts);
    await stop(again);
  });

  it('a sweep job that crashes half-way is retried by the queue and leaves no duplicate alert', async () => {
    // Situations only a sweep finds: bags whose three days passed without an event.
    const bags = [await staleBag(), await staleBag()];
    await t.db.query(`UPDATE alerts SET status = 'resolved', resolved_at = now(), resolved_automatically = true WHERE subject_id = ANY($1)`, [bags]);
    await t.db.query(`UPDATE containers SET generated_at = now() - interval '4 days', updated_at = now() - interval '10 days' WHERE id = ANY($1)`, [bags]);

    const w = await startWorker({}, { listen: false });
    const sweeps = w.get(SweepService);
    const real = sweeps.sweepRule.bind(sweeps);
    let calls = 0;
    const spy = jest.spyOn(sweeps, 'sweepRule').mockImplementation(async (rule) => {
      const result = await real(rule);
      // The first attempt dies after committing about half the rules.
      if (++calls === Math.ceil(RULE_LIST.length / 2)) throw new Error('worker killed');
      return result;
    });
    await w.get(JobQueueService).enqueue(JobName.Sweep, {}, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    const deadline = Date.now() + 20_000;
    while (calls < Math.ceil(RULE_LIST.length / 2) + RULE_LIST.length && Date.now() < deadline) await sleep(100);
    await sleep(300);
    spy.mockRestore();
    expect(calls).toBe(Math.ceil(RULE_LIST.length / 2) + RULE_LIST.length);

    // Run twice more, at the same time, for good measure.
    await Promise.all([sweeps.sweep(), sweeps.sweep()]);
    for (const bag of bags) {
      const open = (await alertsAbout(bag)).filter((a) => a.status !== 'resolved').map((a) => a.rule).sort();
      expect(open).toEqual(['ORPHAN_CONTAINER', 'STORED_TOO_LONG']);
    }
    const after = await counts();
    expect(after.opened).toBe(after.alerts);
    const [{ dup }] = (await t.db.query(
      `SELECT count(*)::int AS dup FROM (SELECT rule, subject_id FROM alerts WHERE status <> 'resolved' GROUP BY 1, 2 HAVING count(*) > 1) d`,
    )) as { dup: number }[];
    expect(dup).toBe(0);
    await stop(w);
  });
});
