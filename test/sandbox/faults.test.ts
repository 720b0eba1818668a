import * as assert from 'uvu/assert';
import { FakeClock } from '../helpers/fake-clock.js';
import { assertError, ok, sandboxSuite, waitFor, type Reply } from './helpers.js';

const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
const s = sandboxSuite('sandbox fault injection', { clock });

/** Sends a request and reports when its answer has arrived. */
function track(request: Promise<Reply>): { reply: Promise<Reply>; done: () => boolean } {
  let done = false;
  const reply = request.then((r) => {
    done = true;
    return r;
  });
  return { reply, done: () => done };
}
const test = s.test;

/** fetch rejects when the connection is dropped without an answer. */
async function dropped(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch (error) {
    return error instanceof TypeError;
  }
}

test('reset drops the connection before processing: nothing changes', async () => {
  s.sb.control.setFaults([{ method: 'POST', path: '/segment', action: 'reset', count: 1 }]);
  assert.ok(await dropped(s.api.post('/segment', { segment: { short_name: 'never', code: 'never' } })));
  assert.equal(s.sb.control.snapshot().segments, []);
  const entry = s.sb.control.log().find((e) => e.path === '/segment')!;
  assert.equal([entry.status, entry.fault, entry.processed], [null, 'reset', false]);
  ok(await s.api.post('/segment', { segment: { short_name: 'second try' } }));
  assert.is(s.sb.control.stats().dropped, 1);
});

test('lose processes the write, then drops the connection without an answer', async () => {
  s.sb.control.setFaults([{ method: 'POST', path: '/segment', action: 'lose', count: 1 }]);
  assert.ok(await dropped(s.api.post('/segment', { segment: { short_name: 'lost', code: 'lost-answer' } })));
  const found = ok(await s.api.get('/segment?code=lost-answer')).segments;
  assert.is(found.length, 1, 'the write happened');
  const entry = s.sb.control.log().find((e) => e.method === 'POST' && e.path === '/segment')!;
  assert.equal([entry.status, entry.fault, entry.processed], [null, 'lose', true]);
  assert.is(s.sb.control.stats().writes, 1);
});

test('error with skip and count: lets k through, fails the next n, then is spent', async () => {
  s.sb.control.setFaults([{ method: 'GET', path: '/line-item', action: 'error', status: 500, skip: 1, count: 2 }]);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await s.api.get('/line-item?id=205')).status);
  assert.equal(statuses, [200, 500, 500, 200, 200]);
  const [rule] = s.sb.control.faults().rules;
  assert.equal([rule!.remaining, rule!.skipRemaining, rule!.hits], [0, 0, 2]);
  const failed = s.sb.control.log().filter((e) => e.fault === 'error');
  assert.ok(failed.every((e) => e.error_id === 'SYSTEM' && e.error_code === 'SERVICE_UNAVAILABLE' && !e.processed));
});

test('the default error is a 503; method and path narrow a rule; the first matching rule wins', async () => {
  s.sb.control.setFaults([
    { method: 'PUT', action: 'error', count: 1 },
    { path: '/pixel', action: 'error', status: 502, count: 1 },
    { action: 'error', status: 500 },
  ]);
  assertError(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'x' } }), { status: 503, errorId: 'SYSTEM', errorCode: 'SERVICE_UNAVAILABLE' });
  assert.is((await s.api.get('/pixel')).status, 502);
  assert.is((await s.api.get('/pixel')).status, 500);
  assert.is((await s.api.get('/segment')).status, 500);
  ok(await s.api.login(), '/auth is faulted only by a rule that names it');
  s.sb.control.setFaults([{ path: '/auth', action: 'error', count: 1 }]);
  assert.is((await s.api.login()).status, 503);
  ok(await s.api.login());
});

test('throttle answers 429 with the rule\'s Retry-After, without processing', async () => {
  s.sb.control.setFaults([{ method: 'POST', action: 'throttle', retryAfter: 7, count: 1 }]);
  const reply = await s.api.post('/segment', { segment: { short_name: 'x' } });
  assertError(reply, { status: 429, errorId: 'SYSTEM', errorCode: 'RATE_EXCEEDED' });
  assert.is(reply.headers.get('retry-after'), '7');
  assert.equal(s.sb.control.snapshot().segments, []);
  assert.is(s.sb.control.stats().throttled, 1);
});

test('delay holds a request on the clock for delayMs, then serves it', async () => {
  s.sb.control.setFaults([{ path: '/member', action: 'delay', delayMs: 5000, count: 1 }]);
  const call = track(s.api.get('/member'));
  await waitFor(() => clock.pending === 1, 'the request to be held');
  await clock.advance(4999);
  assert.not.ok(call.done(), 'still held one millisecond before the delay is up');
  await clock.advance(1);
  ok(await call.reply);
  const entry = s.sb.control.log().find((e) => e.path === '/member')!;
  assert.equal([entry.fault, entry.status, entry.processed], ['delay', 200, true]);
});

test('rate is deterministic given a seed', async () => {
  const run = async () => {
    s.sb.control.setFaults([{ path: '/member', action: 'error', rate: 0.5 }], 42);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await s.api.get('/member')).status);
    return statuses;
  };
  const first = await run();
  const second = await run();
  assert.equal(first, second);
  const failures = first.filter((x) => x === 503).length;
  assert.ok(failures > 2 && failures < 18, `about half fail (${failures} of 20)`);
  s.sb.control.setFaults([{ path: '/member', action: 'error', rate: 0.5 }], 43);
  const other: number[] = [];
  for (let i = 0; i < 20; i++) other.push((await s.api.get('/member')).status);
  assert.not.equal(other, first, 'another seed gives another sequence');
});

test('latency holds API requests on the clock, and control requests not at all', async () => {
  s.sb.control.configure({ latency: { minMs: 30_000, maxMs: 30_000 } });
  const call = track(s.api.get('/member'));
  await waitFor(() => clock.pending === 1, 'the request to wait out its latency');
  const log = await fetch(`${s.sb.url}/__sandbox/log`);
  assert.is(log.status, 200, 'the control endpoint answers while the API request waits');
  assert.not.ok(call.done());
  await clock.advance(29_999);
  assert.not.ok(call.done(), 'one millisecond early');
  await clock.advance(1);
  ok(await call.reply);
});

test('the request log records arrival times from the clock', async () => {
  const before = clock.now();
  ok(await s.api.get('/member'));
  await clock.advance(61_000);
  ok(await s.api.get('/segment'));
  const [member, segment] = s.sb.control.log().filter((e) => e.path !== '/auth');
  assert.equal([member!.at, segment!.at], [before, before + 61_000]);
});

test('bad rules are refused with a reason, in process and over HTTP', async () => {
  assert.throws(() => s.sb.control.setFaults([{ action: 'explode' } as never]), /'action' must be one of/);
  assert.throws(() => s.sb.control.setFaults([{ action: 'error', rate: 2 }]), /'rate'/);
  const res = await fetch(`${s.sb.url}/__sandbox/faults`, { method: 'PUT', body: JSON.stringify({ rules: [{ action: 'error', path: 'segment' }] }) });
  assert.is(res.status, 400);
  assert.match(((await res.json()) as any).error, /'path' must be a string starting with '\/'/);
});

test('error with errorId answers a refusal (not retryable) with that error_id; echoToken leaks the token on purpose', async () => {
  s.sb.control.setFaults([
    { method: 'POST', path: '/pixel', action: 'error', errorId: 'INTEGRITY', count: 1 },
    { method: 'GET', path: '/segment', action: 'error', echoToken: true, count: 1 },
  ]);
  assertError(await s.api.post('/pixel?advertiser_id=1234', { pixel: { name: 'x' } }), { status: 400, errorId: 'INTEGRITY' });
  const echoed = await s.api.get('/segment');
  assert.ok(s.api.token && JSON.stringify(echoed.body).includes(s.api.token), 'the token is in the error text');
  assert.throws(() => s.sb.control.setFaults([{ action: 'error', errorId: 'NOPE' as never }]), /errorId/);
});

test.run();
