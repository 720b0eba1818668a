import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyChanges, buildPlan } from '../../src/plan/index.js';
import type { Desired, ProjectConfig, TargetingGroup } from '../../src/manifest/types.js';
import type { LiveState, Plan } from '../../src/plan/types.js';
import { config, desired, live, liveLineItem, liveProfile, liveSegment, profileSegment, segment, source0, target, targeting } from '../helpers/model.js';

/** The LineItemSegments planner: profile segment targeting compared by id, whole arrays written, in order. */
const plan = (d: Desired, l: LiveState, c: ProjectConfig = config()): Plan =>
  buildPlan({ desired: d, live: l, config: c, target, source: source0, reads: 3, createdAt: '2026-12-01T00:00:00Z' });

const test = suite('segment targeting (planner)');

const group = (operator: 'and' | 'or', ...segments: TargetingGroup['segments']): TargetingGroup => ({ boolean_operator: operator, segments });
const include = (segment_id: number, extra: object = {}) => ({ segment_id, action: 'include' as const, ...extra });
const exclude = (segment_id: number) => ({ segment_id, action: 'exclude' as const });

/** Line item 205 with profile 7205 targeting (11 or 22) and not 33. */
const liveWithProfile = (profile = liveProfile(7205, {
  segment_group_targets: [
    { boolean_operator: 'or', segments: [profileSegment(11), profileSegment(22)] },
    { boolean_operator: 'or', segments: [profileSegment(33, { action: 'exclude' })] },
  ],
})) =>
  live({
    segments: [liveSegment(11, null), liveSegment(22, null), liveSegment(33, null), liveSegment(44, null), liveSegment(55, null, { advertiser_id: 999 })],
    lineItems: [liveLineItem(205, { profile_id: profile.id })],
    profiles: [profile],
  });

const sameTargeting = () => targeting('li-205', { groups: [group('or', include(11), include(22)), group('or', exclude(33))] });

test('the same targeting in another order, groups and segments, is unchanged', () => {
  const shuffled = targeting('li-205', { groups: [group('or', exclude(33)), group('or', include(22), include(11))] });
  const p = plan(desired({ targeting: [shuffled] }), liveWithProfile());
  assert.equal(p.errors, []);
  assert.equal(p.actions, []);
  assert.is(p.summary.unchanged, 1);
});

test('changing one action is one PUT /profile with both fields whole, and the change names the segment', () => {
  const changed = targeting('li-205', { groups: [group('or', include(11), exclude(22)), group('or', exclude(33))] });
  const p = plan(desired({ targeting: [changed] }), liveWithProfile());
  assert.equal(p.errors, []);
  assert.is(p.actions.length, 1);
  const [action] = p.actions;
  assert.equal(action!.request, {
    method: 'PUT',
    path: '/profile',
    query: { id: 7205, advertiser_id: 1234 },
    body: {
      profile: {
        segment_boolean_operator: 'and',
        segment_group_targets: [
          { boolean_operator: 'or', segments: [{ id: 11, action: 'include', start_minutes: 0, expire_minutes: -1 }, { id: 22, action: 'exclude', start_minutes: 0, expire_minutes: -1 }] },
          { boolean_operator: 'or', segments: [{ id: 33, action: 'exclude', start_minutes: 0, expire_minutes: -1 }] },
        ],
      },
    },
  });
  assert.equal(action!.changes, [{ op: 'replace', path: '/segment_group_targets/0/segments/1/action', value: 'exclude' }]);
  assert.is(action!.id, 7205);
});

test('the changes, applied to the live profile, give the targeting sent', () => {
  const next = targeting('li-205', { segment_boolean_operator: 'or', groups: [group('and', include(44), include(11)), group('or', include(22, { expire_minutes: 60 }))] });
  const p = plan(desired({ targeting: [next] }), liveWithProfile());
  assert.equal(p.errors, []);
  const action = p.actions[0]!;
  const after = applyChanges(action.live as { segment_group_targets: { boolean_operator: string; segments: { id: number }[] }[] }, action.changes);
  const ids = (groups: { segments: { id: unknown }[] }[]) => groups.map((g) => g.segments.map((s) => s.id).sort()).sort();
  const sent = (action.request.body as { profile: { segment_group_targets: { segments: { id: unknown }[] }[] } }).profile.segment_group_targets;
  assert.equal(ids(after.segment_group_targets), ids(sent));
});

test('recency fields the manifest leaves out, and the other_* fields, are carried over; declared ones are compared', () => {
  const profile = liveProfile(7205, { segment_group_targets: [{ boolean_operator: 'or', segments: [profileSegment(11, { start_minutes: 5, expire_minutes: 600, other_less: 3 })] }] });
  const kept = plan(desired({ targeting: [targeting('li-205', { groups: [group('or', include(11))] })] }), liveWithProfile(profile));
  assert.equal(kept.actions, [], 'nothing declared differs');
  const shorter = plan(desired({ targeting: [targeting('li-205', { groups: [group('or', include(11, { expire_minutes: 60 }))] })] }), liveWithProfile(profile));
  const sent = (shorter.actions[0]!.request.body as { profile: { segment_group_targets: { segments: object[] }[] } }).profile.segment_group_targets[0]!.segments[0];
  assert.equal(sent, { id: 11, action: 'include', start_minutes: 5, expire_minutes: 60, other_less: 3 });
});

test('a line item without a profile: POST /profile, then PUT /line-item with the new profile_id, in order', () => {
  const l = live({ segments: [liveSegment(11, null)], lineItems: [liveLineItem(205, { profile_id: null })] });
  const p = plan(desired({ targeting: [targeting('li-205', { groups: [group('or', include(11))] })] }), l);
  assert.equal(p.errors, []);
  assert.equal(
    p.actions.map((a) => [a.address, a.action, a.wave, a.request.method, a.request.path]),
    [
      ['LineItemSegments/li-205', 'create', 1, 'POST', '/profile'],
      ['LineItemSegments/li-205#profile_id', 'update', 2, 'PUT', '/line-item'],
    ],
  );
  assert.equal(p.actions[0]!.request.query, { advertiser_id: 1234 });
  assert.equal(p.actions[1]!.request.body, { 'line-item': { profile_id: { ref: 'LineItemSegments/li-205' } } });
  assert.match(p.actions[0]!.warnings.join('\n'), /has no profile: this creates one/);
  assert.is(p.summary.writes, 2);
});

test('a segment created in the same run is a ref, and the profile write waits a wave for it', () => {
  const l = live({ segments: [], lineItems: [liveLineItem(205, { profile_id: 7205 })], profiles: [liveProfile(7205)] });
  const d = desired({
    segments: [segment('new-audience', { advertiser_id: 1234 })],
    targeting: [targeting('li-205', { groups: [group('or', { segment: 'new-audience', action: 'include' })] })],
  });
  const p = plan(d, l);
  assert.equal(p.errors, []);
  assert.equal(p.actions.map((a) => [a.address, a.wave]), [['Segment/new-audience', 1], ['LineItemSegments/li-205', 2]]);
  const profile = p.actions[1]!;
  assert.equal(profile.depends_on, ['Segment/new-audience']);
  assert.equal((profile.request.body as { profile: { segment_group_targets: { segments: { id: unknown }[] }[] } }).profile.segment_group_targets[0]!.segments[0]!.id, { ref: 'Segment/new-audience' });
});

test('a profile with the flat segment_targets is converted: the groups first, then the flat list emptied, and the plan says so', () => {
  const flat = liveProfile(7205, { segment_targets: [profileSegment(11), profileSegment(22)] });
  const p = plan(desired({ targeting: [targeting('li-205', { groups: [group('or', include(11), include(22))] })] }), liveWithProfile(flat));
  assert.equal(p.errors, []);
  assert.equal(
    p.actions.map((a) => [a.address, a.wave, JSON.stringify(a.request.body)]),
    [
      ['LineItemSegments/li-205', 1, JSON.stringify({ profile: { segment_boolean_operator: 'and', segment_group_targets: [{ boolean_operator: 'or', segments: [{ id: 11, action: 'include', start_minutes: 0, expire_minutes: -1 }, { id: 22, action: 'include', start_minutes: 0, expire_minutes: -1 }] }] } })],
      ['LineItemSegments/li-205#segment_targets', 2, JSON.stringify({ profile: { segment_targets: [] } })],
    ],
  );
  for (const action of p.actions) {
    const body = (action.request.body as { profile: Record<string, unknown> }).profile;
    assert.ok(!('segment_targets' in body && 'segment_group_targets' in body), 'never both fields in one request');
  }
  assert.match(p.actions[0]!.warnings.join('\n'), /uses the flat segment_targets \(2 segments\); it is converted to segment_group_targets/);
});

test('rules at plan time, positioned at the manifest field: unknown segment id, another advertiser\'s segment, archived profile', () => {
  const manifest = targeting('li-205', { groups: [group('or', include(99), include(55))] });
  manifest.source.fields = { '/groups/0/segments/0/segment_id': { file: 't.yaml', line: 9, column: 21 }, '/groups/0/segments/1/segment_id': { file: 't.yaml', line: 11, column: 21 } };
  const p = plan(desired({ targeting: [manifest] }), liveWithProfile());
  assert.equal(
    p.errors.map((e) => [e.code, e.line, e.column]),
    [
      ['unknown-segment-id', 9, 21],
      ['segment-advertiser-mismatch', 11, 21],
    ],
  );
  assert.equal(p.actions, []);
  const archived = plan(desired({ targeting: [sameTargeting()] }), liveWithProfile(liveProfile(7205, { is_archived: true })));
  assert.equal(archived.errors.map((e) => e.code), ['archived-profile']);
});

test('more than 400 segments in one profile is a plan error', () => {
  const many = Array.from({ length: 401 }, (_, i) => liveSegment(1000 + i, null));
  const l = live({ segments: many, lineItems: [liveLineItem(205, { profile_id: 7205 })], profiles: [liveProfile(7205)] });
  const p = plan(desired({ targeting: [targeting('li-205', { groups: [group('or', ...many.map((s) => include(s.id)))] })] }), l);
  assert.equal(p.errors.map((e) => e.code), ['too-many-segments']);
});

test('--target LineItemSegments/li-205 keeps both steps of a profile create', async () => {
  const { selectActions } = await import('../../src/plan/select.js');
  const l = live({ segments: [liveSegment(11, null)], lineItems: [liveLineItem(205, { profile_id: null })] });
  const p = plan(desired({ targeting: [targeting('li-205', { groups: [group('or', include(11))] })] }), l);
  const picked = selectActions(p.actions, { targets: ['LineItemSegments/li-205'], excludes: [] });
  assert.equal(picked.kept.map((a) => a.address), ['LineItemSegments/li-205', 'LineItemSegments/li-205#profile_id']);
});

test('prune: a removed segment still targeted is an error naming the targeting; targeting that drops it goes a wave first', () => {
  const l = live({
    segments: [liveSegment(11, 'kept', { advertiser_id: 1234 }), liveSegment(22, 'gone', { advertiser_id: 1234 })],
    lineItems: [liveLineItem(205, { profile_id: 7205 })],
    profiles: [liveProfile(7205, { segment_group_targets: [{ boolean_operator: 'or', segments: [profileSegment(11), profileSegment(22)] }] })],
  });
  const kept = segment('kept', { advertiser_id: 1234 });
  const prune = config({ prune: 'delete' });
  const still = plan(desired({ segments: [kept], targeting: [targeting('li-205', { groups: [group('or', include(11), include(22))] })] }), l, prune);
  assert.equal(still.errors.map((e) => e.code), ['segment-still-targeted']);
  assert.match(still.errors[0]!.message, /LineItemSegments\/li-205 still targets it on line item 205/);

  const dropped = plan(desired({ segments: [kept], targeting: [targeting('li-205', { groups: [group('or', include(11))] })] }), l, prune);
  assert.equal(dropped.errors, []);
  assert.equal(
    dropped.actions.map((a) => [a.address, a.action, a.wave]),
    [
      ['LineItemSegments/li-205', 'update', 1],
      ['Segment/gone', 'delete', 2],
    ],
  );
  assert.equal(dropped.actions[1]!.depends_on, ['LineItemSegments/li-205']);
});

test.run();
