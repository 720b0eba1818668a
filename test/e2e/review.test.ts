import { suite } from 'uvu';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { CONFIG, SEED, docs, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { parsePlan, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * The plan a reviewer trusts (issue 17), end to end against the sandbox: what a line-item change is worth
 * (impact facts, the risk summary first, the goal-pixel guard), who changed a drifted object (Xandr's Change
 * Log, never its session id or client IP), and accept-drift writing the live values back byte for byte.
 */
const sb = sandboxFixture();
const test = suite('review: impact, attribution, accept-drift');
test.before(sb.start);
test.after(sb.stop);
test.before.each(async () => {
  await sb.it.control.reset();
});

const cli = (args: string[], dir: string) => runCli(args, { cwd: dir, env: sandboxEnv(sb.it.url) });

/** Line item 503 (active, in flight, CPA goal on console pixel 777), made authoritative without 777. */
const detachGoal = (guard = '') => ({
  'xandr-sync.yaml': `${CONFIG}${guard}`,
  'pixels.yaml': pixelYaml('acme-signup', 5678),
  'line-items.yaml': `apiVersion: xandr-sync/v1
kind: LineItemPixels
metadata:
  name: acme-brand
spec:
  advertiser_id: 5678
  line_item_code: acme-brand
  policy: authoritative
  pixels:
    - pixel: acme-signup
`,
});

test('detaching a goal pixel from an active line item in flight: the risk summary first, impact in JSON, and the guard refuses', async () => {
  const ws = workspace(detachGoal());
  try {
    const text = await cli(['plan'], ws.dir);
    assert.is(text.code, 0, text.stderr);
    const first = text.stdout.split('\n').find((l) => l.trim() !== '')!;
    assert.match(first, /^Risk summary/, 'the text plan opens with the risk summary');
    assert.match(text.stdout, /Detaches conversion pixel .*\(777\) from 1 line item, active and in flight; 1 optimises to it \(CPA goal\)/);
    assert.ok(text.stdout.indexOf('Risk summary') < text.stdout.indexOf('xandr-sync will make these changes'));
    assert.match(text.stdout, /DETACHES GOAL PIXEL/);
    assert.match(text.stdout, /= line item 503 "Acme Brand Awareness": active, in flight/);

    const md = (await cli(['plan', '--format', 'markdown'], ws.dir)).stdout;
    assert.ok(md.indexOf('**Risk summary**') > 0 && md.indexOf('**Risk summary**') < md.indexOf('<details'), 'markdown: the risk summary before any detail');
    // Markdown escapes the parentheses with a backslash, which GitHub renders as written.
    assert.match(md, /Detaches conversion pixel .*777.* from 1 line item, active and in flight; 1 optimises to it \\?\(CPA goal\\?\)/);

    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    const action = plan.actions.find((a: any) => a.address === 'LineItemPixels/acme-brand');
    assert.equal(action.impact.line_item, {
      id: 503,
      name: 'Acme Brand Awareness',
      state: 'active',
      line_item_type: 'standard_v1',
      start_date: action.impact.line_item.start_date,
      end_date: action.impact.line_item.end_date,
      lifetime_budget: 30000,
      daily_budget: 300,
      revenue_type: 'cpm',
      goal_type: 'cpa',
      goal_pixel: true,
    });
    assert.equal(action.impact.detaches_goal_pixels, [777]);
    assert.ok(plan.risks.length >= 1);
  } finally {
    ws.cleanup();
  }
  const guarded = workspace(detachGoal('guards:\n  goal_pixel_detach: refuse\n'));
  try {
    sb.it.control.clearLog();
    const applied = await cli(['apply', '--auto-approve'], guarded.dir);
    assert.is(applied.code, 1, applied.stdout + applied.stderr);
    assert.match(applied.stdout + applied.stderr, /goal_pixel_detach/);
    assert.equal(writesIn(sb.it.control.log()), [], 'no write at all');
  } finally {
    guarded.cleanup();
  }
});

test('a console edit by Jane Trader is attributed in text, markdown and JSON, with old -> new; no output holds the session id or client IP', async () => {
  const ws = workspace(SEED);
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    const segment = sb.it.control.snapshot().segments.find((s: any) => s.code === 'retargeting-segment') as any;
    await sb.it.control.upsert({ by: { user_full_name: 'Jane Trader', request_source: 'hbui' }, segments: [{ id: segment.id, short_name: 'Retargeting (console)' }] });
    // The canaries: what the change log holds that must never come out.
    // (client_ip is the loopback address the sandbox's URL carries too, so its key is the canary for it.)
    const secrets = sb.it.control.snapshot().changeLog.flatMap((t: any) => [t.session_id]).filter((v: unknown): v is string => typeof v === 'string' && v.length > 4);
    assert.ok(secrets.length > 0, 'the change log has session ids to leak');

    sb.it.control.clearLog();
    const json = await cli(['plan', '--format', 'json', '--out', 'plan.json'], ws.dir);
    const plan = parsePlan(json.stdout);
    const action = plan.actions.find((a: any) => a.address === 'Segment/retargeting-segment');
    assert.equal(action.drift.changed_by, 'Jane Trader');
    assert.equal(action.drift.request_source, 'hbui');
    assert.equal(action.drift.changes, [{ field: 'short_name', old: 'Retargeting Segment', new: 'Retargeting (console)' }]);
    const changeLogReads = sb.it.control.log().filter((e) => e.method === 'GET' && e.path.startsWith('/change-log'));
    assert.is(changeLogReads.length, 2, 'two change-log reads for the one drifted object');

    const text = await cli(['plan'], ws.dir);
    assert.match(text.stdout, /changed in the console by Jane Trader, \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(short_name: "Retargeting Segment" -> "Retargeting \(console\)"\)/);
    const md = await cli(['plan', '--format', 'markdown'], ws.dir);
    assert.match(md.stdout, /changed in the console by Jane Trader/);
    const outputs = [json.stdout, json.stderr, text.stdout, text.stderr, md.stdout, md.stderr, ...filesUnder(ws.dir)];
    for (const secret of [...secrets, 'client_ip', 'session_id', 'raw_json']) for (const output of outputs) assert.not.ok(output.includes(secret), `a change-log secret leaked: ${secret.slice(0, 12)}...`);
  } finally {
    ws.cleanup();
  }
});

test('change-log reads: at most 2 per drifted object and never past attribution.max_lookups; a user that may not read it gets one line', async () => {
  const segments = Array.from({ length: 6 }, (_, i) => segmentYaml(`seg-${i}`, { advertiser_id: 1234, short_name: `Segment ${i}` }));
  const ws = workspace({ 'xandr-sync.yaml': `${CONFIG}attribution:\n  max_lookups: 4\n`, 'segments.yaml': docs(...segments) });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    const live = sb.it.control.snapshot().segments.filter((s: any) => String(s.code).startsWith('seg-')) as any[];
    await sb.it.control.upsert({ by: { user_full_name: 'Jane Trader' }, segments: live.map((s) => ({ id: s.id, short_name: `${s.short_name} (edited)` })) });
    sb.it.control.clearLog();
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    const reads = sb.it.control.log().filter((e) => e.method === 'GET' && e.path.startsWith('/change-log'));
    assert.is(plan.actions.length, 6);
    assert.is(reads.length, 8, '4 objects looked up, 2 reads each');
    assert.is(plan.actions.filter((a: any) => a.drift).length, 4);
    assert.match(plan.attribution.note, /2 more drifted objects were not looked up \(attribution.max_lookups is 4\)/);

    sb.it.control.configure({ refuseChangeLog: true });
    const refused = await cli(['plan'], ws.dir);
    assert.is(refused.code, 0, 'the plan still works');
    assert.match(refused.stdout, /Attribution: drift is shown without who changed it: this user may not read Xandr's Change Log/);
  } finally {
    sb.it.control.configure({ refuseChangeLog: false });
    ws.cleanup();
  }
});

test('accept-drift writes only the drifted values, byte for byte elsewhere, and the next plan is empty', async () => {
  const manifest = `# Audience segments of the seed advertiser.
apiVersion: xandr-sync/v1
kind: Segment
metadata:
  name: retargeting-segment   # the article's segment
spec:
  advertiser_id: 1234
  short_name: 'Retargeting Segment'     # quoted on purpose
  expire_minutes: 20160 # 14 days
---
apiVersion: xandr-sync/v1
kind: Segment
metadata:
  name: untouched
spec:
  advertiser_id: 1234
  short_name: Untouched
`;
  const ws = workspace({ 'xandr-sync.yaml': CONFIG, 'segments.yaml': manifest });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    const segment = sb.it.control.snapshot().segments.find((s: any) => s.code === 'retargeting-segment') as any;
    await sb.it.control.upsert({ by: { user_full_name: 'Jane Trader' }, segments: [{ id: segment.id, short_name: 'Retargeting (console)', expire_minutes: 10080 }] });
    const run = await cli(['accept-drift'], ws.dir);
    assert.is(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /wrote segments\.yaml: accepted the live values of 1 object/);
    assert.match(run.stdout, /changed in Xandr by Jane Trader|changed in the console by Jane Trader/);
    const after = readFileSync(join(ws.dir, 'segments.yaml'), 'utf8');
    assert.is(after, manifest.replace("'Retargeting Segment'", "'Retargeting (console)'").replace('expire_minutes: 20160 # 14 days', 'expire_minutes: 10080 # 14 days'));
    const again = await cli(['plan', '--detailed-exitcode'], ws.dir);
    assert.is(again.code, 0, again.stdout + again.stderr);
    assert.match((await cli(['accept-drift'], ws.dir)).stdout, /No drift to accept/);
  } finally {
    ws.cleanup();
  }
});

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

test.run();
