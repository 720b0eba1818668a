import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { register as globalRegistry } from 'prom-client';
import { SyncMetrics } from '../../src/sync/sync-metrics.js';
import type { CycleReport } from '../../src/sync/types.js';
import { parseExposition, scrape, valueOf } from './prometheus-scrape.js';

const test = suite('the sync metrics (prom-client)');

/** A finished cycle's report, as the job hands it over: only what the metrics read is filled in. */
function report(overrides: Partial<CycleReport>): CycleReport {
  return {
    cycle: 1,
    mode: 'detect',
    started_at: '2026-05-04T09:00:00.000Z',
    finished_at: '2026-05-04T09:00:02.000Z',
    duration_ms: 2000,
    result: 'in_sync',
    source: { repo: 'file:///repo', ref: 'main' },
    plan: null,
    apply: null,
    failure: null,
    fetch_ok: true,
    login_ok: true,
    calls: { reads: 0, writes: 0, logins: 0, read_mode: null, full_read_reason: null },
    ...overrides,
  };
}

test('client events are counted by method and status class; a refused login is a 4xx POST', async () => {
  const metrics = new SyncMetrics();
  metrics.recordClientEvent({ type: 'request', method: 'GET', service: 'segment', status: 200, outcome: 'ok', ms: 5 });
  metrics.recordClientEvent({ type: 'request', method: 'PUT', service: 'line-item', status: 503, outcome: 'transient', ms: 5 });
  metrics.recordClientEvent({ type: 'request', method: 'POST', service: 'pixel', status: null, outcome: 'network', ms: 5 });
  metrics.recordClientEvent({ type: 'request', method: 'POST', service: 'auth', status: 401, outcome: 'noauth', ms: 5 });
  metrics.recordClientEvent({ type: 'retry', method: 'PUT', service: 'line-item', reason: 'HTTP 503', delayMs: 10 });
  metrics.recordClientEvent({ type: 'login' });
  const families = await scrape(metrics);
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'GET', status_class: '2xx' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'PUT', status_class: '5xx' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'POST', status_class: 'network' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'POST', status_class: '4xx' }), 1, 'the failed login');
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'DELETE', status_class: '2xx' }), 0, 'declared at 0');
  assert.is(valueOf(families, 'xandr_sync_api_retries_total', { method: 'PUT' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_logins_total'), 1);
});

test('a cycle report moves the cycle, failure, duration, drift, apply and read counters', async () => {
  const metrics = new SyncMetrics();
  metrics.recordCycle(report({ result: 'drift', duration_ms: 700, calls: { reads: 294, writes: 0, logins: 1, read_mode: 'full', full_read_reason: 'a full read' } }), 0);
  metrics.recordCycle(
    report({
      result: 'failed',
      duration_ms: 40_000,
      failure: { stage: 'apply', message: 'apply incomplete' },
      apply: {
        ok: false,
        done: 1,
        failed: 1,
        skipped: 0,
        outcomes: [
          { address: 'Segment/a', action: 'update', wave: 1, status: 'done', id: 1 },
          { address: 'Segment/b', action: 'create', wave: 1, status: 'failed', id: null, error: { message: 'no', code: 'XANDR_API' } },
        ],
      },
      calls: { reads: 12, writes: 2, logins: 0, read_mode: 'incremental', full_read_reason: null },
    }),
    1,
  );
  const families = await scrape(metrics);
  assert.is(valueOf(families, 'xandr_sync_cycles_total', { result: 'drift' }), 1);
  assert.is(valueOf(families, 'xandr_sync_cycles_total', { result: 'failed' }), 1);
  assert.is(valueOf(families, 'xandr_sync_cycles_total', { result: 'applied' }), 0);
  assert.is(valueOf(families, 'xandr_sync_cycle_failures_total', { stage: 'apply' }), 1);
  assert.is(valueOf(families, 'xandr_sync_cycle_failures_total', { stage: 'fetch' }), 0);
  assert.is(valueOf(families, 'xandr_sync_cycle_duration_seconds_count'), 2);
  assert.is(valueOf(families, 'xandr_sync_cycle_duration_seconds_sum'), 40.7);
  assert.is(valueOf(families, 'xandr_sync_cycle_duration_seconds_bucket', { le: '1' }), 1);
  assert.is(valueOf(families, 'xandr_sync_cycle_duration_seconds_bucket', { le: '60' }), 2);
  assert.is(valueOf(families, 'xandr_sync_cycle_duration_seconds_bucket', { le: '+Inf' }), 2);
  assert.is(valueOf(families, 'xandr_sync_consecutive_failures'), 1);
  assert.is(valueOf(families, 'xandr_sync_last_success_timestamp_seconds'), Date.parse('2026-05-04T09:00:02.000Z') / 1000, 'the drift cycle was a success');
  assert.is(valueOf(families, 'xandr_sync_apply_actions_total', { action: 'update', status: 'done' }), 1);
  assert.is(valueOf(families, 'xandr_sync_apply_actions_total', { action: 'create', status: 'failed' }), 1);
  assert.is(valueOf(families, 'xandr_sync_cycle_reads_total', { read_mode: 'full' }), 294);
  assert.is(valueOf(families, 'xandr_sync_cycle_reads_total', { read_mode: 'incremental' }), 12);
});

test('a cycle that stopped before reading counts no reads under any read mode', async () => {
  const metrics = new SyncMetrics();
  metrics.recordCycle(report({ result: 'failed', failure: { stage: 'fetch', message: 'no such repository' } }), 1);
  const families = await scrape(metrics);
  assert.is(valueOf(families, 'xandr_sync_cycle_reads_total', { read_mode: 'full' }), 0);
  assert.is(valueOf(families, 'xandr_sync_cycle_reads_total', { read_mode: 'incremental' }), 0);
  assert.is(valueOf(families, 'xandr_sync_last_success_timestamp_seconds'), 0, '0 before the first success');
});

test('reads are tallied by the time their cycle finished, for the read budget of a day', () => {
  const metrics = new SyncMetrics();
  const at = (iso: string, reads: number) => metrics.recordCycle(report({ finished_at: iso, calls: { reads, writes: 0, logins: 0, read_mode: 'full', full_read_reason: 'a full read' } }), 0);
  at('2026-05-03T23:59:00.000Z', 100);
  at('2026-05-04T00:00:30.000Z', 7);
  at('2026-05-04T09:00:00.000Z', 5);
  assert.is(metrics.readsSince(Date.parse('2026-05-04T00:00:00.000Z')), 12);
  assert.is(metrics.readsSince(Date.parse('2026-05-03T00:00:00.000Z')), 112);
  assert.is(metrics.readsSince(Date.parse('2026-05-04T10:00:00.000Z')), 0);
});

test("prom-client's default process metrics are on the job's own registry, not the global one", async () => {
  const before = (await globalRegistry.metrics()).length;
  const families = await scrape(new SyncMetrics());
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    assert.ok(families.has(name), `${name} is exposed`);
  }
  assert.ok(valueOf(families, 'process_resident_memory_bytes')! > 0);
  assert.is((await globalRegistry.metrics()).length, before, 'the global registry is untouched');
  // A second job in the same process (the tests run many) registers its own metrics without a clash.
  assert.ok((await scrape(new SyncMetrics())).has('xandr_sync_cycles_total'));
});

test('the exposition has HELP and TYPE for every family, and no label that could hold an id, a name or a commit', async () => {
  const metrics = new SyncMetrics();
  const text = await metrics.render();
  assert.is(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  const families = parseExposition(text);
  for (const family of families.values()) {
    assert.match(text, new RegExp(`^# HELP ${family.name} \\S`, 'm'), `${family.name} has help`);
    assert.match(text, new RegExp(`^# TYPE ${family.name} (counter|gauge|histogram|summary)$`, 'm'), `${family.name} has a type`);
  }
  const allowedLabels = new Set(['result', 'stage', 'reason', 'le', 'kind', 'action', 'status', 'method', 'status_class', 'event', 'read_mode']);
  for (const family of families.values()) {
    if (!family.name.startsWith('xandr_sync_')) continue;
    for (const sample of family.samples) for (const label of Object.keys(sample.labels)) assert.ok(allowedLabels.has(label), `${sample.name} has label ${label}`);
  }
});

test.run();
