import { systemClock, type Clock } from '../core/clock.js';
import { ConnectionKeeper } from './connections.js';
import { runCycle, type CycleDeps } from './cycle.js';
import { decideNotification, INITIAL_NOTIFY_STATE, type Notification, type NotifyState } from './notifications.js';
import { SyncMetrics } from './sync-metrics.js';
import type { LiveSnapshot } from '../read/incremental.js';
import { memorySnapshots, type SnapshotStore } from './snapshot-store.js';
import type { Connector, CycleReport, CycleState } from './types.js';

/**
 * Backoff after failures, in ticks the job lets pass: the first failure leaves the very next tick to try
 * again; after the n-th failure in a row (n >= 2) ticks are skipped until BACKOFF_BASE_MS * 2^(n-2) has
 * passed since it ended, at most BACKOFF_MAX_MS. With a schedule of every minute, attempts come about 1, 2,
 * 3, 5, 9, ... minutes apart; with an hourly schedule, every tick still tries.
 */
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 60 * 60_000;

export interface NotifyStore {
  load(): NotifyState;
  save(state: NotifyState): void;
}

/** How cycles read Xandr: incrementally against the last snapshot, with a full read on a cadence. */
export interface ReadPolicy {
  snapshots: SnapshotStore;
  /** A full read at least this often (`--full-every`, default 24 h). */
  fullEveryMs: number;
  /** Every cycle reads in full (`--full`). */
  alwaysFull?: boolean;
}

export const DEFAULT_FULL_EVERY_MS = 24 * 3600_000;

export interface SyncJobOptions {
  cycle: Omit<CycleDeps, 'connections' | 'clock' | 'snapshots' | 'fullReason'>;
  /** Default: a snapshot in memory, a full read every 24 h. */
  reads?: ReadPolicy;
  connector: Connector;
  /** Stops the job: the cycle in flight finishes its writes already sent and schedules no more. */
  signal: AbortSignal;
  clock?: Clock;
  webhook?: { post(notification: Notification): Promise<void> } | null;
  /** Where the notification state lives between processes (`--once` runs); in memory without one. */
  notifyStore?: NotifyStore;
  backoff?: { baseMs: number; maxMs: number };
  /** Each finished cycle, for the log. */
  onReport?: (report: CycleReport) => void;
  /** One-line messages about the job itself: skipped ticks, webhook failures. */
  log?: (line: string) => void;
}

/** Cycles kept for the dashboard: a week of hourly cycles, or a day and a half of ones every 5 minutes. */
const HISTORY = 200;

export interface JobView {
  cycles: readonly CycleReport[];
  latest: (CycleState & { report: CycleReport }) | null;
  readiness: { ready: boolean; reason: string };
}

type TickOutcome = { kind: 'ran'; report: CycleReport } | { kind: 'skipped'; reason: 'overlap' | 'backoff' } | { kind: 'stopped' };

/**
 * The scheduled job's state between cycles: at most one cycle at a time (a tick that finds one running is
 * skipped and counted), backoff after failures, readiness, metrics and notifications. What triggers ticks
 * (node-cron, `--once`, a test) is outside it.
 */
export class SyncJob {
  readonly metrics = new SyncMetrics();
  private readonly clock: Clock;
  private readonly connections: ConnectionKeeper;
  private readonly backoff: { baseMs: number; maxMs: number };
  private cycles = 0;
  private inFlight: Promise<CycleReport> | null = null;
  private failures = 0;
  private retryAt = 0;
  private notifyState: NotifyState;
  private fetchOk: boolean | null = null;
  private loginOk: boolean | null = null;
  private lastCycle = 0;
  private readonly history: CycleReport[] = [];
  private readonly reads: ReadPolicy;
  private writeFailed = false;
  private latest: (CycleState & { report: CycleReport }) | null = null;

  constructor(private readonly options: SyncJobOptions) {
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? { baseMs: BACKOFF_BASE_MS, maxMs: BACKOFF_MAX_MS };
    this.reads = options.reads ?? { snapshots: memorySnapshots(), fullEveryMs: DEFAULT_FULL_EVERY_MS };
    this.connections = new ConnectionKeeper(options.connector, (event) => this.metrics.recordClientEvent(event));
    this.notifyState = options.notifyStore?.load() ?? INITIAL_NOTIFY_STATE;
  }

  /** A scheduled tick: a cycle, unless one is running, a backoff is in force, or the job is stopping. */
  async tick(): Promise<TickOutcome> {
    if (this.options.signal.aborted) return { kind: 'stopped' };
    if (this.inFlight) {
      this.recordOverlap();
      return { kind: 'skipped', reason: 'overlap' };
    }
    if (this.failures > 0 && this.clock.now() < this.retryAt) {
      this.metrics.recordSkip('backoff');
      this.log(`tick skipped: backing off after ${this.failures} failed cycles in a row, next try from ${new Date(this.retryAt).toISOString()}`);
      return { kind: 'skipped', reason: 'backoff' };
    }
    return { kind: 'ran', report: await this.runCycle() };
  }

  /** A tick that node-cron itself held back because the previous one was still running. */
  recordOverlap(): void {
    this.metrics.recordSkip('overlap');
    this.log(`tick skipped: cycle ${this.cycles} is still running`);
  }

  /** One cycle now, whatever the backoff (`--once`, and the tick above). Never two at once. */
  async runCycle(): Promise<CycleReport> {
    if (this.inFlight) throw new Error('a sync cycle is already running');
    this.metrics.inProgress.set(1);
    // Set before the first await, so a tick that comes meanwhile sees it. It covers the report and the
    // notification too: close() must not shut the webhook while a message is on its way.
    const running = this.cycleAndReport(++this.cycles);
    this.inFlight = running;
    try {
      return await running;
    } finally {
      this.inFlight = null;
      this.metrics.inProgress.set(0);
    }
  }

  private async cycleAndReport(cycle: number): Promise<CycleReport> {
    const deps: CycleDeps = {
      ...this.options.cycle,
      connections: this.connections,
      clock: this.clock,
      snapshots: this.reads.snapshots,
      fullReason: (snapshot) => this.fullReason(snapshot),
    };
    const { report, state } = await runCycle(deps, cycle, this.options.signal);
    // A write that failed leaves Xandr in a state the snapshot may not know: the next cycle reads in full.
    this.writeFailed = report.apply !== null && !report.apply.ok;
    this.history.unshift(report);
    if (this.history.length > HISTORY) this.history.pop();
    if (state) this.latest = { ...state, report };
    await this.finish(report);
    return report;
  }

  /** Why the coming cycle reads in full, or null when it may read only what moved. */
  private fullReason(snapshot: LiveSnapshot | null): string | null {
    if (this.reads.alwaysFull) return 'every cycle reads in full (--full)';
    if (this.writeFailed) return "the last cycle's writes did not all succeed";
    if (snapshot && this.clock.now() - snapshot.full_at >= this.reads.fullEveryMs) return `a full read is due every ${Math.round(this.reads.fullEveryMs / 3600_000)} h (--full-every)`;
    return null;
  }

  /**
   * What the job knows, for the dashboard: the last cycles (newest first) and what the latest cycle that
   * read Xandr planned from. Read-only views; the job keeps mutating its own copies.
   */
  view(): JobView {
    return { cycles: this.history, latest: this.latest, readiness: this.readiness() };
  }

  readiness(): { ready: boolean; reason: string } {
    if (this.lastCycle === 0) return { ready: false, reason: 'no cycle has finished yet' };
    if (this.fetchOk === false) return { ready: false, reason: `the last fetch failed (cycle ${this.lastCycle})` };
    if (this.loginOk === false) return { ready: false, reason: `the last login to Xandr failed (cycle ${this.lastCycle})` };
    if (this.fetchOk === null || this.loginOk === null) return { ready: false, reason: 'no cycle has fetched and logged in yet' };
    return { ready: true, reason: `the last fetch and login worked (cycle ${this.lastCycle})` };
  }

  /** Waits for the cycle in flight, then closes the connection and the webhook's sockets. */
  async close(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    await this.connections.drop();
  }

  private async finish(report: CycleReport): Promise<void> {
    this.lastCycle = report.cycle;
    if (report.fetch_ok !== null) this.fetchOk = report.fetch_ok;
    if (report.login_ok !== null) this.loginOk = report.login_ok;
    if (report.result === 'failed') {
      this.failures++;
      const delay = this.failures < 2 ? 0 : Math.min(this.backoff.baseMs * 2 ** (this.failures - 2), this.backoff.maxMs);
      this.retryAt = this.clock.now() + delay;
    } else if (report.result !== 'cancelled') {
      this.failures = 0;
    }
    this.metrics.recordCycle(report, this.failures);
    try {
      this.options.onReport?.(report);
    } catch (error) {
      // The log is for people; a broken one must not stop the job or its notifications.
      this.log(`cannot write the report of cycle ${report.cycle}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.notify(report);
  }

  private async notify(report: CycleReport): Promise<void> {
    const { state, notification } = decideNotification(this.notifyState, report);
    this.notifyState = state;
    this.options.notifyStore?.save(state);
    if (!notification || !this.options.webhook) return;
    try {
      await this.options.webhook.post(notification);
      this.metrics.recordNotification(notification.event, true);
    } catch (error) {
      this.metrics.recordNotification(notification.event, false);
      this.log(`notification (${notification.event}) not delivered: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
