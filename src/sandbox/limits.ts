/**
 * Per-user rate limits over a rolling window (reads = GET, writes = POST/PUT/DELETE) and the in-flight count.
 * Xandr answers a request over the limit with 429 and `Retry-After`: the seconds until the window frees a
 * slot (api-usage-constraints.md).
 */
import { ApiError } from './api-error.js';
import type { SandboxLimits } from './types.js';

export type RequestKind = 'read' | 'write';

/** 1000 reads and 60 writes per minute as in Xandr's documented 429 example; 15 in flight; 10 logins per 5 min. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  reads: 1000,
  writes: 60,
  windowMs: 60_000,
  maxInFlight: 15,
  logins: 10,
  loginWindowMs: 300_000,
};

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  /** Throws the RATE_EXCEEDED error when the user has no slot left in the window. */
  check(username: string, kind: RequestKind, now: number, limits: SandboxLimits): void {
    const limit = kind === 'read' ? limits.reads : limits.writes;
    const times = this.recent(username, kind, now, limits.windowMs);
    if (times.length < limit) return;
    // The slot frees when the oldest request that keeps us at the limit leaves the window.
    const freesAt = (times[times.length - limit] ?? now) + limits.windowMs;
    const retryAfter = Math.max(1, Math.ceil((freesAt - now) / 1000));
    const seconds = +(limits.windowMs / 1000).toFixed(3);
    throw new ApiError(
      'RATE',
      `You have exceeded your request limit of ${limit} per ${seconds} seconds for this user, please wait and try again or contact AppNexus for higher limits`,
      'RATE_EXCEEDED',
      { retryAfter, description: 'rate limit has been exceeded' },
    );
  }

  record(username: string, kind: RequestKind, now: number): void {
    const key = `${kind}:${username}`;
    const times = this.windows.get(key);
    if (times) times.push(now);
    else this.windows.set(key, [now]);
  }

  /** Counts a request in flight; returns the user's count including it. */
  enter(username: string): number {
    const n = (this.inFlight.get(username) ?? 0) + 1;
    this.inFlight.set(username, n);
    return n;
  }

  leave(username: string): void {
    const n = (this.inFlight.get(username) ?? 1) - 1;
    if (n > 0) this.inFlight.set(username, n);
    else this.inFlight.delete(username);
  }

  /** Forgets the windows (reset); requests in flight stay counted until they end. */
  clear(): void {
    this.windows.clear();
  }

  private recent(username: string, kind: RequestKind, now: number, windowMs: number): number[] {
    const key = `${kind}:${username}`;
    const times = this.windows.get(key) ?? [];
    let drop = 0;
    while (drop < times.length && (times[drop] ?? 0) <= now - windowMs) drop++;
    if (drop) times.splice(0, drop);
    this.windows.set(key, times);
    return times;
  }
}
