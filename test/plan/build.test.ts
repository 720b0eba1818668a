import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPlan, applyChanges } from '../../src/plan/index.js';
import type { Desired, ProjectConfig } from '../../src/manifest/types.js';
import type { LiveState, Plan } from '../../src/plan/types.js';
import { advertiser, binding, config, desired, live, liveLineItem, livePixel, liveSegment, pixel, segment, source0, target } from '../helpers/model.js';

const plan = (d: Desired, l: LiveState = live(), c: ProjectConfig = config()): Plan =>
  buildPlan({ desired: d, live: l, config: c, target, source: source0, reads: 3, createdAt: '2026-11-29T00:00:00Z' });

const test = suite('planner');

test('the seed article: segment and pixel created in wave 1, the line item PUT in wave 2 with the pixel as a ref', () => {
  const p = plan(
    desired({
      segments: [segment('retargeting-segment', { advertiser_id: 1234, short_name: 'Retargeting Segment', expire_minutes: 20160 })],
      pixels: [pixel('conversion-pixel', { name: 'Conversion Pixel', trigger_type: 'hybrid' })],
      bindings: [binding('line-item-205', { pixels: [{ pixel: 'conversion-pixel', state: 'active', post_click_revenue: 100, post_view_revenue: 50 }] })],
    }),
  );
  assert.equal(p.errors, []);
  assert.equal(
    p.actions.map((a) => [a.address, a.action, a.wave]),
    [
      ['Segment/retargeting-segment', 'create', 1],
      ['ConversionPixel/conversion-pixel', 'create', 1],
      ['LineItemPixels/line-item-205', 'update', 2],
    ],
  );
  const [seg, px, li] = p.actions;
  assert.equal(seg!.request, {
    method: 'POST',
    path: '/segment',
    query: { advertiser_id: 1234 },
    body: { segment: { code: 'retargeting-segment', short_name: 'Retargeting Segment', expire_minutes: 20160 } },
  });
  assert.equal(px!.request.body, { pixel: { code: 'conversion-pixel', name: 'Conversion Pixel', trigger_type: 'hybrid' } });
  assert.equal(li!.depends_on, ['ConversionPixel/conversion-pixel']);
  assert.equal(li!.request.body, {
    'line-item': { pixels: [{ id: { ref: 'ConversionPixel/conversion-pixel' }, state: 'active', post_click_revenue: 100, post_view_revenue: 50 }] },
  });
  assert.equal(p.summary, { create: 2, update: 1, delete: 0, adopt: 0, rename: 0, deactivate: 0, unchanged: 0, reads: 3, writes: 3 });
});

test('an object equal to what is live costs nothing, numbers compared by value', () => {
  const p = plan(
    desired({
      segments: [segment('s', { short_name: 'S', price: 0, expire_minutes: 30 })],
      bindings: [binding('b', { pixels: [{ pixel_id: 39688, state: 'inactive', post_click_revenue: 30 }] })],
    }),
    live({
      segments: [liveSegment(1, 's', { short_name: 'S', price: '0.000' as unknown as number, expire_minutes: 30 })],
      pixels: [livePixel(39688, null)],
      lineItems: [liveLineItem(205, { pixels: [{ id: 39688, state: 'inactive', post_click_revenue: 30, post_view_revenue: null }] })],
    }),
  );
  assert.equal(p.errors, []);
  assert.equal(p.actions, []);
  assert.is(p.summary.unchanged, 2);
});

test('one changed field: one PUT carrying only that field', () => {
  const p = plan(
    desired({ segments: [segment('s', { short_name: 'New name', expire_minutes: 30, description: 'same' })] }),
    live({ segments: [liveSegment(7, 's', { short_name: 'Old name', expire_minutes: 30, description: 'same' })] }),
  );
  assert.is(p.actions.length, 1);
  assert.equal(p.actions[0]!.request, { method: 'PUT', path: '/segment', query: { id: 7 }, body: { segment: { short_name: 'New name' } } });
  assert.equal(p.actions[0]!.changes, [{ op: 'replace', path: '/short_name', value: 'New name' }]);
});

test('fields the manifest does not declare are never compared; ignore_changes are not either', () => {
  const p = plan(
    desired({ segments: [segment('s', { short_name: 'S', expire_minutes: 5 }, { ignoreChanges: ['expire_minutes'] })] }),
    live({ segments: [liveSegment(7, 's', { short_name: 'S', expire_minutes: 999, description: 'console edit' })] }),
  );
  assert.equal(p.actions, []);
});

test('codes match ignoring case, and the case is then corrected', () => {
  const p = plan(desired({ segments: [segment('retargeting', { short_name: 'S' })] }), live({ segments: [liveSegment(7, 'Retargeting', { short_name: 'S' })] }));
  assert.is(p.actions.length, 1);
  assert.is(p.actions[0]!.action, 'update');
  assert.equal(p.actions[0]!.request.body, { segment: { code: 'retargeting' } });
});

test('metadata.id adopts an object without a code: the plan writes the code', () => {
  const p = plan(desired({ segments: [segment('legacy', { short_name: 'Legacy' }, { id: 42 })] }), live({ segments: [liveSegment(42, null, { short_name: 'Legacy' })] }));
  assert.equal(p.actions.map((a) => [a.action, a.request.body]), [['adopt', { segment: { code: 'legacy' } }]]);
  assert.is(p.summary.adopt, 1);
});

test('metadata.id errors: unknown id, a different code already there, the code taken by another object', () => {
  const p = plan(
    desired({
      segments: [segment('a', {}, { id: 1 }), segment('b', {}, { id: 2 }), segment('c', {}, { id: 3 })],
    }),
    live({ segments: [liveSegment(2, 'other'), liveSegment(3, null), liveSegment(4, 'c')] }),
  );
  assert.equal(p.errors.map((e) => e.code), ['unknown-id', 'id-code-conflict', 'code-taken']);
});

test('additive keeps a pixel someone else attached; authoritative removes it and warns', () => {
  const lineItem = liveLineItem(205, { pixels: [{ id: 777, state: 'active', post_click_revenue: null, post_view_revenue: null }] });
  const l = live({ pixels: [livePixel(777, null, { name: 'Legacy' }), livePixel(778, null)], lineItems: [lineItem] });
  const additive = plan(desired({ bindings: [binding('b', { policy: 'additive', pixels: [{ pixel_id: 778 }] })] }), l);
  assert.equal(additive.actions[0]!.request.body, { 'line-item': { pixels: [{ id: 777, state: 'active' }, { id: 778, state: 'active' }] } });
  assert.equal(additive.actions[0]!.warnings, []);

  const authoritative = plan(desired({ bindings: [binding('b', { policy: 'authoritative', pixels: [{ pixel_id: 778 }] })] }), l);
  assert.equal(authoritative.actions[0]!.request.body, { 'line-item': { pixels: [{ id: 778, state: 'active' }] } });
  assert.match(authoritative.actions[0]!.warnings.join('\n'), /detaches pixel 777 \(Legacy\) from active line item 205/);
});

test('three pixel changes on one line item are one PUT, and the changes apply to the live array', () => {
  const current = [
    { id: 1, state: 'active', post_click_revenue: 10, post_view_revenue: null },
    { id: 2, state: 'active', post_click_revenue: null, post_view_revenue: null },
    { id: 3, state: 'active', post_click_revenue: null, post_view_revenue: null },
  ];
  const p = plan(
    desired({
      bindings: [binding('b', { pixels: [{ pixel_id: 1, post_click_revenue: 20 }, { pixel_id: 2, state: 'inactive' }, { pixel_id: 4 }] })],
    }),
    live({ pixels: [1, 2, 3, 4].map((id) => livePixel(id, null)), lineItems: [liveLineItem(205, { pixels: current })] }),
  );
  assert.is(p.actions.length, 1);
  const result = applyChanges(p.actions[0]!.live as { pixels: unknown[] }, p.actions[0]!.changes);
  const sent = (p.actions[0]!.request.body as { 'line-item': { pixels: { id: number }[] } })['line-item'].pixels;
  assert.equal(result.pixels.map((x: any) => x.id).sort(), sent.map((x) => x.id).sort(), 'patch and PUT body agree on the result');
  assert.match(p.actions[0]!.warnings.join('\n'), /changes post_click_revenue of pixel 1 .*on line item 205 from 10 to 20/);
});

test('revenue where Xandr refuses it is a plan error, positioned at the field', () => {
  const b = binding('b', { line_item_id: 206, pixels: [{ pixel_id: 1, post_click_revenue: 5 }] });
  b.source.fields = { '/pixels/0/post_click_revenue': { file: 'b.yaml', line: 9, column: 27 } };
  const ali = plan(desired({ bindings: [b] }), live({ pixels: [livePixel(1, null)], lineItems: [liveLineItem(206, { line_item_type: 'standard_v2', revenue_type: 'cpm' })] }));
  assert.equal(ali.errors.map((e) => [e.code, e.line, e.column]), [['revenue-not-allowed', 9, 27]]);
  assert.match(ali.errors[0]!.message, /augmented line item/);
  const cpm = plan(desired({ bindings: [binding('b', { line_item_id: 206, pixels: [{ pixel_id: 1, post_view_revenue: 5 }] })] }), live({ pixels: [livePixel(1, null)], lineItems: [liveLineItem(206, { revenue_type: 'cpm' })] }));
  assert.match(cpm.errors[0]!.message, /revenue_type 'cpm'/);
});

test('more than 20 pixels after an additive merge is a plan error', () => {
  const attached = Array.from({ length: 19 }, (_, i) => ({ id: 100 + i, state: 'active', post_click_revenue: null, post_view_revenue: null }));
  const pixels = [...attached.map((a) => livePixel(a.id, null)), livePixel(1, null), livePixel(2, null)];
  const p = plan(
    desired({ bindings: [binding('b', { policy: 'additive', pixels: [{ pixel_id: 1 }, { pixel_id: 2 }] })] }),
    live({ pixels, lineItems: [liveLineItem(205, { pixels: attached })] }),
  );
  assert.equal(p.errors.map((e) => e.code), ['too-many-pixels']);
});

test('a line item, advertiser or pixel id that does not exist is a plan error', () => {
  const p = plan(
    desired({
      segments: [segment('s', { advertiser_id: 999 })],
      bindings: [binding('b', { line_item_id: 404 }), binding('c', { pixels: [{ pixel_id: 5 }] })],
    }),
    live({ advertisers: [advertiser(1234)] }),
  );
  assert.equal(p.errors.map((e) => e.code), ['unknown-advertiser', 'unknown-line-item', 'unknown-pixel-id']);
});

test('a shortened segment expiry is a warning', () => {
  const p = plan(desired({ segments: [segment('s', { expire_minutes: 60 })] }), live({ segments: [liveSegment(1, 's', { expire_minutes: 120 })] }));
  assert.match(p.actions[0]!.warnings[0]!, /shortens expire_minutes from 120 to 60/);
});

test('guards are reported on the plan', () => {
  const p = plan(desired({ segments: [segment('a'), segment('b')] }), live(), config({ guards: { max_changes: 1, goal_pixel_detach: 'warn' } }));
  assert.match(p.warnings[0]!, /2 changes exceed guards.max_changes \(1\)/);
});

test('the same input gives the same plan', () => {
  const d = desired({ segments: [segment('b'), segment('a')], pixels: [pixel('p')] });
  assert.equal(plan(d), plan(d));
});

test.run();
