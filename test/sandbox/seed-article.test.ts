import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ok, sandboxSuite } from './helpers.js';

/**
 * The three calls of Xandr's "Segment and conversion pixels" article (10---segment-and-conversion-pixels.md),
 * with the bodies as the article writes them: advertiser_id in the segment and pixel bodies and no scope in
 * the query, then a line-item PUT under the "line_item" key, the id only in the body, and a "..." elision.
 */
const SEGMENT = `{
  "segment": {
    "short_name": "Retargeting Segment",
    "advertiser_id": 1234,
    "expire_minutes": 20160
  }
  }
`;
const PIXEL = `{
  "pixel": {
    "name": "Conversion Pixel",
    "advertiser_id": 1234,
    "trigger_type": "hybrid"
  }
}
`;
const LINE_ITEM = `{
  "line_item": {
    "id": 205,
    "pixels":[
      {
        "id": 12345,
        "state": "active",
        "post_click_revenue": 100,
        "post_view_revenue": 50
      }
    ],
    ...
  }
}
`;

const s = sandboxSuite('sandbox: the seed article works verbatim on a fresh sandbox');
const test = s.test;

async function checkResult(): Promise<void> {
  const segment = ok(await s.api.get('/segment?advertiser_id=1234')).segments;
  assert.equal(segment.map((x: any) => [x.short_name, x.expire_minutes, x.advertiser_id]), [['Retargeting Segment', 20160, 1234]]);
  const pixel = ok(await s.api.get('/pixel?id=12345')).pixels[0];
  assert.equal([pixel.name, pixel.trigger_type, pixel.advertiser_id], ['Conversion Pixel', 'hybrid', 1234]);
  const li = ok(await s.api.get('/line-item?id=205'))['line-items'][0];
  assert.equal(li.pixels, [
    { id: '12345', state: 'active', post_click_revenue: '100.000000', post_view_revenue: '50.000000', name: 'Conversion Pixel', trigger_type: 'hybrid' },
  ]);
}

test('sent with fetch, bodies byte for byte', async () => {
  const segment = ok(await s.api.call('POST', '/segment', undefined, { raw: SEGMENT }));
  assert.is(segment.segment.advertiser_id, 1234);
  const pixel = ok(await s.api.call('POST', '/pixel', undefined, { raw: PIXEL }));
  assert.is(pixel.id, 12345, 'the new pixel gets the id the article attaches next');
  const lineItem = ok(await s.api.call('PUT', '/line-item', undefined, { raw: LINE_ITEM }));
  assert.is(lineItem.id, '205');
  await checkResult();
});

test('sent with curl -b/-c cookies -d @file: form-encoded, newlines stripped, cookie auth', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sandbox-curl-'));
  try {
    const files = { auth: '{"auth": {"username": "sandbox", "password": "sandbox"}}\n', segment: SEGMENT, pixel: PIXEL, line_item: LINE_ITEM };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const jar = join(dir, 'cookies');
    const curl = async (method: string, file: string, path: string) => {
      const { stdout } = await promisify(execFile)('curl', ['-s', '-b', jar, '-c', jar, '-X', method, '-d', `@${join(dir, file)}`, `${s.sb.url}${path}`]);
      return JSON.parse(stdout);
    };
    assert.is((await curl('POST', 'auth', '/auth')).response.status, 'OK');
    assert.is((await curl('POST', 'segment', '/segment')).response.status, 'OK');
    assert.is((await curl('POST', 'pixel', '/pixel')).response.id, 12345);
    assert.is((await curl('PUT', 'line_item', '/line-item')).response.status, 'OK');
    const sent = s.sb.control.log().filter((e) => e.user === 'sandbox' && e.path !== '/auth');
    assert.is(sent.length, 3, 'three calls, all authenticated by the cookie');
    await checkResult();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
