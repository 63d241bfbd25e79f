/**
 * The counters behind the rate, quota and replay guards: in memory by default (one instance),
 * in Redis when REDIS_URL is set (every instance shares them). Each operation is one atomic
 * check-and-update, so concurrent callers, on one instance or many, never both get the last
 * token, the last unit of quota or the same signature.
 */
export interface Counters {
  /**
   * Takes one token from the bucket `key`, which holds at most `limit` tokens and gains `limit`
   * every `seconds` (continuously). False, taking nothing, when less than one token is left.
   */
  take(key: string, limit: number, seconds: number): Promise<boolean>;
  /**
   * Adds `cost` to the count `key` unless the count would then pass `limit`; false, adding
   * nothing, when it would. A count lives `ttlSeconds` from its first unit.
   */
  spend(key: string, cost: number, limit: number, ttlSeconds: number): Promise<boolean>;
  /** True the first time `key` is presented within `ttlSeconds`, false every later time. */
  once(key: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}
