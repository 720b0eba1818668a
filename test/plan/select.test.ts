import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPlan, matchesAddress, selectActions, type Selection } from '../../src/plan/index.js';
import type { Desired, ProjectConfig } from '../../src/manifest/types.js';
import type { LiveState, Plan } from '../../src/plan/types.js';
import { binding, config, desired, live, liveLineItem, livePixel, liveSegment, pixel, segment, source0, target } from '../helpers/model.js';

const plan = (d: Desired, l: LiveState, selection: Selection, c: Partial<ProjectConfig> = {}): Plan =>
  buildPlan({ desired: d, live: l, config: config(c), target, source: source0, reads: 3, createdAt: '2026-11-29T00:00:00Z', selection });
const addresses = (p: Plan) => p.actions.map((a) => a.address);
const sel = (targets: string[], excludes: string[] = []): Selection => ({ targets, excludes });

const test = suite('select (--target / --exclude)');

test('patterns: whole address, ignoring case; * crosses /, ? is one character; a bare kind means all of it', () => {
  assert.ok(matchesAddress('Segment/acme-*', 'Segment/acme-cart'));
  assert.ok(matchesAddress('segment/ACME-*', 'Segment/acme-cart'));
  assert.not.ok(matchesAddress('Segment/acme-*', 'Segment/other-acme-cart'), 'anchored at the start');
  assert.not.ok(matchesAddress('Segment/acme', 'Segment/acme-cart'), 'anchored at the end');
  assert.ok(matchesAddress('ConversionPixel/*', 'ConversionPixel/1234/purchase'));
  assert.ok(matchesAddress('ConversionPixel/*/purchase', 'ConversionPixel/1234/purchase'));
  assert.ok(matchesAddress('Segment/a?c', 'Segment/abc'));
  assert.ok(matchesAddress('Segment', 'Segment/anything'));
  assert.not.ok(matchesAddress('Segment', 'ConversionPixel/segment'));
  assert.ok(matchesAddress('Segment/a.b', 'Segment/a.b'));
  assert.not.ok(matchesAddress('Segment/a.b', 'Segment/axb'), '. is literal');
  assert.ok(matchesAddress('LineItemPixels/line-item#501', 'LineItemPixels/line-item#501'));
});

const seed = desired({
  segments: [segment('acme-a'), segment('acme-b'), segment('other')],
  pixels: [pixel('px')],
  bindings: [binding('li', { pixels: [{ pixel: 'px' }] })],
});

test('no flags: the whole plan, no warning', () => {
  const p = plan(seed, live(), sel([]));
  assert.is(p.actions.length, 5);
  assert.equal(p.warnings, []);
});

test('--target keeps the matching actions, and says the plan is partial', () => {
  const p = plan(seed, live(), sel(['Segment/acme-*']));
  assert.equal(addresses(p), ['Segment/acme-a', 'Segment/acme-b']);
  assert.is(p.summary.writes, 2);
  assert.match(p.warnings[0]!, /^partial plan \(--target Segment\/acme-\*\): 2 of 5 changes/);
});

test('a targeted action brings what it depends on, and the plan says so', () => {
  const p = plan(seed, live(), sel(['LineItemPixels/li']));
  assert.equal(p.actions.map((a) => [a.address, a.wave]), [['ConversionPixel/px', 1], ['LineItemPixels/li', 2]]);
  assert.match(p.warnings.join('\n'), /ConversionPixel\/px is included although not targeted: LineItemPixels\/li depends on it/);
});

test('--exclude leaves out an action and what depends on it, with the reason', () => {
  const p = plan(seed, live(), sel([], ['ConversionPixel/px']));
  assert.equal(addresses(p), ['Segment/acme-a', 'Segment/acme-b', 'Segment/other']);
  assert.equal(p.errors, []);
  assert.match(p.warnings.join('\n'), /LineItemPixels\/li is left out: it depends on ConversionPixel\/px, and --exclude leaves out ConversionPixel\/px/);
});

test('targeting an action whose dependency is excluded is an error', () => {
  const p = plan(seed, live(), sel(['LineItemPixels/li'], ['ConversionPixel/*']));
  assert.equal(p.errors.map((e) => [e.code, e.address]), [['excluded-dependency', 'LineItemPixels/li']]);
});

test('a pattern that matches no change is a warning, not silence', () => {
  const p = plan(seed, live(), sel(['Segment/acme-typo']));
  assert.equal(p.actions, []);
  assert.match(p.warnings.join('\n'), /--target Segment\/acme-typo matches no change in this plan/);
});

test('prune actions are selectable; a targeted pixel delete brings its detach along', () => {
  const l = live({
    segments: [liveSegment(1, 'acme-a'), liveSegment(2, 'old-seg')],
    pixels: [livePixel(10, 'px'), livePixel(11, 'old', { line_items: [{ id: 501 }] })],
    lineItems: [liveLineItem(205), liveLineItem(501, { pixels: [{ id: 11, state: 'active', post_click_revenue: null, post_view_revenue: null }] })],
  });
  const d = desired({ segments: [segment('acme-a', { short_name: 'acme-a' })], pixels: [pixel('px', { name: 'px' })] });
  const p = plan(d, l, sel(['ConversionPixel/old']), { prune: 'delete' });
  assert.equal(p.actions.map((a) => [a.address, a.action, a.wave]), [
    ['LineItemPixels/line-item#501', 'update', 1],
    ['ConversionPixel/old', 'delete', 2],
  ]);
  assert.match(p.warnings.join('\n'), /prune DELETES 1 object that no manifest describes: ConversionPixel\/old\./, 'the prune warning lists only what is kept');
  const excluded = plan(d, l, sel([], ['LineItemPixels/*']), { prune: 'delete' });
  assert.equal(addresses(excluded), ['Segment/old-seg'], 'no detach, so no pixel delete either');
});

test('selectActions is pure and keeps the input order', () => {
  const actions = [
    { address: 'Segment/b', depends_on: [] },
    { address: 'Segment/a', depends_on: ['Segment/b'] },
  ];
  const result = selectActions(actions, sel(['Segment/a']));
  assert.equal(result.kept.map((a) => a.address), ['Segment/b', 'Segment/a']);
  assert.equal(actions.length, 2);
});

test.run();
