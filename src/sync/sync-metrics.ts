import type { ActionKind } from '../plan/index.js';
import type { ClientEvent } from '../xandr/index.js';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './notifications.js';
import { Counter, Gauge, Histogram, Registry } from './prometheus.js';
import { KINDS } from '../manifest/index.js';
import { CYCLE_RESULTS, FAILURE_STAGES, type CycleReport } from './types.js';

type SkipReason = 'overlap' | 'backoff';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'network'] as const;
const ACTIONS: readonly ActionKind[] = ['create', 'update', 'adopt', 'rename', 'deactivate', 'delete'];

/**
 * The job's metrics (docs/sync.md lists them). Labels take only values from small fixed sets (results,
 * stages, kinds, HTTP methods and status classes): never an object id, name, commit or error text, so the
 * number of series stays bounded however long the job runs.
 */
export class SyncMetrics {
  readonly registry = new Registry();
  readonly cycles = this.registry.register(new Counter('xandr_sync_cycles_total', 'Sync cycles that finished, by result (in_sync, applied, drift, failed, cancelled).', ['result']));
  readonly failures = this.registry.register(new Counter('xandr_sync_cycle_failures_total', 'Failed sync cycles, by the step they stopped at.', ['stage']));
  readonly skipped = this.registry.register(
    new Counter('xandr_sync_ticks_skipped_total', 'Scheduled ticks that started no cycle: one was still running (overlap) or a failure backoff was in force (backoff).', ['reason']),
  );
  readonly duration = this.registry.register(
    new Histogram('xandr_sync_cycle_duration_seconds', 'How long sync cycles took, fetch to report.', [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]),
  );
  readonly inProgress = this.registry.register(new Gauge('xandr_sync_cycle_in_progress', '1 while a sync cycle runs.'));
  readonly consecutiveFailures = this.registry.register(new Gauge('xandr_sync_consecutive_failures', 'Failed cycles in a row (0 after a success).'));
  readonly lastSuccess = this.registry.register(
    new Gauge('xandr_sync_last_success_timestamp_seconds', 'Unix time at which the last successful cycle (in_sync, applied or drift) finished; 0 before the first.'),
  );
  readonly drift = this.registry.register(
    new Gauge('xandr_sync_drift_objects', 'Objects that differed from git in the last plan (before any repair), by kind.', ['kind']),
  );
  readonly actions = this.registry.register(new Counter('xandr_sync_apply_actions_total', 'Planned changes sent by applies, by action and outcome.', ['action', 'status']));
  readonly requests = this.registry.register(
    new Counter('xandr_sync_api_requests_total', 'Xandr API requests that got an answer or failed on the network, by method and status class.', ['method', 'status_class']),
  );
  readonly retries = this.registry.register(new Counter('xandr_sync_api_retries_total', 'Xandr API requests retried after a throttle, a server error or a network error, by method.', ['method']));
  readonly logins = this.registry.register(new Counter('xandr_sync_api_logins_total', 'Logins to the Xandr API.'));
  readonly notifications = this.registry.register(new Counter('xandr_sync_notifications_total', 'Webhook notifications, by event and whether the post worked.', ['event', 'result']));

  constructor() {
    for (const result of CYCLE_RESULTS) this.cycles.declare({ result });
    for (const stage of FAILURE_STAGES) this.failures.declare({ stage });
    for (const reason of ['overlap', 'backoff']) this.skipped.declare({ reason });
    for (const kind of KINDS) this.drift.set(0, { kind });
    for (const action of ACTIONS) for (const status of ['done', 'failed', 'skipped']) this.actions.declare({ action, status });
    for (const event of NOTIFICATION_EVENTS) for (const result of ['sent', 'failed']) this.notifications.declare({ event, result });
    for (const method of METHODS) {
      this.retries.declare({ method });
      for (const status_class of STATUS_CLASSES) this.requests.declare({ method, status_class });
    }
  }

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
    if (report.result === 'in_sync' || report.result === 'applied' || report.result === 'drift') {
      this.lastSuccess.set(Math.floor(Date.parse(report.finished_at) / 1000));
    }
    if (report.plan) {
      for (const kind of KINDS) this.drift.set(report.plan.actions.filter((a) => a.kind === kind).length, { kind });
    }
    for (const outcome of report.apply?.outcomes ?? []) this.actions.inc({ action: outcome.action, status: outcome.status });
  }

  recordNotification(event: NotificationEvent, ok: boolean): void {
    this.notifications.inc({ event, result: ok ? 'sent' : 'failed' });
  }

  render(): string {
    return this.registry.render();
  }
}
