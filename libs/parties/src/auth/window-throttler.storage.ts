import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Counter {
  /** Index of the current window: floor(time / ttl). */
  window: number;
  current: number;
  previous: number;
  blockedUntil: number;
  /** After this the counter is empty (two windows without a hit) and no block is in force. */
  idleAfter: number;
}

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Rate-limit counters in constant time and memory per caller: a sliding-window counter (the
 * current fixed window's hits plus the previous window's, weighted by how much of it still
 * overlaps the sliding window). The library's default storage keeps every hit's timestamp and
 * filters the list on every request, which costs O(limit) per request for a busy token: a scanner
 * uploading all day at the default 6,000 a minute would pay for 6,000 entries on each call.
 *
 * Counters are per API process, like the default storage's.
 */
export class WindowThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly counters = new Map<string, Counter>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Forget callers idle for two windows; the longest window here is a minute.
    this.sweep = setInterval(() => this.evictIdle(), 60_000);
    this.sweep.unref();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const window = Math.floor(now / ttl);
    const id = `${throttlerName}\u0000${key}`;
    let c = this.counters.get(id);
    if (!c) {
      c = { window, current: 0, previous: 0, blockedUntil: 0, idleAfter: 0 };
      this.counters.set(id, c);
    } else if (c.window !== window) {
      c.previous = c.window === window - 1 ? c.current : 0;
      c.current = 0;
      c.window = window;
    }
    const timeToExpire = Math.ceil(((window + 1) * ttl - now) / 1000);
    c.idleAfter = Math.max(c.blockedUntil, (window + 2) * ttl);
    if (c.blockedUntil > now) {
      return Promise.resolve({ totalHits: limit + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((c.blockedUntil - now) / 1000) });
    }
    c.current++;
    const overlap = 1 - (now - window * ttl) / ttl;
    const totalHits = Math.floor(c.previous * overlap) + c.current;
    if (totalHits > limit) {
      // The refused hit does not count: a blocked caller is not charged for being told so.
      c.current--;
      // Without a block duration the caller is only refused while over the limit (as the library does).
      if (blockDuration <= 0) return Promise.resolve({ totalHits, timeToExpire, isBlocked: true, timeToBlockExpire: timeToExpire });
      c.blockedUntil = now + blockDuration;
      c.idleAfter = Math.max(c.idleAfter, c.blockedUntil);
      return Promise.resolve({ totalHits, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((c.blockedUntil - now) / 1000) });
    }
    return Promise.resolve({ totalHits, timeToExpire, isBlocked: false, timeToBlockExpire: 0 });
  }

  /** Counters in memory (for tests and metrics). */
  get size(): number {
    return this.counters.size;
  }

  /** Forgets the callers whose counters have emptied. */
  evictIdle(): void {
    const now = this.now();
    for (const [id, c] of this.counters) if (c.idleAfter <= now) this.counters.delete(id);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }
}
