import * as assert from 'uvu/assert';
import { assertError, ok, sandboxSuite } from './helpers.js';

const s = sandboxSuite('sandbox /line-item and its pixels');
const test = s.test;

const syntax = { status: 400, errorId: 'SYNTAX' } as const;
const put = (query: string, lineItem: unknown) => s.api.put(`/line-item${query}`, { 'line-item': lineItem });

/** Creates pixels of an advertiser, returns their ids. */
async function pixels(n: number, advertiserId = 1234): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await s.api.post(`/pixel?advertiser_id=${advertiserId}`, { pixel: { name: `P${i}` } })).body.response.id);
  }
  return ids;
}

test('pixels on a standard line item: ids as strings, revenue as 6-decimal strings, name and trigger_type filled', async () => {
  const [a, b] = await pixels(2);
  const li = ok(await put('?id=205&advertiser_id=1234', { pixels: [{ id: String(a), post_click_revenue: '30', post_view_revenue: null }, { id: b, state: 'inactive' }] }))['line-item'];
  assert.equal(li.pixels, [
    { id: String(a), state: 'active', post_click_revenue: '30.000000', post_view_revenue: null, name: 'P0', trigger_type: 'click' },
    { id: String(b), state: 'inactive', post_click_revenue: null, post_view_revenue: null, name: 'P1', trigger_type: 'click' },
  ]);
});

test('on an augmented (standard_v2) line item pixel ids are ints, and revenue is refused', async () => {
  const [a] = await pixels(1);
  const li = ok(await put('?id=206', { pixels: [{ id: a }] }))['line-item'];
  assert.equal(li.pixels, [{ id: a, state: 'active', post_click_revenue: null, post_view_revenue: null, name: 'P0', trigger_type: 'click' }]);
  assertError(await put('?id=206', { pixels: [{ id: a, post_view_revenue: 1 }] }), { ...syntax, message: /augmented line items \(standard_v2\) cannot carry pixel revenue/ });
  assertError(await put('?id=206', { revenue_type: 'cpa' }), { ...syntax, message: /"cpa" is not available on augmented/ });
});

test('revenue only when revenue_type is cpa, judged on the line item after the PUT', async () => {
  const [a] = await pixels(1, 5678);
  assertError(await put('?id=503', { pixels: [{ id: a, post_click_revenue: 5 }] }), { ...syntax, message: /require the line item's revenue_type to be "cpa" \(it is "cpm"\)/ });
  const li = ok(await put('?id=503', { revenue_type: 'cpa', pixels: [{ id: a, post_click_revenue: 5 }] }))['line-item'];
  assert.is(li.revenue_type, 'cpa');
  assert.is(li.pixels[0].post_click_revenue, '5.000000');
  assertError(await put('?id=503', { revenue_type: 'cpm' }), { ...syntax, message: /revenue_type to be "cpa"/ });
  ok(await put('?id=503', { revenue_type: 'cpm', pixels: [{ id: a }] }));
});

test('PUT without append replaces the array; append=true (or append_only=true) merges by id', async () => {
  const [a, b, c] = await pixels(3, 5678);
  const ids = (li: any) => li.pixels?.map((p: any) => Number(p.id)) ?? null;
  const replaced = ok(await put('?id=503', { pixels: [{ id: a }] }))['line-item'];
  assert.equal(ids(replaced), [a], 'pixel 777 is gone: arrays are replaced');
  const appended = ok(await put('?id=503&append=true', { pixels: [{ id: b }, { id: a, state: 'inactive' }] }))['line-item'];
  assert.equal(ids(appended), [a, b]);
  assert.is(appended.pixels[0].state, 'inactive', 'an existing element is updated in place');
  const alias = ok(await put('?id=503&append_only=true', { pixels: [{ id: c }] }))['line-item'];
  assert.equal(ids(alias), [a, b, c]);
  const cleared = ok(await put('?id=503', { pixels: [] }))['line-item'];
  assert.is(cleared.pixels, null);
});

test('at most 20 pixels (LIMIT), also when an append would go past 20', async () => {
  const ids = await pixels(21);
  assertError(await put('?id=205', { pixels: ids.map((id) => ({ id })) }), { status: 400, errorId: 'LIMIT', message: /at most 20 pixels/ });
  ok(await put('?id=205', { pixels: ids.slice(0, 20).map((id) => ({ id })) }));
  assertError(await put('?id=205&append=true', { pixels: [{ id: ids[20] }] }), { status: 400, errorId: 'LIMIT' });
});

test('pixel elements: known pixel of the same advertiser, no duplicates, valid state and revenue', async () => {
  const [mine] = await pixels(1);
  assertError(await put('?id=205', { pixels: [{ id: 777 }] }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PIXEL', message: /pixel id not found: 777/ });
  assertError(await put('?id=205', { pixels: [{ id: 424242 }] }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PIXEL' });
  assertError(await put('?id=205', { pixels: [{ id: mine }, { id: String(mine) }] }), { ...syntax, message: /appears more than once/ });
  assertError(await put('?id=205', { pixels: [{ id: mine, state: 'on' }] }), { ...syntax, message: /'state'/ });
  assertError(await put('?id=205', { pixels: [{ id: mine, post_click_revenue: 'lots' }] }), { ...syntax, message: /post_click_revenue/ });
  assertError(await put('?id=205', { pixels: [{ state: 'active' }] }), { ...syntax, message: /'pixels\[0\]\.id' is required/ });
  assertError(await put('?id=205', { pixels: [{ id: mine, colour: 'red' }] }), { ...syntax, message: /'colour'/ });
  assertError(await put('?id=205', { pixels: { id: mine } }), { ...syntax, message: /'pixels' must be an array/ });
  const li = ok(await put('?id=205', { pixels: [{ id: mine, name: 'ignored', trigger_type: 'view' }] }))['line-item'];
  assert.is(li.pixels[0].name, 'P0', 'name and trigger_type are read-only');
  assert.is(li.pixels[0].trigger_type, 'click');
});

test('the id may come from the query, from the code with its advertiser, or from the body', async () => {
  assert.is(ok(await put('?code=seed-ali&advertiser_code=seed-advertiser', { comments: 'by code' }))['line-item'].id, 206);
  assert.is(ok(await put('?code=SEED-ALI&advertiser_id=1234', { comments: 'any case' }))['line-item'].id, 206);
  assert.is(ok(await s.api.put('/line-item', { line_item: { id: 205, comments: 'by body' } })).id, '205');
  assertError(await put('?code=seed-ali', { comments: 'x' }), { ...syntax, message: /advertiser_code' is required/ });
  assertError(await put('?id=205&advertiser_id=5678', { comments: 'x' }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_LINE_ITEM' });
  assertError(await put('', { comments: 'x' }), { ...syntax, message: /'id' or 'code' is required/ });
});

test('POST: name required, type and revenue enums, code rules, defaults like the documented object', async () => {
  const post = (li: unknown, q = '?advertiser_id=1234') => s.api.post(`/line-item${q}`, { 'line-item': li });
  assertError(await post({ code: 'x' }), { ...syntax, message: /'name' is required/ });
  assertError(await post({ name: 'x' }, ''), { ...syntax, message: /'advertiser_id' is required/ });
  assertError(await post({ name: 'x', line_item_type: 'programmatic' }), { ...syntax, message: /line_item_type/ });
  assertError(await post({ name: 'x', revenue_type: 'cpx' }), { ...syntax, message: /revenue_type/ });
  assertError(await post({ name: 'x', line_item_type: 'standard_v2', revenue_type: 'cpa' }), { ...syntax, message: /not available on augmented/ });
  assertError(await post({ name: 'x', code: 'has space' }), { ...syntax, message: /may only contain letters, digits/ });
  assertError(await post({ name: 'x', code: 'c'.repeat(101) }), { ...syntax, message: /too long/ });
  assertError(await post({ name: 'x', code: 'SEED-ALI' }), { status: 400, errorId: 'INTEGRITY', message: /already used by line item 206/ });
  assertError(await post({ name: 'x', budget: 5 }), { ...syntax, message: /'budget'/ });
  const created = ok(await post({ name: 'New', code: 'seed-ali', lifetime_budget: 1000, labels: [{ id: 7, value: 'Sam' }] }, '?advertiser_id=5678'));
  const li = created['line-item'];
  assert.is(created.id, 9001);
  assert.equal([li.line_item_type, li.revenue_type, li.state, li.pixels, li.currency], ['standard_v1', 'none', 'active', null, 'USD']);
  assert.is(li.lifetime_budget, 1000, 'documented fields the sandbox does not model are stored and echoed');
  assert.equal(li.labels, [{ id: 7, value: 'Sam' }]);
  assert.equal(li.advertiser, { id: 5678, name: 'Acme Outdoor' });
  for (const key of ['start_date', 'end_date', 'timezone', 'revenue_value', 'goal_type', 'last_modified', 'member_id', 'campaigns']) {
    assert.ok(key in li, `has ${key}`);
  }
});

test('line_item_type and the advertiser cannot change on PUT', async () => {
  assertError(await put('?id=205', { line_item_type: 'standard_v2' }), { ...syntax, message: /cannot be changed/ });
  assertError(await put('?id=205', { advertiser_id: 5678 }), { ...syntax, message: /cannot move/ });
  ok(await put('?id=205', { advertiser_id: '1234', line_item_type: 'standard_v1' }));
});

test('DELETE removes the line item and frees its pixels', async () => {
  ok(await s.api.del('/line-item?id=503&advertiser_id=5678'));
  assertError(await s.api.get('/line-item?id=503'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_LINE_ITEM' });
  assert.is(ok(await s.api.get('/pixel?id=777')).pixels[0].line_items, null);
  ok(await s.api.del('/pixel?id=777'));
});

test.run();
