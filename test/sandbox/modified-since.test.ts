import * as assert from 'uvu/assert';
import { FakeClock } from '../helpers/fake-clock.js';
import { assertError, ok, sandboxSuite } from './helpers.js';

const START = Date.UTC(2026, 2, 1, 12, 0, 0);
const clock = new FakeClock(START);
const s = sandboxSuite('sandbox last_modified and min_/max_last_modified', { clock });
const test = s.test;
const MINUTE = 60_000;

/** Xandr's query-string form of a timestamp: YYYY-MM-DD+HH:MM:SS. */
const q = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', '+');
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

test('every API write stamps last_modified with the clock, in Xandr\'s format', async () => {
  const at = clock.now();
  const segment = ok(await s.api.post('/segment?advertiser_id=1234', { segment: { short_name: 'S' } })).segment;
  assert.is(segment.last_modified, stamp(at));
  await clock.advance(5 * MINUTE);
  assert.is(ok(await s.api.put(`/segment?id=${segment.id}`, { segment: { short_name: 'S2' } })).segment.last_modified, stamp(at + 5 * MINUTE));
  const pixelId = (await s.api.post('/pixel?advertiser_id=1234', { pixel: { name: 'P' } })).body.response.id;
  const pixel = ok(await s.api.get(`/pixel?id=${pixelId}`)).pixels[0];
  assert.equal([pixel.created_on, pixel.last_modified], [stamp(at + 5 * MINUTE), stamp(at + 5 * MINUTE)]);
  await clock.advance(MINUTE);
  assert.is(ok(await s.api.put('/line-item?id=205', { 'line-item': { comments: 'x' } }))['line-item'].last_modified, stamp(at + 6 * MINUTE));
  assert.match(stamp(at), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
});

test('a control upsert that changes an object stamps it; one that changes nothing does not', async () => {
  const before = ok(await s.api.get('/line-item?id=503'))['line-items'][0].last_modified;
  await clock.advance(MINUTE);
  await s.sb.control.upsert({ lineItems: [{ id: 503, name: 'Acme Brand Awareness' }] });
  assert.is(ok(await s.api.get('/line-item?id=503'))['line-items'][0].last_modified, before, 'the same name: nothing changed');
  await s.sb.control.upsert({ lineItems: [{ id: 503, name: 'Renamed in the console' }] });
  assert.is(ok(await s.api.get('/line-item?id=503'))['line-items'][0].last_modified, stamp(clock.now()));
  await s.sb.control.upsert({ segments: [{ id: 77, short_name: 'old', last_modified: '2020-01-01 00:00:00' }] });
  assert.is(ok(await s.api.get('/segment?id=77')).segments[0].last_modified, '2020-01-01 00:00:00', 'an explicit last_modified is kept');
});

test('min_last_modified finds what moved, member-wide, on segments, pixels and line items', async () => {
  const t0 = clock.now();
  await s.api.post('/segment?advertiser_id=1234', { segment: { short_name: 'early', code: 'early' } });
  await s.api.post('/pixel?advertiser_id=5678', { pixel: { name: 'early pixel' } });
  await clock.advance(10 * MINUTE);
  const t1 = clock.now();
  const late = ok(await s.api.post('/segment', { segment: { short_name: 'late network segment' } })).id;
  const latePixel = (await s.api.post('/pixel?advertiser_id=1234', { pixel: { name: 'late pixel' } })).body.response.id;
  await s.api.put('/line-item?id=502', { 'line-item': { comments: 'moved' } });
  await s.api.put('/line-item?id=205', { 'line-item': { comments: 'moved' } });

  assert.equal(ids(ok(await s.api.get(`/segment?min_last_modified=${q(t1)}`)).segments), [late]);
  assert.equal(ids(ok(await s.api.get(`/pixel?min_last_modified=${q(t1)}`)).pixels), [latePixel], 'across advertisers');
  assert.equal(ids(ok(await s.api.get(`/line-item?min_last_modified=${q(t1)}`))['line-items']), [205, 502], 'both advertisers');
  assert.is(ok(await s.api.get(`/segment?min_last_modified=${q(t0)}`)).count, 2, 'inclusive bound');
  assert.equal(ids(ok(await s.api.get(`/segment?max_last_modified=${q(t1 - 1000)}`)).segments).length, 1, 'max is inclusive too');
  assert.is(ok(await s.api.get(`/segment?min_last_modified=${q(t1 + 1000)}`)).count, 0);
});

test('the filter combines with other filters and with paging; count is the filtered total', async () => {
  await s.sb.control.upsert({
    segments: Array.from({ length: 250 }, (_, i) => ({
      id: 5000 + i,
      short_name: `S${i}`,
      advertiser_id: i % 2 ? 1234 : null,
      last_modified: stamp(START - (250 - i) * MINUTE),
    })),
  });
  const since = START - 100 * MINUTE; // the last 100 by time: ids 5150..5249
  const first = ok(await s.api.get(`/segment?min_last_modified=${q(since)}&num_elements=30`));
  assert.equal([first.count, first.segments.length, first.segments[0].id], [100, 30, 5150]);
  const page = ok(await s.api.get(`/segment?min_last_modified=${q(since)}&start_element=90`));
  assert.equal(ids(page.segments), [5240, 5241, 5242, 5243, 5244, 5245, 5246, 5247, 5248, 5249]);
  const scoped = ok(await s.api.get(`/segment?min_last_modified=${q(since)}&advertiser_id=1234&search=S24`));
  assert.equal(ids(scoped.segments), [5241, 5243, 5245, 5247, 5249]);
  assert.is(scoped.count, 5);
});

test('the time may be joined by +, a space or %20, or be a date alone; anything else is SYNTAX', async () => {
  const at = Date.UTC(2026, 2, 1, 11, 59, 0);
  await s.sb.control.upsert({ segments: [{ id: 61, short_name: 'a', last_modified: stamp(at) }] });
  for (const text of ['2026-03-01+11:59:00', '2026-03-01%2011:59:00', '2026-03-01 11:59:00', '2026-03-01%2B11:59:00']) {
    assert.equal(ids(ok(await s.api.get(`/segment?id=61,62&min_last_modified=${text}`)).segments), [61], text);
  }
  assert.equal(ids(ok(await s.api.get('/segment?id=61&min_last_modified=2026-03-01')).segments), [61], 'a date alone is midnight');
  assert.equal(ok(await s.api.get('/segment?id=61,62&min_last_modified=2026-03-01+11:59:01')).segments, []);
  for (const bad of ['yesterday', '2026-02-30+00:00:00', '2026-03-01+25:00:00', '1717000000', '2026-03-01+11:59']) {
    assertError(await s.api.get(`/segment?min_last_modified=${bad}`), { status: 400, errorId: 'SYNTAX', message: /'min_last_modified' must be a timestamp YYYY-MM-DD\+HH:MM:SS/ });
  }
  assertError(await s.api.get('/line-item?max_last_modified=soon'), { status: 400, errorId: 'SYNTAX', message: /'max_last_modified'/ });
});

test('nmin_/nmax_last_modified also match objects without a last_modified', async () => {
  await s.sb.control.upsert({ segments: [{ id: 71, short_name: 'no date', last_modified: null }, { id: 72, short_name: 'dated', last_modified: '2020-01-01 00:00:00' }] });
  assert.equal(ids(ok(await s.api.get('/segment?nmax_last_modified=2021-01-01+00:00:00')).segments), [71, 72]);
  assert.equal(ids(ok(await s.api.get('/segment?max_last_modified=2021-01-01+00:00:00')).segments), [72]);
});

test('ignoreModifiedFilter: the sandbox silently ignores the filter, malformed or not, like a service without it', async () => {
  await s.api.post('/segment', { segment: { short_name: 'one' } });
  await clock.advance(MINUTE);
  const later = q(clock.now());
  assert.is(ok(await s.api.get(`/segment?min_last_modified=${later}`)).count, 0);
  s.sb.control.configure({ ignoreModifiedFilter: true });
  assert.is(ok(await s.api.get(`/segment?min_last_modified=${later}`)).count, 1, 'the same listing, now unfiltered');
  assert.is(ok(await s.api.get('/line-item?min_last_modified=garbage')).count, 5);
  s.sb.control.configure({ ignoreModifiedFilter: false });
  assert.is(ok(await s.api.get(`/segment?min_last_modified=${later}`)).count, 0, 'and filtered again');
});

test.run();
