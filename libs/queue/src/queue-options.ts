import type { ConnectionOptions, DefaultJobOptions, WorkerOptions } from 'bullmq';
import { QueueName } from './job-catalog';

/** Attempts, backoff and retention for every queue, in one place. */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, DefaultJobOptions> = {
  [QueueName.Ledger]: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { count: 1_000 },
    removeOnFail: { count: 5_000 },
  },
  [QueueName.Reconciliation]: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { count: 1_000 },
    removeOnFail: { count: 5_000 },
  },
  [QueueName.Webhooks]: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { count: 5_000 },
    removeOnFail: { count: 20_000 },
  },
};

export const WORKER_OPTIONS: Record<QueueName, Pick<WorkerOptions, 'concurrency' | 'lockDuration'>> = {
  // 2: a long verification must not hold up sealing (sealing's advisory lock keeps seals to one at a time).
  [QueueName.Ledger]: { concurrency: 2, lockDuration: 120_000 },
  // 2: a sweep must not hold up the drain (the drain's advisory lock keeps drains to one at a time).
  [QueueName.Reconciliation]: { concurrency: 2, lockDuration: 60_000 },
  [QueueName.Webhooks]: { concurrency: 8, lockDuration: 30_000 },
};

/** ioredis options from a redis:// URL. */
export function redisConnection(redisUrl: string, role: 'producer' | 'worker'): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // Workers block on Redis and must wait for it; producers must fail fast instead, because the
    // database, not the queue, records what happened and the workers catch up from it.
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times: number) => Math.min(times * 200, 5_000),
  };
}
