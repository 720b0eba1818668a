import * as assert from 'uvu/assert';
import { FakeClock } from '../helpers/fake-clock.js';
import { ok, sandboxSuite } from './helpers.js';

const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
const s = sandboxSuite('sandbox control endpoint /__sandbox/', { clock });
const test = s.test;

async function control(method: string, name: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.sb.url}/__sandbox/${name}`, { method, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}

test('GET /log lists API requests with query, body, status and user; control requests are not logged', async () => {
  await s.api.get('/line-item?id=205&advertiser_id=1234');
  await s.api.post('/segment', { segment: {} });
  await control('GET', 'stats');
  const { requests } = (await control('GET', 'log')).body;
  assert.equal(requests.map((e: any) => `${e.method} ${e.path}`), ['POST /auth', 'GET /line-item', 'POST /segment']);
  const [, get, post] = requests;
  assert.equal(get.query, { id: '205', advertiser_id: '1234' });
  assert.equal([get.status, get.user, get.processed, get.body], [200, 'sandbox', true, null]);
  assert.equal([post.status, post.error_id, post.body], [400, 'SYNTAX', { segment: {} }]);
  assert.ok(requests.every((e: any, i: number) => i === 0 || e.seq > requests[i - 1].seq));
  assert.type(get.at, 'number');
  const since = (await control('GET', `log?since=${get.seq}`)).body.requests;
  assert.equal(since.map((e: any) => e.path), ['/segment']);
  assert.equal((await control('DELETE', 'log')).body, { ok: true });
  assert.equal((await control('GET', 'log')).body.requests, []);
});

test('the control endpoint is never rate-limited, faulted or authenticated', async () => {
  s.sb.control.setFaults([{ action: 'reset' }]);
  s.sb.control.configure({ limits: { reads: 1 }, latency: { minMs: 2000, maxMs: 2000 } });
  for (let i = 0; i < 5; i++) assert.is((await control('GET', 'stats')).status, 200);
  assert.is((await control('GET', 'config')).status, 200);
});

test('POST /reset restores the fresh state and the start config, and clears log, counters, tokens and faults', async () => {
  await s.api.post('/segment', { segment: { short_name: 'temp' } });
  await s.api.put('/line-item?id=205', { 'line-item': { name: 'changed' } });
  s.sb.control.setFaults([{ path: '/member', action: 'error' }]);
  s.sb.control.configure({ dialect: 'legacy', tokenIdleMs: 0, limits: { reads: 1 } });
  const token = s.api.token;
  assert.equal((await control('POST', 'reset')).body, { ok: true });
  assert.equal(s.sb.control.config(), (await control('GET', 'config')).body);
  assert.equal([s.sb.control.config().dialect, s.sb.control.config().tokenIdleMs, s.sb.control.config().limits.reads], ['modern', 7_200_000, 1000], 'the config is back to the start options');
  assert.equal(s.sb.control.snapshot().segments, []);
  assert.is(s.sb.control.snapshot().lineItems.find((li) => li.id === 205)!.name, 'Seed Line Item');
  assert.equal(s.sb.control.log(), []);
  assert.is(s.sb.control.stats().writes, 0);
  assert.equal(s.sb.control.faults().rules, []);
  assert.is((await s.api.get('/member', { token })).status, 401, 'old tokens are gone');
  await s.api.login();
  assert.is(ok(await s.api.post('/segment', { segment: { short_name: 'again' } })).id, 1000001, 'sequences restart');
});

test('GET/PUT /config: partial updates, validated', async () => {
  const before = (await control('GET', 'config')).body;
  assert.equal(before, {
    dialect: 'modern',
    limits: { reads: 1000, writes: 60, windowMs: 60000, maxInFlight: 15, logins: 10, loginWindowMs: 300000 },
    latency: null,
    tokenIdleMs: 7200000,
    tokenLifetimeMs: 86400000,
    ignoreModifiedFilter: false,
    refuseChangeLog: false,
    shapes: 'sandbox',
  });
  const after = (await control('PUT', 'config', { dialect: 'legacy', limits: { writes: 5 }, latency: { minMs: 1, maxMs: 3 } })).body;
  assert.equal([after.dialect, after.limits.writes, after.limits.reads, after.latency], ['legacy', 5, 1000, { minMs: 1, maxMs: 3 }]);
  assert.equal((await control('PUT', 'config', { latency: null })).body.latency, null);
  assert.is((await s.api.get('/segment?id=1')).status, 200, 'legacy dialect is live');
  for (const bad of [{ dialect: 'old' }, { limits: { reads: 0 } }, { limits: { burst: 1 } }, { latency: { minMs: 5, maxMs: 1 } }, { colour: 1 }, { shapes: 'docs' }, { refuseChangeLog: 'yes' }]) {
    const reply = await control('PUT', 'config', bad);
    assert.is(reply.status, 400, JSON.stringify(bad));
    assert.type(reply.body.error, 'string');
  }
});

test('PUT/GET /faults: rules with remaining counts, and a seed', async () => {
  const reply = await control('PUT', 'faults', { seed: 9, rules: [{ method: 'GET', path: '/segment', action: 'error', count: 2 }] });
  assert.equal(reply.body, {
    seed: 9,
    rules: [{ method: 'GET', path: '/segment', action: 'error', count: 2, remaining: 2, skipRemaining: 0, hits: 0 }],
  });
  await s.api.get('/segment');
  assert.is((await control('GET', 'faults')).body.rules[0].remaining, 1);
  assert.is((await control('PUT', 'faults', { rules: [], extra: 1 })).status, 400);
});

test('POST /expire-tokens: the next use is NOAUTH', async () => {
  assert.equal((await control('POST', 'expire-tokens')).body, { expired: 1 });
  const reply = await s.api.get('/member');
  assert.is(reply.status, 401);
  assert.is(reply.body.response.error_id, 'NOAUTH');
});

test('GET /state and PUT /state round-trip the whole state', async () => {
  await s.api.post('/segment', { segment: { short_name: 'kept', code: 'kept' } });
  const state = (await control('GET', 'state')).body;
  assert.is(state.format, 'xandr-sync-sandbox');
  assert.is(state.segments.length, 1);
  assert.equal(state.sequences, { segment: 1000002, pixel: 12345, lineItem: 9001, profile: 8001 });
  await control('POST', 'reset');
  assert.equal((await control('PUT', 'state', state)).body, { ok: true });
  await s.api.login();
  assert.is(ok(await s.api.get('/segment?code=kept')).count, 1);
  assert.is(ok(await s.api.post('/segment', { segment: { short_name: 'next' } })).id, 1000002);
  const bad = await control('PUT', 'state', { format: 'something else' });
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /format/);
});

test('POST /objects upserts raw objects by id, unlogged: new ones get defaults, existing ones are merged', async () => {
  const reply = await control('POST', 'objects', {
    advertisers: [{ id: 42, name: 'Forty Two', code: 'ft' }],
    segments: [{ id: 7, short_name: 'raw', code: 'raw' }],
    pixels: [{ id: 70, name: 'raw pixel', advertiser_id: 42 }],
    lineItems: [{ id: 205, name: 'edited in the console' }, { id: 700, name: 'raw li', advertiser_id: 42, pixels: [{ id: '70', state: 'active' }] }],
  });
  assert.equal(reply.body, { upserted: { advertisers: 1, segments: 1, pixels: 1, lineItems: 2, profiles: 0 } });
  assert.equal(s.sb.control.log().map((e) => e.path), ['/auth'], 'not logged');
  const seg = ok(await s.api.get('/segment?id=7')).segments[0];
  assert.equal([seg.short_name, seg.member_id, seg.state, seg.price], ['raw', 958, 'active', '0']);
  const li = ok(await s.api.get('/line-item?id=205,700'))['line-items'];
  assert.equal([li[0].name, li[0].revenue_type], ['edited in the console', 'cpa'], 'merged over the existing object');
  assert.equal(li[1].pixels.map((p: any) => [p.id, p.name]), [['70', 'raw pixel']]);
  assert.equal(ok(await s.api.get('/pixel?id=70')).pixels[0].line_items, [{ id: 700, name: 'raw li', state: 'active' }]);
  assert.is((await control('POST', 'objects', { segments: [{ short_name: 'no id' }] })).status, 400);
  assert.is((await control('POST', 'objects', { creatives: [] })).status, 400);
});

test('POST /objects seeds 28,000 objects in one request; pages over them stay correct', async () => {
  const segments = Array.from({ length: 28_000 }, (_, i) => ({ id: 2_000_000 + i, code: `bulk-${i}`, short_name: `Bulk ${i}` }));
  const reply = await control('POST', 'objects', { segments });
  assert.equal(reply.body.upserted.segments, 28_000);
  const page = ok(await s.api.get('/segment?start_element=27950'));
  assert.is(page.count, 28_000);
  assert.is(page.segments.length, 50);
  assert.is(page.segments[49].code, 'bulk-27999');
  assert.is(ok(await s.api.get('/segment?code=bulk-12345')).segments[0].id, 2_012_345);
  const duplicate = await s.api.post('/segment', { segment: { short_name: 'after', code: 'BULK-1' } });
  assert.is(duplicate.body.response.error_id, 'INTEGRITY', 'upserted codes are indexed too');
  assert.is(ok(await s.api.post('/segment', { segment: { short_name: 'after' } })).id, 2_028_000, 'sequences move past upserted ids');
});

test('GET /stats counts reads, writes, logins and statuses', async () => {
  s.sb.control.configure({ limits: { reads: 2 } });
  await s.api.get('/member');
  await s.api.get('/member');
  await s.api.get('/member');
  await s.api.post('/segment', { segment: {} });
  assert.equal((await control('GET', 'stats')).body, {
    reads: 2,
    writes: 1,
    logins: 1,
    throttled: 1,
    concurrency: 0,
    dropped: 0,
    byStatus: { '200': 3, '400': 1, '429': 1 },
  });
});

test('unknown control paths and methods', async () => {
  assert.is((await control('GET', 'nope')).status, 404);
  assert.is((await control('POST', 'log')).status, 405);
  const res = await fetch(`${s.sb.url}/__sandbox/config`, { method: 'PUT', body: '{not json' });
  assert.is(res.status, 400);
});

test.run();
