import type { Clock } from './clock.js';
import { XandrAbortedError } from './errors.js';

export type CallClass = 'read' | 'write' | 'auth';

export interface BudgetLimits {
  readsPerMinute: number;
  writesPerMinute: number;
  /** Xandr allows 15 concurrent requests per user; more answers CONCURRENCY_EXCEEDED. */
  maxInFlight: number;
  /** The length of the rolling window the limits apply to. 60 s for Xandr; tests shorten it. */
  windowMs: number;
}

/** The most conservative documented figures (xandr-api.md Part A.3). */
export const DEFAULT_LIMITS: BudgetLimits = { readsPerMinute: 100, writesPerMinute: 60, maxInFlight: 15, windowMs: 60_000 };

/**
 * A slot stays charged from the moment it is taken until `window` after its response arrived (plus a
 * small margin). The server counted the request at some instant between our send and our receive, so
 * charging it from the receive time means that no rolling window on the server side can ever see more
 * than the limit: that is how a normal run never causes a 429.
 */
const MARGIN_MS = 10;

interface ClassState {
  limit: number;
  /** Expiry times of completed slots, in order (completion times only ever grow). */
  expiries: number[];
  head: number;
  pending: number;
  blockedUntil: number;
}

interface Waiter {
  cls: CallClass;
  resolve: (slot: Slot) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface Slot {
  /** Call exactly once when the response (or the failure) has arrived. */
  release(): void;
}

export class RateBudget {
  readonly limits: BudgetLimits;
  private inFlight = 0;
  private readonly classes: Record<'read' | 'write', ClassState>;
  private readonly waiters: Waiter[] = [];
  private timer: AbortController | null = null;
  private timerAt = Infinity;
  /** Counters for reports: how many slots were taken per class. */
  readonly taken = { read: 0, write: 0, auth: 0 };

  constructor(limits: Partial<BudgetLimits>, private readonly clock: Clock) {
    this.limits = { ...DEFAULT_LIMITS, ...stripUndefined(limits) };
    if (this.limits.maxInFlight < 1 || this.limits.readsPerMinute < 1 || this.limits.writesPerMinute < 1) {
      throw new RangeError('rate budget limits must be at least 1');
    }
    const state = (limit: number): ClassState => ({ limit, expiries: [], head: 0, pending: 0, blockedUntil: 0 });
    this.classes = { read: state(this.limits.readsPerMinute), write: state(this.limits.writesPerMinute) };
  }

  acquire(cls: CallClass, signal?: AbortSignal): Promise<Slot> {
    if (signal?.aborted) return Promise.reject(new XandrAbortedError('cancelled while waiting for the rate budget'));
    if (this.waiters.length === 0 && this.canTake(cls, this.clock.now())) return Promise.resolve(this.take(cls));
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = { cls, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new XandrAbortedError('cancelled while waiting for the rate budget'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** After a 429, nothing of that class is sent before `untilMs` (Retry-After). */
  block(cls: 'read' | 'write', untilMs: number): void {
    const state = this.classes[cls];
    state.blockedUntil = Math.max(state.blockedUntil, untilMs);
  }

  /** Roughly how long `count` more calls of a class will take at this budget (for progress ETAs). */
  estimateMs(cls: 'read' | 'write', count: number): number {
    const state = this.classes[cls];
    this.expire(state, this.clock.now());
    const free = Math.max(0, state.limit - this.used(state));
    if (count <= free) return 0;
    return Math.ceil((count - free) / state.limit) * this.limits.windowMs;
  }

  private used(state: ClassState): number {
    return state.expiries.length - state.head + state.pending;
  }

  private expire(state: ClassState, now: number): void {
    while (state.head < state.expiries.length && state.expiries[state.head]! <= now) state.head++;
    if (state.head > 1024 && state.head * 2 > state.expiries.length) {
      state.expiries = state.expiries.slice(state.head);
      state.head = 0;
    }
  }

  private canTake(cls: CallClass, now: number): boolean {
    if (this.inFlight >= this.limits.maxInFlight) return false;
    if (cls === 'auth') return true;
    const state = this.classes[cls];
    if (now < state.blockedUntil) return false;
    this.expire(state, now);
    return this.used(state) < state.limit;
  }

  private take(cls: CallClass): Slot {
    this.inFlight++;
    this.taken[cls]++;
    const state = cls === 'auth' ? null : this.classes[cls];
    if (state) state.pending++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        if (state) {
          state.pending--;
          state.expiries.push(this.clock.now() + this.limits.windowMs + MARGIN_MS);
        }
        this.pump();
      },
    };
  }

  private pump(): void {
    const now = this.clock.now();
    for (let i = 0; i < this.waiters.length; ) {
      const waiter = this.waiters[i]!;
      if (this.inFlight >= this.limits.maxInFlight) break;
      if (this.canTake(waiter.cls, now)) {
        this.waiters.splice(i, 1);
        if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve(this.take(waiter.cls));
      } else {
        i++;
      }
    }
    this.schedule(now);
  }

  /** Wakes the queue when the earliest charged slot of a waiting class expires, or a block ends. */
  private schedule(now: number): void {
    let wakeAt = Infinity;
    for (const cls of ['read', 'write'] as const) {
      if (!this.waiters.some((w) => w.cls === cls)) continue;
      const state = this.classes[cls];
      if (state.blockedUntil > now) wakeAt = Math.min(wakeAt, state.blockedUntil);
      else if (state.head < state.expiries.length && this.used(state) >= state.limit) {
        wakeAt = Math.min(wakeAt, state.expiries[state.head]!);
      }
    }
    if (wakeAt === this.timerAt) return;
    this.timer?.abort();
    this.timer = null;
    this.timerAt = wakeAt;
    if (wakeAt === Infinity) return;
    const controller = new AbortController();
    this.timer = controller;
    this.clock.sleep(wakeAt - now, controller.signal).then(
      () => {
        if (this.timer !== controller) return;
        this.timer = null;
        this.timerAt = Infinity;
        this.pump();
      },
      () => undefined,
    );
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
