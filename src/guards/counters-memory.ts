/**
 * The counters of one process (the default, and the fail-open fallback when Redis is away).
 * JavaScript runs one callback at a time, so each check-and-update is atomic here by itself.
 */
import type { Counters } from './counters.js';

/** Expired `once` entries are swept when the map has grown past this many since the last sweep. */
const SWEEP_FLOOR = 10_000;

export class MemoryCounters implements Counters {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly counts = new Map<string, { used: number; until: number }>();
  private readonly seen = new Map<string, number>();
  private sweepAt = SWEEP_FLOOR;

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, limit: number, seconds: number): Promise<boolean> {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit, at: now };
    const refilled = bucket.tokens + (Math.max(0, now - bucket.at) * limit) / (seconds * 1000);
    bucket.tokens = Math.min(limit, refilled);
    bucket.at = Math.max(bucket.at, now);
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  async spend(key: string, cost: number, limit: number, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    let count = this.counts.get(key);
    if (!count || count.until <= now) {
      count = { used: 0, until: now + ttlSeconds * 1000 };
      this.counts.set(key, count);
    }
    if (count.used + cost > limit) return false;
    count.used += cost;
    return true;
  }

  async once(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + ttlSeconds * 1000);
    if (this.seen.size >= this.sweepAt) {
      for (const [k, u] of this.seen) if (u <= now) this.seen.delete(k);
      this.sweepAt = Math.max(SWEEP_FLOOR, this.seen.size * 2);
    }
    return true;
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.counts.clear();
    this.seen.clear();
  }
}
