import * as assert from 'uvu/assert';
import { FakeClock } from '../helpers/fake-clock.js';
import { assertError, ok, sandboxSuite, waitFor, type Reply } from './helpers.js';

const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
const s = sandboxSuite('sandbox rate limits and the in-flight cap', { clock });
const test = s.test;

test('reads over the limit get 429, Retry-After and RATE_EXCEEDED with the documented text', async () => {
  s.sb.control.configure({ limits: { reads: 3, windowMs: 60_000 } });
  for (let i = 0; i < 3; i++) ok(await s.api.get('/member'));
  const reply = await s.api.get('/segment');
  assertError(reply, {
    status: 429,
    errorId: 'SYSTEM',
    errorCode: 'RATE_EXCEEDED',
    message: /^You have exceeded your request limit of 3 per 60 seconds for this user, please wait and try again or contact AppNexus for higher limits$/,
  });
  assert.is(reply.headers.get('retry-after'), '60', 'the whole window: all three reads were at this instant');
  assert.is(reply.body.response.error_description, 'rate limit has been exceeded');
  ok(await s.api.post('/segment', { segment: { short_name: 'writes have their own budget' } }));
});

test('writes are counted apart from reads; refused requests do not count', async () => {
  s.sb.control.configure({ limits: { writes: 2 } });
  ok(await s.api.post('/segment', { segment: { short_name: 'a' } }));
  assertError(await s.api.get('/member', { token: 'not-a-token' }), { status: 401, errorId: 'NOAUTH' });
  ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'b' } }));
  assertError(await s.api.del('/segment?id=1000001'), { status: 429, errorId: 'SYSTEM', errorCode: 'RATE_EXCEEDED' });
  assertError(await s.api.post('/segment', { segment: { short_name: 'c' } }), { status: 429, errorId: 'SYSTEM' });
  ok(await s.api.get('/segment?id=1000001'), 'the DELETE was refused before it happened');
  const stats = s.sb.control.stats();
  assert.is(stats.writes, 2);
  assert.is(stats.throttled, 2);
  assert.is(stats.byStatus['429'], 2);
  assert.is(s.sb.control.log().filter((e) => e.status === 429).every((e) => !e.processed), true);
});

test('the window rolls: a slot frees once the oldest request leaves it, and Retry-After says when', async () => {
  s.sb.control.configure({ limits: { reads: 2, windowMs: 60_000 } });
  ok(await s.api.get('/member'));
  await clock.advance(20_500);
  ok(await s.api.get('/member'));
  const refused = await s.api.get('/member');
  assert.is(refused.status, 429);
  assert.is(refused.headers.get('retry-after'), '40', 'the first read leaves the window in 39.5 s: whole seconds, rounded up');
  await clock.advance(39_499);
  assert.is((await s.api.get('/member')).status, 429, 'one millisecond early');
  assert.is((await s.api.get('/member')).headers.get('retry-after'), '1');
  await clock.advance(1);
  ok(await s.api.get('/member'), 'the oldest read has left the window');
  const again = await s.api.get('/member');
  assert.is(again.headers.get('retry-after'), '21', 'now the second read is the oldest: it leaves at 80.5 s');
});

test('limits are per user: /auth is not counted', async () => {
  s.sb.control.configure({ limits: { reads: 1 } });
  ok(await s.api.get('/member'));
  ok(await s.api.login(), 'logging in is not a read or a write');
  assert.is((await s.api.get('/member')).status, 429);
});

test('more than maxInFlight concurrent requests for one user: HTTP 200 with SYSTEM / CONCURRENCY_EXCEEDED', async () => {
  s.sb.control.configure({ limits: { maxInFlight: 3 } });
  // Hold every GET /segment on the fake clock, so that all six are in flight together.
  s.sb.control.setFaults([{ method: 'GET', path: '/segment', action: 'delay', delayMs: 800 }]);
  const answered: Reply[] = [];
  const pending = Array.from({ length: 6 }, () => s.api.get('/segment').then((r) => (answered.push(r), r)));
  await waitFor(() => clock.pending === 3 && answered.length === 3, 'three requests held and three refused');
  assert.ok(answered.every((r) => r.body.response.error_code === 'CONCURRENCY_EXCEEDED'), 'the refused ones answer at once');
  await clock.advance(800);
  const replies = await Promise.all(pending);
  const refused = replies.filter((r) => r.body.response.error_code === 'CONCURRENCY_EXCEEDED');
  assert.is(refused.length, 3);
  for (const r of refused) assertError(r, { status: 200, errorId: 'SYSTEM', errorCode: 'CONCURRENCY_EXCEEDED' });
  assert.is(replies.filter((r) => r.body.response.status === 'OK').length, 3);
  assert.is(s.sb.control.stats().concurrency, 3);
  assert.is(s.sb.control.stats().reads, 3, 'refused requests are not counted as reads');
  assert.is(s.sb.control.log().filter((e) => e.fault === 'concurrency').length, 3);
  // Once they are done, the user has its slots back.
  s.sb.control.setFaults([]);
  const after = await Promise.all(Array.from({ length: 3 }, () => s.api.get('/segment')));
  assert.ok(after.every((r) => r.body.response.status === 'OK'));
});

test.run();
