import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPlan } from '../../src/plan/index.js';
import type { Desired, ProjectConfig } from '../../src/manifest/types.js';
import type { LiveState, Plan } from '../../src/plan/types.js';
import { advertiser, binding, config, desired, live, liveLineItem, livePixel, liveSegment, pixel, segment, source0, target } from '../helpers/model.js';

const plan = (d: Desired, l: LiveState, c: Partial<ProjectConfig> = {}, fullDesired?: Desired): Plan =>
  buildPlan({ desired: d, live: l, config: config(c), target, source: source0, reads: 3, createdAt: '2026-11-29T00:00:00Z', fullDesired });

const rows = (p: Plan) => p.actions.map((a) => [a.address, a.action, a.wave]);
const codes = (p: Plan) => p.errors.map((e) => e.code);

const test = suite('prune (planner)');

const kept = segment('kept', { advertiser_id: 1234 });
const twoSegments = () => live({ segments: [liveSegment(1, 'kept', { advertiser_id: 1234, short_name: 'kept' }), liveSegment(2, 'gone', { advertiser_id: 1234, short_name: 'Gone' })] });

test('off by default: an object whose manifest is gone is left alone', () => {
  assert.equal(plan(desired({ segments: [kept] }), twoSegments()).actions, []);
});

test('deactivate: one PUT of state inactive for exactly the object without a manifest, shown in the plan warnings', () => {
  const p = plan(desired({ segments: [kept] }), twoSegments(), { prune: 'deactivate' });
  assert.equal(p.errors, []);
  assert.equal(rows(p), [['Segment/gone', 'deactivate', 1]]);
  assert.equal(p.actions[0]!.request, { method: 'PUT', path: '/segment', query: { id: 2 }, body: { segment: { state: 'inactive' } } });
  assert.equal(p.summary.deactivate, 1);
  assert.match(p.warnings.join('\n'), /prune deactivates 1 object that no manifest describes: Segment\/gone/);
});

test('deactivate is a no-op for an object that is inactive already', () => {
  const l = live({ segments: [liveSegment(1, 'kept', { advertiser_id: 1234 }), liveSegment(2, 'gone', { advertiser_id: 1234, state: 'inactive' })] });
  assert.equal(plan(desired({ segments: [kept] }), l, { prune: 'deactivate' }).actions, []);
});

test('delete: a DELETE by id, counted by max_deletes', () => {
  const p = plan(desired({ segments: [kept] }), twoSegments(), { prune: 'delete', guards: { max_deletes: 0, goal_pixel_detach: 'warn' } });
  assert.equal(rows(p), [['Segment/gone', 'delete', 1]]);
  assert.equal(p.actions[0]!.request, { method: 'DELETE', path: '/segment', query: { id: 2 }, body: null });
  assert.is(p.summary.delete, 1);
  assert.match(p.warnings.join('\n'), /prune DELETES 1 object/);
  assert.match(p.warnings.join('\n'), /1 deletions\/deactivations exceed guards.max_deletes \(0\)/);
});

test('never touched: objects without a code, of undeclared advertisers, member-level ones the repository does not declare, pinned or matched ones', () => {
  const l = live({
    advertisers: [advertiser(1234), advertiser(5678)],
    segments: [
      liveSegment(1, 'kept', { advertiser_id: 1234 }),
      liveSegment(2, null, { advertiser_id: 1234 }),
      liveSegment(3, 'other-advertiser', { advertiser_id: 5678 }),
      liveSegment(4, 'member-level', { advertiser_id: null }),
      liveSegment(5, 'KEPT-pinned', { advertiser_id: 1234 }),
      liveSegment(6, 'Kept-Case', { advertiser_id: 1234 }),
    ],
    pixels: [livePixel(10, null), livePixel(11, 'px', { advertiser_id: 5678 })],
  });
  const d = desired({ segments: [kept, segment('kept-pinned', { advertiser_id: 1234 }, { id: 5 }), segment('kept-case', { advertiser_id: 1234 })] });
  const p = plan(d, l, { prune: 'delete' });
  assert.equal(p.errors, []);
  // Only the two manifests' own updates (the code's case, the name): prune adds nothing.
  assert.equal(p.actions.map((a) => [a.id, a.action]), [[6, 'update'], [5, 'update']]);
});

test('member-level segments are in reach when the repository declares member-level segments, and not in a shard', () => {
  const l = live({ segments: [liveSegment(1, 'mine'), liveSegment(2, 'old-member-level')] });
  const d = desired({ segments: [segment('mine')] });
  assert.equal(rows(plan(d, l, { prune: 'delete' })), [['Segment/old-member-level', 'delete', 1]]);
  const shard = live({ segments: [liveSegment(3, 'a', { advertiser_id: 1234 })], segmentAdvertisers: [1234] });
  assert.equal(plan(desired({ segments: [segment('a', { advertiser_id: 1234 })] }), { ...shard, segments: [...shard.segments, liveSegment(2, 'old-member-level')] }, { prune: 'delete' }).actions, []);
});

test('in a shard, an object that a manifest outside the shard describes is kept', () => {
  const l = live({ segments: [liveSegment(1, 'a', { advertiser_id: 1234 }), liveSegment(2, 'moved', { advertiser_id: 1234 })], segmentAdvertisers: [1234] });
  const shardPart = desired({ segments: [segment('a', { advertiser_id: 1234 })] });
  const everything = desired({ segments: [...shardPart.segments, segment('moved', { advertiser_id: 5678 })] });
  assert.equal(rows(plan(shardPart, l, { prune: 'delete' })), [['Segment/moved', 'delete', 1]], 'without the whole repository it would go');
  assert.equal(plan(shardPart, l, { prune: 'delete' }, everything).actions, []);
});

test('protect: in xandr-sync.yaml keeps matching objects out of reach after their manifest is gone', () => {
  const l = live({
    segments: [liveSegment(1, 'kept', { advertiser_id: 1234 }), liveSegment(2, 'legacy-buyers', { advertiser_id: 1234 }), liveSegment(3, 'gone', { advertiser_id: 1234 })],
    pixels: [livePixel(10, 'keep-px'), livePixel(11, 'Old-Px')],
  });
  const d = desired({ segments: [kept], pixels: [pixel('p')] });
  const p = plan(d, { ...l, pixels: [...l.pixels, livePixel(12, 'p')] }, { prune: 'delete', protect: ['segment/LEGACY-*', 'ConversionPixel/1234/keep-*'] });
  assert.equal(p.errors, []);
  assert.equal(rows(p), [['Segment/gone', 'delete', 1], ['ConversionPixel/Old-Px', 'delete', 1]]);
});

test('metadata.protect: a protected manifest keeps its object, whatever prune says', () => {
  const d = desired({ segments: [segment('kept', { advertiser_id: 1234 }, { protect: true })] });
  const p = plan(d, twoSegments(), { prune: 'delete', protect: ['Segment/gone'] });
  assert.equal(p.actions, []);
});

test('a pixel that a binding attaches by pixel_id is kept, though no ConversionPixel manifest describes it', () => {
  const l = live({ pixels: [livePixel(10, 'managed'), livePixel(11, 'by-id')], lineItems: [liveLineItem(205, { pixels: [{ id: 11, state: 'active', post_click_revenue: null, post_view_revenue: null }] })] });
  const d = desired({ pixels: [pixel('managed')], bindings: [binding('b', { pixels: [{ pixel_id: 11 }] })] });
  assert.equal(plan(d, l, { prune: 'delete' }).actions, []);
});

test('refused: the manifests declare no segment for an advertiser that has coded segments (an empty branch, a bad glob)', () => {
  const l = live({ segments: [liveSegment(1, 'a', { advertiser_id: 1234 }), liveSegment(2, 'b', { advertiser_id: 1234 })], pixels: [livePixel(10, 'p')] });
  const d = desired({ pixels: [pixel('p')] });
  const p = plan(d, l, { prune: 'delete' });
  assert.equal(codes(p), ['empty-prune']);
  assert.match(p.errors[0]!.message, /prune would delete all 2 segments with a code of advertiser 1234, because the manifests declare no segment for it/);
  assert.equal(p.actions, [], 'nothing is planned for the refused set');
  assert.equal(rows(plan(d, l, { prune: 'delete', allow_empty_prune: true })), [['Segment/a', 'delete', 1], ['Segment/b', 'delete', 1]]);
});

test('refused: prune with no manifest at all, even in deactivate mode', () => {
  const p = plan(desired(), twoSegments(), { prune: 'deactivate' });
  assert.equal(codes(p), ['empty-prune']);
  assert.match(p.errors[0]!.message, /describe no object at all/);
  assert.equal(codes(plan(desired(), twoSegments(), { prune: 'none' })), []);
});

test('a shard with no manifests is refused, and emptied only with allow_empty_prune', () => {
  const l = live({ segments: [liveSegment(2, 'gone', { advertiser_id: 1234 })], segmentAdvertisers: [1234] });
  const everything = desired({ segments: [segment('elsewhere', { advertiser_id: 5678 })] });
  assert.equal(codes(plan(desired(), l, { prune: 'delete' }, everything)), ['empty-prune']);
  assert.equal(rows(plan(desired(), l, { prune: 'delete', allow_empty_prune: true }, everything)), [['Segment/gone', 'delete', 1]]);
});

test('a pixel in use: detached from the unmanaged line item in wave 1, deleted in wave 2; the PUT keeps the other pixels whole', () => {
  const attached = [
    { id: 11, state: 'active', post_click_revenue: 5, post_view_revenue: null },
    { id: 20, state: 'inactive', post_click_revenue: 2, post_view_revenue: 1 },
  ];
  const l = live({
    pixels: [livePixel(10, 'p'), livePixel(11, 'old', { name: 'Old checkout', line_items: [{ id: 501 }] })],
    lineItems: [liveLineItem(205), liveLineItem(501, { name: 'Spring', pixels: attached })],
  });
  const p = plan(desired({ pixels: [pixel('p')] }), l, { prune: 'delete' });
  assert.equal(p.errors, []);
  assert.equal(rows(p), [['LineItemPixels/line-item#501', 'update', 1], ['ConversionPixel/old', 'delete', 2]]);
  const [detach, del] = p.actions;
  assert.equal(detach!.request, { method: 'PUT', path: '/line-item', query: { id: 501, advertiser_id: 1234 }, body: { 'line-item': { pixels: [{ id: 20, state: 'inactive', post_click_revenue: 2, post_view_revenue: 1 }] } } });
  assert.equal(detach!.changes, [{ op: 'remove', path: '/pixels/0' }]);
  assert.match(detach!.warnings[0]!, /detaches pixel 11 \(Old checkout\) from line item 501 \(Spring\)/);
  assert.equal(del!.depends_on, ['LineItemPixels/line-item#501']);
  assert.equal(del!.request, { method: 'DELETE', path: '/pixel', query: { id: 11, advertiser_id: 1234 }, body: null });
});

test('a pixel in use on a managed line item: the binding PUT drops it (additive too), and the delete waits for it', () => {
  const l = live({
    pixels: [livePixel(10, 'p'), livePixel(11, 'old', { line_items: [{ id: 205 }] }), livePixel(12, null)],
    lineItems: [
      liveLineItem(205, {
        pixels: [
          { id: 11, state: 'active', post_click_revenue: null, post_view_revenue: null },
          { id: 12, state: 'active', post_click_revenue: null, post_view_revenue: null },
        ],
      }),
    ],
  });
  const d = desired({ pixels: [pixel('p')], bindings: [binding('li', { policy: 'additive', pixels: [{ pixel_id: 12 }] })] });
  const p = plan(d, l, { prune: 'delete' });
  assert.equal(p.errors, []);
  assert.equal(rows(p), [['LineItemPixels/li', 'update', 1], ['ConversionPixel/old', 'delete', 2]]);
  assert.equal(p.actions[0]!.request.body, { 'line-item': { pixels: [{ id: 12, state: 'active' }] } });
  assert.equal(p.actions[1]!.depends_on, ['LineItemPixels/li']);
  // In deactivate mode the pixel stays attached: only its state changes.
  const soft = plan(d, l, { prune: 'deactivate' });
  assert.equal(rows(soft), [['ConversionPixel/old', 'deactivate', 1]]);
  assert.match(soft.actions[0]!.warnings.join('\n'), /stays attached to 1 line item/);
});

test('a line item Xandr names as a user of a doomed pixel but that was not read is an error', () => {
  const l = live({ pixels: [livePixel(10, 'p'), livePixel(11, 'old', { line_items: [{ id: 999 }] })] });
  assert.equal(codes(plan(desired({ pixels: [pixel('p')] }), l, { prune: 'delete' })), ['unread-line-item']);
});

test('a pixel name two advertisers use gets the advertiser in its prune address', () => {
  const l = live({
    advertisers: [advertiser(1234), advertiser(5678)],
    pixels: [livePixel(10, 'purchase', { advertiser_id: 5678 }), livePixel(11, 'purchase', { advertiser_id: 1234 })],
  });
  const d = desired({ pixels: [pixel('purchase', { advertiser_id: 5678 })], segments: [segment('s', { advertiser_id: 1234 })] });
  assert.equal(codes(plan(d, l, { prune: 'delete' })), ['empty-prune'], 'advertiser 1234 declares no pixel');
  const p = plan(d, l, { prune: 'delete', allow_empty_prune: true });
  assert.ok(p.actions.some((a) => a.address === 'ConversionPixel/1234/purchase' && a.action === 'delete'), JSON.stringify(rows(p)));
});

test('the same input gives the same plan, prune included', () => {
  const d = desired({ segments: [kept] });
  assert.equal(plan(d, twoSegments(), { prune: 'delete' }), plan(d, twoSegments(), { prune: 'delete' }));
});

test.run();
