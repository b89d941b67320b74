import { Test, TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LedgerWorkerModule, VerificationService } from '@app/ledger';
import { JobQueueService, QueueModule, QueueName } from '@app/queue';
import { cloneTemplate } from './support/databases';
import { testConfig } from './support/test-app';

/**
 * QUEUE_HASH_TAGS, for Redis Cluster: every key of a queue carries the queue's own hash tag, and
 * producers and workers still meet (a verification requested is run by the worker).
 */
describe('queues with hash-tagged prefixes', () => {
  let module: TestingModule;
  let redis: Redis;
  let drop: () => Promise<void>;
  let prefix: string;

  beforeAll(async () => {
    const database = await cloneTemplate('queuehashtags');
    drop = database.drop;
    const config = testConfig({ DATABASE_URL: database.url, QUEUE_HASH_TAGS: 'true' });
    prefix = config.queuePrefix;
    module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(config, 'queue-hash-tags-e2e'), QueueModule.forRoot(config, 'worker'), LedgerWorkerModule],
    }).compile();
    await module.init();
    redis = new Redis(config.redisUrl);
  });
  afterAll(async () => {
    await module.get(JobQueueService).queue(QueueName.Ledger).obliterate({ force: true });
    await module.close();
    await redis.quit();
    await drop();
  });

  it("keeps each queue's keys under its own hash tag, and the worker still runs what the API asks", async () => {
    const verification = module.get(VerificationService);
    const requested = await verification.requestVerification({ requestedBy: 'hash-tags' });
    let record = await verification.getVerification(requested.id);
    for (const deadline = Date.now() + 20_000; record.status !== 'ok' && Date.now() < deadline; ) {
      await sleep(100);
      record = await verification.getVerification(requested.id);
    }
    expect(record.status).toBe('ok');

    const keys = await redis.keys(`*${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(new RegExp(`^\\{${prefix}-[a-z-]+\\}:`));
    expect(keys.some((k) => k.startsWith(`{${prefix}-${QueueName.Ledger}}:${QueueName.Ledger}:`))).toBe(true);
  });

  it('refuses a malformed QUEUE_HASH_TAGS at boot, naming the variable', () => {
    expect(() => testConfig({ QUEUE_HASH_TAGS: 'yes' })).toThrow(/QUEUE_HASH_TAGS/);
  });
});
