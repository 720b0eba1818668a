import { Prng } from '../../src/sandbox/random.js';
import type { Clock } from '../../src/core/clock.js';

/**
 * A clock the test moves by hand. Sleepers wake in time order when `advance` passes their deadline;
 * `advance` yields to the microtask queue between wake-ups so that woken code can schedule more sleeps.
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: { at: number; resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal }[] = [];

  constructor(start = 1_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      // The listener leaves with the sleeper, so a loop that sleeps on one signal does not pile them up.
      const sleeper = {
        at: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
        signal,
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get pending(): number {
    return this.sleepers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.current = Math.max(this.current, next.at);
      next.resolve();
    }
    this.current = target;
    await flushMicrotasks();
  }
}

export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A deterministic source of randomness for jitter and property tests (the sandbox's mulberry32). */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/**
 * Runs `work` while moving the fake clock forward `stepMs` at a time, with a real millisecond between steps
 * for sockets to move: the client and the sandbox share the clock, so a Retry-After, a rate window or a
 * delay fault passes in fake time while the test takes a few real milliseconds.
 */
export async function drive<T>(clock: FakeClock, work: Promise<T>, stepMs = 50, maxSteps = 20_000): Promise<T> {
  let settled = false;
  const watched = work.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let step = 0; !settled; step++) {
    if (step === maxSteps) throw new Error(`drive: still running after ${(maxSteps * stepMs) / 1000} s of fake time`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (!settled) await clock.advance(stepMs);
  }
  return watched;
}
