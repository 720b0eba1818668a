import { suite } from 'uvu';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { calls, parsePlan, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * LineItemSegments end to end, through the CLI against the sandbox's profile service (issue 18): the
 * segment is created a wave before the profile that targets it, a line item without a profile gets one,
 * the re-plan is empty, one changed action is one PUT /profile; import writes console-made targeting that
 * the next plan only adopts; prune drops a segment from the targeting a wave before it deletes it.
 */
const sb = sandboxFixture();
const test = suite('segment targeting end to end');
test.before(sb.start);
test.after(sb.stop);
test.before.each(async () => {
  await sb.it.control.reset();
});

const cli = (args: string[], dir: string) => runCli(args, { cwd: dir, env: sandboxEnv(sb.it.url) });

const targetingYaml = (action: 'include' | 'exclude') => `apiVersion: xandr-sync/v1
kind: LineItemSegments
metadata:
  name: line-item-205-audience
spec:
  advertiser_id: 1234
  line_item_id: 205
  segment_boolean_operator: and
  groups:
    - boolean_operator: or
      segments:
        - segment: retargeting-segment
          action: ${action}
          expire_minutes: 10080
`;

/** A segment the prune tests remove from git. */
const OLD_AUDIENCE = `apiVersion: xandr-sync/v1
kind: Segment
metadata:
  name: old-audience
spec:
  advertiser_id: 1234
  short_name: Old audience
`;

const profileOf = (lineItemId: number) => {
  const state = sb.it.control.snapshot();
  const li = state.lineItems.find((l: any) => l.id === lineItemId);
  return state.profiles.find((p: any) => p.id === li?.profile_id) as any;
};

test('one apply creates the segment, then the profile that targets it, then points line item 205 at it; the re-plan is empty', async () => {
  const ws = workspace({ ...SEED, 'targeting.yaml': targetingYaml('include') });
  try {
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    const waves = Object.fromEntries(plan.actions.map((a: any) => [a.address, a.wave]));
    assert.ok(waves['Segment/retargeting-segment'] < waves['LineItemSegments/line-item-205-audience'], 'the segment comes a wave before the profile');
    assert.ok(waves['LineItemSegments/line-item-205-audience'] < waves['LineItemSegments/line-item-205-audience#profile_id']);

    sb.it.control.clearLog();
    const applied = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    const writes = writesIn(sb.it.control.log());
    const at = (call: string, test: (e: any) => boolean = () => true) => writes.findIndex((e) => `${e.method} ${e.path}` === call && test(e));
    const segmentPost = at('POST /segment');
    const profilePost = at('POST /profile');
    const link = at('PUT /line-item', (e) => 'profile_id' in ((e.body as any)?.['line-item'] ?? {}));
    assert.ok(segmentPost >= 0 && segmentPost < profilePost && profilePost < link, calls(writes).join(', '));

    const segment = sb.it.control.snapshot().segments.find((s: any) => s.code === 'retargeting-segment') as any;
    const profile = profileOf(205);
    assert.ok(profile, 'line item 205 has a profile now');
    assert.equal(profile.segment_boolean_operator, 'and');
    assert.equal(
      profile.segment_group_targets.map((g: any) => [g.boolean_operator, g.segments.map((s: any) => [s.id, s.action, s.expire_minutes])]),
      [['or', [[segment.id, 'include', 10080]]]],
    );

    const again = await cli(['plan', '--detailed-exitcode'], ws.dir);
    assert.is(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /No changes/);
  } finally {
    ws.cleanup();
  }
});

test('changing one action costs exactly one write: PUT /profile with the whole arrays', async () => {
  const ws = workspace({ ...SEED, 'targeting.yaml': targetingYaml('include') });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    writeFileSync(join(ws.dir, 'targeting.yaml'), targetingYaml('exclude'));
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.equal(plan.actions.map((a: any) => [a.address, a.request.method, a.request.path]), [['LineItemSegments/line-item-205-audience', 'PUT', '/profile']]);
    sb.it.control.clearLog();
    const applied = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    const writes = writesIn(sb.it.control.log());
    assert.equal(calls(writes), ['PUT /profile']);
    assert.equal(profileOf(205).segment_group_targets[0].segments[0].action, 'exclude');
    assert.is((await cli(['plan', '--detailed-exitcode'], ws.dir)).code, 0);
  } finally {
    ws.cleanup();
  }
});

test('a line item that already has a profile gets it filled in with one PUT, no POST', async () => {
  const seedAli = `apiVersion: xandr-sync/v1
kind: LineItemSegments
metadata:
  name: seed-ali-audience
spec:
  advertiser_id: 1234
  line_item_code: seed-ali
  groups:
    - segments:
        - segment: retargeting-segment
`;
  const ws = workspace({ ...SEED, 'targeting.yaml': seedAli });
  try {
    sb.it.control.clearLog();
    const applied = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    const profileWrites = writesIn(sb.it.control.log()).filter((e) => e.path === '/profile');
    assert.equal(profileWrites.map((e) => [e.method, e.query.id]), [['PUT', '7206']]);
  } finally {
    ws.cleanup();
  }
});

test('import writes the targeting a trader made in the console; the next plan only adopts', async () => {
  // A console-made segment (no code) and a coded one, targeted from line item 206's profile in the console.
  await sb.it.control.upsert({
    by: { user_full_name: 'Jane Trader', request_source: 'hbui' },
    segments: [
      { id: 9101, member_id: 958, advertiser_id: 1234, short_name: 'Console visitors', code: null, state: 'active' },
      { id: 9102, member_id: 958, advertiser_id: null, short_name: 'Member buyers', code: 'member-buyers', state: 'active' },
    ],
    profiles: [
      {
        id: 7206,
        advertiser_id: 1234,
        member_id: 958,
        segment_boolean_operator: 'and',
        segment_group_targets: [
          { boolean_operator: 'or', segments: [{ id: 9101, action: 'include', start_minutes: 0, expire_minutes: 1440 }] },
          { boolean_operator: 'or', segments: [{ id: 9102, action: 'exclude', start_minutes: 0, expire_minutes: -1 }] },
        ],
      },
    ],
  });
  const ws = workspace({});
  try {
    const imported = await cli(['import', '--advertiser', '1234', '--member'], ws.dir);
    assert.is(imported.code, 0, imported.stdout + imported.stderr);
    const text = readFileSync(join(ws.dir, 'advertiser-1234', 'targeting.yaml'), 'utf8');
    assert.match(text, /kind: LineItemSegments/);
    assert.match(text, /line_item_id: 206/);
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.equal(plan.errors, []);
    assert.ok(plan.actions.length > 0, 'the console-made segment is adopted');
    assert.equal([...new Set(plan.actions.map((a: any) => a.action))], ['adopt']);
    assert.ok(!plan.actions.some((a: any) => a.kind === 'LineItemSegments'), 'the targeting is already what the manifests say');
  } finally {
    ws.cleanup();
  }
});

test('prune drops a removed segment from the targeting a wave before it deletes the segment', async () => {
  const both = `apiVersion: xandr-sync/v1
kind: LineItemSegments
metadata:
  name: line-item-205-audience
spec:
  advertiser_id: 1234
  line_item_id: 205
  groups:
    - segments:
        - segment: retargeting-segment
        - segment: old-audience
`;
  const ws = workspace({ ...SEED, 'old.yaml': OLD_AUDIENCE, 'targeting.yaml': both });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    // The segment's manifest goes, and so does its place in the targeting.
    ws.remove('old.yaml');
    writeFileSync(join(ws.dir, 'targeting.yaml'), both.replace('        - segment: old-audience\n', ''));
    const plan = parsePlan((await cli(['plan', '--format', 'json', '--prune', 'delete'], ws.dir)).stdout);
    assert.equal(plan.errors, []);
    const byAddress = Object.fromEntries(plan.actions.map((a: any) => [a.address, a]));
    assert.ok(byAddress['LineItemSegments/line-item-205-audience'].wave < byAddress['Segment/old-audience'].wave);
    assert.equal(byAddress['Segment/old-audience'].depends_on, ['LineItemSegments/line-item-205-audience']);
    sb.it.control.clearLog();
    const applied = await cli(['apply', '--auto-approve', '--prune', 'delete'], ws.dir);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(calls(writesIn(sb.it.control.log())), ['PUT /profile', 'DELETE /segment']);
  } finally {
    ws.cleanup();
  }
});

test('a removed segment that the targeting still names by id is a plan error naming the targeting', async () => {
  const ws = workspace({ ...SEED, 'old.yaml': OLD_AUDIENCE });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    const id = (sb.it.control.snapshot().segments.find((s: any) => s.code === 'old-audience') as any).id;
    ws.remove('old.yaml');
    writeFileSync(
      join(ws.dir, 'targeting.yaml'),
      `apiVersion: xandr-sync/v1
kind: LineItemSegments
metadata:
  name: line-item-205-audience
spec:
  advertiser_id: 1234
  line_item_id: 205
  groups:
    - segments:
        - segment_id: ${id}
`,
    );
    const run = await cli(['plan', '--prune', 'delete'], ws.dir);
    assert.is(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, /segment-still-targeted .*LineItemSegments\/line-item-205-audience still targets it/);
  } finally {
    ws.cleanup();
  }
});

test('a saved plan of a targeting change applies as planned, and is refused for a profile a trader edited since', async () => {
  const ws = workspace({ ...SEED, 'targeting.yaml': targetingYaml('include') });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    writeFileSync(join(ws.dir, 'targeting.yaml'), targetingYaml('exclude'));
    assert.is((await cli(['plan', '--out', 'plan.json'], ws.dir)).code, 0);
    const profileId = profileOf(205).id;
    await sb.it.control.upsert({ by: { user_full_name: 'Jane Trader' }, profiles: [{ id: profileId, segment_boolean_operator: 'or' }] });
    sb.it.control.clearLog();
    const refused = await cli(['apply', '--plan', 'plan.json', '--auto-approve'], ws.dir);
    assert.is(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /changed since the plan was made: segment_boolean_operator/);
    assert.equal(writesIn(sb.it.control.log()), []);

    assert.is((await cli(['plan', '--out', 'plan.json'], ws.dir)).code, 0);
    sb.it.control.clearLog();
    const applied = await cli(['apply', '--plan', 'plan.json', '--auto-approve'], ws.dir);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(calls(writesIn(sb.it.control.log())), ['PUT /profile']);
  } finally {
    ws.cleanup();
  }
});

test.run();
