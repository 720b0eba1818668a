import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decideNotification, INITIAL_NOTIFY_STATE, type Notification, type NotifyState } from '../../src/sync/notifications.js';
import type { CycleReport, CycleResult, SyncMode } from '../../src/sync/types.js';
import type { Action, Plan } from '../../src/plan/types.js';

const test = suite('notification rules');

const action = (address: string, kind: Action['action'] = 'update'): Action => ({
  address,
  kind: address.split('/')[0] as Action['kind'],
  action: kind,
  wave: 1,
  request: { method: 'PUT', path: '/segment', query: {}, body: null },
  changes: [],
  depends_on: [],
  live: null,
  warnings: [],
  id: 1,
});

const plan = (actions: Action[]): Plan => ({
  format_version: 1,
  target: { kind: 'xandr', api_url: 'https://api.appnexus.com', member_id: 958 },
  source: { paths: ['.'], git: { commit: 'c'.repeat(40), dirty: false } },
  options: { prune: 'none', allow_empty_prune: false, advertisers: null, selection: null },
    scope: null,
  created_at: '2026-01-01T00:00:00.000Z',
  summary: { create: 0, update: actions.length, delete: 0, adopt: 0, rename: 0, deactivate: 0, unchanged: 0, reads: 3, writes: actions.length },
  actions,
  warnings: [],
  errors: [],
  guards: {},
});

let cycle = 0;
const report = (result: CycleResult, actions: Action[] = [], mode: SyncMode = 'detect', failure?: string): CycleReport => ({
  cycle: ++cycle,
  mode,
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:00:01.000Z',
  duration_ms: 1000,
  result,
  source: { repo: 'https://***@github.com/acme/config.git', ref: 'main', commit: 'c'.repeat(40), subject: 'x' },
  plan: result === 'failed' && failure?.startsWith('fetch') ? null : plan(actions),
  apply: null,
  failure: result === 'failed' ? { stage: 'fetch', message: failure ?? 'boom' } : null,
  fetch_ok: true,
  login_ok: true,
  calls: { reads: 3, writes: 0, logins: 0, read_mode: 'full', full_read_reason: null },
});

/** Runs reports through the rules and returns the events sent. */
function run(reports: CycleReport[], start: NotifyState = INITIAL_NOTIFY_STATE): (Notification['event'] | null)[] {
  let state = start;
  return reports.map((r) => {
    const decision = decideNotification(state, r);
    state = decision.state;
    return decision.notification?.event ?? null;
  });
}

const A = action('Segment/a');
const B = action('ConversionPixel/b', 'create');

test('mode detect: the same drift is announced once, a different set again, its end once', () => {
  assert.equal(run([report('in_sync'), report('drift', [A]), report('drift', [A]), report('drift', [A, B]), report('drift', [B, A]), report('in_sync'), report('in_sync')]), [
    null,
    'drift',
    null,
    'drift',
    null,
    'resolved',
    null,
  ]);
});

test('mode apply: each repair is announced; the clean cycle after it is silent; a recurring console edit once per return', () => {
  const applied = (actions: Action[]) => report('applied', actions, 'apply');
  const clean = () => report('in_sync', [], 'apply');
  assert.equal(run([applied([A]), clean(), clean(), applied([A]), applied([A]), clean()]), ['drift', null, null, 'drift', null, null]);
});

test('failures: one message on the way in, one on the way out, whatever happens between', () => {
  assert.equal(run([report('in_sync'), report('failed'), report('failed', [], 'detect', 'other'), report('failed'), report('in_sync'), report('in_sync')]), [
    null,
    'failure',
    null,
    null,
    'recovery',
    null,
  ]);
  assert.equal(run([report('failed')]), ['failure'], 'a failure in the very first cycle is announced');
});

test('a recovery that finds drift says so in the same message, and the drift is not announced again', () => {
  let state = INITIAL_NOTIFY_STATE;
  for (const r of [report('failed'), report('failed')]) state = decideNotification(state, r).state;
  const recovery = decideNotification(state, report('drift', [A]));
  assert.is(recovery.notification?.event, 'recovery');
  assert.match(recovery.notification!.text, /works again after 2 failed cycles/);
  assert.match(recovery.notification!.text, /update Segment\/a/);
  assert.is(decideNotification(recovery.state, report('drift', [A])).notification, null);
});

test('a cancelled cycle changes nothing', () => {
  assert.equal(run([report('drift', [A]), report('cancelled'), report('drift', [A])]), ['drift', null, null]);
  assert.equal(run([report('failed'), report('cancelled'), report('failed')]), ['failure', null, null]);
});

test('messages are Slack-shaped, name the commit, list the changes, and cannot ping anyone', () => {
  const drift = decideNotification(INITIAL_NOTIFY_STATE, report('drift', [A, B])).notification!;
  assert.match(drift.text, /Xandr differs from git on member 958 at https:\/\/api\.appnexus\.com: 2 changes \(1 to update, 1 to create\)/);
  assert.match(drift.text, /Nothing was changed \(mode detect\)/);
  assert.ok(Array.isArray(drift.blocks) && drift.blocks.length === 3);
  assert.match(JSON.stringify(drift.blocks), /commit cccccccccccc/);
  assert.match(JSON.stringify(drift.blocks), /repo https:\/\/\*\*\*@github\.com\/acme\/config\.git/);
  const failure = decideNotification(INITIAL_NOTIFY_STATE, report('failed', [], 'detect', 'fetch failed <!channel> & <@U123>')).notification!;
  assert.match(failure.text, /failed at fetch/);
  assert.not.match(failure.text, /<!channel>|<@U123>/);
  assert.not.match(JSON.stringify(failure.blocks), /<!channel>|<@U123>/);
  assert.match(failure.text, /&lt;!channel&gt; &amp; &lt;@U123&gt;/);
});

test('a long list of changes is cut at ten, with the rest counted', () => {
  const many = Array.from({ length: 14 }, (_, i) => action(`Segment/s${i}`));
  const drift = decideNotification(INITIAL_NOTIFY_STATE, report('drift', many)).notification!;
  assert.is((drift.text.match(/• update/g) ?? []).length, 10);
  assert.match(drift.text, /and 4 more/);
});

test.run();
