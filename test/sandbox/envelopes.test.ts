import * as assert from 'uvu/assert';
import { assertError, ok, sandboxSuite } from './helpers.js';

const s = sandboxSuite('sandbox envelopes, keys and paging');
const test = s.test;

test('every GET answers the plural key, and dbg_info.output_term names it', async () => {
  const cases: [string, string][] = [
    ['/segment', 'segments'],
    ['/pixel', 'pixels'],
    ['/line-item?advertiser_id=1234', 'line-items'],
    ['/advertiser', 'advertisers'],
    ['/member', 'members'],
    ['/line-item?id=205', 'line-items'],
    ['/pixel?id=777', 'pixels'],
  ];
  for (const [path, key] of cases) {
    const response = ok(await s.api.get(path));
    assert.ok(Array.isArray(response[key]), `${path} -> ${key} is an array`);
    assert.is(response.dbg_info.output_term, key, path);
    assert.equal(response.dbg_info.warnings, []);
    assert.type(response.dbg_info.version, 'string');
    assert.is(response.start_element, 0);
    assert.is(response.num_elements, 100);
    assert.is(response.count, response[key].length, path);
  }
});

test('POST answers the singular key with an int id; PUT answers the id as a string', async () => {
  const created = ok(await s.api.post('/segment', { segment: { short_name: 'S', code: 'env-s' } }));
  assert.type(created.id, 'number');
  assert.is(created.segment.id, created.id);
  assert.is(created.dbg_info.output_term, 'segment');
  const updated = ok(await s.api.put(`/segment?id=${created.id}`, { segment: { short_name: 'S2' } }));
  assert.is(updated.id, String(created.id));
  assert.is(updated.segment.short_name, 'S2');
  const li = ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'x' } }));
  assert.is(li.id, '205');
  assert.is(li['line-item'].comments, 'x');
  assert.is(li.dbg_info.output_term, 'line-item');
});

test('the pixel POST answers only status and id', async () => {
  const reply = await s.api.post('/pixel?advertiser_id=1234', { pixel: { name: 'P' } });
  assert.is(reply.status, 200);
  assert.equal(Object.keys(reply.body.response).sort(), ['id', 'status']);
  assert.is(reply.body.response.id, 12345, 'pixel ids start at 12345');
});

test('DELETE answers count 1, null paging and output_term not_found, then the object is gone', async () => {
  const { id } = ok(await s.api.post('/segment', { segment: { short_name: 'gone' } }));
  const reply = await s.api.del(`/segment?id=${id}`);
  assert.equal(reply.body, {
    response: {
      status: 'OK',
      count: 1,
      start_element: null,
      num_elements: null,
      dbg_info: reply.body.response.dbg_info,
    },
  });
  assert.is(reply.body.response.dbg_info.output_term, 'not_found');
  assertError(await s.api.get(`/segment?id=${id}`), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_SEGMENT', message: /resource not found/ });
});

test('error bodies follow the recorded shape: no status, service, method, paging, dbg_info', async () => {
  const reply = await s.api.get('/line-item?id=424242');
  const r = reply.body.response;
  assert.equal(Object.keys(r), [
    'error_id', 'error', 'error_description', 'error_code', 'service', 'method', 'count', 'start_element', 'num_elements', 'dbg_info',
  ]);
  assert.is(r.service, 'line-item');
  assert.is(r.method, 'GET');
  assert.is(r.error_code, 'NOTFOUND_LINE_ITEM');
  assert.is(r.start_element, 0);
  assert.is(r.num_elements, 100);
});

test('responses are JSON with charset, as Xandr sends them', async () => {
  const reply = await s.api.get('/member');
  assert.is(reply.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(ok(reply).members.map((m: any) => [m.id, m.name]), [[958, 'Sandbox Member']]);
});

test('paging: count is the total, num_elements is capped at 100 silently, order is by id', async () => {
  await s.sb.control.upsert({
    segments: Array.from({ length: 250 }, (_, i) => ({ id: 5000 + (249 - i), short_name: `S${i}` })),
  });
  const first = ok(await s.api.get('/segment?num_elements=500'));
  assert.is(first.count, 250);
  assert.is(first.num_elements, 100);
  assert.is(first.segments.length, 100);
  assert.is(first.segments[0].id, 5000);
  const ids = first.segments.map((s: any) => s.id);
  assert.equal(ids, [...ids].sort((a: number, b: number) => a - b));
  const last = ok(await s.api.get('/segment?start_element=200&num_elements=100'));
  assert.is(last.start_element, 200);
  assert.is(last.segments.length, 50);
  assert.is(last.segments[49].id, 5249);
  const small = ok(await s.api.get('/segment?start_element=10&num_elements=5'));
  assert.equal(small.segments.map((s: any) => s.id), [5010, 5011, 5012, 5013, 5014]);
  assert.is(small.num_elements, 5);
  const past = ok(await s.api.get('/segment?start_element=1000'));
  assert.is(past.count, 250);
  assert.equal(past.segments, []);
});

test('?id= lists return what exists, in id order; a single missing id is not found', async () => {
  const r = ok(await s.api.get('/line-item?id=503,205,99999,205'));
  assert.equal(r['line-items'].map((li: any) => li.id), [205, 503]);
  assert.is(r.count, 2);
  assertError(await s.api.get('/pixel?id=99999'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PIXEL' });
  assertError(await s.api.get('/advertiser?id=4'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_ADVERTISER' });
  assertError(await s.api.get('/segment?id=abc'), { status: 400, errorId: 'SYNTAX', message: /'id' must be a positive integer/ });
});

test('filters: advertiser, advertiser_code with code, search and state', async () => {
  const byAdvertiser = ok(await s.api.get('/line-item?advertiser_id=5678'));
  assert.equal(byAdvertiser['line-items'].map((li: any) => li.id), [501, 502, 503]);
  const byCode = ok(await s.api.get('/line-item?advertiser_code=acme-outdoor&code=ACME-BRAND'));
  assert.equal(byCode['line-items'].map((li: any) => li.id), [503], 'line-item codes match ignoring case');
  const search = ok(await s.api.get('/line-item?search=retarget'));
  assert.equal(search['line-items'].map((li: any) => li.id), [502]);
  await s.api.put('/line-item?id=206', { 'line-item': { state: 'inactive' } });
  const inactive = ok(await s.api.get('/line-item?state=inactive'));
  assert.equal(inactive['line-items'].map((li: any) => li.id), [206]);
  const advertisers = ok(await s.api.get('/advertiser?search=acme'));
  assert.equal(advertisers.advertisers.map((a: any) => a.code), ['acme-outdoor']);
  assertError(await s.api.get('/pixel?advertiser_id=4242'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_ADVERTISER' });
});

test('unknown services and unsupported methods are SYNTAX errors', async () => {
  assertError(await s.api.get('/creative'), { status: 404, errorId: 'SYNTAX', message: /service not found: \/creative/ });
  assertError(await s.api.post('/advertiser', { advertiser: { name: 'x' } }), { status: 400, errorId: 'SYNTAX', message: /method POST is not supported/ });
  assertError(await s.api.del('/member?id=958'), { status: 400, errorId: 'SYNTAX', message: /not supported/ });
});

test('fresh state: the documented seed objects, with Xandr loose types on output', async () => {
  const lis = ok(await s.api.get('/line-item?id=205,206,501,502,503'))['line-items'];
  assert.equal(
    lis.map((li: any) => [li.id, li.advertiser_id, li.name, li.code, li.line_item_type, li.revenue_type, li.state]),
    [
      [205, 1234, 'Seed Line Item', null, 'standard_v1', 'cpa', 'active'],
      [206, 1234, 'Seed Augmented Line Item', 'seed-ali', 'standard_v2', 'cpm', 'active'],
      [501, 5678, 'Acme Spring Prospecting', 'acme-spring', 'standard_v1', 'cpa', 'active'],
      [502, 5678, 'Acme Retargeting', 'acme-retargeting', 'standard_v2', 'cpm', 'active'],
      [503, 5678, 'Acme Brand Awareness', 'acme-brand', 'standard_v1', 'cpm', 'active'],
    ],
  );
  assert.is(lis[0].pixels, null);
  assert.equal(lis[4].pixels, [
    { id: '777', state: 'active', post_click_revenue: null, post_view_revenue: null, name: 'Acme Legacy Checkout', trigger_type: 'click' },
  ]);
  assert.equal(lis[0].advertiser, { id: 1234, name: 'Seed Advertiser' });
  const pixel = ok(await s.api.get('/pixel?id=777')).pixels[0];
  assert.equal([pixel.name, pixel.code, pixel.trigger_type, pixel.advertiser_id], ['Acme Legacy Checkout', null, 'click', 5678]);
  assert.equal(pixel.line_items, [{ id: 503, name: 'Acme Brand Awareness', state: 'active' }]);
  assert.equal(ok(await s.api.get('/segment')).segments, []);
  const advertisers = ok(await s.api.get('/advertiser')).advertisers;
  assert.equal(advertisers.map((a: any) => [a.id, a.name, a.code]), [
    [1234, 'Seed Advertiser', 'seed-advertiser'],
    [5678, 'Acme Outdoor', 'acme-outdoor'],
  ]);
});

test('id sequences: segments from 1000001, pixels from 12345, line items from 9001', async () => {
  assert.is(ok(await s.api.post('/segment', { segment: { short_name: 'a' } })).id, 1000001);
  assert.is(ok(await s.api.post('/segment', { segment: { short_name: 'b' } })).id, 1000002);
  assert.is((await s.api.post('/pixel?advertiser_id=1234', { pixel: { name: 'p' } })).body.response.id, 12345);
  assert.is(ok(await s.api.post('/line-item?advertiser_id=1234', { 'line-item': { name: 'l' } })).id, 9001);
});

test.run();
