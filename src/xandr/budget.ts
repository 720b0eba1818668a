import type { Clock } from '../core/clock.js';
import { XandrAbortedError } from './xandr-errors.js';

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
export const DEFAULT_BUDGET: BudgetLimits = { readsPerMinute: 100, writesPerMinute: 60, maxInFlight: 15, windowMs: 60_000 };

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
  /** Arrival order across classes: the earliest waiter that may go, goes first. */
  seq: number;
  resolve: (slot: Slot) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Served, or aborted while queued (then skipped when it reaches the head of its queue). */
  gone?: boolean;
}

/**
 * Waiters of one class in arrival order. An apply queues every write of a wave at once (thousands), so
 * taking from the head and leaving must not cost a scan or a splice of the whole queue.
 */
class WaiterQueue {
  private items: Waiter[] = [];
  private head = 0;
  /** Waiters queued and not aborted. */
  size = 0;

  push(waiter: Waiter): void {
    this.items.push(waiter);
    this.size++;
  }

  /** The earliest waiter still waiting, or undefined. */
  peek(): Waiter | undefined {
    while (this.head < this.items.length && this.items[this.head]!.gone) this.head++;
    this.compact();
    return this.items[this.head];
  }

  shift(): Waiter | undefined {
    const waiter = this.peek();
    if (waiter) {
      this.items[this.head++] = undefined as unknown as Waiter;
      this.size--;
      // Served: a late abort must not count it out of the queue a second time.
      waiter.gone = true;
    }
    return waiter;
  }

  /** An aborted waiter leaves in O(1); its entry is skipped later. */
  remove(waiter: Waiter): boolean {
    if (waiter.gone) return false;
    waiter.gone = true;
    this.size--;
    return true;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export interface Slot {
  /** Call exactly once when the response (or the failure) has arrived. */
  release(): void;
}

export class RateBudget {
  readonly limits: BudgetLimits;
  private inFlight = 0;
  private readonly classes: Record<'read' | 'write', ClassState>;
  private readonly queues: Record<CallClass, WaiterQueue> = { read: new WaiterQueue(), write: new WaiterQueue(), auth: new WaiterQueue() };
  private seq = 0;
  private timer: AbortController | null = null;
  private timerAt = Infinity;
  /** Counters for reports: how many slots were taken per class. */
  readonly taken = { read: 0, write: 0, auth: 0 };
  /** Told when waiters must wait for the window (progress says so, with the time). */
  onWait: (cls: 'read' | 'write', untilMs: number) => void = () => undefined;

  constructor(limits: Partial<BudgetLimits>, private readonly clock: Clock) {
    this.limits = { ...DEFAULT_BUDGET, ...stripUndefined(limits) };
    if (this.limits.maxInFlight < 1 || this.limits.readsPerMinute < 1 || this.limits.writesPerMinute < 1) {
      throw new RangeError('rate budget limits must be at least 1');
    }
    const state = (limit: number): ClassState => ({ limit, expiries: [], head: 0, pending: 0, blockedUntil: 0 });
    this.classes = { read: state(this.limits.readsPerMinute), write: state(this.limits.writesPerMinute) };
  }

  acquire(cls: CallClass, signal?: AbortSignal): Promise<Slot> {
    if (signal?.aborted) return Promise.reject(new XandrAbortedError('cancelled while waiting for the rate budget'));
    if (this.waiting() === 0 && this.canTake(cls, this.clock.now())) return Promise.resolve(this.take(cls));
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = { cls, seq: this.seq++, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          this.queues[cls].remove(waiter);
          reject(new XandrAbortedError('cancelled while waiting for the rate budget'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queues[cls].push(waiter);
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

  private waiting(): number {
    return this.queues.read.size + this.queues.write.size + this.queues.auth.size;
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

  /**
   * Hands out slots to the earliest waiters whose class may go now. A class that cannot take a slot stays
   * unable to for the rest of this pass (taking only uses the budget up), so each pass looks at the heads
   * of the three queues only, not at every waiter.
   */
  private pump(): void {
    const now = this.clock.now();
    const blocked = new Set<CallClass>();
    while (this.inFlight < this.limits.maxInFlight) {
      let next: Waiter | undefined;
      for (const cls of ['read', 'write', 'auth'] as const) {
        if (blocked.has(cls)) continue;
        const head = this.queues[cls].peek();
        if (head && (!next || head.seq < next.seq)) next = head;
      }
      if (!next) break;
      if (!this.canTake(next.cls, now)) {
        blocked.add(next.cls);
        continue;
      }
      this.queues[next.cls].shift();
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(this.take(next.cls));
    }
    this.schedule(now);
  }

  /** Wakes the queue when the earliest charged slot of a waiting class expires, or a block ends. */
  private schedule(now: number): void {
    let wakeAt = Infinity;
    let waiting: 'read' | 'write' | null = null;
    for (const cls of ['read', 'write'] as const) {
      if (this.queues[cls].size === 0) continue;
      const state = this.classes[cls];
      const until = state.blockedUntil > now ? state.blockedUntil : state.head < state.expiries.length && this.used(state) >= state.limit ? state.expiries[state.head]! : Infinity;
      if (until < wakeAt) {
        wakeAt = until;
        waiting = cls;
      }
    }
    if (wakeAt === this.timerAt) return;
    if (waiting && wakeAt !== Infinity) this.onWait(waiting, wakeAt);
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
