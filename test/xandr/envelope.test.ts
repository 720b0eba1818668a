import { suite } from 'uvu';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { classify, extractObjects, type XandrBody } from '../../src/xandr/envelope.js';
import { normalizeLineItem, normalizePixel, normalizeSegment } from '../../src/xandr/normalize.js';
import { xandrFixture } from '../helpers/fixtures.js';

const test = suite('reading what Xandr returns');

const ok = (name: string): XandrBody => {
  const verdict = classify({ status: 200, headers: {}, text: xandrFixture(name) }, 0);
  assert.is(verdict.kind, 'ok', `${name} is a success`);
  return (verdict as { body: XandrBody }).body;
};

test('segment GET (plural key, price as a string) parses to strict types', () => {
  const [segment, ...rest] = extractObjects(ok('segment-get-response.json'), 'segment', 'segments').map(normalizeSegment);
  assert.is(rest.length, 0);
  assert.is(segment!.id, 11836);
  assert.is(segment!.code, null);
  assert.is(segment!.price, 0, '"0" becomes 0');
  assert.is(segment!.advertiser_id, 51);
  assert.is(segment!.expire_minutes, null);
});

test('line item GET (singular hyphenated key, pixel id and revenue as strings) parses', () => {
  const [lineItem] = extractObjects(ok('line-item-get-response.json'), 'line-item', 'line-items').map(normalizeLineItem);
  assert.is(lineItem!.id, 164532);
  assert.is(lineItem!.advertiser_id, 52049);
  assert.is(lineItem!.revenue_type, 'cpa');
  assert.equal(lineItem!.pixels, [{ id: 39688, state: 'inactive', post_click_revenue: 30, post_view_revenue: null }]);
});

test('pixel GET (campaign ids as strings, RO line_items) parses', () => {
  const [pixel] = extractObjects(ok('pixel-get-response.json'), 'pixel', 'pixels').map(normalizePixel);
  assert.is(pixel!.id, 17);
  assert.is(pixel!.advertiser_id, 2);
  assert.is(pixel!.trigger_type, 'hybrid');
  assert.equal(pixel!.line_items, [{ id: 382, name: 'Line Item', state: 'active' }]);
  assert.is(pixel!.post_click_value, 10);
});

test('the documented NOAUTH body is a login problem whatever the HTTP status', () => {
  for (const status of [200, 401]) {
    const verdict = classify({ status, headers: {}, text: xandrFixture('error-noauth.json') }, 0);
    assert.is(verdict.kind, 'noauth', `HTTP ${status}`);
  }
});

test('errors with HTTP 200 are errors (body first, status second)', () => {
  const body = JSON.stringify({ response: { error_id: 'SYNTAX', error: 'resource not found', error_code: 'NOTFOUND_SEGMENT' } });
  const verdict = classify({ status: 200, headers: {}, text: body }, 0);
  assert.is(verdict.kind, 'failed');
  assert.ok(verdict.kind === 'failed' && verdict.detail.notFound);
});

test('a body without status OK is not a success', () => {
  const verdict = classify({ status: 200, headers: {}, text: '{"response":{"count":0}}' }, 0);
  assert.is(verdict.kind, 'failed');
});

test('429 and RATE_EXCEEDED are throttling, with Retry-After in ms', () => {
  const body = JSON.stringify({ response: { error_id: 'SYSTEM', error_code: 'RATE_EXCEEDED', error: 'limit' } });
  const a = classify({ status: 429, headers: { 'retry-after': '9' }, text: body }, 0);
  assert.ok(a.kind === 'throttled' && a.retryAfterMs === 9000);
  const b = classify({ status: 200, headers: {}, text: body }, 0);
  assert.ok(b.kind === 'throttled' && b.retryAfterMs === null);
  const legacy405 = classify({ status: 405, headers: { 'retry-after': '31' }, text: '' }, 0);
  assert.ok(legacy405.kind === 'throttled' && legacy405.retryAfterMs === 31000, '2016 production sent 405');
});

test('SYSTEM and 5xx are transient; CONCURRENCY_EXCEEDED is busy; 3xx is a redirect', () => {
  const system = JSON.stringify({ response: { error_id: 'SYSTEM', error_code: 'SERVICE_UNAVAILABLE', error: 'x' } });
  assert.is(classify({ status: 200, headers: {}, text: system }, 0).kind, 'transient');
  assert.is(classify({ status: 503, headers: {}, text: '<html>bad gateway</html>' }, 0).kind, 'transient');
  const busy = JSON.stringify({ response: { error_id: 'SYSTEM', error_code: 'CONCURRENCY_EXCEEDED', error: 'x' } });
  assert.is(classify({ status: 200, headers: {}, text: busy }, 0).kind, 'busy');
  assert.is(classify({ status: 308, headers: { location: 'https://evil.example/' }, text: '' }, 0).kind, 'redirect');
});

test('a 200 that is not JSON is a bad response, not a success', () => {
  assert.is(classify({ status: 200, headers: {}, text: '<html>' }, 0).kind, 'bad-response');
});

test('bulk PUT shape (objects keyed by id) and output_term are understood', () => {
  const bulk = { status: 'OK', segments: { '501': { id: 501 }, '502': { id: 502 } } };
  assert.equal(extractObjects(bulk, 'segment', 'segments'), [{ id: 501 }, { id: 502 }]);
  const termed = { status: 'OK', dbg_info: { output_term: 'line-item' }, 'line-item': { id: 1 } };
  assert.equal(extractObjects(termed, 'line-item', 'line-items'), [{ id: 1 }]);
  assert.equal(extractObjects({ status: 'OK', id: 17 }, 'pixel', 'pixels'), [], 'pixel POST answers only an id');
});

test('an object without a usable id is refused with a clear error', () => {
  assert.throws(() => normalizeSegment({ id: 'abc' }), /segment without a valid id/);
});

test.run();

const provenance = suite('fixture provenance');

provenance('the vendored copies equal ../shared/xandr-fixtures byte for byte, where that folder exists', () => {
  const shared = new URL('../../../shared/xandr-fixtures/', import.meta.url);
  if (!existsSync(shared)) return;
  const names = readdirSync(shared).filter((n) => n.endsWith('.json'));
  assert.ok(names.length >= 6);
  for (const name of names) assert.is(xandrFixture(name), readFileSync(new URL(name, shared), 'utf8'), name);
});

provenance.run();
