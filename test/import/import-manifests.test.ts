import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildImport, slug, unique, type ImportInput } from '../../src/import/build-import.js';
import type { Account } from '../../src/read/account.js';
import { loadManifests } from '../../src/manifest/index.js';
import { advertiser, desired, liveLineItem, livePixel, liveSegment, segment } from '../helpers/model.js';
import { makeTree } from '../manifest/helpers.js';

const test = suite('import: live objects to manifest files');

const account = (parts: Partial<Account> = {}): Account => ({
  member: { id: 958, name: 'Sandbox Member' },
  advertisers: [advertiser(1234)],
  segments: [],
  pixels: [],
  lineItems: [],
  profiles: [],
  ...parts,
});

const run = (a: Account, more: Partial<ImportInput> = {}) =>
  buildImport({ account: a, scope: { advertisers: a.advertisers.map((x) => x.id), member: false }, previous: desired(), others: desired(), schemaFor: () => '../schemas/manifest.schema.json', ...more });

const fileText = (result: ReturnType<typeof run>, path: string) => result.files.find((f) => f.path === path)?.text ?? '';

async function load(files: Record<string, string>) {
  const tree = makeTree(files);
  try {
    return await loadManifests([], { cwd: tree.dir });
  } finally {
    tree.cleanup();
  }
}

test('slug: lower case, A-Z a-z 0-9 . _ - only, runs collapsed, at most 50 characters', () => {
  assert.is(slug('Café Visitors (EU)'), 'cafe-visitors-eu');
  assert.is(slug('  --Hello__World--  '), 'hello_world');
  assert.is(slug('!!!'), '');
  assert.is(slug('日本'), '');
  assert.is(slug('a'.repeat(80)).length, 50);
  assert.is(slug(`${'a'.repeat(49)} b`), 'a'.repeat(49), 'no trailing separator after cutting');
  assert.is(unique('x', (n) => ['x', 'x-2'].includes(n)), 'x-3');
  assert.is(unique('a'.repeat(50), (n) => n === 'a'.repeat(50)), `${'a'.repeat(48)}-2`);
});

test('names: a code is the name; codeless objects get a unique slug (ignoring case, against every code in the member) and a pin', () => {
  const a = account({
    segments: [
      liveSegment(1, 'Retargeting', { advertiser_id: 1234, short_name: 'x' }),
      liveSegment(2, null, { advertiser_id: 1234, short_name: 'RETARGETING' }),
      liveSegment(3, null, { advertiser_id: 1234, short_name: 'Retargeting' }),
      liveSegment(4, 'other-advertisers-code', { advertiser_id: 5678 }),
      liveSegment(5, null, { advertiser_id: 1234, short_name: 'Other advertisers code' }),
      liveSegment(6, null, { advertiser_id: 1234, short_name: '???' }),
    ],
  });
  const text = fileText(run(a), 'advertiser-1234/segments.yaml');
  const names = [...text.matchAll(/^ {2}name: (.*)$/gm)].map((m) => m[1]);
  assert.equal(names, ['Retargeting', 'retargeting-2', 'retargeting-3', 'other-advertisers-code-2', 'segment-6']);
  const ids = [...text.matchAll(/^ {2}id: (.*)$/gm)].map((m) => Number(m[1]));
  assert.equal(ids, [2, 3, 5, 6], 'only codeless objects are pinned');
  assert.match(text, /^# segment 1\n/m);
});

test('names the files being rewritten gave are kept; names other files use are avoided; objects they describe are left to them', () => {
  const a = account({
    segments: [
      liveSegment(1, null, { advertiser_id: 1234, short_name: 'Buyers' }),
      liveSegment(2, null, { advertiser_id: 1234, short_name: 'Buyers' }),
      liveSegment(3, null, { advertiser_id: 1234, short_name: 'Readers' }),
      liveSegment(4, 'managed-elsewhere', { advertiser_id: 1234 }),
      liveSegment(5, null, { advertiser_id: 1234, short_name: 'pinned elsewhere' }),
    ],
  });
  const previous = desired({ segments: [segment('my-buyers', { advertiser_id: 1234 }, { id: 2 })] });
  const others = desired({
    segments: [segment('readers', { advertiser_id: 5678 }), segment('Managed-Elsewhere', { advertiser_id: 1234 }), segment('x', { advertiser_id: 1234 }, { id: 5 })],
  });
  const result = run(a, { previous, others });
  const names = [...fileText(result, 'advertiser-1234/segments.yaml').matchAll(/^ {2}name: (.*)$/gm)].map((m) => m[1]);
  assert.equal(names, ['buyers', 'my-buyers', 'readers-2']);
  assert.is(result.alreadyDescribed, 2);
});

test('only fields that carry information: no read-only fields, no Xandr defaults; state always', async () => {
  const a = account({
    segments: [
      liveSegment(1, null, {
        advertiser_id: 1234,
        short_name: 'Plain',
        description: null,
        price: 0,
        expire_minutes: null,
        enable_rm_piggyback: true,
        max_usersync_pixels: 0,
        parent_segment_id: null,
        piggyback_pixels: null,
        querystring_mapping: null,
        querystring_mapping_key_value: null,
        provider: null,
        category: null,
        object_type: 'default',
      }),
      liveSegment(2, null, {
        advertiser_id: 1234,
        short_name: 'Rich',
        state: 'inactive',
        description: 'Bought twice',
        expire_minutes: 20160,
        enable_rm_piggyback: false,
        piggyback_pixels: [{ url: 'https://a.example/p.gif', pixel_type: 'img', id: 9 } as never],
        querystring_mapping: { param: 'band', value_type: 'text', values: ['low'], publishers: [{ id: 12, name: 'P' }], extra: 1 } as never,
      }),
    ],
    pixels: [livePixel(10, null, { name: 'Checkout', trigger_type: 'hybrid', post_click_value: 40, min_minutes_per_conv: null, created_on: '2024-01-01 00:00:00' })],
  });
  const result = run(a);
  const segments = fileText(result, 'advertiser-1234/segments.yaml');
  assert.match(segments, /name: plain\n {2}id: 1\nspec:\n {2}advertiser_id: 1234\n {2}short_name: Plain\n {2}state: active\n(---|$)/);
  assert.not.match(segments, /last_modified|member_id|provider|object_type|price/);
  const loaded = await load({ 'advertiser-1234/segments.yaml': segments, 'advertiser-1234/pixels.yaml': fileText(result, 'advertiser-1234/pixels.yaml') });
  assert.equal(loaded.diagnostics, []);
  assert.equal(loaded.desired.segments[1]!.spec, {
    advertiser_id: 1234,
    short_name: 'Rich',
    description: 'Bought twice',
    state: 'inactive',
    expire_minutes: 20160,
    enable_rm_piggyback: false,
    piggyback_pixels: [{ url: 'https://a.example/p.gif', pixel_type: 'img' }],
    querystring_mapping: { param: 'band', value_type: 'text', values: ['low'], publishers: [{ id: 12 }] },
  });
  assert.equal(loaded.desired.pixels[0]!.spec, { advertiser_id: 1234, name: 'Checkout', state: 'active', trigger_type: 'hybrid', post_click_value: 40 });
  assert.equal(result.skipped, []);
});

test('a live value the schema refuses is left out with a warning; a missing required field skips the object', () => {
  const a = account({
    segments: [
      liveSegment(1, null, { advertiser_id: 1234, short_name: 'Odd', expire_minutes: -5 }),
      liveSegment(2, null, { advertiser_id: 1234, short_name: '' }),
      liveSegment(3, 'has a space', { advertiser_id: 1234, short_name: 'Spaced' }),
    ],
  });
  const result = run(a);
  assert.not.match(fileText(result, 'advertiser-1234/segments.yaml'), /expire_minutes/);
  assert.equal(result.skipped.length, 3, result.skipped.join('\n'));
  assert.match(result.skipped.join('\n'), /segment 1: left out expire_minutes/);
  assert.match(result.skipped.join('\n'), /segment 2: not imported, short_name/);
  assert.match(result.skipped.join('\n'), /segment 3: its code 'has a space' is not a valid manifest name/);
});

test('bindings: authoritative, imported pixels by name, others by id, revenue only where Xandr takes it', async () => {
  const a = account({
    pixels: [livePixel(10, null, { name: 'Checkout' }), livePixel(11, 'signup')],
    lineItems: [
      liveLineItem(205, {
        name: 'Spring',
        pixels: [
          { id: 10, state: 'active', post_click_revenue: 5, post_view_revenue: null },
          { id: 11, state: 'inactive', post_click_revenue: null, post_view_revenue: null },
          { id: 99, state: 'active', post_click_revenue: null, post_view_revenue: null },
        ],
      }),
      liveLineItem(206, { line_item_type: 'standard_v2', revenue_type: 'cpm', pixels: [{ id: 10, state: 'active', post_click_revenue: 3, post_view_revenue: null }] }),
    ],
  });
  const result = run(a);
  const text = fileText(result, 'advertiser-1234/line-items.yaml');
  assert.match(text, /^# line item 205: Spring$/m);
  const loaded = await load({
    'p.yaml': fileText(result, 'advertiser-1234/pixels.yaml'),
    'b.yaml': text,
  });
  assert.equal(loaded.diagnostics, []);
  assert.equal(
    loaded.desired.bindings.map((b) => [b.name, b.spec]),
    [
      [
        'line-item-205',
        {
          advertiser_id: 1234,
          line_item_id: 205,
          policy: 'authoritative',
          pixels: [
            { pixel: 'checkout', state: 'active', post_click_revenue: 5 },
            { pixel: 'signup', state: 'inactive' },
            { pixel_id: 99, state: 'active' },
          ],
        },
      ],
      ['line-item-206', { advertiser_id: 1234, line_item_id: 206, policy: 'authoritative', pixels: [{ pixel: 'checkout', state: 'active' }] }],
    ],
  );
});

test('one file per kind and advertiser, member-level segments apart; an advertiser without such objects gets no file', () => {
  const a = account({
    advertisers: [advertiser(1234), advertiser(5678)],
    segments: [liveSegment(1, 'm', { advertiser_id: null }), liveSegment(2, 'a', { advertiser_id: 5678 })],
  });
  const result = buildImport({ account: a, scope: { advertisers: [1234, 5678], member: true }, previous: desired(), others: desired(), schemaFor: (p) => `schema-for-${p}` });
  assert.equal(result.files.map((f) => [f.path, f.objects]), [['member/segments.yaml', 1], ['advertiser-5678/segments.yaml', 1]]);
  assert.match(result.files[0]!.text, /^# yaml-language-server: \$schema=schema-for-member\/segments.yaml\n/);
  assert.ok(result.empty.includes('advertiser-1234/segments.yaml'));
});

test('the same account gives the same bytes; importing over the result keeps every name', () => {
  const a = account({ segments: [liveSegment(1, null, { advertiser_id: 1234, short_name: 'Dup' }), liveSegment(2, null, { advertiser_id: 1234, short_name: 'dup' })] });
  const first = run(a);
  assert.equal(run(a).files, first.files);
  const previous = desired({ segments: [segment('dup-2', { advertiser_id: 1234 }, { id: 1 }), segment('dup', { advertiser_id: 1234 }, { id: 2 })] });
  const names = [...fileText(run(a, { previous }), 'advertiser-1234/segments.yaml').matchAll(/^ {2}name: (.*)$/gm)].map((m) => m[1]);
  assert.equal(names, ['dup-2', 'dup'], 'a new console object does not reshuffle names');
});

test.run();
