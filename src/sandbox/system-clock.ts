/**
 * The sandbox's default clock: real time. Every time-related rule of the sandbox (token expiry, login and
 * rate windows, Retry-After, latency and delay faults, every timestamp it writes) asks a SandboxClock, so a
 * test can pass a fake one and move time by hand instead of sleeping.
 */
import type { SandboxClock } from './types.js';

export const systemClock: SandboxClock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
