import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { acquireLock } from '../../src/apply/lock.js';
import { ConfigRepo } from '../../src/git/config-repo.js';
import { parseRemoteUrl } from '../../src/git/remote-url.js';
import { SyncJob } from '../../src/sync/job.js';
import type { Connector, SyncMode } from '../../src/sync/types.js';
import { startStatusServer } from '../../src/sync/status-server.js';
import { parseWebhookUrl, Webhook } from '../../src/sync/webhook.js';
import type { Clock } from '../../src/core/clock.js';
import { XandrClient } from '../../src/xandr/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { pixelYaml, SEED } from '../helpers/manifests.js';
import { calls, sandboxFixture, writesIn } from '../helpers/sandbox.js';
import { repoFixture, type RepoFixture } from '../git/repo-fixture.js';
import { startFakeWebhook, type FakeWebhook } from './fake-webhook.js';
import { parseExposition, scrape as scrapeMetrics, valueOf } from './prometheus-scrape.js';

const sb = sandboxFixture({ limits: { reads: 100_000, writes: 100_000 } });
const test = suite('the sync job against a git repository and the sandbox');
test.before(sb.start);
test.after(sb.stop);

let repo: RepoFixture;
let hook: FakeWebhook;
const open: { job: SyncJob; webhook: Webhook | null }[] = [];

test.before.each(async () => {
  await sb.it.control.reset();
  repo = repoFixture(SEED, 'seed manifests');
  hook = await startFakeWebhook();
});
test.after.each(async () => {
  for (const { job, webhook } of open.splice(0)) {
    await job.close();
    await webhook?.close();
  }
  await hook.close();
  repo.cleanup();
});

const connector =
  (password = 'sandbox'): Connector =>
  async (_config, onEvent) => {
    const client = new XandrClient({
      apiUrl: sb.it.url,
      credentials: { username: 'sandbox', password },
      budget: { readsPerMinute: 100_000, writesPerMinute: 100_000, maxInFlight: 15 },
      retry: { maxAttempts: 1 },
      onEvent,
    });
    return { client, target: { kind: 'xandr', api_url: sb.it.url }, lockKey: sb.it.url, close: () => client.close() };
  };

function makeJob(options: { mode?: SyncMode; clock?: Clock; signal?: AbortSignal; webhook?: boolean; password?: string; url?: string } = {}): SyncJob {
  const webhook = options.webhook ? new Webhook(parseWebhookUrl(hook.url)) : null;
  const job = new SyncJob({
    cycle: {
      repo: new ConfigRepo({ remote: parseRemoteUrl(options.url ?? repo.url, { allowFile: true }), ref: 'main', cacheDir: join(repo.dir, 'cache') }),
      repoDisplay: repo.url,
      ref: 'main',
      path: '.',
      mode: options.mode ?? 'apply',
      lockDir: join(repo.dir, 'locks'),
      command: 'xandr-sync sync (test)',
      operatorApiUrl: sb.it.url,
    },
    connector: connector(options.password),
    signal: options.signal ?? new AbortController().signal,
    clock: options.clock,
    webhook,
  });
  open.push({ job, webhook });
  return job;
}

const segmentId = () => sb.it.control.snapshot().segments.find((s) => s.code === 'retargeting-segment')!.id;

test('a commit that adds a pixel reaches the sandbox on the next cycle, and the plan and report name the commit', async () => {
  const job = makeJob();
  const first = await job.runCycle();
  assert.is(first.result, 'applied', first.failure?.message);
  assert.is(first.plan!.source.git!.commit, repo.git('rev-parse', 'HEAD').trim());

  const commit = repo.commit({ 'more-pixels.yaml': pixelYaml('signup-pixel', 1234, { trigger_type: 'click' }) }, 'Add the signup pixel');
  sb.it.control.clearLog();
  const next = await job.runCycle();
  assert.is(next.result, 'applied', next.failure?.message);
  assert.is(next.source.commit, commit);
  assert.is(next.source.subject, 'Add the signup pixel');
  assert.equal(next.plan!.source.git, { commit, dirty: false });
  assert.equal(calls(writesIn(sb.it.control.log())), ['POST /pixel']);
  assert.ok(sb.it.control.snapshot().pixels.some((p) => p.code === 'signup-pixel' && p.advertiser_id === 1234));

  const third = await job.runCycle();
  assert.is(third.result, 'in_sync');
});

test('mode apply: an out-of-band change in Xandr is repaired, and announced once', async () => {
  const job = makeJob({ webhook: true });
  assert.is((await job.runCycle()).result, 'applied');
  assert.is(hook.posts.length, 1, 'the first apply is announced (Xandr differed from git)');

  await sb.it.control.upsert({ segments: [{ id: segmentId(), short_name: 'Renamed in the console' }] });
  sb.it.control.clearLog();
  const repair = await job.runCycle();
  assert.is(repair.result, 'applied');
  assert.equal(calls(writesIn(sb.it.control.log())), ['PUT /segment']);
  assert.is(sb.it.control.snapshot().segments.find((s) => s.code === 'retargeting-segment')!.short_name, 'Retargeting Segment');
  assert.is(hook.posts.length, 2);
  assert.match(hook.posts[1].text, /Xandr differed from git .*applied 1 change \(1 to update\)/);
  assert.match(hook.posts[1].text, /update Segment\/retargeting-segment/);

  assert.is((await job.runCycle()).result, 'in_sync');
  assert.is(hook.posts.length, 2, 'the clean cycle after a repair says nothing');
});

test('mode detect: an out-of-band change is reported, nothing is written, and the webhook is called once', async () => {
  assert.is((await makeJob().runCycle()).result, 'applied');
  await sb.it.control.upsert({ segments: [{ id: segmentId(), short_name: 'Renamed in the console' }] });
  sb.it.control.clearLog();

  const job = makeJob({ mode: 'detect', webhook: true });
  const reports = [await job.runCycle(), await job.runCycle(), await job.runCycle()];
  assert.equal(
    reports.map((r) => r.result),
    ['drift', 'drift', 'drift'],
  );
  assert.equal(writesIn(sb.it.control.log()), [], 'no write in the request log');
  assert.is(sb.it.control.snapshot().segments.find((s) => s.code === 'retargeting-segment')!.short_name, 'Renamed in the console');
  assert.is(hook.posts.length, 1, 'one message for three cycles with the same drift');
  assert.match(hook.posts[0].text, /Xandr differs from git on member 958 .*1 change \(1 to update\)\. Nothing was changed \(mode detect\)/);
  assert.ok(Array.isArray(hook.posts[0].blocks));
  assert.not.match(hook.raw[0]!, /password|authorization|token/i, 'no credentials in the message');
  const metrics = await scrapeMetrics(job.metrics);
  assert.is(valueOf(metrics, 'xandr_sync_drift_objects', { kind: 'Segment' }), 1);
  assert.is(valueOf(metrics, 'xandr_sync_cycles_total', { result: 'drift' }), 3);
});

test('a slow cycle makes the next tick skip rather than overlap, and the skip is counted', async () => {
  sb.it.control.configure({ latency: { minMs: 100, maxMs: 100 } });
  const job = makeJob();
  const first = job.tick();
  const second = await job.tick();
  assert.equal(second, { kind: 'skipped', reason: 'overlap' });
  const ran = await first;
  assert.is(ran.kind, 'ran');
  const metrics = await scrapeMetrics(job.metrics);
  assert.is(valueOf(metrics, 'xandr_sync_ticks_skipped_total', { reason: 'overlap' }), 1);
  assert.is(valueOf(metrics, 'xandr_sync_cycles_total', { result: 'applied' }), 1, 'one cycle ran, not two');
  assert.is(calls(sb.it.control.log()).filter((c) => c === 'GET /member').length, 1, 'the live state was read once');
  const third = await job.tick();
  assert.is(third.kind, 'ran', 'once the cycle is over, the next tick runs');
});

test('a failed cycle leaves the next tick to retry, then backs off; the job survives and recovers', async () => {
  const clock = new FakeClock();
  const job = makeJob({ clock, webhook: true });
  repo.commit({ 'broken.yaml': 'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: broken\nspec:\n  no_such_field: 1\n' }, 'Break the manifests');

  const outcome = async () => {
    const tick = await job.tick();
    return tick.kind === 'ran' ? tick.report.result : `skipped ${tick.kind === 'skipped' ? tick.reason : ''}`;
  };
  assert.is(await outcome(), 'failed');
  assert.is(await outcome(), 'failed', 'the first failure leaves the very next tick to try again');
  assert.is(await outcome(), 'skipped backoff', 'after two failures in a row: wait a minute');
  await clock.advance(59_000);
  assert.is(await outcome(), 'skipped backoff');
  await clock.advance(1_000);
  assert.is(await outcome(), 'failed');
  await clock.advance(60_000);
  assert.is(await outcome(), 'skipped backoff', 'after three: two minutes');
  await clock.advance(60_000);
  repo.commit({ 'broken.yaml': null }, 'Fix the manifests');
  assert.is(await outcome(), 'applied');
  assert.is(await outcome(), 'in_sync', 'no backoff after a success');

  const metrics = await scrapeMetrics(job.metrics);
  assert.is(valueOf(metrics, 'xandr_sync_cycle_failures_total', { stage: 'validate' }), 3);
  assert.is(valueOf(metrics, 'xandr_sync_ticks_skipped_total', { reason: 'backoff' }), 3);
  assert.is(valueOf(metrics, 'xandr_sync_consecutive_failures'), 0);
  assert.equal(
    hook.posts.map((p) => p.text.split(':')[1]),
    ['x', 'white_check_mark'],
    'one failure message and one recovery message',
  );
  assert.match(hook.posts[0].text, /failed at validate: \d+ error\(s\) in the manifests at commit [0-9a-f]{12}/);
  assert.match(hook.posts[1].text, /works again after 3 failed cycles; applied 3 changes/);
});

test('an apply lock held by another process fails the cycle with the holder named; the next cycle applies', async () => {
  const job = makeJob();
  const lock = acquireLock(`${sb.it.url}|member 958`, 'xandr-sync apply (another job)', join(repo.dir, 'locks'));
  let report;
  try {
    report = await job.runCycle();
  } finally {
    lock.release();
  }
  assert.is(report.result, 'failed');
  assert.is(report.failure!.stage, 'lock');
  assert.match(report.failure!.message, /another apply to this target is running: pid \d+ on .*\(xandr-sync apply \(another job\)\)/);
  assert.is(report.failure!.holder!.command, 'xandr-sync apply (another job)');
  assert.equal(writesIn(sb.it.control.log()), [], 'nothing was written');
  assert.is((await job.runCycle()).result, 'applied');
});

test('readiness follows the last fetch and the last login', async () => {
  const job = makeJob();
  assert.equal(job.readiness(), { ready: false, reason: 'no cycle has finished yet' });
  await job.runCycle();
  assert.is(job.readiness().ready, true);

  const unreachable = makeJob({ url: `file://${join(repo.dir, 'no-such-repo')}` });
  const fetchFailed = await unreachable.runCycle();
  assert.is(fetchFailed.failure!.stage, 'fetch');
  assert.match(unreachable.readiness().reason, /the last fetch failed/);

  const badLogin = makeJob({ password: 'wrong-password' });
  const loginFailed = await badLogin.runCycle();
  assert.is(loginFailed.failure!.stage, 'connect');
  assert.not.match(loginFailed.failure!.message, /wrong-password/);
  assert.match(badLogin.readiness().reason, /the last login to Xandr failed/);
});

test('stopping mid-apply: the writes in flight finish, nothing new is sent, the cycle reports cancelled', async () => {
  sb.it.control.setFaults([{ method: 'POST', action: 'delay', delayMs: 1000 }]);
  const stop = new AbortController();
  const job = makeJob({ signal: stop.signal });
  const tick = job.tick();
  while (!sb.it.control.log().some((e) => e.method === 'POST' && e.path !== '/auth')) await new Promise((r) => setTimeout(r, 5));
  stop.abort();
  const outcome = await tick;
  assert.is(outcome.kind, 'ran');
  const report = outcome.kind === 'ran' ? outcome.report : null;
  assert.is(report!.result, 'cancelled');
  const writes = writesIn(sb.it.control.log());
  assert.equal(calls(writes).sort(), ['POST /pixel', 'POST /segment'], 'the wave in flight finished; the line-item PUT was never sent');
  assert.ok(writes.every((w) => w.status === 200 && w.processed), 'both writes completed');
  assert.is(report!.apply!.outcomes.find((o) => o.address.startsWith('LineItemPixels/'))!.status, 'skipped');
  assert.equal(await job.tick(), { kind: 'stopped' }, 'no tick runs after the stop');
});

test('/metrics parses as Prometheus text and its counters move as cycles run', async () => {
  const job = makeJob({ mode: 'detect' });
  const server = await startStatusServer({ host: '127.0.0.1', port: 0 }, { metrics: () => job.metrics.render(), readiness: () => job.readiness() });
  try {
    const scrape = async () => {
      const res = await fetch(`${server.url}/metrics`);
      assert.is(res.status, 200);
      assert.is(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      return parseExposition(await res.text());
    };
    const before = await scrape();
    assert.is(valueOf(before, 'xandr_sync_cycles_total', { result: 'drift' }), 0);
    assert.is(valueOf(before, 'xandr_sync_last_success_timestamp_seconds'), 0);
    assert.is((await fetch(`${server.url}/readyz`)).status, 503);

    await job.runCycle();
    const one = await scrape();
    assert.is(valueOf(one, 'xandr_sync_cycles_total', { result: 'drift' }), 1);
    assert.is(valueOf(one, 'xandr_sync_cycle_duration_seconds_count'), 1);
    assert.is(valueOf(one, 'xandr_sync_drift_objects', { kind: 'Segment' }), 1);
    assert.is(valueOf(one, 'xandr_sync_drift_objects', { kind: 'ConversionPixel' }), 1);
    assert.is(valueOf(one, 'xandr_sync_drift_objects', { kind: 'LineItemPixels' }), 1);
    assert.is(valueOf(one, 'xandr_sync_api_logins_total'), 1);
    const reads = valueOf(one, 'xandr_sync_api_requests_total', { method: 'GET', status_class: '2xx' })!;
    assert.ok(reads >= 3, `reads counted (${reads})`);
    assert.ok(valueOf(one, 'xandr_sync_last_success_timestamp_seconds')! > 1_700_000_000);
    assert.is((await fetch(`${server.url}/readyz`)).status, 200);

    sb.it.control.setFaults([{ method: 'GET', path: '/segment', action: 'error', status: 503, count: 1 }]);
    await job.runCycle();
    const two = await scrape();
    assert.is(valueOf(two, 'xandr_sync_cycles_total', { result: 'failed' }), 1, 'the 503 fails the cycle (the test client does not retry)');
    assert.is(valueOf(two, 'xandr_sync_cycle_failures_total', { stage: 'plan' }), 1);
    assert.is(valueOf(two, 'xandr_sync_api_requests_total', { method: 'GET', status_class: '5xx' }), 1);
    assert.ok(valueOf(two, 'xandr_sync_api_requests_total', { method: 'GET', status_class: '2xx' })! > reads);
    assert.is(valueOf(two, 'xandr_sync_consecutive_failures'), 1);
    assert.is(valueOf(two, 'xandr_sync_cycle_duration_seconds_count'), 2);
    assert.is((await fetch(`${server.url}/healthz`)).status, 200, 'alive whatever the cycles do');
  } finally {
    await server.close();
  }
});

test.run();
