import * as assert from 'uvu/assert';
import { rejects } from '../helpers/assert.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Api, assertError, ok, sandboxSuite } from './helpers.js';

const clock = new FakeClock(Date.UTC(2026, 2, 1, 12));
const s = sandboxSuite('sandbox /change-log and /change-log-detail', {
  clock,
  users: [
    { username: 'sandbox', password: 'sandbox', fullName: 'Ada Lovelace', userId: 4242 },
    { username: 'other', password: 'S3cret!pass', memberId: 1282 },
  ],
});
const test = s.test;
const MINUTE = 60_000;
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const logOf = async (service: string, id: number, extra = '') => ok(await s.api.get(`/change-log?service=${service}&resource_id=${id}${extra}`));
const detail = async (service: string, transactionId: string) =>
  ok(await s.api.get(`/change-log-detail?service=${service}&transaction_id=${transactionId}`)).change_log_details[0];

test('an API PUT is one transaction as the logged-in user: direct, the token as session_id, the peer as client_ip', async () => {
  await clock.advance(MINUTE);
  const at = stamp(clock.now());
  ok(await s.api.put('/line-item?id=205&advertiser_id=1234', { 'line-item': { name: 'Renamed', comments: 'why', state: 'active' } }));
  const log = await logOf('line-item', 205);
  assert.equal(Object.keys(log).sort(), ['change_logs', 'count', 'dbg_info', 'num_elements', 'start_element', 'status']);
  assert.equal([log.count, log.start_element, log.num_elements], [1, 0, 100]);
  const [entry] = log.change_logs;
  assert.equal(Object.keys(entry), ['transaction_id', 'created_on', 'resource_id']);
  assert.match(entry.transaction_id, UUID);
  assert.equal([entry.created_on, entry.resource_id], [at, 205]);

  const d = await detail('line-item', entry.transaction_id);
  assert.equal(
    [d.user_full_name, d.user_id, d.request_source, d.method, d.member_id, d.resource_id, d.created_on],
    ['Ada Lovelace', 4242, 'direct', 'PUT', 958, 205, at],
  );
  assert.is(d.session_id, s.api.token, 'Xandr records the authentication token: clients must never show it');
  assert.match(d.client_ip, /^(::ffff:)?127\.0\.0\.1$|^::1$/);
  assert.is(d.ip_info, d.client_ip);
  assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+\/line-item\?id=205&advertiser_id=1234$/);
  assert.equal(d.changes, [
    { field_name: 'name', old_value: 'Seed Line Item', new_value: 'Renamed', changed: true },
    { field_name: 'comments', old_value: null, new_value: 'why', changed: true },
    { field_name: 'state', old_value: 'active', new_value: 'active', changed: false },
  ]);
  assert.is(d.num_of_changes, 2);
  assert.is(JSON.parse(d.raw_json)['line-item'].name, 'Seed Line Item', 'raw_json is the object before the change');
  for (const key of ['plugin_id', 'internal_txn', 'modified_by_admin', 'admin_id']) assert.ok(key in d, key);
});

test('every write to segments, pixels, line items and profiles is logged; newest first; POST and DELETE too', async () => {
  const t0 = clock.now();
  const segment = ok(await s.api.post('/segment?advertiser_id=1234', { segment: { short_name: 'S', code: 'cl-s' } })).id;
  await clock.advance(MINUTE);
  await s.api.put(`/segment?id=${segment}`, { segment: { short_name: 'S2' } });
  await clock.advance(MINUTE);
  ok(await s.api.del(`/segment?id=${segment}`));
  const log = await logOf('segment', segment);
  assert.equal(log.change_logs.map((e: any) => e.created_on), [stamp(t0 + 2 * MINUTE), stamp(t0 + MINUTE), stamp(t0)]);
  const [del, put, post] = await Promise.all(log.change_logs.map((e: any) => detail('segment', e.transaction_id)));
  assert.equal([post.method, put.method, del.method], ['POST', 'PUT', 'DELETE']);
  assert.ok(post.changes.some((c: any) => c.field_name === 'short_name' && c.old_value === null && c.new_value === 'S' && c.changed));
  assert.equal(JSON.parse(post.raw_json), { segment: { short_name: 'S', code: 'cl-s' } }, 'a POST\'s raw_json is the object as sent');
  assert.ok(del.changes.some((c: any) => c.field_name === 'short_name' && c.old_value === 'S2' && c.new_value === null));

  const pixel = (await s.api.post('/pixel?advertiser_id=1234', { pixel: { name: 'P' } })).body.response.id;
  const profile = ok(await s.api.post('/profile?advertiser_id=1234', { profile: { description: 'd' } })).id;
  await s.api.put('/profile?id=7206', { profile: { description: 'changed' } });
  assert.is((await logOf('pixel', pixel)).count, 1);
  assert.is((await logOf('profile', profile)).count, 1);
  assert.is((await logOf('profile', 7206)).count, 1);
  assert.is((await logOf('line-item', 205)).count, 0, 'nothing happened to 205 in this test');
  assert.is((await logOf('advertiser', 1234)).count, 0, 'a service whose writes the sandbox does not log: an empty list');
});

test('a control upsert is logged as a named console person with only the fields that changed', async () => {
  await clock.advance(5 * MINUTE);
  await s.sb.control.upsert({
    by: { user_full_name: 'Jane Trader', user_id: 77, request_source: 'hbui' },
    lineItems: [{ id: 503, name: 'Acme Brand Awareness', comments: 'edited in the console', state: 'inactive' }],
  });
  const [entry] = (await logOf('line-item', 503, '&additional_fields=request_source,user_id,object_json')).change_logs;
  assert.equal(Object.keys(entry), ['transaction_id', 'object_json', 'created_on', 'user_id', 'resource_id', 'request_source']);
  assert.equal([entry.user_id, entry.request_source, JSON.parse(entry.object_json).state], [77, 'hbui', 'inactive']);
  const d = await detail('line-item', entry.transaction_id);
  assert.equal([d.user_full_name, d.user_id, d.request_source, d.method, d.created_on], ['Jane Trader', 77, 'hbui', 'PUT', stamp(clock.now())]);
  assert.equal(d.changes, [
    { field_name: 'state', old_value: 'active', new_value: 'inactive', changed: true },
    { field_name: 'comments', old_value: null, new_value: 'edited in the console', changed: true },
  ]);
  assert.is(d.num_of_changes, 2);
  assert.match(d.session_id, /^authn:77:[0-9a-f]{16}:console$/, 'a console session has a token too');
  assert.equal([d.client_ip, d.url], [null, null]);

  await s.sb.control.upsert({ segments: [{ id: 31, short_name: 'made in the console' }] });
  const made = await detail('segment', (await logOf('segment', 31)).change_logs[0].transaction_id);
  assert.equal([made.user_full_name, made.user_id, made.request_source, made.method], ['Sandbox Console User', 2001, 'hbui', 'POST']);
  await s.sb.control.upsert({ segments: [{ id: 31, short_name: 'made in the console' }] });
  assert.is((await logOf('segment', 31)).count, 1, 'an upsert that changes nothing records nothing');
});

test('the upsert\'s "by" is checked, in process and over HTTP', async () => {
  await rejects(s.sb.control.upsert({ by: { user_id: -1 } }), /'by.user_id' must be a positive integer/);
  for (const by of [{ user_id: 'x' }, { request_source: 'email' }, { name: 'x' }, 'Jane']) {
    const res = await fetch(`${s.sb.url}/__sandbox/objects`, { method: 'POST', body: JSON.stringify({ by, segments: [] }) });
    assert.is(res.status, 400, JSON.stringify(by));
    assert.match(((await res.json()) as any).error, /by/);
  }
  const res = await fetch(`${s.sb.url}/__sandbox/objects`, {
    method: 'POST',
    body: JSON.stringify({ by: { user_full_name: 'Bulk Editor', request_source: 'bmwBulkEdit' }, segments: [{ id: 32, short_name: 'x' }] }),
  });
  assert.equal(((await res.json()) as any).upserted.segments, 1);
  const d = await detail('segment', (await logOf('segment', 32)).change_logs[0].transaction_id);
  assert.equal([d.user_full_name, d.user_id, d.request_source], ['Bulk Editor', 2001, 'bmwBulkEdit']);
});

test('min_timestamp/max_timestamp, paging (100 per page), sort and transactions_with_changes', async () => {
  const t0 = clock.now();
  const at = (i: number) => stamp(t0 + (i + 1) * 30_000);
  for (let i = 0; i < 120; i++) {
    await clock.advance(30_000);
    await s.sb.control.upsert({ lineItems: [{ id: 501, comments: `edit ${i}` }] });
  }
  await s.sb.control.upsert({ lineItems: [{ id: 501, comments: 'edit 119' }] });
  const first = await logOf('line-item', 501);
  assert.equal([first.count, first.change_logs.length, first.num_elements], [120, 100, 100]);
  assert.is(first.change_logs[0].created_on, at(119), 'newest first');
  const second = await logOf('line-item', 501, '&start_element=100');
  assert.is(second.change_logs.length, 20);
  assert.is(second.change_logs[19].created_on, at(0));
  const window = await logOf('line-item', 501, `&min_timestamp=${at(10).replace(' ', '+')}&max_timestamp=${at(19)}`);
  assert.equal([window.count, window.change_logs[0].created_on, window.change_logs[9].created_on], [10, at(19), at(10)]);
  assert.is((await logOf('line-item', 501, `&min_timestamp=${at(0).slice(0, 10)}`)).count, 120, 'a date alone is midnight');
  assert.is((await logOf('line-item', 501, '&min_timestamp=2099-01-01')).count, 0);
  assert.is((await logOf('line-item', 501, '&sort=created_on.asc&num_elements=1')).change_logs[0].created_on, at(0));
  ok(await s.api.put('/line-item?id=501', { 'line-item': { comments: 'edit 119' } }));
  assert.is((await logOf('line-item', 501)).count, 121, 'an API PUT that changes nothing is still a transaction');
  assert.is((await logOf('line-item', 501, '&transactions_with_changes=true')).count, 120);
  assertError(await s.api.get('/change-log?service=line-item&resource_id=501&min_timestamp=noon'), { status: 400, errorId: 'SYNTAX', message: /'min_timestamp'/ });
  assertError(await s.api.get('/change-log?service=line-item&resource_id=501&sort=id.desc'), { status: 400, errorId: 'SYNTAX', message: /sorts on created_on only/ });
});

test('service and resource_id are required; a detail of an unknown transaction is not found', async () => {
  assertError(await s.api.get('/change-log?resource_id=205'), { status: 400, errorId: 'SYNTAX', message: /'service' is required/ });
  assertError(await s.api.get('/change-log?service=line-item'), { status: 400, errorId: 'SYNTAX', message: /'resource_id' is required/ });
  assertError(await s.api.get('/change-log?service=line-item&resource_id=205&additional_fields=password'), { status: 400, errorId: 'SYNTAX' });
  assertError(await s.api.get('/change-log-detail?service=line-item&transaction_id=0ee74310-f580-5001-8007-2f71f84a5454'), {
    status: 404,
    errorId: 'SYNTAX',
    errorCode: 'NOTFOUND_CHANGE_LOG_DETAIL',
  });
  ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'x' } }));
  const id = (await logOf('line-item', 205)).change_logs[0].transaction_id;
  assertError(await s.api.get(`/change-log-detail?service=segment&transaction_id=${id}`), { status: 404, errorId: 'SYNTAX' });
});

test('another member sees none of it; reading the change log counts as a read', async () => {
  ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'x' } }));
  const id = (await logOf('line-item', 205)).change_logs[0].transaction_id;
  const reads = s.sb.control.stats().reads;
  await s.api.get(`/change-log-detail?service=line-item&transaction_id=${id}`);
  assert.is(s.sb.control.stats().reads, reads + 1);
  s.sb.control.configure({ limits: { reads: reads + 1 } });
  assertError(await s.api.get('/change-log?service=line-item&resource_id=205'), { status: 429, errorId: 'SYSTEM', errorCode: 'RATE_EXCEEDED' });
  s.sb.control.configure({ limits: { reads: 1000 } });
  const other = new Api(s.sb.url);
  await other.login('other', 'S3cret!pass');
  assert.is(ok(await other.get('/change-log?service=line-item&resource_id=205')).count, 0);
  assertError(await other.get(`/change-log-detail?service=line-item&transaction_id=${id}`), { status: 404, errorId: 'SYNTAX' });
});

test('refuseChangeLog: both services answer UNAUTH, as for a user type that may not read the change log', async () => {
  s.sb.control.configure({ refuseChangeLog: true });
  const message = /only member, advertiser and member_advertiser users may/;
  assertError(await s.api.get('/change-log?service=line-item&resource_id=205'), { status: 403, errorId: 'UNAUTH', message });
  assertError(await s.api.get('/change-log-detail?service=line-item&transaction_id=x'), { status: 403, errorId: 'UNAUTH', message });
  ok(await s.api.get('/line-item?id=205'), 'the rest of the API works');
});

test('the change log is part of the state: snapshot, load, reset', async () => {
  ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'kept' } }));
  const state = s.sb.control.snapshot();
  assert.is(state.changeLog.length, 1);
  assert.is(state.changeLog[0]!.session_id, s.api.token);
  await s.sb.control.reset();
  await s.api.login();
  assert.is((await logOf('line-item', 205)).count, 0, 'a reset clears it');
  await s.sb.control.load(state);
  assert.is((await logOf('line-item', 205)).count, 1, 'a loaded state brings it back');
});

test.run();
