import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { assertError, ok, sandboxSuite } from './helpers.js';

const s = sandboxSuite('sandbox /pixel validation');
const test = s.test;

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/xandr/${name}`, import.meta.url), 'utf8'));
const post = (pixel: unknown, query = '?advertiser_id=1234') => s.api.post(`/pixel${query}`, { pixel });
const syntax = { status: 400, errorId: 'SYNTAX' } as const;
const idOf = (reply: { body: any }) => reply.body.response.id as number;

test("the docs' pixel POST body is accepted and comes back filled in", async () => {
  const body = fixture('pixel-post-request.json');
  const id = idOf(await s.api.post('/pixel?advertiser_id=1234', body));
  const pixel = ok(await s.api.get(`/pixel?id=${id}`)).pixels[0];
  assert.is(pixel.name, 'ProStarr Post View Pixel 2');
  assert.is(pixel.trigger_type, 'view');
  assert.is(pixel.min_minutes_per_conv, 120);
  assert.is(pixel.post_view_expire_mins, 3600);
  assert.equal(pixel.piggyback_pixels, [{ pixel_type: 'img', url: 'https://www.testing.com' }]);
  assert.is(pixel.advertiser_id, 1234);
  assert.is(pixel.line_items, null);
  assert.is(pixel.campaigns, null);
  assert.match(pixel.created_on, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test('name is required; trigger_type defaults to click and is view, click or hybrid', async () => {
  assertError(await post({ trigger_type: 'view' }), { ...syntax, message: /'name' is required/ });
  assertError(await post({ name: 'p', trigger_type: 'impression' }), { ...syntax, message: /'trigger_type' must be one of view, click, hybrid/ });
  const pixel = ok(await s.api.get(`/pixel?id=${idOf(await post({ name: 'p' }))}`)).pixels[0];
  assert.is(pixel.trigger_type, 'click');
  assert.is(pixel.state, 'active');
});

test('the advertiser comes from the query or the body, is required, and must exist', async () => {
  assertError(await post({ name: 'p' }, ''), { ...syntax, message: /'advertiser_id' is required/ });
  assertError(await post({ name: 'p' }, '?advertiser_id=4040'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_ADVERTISER' });
  const viaCode = idOf(await post({ name: 'p' }, '?advertiser_code=acme-outdoor'));
  const viaBody = idOf(await post({ name: 'q', advertiser_id: 5678 }, ''));
  const both = ok(await s.api.get(`/pixel?id=${viaCode},${viaBody}`)).pixels;
  assert.equal(both.map((p: any) => p.advertiser_id), [5678, 5678]);
});

test('lookback and counting ranges', async () => {
  const cases: [string, number][] = [
    ['min_minutes_per_conv', 32767],
    ['post_view_expire_mins', 43200],
    ['post_click_expire_mins', 129600],
  ];
  for (const [field, max] of cases) {
    assertError(await post({ name: 'p', [field]: max + 1 }), { ...syntax, message: new RegExp(`'${field}' must be at most ${max}`) });
    assertError(await post({ name: 'p', [field]: -1 }), syntax);
    ok(await s.api.get(`/pixel?id=${idOf(await post({ name: `p-${field}`, [field]: max }))}`));
  }
  idOf(await post({ name: 'nulls', min_minutes_per_conv: null, post_view_expire_mins: null }));
});

test('values and the conversion event', async () => {
  assertError(await post({ name: 'p', post_click_value: 'lots' }), { ...syntax, message: /post_click_value/ });
  assertError(await post({ name: 'p', pixel_conversion_event_id: 9 }), { ...syntax, message: /pixel_conversion_event_id/ });
  assertError(await post({ name: 'p', pixel_conversion_event_id: 1 }), syntax);
  const id = idOf(await post({ name: 'p', post_click_value: '10.5', post_view_value: 1, pixel_conversion_event_id: 7 }));
  const pixel = ok(await s.api.get(`/pixel?id=${id}`)).pixels[0];
  assert.is(pixel.post_click_value, 10.5);
  assert.equal(pixel.pixel_conversion_event, { id: 7, name: 'Purchase' });
});

test('code: at most 100 characters, unique per advertiser ignoring case (INTEGRITY)', async () => {
  assertError(await post({ name: 'p', code: 'c'.repeat(101) }), { ...syntax, message: /'code' is too long/ });
  idOf(await post({ name: 'p', code: 'Checkout' }));
  assertError(await post({ name: 'q', code: 'CHECKOUT' }), { status: 400, errorId: 'INTEGRITY', message: /already used by pixel 12345/ });
  ok(await s.api.get(`/pixel?id=${idOf(await post({ name: 'r', code: 'checkout' }, '?advertiser_id=5678'))}`));
});

test('unknown fields are SYNTAX; read-only ones are ignored', async () => {
  assertError(await post({ name: 'p', colour: 'red' }), { ...syntax, message: /'colour'/ });
  const id = idOf(await post({ name: 'p', line_items: [{ id: 205 }], campaigns: [{ id: '1' }], created_on: 'x' }));
  const pixel = ok(await s.api.get(`/pixel?id=${id}`)).pixels[0];
  assert.is(pixel.line_items, null);
  assert.is(pixel.campaigns, null);
});

test('PUT by id with advertiser_id, or by code with advertiser_code', async () => {
  const id = idOf(await post({ name: 'p', code: 'px-put' }));
  const byId = ok(await s.api.put(`/pixel?id=${id}&advertiser_id=1234`, { pixel: { name: 'renamed' } }));
  assert.is(byId.id, String(id));
  assert.is(byId.pixel.name, 'renamed');
  assert.is(byId.pixel.code, 'px-put', 'a partial update keeps other fields');
  const byCode = ok(await s.api.put('/pixel?code=px-put&advertiser_code=seed-advertiser', { pixel: { trigger_type: 'hybrid' } }));
  assert.is(byCode.pixel.trigger_type, 'hybrid');
  assertError(await s.api.put('/pixel?code=px-put', { pixel: { name: 'x' } }), { ...syntax, message: /advertiser_code' is required with 'code'/ });
  assertError(await s.api.put(`/pixel?id=${id}&advertiser_id=5678`, { pixel: { name: 'x' } }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PIXEL' });
  assertError(await s.api.put(`/pixel?id=${id}`, { pixel: { advertiser_id: 5678 } }), { ...syntax, message: /cannot move/ });
});

test('GET by advertiser and code; a pixel lists the line items that use it', async () => {
  const id = idOf(await post({ name: 'p', code: 'used' }));
  ok(await s.api.put('/line-item?id=205', { 'line-item': { pixels: [{ id }] } }));
  const found = ok(await s.api.get('/pixel?advertiser_id=1234&code=used')).pixels;
  assert.equal(found.map((p: any) => p.id), [id]);
  assert.equal(found[0].line_items, [{ id: 205, name: 'Seed Line Item', state: 'active' }]);
  assert.is(ok(await s.api.get('/pixel?advertiser_code=acme-outdoor')).count, 1, 'only pixel 777');
});

test('DELETE is refused with INTEGRITY while a line item uses the pixel, and works once detached', async () => {
  assertError(await s.api.del('/pixel?id=777&advertiser_id=5678'), { status: 400, errorId: 'INTEGRITY', message: /used by line item 503/ });
  ok(await s.api.put('/line-item?id=503', { 'line-item': { pixels: [] } }));
  ok(await s.api.del('/pixel?id=777&advertiser_id=5678'));
  assertError(await s.api.get('/pixel?id=777'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PIXEL' });
});

test.run();
