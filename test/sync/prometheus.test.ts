import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Counter, Gauge, Histogram, Registry } from '../../src/sync/prometheus.js';
import { SyncMetrics } from '../../src/sync/sync-metrics.js';
import { parsePrometheusText, valueOf } from './prometheus-text.js';

const test = suite('prometheus exposition');

test('counters, gauges and a histogram render as text the strict parser reads back', () => {
  const registry = new Registry();
  const counter = registry.register(new Counter('demo_events_total', 'Events, by kind.', ['kind']));
  const gauge = registry.register(new Gauge('demo_level', 'A level.'));
  const histogram = registry.register(new Histogram('demo_seconds', 'Durations.', [0.5, 1, 5]));
  counter.declare({ kind: 'b' });
  counter.inc({ kind: 'a' }, 2);
  gauge.set(1.5);
  for (const v of [0.2, 0.7, 3, 10]) histogram.observe(v);

  const families = parsePrometheusText(registry.render());
  assert.equal([...families.keys()], ['demo_events_total', 'demo_level', 'demo_seconds']);
  assert.is(families.get('demo_seconds')!.type, 'histogram');
  assert.is(valueOf(families, 'demo_events_total', { kind: 'a' }), 2);
  assert.is(valueOf(families, 'demo_events_total', { kind: 'b' }), 0, 'a declared series exists at 0');
  assert.is(valueOf(families, 'demo_level'), 1.5);
  assert.is(valueOf(families, 'demo_seconds_bucket', { le: '0.5' }), 1);
  assert.is(valueOf(families, 'demo_seconds_bucket', { le: '1' }), 2);
  assert.is(valueOf(families, 'demo_seconds_bucket', { le: '5' }), 3);
  assert.is(valueOf(families, 'demo_seconds_bucket', { le: '+Inf' }), 4);
  assert.is(valueOf(families, 'demo_seconds_count'), 4);
  assert.is(valueOf(families, 'demo_seconds_sum'), 13.9);
});

test('label values are escaped; help text keeps to one line', () => {
  const registry = new Registry();
  registry.register(new Counter('demo_total', 'Two\nlines \\ here.', ['v'])).inc({ v: 'a "quoted"\\ value\nwith newline' });
  const text = registry.render();
  assert.match(text, /# HELP demo_total Two\\nlines \\\\ here\./);
  assert.is(valueOf(parsePrometheusText(text), 'demo_total', { v: 'a "quoted"\\ value\nwith newline' }), 1);
});

test('misuse is refused: wrong labels, a falling counter, a name registered twice', () => {
  const registry = new Registry();
  const counter = registry.register(new Counter('x_total', 'x', ['a']));
  assert.throws(() => counter.inc({ b: '1' }), /do not match/);
  assert.throws(() => counter.inc({ a: '1' }, -1), /cannot decrease/);
  assert.throws(() => registry.register(new Counter('x_total', 'again')), /twice/);
  assert.throws(() => registry.register(new Counter('bad-name', 'x')), /invalid metric name/);
});

test('the test parser itself rejects what a scraper would (so passing it means something)', () => {
  const bad: [string, RegExp][] = [
    ['x_total 1\n', /no HELP\/TYPE/],
    ['# HELP x_total h\n# TYPE x_total counter\nx_total one\n', /not a float/],
    ['# HELP x_total h\n# TYPE x_total counter\nx_total{a="1",a="2"} 1\n', /repeated/],
    ['# HELP x_total h\n# TYPE x_total counter\nx_total{a="1} 1\n', /malformed labels/],
    ['# HELP x_total h\n# TYPE x_total counter\nx_total 1\nx_total 2\n', /duplicate series/],
    ['# HELP x h\n# TYPE x counter\nx 1\n', /_total/],
    ['# HELP x_total h\n# TYPE x_total counter\nx_total 1', /end with a newline/],
    ['# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', /cumulative/],
    ['# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', /\+Inf/],
    ['# HELP a_total a\n# TYPE a_total counter\na_total 1\n# HELP b b\n# TYPE b gauge\nb 1\na_total{x="1"} 1\n', /not contiguous/],
  ];
  for (const [text, why] of bad) assert.throws(() => parsePrometheusText(text), why, JSON.stringify(text));
});

test('the sync metrics: every family has HELP and TYPE, and no label could hold an object id, name or commit', () => {
  const metrics = new SyncMetrics();
  metrics.recordClientEvent({ type: 'request', method: 'GET', service: 'segment', status: 200, outcome: 'ok', ms: 5 });
  metrics.recordClientEvent({ type: 'request', method: 'PUT', service: 'line-item', status: 503, outcome: 'transient', ms: 5 });
  metrics.recordClientEvent({ type: 'request', method: 'POST', service: 'pixel', status: null, outcome: 'network', ms: 5 });
  metrics.recordClientEvent({ type: 'retry', method: 'PUT', service: 'line-item', reason: 'HTTP 503', delayMs: 10 });
  metrics.recordClientEvent({ type: 'login' });
  const families = parsePrometheusText(metrics.render());
  for (const name of [
    'xandr_sync_cycles_total',
    'xandr_sync_cycle_failures_total',
    'xandr_sync_ticks_skipped_total',
    'xandr_sync_cycle_duration_seconds',
    'xandr_sync_api_requests_total',
    'xandr_sync_api_retries_total',
    'xandr_sync_api_logins_total',
    'xandr_sync_drift_objects',
    'xandr_sync_last_success_timestamp_seconds',
  ]) {
    assert.ok(families.has(name), `${name} is exposed`);
  }
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'GET', status_class: '2xx' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'PUT', status_class: '5xx' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_requests_total', { method: 'POST', status_class: 'network' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_retries_total', { method: 'PUT' }), 1);
  assert.is(valueOf(families, 'xandr_sync_api_logins_total'), 1);
  const allowedLabels = new Set(['result', 'stage', 'reason', 'le', 'kind', 'action', 'status', 'method', 'status_class', 'event']);
  for (const family of families.values()) {
    for (const sample of family.samples) for (const label of Object.keys(sample.labels)) assert.ok(allowedLabels.has(label), `${sample.name} has label ${label}`);
  }
});

test.run();
