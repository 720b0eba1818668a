export interface RetryPolicy {
  /** Attempts for transient failures (5xx, SYSTEM, network), the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Total time a single call may spend retrying, throttling waits included. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 20_000, maxElapsedMs: 10 * 60_000 };

/**
 * "Full jitter" exponential backoff: a uniformly random delay between 0 and base * 2^attempt (capped), so
 * that many clients failing together do not retry together.
 */
export function backoffDelay(policy: RetryPolicy, failures: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}
