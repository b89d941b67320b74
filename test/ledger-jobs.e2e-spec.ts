import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LedgerScheduler, LedgerService, LedgerWorkerModule, VerificationRecord, VerificationService } from '@app/ledger';
import { JobName, JobQueueService, QueueModule, QueueName } from '@app/queue';
import { cloneTemplate } from './support/databases';
import { testConfig } from './support/test-app';

/** The worker side: the ledger queue's processor and scheduler, on real Redis and Postgres. */
describe('Ledger jobs in the worker', () => {
  let module: TestingModule;
  let db: DataSource;
  let verification: VerificationService;
  let queues: JobQueueService;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await cloneTemplate('ledgerjobs');
    drop = database.drop;
    const config = testConfig({ DATABASE_URL: database.url });
    module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(config, 'ledger-worker-e2e'), QueueModule.forRoot(config, 'worker'), LedgerWorkerModule],
    }).compile();
    await module.init();
    db = module.get(DataSource);
    verification = module.get(VerificationService);
    queues = module.get(JobQueueService);
    const ledger = module.get(LedgerService);
    await db.transaction((m) =>
      ledger.appendMany(
        m,
        Array.from({ length: 30 }, (_, i) => ({
          subjectType: 'container',
          subjectId: randomUUID(),
          type: 'container.registered',
          actor: { organisationId: randomUUID() },
          payload: { i },
        })),
      ),
    );
  });
  afterAll(async () => {
    await queues.queue(QueueName.Ledger).obliterate({ force: true });
    await module.close();
    await drop();
  });

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await sleep(100);
    }
  }
  const finished = (r: VerificationRecord): boolean => r.status === 'ok' || r.status === 'broken' || r.status === 'failed';

  it('schedules sealing as a repeatable job', async () => {
    const scheduler = await until(
      () => queues.queue(QueueName.Ledger).getJobScheduler(LedgerScheduler.SEAL_SCHEDULER_ID),
      (s) => Boolean(s),
    );
    expect(scheduler).toMatchObject({ name: JobName.SealCheckpoint, every: 10_000 });
  });

  it('seals a checkpoint when the SealCheckpoint job runs', async () => {
    await queues.enqueue(JobName.SealCheckpoint, {});
    const rows = await until(
      () => db.query(`SELECT event_count FROM ledger_checkpoints`) as Promise<{ event_count: number }[]>,
      (r) => r.length > 0,
    );
    expect(rows).toEqual([{ event_count: 30 }]);
  });

  it('runs a requested verification and stores its result for the API', async () => {
    const requested = await verification.requestVerification({ requestedBy: 'regulator-1' });
    expect(requested.status).toBe('queued');
    const done = await until(() => verification.getVerification(requested.id), finished);
    expect(done).toMatchObject({ status: 'ok', eventsChecked: 30, checkpointsChecked: 1, requestedBy: 'regulator-1', firstBroken: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect((await verification.listVerifications())[0].id).toBe(requested.id);
  });

  it('catches up on a request whose job never reached Redis', async () => {
    const [row] = (await db.query(
      `INSERT INTO ledger_verifications (status, from_seq, to_seq, created_at) VALUES ('queued', 1, 5, now() - interval '1 hour') RETURNING id::text AS id`,
    )) as { id: string }[];
    await queues.enqueue(JobName.SealCheckpoint, {});
    const done = await until(() => verification.getVerification(row.id), finished);
    // 1..5 is widened to the whole checkpoint that holds it.
    expect(done).toMatchObject({ status: 'ok', eventsChecked: 30, fromSeq: '1', toSeq: '5' });
  });

  it('stores the broken link a verification finds', async () => {
    await db.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`UPDATE events SET payload = '{"i": 99}' WHERE seq = 7`);
    });
    const requested = await verification.requestVerification({ fromSeq: '1' });
    const done = await until(() => verification.getVerification(requested.id), finished);
    expect(done).toMatchObject({ status: 'broken', firstBroken: { seq: '7', reason: 'hash_mismatch' } });
  });

  it('does not run a finished verification twice', async () => {
    const [first] = await verification.listVerifications({ limit: 1 });
    const again = await verification.runVerification(first.id, {});
    expect(again).toEqual(first);
  });
});
