import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createObject, getSegments, listSegments, updateObject, XandrClient, type ClientOptions } from '../../src/xandr/index.js';
import { rejects } from '../helpers/assert.js';
import { drive, FakeClock, seededRandom } from '../helpers/fake-clock.js';
import { loginsIn, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/** Fast retries so that fault tests take milliseconds, not seconds. */
const FAST = { baseDelayMs: 5, maxDelayMs: 50 };

/** The write path production runs (apply/execute.ts sends every planned request through it). */
const createSegment = (c: XandrClient, code: string, fields: Record<string, unknown> = {}) =>
  createObject(c, { service: 'segment', query: { member_id: 958 }, body: { segment: { code, short_name: code, ...fields } }, object: `Segment/${code}` });
const createPixel = (c: XandrClient, code: string) =>
  createObject(c, { service: 'pixel', query: { advertiser_id: 1234 }, body: { pixel: { code, name: code, trigger_type: 'click' } }, object: `ConversionPixel/${code}` });

for (const dialect of ['modern', 'legacy'] as const) {
  // One fake clock for the client and the sandbox: windows, Retry-After and delays pass in fake time.
  const clock = new FakeClock(Date.UTC(2026, 11, 1));
  const sb = sandboxFixture({ dialect, seed: 7, clock });
  const test = suite(`client over HTTP against the sandbox (${dialect})`);
  let clients: XandrClient[] = [];
  // A fresh sandbox per test: settings such as a zero token lifetime must not leak into the next one.
  test.before.each(sb.start);
  test.after.each(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    await sb.stop();
  });
  const client = (options: Partial<ClientOptions> = {}) => {
    const c = new XandrClient({
      apiUrl: sb.it.url,
      credentials: { username: 'sandbox', password: 'sandbox' },
      retry: FAST,
      random: seededRandom(1),
      clock,
      budget: { readsPerMinute: 10_000, writesPerMinute: 10_000 },
      ...options,
    });
    clients.push(c);
    return c;
  };

  test('pages past 100 objects: 250 segments in 3 reads, after one login', async () => {
    await sb.it.control.upsert({
      segments: Array.from({ length: 250 }, (_, i) => ({ id: 2000 + i, code: `s${i}`, short_name: `S ${i}`, member_id: 958, advertiser_id: null, state: 'active' })),
    });
    const c = client();
    const segments = await drive(clock, listSegments(c, { memberId: 958 }));
    assert.is(segments.length, 250);
    assert.equal(new Set(segments.map((s) => s.id)).size, 250);
    assert.is(c.stats.reads, 3);
    assert.is(loginsIn(sb.it.control.log()).length, 1);
  });

  test('a listing that shrinks while it is read is refused, not taken as complete', async () => {
    await sb.it.control.upsert({
      segments: Array.from({ length: 250 }, (_, i) => ({ id: 2000 + i, code: `s${i}`, short_name: `S ${i}`, member_id: 958, advertiser_id: null, state: 'active' })),
    });
    // The later pages wait (in fake time) until the console edit below is made.
    sb.it.control.setFaults([{ method: 'GET', path: '/segment', action: 'delay', delayMs: 200, skip: 1 }]);
    const c = client();
    const listing = listSegments(c, { memberId: 958 });
    // Once the first page has been answered, someone deletes 60 segments in the console.
    while (!sb.it.control.log().some((e) => e.path === '/segment' && e.status === 200)) await new Promise((r) => setTimeout(r, 1));
    const state = sb.it.control.snapshot();
    await sb.it.control.load({ ...state, segments: state.segments.filter((seg) => seg.id < 2000 || seg.id >= 2060) });
    await rejects(drive(clock, listing), /counted 250 segments but the pages held \d+; refusing to plan on an incomplete listing/);
  });

  test('reads by id lists of at most 100', async () => {
    await sb.it.control.upsert({
      segments: Array.from({ length: 150 }, (_, i) => ({ id: 3000 + i, code: null, short_name: `S ${i}`, member_id: 958, advertiser_id: null, state: 'active' })),
    });
    const c = client();
    const found = await drive(clock, getSegments(c, [...Array.from({ length: 150 }, (_, i) => 3000 + i), 99999]));
    assert.is(found.length, 150);
    const gets = sb.it.control.log().filter((e) => e.method === 'GET' && e.path === '/segment');
    assert.is(gets.length, 2);
    assert.ok(gets.every((g) => g.query.id!.split(',').length <= 100));
  });

  test('a 429 with Retry-After is honoured: the retry waits at least that long', async () => {
    sb.it.control.setFaults([{ method: 'GET', path: '/segment', action: 'throttle', retryAfter: 1, count: 1 }]);
    const c = client();
    await drive(clock, listSegments(c, { memberId: 958 }));
    const gets = sb.it.control.log().filter((e) => e.method === 'GET' && e.path === '/segment');
    assert.is(gets.length, 2);
    assert.is(gets[0]!.status, 429);
    assert.ok(gets[1]!.at - gets[0]!.at >= 1000, `retried after ${gets[1]!.at - gets[0]!.at} ms`);
    assert.is(c.stats.throttled, 1);
  });

  test('503s are retried for reads and PUTs', async () => {
    sb.it.control.setFaults([
      { method: 'GET', path: '/segment', action: 'error', status: 503, count: 2 },
      { method: 'PUT', path: '/line-item', action: 'error', status: 503, count: 2 },
    ]);
    const c = client();
    await drive(clock, listSegments(c, { memberId: 958 }));
    const id = await drive(clock, updateObject(c, { service: 'line-item', query: { id: 205, advertiser_id: 1234 }, body: { 'line-item': { pixels: [] } }, object: 'LineItemPixels/line-item-205' }));
    assert.is(id, 205);
    const statuses = sb.it.control.log().filter((e) => e.path !== '/auth').map((e) => e.status);
    const failure = dialect === 'legacy' ? 200 : 503;
    assert.equal(statuses, [failure, failure, 200, failure, failure, 200]);
  });

  test('a lost POST response is recovered by code, without a duplicate', async () => {
    sb.it.control.setFaults([{ method: 'POST', path: '/segment', action: 'lose', count: 1 }]);
    const c = client();
    const created = await drive(clock, createSegment(c, 'lost-and-found'));
    const matching = sb.it.control.snapshot().segments.filter((s) => s.code === 'lost-and-found');
    assert.is(matching.length, 1, 'exactly one segment exists');
    assert.is(created, matching[0]!.id);
    assert.is(writesIn(sb.it.control.log()).length, 1, 'the POST was not sent again');
    assert.is(c.stats.recovered, 1);
  });

  test('a POST reset before it was processed is looked up, then sent again once', async () => {
    sb.it.control.setFaults([{ method: 'POST', path: '/pixel', action: 'reset', count: 1 }]);
    const c = client();
    const created = await drive(clock, createPixel(c, 'second-try'));
    const matching = sb.it.control.snapshot().pixels.filter((p) => p.code === 'second-try');
    assert.is(matching.length, 1);
    assert.is(created, matching[0]!.id);
    const log = sb.it.control.log();
    assert.ok(log.some((e) => e.method === 'GET' && e.path === '/pixel' && e.query.code === 'second-try'), 'looked the code up first');
  });

  test('a POST that stalls past the timeout is looked up before it is sent again: one segment', async () => {
    // The sandbox holds the first POST for a fake minute; undici's (real) 50 ms response timeout fires first.
    sb.it.control.setFaults([{ method: 'POST', path: '/segment', action: 'delay', delayMs: 60_000, count: 1 }]);
    const c = client({ transport: { headersTimeoutMs: 50 } });
    const created = await drive(clock, createSegment(c, 'slow-one'), 20);
    // The stalled POST finally reaches the service, which refuses the code the retry created.
    await clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 20));
    const matching = sb.it.control.snapshot().segments.filter((s) => s.code === 'slow-one');
    assert.is(matching.length, 1);
    assert.is(created, matching[0]!.id);
    assert.ok(sb.it.control.log().some((e) => e.method === 'GET' && e.query.code === 'slow-one'), 'looked up before sending again');
  });

  test('a token expired mid-run with 15 calls in flight costs exactly one extra login', async () => {
    sb.it.control.configure({ latency: { minMs: 20, maxMs: 40 } });
    const c = client();
    await drive(clock, c.connect());
    sb.it.control.expireTokens();
    await drive(clock, Promise.all(Array.from({ length: 30 }, () => listSegments(c, { memberId: 958 }))), 10);
    assert.is(loginsIn(sb.it.control.log()).length, 2);
    assert.is(c.stats.logins, 2);
  });

  test('a retry whose fresh token worked for others and then expired costs one more login, not a failure', async () => {
    const c = client();
    await drive(clock, listSegments(c, { memberId: 958 }));
    sb.it.control.expireTokens();
    // The first call is refused (expired token), logs in again, and its retry is held by the sandbox.
    sb.it.control.setFaults([{ method: 'GET', path: '/segment', action: 'delay', delayMs: 60_000, skip: 1, count: 1 }]);
    const held = listSegments(c, { memberId: 958 });
    held.catch(() => undefined);
    while (!sb.it.control.log().some((e) => e.fault === 'delay')) await new Promise((r) => setTimeout(r, 1));
    // Another call succeeds with the new token; then that token expires too, before the held retry is read.
    await drive(clock, listSegments(c, { memberId: 958 }), 1);
    assert.is(c.stats.logins, 2);
    sb.it.control.expireTokens();
    await drive(clock, held);
    assert.is(c.stats.logins, 3);
    assert.is(loginsIn(sb.it.control.log()).length, 3);
  });

  test('a token refused right after a fresh login is fatal, with a clear message', async () => {
    sb.it.control.configure({ tokenIdleMs: 0 });
    const c = client();
    await rejects(drive(clock, listSegments(c, { memberId: 958 })), /refused the token twice in a row/);
    assert.is(loginsIn(sb.it.control.log()).length, 2);
  });

  test('never more than 15 requests in flight, even when 60 are asked for at once', async () => {
    sb.it.control.configure({ latency: { minMs: 10, maxMs: 30 } });
    const c = client();
    const writes = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        updateObject(c, { service: 'segment', query: { id: 1 }, body: { segment: { short_name: `x${i}` } }, object: 'segment 1' }).catch(() => undefined),
      ),
    );
    await drive(clock, writes, 10);
    await drive(clock, Promise.all(Array.from({ length: 60 }, () => listSegments(c, { memberId: 958 }))), 10);
    assert.is(sb.it.control.stats().concurrency, 0, 'the sandbox never saw more than 15 at once');
  });

  test('the write budget keeps a burst under the sandbox limit: no 429 at all', async () => {
    sb.it.control.configure({ limits: { writes: 10, windowMs: 1000 } });
    const c = client({ budget: { writesPerMinute: 10, windowMs: 1000, readsPerMinute: 1000 } });
    await drive(clock, Promise.all(Array.from({ length: 25 }, (_, i) => createSegment(c, `burst-${i}`))));
    assert.is(sb.it.control.stats().throttled, 0);
    assert.is(sb.it.control.snapshot().segments.filter((s) => String(s.code).startsWith('burst-')).length, 25);
  });

  test('a refused call carries Xandr error_id, status and the object, never a secret', async () => {
    const c = client();
    const error = await rejects(drive(clock, createSegment(c, 'bad', { short_name: 'x'.repeat(300) })), /POST \/segment \(Segment\/bad\)/);
    assert.is(error.code, 'XANDR_API');
    assert.is(error.errorId, 'SYNTAX');
    assert.is(error.status, dialect === 'legacy' ? 200 : 400);
    assert.not.match(error.message, /hbapi:/);
  });

  test('bad credentials: a login error that names neither the user nor the password', async () => {
    const c = client({ credentials: { username: 'someone', password: 'Canary-Password-123!' } });
    const error = await rejects(drive(clock, listSegments(c, { memberId: 958 })), /login refused/);
    assert.is(error.code, 'XANDR_AUTH');
    assert.not.match(error.message, /Canary-Password|someone/);
  });

  test.run();
}

const redirects = suite('redirects');

redirects('a redirect is refused and the token never reaches the other origin', async () => {
  const seen: string[] = [];
  const other = createServer((req, res) => {
    seen.push(String(req.headers.authorization ?? ''));
    res.end('{}');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const otherPort = (other.address() as AddressInfo).port;
  const api = createServer((req, res) => {
    if (req.url === '/auth') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ response: { status: 'OK', token: 'hbapi:1:secret-token:x' } }));
    }
    res.statusCode = 308;
    res.setHeader('location', `http://127.0.0.1:${otherPort}${req.url}`);
    res.end();
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const c = new XandrClient({ apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, credentials: { username: 'u', password: 'p' } });
  try {
    await rejects(listSegments(c, { memberId: 1 }), /redirect.*never followed/);
    assert.equal(seen, [], 'nothing reached the other origin');
  } finally {
    await c.close();
    await new Promise((r) => api.close(r));
    await new Promise((r) => other.close(r));
  }
});

redirects.run();
