import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ActionKind } from '../plan/index.js';
import type { ClientEvent } from '../xandr/index.js';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './notifications.js';
import { KINDS } from '../manifest/index.js';
import { CYCLE_RESULTS, FAILURE_STAGES, type CycleReport } from './types.js';

type SkipReason = 'overlap' | 'backoff';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'network'] as const;
const ACTIONS: readonly ActionKind[] = ['create', 'update', 'adopt', 'rename', 'deactivate', 'delete'];
const READ_MODES = ['full', 'incremental'] as const;

/** Reads are tallied per minute for the dashboard's "read budget spent today"; two days are kept. */
const TALLY_BUCKET_MS = 60_000;
const TALLY_KEEP_MS = 2 * 24 * 60 * 60_000;

/**
 * The job's metrics (docs/sync.md lists them), on a registry of its own with prom-client's default process
 * metrics. Labels take only values from small fixed sets (results, stages, kinds, HTTP methods and status
 * classes, read modes): never an object id, name, commit or error text, so the number of series stays
 * bounded however long the job runs. Every series is declared at 0 up front, so dashboards and alerts need
 * no `or vector(0)`.
 */
export class SyncMetrics {
  readonly registry = new Registry();
  readonly cycles = this.counter('xandr_sync_cycles_total', 'Sync cycles that finished, by result (in_sync, applied, drift, failed, cancelled).', ['result']);
  readonly failures = this.counter('xandr_sync_cycle_failures_total', 'Failed sync cycles, by the step they stopped at.', ['stage']);
  readonly skipped = this.counter('xandr_sync_ticks_skipped_total', 'Scheduled ticks that started no cycle: one was still running (overlap) or a failure backoff was in force (backoff).', ['reason']);
  readonly duration = new Histogram({
    name: 'xandr_sync_cycle_duration_seconds',
    help: 'How long sync cycles took, fetch to report.',
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  readonly inProgress = this.gauge('xandr_sync_cycle_in_progress', '1 while a sync cycle runs.');
  readonly consecutiveFailures = this.gauge('xandr_sync_consecutive_failures', 'Failed cycles in a row (0 after a success).');
  readonly lastSuccess = this.gauge('xandr_sync_last_success_timestamp_seconds', 'Unix time at which the last successful cycle (in_sync, applied or drift) finished; 0 before the first.');
  readonly drift = this.gauge('xandr_sync_drift_objects', 'Objects that differed from git in the last plan (before any repair), by kind.', ['kind']);
  readonly actions = this.counter('xandr_sync_apply_actions_total', 'Planned changes sent by applies, by action and outcome.', ['action', 'status']);
  readonly cycleReads = this.counter('xandr_sync_cycle_reads_total', 'Xandr API reads made by sync cycles, by how the cycle read the live state (full or incremental).', ['read_mode']);
  readonly requests = this.counter('xandr_sync_api_requests_total', 'Xandr API requests that got an answer or failed on the network, by method and status class.', ['method', 'status_class']);
  readonly retries = this.counter('xandr_sync_api_retries_total', 'Xandr API requests retried after a throttle, a server error or a network error, by method.', ['method']);
  readonly logins = this.counter('xandr_sync_api_logins_total', 'Logins to the Xandr API.');
  readonly notifications = this.counter('xandr_sync_notifications_total', 'Webhook notifications, by event and whether the post worked.', ['event', 'result']);
  private counter(name: string, help: string, labelNames: string[] = []): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** Reads per minute bucket (start of the minute, ms), from the cycles' reports. */
  private readonly readTally = new Map<number, number>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const result of CYCLE_RESULTS) this.cycles.inc({ result }, 0);
    for (const stage of FAILURE_STAGES) this.failures.inc({ stage }, 0);
    for (const reason of ['overlap', 'backoff']) this.skipped.inc({ reason }, 0);
    for (const kind of KINDS) this.drift.set({ kind }, 0);
    for (const action of ACTIONS) for (const status of ['done', 'failed', 'skipped']) this.actions.inc({ action, status }, 0);
    for (const read_mode of READ_MODES) this.cycleReads.inc({ read_mode }, 0);
    for (const event of NOTIFICATION_EVENTS) for (const result of ['sent', 'failed']) this.notifications.inc({ event, result }, 0);
    for (const method of METHODS) {
      this.retries.inc({ method }, 0);
      for (const status_class of STATUS_CLASSES) this.requests.inc({ method, status_class }, 0);
    }
    this.inProgress.set(0);
    this.consecutiveFailures.set(0);
    this.lastSuccess.set(0);
  }

  /** Every API request, including the login's POST /auth: a refused login counts as a 4xx POST. */
  recordClientEvent(event: ClientEvent): void {
    if (event.type === 'login') this.logins.inc();
    else if (event.type === 'retry') this.retries.inc({ method: event.method });
    else if (event.type === 'request') this.requests.inc({ method: event.method, status_class: event.status === null ? 'network' : `${Math.floor(event.status / 100)}xx` });
  }

  recordSkip(reason: SkipReason): void {
    this.skipped.inc({ reason });
  }

  recordCycle(report: CycleReport, consecutiveFailures: number): void {
    this.cycles.inc({ result: report.result });
    if (report.failure) this.failures.inc({ stage: report.failure.stage });
    this.duration.observe(report.duration_ms / 1000);
    this.consecutiveFailures.set(consecutiveFailures);
    const finished = Date.parse(report.finished_at);
    if (report.result === 'in_sync' || report.result === 'applied' || report.result === 'drift') {
      this.lastSuccess.set(Math.floor(finished / 1000));
    }
    if (report.plan) {
      for (const kind of KINDS) this.drift.set({ kind }, report.plan.actions.filter((a) => a.kind === kind).length);
    }
    for (const outcome of report.apply?.outcomes ?? []) this.actions.inc({ action: outcome.action, status: outcome.status });
    if (report.calls.read_mode !== null) this.cycleReads.inc({ read_mode: report.calls.read_mode }, report.calls.reads);
    this.tallyReads(finished, report.calls.reads);
  }

  recordNotification(event: NotificationEvent, ok: boolean): void {
    this.notifications.inc({ event, result: ok ? 'sent' : 'failed' });
  }

  /** The reads of the cycles that finished at or after `sinceMs` (to the minute), within the last two days. */
  readsSince(sinceMs: number): number {
    const from = Math.floor(sinceMs / TALLY_BUCKET_MS) * TALLY_BUCKET_MS;
    let total = 0;
    for (const [bucket, reads] of this.readTally) if (bucket >= from) total += reads;
    return total;
  }

  /** The exposition, in Prometheus text format 0.0.4 (`contentType`). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private tallyReads(atMs: number, reads: number): void {
    if (!Number.isFinite(atMs) || reads <= 0) return;
    const bucket = Math.floor(atMs / TALLY_BUCKET_MS) * TALLY_BUCKET_MS;
    this.readTally.set(bucket, (this.readTally.get(bucket) ?? 0) + reads);
    for (const key of this.readTally.keys()) if (key < atMs - TALLY_KEEP_MS) this.readTally.delete(key);
  }
}
