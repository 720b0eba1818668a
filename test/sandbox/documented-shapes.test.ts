import * as assert from 'uvu/assert';
import { xandrFixture } from '../helpers/fixtures.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Api, ok, sandboxSuite } from './helpers.js';

/**
 * shapes: 'documented' answers in the shapes of Xandr's own articles. Each test compares the sandbox's answer
 * with the body the article shows (test/fixtures/xandr/, listed with their pages in its README).
 */
const s = sandboxSuite('sandbox documented answer shapes', { clock: new FakeClock(Date.UTC(2026, 2, 1, 12)), shapes: 'documented' });
const test = s.test;

const fixture = (name: string) => JSON.parse(xandrFixture(name));

/** A JSON value's kind. Numbers and numeric strings are one kind: Xandr sends ids and money as either (Part A 6). */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'numeric';
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? 'numeric' : 'string';
  return typeof value;
}

/**
 * The same shape: the body and its `response` have exactly the documented keys (so a missing `status` or an
 * extra `dbg_info` is a difference) with values of the same kind; deeper objects (records, debug_info) have
 * at least the documented keys, and there null on either side matches any value (a record's field may be
 * null in the docs' example and set in the sandbox's object, or the other way round).
 */
function assertSameShape(documented: unknown, actual: unknown, path = 'body', depth = 0): void {
  if (depth >= 2 && (documented === null || actual === null)) return;
  assert.is(kind(actual), kind(documented), `${path}: ${JSON.stringify(actual)?.slice(0, 80)} should be like ${JSON.stringify(documented)?.slice(0, 80)}`);
  if (Array.isArray(documented) && Array.isArray(actual)) {
    if (documented.length && actual.length) assertSameShape(documented[0], actual[0], `${path}[0]`, depth + 1);
    return;
  }
  if (kind(documented) !== 'object') return;
  const doc = documented as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  if (depth < 2) assert.equal(Object.keys(got).sort(), Object.keys(doc).sort(), `${path}: keys`);
  for (const key of Object.keys(doc)) {
    assert.ok(key in got, `${path}.${key} is missing`);
    assertSameShape(doc[key], got[key], `${path}.${key}`, depth + 1);
  }
}

/** True when assertSameShape refuses the pair (uvu's assert.throws passes assertion errors through). */
function differs(documented: unknown, actual: unknown): boolean {
  try {
    assertSameShape(documented, actual);
    return false;
  } catch {
    return true;
  }
}

test('GET /member answers {"response": {"members": [...]}} with no status, as the authentication article shows', async () => {
  const reply = await s.api.get('/member');
  assert.is(reply.status, 200);
  assertSameShape(fixture('member-get-response.json'), reply.body);
  assert.equal(reply.body.response.members, [{ id: '958', name: 'Sandbox Member', active: '1', bidder_id: '2' }]);
});

test('a POST answers only status and a string id, as the pixel article\'s POST does', async () => {
  const documented = fixture('pixel-post-response.json');
  const replies = [
    await s.api.post('/pixel?advertiser_id=1234', { pixel: { name: 'P' } }),
    await s.api.post('/segment', { segment: { short_name: 'S' } }),
    await s.api.post('/line-item?advertiser_id=1234', { 'line-item': { name: 'L' } }),
    await s.api.post('/profile?advertiser_id=1234', { profile: {} }),
  ];
  for (const reply of replies) {
    assertSameShape(documented, reply.body);
    assert.type(reply.body.response.id, 'string');
  }
  assert.equal(replies.map((r) => r.body.response.id), ['12345', '1000001', '9001', '8001']);
  assert.is(ok(await s.api.get('/segment?id=1000001')).segments[0].short_name, 'S', 'the object was created all the same');
});

test('a GET of one line item by id answers the singular line-item key with null paging, as "View a line item" does', async () => {
  const reply = await s.api.get('/line-item?id=205&advertiser_id=1234');
  assertSameShape(fixture('line-item-get-response.json'), reply.body);
  assert.is(reply.body.response['line-item'].id, 205);
  assert.ok(Array.isArray(ok(await s.api.get('/line-item?id=205,206'))['line-items']), 'an id list keeps the plural key');
});

test('listings have null start_element and num_elements and no dbg_info; count stays the total', async () => {
  await s.sb.control.upsert({ segments: Array.from({ length: 120 }, (_, i) => ({ id: 5000 + i, short_name: `S${i}` })) });
  for (const [path, key] of [['/segment', 'segments'], ['/pixel', 'pixels'], ['/line-item?advertiser_id=5678', 'line-items'], ['/profile', 'profiles'], ['/advertiser', 'advertisers']]) {
    const r = ok(await s.api.get(path!));
    assert.equal(Object.keys(r).sort(), ['count', key!, 'num_elements', 'start_element', 'status'].sort(), path);
    assert.equal([r.start_element, r.num_elements], [null, null], path);
  }
  const page = ok(await s.api.get('/segment?start_element=100'));
  assert.equal([page.count, page.segments.length, page.segments[0].id], [120, 20, 5100], 'paging still works');
});

test('a login answers an authn: token and debug_info, as token-based-api-authentication.md shows; the token works', async () => {
  const api = new Api(s.sb.url);
  const reply = await api.login();
  assertSameShape(fixture('auth-jwt-response.json'), reply.body);
  assert.match(reply.body.response.token, /^authn:1001:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:sandbox$/);
  assert.not.ok('dbg_info' in reply.body.response);
  ok(await api.get('/line-item?id=205,206'));
});

test('a profile PUT answers status, count and id, as the profile article\'s PUT examples do', async () => {
  const reply = await s.api.put('/profile?id=7206&advertiser_id=1234', { profile: { description: 'x' } });
  assertSameShape(fixture('profile-put-response.json'), reply.body);
  assert.is(reply.body.response.id, 7206);
});

test('the change log answers as change-log-services.md shows, without dbg_info', async () => {
  ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'a' } }));
  ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'b' } }));
  assertSameShape(fixture('change-log-get-response.json'), (await s.api.get('/change-log?service=line-item&resource_id=205')).body);
});

test('the profile article\'s segment group example is accepted verbatim, in either shape', async () => {
  await s.sb.control.upsert({ segments: [11, 22, 33, 44].map((id) => ({ id, short_name: `Segment ${id}` })) });
  const body = xandrFixture('profile-segment-group-targets-request.json');
  const reply = await s.api.call('PUT', '/profile?id=7206&advertiser_id=1234', undefined, { raw: body });
  assert.is(reply.body.response.status, 'OK');
  const profile = ok(await s.api.get('/profile?id=7206')).profiles[0];
  assert.is(profile.segment_boolean_operator, 'or');
  assert.equal(profile.segment_group_targets.map((g: any) => [g.boolean_operator, g.segments.map((x: any) => x.id)]), [['and', [11, 22]], ['and', [33, 44]]]);
});

test('the usual shapes differ from the documented ones where the docs do, and the mode is a live setting', async () => {
  s.sb.control.configure({ shapes: 'sandbox' });
  const usual = (await s.api.get('/member')).body;
  assert.ok(differs(fixture('member-get-response.json'), usual), 'the comparison sees the extra status and paging');
  const created = (await s.api.post('/segment', { segment: { short_name: 'T' } })).body;
  assert.ok(differs(fixture('pixel-post-response.json'), created), 'the usual POST carries the object');
  const member = usual.response;
  assert.equal([member.status, typeof member.members[0].id, 'dbg_info' in member], ['OK', 'number', true]);
  const post = (await s.api.post('/segment', { segment: { short_name: 'S' } })).body.response;
  assert.equal([typeof post.id, post.segment.short_name], ['number', 'S']);
  assert.ok(Array.isArray(ok(await s.api.get('/line-item?id=205'))['line-items']));
  assert.match((await new Api(s.sb.url).login()).body.response.token, /^hbapi:/);
});

test.run();
