import Redis from 'ioredis';

/** One PING over a short-lived connection, bounded in time: the answer to "is Redis there?". */
export async function pingRedis(redisUrl: string, timeoutMs = 1_500): Promise<void> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
  } finally {
    client.disconnect();
  }
}
