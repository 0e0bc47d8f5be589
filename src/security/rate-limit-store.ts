import type { ClientRateLimitInfo, Options, Store as RateLimitStore } from 'express-rate-limit';
import type { Store } from '../store/store';

/**
 * express-rate-limit's counter in the service's store, so that several instances on one PostgreSQL share one
 * limit per issuer (fixed windows of `windowMs`). With SQLite (one instance) it is the same table.
 *
 * @example rateLimit({ windowMs: 60_000, limit, store: new SharedRateLimitStore(store) })
 */
export class SharedRateLimitStore implements RateLimitStore {
  private windowMs = 60_000;
  readonly localKeys = false;

  constructor(private readonly store: Store) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const windowStart = Math.floor(Date.now() / this.windowMs) * this.windowMs;
    const totalHits = await this.store.countHit(key, windowStart);
    return { totalHits, resetTime: new Date(windowStart + this.windowMs) };
  }

  async decrement(): Promise<void> {
    // Not used: every request counts (skipFailedRequests and skipSuccessfulRequests are off).
  }

  async resetKey(): Promise<void> {
    // Windows expire by themselves.
  }
}
