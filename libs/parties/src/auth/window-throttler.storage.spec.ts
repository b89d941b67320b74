import { WindowThrottlerStorage } from './window-throttler.storage';

describe('WindowThrottlerStorage', () => {
  const MINUTE = 60_000;
  let clock: number;
  let storage: WindowThrottlerStorage;
  const hit = (key = 'token:a', limit = 5) => storage.increment(key, MINUTE, limit, MINUTE, 'default');

  beforeEach(() => {
    clock = 10 * MINUTE; // the start of a window
    storage = new WindowThrottlerStorage(() => clock);
  });
  afterEach(() => storage.onApplicationShutdown());

  it('lets the limit through and refuses the next call, per caller', async () => {
    for (let i = 1; i <= 5; i++) expect(await hit()).toMatchObject({ totalHits: i, isBlocked: false });
    const refused = await hit();
    expect(refused.isBlocked).toBe(true);
    expect(refused.timeToBlockExpire).toBe(60);
    expect((await hit('token:b')).isBlocked).toBe(false);
  });

  it('stays blocked for the block duration, then counts afresh', async () => {
    for (let i = 0; i < 6; i++) await hit();
    clock += 59_000;
    expect((await hit()).isBlocked).toBe(true);
    clock += 2_000;
    // Two windows on from the burst, nothing of it overlaps the sliding window any more.
    clock += MINUTE;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('without a block duration, refuses only while over the limit', async () => {
    for (let i = 0; i < 5; i++) await storage.increment('token:a', MINUTE, 5, 0, 'default');
    expect((await storage.increment('token:a', MINUTE, 5, 0, 'default')).isBlocked).toBe(true);
    clock += 2 * MINUTE;
    expect((await storage.increment('token:a', MINUTE, 5, 0, 'default')).isBlocked).toBe(false);
  });

  it('weights the previous window by how much of it the sliding window still covers', async () => {
    for (let i = 0; i < 4; i++) await hit('token:a', 10);
    clock += MINUTE + MINUTE / 4; // a quarter into the next window: 3/4 of the previous one still counts
    expect((await hit('token:a', 10)).totalHits).toBe(Math.floor(4 * 0.75) + 1);
  });

  it('forgets callers idle for two windows, and keeps a block until it ends', async () => {
    await hit('token:idle');
    for (let i = 0; i < 6; i++) await hit('token:blocked', 5);
    clock += 2 * MINUTE;
    storage.evictIdle();
    expect(storage.size).toBe(0);
    for (let i = 0; i < 6; i++) await storage.increment('token:long', MINUTE, 5, 10 * MINUTE, 'default');
    clock += 3 * MINUTE;
    storage.evictIdle();
    expect(storage.size).toBe(1);
    expect((await storage.increment('token:long', MINUTE, 5, 10 * MINUTE, 'default')).isBlocked).toBe(true);
  });

  it('keeps one counter per caller however busy it is', async () => {
    // 100,000 calls in one window with a high limit: the state stays one counter.
    for (let i = 0; i < 100_000; i++) await hit('token:busy', 1_000_000);
    expect(storage.size).toBe(1);
    expect((await hit('token:busy', 1_000_000)).totalHits).toBe(100_001);
  });
});
