import * as assert from 'uvu/assert';
import { assertError, ok, sandboxSuite } from './helpers.js';

const s = sandboxSuite('sandbox /segment validation');
const test = s.test;

const post = (segment: unknown, query = '') => s.api.post(`/segment${query}`, { segment });
const syntax = { status: 400, errorId: 'SYNTAX' } as const;

test('POST fills the server fields with Xandr defaults', async () => {
  const seg = ok(await post({ short_name: 'Defaults', code: 'defaults' })).segment;
  assert.equal(
    { ...seg, last_modified: undefined },
    {
      id: 1000001, code: 'defaults', state: 'active', short_name: 'Defaults', description: null, member_id: 958,
      category: null, price: '0', expire_minutes: null, enable_rm_piggyback: true, max_usersync_pixels: 0,
      last_modified: undefined, provider: null, parent_segment_id: null, advertiser_id: null, piggyback_pixels: null,
      querystring_mapping: null, querystring_mapping_key_value: null, object_type: 'default',
    },
  );
  assert.match(seg.last_modified, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test('short_name is required and at most 255 characters', async () => {
  assertError(await post({ code: 'x' }), { ...syntax, message: /'short_name' is required/ });
  assertError(await post({ short_name: 'x'.repeat(256) }), { ...syntax, message: /'short_name' is too long/ });
  assertError(await post({ short_name: 42 }), { ...syntax, message: /'short_name' must be a string/ });
  ok(await post({ short_name: 'x'.repeat(255) }));
});

test('code: at most 50 characters, unique per member ignoring case (INTEGRITY)', async () => {
  assertError(await post({ short_name: 'a', code: 'c'.repeat(51) }), { ...syntax, message: /'code' is too long/ });
  ok(await post({ short_name: 'a', code: 'Test' }));
  assertError(await post({ short_name: 'b', code: 'test' }), { status: 400, errorId: 'INTEGRITY', message: /already used by segment 1000001/ });
  const other = ok(await post({ short_name: 'c', code: 'other' })).id;
  assertError(await s.api.put(`/segment?id=${other}`, { segment: { code: 'TEST' } }), { status: 400, errorId: 'INTEGRITY' });
  ok(await s.api.put('/segment?id=1000001', { segment: { code: 'TEST' } }));
});

test('?code= selects case-sensitively, on GET and PUT', async () => {
  ok(await post({ short_name: 'a', code: 'MixedCase' }));
  assert.is(ok(await s.api.get('/segment?code=MixedCase')).segments.length, 1);
  assert.is(ok(await s.api.get('/segment?code=mixedcase')).count, 0, 'a code that matches nothing is an empty list');
  assertError(await s.api.put('/segment?code=mixedcase', { segment: { short_name: 'b' } }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_SEGMENT' });
  assert.is(ok(await s.api.put('/segment?code=MixedCase', { segment: { short_name: 'b' } })).segment.short_name, 'b');
});

test('state is active or inactive', async () => {
  assertError(await post({ short_name: 'a', state: 'paused' }), { ...syntax, message: /'state' must be one of active, inactive/ });
  assert.is(ok(await post({ short_name: 'a', state: 'inactive' })).segment.state, 'inactive');
});

test("description: at most 500 characters, without ' or \\", async () => {
  assertError(await post({ short_name: 'a', description: 'd'.repeat(501) }), { ...syntax, message: /'description' is too long/ });
  assertError(await post({ short_name: 'a', description: "it's" }), { ...syntax, message: /must not contain/ });
  assertError(await post({ short_name: 'a', description: 'back\\slash' }), { ...syntax, message: /must not contain/ });
  assert.is(ok(await post({ short_name: 'a', description: 'fine' })).segment.description, 'fine');
});

test('expire_minutes and max_usersync_pixels: integers >= 0 or null', async () => {
  assertError(await post({ short_name: 'a', expire_minutes: -1 }), { ...syntax, message: /'expire_minutes' must be at least 0/ });
  assertError(await post({ short_name: 'a', expire_minutes: 1.5 }), { ...syntax, message: /'expire_minutes' must be an integer/ });
  assertError(await post({ short_name: 'a', max_usersync_pixels: -2 }), syntax);
  const seg = ok(await post({ short_name: 'a', expire_minutes: '20160', max_usersync_pixels: null })).segment;
  assert.is(seg.expire_minutes, 20160, 'numeric strings are accepted');
  assert.is(seg.max_usersync_pixels, null);
});

test('querystring mappings: exclusive with each other, key-value exclusive with max_usersync_pixels', async () => {
  const kv = { qs_key: 'k', qs_value: 'v' };
  const qm = { param: 'p', value_type: 'none' };
  assertError(await post({ short_name: 'a', querystring_mapping: qm, querystring_mapping_key_value: kv }), { ...syntax, message: /cannot be used together/ });
  assertError(await post({ short_name: 'a', querystring_mapping_key_value: kv, max_usersync_pixels: 3 }), { ...syntax, message: /max_usersync_pixels/ });
  assertError(await post({ short_name: 'a', querystring_mapping_key_value: { qs_key: 'k' } }), { ...syntax, message: /qs_value' is required/ });
  assertError(await post({ short_name: 'a', querystring_mapping: { param: 'p', value_type: 'date' } }), syntax);
  ok(await post({ short_name: 'a', querystring_mapping_key_value: kv }));
  ok(await post({ short_name: 'b', querystring_mapping: qm }));
});

test('piggyback_pixels: [{url (<= 255), pixel_type js|img}] or null', async () => {
  assertError(await post({ short_name: 'a', piggyback_pixels: [{ url: 'https://x', pixel_type: 'iframe' }] }), { ...syntax, message: /pixel_type/ });
  assertError(await post({ short_name: 'a', piggyback_pixels: [{ url: `https://${'x'.repeat(250)}`, pixel_type: 'img' }] }), { ...syntax, message: /url' is too long/ });
  assertError(await post({ short_name: 'a', piggyback_pixels: 'https://x' }), syntax);
  const seg = ok(await post({ short_name: 'a', piggyback_pixels: [{ url: 'https://x', pixel_type: 'img' }] })).segment;
  assert.equal(seg.piggyback_pixels, [{ url: 'https://x', pixel_type: 'img' }]);
});

test('price, enable_rm_piggyback and parent_segment_id', async () => {
  const seg = ok(await post({ short_name: 'a', price: 23, enable_rm_piggyback: false })).segment;
  assert.is(seg.price, '23', 'price comes back as a string, as in the docs');
  assert.is(seg.enable_rm_piggyback, false);
  assertError(await post({ short_name: 'a', enable_rm_piggyback: 'yes' }), syntax);
  assertError(await post({ short_name: 'a', price: 'free' }), syntax);
  assertError(await post({ short_name: 'a', parent_segment_id: 999 }), { ...syntax, message: /parent_segment_id/ });
  assert.is(ok(await post({ short_name: 'child', parent_segment_id: seg.id })).segment.parent_segment_id, seg.id);
});

test('unknown fields are SYNTAX naming the field; read-only fields are ignored', async () => {
  assertError(await post({ short_name: 'a', shortname: 'typo' }), { ...syntax, message: /'shortname'/ });
  const seg = ok(await post({ short_name: 'a', id: 5, member_id: 25, last_modified: 'x', provider: 'p', category: 'c' })).segment;
  assert.is(seg.member_id, 958, 'the member comes from the user');
  assert.is(seg.category, null);
  assert.ok(seg.id !== 5);
});

test('the body must be {"segment": {...}}', async () => {
  assertError(await s.api.post('/segment', { short_name: 'a' }), { ...syntax, message: /'segment' object/ });
  assertError(await s.api.post('/segment', { segments: [{ short_name: 'a' }] }), { ...syntax, message: /bulk form/ });
  assertError(await s.api.call('POST', '/segment', undefined, { raw: '{"segment": {' }), { ...syntax, message: /not valid JSON/ });
});

test('scope: member or advertiser from the query or the body; the advertiser must exist in the member', async () => {
  assert.is(ok(await post({ short_name: 'm' }, '?member_id=958')).segment.advertiser_id, null);
  assert.is(ok(await post({ short_name: 'q' }, '?advertiser_id=1234')).segment.advertiser_id, 1234);
  assert.is(ok(await post({ short_name: 'c' }, '?advertiser_code=acme-outdoor')).segment.advertiser_id, 5678);
  assert.is(ok(await post({ short_name: 'b', advertiser_id: '5678' })).segment.advertiser_id, 5678);
  assertError(await post({ short_name: 'x', advertiser_id: 999 }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_ADVERTISER' });
  assertError(await post({ short_name: 'x' }, '?advertiser_code=nope'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_ADVERTISER' });
  assertError(await post({ short_name: 'x', advertiser_id: 5678 }, '?advertiser_id=1234'), { ...syntax, message: /does not match/ });
  assertError(await post({ short_name: 'x' }, '?member_id=25'), { status: 403, errorId: 'UNAUTH' });
});

test('PUT is a partial update; advertiser_id null makes it a network segment', async () => {
  const { id } = ok(await post({ short_name: 'a', code: 'keep', expire_minutes: 60, advertiser_id: 1234 }));
  const seg = ok(await s.api.put(`/segment?id=${id}&member_id=958`, { segment: { advertiser_id: null } })).segment;
  assert.is(seg.advertiser_id, null);
  assert.is(seg.code, 'keep');
  assert.is(seg.expire_minutes, 60);
  assertError(await s.api.put(`/segment?id=${id}&advertiser_id=1234`, { segment: { short_name: 'b' } }), { status: 404, errorId: 'SYNTAX' });
  assertError(await s.api.put('/segment', { segment: { short_name: 'b' } }), { ...syntax, message: /'id' or 'code' is required/ });
  assertError(await s.api.put('/segment?id=777777', { segment: { short_name: 'b' } }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_SEGMENT' });
});

test('GET filters by advertiser and search (id, name or code)', async () => {
  const a = ok(await post({ short_name: 'Alpha', code: 'alpha', advertiser_id: 1234 })).id;
  const b = ok(await post({ short_name: 'Beta', code: 'beta' })).id;
  assert.equal(ok(await s.api.get('/segment?advertiser_id=1234')).segments.map((x: any) => x.id), [a]);
  assert.equal(ok(await s.api.get('/segment?search=BET')).segments.map((x: any) => x.id), [b]);
  assert.equal(ok(await s.api.get(`/segment?search=${a}`)).segments.map((x: any) => x.id), [a]);
});

test.run();
