import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { SandboxClock } from '../../src/sandbox/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Api, assertError, ok, sandboxSuite } from './helpers.js';

const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
// The test helper's clock is the sandbox's port as it is, with no adapter.
const port: SandboxClock = clock;
const s = sandboxSuite('sandbox /auth and tokens', {
  clock: port,
  users: [
    { username: 'sandbox', password: 'sandbox' },
    { username: 'other', password: 'S3cret!pass', memberId: 1282 },
  ],
});
const test = s.test;

test('a login answers status OK, a token shaped like Xandr\'s, and the HBFAPI_SESSID cookie', async () => {
  const api = new Api(s.sb.url);
  const reply = await api.login();
  const r = ok(reply);
  assert.match(r.token, /^hbapi:\d+:[0-9a-f]{16}:sandbox$/);
  assert.is(r.dbg_info.output_term, 'token');
  assert.is(reply.headers.get('set-cookie'), `HBFAPI_SESSID=${encodeURIComponent(r.token)}; Path=/; HttpOnly`);
  const again = new Api(s.sb.url);
  await again.login();
  assert.is.not(again.token, api.token, 'each login gets a fresh random token');
});

test('bad credentials are NOAUTH "No match found for user/pass", as in the docs\' error fixture', async () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/xandr/error-noauth.json', import.meta.url), 'utf8'));
  const api = new Api(s.sb.url);
  for (const auth of [{ username: 'sandbox', password: 'wrong' }, { username: 'nobody', password: 'sandbox' }, { username: 'sandbox' }]) {
    const reply = await api.call('POST', '/auth', { auth }, { token: null });
    assertError(reply, { status: 401, errorId: fixture.response.error_id, message: /^No match found for user\/pass$/ });
  }
  assertError(await api.call('POST', '/auth', { login: {} }, { token: null }), { status: 400, errorId: 'SYNTAX' });
});

test('the token works as the raw Authorization header or as the cookie; "Bearer" is not Xandr', async () => {
  const token = s.api.token!;
  ok(await s.api.get('/member'));
  ok(await s.api.get('/member', { token: null, headers: { cookie: `other=1; HBFAPI_SESSID=${encodeURIComponent(token)}` } }));
  assertError(await s.api.get('/member', { token: `Bearer ${token}` }), { status: 401, errorId: 'NOAUTH' });
  assertError(await s.api.get('/member', { token: 'hbapi:1:deadbeef:sandbox' }), { status: 401, errorId: 'NOAUTH' });
  assertError(await s.api.get('/member', { token: null }), { status: 401, errorId: 'NOAUTH', message: /not logged in/ });
});

test('a user sees only its own member', async () => {
  const other = new Api(s.sb.url);
  ok(await other.login('other', 'S3cret!pass'));
  assert.equal(ok(await other.get('/member')).members.map((m: any) => m.id), [1282]);
  assert.equal(ok(await other.get('/advertiser')).advertisers, []);
  assertError(await other.get('/line-item?id=205'), { status: 404, errorId: 'SYNTAX' });
});

const HOUR = 60 * 60 * 1000;

test('by default a token expires 2 hours after its last use, and each call slides that', async () => {
  const api = new Api(s.sb.url);
  await api.login();
  // Five hours in all, longer than the idle time: only sliding keeps the token alive.
  for (let i = 0; i < 5; i++) {
    await clock.advance(HOUR);
    ok(await api.get('/member'));
  }
  await clock.advance(2 * HOUR - 1);
  ok(await api.get('/member'), 'one millisecond before the idle time is up');
  await clock.advance(2 * HOUR);
  assertError(await api.get('/member'), { status: 401, errorId: 'NOAUTH', message: /token expired \(idle for more than 7200 seconds\)/ });
  assertError(await api.get('/member'), { status: 401, errorId: 'NOAUTH' });
  ok(await api.login());
  ok(await api.get('/member'));
});

test('by default a token expires 24 hours after its login however often it is used', async () => {
  const api = new Api(s.sb.url);
  await api.login();
  for (let i = 0; i < 23; i++) {
    await clock.advance(HOUR);
    ok(await api.get('/member'), `hour ${i + 1}`);
  }
  await clock.advance(HOUR - 1);
  ok(await api.get('/member'), 'one millisecond before the 24 hours are up');
  await clock.advance(1);
  assertError(await api.get('/member'), { status: 401, errorId: 'NOAUTH', message: /token expired \(older than 86400 seconds\)/ });
});

test('the idle time and the lifetime are settings', async () => {
  s.sb.control.configure({ tokenIdleMs: 400, tokenLifetimeMs: 1000 });
  const api = new Api(s.sb.url);
  await api.login();
  await clock.advance(399);
  ok(await api.get('/member'));
  await clock.advance(400);
  assertError(await api.get('/member'), { status: 401, errorId: 'NOAUTH', message: /idle for more than/ });
  await api.login();
  for (let i = 0; i < 3; i++) {
    await clock.advance(300);
    ok(await api.get('/member'));
  }
  await clock.advance(100);
  assertError(await api.get('/member'), { status: 401, errorId: 'NOAUTH', message: /older than 1 seconds/ });
  assert.equal([s.sb.control.config().tokenIdleMs, s.sb.control.config().tokenLifetimeMs], [400, 1000]);
});

test('expire-tokens invalidates every current token; a new login works', async () => {
  const second = new Api(s.sb.url);
  await second.login();
  assert.is(s.sb.control.expireTokens(), 2);
  assertError(await s.api.get('/member'), { status: 401, errorId: 'NOAUTH' });
  assertError(await second.get('/member'), { status: 401, errorId: 'NOAUTH' });
  await s.api.login();
  ok(await s.api.get('/member'));
});

test('10 successful logins per user per 5 minutes, then NOAUTH saying the limit was exceeded', async () => {
  // The suite already logged in once for this test.
  const api = new Api(s.sb.url);
  for (let i = 0; i < 9; i++) ok(await api.login());
  const refused = await api.login();
  assertError(refused, { status: 401, errorId: 'NOAUTH', message: /Authentication limit exceeded/ });
  assertError(await api.login('sandbox', 'wrong'), { status: 401, errorId: 'NOAUTH', message: /No match/ });
  ok(await api.login('other', 'S3cret!pass'));
  ok(await api.get('/member'), 'the tokens already issued stay valid');
  assert.is(s.sb.control.stats().logins, 11);
  // All ten were at one instant: 5 minutes later they have all left the window.
  await clock.advance(5 * 60 * 1000 - 1);
  assertError(await api.login(), { status: 401, errorId: 'NOAUTH', message: /Authentication limit exceeded/ });
  await clock.advance(1);
  for (let i = 0; i < 10; i++) ok(await api.login());
  assertError(await api.login(), { status: 401, errorId: 'NOAUTH', message: /Authentication limit exceeded/ });
});

test('the log never holds a password', async () => {
  await new Api(s.sb.url).login('other', 'S3cret!pass');
  await new Api(s.sb.url).login('sandbox', 'wrong-S3cret');
  const text = JSON.stringify(s.sb.control.log());
  assert.not.match(text, 'S3cret');
  const logins = s.sb.control.log().filter((e) => e.path === '/auth');
  assert.equal((logins[1]!.body as any).auth, { username: 'other', password: '***' });
  assert.is(logins[1]!.user, 'other');
  assert.is(logins[2]!.error_id, 'NOAUTH');
  assert.not.match(JSON.stringify(await (await fetch(`${s.sb.url}/__sandbox/state`)).json()), 'S3cret');
});

test.run();
